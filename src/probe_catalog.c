/*
 * Every probe point nwtrace knows, with its attach alternatives in order of
 * preference.  Adding a feature means adding rows here and a file in probes/.
 */
#include "probe_plan.h"

#define SOCK_ADDRESS_OFFSETS                                                           \
	"NWT_OFF_SOCK_STATE", "NWT_OFF_SOCK_FAMILY", "NWT_OFF_SOCK_NUM", "NWT_OFF_SOCK_DPORT", \
		"NWT_OFF_SOCK_RCV_SADDR", "NWT_OFF_SOCK_DADDR", "NWT_OFF_SOCK_V6_RCV_SADDR",   \
		"NWT_OFF_SOCK_V6_DADDR"

/* What probes/skb_parse.h reads: the packet's headers, device and socket. */
#define SKB_FAULT_OFFSETS                                                                     \
	"NWT_OFF_SKB_HEAD", "NWT_OFF_SKB_END", "NWT_OFF_SKB_NETWORK_HEADER",                  \
		"NWT_OFF_SKB_PROTOCOL", "NWT_OFF_SKB_SK", "NWT_OFF_SKB_DEV", "NWT_OFF_NETDEV_NAME", \
		"NWT_OFF_NETDEV_IFINDEX", SOCK_ADDRESS_OFFSETS

const struct nwt_probe nwt_probe_catalog[] = {
	{
		.name = "tcp_state",
		.feature_name = "lifecycle",
		/* -k/-e: socket owners only (NWT_LIFECYCLE_RECORDS=0) */
		.features = NWT_FEATURE_LIFECYCLE | NWT_FEATURE_DROP | NWT_FEATURE_ERR,
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
		/* -k/-e: socket owners only (NWT_LIFECYCLE_RECORDS=0) */
		.features = NWT_FEATURE_LIFECYCLE | NWT_FEATURE_DROP | NWT_FEATURE_ERR,
		.source = "tcp_lifecycle.bpf.c",
		.optional = true,
		.alts = {
			{ NWT_ATTACH_KPROBE, "inet_csk_listen_start", "nwt_tcp_listen_kp",
			  "NWT_USE_TCP_LISTEN_KPROBE",
			  { "NWT_OFF_SOCK_NET", "NWT_OFF_NET_NS_INUM", "NWT_OFF_SOCK_FAMILY",
			    "NWT_OFF_SOCK_NUM" } },
		},
	},
	{
		.name = "drop",
		.feature_name = "drop",
		.features = NWT_FEATURE_DROP,
		.source = "packet_faults.bpf.c",
		.alts = {
			{ NWT_ATTACH_RAW_TRACEPOINT, "skb:kfree_skb", "nwt_drop_raw",
			  "NWT_USE_DROP_RAW_TRACEPOINT", { SKB_FAULT_OFFSETS } },
			{ NWT_ATTACH_TRACEPOINT, "skb:kfree_skb", "nwt_drop_tp",
			  "NWT_USE_DROP_TRACEPOINT", { SKB_FAULT_OFFSETS } },
			/* 6.12+: kfree_skb_reason() is an inline wrapper of this */
			{ NWT_ATTACH_KPROBE, "sk_skb_reason_drop", "nwt_drop_kp_sk",
			  "NWT_USE_DROP_KPROBE_SK", { SKB_FAULT_OFFSETS } },
			{ NWT_ATTACH_KPROBE, "kfree_skb_reason", "nwt_drop_kp_reason",
			  "NWT_USE_DROP_KPROBE_REASON", { SKB_FAULT_OFFSETS } },
		},
	},
	{
		.name = "tcp_bad_csum",
		.feature_name = "err",
		.features = NWT_FEATURE_ERR,
		.source = "packet_faults.bpf.c",
		.alts = {
			{ NWT_ATTACH_RAW_TRACEPOINT, "tcp:tcp_bad_csum", "nwt_csum_raw",
			  "NWT_USE_CSUM_RAW_TRACEPOINT", { SKB_FAULT_OFFSETS } },
			{ NWT_ATTACH_TRACEPOINT, "tcp:tcp_bad_csum", "nwt_csum_tp",
			  "NWT_USE_CSUM_TRACEPOINT", { SKB_FAULT_OFFSETS } },
		},
	},
	{
		/* Sequence checks fail as drops with this kernel's TCP_*SEQUENCE reasons. */
		.name = "tcp_bad_seq",
		.feature_name = "err",
		.features = NWT_FEATURE_ERR,
		.source = "packet_faults.bpf.c",
		.alts = {
			{ NWT_ATTACH_RAW_TRACEPOINT, "skb:kfree_skb", "nwt_seq_raw",
			  "NWT_USE_SEQ_RAW_TRACEPOINT", { SKB_FAULT_OFFSETS } },
			{ NWT_ATTACH_TRACEPOINT, "skb:kfree_skb", "nwt_seq_tp",
			  "NWT_USE_SEQ_TRACEPOINT", { SKB_FAULT_OFFSETS } },
		},
	},
	{
		.name = "tcp_rst_sent",
		.feature_name = "err",
		.features = NWT_FEATURE_ERR,
		.source = "packet_faults.bpf.c",
		.alts = {
			{ NWT_ATTACH_RAW_TRACEPOINT, "tcp:tcp_send_reset", "nwt_rst_tx_raw",
			  "NWT_USE_RST_TX_RAW_TRACEPOINT", { SKB_FAULT_OFFSETS } },
			{ NWT_ATTACH_KPROBE, "tcp_v4_send_reset", "nwt_rst_tx_kp",
			  "NWT_USE_RST_TX_KPROBE", { SKB_FAULT_OFFSETS } },
		},
	},
	{
		.name = "tcp_rst_recv",
		.feature_name = "err",
		.features = NWT_FEATURE_ERR,
		.source = "packet_faults.bpf.c",
		.alts = {
			{ NWT_ATTACH_RAW_TRACEPOINT, "tcp:tcp_receive_reset", "nwt_rst_rx_raw",
			  "NWT_USE_RST_RX_RAW_TRACEPOINT", { SKB_FAULT_OFFSETS } },
			{ NWT_ATTACH_KPROBE, "tcp_reset", "nwt_rst_rx_kp", "NWT_USE_RST_RX_KPROBE",
			  { SKB_FAULT_OFFSETS } },
		},
	},
};
const size_t nwt_probe_catalog_len = sizeof(nwt_probe_catalog) / sizeof(nwt_probe_catalog[0]);
