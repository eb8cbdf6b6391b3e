/* SPDX-License-Identifier: Apache-2.0 */
#include "util/stop.h"

#include <signal.h>
#include <string.h>

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

void nwt_stop_install(void)
{
	struct sigaction sa, old;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;	/* no SA_RESTART: a blocked write or poll returns EINTR */
	/*
	 * Set even over an inherited SIG_IGN: a shell without job control starts
	 * background jobs with SIGINT ignored, and `nwtrace ... & kill -INT $!`
	 * must still detach and summarise, as tcpdump does.
	 */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* nohup ignores SIGHUP so that the run outlives the terminal: keep it so. */
	if (!sigaction(SIGHUP, NULL, &old) && old.sa_handler != SIG_IGN)
		sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

bool nwt_stop_requested(void)
{
	return stop_requested;
}
