#include "session.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bpf_defines.h"
#include "bpf_loader.h"
#include "conn_decode.h"
#include "conn_view.h"
#include "event_decode.h"
#include "kernel_headers.h"
#include "listener_seed.h"
#include "output.h"
#include "output_file.h"
#include "output_packet.h"
#include "probe_source.h"
#include "record_order.h"
#include "record_stage.h"
#include "rx_read_join.h"
#include "stats.h"
#include "session_direct_map.h"
#include "session_faults.h"

#define HEADERS_CACHE "/var/cache/nwtrace/kernel-headers"
#define POLL_MS 100

static volatile sig_atomic_t stop_requested;

static void on_stop_signal(int sig)
{
	(void)sig;
	stop_requested = 1;
}

struct session {
	const struct nwt_options *opts;
	FILE *out;
	struct nwt_output_file *file;	/* -o FILE, else NULL: out is stdout */
	int64_t wall_offset;
	unsigned long long printed;
	unsigned long long undecodable;
	struct nwt_stats stats;
	double stats_started;
	struct nwt_conn_view *conn;	/* -x, else NULL */
	struct nwt_faults faults;
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
	nwt_faults_resolve(&s->faults, &rec);
	if (s->opts->features & NWT_FEATURE_STATE)
		nwt_record_as_transition(&rec);
	if (s->opts->stats)
		nwt_stats_add(&s->stats, &rec);
	else if (s->opts->json)
		nwt_json_print_record(s->out, &rec);
	else
		nwt_table_print_record(s->out, &rec);
	s->printed++;
	return s->opts->count && s->printed >= s->opts->count;
}

/* One record from the ring buffer; received data first waits for its read. */
static int on_record(void *ctx, const void *data, size_t size)
{
	struct session *s = ctx;

	if (s->opts->count && s->printed >= s->opts->count)
		return 1;
	if (s->conn && nwt_conn_view_take(s->conn, data, size))
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

static void install_signal_handlers(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop_signal;	/* no SA_RESTART: poll returns EINTR */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

static int fail(const char *msg)
{
	fprintf(stderr, "nwtrace: %s\n", msg);
	return 1;
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
		fprintf(stderr,
			"nwtrace: kernel headers %s do not match the running kernel %s; struct offsets come from %s\n",
			headers.release, env->uts.release,
			env->btf ? "BTF" : "those headers and may be wrong");
	if (opts->verbose)
		fprintf(stderr, "nwtrace: compiling against %s\n", headers.path);
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
			  const struct nwt_faults *faults, struct nwt_bpf **bpf)
{
	struct nwt_cflags cf = { 0 };
	char include_dir[64], err[600];
	char *source;
	int rc;

	if (nwt_cflags_build(&cf, opts, &env->plan, &env->offsets) ||
	    nwt_faults_cflags(faults, &cf, opts) ||
	    ((opts->features & NWT_FEATURE_HTTP) && nwt_direct_map_cflags(&env->dm, &cf)))
		return fail("cannot build compiler flags: out of memory");
	source = nwt_probe_source_compose(&env->plan, opts->verify_probes);
	if (!source || nwt_probe_headers_write(include_dir, sizeof(include_dir))) {
		free(source);
		nwt_cflags_free(&cf);
		return fail("cannot stage the embedded probe sources in /tmp");
	}
	nwt_cflags_add(&cf, "-I%s", include_dir);
	add_developer_cflags(&cf);
	if (opts->verbose)
		for (int i = 0; i < cf.n; i++)
			fprintf(stderr, "nwtrace: cflag %s\n", cf.argv[i]);
	rc = nwt_bpf_compile(bpf, source, &cf, opts->verbose, err, sizeof(err));
	nwt_probe_headers_remove(include_dir);
	free(source);
	nwt_cflags_free(&cf);
	return rc ? fail(err) : 0;
}

/*
 * Compiles the plan's probes and loads each chosen program through the
 * verifier, so that what the plan calls chosen is what this kernel accepted.
 * A kernel may type a tracepoint's arguments yet refuse what a BTF
 * tracepoint program does with them: the plan is then made again on raw
 * tracepoints, with the refusal as the reason, and compiled and loaded again.
 */
static int load_plan(const struct nwt_options *opts, struct nwt_kernel_env *env,
		     const struct nwt_faults *faults, struct nwt_bpf **bpf)
{
	char err[600];

	if (compile_probes(opts, env, faults, bpf))
		return 1;
	if (nwt_bpf_load(*bpf, &env->plan, opts->verbose, err, sizeof(err))) {
		if (nwt_bpf_failed_kind(*bpf) != NWT_ATTACH_BTF_TRACEPOINT)
			return fail(err);
		fprintf(stderr, "nwtrace: %s; using raw tracepoints instead\n", err);
		nwt_bpf_close(*bpf);
		*bpf = NULL;
		nwt_kernel_env_replan_without_btf_tracepoints(env, opts, err);
		if (compile_probes(opts, env, faults, bpf))
			return 1;
		if (nwt_bpf_load(*bpf, &env->plan, opts->verbose, err, sizeof(err)))
			return fail(err);
	}
	nwt_plan_set_loaded(&env->plan, true, NULL);
	return 0;
}

/* Attaching a BTF tracepoint can fail where loading it did not: then as above. */
static int attach_probes(const struct nwt_options *opts, struct nwt_kernel_env *env,
			 const struct nwt_faults *faults, struct nwt_bpf **bpf)
{
	char err[600];

	if (!nwt_bpf_attach(*bpf, &env->plan, opts->verbose, err, sizeof(err)))
		return 0;
	if (nwt_bpf_failed_kind(*bpf) != NWT_ATTACH_BTF_TRACEPOINT)
		return fail(err);
	fprintf(stderr, "nwtrace: %s; using raw tracepoints instead\n", err);
	nwt_bpf_close(*bpf);
	*bpf = NULL;
	nwt_kernel_env_replan_without_btf_tracepoints(env, opts, err);
	if (load_plan(opts, env, faults, bpf))
		return 1;
	if (nwt_bpf_attach(*bpf, &env->plan, opts->verbose, err, sizeof(err)))
		return fail(err);
	return 0;
}

/*
 * --verify-probes: every alternative of the plan's rows, the programs run on
 * demand (the batch flush), and the direct-map calibration probe with -H.
 */
static int verify_probes(const struct nwt_options *opts, const struct nwt_kernel_env *env,
			 struct nwt_bpf *bpf)
{
	const char *runnable[] = {
		nwt_bpf_has_program(bpf, NWT_RECORD_STAGE_FLUSH_PROG) ? NWT_RECORD_STAGE_FLUSH_PROG
								      : NULL,
		NULL,
	};
	int failures = nwt_bpf_verify(bpf, &env->plan, runnable, opts->verbose, stdout);

	if (opts->features & NWT_FEATURE_HTTP)
		failures += nwt_direct_map_verify(&env->dm, opts->verbose, stdout);
	return failures ? 1 : 0;
}

int nwt_session_list_probes(const struct nwt_options *opts, struct nwt_kernel_env *env)
{
	struct nwt_faults faults;
	struct nwt_bpf *bpf = NULL;
	int rc;

	nwt_faults_init(&faults, opts, env);
	rc = prepare_headers(opts, env);
	if (!rc && (opts->features & NWT_FEATURE_HTTP))
		nwt_direct_map_calibrate(&env->dm, opts->verbose);
	rc = rc ?: load_plan(opts, env, &faults, &bpf);
	if (rc)
		nwt_plan_set_loaded(&env->plan, false,
				    "not load-checked: the probes did not compile or load (see above)");
	nwt_kernel_env_print(stdout, env, opts->json);
	nwt_bpf_close(bpf);
	nwt_faults_free(&faults);
	return rc;
}

/* Owners of listeners that were already open when tracing started. */
static void seed_listeners(struct nwt_bpf *bpf, int verbose)
{
	enum { MAX_SEEDED = 4096 };
	struct nwt_seeded_listener *seeds = calloc(MAX_SEEDED, sizeof(*seeds));
	int n = seeds ? nwt_listeners_scan("/proc", seeds, MAX_SEEDED) : -ENOMEM;
	int written = 0;

	for (int i = 0; i < n; i++)
		written += !nwt_bpf_map_update(bpf, "listeners", &seeds[i].key, &seeds[i].owner);
	if (verbose)
		fprintf(stderr, "nwtrace: %d existing listeners attributed to their processes\n",
			written);
	free(seeds);
}

/*
 * While probes run, each event is counted first as generated and then by its
 * outcome, so a read can catch one in between: periodic lines count generated
 * as the sum of outcomes.  After detaching, the kernel's own count is exact.
 */
static void read_counts(struct nwt_bpf *bpf, bool detached, struct nwt_counts *out)
{
	uint64_t c[NWT_COUNTER_MAX] = { 0 };

	memset(out, 0, sizeof(*out));
	if (nwt_bpf_read_counters(bpf, c))
		return;
	out->delivered = c[NWT_COUNTER_DELIVERED];
	out->suppressed = c[NWT_COUNTER_SUPPRESSED];
	out->lost = c[NWT_COUNTER_LOST];
	out->filtered = c[NWT_COUNTER_FILTERED];
	out->reads_lost = c[NWT_COUNTER_READS_LOST];
	out->generated = detached ? c[NWT_COUNTER_GENERATED]
				  : out->delivered + out->suppressed + out->lost;
	if (detached && out->generated != out->delivered + out->suppressed + out->lost)
		fprintf(stderr,
			"nwtrace: accounting mismatch: %llu generated != %llu delivered + %llu suppressed + %llu lost\n",
			(unsigned long long)out->generated, (unsigned long long)out->delivered,
			(unsigned long long)out->suppressed, (unsigned long long)out->lost);
}

static void print_stats(struct session *s, struct nwt_bpf *bpf, bool final)
{
	struct nwt_counts counts;
	double now = now_s();
	struct timespec wall;

	read_counts(bpf, final, &counts);
	clock_gettime(CLOCK_REALTIME, &wall);
	nwt_stats_print(s->out, &s->stats, s->opts->json, final,
			final ? now - s->stats_started : s->opts->interval_s,
			(uint64_t)wall.tv_sec * 1000000000ULL + (uint64_t)wall.tv_nsec, &counts);
	nwt_faults_print_stats(&s->faults, bpf, s->opts, s->out,
			       (uint64_t)wall.tv_sec * 1000000000ULL + (uint64_t)wall.tv_nsec);
	fflush(s->out);
}

static void print_summary(const struct session *s, struct nwt_bpf *bpf)
{
	uint64_t c[NWT_COUNTER_MAX] = { 0 };

	if (nwt_bpf_read_counters(bpf, c)) {
		fprintf(stderr, "nwtrace: %llu events printed\n", s->printed);
		return;
	}
	fprintf(stderr,
		"nwtrace: %llu events printed; in kernel: %llu generated, %llu delivered, %llu suppressed by rate limit, %llu lost (ring buffer full), %llu filtered out",
		s->printed, (unsigned long long)c[NWT_COUNTER_GENERATED],
		(unsigned long long)c[NWT_COUNTER_DELIVERED],
		(unsigned long long)c[NWT_COUNTER_SUPPRESSED],
		(unsigned long long)c[NWT_COUNTER_LOST], (unsigned long long)c[NWT_COUNTER_FILTERED]);
	if (s->undecodable)
		fprintf(stderr, ", %llu undecodable", s->undecodable);
	if (c[NWT_COUNTER_READS_LOST])
		fprintf(stderr, "; %llu socket reads lost (ring buffer full: their data shows no tcp_us)",
			(unsigned long long)c[NWT_COUNTER_READS_LOST]);
	fputc('\n', stderr);
}

static void trace_loop(struct session *s, struct nwt_bpf *bpf)
{
	double deadline = s->opts->duration_s > 0 ? now_s() + s->opts->duration_s : 0;
	double next_stats = now_s() + s->opts->interval_s;

	while (!stop_requested) {
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
		if (s->conn)
			nwt_conn_view_tick(s->conn, now_s(), false);
		fflush(s->out);
		if (s->file)
			nwt_output_file_tick(s->file, now_s());
		if (s->opts->count && s->printed >= s->opts->count)
			break;
	}
}

/* The table header, unless this run prints only -x tables (they have their own). */
static void print_table_header(const struct nwt_options *opts, FILE *out)
{
	if (opts->json || opts->stats || opts->features == NWT_FEATURE_CONN)
		return;
	if (opts->features & (NWT_FEATURE_PACKET | NWT_FEATURE_HOPS | NWT_FEATURE_HTTP))
		nwt_packet_table_print_header(out);
	else
		nwt_table_print_header(out);
}

int nwt_session_run(const struct nwt_options *opts, struct nwt_kernel_env *env)
{
	struct session s = { .opts = opts, .out = stdout, .stage = { .flush_fd = -1 } };
	struct nwt_conn_view conn;
	struct nwt_bpf *bpf = NULL;
	double started = now_s();
	char err[600];
	int rc;

	nwt_faults_init(&s.faults, opts, env);
	nwt_rx_join_init(&s.rx_join, deliver_record, &s);
	nwt_record_order_init(&s.order, on_record, &s);	/* unordered if out of memory */
	rc = prepare_headers(opts, env);
	if (!rc && (opts->features & NWT_FEATURE_HTTP))
		nwt_direct_map_calibrate(&env->dm, opts->verbose);
	if (opts->verify_probes) {
		rc = rc ?: compile_probes(opts, env, &s.faults, &bpf);
		rc = rc ?: verify_probes(opts, env, bpf);
		goto cleanup;
	}
	rc = rc ?: load_plan(opts, env, &s.faults, &bpf);
	if (rc)
		goto cleanup;
	if (opts->verbose)
		nwt_kernel_env_print(stderr, env, false);
	install_signal_handlers();
	rc = attach_probes(opts, env, &s.faults, &bpf);
	if (rc)
		goto cleanup;
	s.stats.points_planned = nwt_plan_points(&env->plan);
	if (nwt_bpf_open_events(bpf, on_event, &s, err, sizeof(err))) {
		rc = fail(err);
		goto cleanup;
	}
	nwt_record_stage_start(&s.stage, bpf, opts->verbose);
	if (opts->features & (NWT_FEATURE_LIFECYCLE | NWT_FEATURE_DROP | NWT_FEATURE_ERR))
		seed_listeners(bpf, opts->verbose);
	if (opts->output_path && !(s.file = nwt_output_file_open(opts->output_path))) {
		snprintf(err, sizeof(err), "-o '%s': %s", opts->output_path, strerror(errno));
		rc = fail(err);
		goto cleanup;
	}
	if (s.file) {
		s.out = nwt_output_file_stream(s.file);
		if (opts->verbose)
			fprintf(stderr, "nwtrace: -o '%s': %s\n", opts->output_path,
				nwt_output_file_direct(s.file) ? "direct I/O" : "ordinary writes");
	}
	s.wall_offset = nwt_monotonic_to_wall_offset();
	fprintf(stderr, "nwtrace: attached %d probes in %.0f ms; tracing, Ctrl-C to stop\n",
		nwt_bpf_attached(bpf), (now_s() - started) * 1000);
	setvbuf(s.out, NULL, _IOFBF, NWT_OUT_BUFFER);
	s.stats_started = now_s();
	print_table_header(opts, s.out);
	fflush(s.out);
	if ((opts->features & NWT_FEATURE_CONN) &&
	    !nwt_conn_view_init(&conn, opts, bpf, s.out, s.wall_offset, now_s()))
		s.conn = &conn;

	trace_loop(&s, bpf);
	if (s.conn) {
		nwt_conn_view_tick(s.conn, now_s(), true);	/* the table as tracing ends */
		nwt_conn_view_free(s.conn);
	}

	/* Detach first: then no event is in flight and, staged ones flushed, the counters are final. */
	nwt_bpf_detach(bpf);
	nwt_record_stage_flush(&s.stage, now_s(), 0);
	take_records(&s, bpf, 0);
	nwt_rx_join_drain(&s.rx_join);	/* data never read: without a read time */
	if (opts->stats)
		print_stats(&s, bpf, true);
	print_summary(&s, bpf);
	nwt_faults_print_summary(&s.faults, bpf, opts, stderr);
cleanup:
	nwt_record_stage_stop(&s.stage);
	nwt_rx_join_free(&s.rx_join);
	nwt_record_order_free(&s.order);
	nwt_bpf_close(bpf);
	nwt_faults_free(&s.faults);
	if (s.file && nwt_output_file_close(s.file)) {
		fprintf(stderr, "nwtrace: -o '%s': %s; the file is incomplete\n", opts->output_path,
			strerror(errno));
		rc = rc ?: 1;
	}
	return rc;
}
