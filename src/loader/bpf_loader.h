/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Compiling, loading and attaching the probes, and reading what they send.
 * The only part of nwtrace that talks to libbcc.
 */
#ifndef NWT_BPF_LOADER_H
#define NWT_BPF_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "probes/nwtrace_events.h"
#include "plan/bpf_defines.h"
#include "plan/probe_plan.h"

struct nwt_bpf;

/* Called for every record in the ring buffer; return non-zero to stop polling. */
typedef int (*nwt_event_fn)(void *ctx, const void *data, size_t size);

/*
 * Compiles source with cflags (BCC_KERNEL_SOURCE must be set).  Compiler
 * output goes to stderr only when verbose; on failure err says what to do.
 */
int nwt_bpf_compile(struct nwt_bpf **out, const char *source, const struct nwt_cflags *cf,
		    int verbose, char *err, size_t err_len);

/*
 * Loads every chosen alternative of the plan into the kernel, through the
 * verifier, attaching nothing yet.  On failure nwt_bpf_failed_kind() says
 * which kind of program was refused; -EINTR once a stop is requested.
 */
int nwt_bpf_load(struct nwt_bpf *bpf, const struct nwt_plan *plan, int verbose, char *err,
		 size_t err_len);

/*
 * Attaches what nwt_bpf_load() loaded (loading the plan first if it was not);
 * -EINTR once a stop is requested.
 */
int nwt_bpf_attach(struct nwt_bpf *bpf, const struct nwt_plan *plan, int verbose, char *err,
		   size_t err_len);

/*
 * Where the loader's own diagnostics go: a line (the compiler stopping the
 * process) and another tool's text as it is (the verifier's log, -v).  The
 * loader prints nothing itself; set these before compiling.
 */
typedef void (*nwt_bpf_diag_fn)(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void nwt_bpf_set_diag(nwt_bpf_diag_fn line, void (*verbatim)(const char *text));

enum nwt_load_outcome { NWT_LOAD_OK, NWT_LOAD_FAILED, NWT_LOAD_SKIPPED };
/* One program's outcome; detail: its name when loaded, else why not. */
typedef void (*nwt_load_report_fn)(void *ctx, enum nwt_load_outcome outcome, const char *kind,
				   const char *target, const char *detail);

/*
 * --verify-probes: loads (verifier only) every alternative compiled in and
 * every program in `runnable` (NULL-terminated: programs nwtrace runs on
 * demand rather than attaches), attaching nothing; each outcome goes to
 * report.  Returns failures.
 */
int nwt_bpf_verify(struct nwt_bpf *bpf, const struct nwt_plan *plan, const char *const *runnable,
		   int verbose, nwt_load_report_fn report, void *ctx);

/* Whether the compiled probes hold program `prog`. */
bool nwt_bpf_has_program(const struct nwt_bpf *bpf, const char *prog);

int nwt_bpf_open_events(struct nwt_bpf *bpf, nwt_event_fn fn, void *ctx, char *err,
			size_t err_len);

/* Waits up to timeout_ms and delivers what arrived. Returns records seen or -errno. */
int nwt_bpf_poll(struct nwt_bpf *bpf, int timeout_ms);

/* Sums the per-CPU accounting counters. */
int nwt_bpf_read_counters(struct nwt_bpf *bpf, uint64_t counters[NWT_COUNTER_MAX]);

/* Calls fn with every key of a per-CPU u32 -> u64 table and its sum over CPUs. */
int nwt_bpf_sum_percpu_table(struct nwt_bpf *bpf, const char *table,
			     void (*fn)(void *ctx, uint32_t key, uint64_t sum), void *ctx);

/*
 * Calls fn with every key of a per-CPU table whose values are n_u64 64-bit
 * counters (key_size bytes of key), each counter summed over the CPUs.
 */
int nwt_bpf_sum_percpu_counters(struct nwt_bpf *bpf, const char *table, size_t key_size,
				size_t n_u64,
				void (*fn)(void *ctx, const void *key, const uint64_t *sums),
				void *ctx);

/* Writes one entry of a BPF map by name. */
int nwt_bpf_map_update(struct nwt_bpf *bpf, const char *map, const void *key, const void *value);
/* Reads one entry of a BPF map by name. */
int nwt_bpf_map_lookup(struct nwt_bpf *bpf, const char *map, const void *key, void *value);

/* Loads raw tracepoint program prog, not attached, to be run on demand; its fd or -errno. */
int nwt_bpf_load_runnable(struct nwt_bpf *bpf, const char *prog, int verbose, char *err,
			  size_t err_len);

/* Runs such a program once (BPF_PROG_TEST_RUN) on `cpu`, or in this thread if cpu < 0. */
int nwt_bpf_run_on_cpu(int prog_fd, int cpu);

/* Loads raw tracepoint program prog and runs it once in this thread (BPF_PROG_TEST_RUN). */
int nwt_bpf_run_once(struct nwt_bpf *bpf, const char *prog, int verbose, char *err,
		     size_t err_len);
/*
 * Starts one pass of the attached iterator `target` ("tcp"): read() the fd to
 * the end, then close it.  The pass covers the network namespace the caller
 * is in when it calls this.  Returns the fd or -errno.
 */
int nwt_bpf_iter_open(struct nwt_bpf *bpf, const char *target);

/* Number of attached programs. */
int nwt_bpf_attached(const struct nwt_bpf *bpf);
/* After nwt_bpf_attach() failed: the kind of attachment that failed. */
enum nwt_attach_kind nwt_bpf_failed_kind(const struct nwt_bpf *bpf);

/* Detaches the programs; maps and the ring buffer stay readable. */
void nwt_bpf_detach(struct nwt_bpf *bpf);

/* Delivers whatever is in the ring buffer without waiting. */
int nwt_bpf_drain(struct nwt_bpf *bpf);

/* Detaches everything and frees the module. NULL is fine. */
void nwt_bpf_close(struct nwt_bpf *bpf);

const char *nwt_bpf_libbcc_version(void);

#endif
