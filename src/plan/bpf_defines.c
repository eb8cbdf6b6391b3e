/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/bpf_defines.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/libbpf.h>

static int add_filters(struct nwt_cflags *cf, const struct nwt_options *opts)
{
	int err = 0;

	if (opts->family)
		err = err ?: nwt_cflags_add(cf, "-DNWT_FILTER_FAMILY=%d", opts->family);
	if (opts->port > 0)
		err = err ?: nwt_cflags_add(cf, "-DNWT_FILTER_PORT=%d", opts->port);
	if (opts->sport > 0)
		err = err ?: nwt_cflags_add(cf, "-DNWT_FILTER_SPORT=%d", opts->sport);
	if (opts->dport > 0)
		err = err ?: nwt_cflags_add(cf, "-DNWT_FILTER_DPORT=%d", opts->dport);
	if (opts->pid > 0)
		err = err ?: nwt_cflags_add(cf, "-DNWT_FILTER_PID=%ld", opts->pid);
	if (opts->has_prefix) {
		uint32_t addr[4], mask[4];

		/* Words as they sit in memory: the probe loads them the same way. */
		memcpy(addr, opts->prefix.addr, sizeof(addr));
		nwt_prefix_mask_words(&opts->prefix, mask);
		err = err ?: nwt_cflags_add(cf, "-DNWT_FILTER_ADDR_FAMILY=%d", opts->prefix.family);
		for (int i = 0; i < 4; i++) {
			err = err ?: nwt_cflags_add(cf, "-DNWT_FILTER_ADDR_W%d=0x%08xU", i,
						    addr[i] & mask[i]);
			err = err ?: nwt_cflags_add(cf, "-DNWT_FILTER_MASK_W%d=0x%08xU", i, mask[i]);
		}
	}
	return err;
}

static int add_offsets(struct nwt_cflags *cf, const struct nwt_kernel_offsets *offs)
{
	int err = 0;

	if (!offs->from_btf)
		err = nwt_cflags_add(cf, "-DNWT_OFFSETS_FROM_HEADERS");
	for (size_t i = 0; !err && i < nwt_kernel_fields_len; i++) {
		const struct nwt_kernel_field *f = &nwt_kernel_fields[i];

		if (!offs->from_btf && nwt_kernel_field_has_alternatives(f))
			continue;	/* which alternative the headers have is unknown */
		if (!offs->from_btf && !f->member_path)
			err = nwt_cflags_add(cf, "-D%s=sizeof(struct %s)", f->define,
					     f->struct_name);
		else if (!offs->from_btf)
			err = nwt_cflags_add(cf, "-D%s=offsetof(struct %s, %s)", f->define,
					     f->struct_name, f->member_path);
		else if (offs->offset[i] != NWT_OFFSET_UNKNOWN)
			err = nwt_cflags_add(cf, "-D%s=%ld", f->define, offs->offset[i]);
	}
	for (size_t i = 0; !err && i < nwt_kernel_functions_len; i++)
		if (offs->has_function[i])
			err = nwt_cflags_add(cf, "-D%s", nwt_kernel_functions[i].define);
	return err;
}

static bool offsets_known(const struct nwt_attach_alt *alt, const struct nwt_kernel_offsets *offs)
{
	for (int k = 0; k < NWT_MAX_OFFSETS_PER_ALT && alt->offsets[k]; k++)
		if (!nwt_kernel_offsets_has(offs, alt->offsets[k]))
			return false;
	return true;
}

/*
 * The chosen alternative of each probe; with every_alternative (--verify-probes)
 * every one whose struct fields this kernel has, attachable here or not.
 */
static int add_alternatives(struct nwt_cflags *cf, const struct nwt_plan *plan,
			    const struct nwt_kernel_offsets *offs, bool every_alternative)
{
	int err = 0;

	for (size_t i = 0; !err && i < plan->n_probes; i++) {
		const struct nwt_planned_probe *pp = &plan->probes[i];

		for (int a = 0; !err && a < NWT_MAX_ALTERNATIVES && pp->probe->alts[a].target; a++) {
			const char *define = pp->probe->alts[a].use_define;

			bool wanted = a == pp->chosen ||
				      (every_alternative && offsets_known(&pp->probe->alts[a], offs));

			if (wanted && !nwt_cflags_define(cf, define))
				err = nwt_cflags_add(cf, "-D%s", define);
		}
	}
	/* Several alternatives of one point at once: the probes then share no kind-specific state. */
	if (every_alternative)
		err = err ?: nwt_cflags_add(cf, "-DNWT_EVERY_ALTERNATIVE");
	return err;
}

/*
 * Feature switches the probes compile in or out, one row each: the define
 * is given when any bit of `when_any` is requested and none of `unless_any`.
 */
static const struct {
	unsigned int when_any;
	unsigned int unless_any;
	const char *define;
} feature_switches[] = {
	{ NWT_FEATURE_PACKET | NWT_FEATURE_HTTP, 0, "NWT_PKT_RECORDS" },
	{ NWT_FEATURE_HOPS, 0, "NWT_PKT_HOPS" },
	{ NWT_FEATURE_HTTP, 0, "NWT_PKT_HTTP" },
	{ NWT_FEATURE_CONN, 0, "NWT_WANT_CONN" },
	{ NWT_FEATURE_RETRANS, 0, "NWT_WANT_RETRANS" },
	/* -u without -k: the drop probe reports UDP datagrams only. */
	{ NWT_FEATURE_UDP, NWT_FEATURE_DROP, "NWT_DROP_UDP_ONLY" },
	/* -u -s: datagrams counted per flow, no record per datagram. */
	{ NWT_FEATURE_UDP, NWT_FEATURE_UDP_RECORDS, "NWT_UDP_COUNT_ONLY" },
	/* -x/-r/-k/-e without lifecycle or -S: track socket owners, emit no state events. */
	{ ~0u, NWT_FEATURE_LIFECYCLE | NWT_FEATURE_STATE, "NWT_STATE_TRACK_ONLY" },
};

static int add_feature_switches(struct nwt_cflags *cf, const struct nwt_options *opts)
{
	int err = 0;

	for (size_t i = 0; !err && i < sizeof(feature_switches) / sizeof(feature_switches[0]); i++)
		if ((opts->features & feature_switches[i].when_any) &&
		    !(opts->features & feature_switches[i].unless_any))
			err = nwt_cflags_add(cf, "-D%s", feature_switches[i].define);
	return err;
}

#define NWT_RECORD_BYTES_MAX 400	/* a packet record with -H, and its ring header */

int nwt_ringbuf_pages(long ncpus)
{
	long want = (ncpus > 0 ? ncpus : 1) * NWT_WAKEUP_EVENTS * NWT_RECORD_BYTES_MAX * 4 / 4096;
	int pages = NWT_RINGBUF_MIN_PAGES;

	while (pages < want && pages < NWT_RINGBUF_MAX_PAGES)
		pages *= 2;
	return pages;
}

long nwt_possible_cpus(void)
{
	long n = libbpf_num_possible_cpus();	/* /sys/devices/system/cpu/possible */

	if (n <= 0)
		n = sysconf(_SC_NPROCESSORS_CONF);
	return n > 0 ? n : 1;
}

int nwt_cflags_build(struct nwt_cflags *cf, const struct nwt_options *opts,
		     const struct nwt_plan *plan, const struct nwt_kernel_offsets *offs)
{
	int err;

	cf->n = 0;
	err = nwt_cflags_add(cf, "-DNWT_RINGBUF_PAGES=%d",
			     nwt_ringbuf_pages(nwt_possible_cpus()));
	err = err ?: nwt_cflags_add(cf, "-DNWT_WAKEUP_EVENTS=%d", NWT_WAKEUP_EVENTS);
	err = err ?: nwt_cflags_add(cf, "-DNWT_NR_CPUS=%ld", nwt_possible_cpus());
	err = err ?: nwt_cflags_add(cf, "-DNWT_RATE_LIMIT=%uU", opts->rate);
	err = err ?: nwt_cflags_add(cf, "-DNWT_MAX_CONNS=%d", NWT_MAX_CONNS);
	err = err ?: add_filters(cf, opts);
	err = err ?: add_alternatives(cf, plan, offs, opts->verify_probes);
	err = err ?: add_feature_switches(cf, opts);
	err = err ?: add_offsets(cf, offs);
	if (err)
		nwt_cflags_free(cf);
	return err;
}
