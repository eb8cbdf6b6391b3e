/* SPDX-License-Identifier: Apache-2.0 */
#include "session/session.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "decode/event_decode.h"
#include "decode/record_order.h"
#include "decode/rx_read_join.h"
#include "features/features.h"
#include "kernel/kernel_headers.h"
#include "loader/bpf_loader.h"
#include "output/diag.h"
#include "output/output.h"
#include "output/output_file.h"
#include "output/run_summary.h"
#include "output/stats.h"
#include "plan/bpf_defines.h"
#include "plan/probe_source.h"
#include "session/plan_report.h"
#include "session/record_stage.h"
#include "util/stop.h"

#define HEADERS_CACHE "/var/cache/nwtrace/kernel-headers"
#define POLL_MS 100

struct session {
	const struct nwt_options *opts;
	FILE *out;
	struct nwt_output_file *file;	/* -o FILE or stdout; out is its stream */
	const char *stopped_while;	/* a stop came before tracing began, in this phase */
	int64_t wall_offset;
	unsigned long long printed;	/* records formatted (or counted, -s) */
	unsigned long long undecodable;
	struct nwt_stats stats;
	double stats_started;
	struct nwt_features features;
	struct nwt_record_stage stage;
	struct nwt_rx_join rx_join;	/* received data waiting for the application's read */
	struct nwt_record_order order;	/* a quiet poll's records, put in time order */
};

#define NWT_OUT_BUFFER (1 << 20)

/* CLOCK_MONOTONIC: the clock of bpf_ktime_get_ns(), so the rx join can compare with record times. */
static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double now_s(void)
{
	return now_ns() / 1e9;
}

/* A complete record: decoded once, then counted, tabulated or printed. Nonzero to stop. */
static int deliver_record(void *ctx, const void *data, size_t size)
{
	struct session *s = ctx;
	struct nwt_record rec;

	if (s->opts->count && s->printed >= s->opts->count)
		return 1;
	if (nwt_decode_event(data, size, s->wall_offset, &rec)) {
		s->undecodable++;
		return 0;
	}
	nwt_features_refine(&s->features, &rec);
	if (s->opts->stats)
		nwt_stats_add(&s->stats, &rec);
	else if (s->opts->json)
		nwt_json_print_record(s->out, &rec);
	else
		nwt_table_print_record(s->out, &rec);
	if (!s->opts->stats)
		nwt_output_file_end_record(s->file);
	s->printed++;
	return s->opts->count && s->printed >= s->opts->count;
}

/* One record from the ring buffer; received data first waits for its read. */
static int on_record(void *ctx, const void *data, size_t size)
{
	struct session *s = ctx;

	if (s->opts->count && s->printed >= s->opts->count)
		return 1;
	if (nwt_features_take(&s->features, data, size))
		return 0;
	if (nwt_rx_join_offer(&s->rx_join, data, size))
		return s->opts->count && s->printed >= s->opts->count;
	return deliver_record(s, data, size);
}

static int offer_record(void *ctx, const void *data, size_t size)
{
	struct session *s = ctx;

	return nwt_record_order_offer(&s->order, data, size);
}

/* A ring buffer entry: one record, or a batch of them, for on_record() once in order. */
static int on_event(void *ctx, const void *data, size_t size)
{
	struct session *s = ctx;
	int rc = nwt_for_each_record(data, size, offer_record, s);

	if (rc < 0) {
		s->undecodable++;
		return 0;
	}
	return rc;
}

/*
 * Waits up to timeout_ms for records (0: takes what is there) and hands them
 * on, a quiet poll's in time order.  As nwt_bpf_poll(), errno included.
 */
static int take_records(struct session *s, struct nwt_bpf *bpf, int timeout_ms)
{
	int rc = timeout_ms ? nwt_bpf_poll(bpf, timeout_ms) : nwt_bpf_drain(bpf);
	int saved = errno;

	nwt_record_order_release(&s->order);
	errno = saved;
	return rc;
}

static int fail(const char *msg)
{
	nwt_diag("%s", msg);
	return 1;
}

/* A step that fails once a stop was requested may have failed of it (EINTR): the stop is told. */
static int fail_unless_stopping(const char *msg)
{
	return nwt_stop_requested() ? 1 : fail(msg);
}

/* Whether a stop request came before tracing began; phase: what the run was doing. */
static bool stop_before_tracing(struct session *s, const char *phase)
{
	if (!nwt_stop_requested())
		return false;
	s->stopped_while = phase;
	return true;
}

static int prepare_headers(const struct nwt_options *opts, const struct nwt_kernel_env *env)
{
	struct nwt_kernel_headers headers;
	char err[512];

	if (nwt_kernel_headers_find(opts->kernel_headers, env->uts.release, "/usr/src",
				    HEADERS_CACHE, &headers, err, sizeof(err)))
		return fail(err);
	setenv("BCC_KERNEL_SOURCE", headers.path, 1);
	if (!headers.matches_running && !opts->kernel_headers)
		nwt_diag(
			"kernel headers %s do not match the running kernel %s; struct offsets come from %s",
			headers.release, env->uts.release,
			env->btf ? "BTF" : "those headers and may be wrong");
	if (opts->verbose)
		nwt_diag("compiling against %s", headers.path);
	return 0;
}

/* NWTRACE_CFLAGS: extra compiler arguments for probe development (e.g. -DNWT_DEBUG). */
static void add_developer_cflags(struct nwt_cflags *cf)
{
	const char *env = getenv("NWTRACE_CFLAGS");
	char *copy, *arg, *save = NULL;

	if (!env || !(copy = strdup(env)))
		return;
	for (arg = strtok_r(copy, " \t", &save); arg; arg = strtok_r(NULL, " \t", &save))
		nwt_cflags_add(cf, "%s", arg);
	free(copy);
}

static int compile_probes(const struct nwt_options *opts, const struct nwt_kernel_env *env,
			  struct nwt_features *features, struct nwt_bpf **bpf)
{
	struct nwt_cflags cf = { 0 };
	char include_dir[64], err[600];
	double started = now_s();
	char *source;
	int rc;

	if (nwt_cflags_build(&cf, opts, &env->plan, &env->offsets) ||
	    nwt_features_cflags(features, &cf))
		return fail("cannot build compiler flags: out of memory");
	source = nwt_probe_source_compose(&env->plan, opts->verify_probes);
	if (!source || nwt_probe_headers_write(include_dir, sizeof(include_dir))) {
		free(source);
		nwt_cflags_free(&cf);
		return fail("cannot stage the embedded probe sources in /tmp");
	}
	nwt_cflags_add(&cf, "-I%s", include_dir);
	nwt_bpf_set_diag(nwt_diag, nwt_diag_verbatim);
	add_developer_cflags(&cf);
	if (opts->verbose)
		for (int i = 0; i < cf.n; i++)
			nwt_diag("cflag %s", cf.argv[i]);
	rc = nwt_bpf_compile(bpf, source, &cf, opts->verbose, err, sizeof(err));
	nwt_probe_headers_remove(include_dir);
	free(source);
	nwt_cflags_free(&cf);
	if (rc)
		return fail_unless_stopping(err);
	if (opts->verbose)
		nwt_diag("probes compiled in %.0f ms", (now_s() - started) * 1000);
	return 0;
}

/*
 * Compiles the plan's probes and loads each chosen program through the
 * verifier, so that what the plan calls chosen is what this kernel accepted.
 * A kernel may type a tracepoint's arguments yet refuse what a BTF
 * tracepoint program does with them: the plan is then made again on raw
 * tracepoints, with the refusal as the reason, and compiled and loaded again.
 * After a stop request it returns nonzero without a word: the caller says so.
 */
static int load_plan(const struct nwt_options *opts, struct nwt_kernel_env *env,
		     struct nwt_features *features, struct nwt_bpf **bpf)
{
	char err[600];

	if (compile_probes(opts, env, features, bpf) || nwt_stop_requested())
		return 1;
	if (nwt_bpf_load(*bpf, &env->plan, opts->verbose, err, sizeof(err))) {
		if (nwt_stop_requested() || nwt_bpf_failed_kind(*bpf) != NWT_ATTACH_BTF_TRACEPOINT)
			return fail_unless_stopping(err);
		nwt_diag("%s; using raw tracepoints instead", err);
		nwt_bpf_close(*bpf);
		*bpf = NULL;
		nwt_kernel_env_replan_without_btf_tracepoints(env, opts, err);
		if (compile_probes(opts, env, features, bpf) || nwt_stop_requested())
			return 1;
		if (nwt_bpf_load(*bpf, &env->plan, opts->verbose, err, sizeof(err)))
			return fail_unless_stopping(err);
	}
	nwt_plan_set_loaded(&env->plan, true, NULL);
	return 0;
}

/* Attaching a BTF tracepoint can fail where loading it did not: then as above. */
static int attach_probes(const struct nwt_options *opts, struct nwt_kernel_env *env,
			 struct nwt_features *features, struct nwt_bpf **bpf, const char **phase)
{
	char err[600];

	if (!nwt_bpf_attach(*bpf, &env->plan, opts->verbose, err, sizeof(err)))
		return 0;
	if (nwt_stop_requested())
		return 1;
	if (nwt_bpf_failed_kind(*bpf) != NWT_ATTACH_BTF_TRACEPOINT)
		return fail(err);
	nwt_diag("%s; using raw tracepoints instead", err);
	nwt_bpf_close(*bpf);
	*bpf = NULL;
	nwt_kernel_env_replan_without_btf_tracepoints(env, opts, err);
	*phase = "compiling the probes again for raw tracepoints";
	if (load_plan(opts, env, features, bpf) || nwt_stop_requested())
		return 1;
	*phase = "attaching the probes";
	if (nwt_bpf_attach(*bpf, &env->plan, opts->verbose, err, sizeof(err)))
		return fail_unless_stopping(err);
	return 0;
}

/*
 * --verify-probes: every alternative of the plan's rows, the programs run on
 * demand (the batch flush), and the features' own (the direct-map calibration).
 */
static int verify_probes(const struct nwt_options *opts, const struct nwt_kernel_env *env,
			 struct nwt_features *features, struct nwt_bpf *bpf)
{
	const char *runnable[] = {
		nwt_bpf_has_program(bpf, NWT_RECORD_STAGE_FLUSH_PROG) ? NWT_RECORD_STAGE_FLUSH_PROG
								      : NULL,
		NULL,
	};
	int failures = nwt_bpf_verify(bpf, &env->plan, runnable, opts->verbose,
				      nwt_features_report_load, stdout);

	failures += nwt_features_verify(features, stdout);
	return failures ? 1 : 0;
}

int nwt_session_list_probes(const struct nwt_options *opts, struct nwt_kernel_env *env)
{
	struct nwt_features features;
	struct nwt_bpf *bpf = NULL;
	int rc;

	if (nwt_features_init(&features, opts, env))
		return fail("cannot set up the features: out of memory");
	rc = prepare_headers(opts, env);
	if (!rc)
		nwt_features_prepare(&features, nwt_stop_requested);
	rc = rc ?: load_plan(opts, env, &features, &bpf);
	if (nwt_stop_requested()) {
		nwt_bpf_close(bpf);
		nwt_features_free(&features);
		nwt_run_summary_print_early_stop("load-checking the plan");
		return 0;
	}
	if (rc)
		nwt_plan_set_loaded(&env->plan, false,
				    "not load-checked: the probes did not compile or load (see above)");
	nwt_kernel_env_print(stdout, env, opts->json);
	nwt_bpf_close(bpf);
	nwt_features_free(&features);
	return rc;
}

/*
 * While probes run, each event is counted first as generated and then by its
 * outcome, so a read can catch one in between: periodic lines count generated
 * as the sum of outcomes.  After detaching, the kernel's own count is exact.
 * Filtered out includes what user space filtered (--pid once a read told
 * a datagram's owner).
 */
static void counts_of(const uint64_t c[NWT_COUNTER_MAX], const struct nwt_rx_join *rx_join,
		      struct nwt_counts *out)
{
	*out = (struct nwt_counts){
		.generated = c[NWT_COUNTER_GENERATED],
		.delivered = c[NWT_COUNTER_DELIVERED],
		.suppressed = c[NWT_COUNTER_SUPPRESSED],
		.lost = c[NWT_COUNTER_LOST],
		.filtered = c[NWT_COUNTER_FILTERED] + rx_join->owner_filtered,
		.reads_lost = c[NWT_COUNTER_READS_LOST],
	};
}

static void read_counts(struct nwt_bpf *bpf, const struct nwt_rx_join *rx_join, bool detached,
			struct nwt_counts *out)
{
	uint64_t c[NWT_COUNTER_MAX] = { 0 };

	memset(out, 0, sizeof(*out));
	if (nwt_bpf_read_counters(bpf, c))
		return;
	counts_of(c, rx_join, out);
	if (!detached)
		out->generated = out->delivered + out->suppressed + out->lost;
	if (detached && out->generated != out->delivered + out->suppressed + out->lost)
		nwt_diag(
			"accounting mismatch: %llu generated != %llu delivered + %llu suppressed + %llu lost",
			(unsigned long long)out->generated, (unsigned long long)out->delivered,
			(unsigned long long)out->suppressed, (unsigned long long)out->lost);
}

static void print_stats(struct session *s, struct nwt_bpf *bpf, bool final)
{
	struct nwt_counts counts;
	double now = now_s();
	struct timespec wall;

	double window_s = final ? now - s->stats_started : s->opts->interval_s;
	uint64_t wall_ns;

	read_counts(bpf, &s->rx_join, final, &counts);
	clock_gettime(CLOCK_REALTIME, &wall);
	wall_ns = (uint64_t)wall.tv_sec * 1000000000ULL + (uint64_t)wall.tv_nsec;
	nwt_stats_print(s->out, &s->stats, s->opts->json, final, window_s, wall_ns, &counts);
	nwt_features_print_stats(&s->features, bpf, s->out, wall_ns, final, window_s);
	nwt_output_file_flush(s->file);
}

/* The one line of a run whose output failed: stdout by its path if it is a file. */
static void output_failed(const struct session *s, int err)
{
	const char *name = s->file ? nwt_output_file_name(s->file) : NULL;

	if (s->opts->output_path)
		nwt_diag("writing '%s': %s", s->opts->output_path, strerror(err));
	else if (name)
		nwt_diag("writing '%s' (stdout): %s", name, strerror(err));
	else
		nwt_diag("writing stdout: %s", strerror(err));
}

/* printed: records in the output whole (or counted, -s); out_err: how the output ended. */
static void print_summary(const struct session *s, struct nwt_bpf *bpf,
			  unsigned long long printed, int out_err)
{
	uint64_t c[NWT_COUNTER_MAX] = { 0 };
	struct nwt_run_summary sum = {
		.printed = printed,
		.undecodable = s->undecodable,
		.have_counts = !nwt_bpf_read_counters(bpf, c),
		.output_end = out_err,
		.output_path = s->opts->output_path,
	};

	counts_of(c, &s->rx_join, &sum.counts);
	nwt_run_summary_print(&sum);
}

static void trace_loop(struct session *s, struct nwt_bpf *bpf)
{
	double deadline = s->opts->duration_s > 0 ? now_s() + s->opts->duration_s : 0;
	double next_stats = now_s() + s->opts->interval_s;

	while (!nwt_stop_requested()) {
		int timeout = POLL_MS;

		if (s->opts->stats && now_s() >= next_stats) {
			nwt_record_stage_flush(&s->stage, now_s(), 0);
			take_records(s, bpf, 0);
			nwt_rx_join_expire(&s->rx_join, now_ns());
			print_stats(s, bpf, false);
			next_stats += s->opts->interval_s;
		}

		if (deadline) {
			double left = deadline - now_s();

			if (left <= 0)
				break;
			if (left * 1000 < timeout)
				timeout = (int)(left * 1000) + 1;
		}
		if (take_records(s, bpf, timeout) < 0 && errno != EINTR)
			break;
		nwt_record_stage_flush(&s->stage, now_s(), POLL_MS / 1000.0);
		nwt_rx_join_expire(&s->rx_join, now_ns());
		nwt_features_tick(&s->features, now_s(), false);
		/* a write error ends the run; so does a reader that went away, even if all is quiet */
		if (nwt_output_file_flush(s->file) || nwt_output_file_reader_gone(s->file))
			break;
		nwt_output_file_tick(s->file, now_s());
		if (s->opts->count && s->printed >= s->opts->count)
			break;
	}
}

/* -o FILE, else stdout, as s->file and s->out. */
static int open_output(struct session *s)
{
	const char *path = s->opts->output_path;
	char err[600];

	fflush(stdout);	/* from here on the output is written through s->file only */
	s->file = path ? nwt_output_file_open(path) : nwt_output_file_adopt(STDOUT_FILENO);
	if (!s->file) {
		snprintf(err, sizeof(err), "%s%s%s: %s", path ? "-o '" : "stdout", path ? path : "",
			 path ? "'" : "", strerror(errno));
		return fail(err);
	}
	s->out = nwt_output_file_stream(s->file);
	if (path && s->opts->verbose)
		nwt_diag("-o '%s': %s", path,
			nwt_output_file_direct(s->file) ? "direct I/O" : "ordinary writes");
	return 0;
}

/*
 * Writes what is left and closes the output; *records: the records it holds
 * whole.  Returns 0, or how it ended early as a stop (EPIPE: its reader went
 * away; EINTR: a stop came while it was not being read), or -1 after a write
 * error, told on its one line.
 */
static int close_output(struct session *s, unsigned long long *records)
{
	int err = nwt_output_file_finish(s->file) ? errno : 0;

	if (!err && nwt_output_file_reader_gone(s->file))
		err = EPIPE;
	*records = nwt_output_file_records(s->file);
	if (err && err != EPIPE && err != EINTR) {
		output_failed(s, err);
		err = -1;
	}
	if (nwt_output_file_close(s->file) && !err) {
		s->file = NULL;
		output_failed(s, errno);	/* closing -o's file, no earlier error */
		err = -1;
	}
	s->file = NULL;
	return err;
}

int nwt_session_run(const struct nwt_options *opts, struct nwt_kernel_env *env)
{
	struct session s = { .opts = opts, .out = stdout, .stage = { .flush_fd = -1 } };
	struct nwt_bpf *bpf = NULL;
	double started = now_s();
	unsigned long long records;
	const char *phase;
	char err[600];
	int rc, out_err;

	if (nwt_features_init(&s.features, opts, env))
		return fail("cannot set up the features: out of memory");
	nwt_rx_join_init(&s.rx_join, deliver_record, &s);
	if (opts->pid > 0)
		nwt_rx_join_want_owner(&s.rx_join, (uint32_t)opts->pid);
	nwt_record_order_init(&s.order, on_record, &s);	/* unordered if out of memory */
	rc = prepare_headers(opts, env);
	if (rc || stop_before_tracing(&s, "finding the kernel headers"))
		goto cleanup;
	phase = nwt_features_prepare(&s.features, nwt_stop_requested);
	if (phase && stop_before_tracing(&s, phase))
		goto cleanup;
	if (opts->verify_probes) {
		rc = rc ?: compile_probes(opts, env, &s.features, &bpf);
		if (stop_before_tracing(&s, "compiling the probes"))
			goto cleanup;
		rc = rc ?: verify_probes(opts, env, &s.features, bpf);
		goto cleanup;
	}
	rc = open_output(&s);	/* before the slow part: a bad -o is told at once */
	if (rc)
		goto cleanup;
	/* libbcc's compile cannot be interrupted: a stop takes effect when it returns */
	rc = load_plan(opts, env, &s.features, &bpf);
	if (stop_before_tracing(&s, "compiling and loading the probes") || rc)
		goto cleanup;
	if (opts->verbose)
		nwt_kernel_env_print(stderr, env, false);
	phase = "attaching the probes";
	rc = attach_probes(opts, env, &s.features, &bpf, &phase);
	if (stop_before_tracing(&s, phase) || rc)
		goto cleanup;
	s.stats.points_planned = nwt_plan_points(&env->plan);
	if (nwt_bpf_open_events(bpf, on_event, &s, err, sizeof(err))) {
		rc = fail(err);
		goto cleanup;
	}
	nwt_record_stage_start(&s.stage, bpf, opts->verbose);
	if (stop_before_tracing(&s, "starting to trace"))
		goto cleanup;
	s.wall_offset = nwt_monotonic_to_wall_offset();
	nwt_diag("attached %d probes in %.0f ms; tracing, Ctrl-C to stop",
		nwt_bpf_attached(bpf), (now_s() - started) * 1000);
	setvbuf(s.out, NULL, _IOFBF, NWT_OUT_BUFFER);
	s.stats_started = now_s();
	if (!opts->json && !opts->stats)
		nwt_features_print_table_header(&s.features, s.out);
	nwt_output_file_flush(s.file);
	nwt_features_start(&s.features, bpf, s.out, s.wall_offset, now_s());

	trace_loop(&s, bpf);
	nwt_features_tick(&s.features, now_s(), true);	/* e.g. the -x table as tracing ends */

	/* Detach first: then no event is in flight and, staged ones flushed, the counters are final. */
	nwt_bpf_detach(bpf);
	nwt_record_stage_flush(&s.stage, now_s(), 0);
	take_records(&s, bpf, 0);
	nwt_rx_join_drain(&s.rx_join);	/* data never read: without a read time */
	if (opts->stats)
		print_stats(&s, bpf, true);
	out_err = close_output(&s, &records);
	if (out_err < 0) {	/* the failure was the one line; the file holds whole records */
		rc = 1;
		goto cleanup;
	}
	print_summary(&s, bpf, opts->stats ? s.printed : records, out_err);
	nwt_features_summary(&s.features, bpf, stderr);
cleanup:
	nwt_record_stage_stop(&s.stage);
	nwt_rx_join_free(&s.rx_join);
	nwt_record_order_free(&s.order);
	nwt_bpf_close(bpf);
	nwt_features_free(&s.features);
	if (s.file)
		nwt_output_file_close(s.file);
	if (s.stopped_while) {
		nwt_run_summary_print_early_stop(s.stopped_while);	/* after closing: nothing is attached */
		rc = 0;
	}
	return rc;
}
