/*
 * Every probe point nwtrace knows, with its attach alternatives in order of
 * preference.  Adding a feature means adding rows here and a file in probes/.
 */
#include "probe_plan.h"

#define SOCK_ADDRESS_OFFSETS                                                           \
	"NWT_OFF_SOCK_STATE", "NWT_OFF_SOCK_FAMILY", "NWT_OFF_SOCK_NUM", "NWT_OFF_SOCK_DPORT", \
		"NWT_OFF_SOCK_RCV_SADDR", "NWT_OFF_SOCK_DADDR", "NWT_OFF_SOCK_V6_RCV_SADDR",   \
		"NWT_OFF_SOCK_V6_DADDR"

/* What the connection table reads from tcp_sock and sock. */
#define CONN_METRIC_OFFSETS                                                                  \
	"NWT_OFF_SOCK_SNDBUF", "NWT_OFF_SOCK_WMEM_QUEUED", "NWT_OFF_SOCK_ACK_BACKLOG",          \
		"NWT_OFF_SOCK_MAX_ACK_BACKLOG", "NWT_OFF_TCP_SND_CWND", "NWT_OFF_TCP_SND_SSTHRESH", \
		"NWT_OFF_TCP_SRTT_US", "NWT_OFF_TCP_RCV_WND", "NWT_OFF_TCP_TOTAL_RETRANS",          \
		"NWT_OFF_TCP_BYTES_ACKED", "NWT_OFF_TCP_BYTES_RECEIVED"

const struct nwt_probe nwt_probe_catalog[] = {
	{
		.name = "tcp_state",
		.feature_name = "lifecycle",
		/* -x/-r/-S need the socket owners it tracks. */
		.features = NWT_FEATURE_LIFECYCLE | NWT_FEATURE_CONN | NWT_FEATURE_RETRANS |
			    NWT_FEATURE_STATE,
		.source = "tcp_lifecycle.bpf.c",
		.alts = {
			{ NWT_ATTACH_TRACEPOINT, "sock:inet_sock_set_state", "nwt_tcp_state_tp",
			  "NWT_USE_TCP_STATE_TRACEPOINT", { "NWT_OFF_SOCK_NET" } },
			{ NWT_ATTACH_KPROBE, "tcp_set_state", "nwt_tcp_state_kp",
			  "NWT_USE_TCP_STATE_KPROBE", { "NWT_OFF_SOCK_NET", SOCK_ADDRESS_OFFSETS } },
		},
	},
	{
		.name = "conn_iter",
		.feature_name = "conn",
		.features = NWT_FEATURE_CONN,
		.source = "tcp_conn.bpf.c",
		.alts = {
			{ NWT_ATTACH_ITER, "tcp", "bpf_iter__tcp", "NWT_USE_TCP_ITER",
			  { SOCK_ADDRESS_OFFSETS, CONN_METRIC_OFFSETS } },
		},
	},
	{
		.name = "retrans_fast",
		.feature_name = "retrans",
		.features = NWT_FEATURE_RETRANS,
		.source = "tcp_conn.bpf.c",
		.alts = {
			{ NWT_ATTACH_TRACEPOINT, "tcp:tcp_cong_state_set", "nwt_cong_recovery_tp",
			  "NWT_USE_CONG_RECOVERY_TP", { NULL } },
			{ NWT_ATTACH_KPROBE, "tcp_enter_recovery", "nwt_cong_recovery_kp",
			  "NWT_USE_CONG_RECOVERY_KP", { NULL } },
		},
	},
	{
		.name = "retrans_rto",
		.feature_name = "retrans",
		.features = NWT_FEATURE_RETRANS,
		.source = "tcp_conn.bpf.c",
		.alts = {
			/* raw: one tracepoint struct per tracepoint in a libbcc module */
			{ NWT_ATTACH_RAW_TRACEPOINT, "tcp:tcp_cong_state_set", "nwt_cong_loss_raw",
			  "NWT_USE_CONG_LOSS_RAW_TP", { NULL } },
			{ NWT_ATTACH_KPROBE, "tcp_enter_loss", "nwt_cong_loss_kp", "NWT_USE_CONG_LOSS_KP",
			  { NULL } },
		},
	},
	{
		.name = "retransmit",
		.feature_name = "retrans",
		.features = NWT_FEATURE_RETRANS,
		.source = "tcp_conn.bpf.c",
		.alts = {
			{ NWT_ATTACH_TRACEPOINT, "tcp:tcp_retransmit_skb", "nwt_retransmit_tp",
			  "NWT_USE_RETRANSMIT_TP", { "NWT_OFF_SKB_CB", "NWT_OFF_TCP_SKB_CB_SEQ" } },
			{ NWT_ATTACH_KPROBE, "tcp_retransmit_skb", "nwt_retransmit_kp",
			  "NWT_USE_RETRANSMIT_KP",
			  { "NWT_OFF_SKB_CB", "NWT_OFF_TCP_SKB_CB_SEQ", SOCK_ADDRESS_OFFSETS } },
		},
	},
};
const size_t nwt_probe_catalog_len = sizeof(nwt_probe_catalog) / sizeof(nwt_probe_catalog[0]);
