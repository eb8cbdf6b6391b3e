/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The command line: nwt_parse_options() over an argv made from the input,
 * and the address/prefix parser behind --ip on every argument alone.  The
 * arguments are whatever a user or a script passes, and the parsed values
 * become -D defines of the probes, so the parsers promise ranges: the harness
 * checks that a successful parse only ever yields values inside them, that a
 * failed one leaves a message, and that a parsed prefix prints back to text
 * that parses to the same prefix.
 *
 * Input: the arguments after argv[0], separated by NUL bytes.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "util/addr.h"
#include "plan/options.h"
#include "plan/probe_plan.h"

#define MAX_ARGS 64

static void fail(const char *what, const char *arg)
{
	fprintf(stderr, "fuzz_options: %s: '%s'\n", what, arg);
	abort();
}

static void check_options(const struct nwt_options *o)
{
	const int *ports[] = { &o->port, &o->sport, &o->dport };

	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++)
		if (*ports[i] != -1 && (*ports[i] < 1 || *ports[i] > 65535))
			fail("port out of range", "");
	if (o->pid != -1 && (o->pid < 1 || o->pid > NWT_MAX_PID))
		fail("pid out of range", "");
	if (o->family && o->family != AF_INET && o->family != AF_INET6)
		fail("bad family", "");
	if (!(o->interval_s >= 0.1 && o->interval_s <= 3600))
		fail("interval out of range", "");
	if (o->duration_s < 0 || o->duration_s > 31536000)
		fail("duration out of range", "");
	if (o->rate > 100000000)
		fail("rate out of range", "");
	if (!o->features)
		fail("no feature", "");
	if (o->has_prefix &&
	    o->prefix.prefix_len > (o->prefix.family == AF_INET ? 32u : 128u))
		fail("prefix length out of range", "");
}

/* A parsed prefix printed as ADDR/LEN parses back to itself; its mask has LEN bits. */
static void check_prefix(const char *arg)
{
	struct nwt_prefix p, again;
	char addr[NWT_ADDR_STRLEN], text[NWT_ADDR_STRLEN + 8], endpoint[NWT_ENDPOINT_STRLEN];
	uint32_t mask[4];
	unsigned int bits = 0;

	if (nwt_parse_prefix(arg, &p))
		return;
	if (p.family != AF_INET && p.family != AF_INET6)
		fail("prefix family", arg);
	nwt_format_addr(p.family, p.addr, addr, sizeof(addr));
	snprintf(text, sizeof(text), "%s/%u", addr, p.prefix_len);
	if (nwt_parse_prefix(text, &again) || memcmp(&p, &again, sizeof(p)))
		fail("prefix does not round-trip", arg);
	nwt_prefix_mask_words(&p, mask);
	for (int i = 0; i < 4; i++)
		bits += (unsigned int)__builtin_popcount(mask[i]);
	if (bits != p.prefix_len)
		fail("mask bits", arg);
	nwt_format_endpoint(p.family, p.addr, (uint16_t)strlen(arg), endpoint, sizeof(endpoint));
	nwt_format_endpoint(p.family, p.addr, 0, endpoint, 8);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *argv[MAX_ARGS + 2], *copies[MAX_ARGS + 1];
	struct nwt_options opts;
	char err[512];
	int argc = 0;
	size_t start = 0;

	copies[argc] = argv[argc] = strdup("nwtrace");
	argc++;
	while (start < size && argc <= MAX_ARGS) {
		const uint8_t *nul = memchr(data + start, 0, size - start);
		size_t len = nul ? (size_t)(nul - data) - start : size - start;
		char *arg = malloc(len + 1);	/* exact size: reads past the NUL show */

		if (!arg)
			break;
		memcpy(arg, data + start, len);
		arg[len] = '\0';
		copies[argc] = argv[argc] = arg;
		argc++;
		start += len + 1;
	}
	argv[argc] = NULL;

	/* getopt permutes argv: the copies keep the pointers to free. */
	err[0] = '\0';
	switch (nwt_parse_options(argc, argv, &opts, err, sizeof(err))) {
	case NWT_PARSE_RUN:
		check_options(&opts);
		break;
	case NWT_PARSE_ERROR:
		if (!memchr(err, '\0', sizeof(err)) || !err[0])
			fail("error without a message", "");
		break;
	case NWT_PARSE_HELP:
	case NWT_PARSE_VERSION:
		break;
	}
	for (int i = 1; i < argc; i++) {
		check_prefix(copies[i]);
		nwt_attach_kind_from_name(copies[i]);
	}
	for (int i = 0; i < argc; i++)
		free(copies[i]);
	return 0;
}
