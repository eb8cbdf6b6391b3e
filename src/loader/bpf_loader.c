/* SPDX-License-Identifier: Apache-2.0 */
#include "loader/bpf_loader.h"

#include <bcc/bcc_common.h>
#include <bcc/bcc_elf.h>
#include <bcc/bcc_version.h>
#include <bcc/libbpf.h>
#include <bpf/bpf.h>
#include <errno.h>
#include <fcntl.h>
#include <link.h>
#include <malloc.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "loader/stderr_capture.h"
#include "plan/bpf_defines.h"
#include "util/stop.h"

#define NWT_MAX_LINKS 64

struct nwt_link {
	int prog_fd;
	int attach_fd;		/* -1 while loaded but not attached */
	enum nwt_attach_kind kind;
	const struct nwt_attach_alt *alt;
	const char *target;	/* the catalog's target: an iterator's name */
	const char *resolved;	/* the plan's target: a kprobe's kallsyms name */
	char kprobe_event[96];	/* for bpf_detach_kprobe */
};

struct nwt_bpf {
	void *module;
	enum nwt_attach_kind failed_kind;	/* what nwt_bpf_attach() failed on */
	struct ring_buffer *ring;
	struct nwt_link links[NWT_MAX_LINKS];
	int n_links;		/* loaded programs */
	int n_attached;
	bool loaded;		/* nwt_bpf_load() went through the plan */
};

const char *nwt_bpf_libbcc_version(void)
{
	return LIBBCC_VERSION;
}

/*
 * Some compiler errors are fatal in LLVM: it calls exit(1) (the BPF stack
 * limit among them) or abort() ("Cannot select", an instruction the BPF back
 * end lacks) from inside bpf_module_create_c_from_string().  Nothing is
 * attached while compiling, so ending the run is safe, but the user must
 * still be told why: the diagnostics are in the capture file and stderr
 * points there.
 */
static struct nwt_stderr_capture *compiling;
static int compiling_verbose;
static nwt_bpf_diag_fn diag_line;
static void (*diag_verbatim)(const char *text);

void nwt_bpf_set_diag(nwt_bpf_diag_fn line, void (*verbatim)(const char *text))
{
	diag_line = line;
	diag_verbatim = verbatim;
}

static void compiler_exited(void)
{
	char first_error[400];

	if ((!compiling && !compiling_verbose) || !diag_line)
		return;
	if (compiling)
		nwt_stderr_capture_end(compiling, first_error, sizeof(first_error));
	else
		first_error[0] = '\0';
	diag_line("compiling the probes failed: the compiler stopped nwtrace%s%s%s",
		*first_error ? ": " : "", first_error,
		compiling_verbose ? " (its diagnostics are above)"
				  : " (run with -v for the compiler's diagnostics)");
}

/* LLVM aborted: said as for exit(1), and the run ends with exit status 1, not a core. */
static void compiler_aborted(int sig)
{
	(void)sig;
	compiler_exited();
	_exit(1);
}

int nwt_bpf_compile(struct nwt_bpf **out, const char *source, const struct nwt_cflags *cf,
		    int verbose, char *err, size_t err_len)
{
	static bool exit_hook;
	struct sigaction on_abort = { .sa_handler = compiler_aborted }, saved_abort;
	struct nwt_stderr_capture cap;
	struct nwt_bpf *bpf = calloc(1, sizeof(*bpf));
	char first_error[400];

	if (!bpf)
		return -ENOMEM;
	if (!exit_hook)
		exit_hook = !atexit(compiler_exited);
	nwt_stderr_capture_begin(&cap, verbose);
	compiling = cap.saved_fd >= 0 ? &cap : NULL;
	compiling_verbose = verbose;
	sigaction(SIGABRT, &on_abort, &saved_abort);
	bpf->module = bpf_module_create_c_from_string(source, 0, (const char **)cf->argv, cf->n,
						      true, NULL);
	sigaction(SIGABRT, &saved_abort, NULL);
	compiling = NULL;
	compiling_verbose = 0;
	nwt_stderr_capture_end(&cap, first_error, sizeof(first_error));
	if (!bpf->module) {
		snprintf(err, err_len, "compiling the probes failed%s%s%s", *first_error ? ": " : "",
			 first_error, verbose ? "" : " (run with -v for the compiler's diagnostics)");
		free(bpf);
		return -EINVAL;
	}
	*out = bpf;
	return 0;
}

static int prog_type_of(enum nwt_attach_kind kind)
{
	switch (kind) {
	case NWT_ATTACH_TRACEPOINT:
		return BPF_PROG_TYPE_TRACEPOINT;
	case NWT_ATTACH_RAW_TRACEPOINT:
		return BPF_PROG_TYPE_RAW_TRACEPOINT;
	case NWT_ATTACH_ITER:
		return BPF_PROG_TYPE_TRACING;
	default:
		return BPF_PROG_TYPE_KPROBE;
	}
}

/*
 * A BTF tracepoint program is compiled by libbcc like the others, but libbcc
 * 0.26 cannot load it: it finds the attach type only from kfunc__/lsm__
 * name prefixes.  The compiled instructions (map references already
 * resolved) are loaded here as a tracing program bound to btf_trace_<event>.
 */
static int load_btf_tracepoint(struct nwt_bpf *bpf, const char *name, int btf_type, int verbose,
			       char *err, size_t err_len)
{
	static char log[1 << 20];
	int fd;

	if (btf_type <= 0) {
		snprintf(err, err_len, "prog '%s': no BTF type for its tracepoint", name);
		return -ENOENT;
	}
	LIBBPF_OPTS(bpf_prog_load_opts, opts, .expected_attach_type = BPF_TRACE_RAW_TP,
		    .attach_btf_id = (__u32)btf_type, .log_buf = verbose ? log : NULL,
		    .log_size = verbose ? sizeof(log) : 0, .log_level = verbose > 1 ? 2 : 0);
	fd = bpf_prog_load(BPF_PROG_TYPE_TRACING, name, bpf_module_license(bpf->module),
			   bpf_function_start(bpf->module, name),
			   bpf_function_size(bpf->module, name) / sizeof(struct bpf_insn), &opts);
	if (fd < 0) {
		if (verbose && log[0] && diag_verbatim)
			diag_verbatim(log);
		snprintf(err, err_len, "prog '%s': the kernel's verifier rejected it: %s%s", name,
			 strerror(-fd), verbose ? "" : " (run with -v for the verifier log)");
		return -EINVAL;
	}
	return fd;
}

/* Loads alt's program; st: its plan status (NULL for programs that are only run). */
static int load_program(struct nwt_bpf *bpf, const struct nwt_attach_alt *alt,
			const struct nwt_alt_status *st, int verbose, char *err, size_t err_len)
{
	const char *name = alt->program;
	enum nwt_attach_kind kind = alt->kind;
	struct nwt_stderr_capture cap;
	char first_error[400];
	int fd;

	if (!bpf_function_start(bpf->module, name)) {
		snprintf(err, err_len, "prog '%s': not found in the compiled probes", name);
		return -ENOENT;
	}
	if (kind == NWT_ATTACH_BTF_TRACEPOINT)
		return load_btf_tracepoint(bpf, name, st ? st->btf_type : -1, verbose, err, err_len);
	nwt_stderr_capture_begin(&cap, verbose);
	fd = bcc_func_load(bpf->module, prog_type_of(kind), name,
			   bpf_function_start(bpf->module, name),
			   bpf_function_size(bpf->module, name), bpf_module_license(bpf->module),
			   bpf_module_kern_version(bpf->module), verbose > 1 ? 2 : 0, NULL, 0,
			   NULL, kind == NWT_ATTACH_ITER ? BPF_TRACE_ITER : -1);
	nwt_stderr_capture_end(&cap, first_error, sizeof(first_error));
	if (fd < 0) {
		snprintf(err, err_len, "prog '%s': the kernel's verifier rejected it: %s%s", name,
			 strerror(errno), verbose ? "" : " (run with -v for the verifier log)");
		return -EINVAL;
	}
	return fd;
}

static int attach_one(struct nwt_link *link, const struct nwt_attach_alt *alt,
		      const char *target)
{
	char category[64];
	const char *colon;

	switch (alt->kind) {
	case NWT_ATTACH_TRACEPOINT:
		colon = strchr(target, ':');
		snprintf(category, sizeof(category), "%.*s", (int)(colon - target), target);
		return bpf_attach_tracepoint(link->prog_fd, category, colon + 1);
	case NWT_ATTACH_RAW_TRACEPOINT:
		return bpf_attach_raw_tracepoint(link->prog_fd, strchr(target, ':') + 1);
	case NWT_ATTACH_BTF_TRACEPOINT:
		/* The program already names its tracepoint (attach_btf_id). */
		return bpf_raw_tracepoint_open(NULL, link->prog_fd);
	case NWT_ATTACH_KPROBE:
	case NWT_ATTACH_KRETPROBE:
		snprintf(link->kprobe_event, sizeof(link->kprobe_event), "nwt_%d_%s_%s",
			 (int)getpid(), alt->kind == NWT_ATTACH_KPROBE ? "p" : "r", target);
		for (char *c = link->kprobe_event; *c; c++)
			if (*c == '.')
				*c = '_';
		return bpf_attach_kprobe(link->prog_fd,
					 alt->kind == NWT_ATTACH_KPROBE ? BPF_PROBE_ENTRY
									: BPF_PROBE_RETURN,
					 link->kprobe_event, target, 0, 0);
	case NWT_ATTACH_ITER:
		/* A link; each nwt_bpf_iter_open() then starts one pass over it. */
		return bcc_iter_attach(link->prog_fd, NULL, 0);
	default:
		return -EINVAL;
	}
}

/*
 * libbcc's compiler, libLLVM and libclang-cpp, leaves ~85 MB of its code
 * resident after compiling, though nwtrace never calls it again.  Its
 * read-only segments are the files' own bytes, so they can be dropped from
 * the process and fault back in should anything run them; writable ones
 * hold state and stay.  bcc_free_memory() does this for libbcc only.
 */
static int drop_compiler_code(struct dl_phdr_info *info, size_t size, void *unused)
{
	uintptr_t page = (uintptr_t)sysconf(_SC_PAGESIZE);

	(void)size;
	(void)unused;
	if (!strstr(info->dlpi_name, "/libLLVM") && !strstr(info->dlpi_name, "/libclang"))
		return 0;
	for (int i = 0; i < info->dlpi_phnum; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		uintptr_t start = info->dlpi_addr + ph->p_vaddr, end = start + ph->p_memsz;

		if (ph->p_type != PT_LOAD || (ph->p_flags & PF_W))
			continue;
		start = (start + page - 1) & ~(page - 1);	/* whole pages of this segment only */
		end &= ~(page - 1);
		if (end > start)
			madvise((void *)start, end - start, MADV_DONTNEED);
	}
	return 0;
}

int nwt_bpf_load(struct nwt_bpf *bpf, const struct nwt_plan *plan, int verbose, char *err,
		 size_t err_len)
{
	for (size_t i = 0; i < plan->n_probes; i++) {
		const struct nwt_planned_probe *pp = &plan->probes[i];
		const struct nwt_attach_alt *alt;
		struct nwt_link *link;

		if (pp->chosen < 0)
			continue;
		if (nwt_stop_requested()) {	/* what is loaded so far goes with nwt_bpf_close() */
			snprintf(err, err_len, "loading the probes: stopped by a signal");
			return -EINTR;
		}
		if (bpf->n_links >= NWT_MAX_LINKS)
			return -ENOSPC;
		alt = &pp->probe->alts[pp->chosen];
		link = &bpf->links[bpf->n_links];
		memset(link, 0, sizeof(*link));
		link->kind = alt->kind;
		link->alt = alt;
		link->target = alt->target;
		link->resolved = pp->status[pp->chosen].target;
		link->attach_fd = -1;
		bpf->failed_kind = alt->kind;
		link->prog_fd = load_program(bpf, alt, &pp->status[pp->chosen], verbose, err,
					     err_len);
		if (link->prog_fd < 0)
			return link->prog_fd;
		bpf->n_links++;
	}
	bpf->failed_kind = NWT_ATTACH_ANY;
	bpf->loaded = true;
	return 0;
}

int nwt_bpf_attach(struct nwt_bpf *bpf, const struct nwt_plan *plan, int verbose, char *err,
		   size_t err_len)
{
	int rc;

	if (!bpf->loaded && (rc = nwt_bpf_load(bpf, plan, verbose, err, err_len)))
		return rc;
	for (int i = 0; i < bpf->n_links; i++) {
		struct nwt_link *link = &bpf->links[i];
		int fd;

		if (link->attach_fd >= 0)
			continue;
		if (nwt_stop_requested()) {	/* what is attached so far goes with nwt_bpf_close() */
			snprintf(err, err_len, "attaching the probes: stopped by a signal");
			return -EINTR;
		}
		bpf->failed_kind = link->kind;
		fd = attach_one(link, link->alt, link->resolved);
		if (fd < 0) {
			int e = errno ? errno : EINVAL;

			snprintf(err, err_len, "prog '%s': failed to attach %s %s: %s",
				 link->alt->program, nwt_attach_kind_name(link->kind), link->resolved,
				 strerror(e));
			link->kprobe_event[0] = '\0';
			return -e;
		}
		link->attach_fd = fd;
		bpf->n_attached++;
	}
	bpf->failed_kind = NWT_ATTACH_ANY;
	/*
	 * Compiled code and LLVM state are no longer needed once loaded; hand
	 * the freed heap back to the system so the tracer runs small.
	 */
	bcc_free_memory();
	dl_iterate_phdr(drop_compiler_code, NULL);
	malloc_trim(0);
	return 0;
}

int nwt_bpf_verify(struct nwt_bpf *bpf, const struct nwt_plan *plan, const char *const *runnable,
		   int verbose, nwt_load_report_fn report, void *ctx)
{
	int failures = 0;

	for (size_t i = 0; i < plan->n_probes; i++) {
		const struct nwt_probe *probe = plan->probes[i].probe;

		for (int a = 0; a < NWT_MAX_ALTERNATIVES && probe->alts[a].target; a++) {
			const struct nwt_attach_alt *alt = &probe->alts[a];
			const char *kind = nwt_attach_kind_name(alt->kind);
			char err[600] = "";
			int fd;

			if (!bpf_function_start(bpf->module, alt->program)) {
				report(ctx, NWT_LOAD_SKIPPED, kind, alt->target,
				       "struct fields missing in this kernel");
				continue;
			}
			fd = load_program(bpf, alt, &plan->probes[i].status[a], verbose, err,
					  sizeof(err));
			report(ctx, fd < 0 ? NWT_LOAD_FAILED : NWT_LOAD_OK, kind, alt->target,
			       fd < 0 ? err : alt->program);
			failures += fd < 0;
			if (fd >= 0)
				close(fd);
		}
	}
	for (; runnable && *runnable; runnable++) {
		char err[600] = "";
		int fd = nwt_bpf_load_runnable(bpf, *runnable, verbose, err, sizeof(err));

		report(ctx, fd < 0 ? NWT_LOAD_FAILED : NWT_LOAD_OK, "run on demand",
		       "(BPF_PROG_TEST_RUN)", fd < 0 ? err : *runnable);
		failures += fd < 0;
		if (fd >= 0)
			close(fd);
	}
	return failures;
}

bool nwt_bpf_has_program(const struct nwt_bpf *bpf, const char *prog)
{
	return bpf && bpf->module && bpf_function_start(bpf->module, prog);
}

int nwt_bpf_map_update(struct nwt_bpf *bpf, const char *map, const void *key, const void *value)
{
	int fd = bpf_table_fd(bpf->module, map);

	if (fd < 0)
		return -ENOENT;
	return bpf_update_elem(fd, (void *)key, (void *)value, 0) ? -errno : 0;
}

int nwt_bpf_map_lookup(struct nwt_bpf *bpf, const char *map, const void *key, void *value)
{
	int fd = bpf_table_fd(bpf->module, map);

	if (fd < 0)
		return -ENOENT;
	return bpf_lookup_elem(fd, (void *)key, value) ? -errno : 0;
}

int nwt_bpf_load_runnable(struct nwt_bpf *bpf, const char *prog, int verbose, char *err,
			  size_t err_len)
{
	const struct nwt_attach_alt alt = { .kind = NWT_ATTACH_RAW_TRACEPOINT, .program = prog };

	return load_program(bpf, &alt, NULL, verbose, err, err_len);
}

int nwt_bpf_run_on_cpu(int prog_fd, int cpu)
{
	union bpf_attr attr;

	/* A raw tracepoint program runs synchronously: here, or on `cpu` by an IPI. */
	memset(&attr, 0, sizeof(attr));
	attr.test.prog_fd = (__u32)prog_fd;
	if (cpu >= 0) {
		attr.test.cpu = (__u32)cpu;
		attr.test.flags = BPF_F_TEST_RUN_ON_CPU;
	}
	return syscall(__NR_bpf, BPF_PROG_TEST_RUN, &attr, sizeof(attr)) ? -errno : 0;
}

int nwt_bpf_run_once(struct nwt_bpf *bpf, const char *prog, int verbose, char *err,
		     size_t err_len)
{
	int fd = nwt_bpf_load_runnable(bpf, prog, verbose, err, err_len);
	int rc;

	if (fd < 0)
		return fd;
	rc = nwt_bpf_run_on_cpu(fd, -1);
	if (rc)
		snprintf(err, err_len, "prog '%s': test run failed: %s", prog, strerror(-rc));
	close(fd);
	return rc;
}

enum nwt_attach_kind nwt_bpf_failed_kind(const struct nwt_bpf *bpf)
{
	return bpf ? bpf->failed_kind : NWT_ATTACH_ANY;
}

int nwt_bpf_attached(const struct nwt_bpf *bpf)
{
	return bpf ? bpf->n_attached : 0;
}

int nwt_bpf_iter_open(struct nwt_bpf *bpf, const char *target)
{
	for (int i = 0; i < bpf->n_links; i++) {
		const struct nwt_link *link = &bpf->links[i];

		if (link->kind == NWT_ATTACH_ITER && !strcmp(link->target, target)) {
			int fd = bcc_iter_create(link->attach_fd);

			return fd < 0 ? -errno : fd;
		}
	}
	return -ENOENT;
}

struct ring_ctx {
	nwt_event_fn fn;
	void *ctx;
};

static struct ring_ctx ring_ctx;

static int ring_sample(void *ctx, void *data, size_t size)
{
	struct ring_ctx *rc = ctx;

	return rc->fn(rc->ctx, data, size);
}

int nwt_bpf_open_events(struct nwt_bpf *bpf, nwt_event_fn fn, void *ctx, char *err,
			size_t err_len)
{
	int fd = bpf_table_fd(bpf->module, NWT_MAP_EVENTS);

	ring_ctx.fn = fn;
	ring_ctx.ctx = ctx;
	if (fd < 0) {
		snprintf(err, err_len, "map 'events': not in the compiled probes");
		return -ENOENT;
	}
	bpf->ring = bpf_new_ringbuf(fd, ring_sample, &ring_ctx);
	if (!bpf->ring) {
		snprintf(err, err_len, "map 'events': cannot open the ring buffer: %s",
			 strerror(errno));
		return -errno;
	}
	return 0;
}

int nwt_bpf_poll(struct nwt_bpf *bpf, int timeout_ms)
{
	int n = bpf_poll_ringbuf(bpf->ring, timeout_ms);

	/* Probes may submit without a wake-up: drain what the timeout left behind. */
	if (n >= 0)
		bpf_consume_ringbuf(bpf->ring);
	return n;
}

int nwt_bpf_read_counters(struct nwt_bpf *bpf, uint64_t counters[NWT_COUNTER_MAX])
{
	int fd = bpf_table_fd(bpf->module, NWT_MAP_COUNTERS);
	long ncpus = sysconf(_SC_NPROCESSORS_CONF);
	uint64_t *values;

	if (fd < 0 || ncpus <= 0)
		return -ENOENT;
	/* Per-CPU values come one per possible CPU; leave room beyond the configured ones. */
	values = calloc((size_t)ncpus + 64, sizeof(*values));
	if (!values)
		return -ENOMEM;
	for (uint32_t key = 0; key < NWT_COUNTER_MAX; key++) {
		counters[key] = 0;
		if (bpf_lookup_elem(fd, &key, values))
			continue;
		for (long cpu = 0; cpu < ncpus; cpu++)
			counters[key] += values[cpu];
	}
	free(values);
	return 0;
}

int nwt_bpf_sum_percpu_counters(struct nwt_bpf *bpf, const char *table, size_t key_size,
				size_t n_u64,
				void (*fn)(void *ctx, const void *key, const uint64_t *sums),
				void *ctx)
{
	int fd = bpf_table_fd(bpf->module, table);
	long ncpus = nwt_possible_cpus();
	uint8_t key[256], next[256];
	uint64_t *values, *sums;
	bool first = true;

	if (fd < 0)
		return -ENOENT;
	if (key_size > sizeof(key) || !n_u64)
		return -EINVAL;
	/* the kernel copies one value per possible CPU, each padded to 8 bytes */
	values = calloc((size_t)ncpus * n_u64, sizeof(*values));
	sums = calloc(n_u64, sizeof(*sums));
	if (!values || !sums) {
		free(values);
		free(sums);
		return -ENOMEM;
	}
	while (!bpf_get_next_key(fd, first ? NULL : key, next)) {
		first = false;
		memcpy(key, next, key_size);
		if (bpf_lookup_elem(fd, key, values))
			continue;
		memset(sums, 0, n_u64 * sizeof(*sums));
		for (long cpu = 0; cpu < ncpus; cpu++)
			for (size_t i = 0; i < n_u64; i++)
				sums[i] += values[(size_t)cpu * n_u64 + i];
		fn(ctx, key, sums);
	}
	free(values);
	free(sums);
	return 0;
}

struct u32_table_walk {
	void (*fn)(void *ctx, uint32_t key, uint64_t sum);
	void *ctx;
};

static void u32_table_entry(void *ctx, const void *key, const uint64_t *sums)
{
	struct u32_table_walk *w = ctx;
	uint32_t k;

	memcpy(&k, key, sizeof(k));
	w->fn(w->ctx, k, sums[0]);
}

int nwt_bpf_sum_percpu_table(struct nwt_bpf *bpf, const char *table,
			     void (*fn)(void *ctx, uint32_t key, uint64_t sum), void *ctx)
{
	struct u32_table_walk w = { fn, ctx };

	return nwt_bpf_sum_percpu_counters(bpf, table, sizeof(uint32_t), 1, u32_table_entry, &w);
}

static void detach_links(struct nwt_bpf *bpf)
{
	for (int i = bpf->n_links - 1; i >= 0; i--) {
		struct nwt_link *link = &bpf->links[i];

		if (link->attach_fd < 0)
			;	/* loaded only */
		else if (link->kind == NWT_ATTACH_TRACEPOINT || link->kind == NWT_ATTACH_KPROBE ||
			 link->kind == NWT_ATTACH_KRETPROBE)
			bpf_close_perf_event_fd(link->attach_fd);
		else
			close(link->attach_fd);
		if (link->kprobe_event[0])
			bpf_detach_kprobe(link->kprobe_event);
		close(link->prog_fd);
	}
	bpf->n_links = 0;
	bpf->n_attached = 0;
	bpf->loaded = false;
}

void nwt_bpf_detach(struct nwt_bpf *bpf)
{
	if (bpf)
		detach_links(bpf);
}

int nwt_bpf_drain(struct nwt_bpf *bpf)
{
	return bpf && bpf->ring ? bpf_consume_ringbuf(bpf->ring) : 0;
}

void nwt_bpf_close(struct nwt_bpf *bpf)
{
	if (!bpf)
		return;
	if (bpf->ring)
		bpf_free_ringbuf(bpf->ring);
	detach_links(bpf);
	if (bpf->module)
		bpf_module_destroy(bpf->module);
	free(bpf);
}
