/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/kernel_env.h"

#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "kernel/tracefs.h"

static int quiet_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

/* Page fragments need their layout from BTF and the direct map's bases. */
static void choose_direct_map(struct nwt_kernel_env *env)
{
	static const char *const frag_fields[] = {
		"NWT_OFF_SKB_END",	"NWT_OFF_SHINFO_NR_FRAGS", "NWT_OFF_SHINFO_FRAGS",
		"NWT_OFF_FRAG_PAGE",	"NWT_OFF_FRAG_LEN",	   "NWT_OFF_FRAG_OFFSET",
		"NWT_SIZEOF_PAGE",
	};
	struct nwt_direct_map_inputs in;

	for (size_t i = 0; i < sizeof(frag_fields) / sizeof(frag_fields[0]); i++)
		if (nwt_kernel_offsets_get(&env->offsets, frag_fields[i]) == NWT_OFFSET_UNKNOWN) {
			env->dm.source = NWT_DM_UNAVAILABLE;
			snprintf(env->dm.reason, sizeof(env->dm.reason),
				 "%s not in kernel BTF (skb fragment layout unknown)", frag_fields[i]);
			return;
		}
	nwt_direct_map_read_inputs(&in, nwt_kernel_offsets_get(&env->offsets, "NWT_SIZEOF_PAGE"));
	nwt_direct_map_choose(&env->dm, &in);
}

void nwt_kernel_env_init(struct nwt_kernel_env *env, const struct nwt_options *opts,
			 bool may_mount)
{
	memset(env, 0, sizeof(*env));
	uname(&env->uts);
	if (!opts->verbose)
		libbpf_set_print(quiet_libbpf);
	env->btf = btf__load_vmlinux_btf();
	if (libbpf_get_error(env->btf))
		env->btf = NULL;
	nwt_kernel_offsets_resolve(&env->offsets, env->btf);
	if (may_mount)
		env->tracefs_err = nwt_tracefs_ensure(env->tracefs_note, sizeof(env->tracefs_note));
	env->running.tracefs_root = nwt_tracefs_root();
	if (!env->running.tracefs_root && !env->tracefs_err)
		env->tracefs_err = -EACCES;
	env->running.btf = env->btf;
	env->running.offsets = &env->offsets;
	nwt_kernel_facts_init(&env->facts, &env->running);
	nwt_plan_build(&env->plan, nwt_probe_catalog, nwt_probe_catalog_len, opts->features,
		       opts->prefer, &env->facts);
	if ((opts->features & NWT_FEATURE_HTTP) || opts->list_probes)
		choose_direct_map(env);
	else
		snprintf(env->dm.reason, sizeof(env->dm.reason), "not needed without -H");
}

void nwt_kernel_env_replan_without_btf_tracepoints(struct nwt_kernel_env *env,
						   const struct nwt_options *opts, const char *why)
{
	snprintf(env->facts.btf_tracepoints_refused, sizeof(env->facts.btf_tracepoints_refused),
		 "%s", why);
	nwt_plan_build(&env->plan, nwt_probe_catalog, nwt_probe_catalog_len, opts->features,
		       opts->prefer, &env->facts);
}

void nwt_kernel_env_free(struct nwt_kernel_env *env)
{
	btf__free(env->btf);
	env->btf = NULL;
}
