/*
 * Every probe point nwtrace knows, with its attach alternatives in order of
 * preference.  Adding a feature means adding rows here and a file in probes/.
 */
#include "probe_plan.h"

#define SOCK_ADDRESS_OFFSETS                                                           \
	"NWT_OFF_SOCK_STATE", "NWT_OFF_SOCK_FAMILY", "NWT_OFF_SOCK_NUM", "NWT_OFF_SOCK_DPORT", \
		"NWT_OFF_SOCK_RCV_SADDR", "NWT_OFF_SOCK_DADDR", "NWT_OFF_SOCK_V6_RCV_SADDR",   \
		"NWT_OFF_SOCK_V6_DADDR"

const struct nwt_probe nwt_probe_catalog[] = {
	{
		.name = "tcp_state",
		.feature_name = "lifecycle",
		.features = NWT_FEATURE_LIFECYCLE,
		.source = "tcp_lifecycle.bpf.c",
		.alts = {
			{ NWT_ATTACH_TRACEPOINT, "sock:inet_sock_set_state", "nwt_tcp_state_tp",
			  "NWT_USE_TCP_STATE_TRACEPOINT", { "NWT_OFF_SOCK_NET", "NWT_OFF_NET_NS_INUM" } },
			{ NWT_ATTACH_KPROBE, "tcp_set_state", "nwt_tcp_state_kp",
			  "NWT_USE_TCP_STATE_KPROBE",
			  { "NWT_OFF_SOCK_NET", "NWT_OFF_NET_NS_INUM", SOCK_ADDRESS_OFFSETS } },
		},
	},
	{
		/*
		 * listen() does not pass through tcp_set_state: with the kprobe
		 * alternative above, this is how listeners' owners are learnt.
		 */
		.name = "tcp_listen",
		.feature_name = "lifecycle",
		.features = NWT_FEATURE_LIFECYCLE,
		.source = "tcp_lifecycle.bpf.c",
		.optional = true,
		.alts = {
			{ NWT_ATTACH_KPROBE, "inet_csk_listen_start", "nwt_tcp_listen_kp",
			  "NWT_USE_TCP_LISTEN_KPROBE",
			  { "NWT_OFF_SOCK_NET", "NWT_OFF_NET_NS_INUM", "NWT_OFF_SOCK_FAMILY",
			    "NWT_OFF_SOCK_NUM" } },
		},
	},
};
const size_t nwt_probe_catalog_len = sizeof(nwt_probe_catalog) / sizeof(nwt_probe_catalog[0]);
