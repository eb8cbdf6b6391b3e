/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Every probe point nwtrace knows, with its attach alternatives in order of
 * preference.  Adding a feature means adding rows here and a file in probes/.
 */
#include "plan/probe_plan.h"

#include "probes/nwtrace_events.h"

#define SOCK_ADDRESS_OFFSETS                                                           \
	"NWT_OFF_SOCK_STATE", "NWT_OFF_SOCK_FAMILY", "NWT_OFF_SOCK_NUM", "NWT_OFF_SOCK_DPORT", \
		"NWT_OFF_SOCK_RCV_SADDR", "NWT_OFF_SOCK_DADDR", "NWT_OFF_SOCK_V6_RCV_SADDR",   \
		"NWT_OFF_SOCK_V6_DADDR"

#define PKT_FEATURES (NWT_FEATURE_PACKET | NWT_FEATURE_HOPS | NWT_FEATURE_HTTP)
#define SKB_OFFSETS "NWT_OFF_SKB_HEAD", "NWT_OFF_SKB_DATA", "NWT_OFF_SKB_NETWORK_HEADER", \
		"NWT_OFF_SKB_TAIL", "NWT_OFF_SKB_DEV", "NWT_OFF_SKB_SK", "NWT_OFF_NETDEV_IFINDEX", \
		"NWT_OFF_NETDEV_NAME"
/*
 * A packet point: the tracepoint with BTF types (direct field loads), the
 * same one raw, or a kprobe; prog is nwt_<stem>_{btf,rtp,kp}.
 */
#define PKT_TP_ALTS(tp, stem, use, offs...)                                                   \
	{ NWT_ATTACH_BTF_TRACEPOINT, tp, "nwt_" stem "_btf", "NWT_USE_" use "_BTF", { offs } }, \
	{ NWT_ATTACH_RAW_TRACEPOINT, tp, "nwt_" stem "_rtp", "NWT_USE_" use "_RTP", { offs } }
#define PKT_ROW(row, pt, tp, kp, stem, use, offs...)                                       \
	{ .name = row, .feature_name = "packet", .features = PKT_FEATURES,                 \
	  .source = "packet/packet_path.bpf.c", .point = NWT_ROW_POINT(pt),                       \
	  .alts = { PKT_TP_ALTS(tp, stem, use, offs),                                      \
		    { NWT_ATTACH_KPROBE, kp, "nwt_" stem "_kp", "NWT_USE_" use "_KPROBE", { offs } } } }
/* A packet point only a tracepoint gives; optional: the kernel may lack it. */
#define PKT_TP_ROW(row, pt, tp, stem, use, offs...)                                 \
	{ .name = row, .feature_name = "packet", .features = PKT_FEATURES,          \
	  .source = "packet/packet_path.bpf.c", .point = NWT_ROW_POINT(pt),               \
	  .alts = { PKT_TP_ALTS(tp, stem, use, offs) },                             \
	  .optional = true }
/* What the connection table reads from tcp_sock and sock. */
#define CONN_METRIC_OFFSETS                                                                  \
	"NWT_OFF_SOCK_SNDBUF", "NWT_OFF_SOCK_WMEM_QUEUED", "NWT_OFF_SOCK_ACK_BACKLOG",          \
		"NWT_OFF_SOCK_MAX_ACK_BACKLOG", "NWT_OFF_TCP_SND_CWND", "NWT_OFF_TCP_SND_SSTHRESH", \
		"NWT_OFF_TCP_SRTT_US", "NWT_OFF_TCP_RCV_WND", "NWT_OFF_TCP_TOTAL_RETRANS",          \
		"NWT_OFF_TCP_BYTES_ACKED", "NWT_OFF_TCP_BYTES_RECEIVED"
/* What probes/lib/skb_parse.h reads: the packet's headers, device and socket. */
#define SKB_FAULT_OFFSETS                                                                     \
	"NWT_OFF_SKB_HEAD", "NWT_OFF_SKB_DATA", "NWT_OFF_SKB_END", "NWT_OFF_SKB_NETWORK_HEADER", \
		"NWT_OFF_SKB_PROTOCOL", "NWT_OFF_SKB_SK", "NWT_OFF_SKB_DEV", "NWT_OFF_NETDEV_NAME", \
		"NWT_OFF_NETDEV_IFINDEX", SOCK_ADDRESS_OFFSETS

/* What probes/udp/udp_path.bpf.c reads: a datagram's headers and device, its socket's queue. */
#define UDP_OFFSETS                                                                             \
	"NWT_OFF_SKB_HEAD", "NWT_OFF_SKB_DATA", "NWT_OFF_SKB_END", "NWT_OFF_SKB_NETWORK_HEADER", \
		"NWT_OFF_SKB_PROTOCOL", "NWT_OFF_SKB_SK", "NWT_OFF_SKB_DEV", "NWT_OFF_NETDEV_NAME", \
		"NWT_OFF_NETDEV_IFINDEX", "NWT_OFF_SOCK_PROTOCOL", "NWT_OFF_SOCK_RECEIVE_QUEUE",   \
		"NWT_OFF_SKB_HEAD_PREV", "NWT_OFF_SKB_LEN", "NWT_OFF_SOCK_NUM"
/*
 * A UDP point: a raw tracepoint, else a kprobe; prog is nwt_<stem>_{rtp,kp}.
 * feats: NWT_FEATURE_UDP if -u -s (counts only) needs it too, else
 * NWT_FEATURE_UDP_RECORDS; NWT_FEATURE_UDP_OWNERS for what only learns owners
 * under -s (needed there by -P).
 */
#define UDP_ROW(row, feats, tp, kp, stem, use)                                              \
	{ .name = row, .feature_name = "udp", .features = feats,                                \
	  .source = "udp/udp_path.bpf.c",                           \
	  .alts = { { NWT_ATTACH_RAW_TRACEPOINT, tp, "nwt_" stem "_rtp", "NWT_USE_" use "_RTP",  \
		      { UDP_OFFSETS } },                                                      \
		    { NWT_ATTACH_KPROBE, kp, "nwt_" stem "_kp", "NWT_USE_" use "_KPROBE",        \
		      { UDP_OFFSETS } } } }
/* A UDP point only a kprobe gives (optional), or one more tracepoint for a point (optional). */
#define UDP_KP_ROW(row, kp, stem, use, cond...)                                          \
	{ .name = row, .feature_name = "udp", .features = NWT_FEATURE_UDP_RECORDS,           \
	  .source = "udp/udp_path.bpf.c", .optional = true,      \
	  .alts = { { NWT_ATTACH_KPROBE, kp, "nwt_" stem "_kp", "NWT_USE_" use "_KPROBE",     \
		      { UDP_OFFSETS } } }, cond }
#define UDP_TP_ROW(row, feats, kind, tp, stem, use, suffix, cond...)                    \
	{ .name = row, .feature_name = "udp", .features = feats,                             \
	  .source = "udp/udp_path.bpf.c", .optional = true,      \
	  .alts = { { kind, tp, "nwt_" stem "_" suffix, "NWT_USE_" use,                       \
		      { UDP_OFFSETS } } }, cond }

const struct nwt_probe nwt_probe_catalog[] = {
	{
		.name = "tcp_state",
		.feature_name = "lifecycle",
		/* -x/-r/-S need the socket owners it tracks; so do -k/-e, to name a packet's process. */
		.features = NWT_FEATURE_LIFECYCLE | NWT_FEATURE_CONN | NWT_FEATURE_RETRANS |
			    NWT_FEATURE_STATE | NWT_FEATURE_DROP | NWT_FEATURE_ERR,
		.source = "lifecycle/tcp_lifecycle.bpf.c",
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
		/* -k/-e: listeners' owners name the process of accepted sockets */
		.features = NWT_FEATURE_LIFECYCLE | NWT_FEATURE_DROP | NWT_FEATURE_ERR,
		.source = "lifecycle/tcp_lifecycle.bpf.c",
		.optional = true,
		.alts = {
			{ NWT_ATTACH_KPROBE, "inet_csk_listen_start", "nwt_tcp_listen_kp",
			  "NWT_USE_TCP_LISTEN_KPROBE",
			  { "NWT_OFF_SOCK_NET", "NWT_OFF_NET_NS_INUM", "NWT_OFF_SOCK_FAMILY",
			    "NWT_OFF_SOCK_NUM" } },
		},
	},
	/* Packet path, tx: TCP -> IP -> device queue -> driver; rx: device -> IP -> TCP -> socket. */
	{ .name = "pkt_tx_tcp", .feature_name = "packet", .features = PKT_FEATURES,
	  .source = "packet/packet_path.bpf.c", .point = NWT_ROW_POINT(NWT_PT_TX_TCP),
	  .alts = { PKT_TP_ALTS("tcp:tcp_sendmsg_locked", "pkt_tx_tcp", "PKT_TX_TCP",
				"NWT_OFF_TCP_WRITE_SEQ", "NWT_OFF_SKB_LEN"),
		    { NWT_ATTACH_KPROBE, "tcp_sendmsg", "nwt_pkt_tx_tcp_kp", "NWT_USE_PKT_TX_TCP_KPROBE",
		      { "NWT_OFF_TCP_WRITE_SEQ" } } },
	  .optional = true },
	{ .name = "pkt_tx_ip", .feature_name = "packet", .features = PKT_FEATURES,
	  .source = "packet/packet_path.bpf.c", .point = NWT_ROW_POINT(NWT_PT_TX_IP),
	  .alts = { { NWT_ATTACH_KPROBE, "ip_queue_xmit", "nwt_pkt_tx_ip_kp", "NWT_USE_PKT_TX_IP_KPROBE" } },
	  .optional = true },
	{ .name = "pkt_tx_ip6", .feature_name = "packet", .features = PKT_FEATURES,
	  .source = "packet/packet_path.bpf.c", .point = NWT_ROW_POINT(NWT_PT_TX_IP),
	  .alts = { { NWT_ATTACH_KPROBE, "inet6_csk_xmit", "nwt_pkt_tx_ip_kp", "NWT_USE_PKT_TX_IP_KPROBE" } },
	  .optional = true },
	PKT_ROW("pkt_tx_queue", NWT_PT_TX_QUEUE,
		"net:net_dev_queue", "__dev_queue_xmit", "pkt_tx_queue", "PKT_TX_QUEUE", SKB_OFFSETS),
	PKT_ROW("pkt_tx_xmit", NWT_PT_TX_XMIT,
		"net:net_dev_start_xmit", "dev_hard_start_xmit", "pkt_tx_xmit", "PKT_TX_XMIT", SKB_OFFSETS),
	PKT_ROW("pkt_rx_dev", NWT_PT_RX_DEV,
		"net:netif_rx", "eth_type_trans", "pkt_rx_dev", "PKT_RX_DEV", SKB_OFFSETS),
	/* NIC drivers hand packets over here instead of netif_rx(). */
	PKT_TP_ROW("pkt_rx_dev_gro", NWT_PT_RX_DEV,
		   "net:napi_gro_receive_entry", "pkt_rx_dev", "PKT_RX_DEV",
		   SKB_OFFSETS),
	PKT_TP_ROW("pkt_rx_dev_frags", NWT_PT_RX_DEV,
		   "net:napi_gro_frags_entry", "pkt_rx_dev_frags",
		   "PKT_RX_DEV_FRAGS", SKB_OFFSETS),
	PKT_TP_ROW("pkt_rx_dev_skb", NWT_PT_RX_DEV,
		   "net:netif_receive_skb_entry", "pkt_rx_dev", "PKT_RX_DEV",
		   SKB_OFFSETS),
	PKT_TP_ROW("pkt_rx_dev_list", NWT_PT_RX_DEV,
		   "net:netif_receive_skb_list_entry", "pkt_rx_dev",
		   "PKT_RX_DEV", SKB_OFFSETS),
	PKT_ROW("pkt_rx_ip", NWT_PT_RX_IP,
		"net:netif_receive_skb", "ip_rcv_core", "pkt_rx_ip", "PKT_RX_IP", SKB_OFFSETS),
	{ .name = "pkt_rx_ip6", .feature_name = "packet", .features = PKT_FEATURES,
	  .source = "packet/packet_path.bpf.c", .point = NWT_ROW_POINT(NWT_PT_RX_IP),
	  .alts = { { NWT_ATTACH_KPROBE, "ipv6_rcv", "nwt_pkt_rx_ip_kp", "NWT_USE_PKT_RX_IP_KPROBE",
		      { SKB_OFFSETS } } },
	  .optional = true, .completes_kprobe_of = "pkt_rx_ip" },
	{ .name = "pkt_rx_tcp4in", .feature_name = "packet", .features = NWT_FEATURE_HOPS,
	  .source = "packet/packet_path.bpf.c", .point = NWT_ROW_POINT(NWT_PT_RX_TCP_ENTRY),
	  .alts = { { NWT_ATTACH_KPROBE, "tcp_v4_rcv", "nwt_pkt_rx_tcp_entry_kp",
		      "NWT_USE_PKT_RX_TCP_ENTRY_KPROBE", { SKB_OFFSETS } } },
	  .optional = true },
	{ .name = "pkt_rx_tcp6in", .feature_name = "packet", .features = NWT_FEATURE_HOPS,
	  .source = "packet/packet_path.bpf.c", .point = NWT_ROW_POINT(NWT_PT_RX_TCP_ENTRY),
	  .alts = { { NWT_ATTACH_KPROBE, "tcp_v6_rcv", "nwt_pkt_rx_tcp_entry_kp",
		      "NWT_USE_PKT_RX_TCP_ENTRY_KPROBE", { SKB_OFFSETS } } },
	  .optional = true },
	PKT_ROW("pkt_rx_tcp", NWT_PT_RX_TCP,
		"tcp:tcp_probe", "tcp_v4_do_rcv", "pkt_rx_tcp", "PKT_RX_TCP", SKB_OFFSETS),
	{ .name = "pkt_rx_tcp6", .feature_name = "packet", .features = PKT_FEATURES,
	  .source = "packet/packet_path.bpf.c", .point = NWT_ROW_POINT(NWT_PT_RX_TCP),
	  .alts = { { NWT_ATTACH_KPROBE, "tcp_v6_do_rcv", "nwt_pkt_rx_tcp_kp", "NWT_USE_PKT_RX_TCP_KPROBE",
		      { SKB_OFFSETS } } },
	  .optional = true, .completes_kprobe_of = "pkt_rx_tcp" },
	/*
	 * tcp:tcp_probe fires only on the established-state receive path: IP
	 * reports the handshake, resets and what arrives after a FIN itself,
	 * for the flows this row learns are in another state.
	 */
	{ .name = "pkt_rx_state", .feature_name = "packet",
	  .features = NWT_FEATURE_PACKET | NWT_FEATURE_HTTP, .source = "packet/packet_path.bpf.c",
	  .alts = { PKT_TP_ALTS("sock:inet_sock_set_state", "pkt_rx_state", "PKT_RX_STATE",
				SOCK_ADDRESS_OFFSETS, SKB_OFFSETS, "NWT_OFF_SOCK_BACKLOG_HEAD",
				"NWT_OFF_SKB_NEXT") },
	  .optional = true,
	  .fills_gap_of = "pkt_rx_tcp" },
	PKT_ROW("pkt_rx_sock", NWT_PT_RX_SOCK,
		"skb:skb_copy_datagram_iovec", "skb_copy_datagram_iter", "pkt_rx_sock", "PKT_RX_SOCK", SKB_OFFSETS, "NWT_OFF_TCP_COPIED_SEQ"),
	{
		.name = "conn_iter",
		.feature_name = "conn",
		.features = NWT_FEATURE_CONN,
		.source = "conn/tcp_conn.bpf.c",
		.alts = {
			{ NWT_ATTACH_ITER, NWT_ITER_TCP, "bpf_iter__tcp", "NWT_USE_TCP_ITER",
			  { SOCK_ADDRESS_OFFSETS, CONN_METRIC_OFFSETS } },
		},
	},
	{
		.name = "retrans_fast",
		.feature_name = "retrans",
		.features = NWT_FEATURE_RETRANS,
		.source = "conn/tcp_conn.bpf.c",
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
		.source = "conn/tcp_conn.bpf.c",
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
		.source = "conn/tcp_conn.bpf.c",
		.alts = {
			{ NWT_ATTACH_TRACEPOINT, "tcp:tcp_retransmit_skb", "nwt_retransmit_tp",
			  "NWT_USE_RETRANSMIT_TP", { "NWT_OFF_SKB_CB", "NWT_OFF_TCP_SKB_CB_SEQ" } },
			{ NWT_ATTACH_KPROBE, "tcp_retransmit_skb", "nwt_retransmit_kp",
			  "NWT_USE_RETRANSMIT_KP",
			  { "NWT_OFF_SKB_CB", "NWT_OFF_TCP_SKB_CB_SEQ", SOCK_ADDRESS_OFFSETS } },
		},
	},
	{
		.name = "drop",
		.feature_name = "drop",
		/* -u: UDP's drops, with the same reasons and counts (NWT_DROP_UDP_ONLY without -k) */
		.features = NWT_FEATURE_DROP | NWT_FEATURE_UDP,
		.source = "faults/packet_faults.bpf.c",
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
		.source = "faults/packet_faults.bpf.c",
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
		.source = "faults/packet_faults.bpf.c",
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
		.source = "faults/packet_faults.bpf.c",
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
		.source = "faults/packet_faults.bpf.c",
		.alts = {
			{ NWT_ATTACH_RAW_TRACEPOINT, "tcp:tcp_receive_reset", "nwt_rst_rx_raw",
			  "NWT_USE_RST_RX_RAW_TRACEPOINT", { SKB_FAULT_OFFSETS } },
			{ NWT_ATTACH_KPROBE, "tcp_reset", "nwt_rst_rx_kp", "NWT_USE_RST_RX_KPROBE",
			  { SKB_FAULT_OFFSETS } },
		},
	},
	/*
	 * UDP (-u), tx: send call -> UDP to IP -> device queue -> driver; rx:
	 * device -> IP -> queued on the socket -> read.  The send call is the
	 * system call's entry where udp_sendmsg cannot be probed.
	 */
	{ .name = "udp_tx_send", .feature_name = "udp", .features = NWT_FEATURE_UDP_RECORDS,
	  .source = "udp/udp_path.bpf.c", .optional = true,
	  .alts = { { NWT_ATTACH_KPROBE, "udp_sendmsg", "nwt_udp_tx_send_kp",
		      "NWT_USE_UDP_TX_SEND_KPROBE", { UDP_OFFSETS } },
		    { NWT_ATTACH_TRACEPOINT, "syscalls:sys_enter_sendto", "nwt_udp_tx_send_tp",
		      "NWT_USE_UDP_TX_SEND_TRACEPOINT", { UDP_OFFSETS } } } },
	UDP_KP_ROW("udp_tx_send6", "udpv6_sendmsg", "udp_tx_send", "UDP_TX_SEND",
		   .completes_kprobe_of = "udp_tx_send"),
	UDP_TP_ROW("udp_tx_sendmsg", NWT_FEATURE_UDP_RECORDS, NWT_ATTACH_TRACEPOINT, "syscalls:sys_enter_sendmsg",
		   "udp_tx_send", "UDP_TX_SEND_TRACEPOINT", "tp", .fills_gap_of = "udp_tx_send"),
	UDP_TP_ROW("udp_tx_sendmmsg", NWT_FEATURE_UDP_RECORDS, NWT_ATTACH_TRACEPOINT,
		   "syscalls:sys_enter_sendmmsg", "udp_tx_send", "UDP_TX_SEND_TRACEPOINT", "tp",
		   .fills_gap_of = "udp_tx_send"),
	/* The send call returns: its start stops being current; the socket's owner is learnt. */
	UDP_TP_ROW("udp_tx_done", NWT_FEATURE_UDP_OWNERS, NWT_ATTACH_RAW_TRACEPOINT, "sock:sock_send_length",
		   "udp_tx_done", "UDP_TX_DONE_RTP", "rtp"),
	UDP_KP_ROW("udp_tx_ip", "udp_send_skb", "udp_tx_ip", "UDP_TX_IP"),
	UDP_KP_ROW("udp_tx_ip6", "udp_v6_send_skb", "udp_tx_ip", "UDP_TX_IP"),
	UDP_ROW("udp_tx_queue", NWT_FEATURE_UDP, "net:net_dev_queue", "__dev_queue_xmit", "udp_tx_queue",
		"UDP_TX_QUEUE"),
	UDP_ROW("udp_tx_xmit", NWT_FEATURE_UDP_RECORDS, "net:net_dev_start_xmit", "dev_hard_start_xmit",
		"udp_tx_xmit", "UDP_TX_XMIT"),
	UDP_TP_ROW("udp_rx_dev", NWT_FEATURE_UDP_RECORDS, NWT_ATTACH_RAW_TRACEPOINT, "net:netif_rx", "udp_rx_dev",
		   "UDP_RX_DEV_RTP", "rtp"),
	UDP_TP_ROW("udp_rx_dev_gro", NWT_FEATURE_UDP_RECORDS, NWT_ATTACH_RAW_TRACEPOINT,
		   "net:napi_gro_receive_entry", "udp_rx_dev", "UDP_RX_DEV_RTP", "rtp"),
	UDP_TP_ROW("udp_rx_dev_skb", NWT_FEATURE_UDP_RECORDS, NWT_ATTACH_RAW_TRACEPOINT,
		   "net:netif_receive_skb_entry", "udp_rx_dev", "UDP_RX_DEV_RTP", "rtp"),
	UDP_TP_ROW("udp_rx_dev_list", NWT_FEATURE_UDP_RECORDS, NWT_ATTACH_RAW_TRACEPOINT,
		   "net:netif_receive_skb_list_entry", "udp_rx_dev", "UDP_RX_DEV_RTP", "rtp"),
	UDP_ROW("udp_rx_ip", NWT_FEATURE_UDP_RECORDS, "net:netif_receive_skb", "ip_rcv_core", "udp_rx_ip",
		"UDP_RX_IP"),
	UDP_KP_ROW("udp_rx_ip6", "ipv6_rcv", "udp_rx_ip", "UDP_RX_IP",
		   .completes_kprobe_of = "udp_rx_ip"),
	/*
	 * sock_def_readable() is what sock:sk_data_ready traces; a kprobe on
	 * __udp_enqueue_schedule_skb would also see datagrams it then refuses.
	 */
	UDP_ROW("udp_rx_queue", NWT_FEATURE_UDP, "sock:sk_data_ready", "sock_def_readable", "udp_rx_queue",
		"UDP_RX_QUEUE"),
	/* A datagram dropped as it is read (bad checksum) gives up its place in the queue. */
	UDP_TP_ROW("udp_rx_freed", NWT_FEATURE_UDP_RECORDS, NWT_ATTACH_RAW_TRACEPOINT, "skb:kfree_skb", "udp_rx_freed",
		   "UDP_RX_FREED_RTP", "rtp"),
	UDP_ROW("udp_rx_read", NWT_FEATURE_UDP_OWNERS, "sock:sock_recv_length", "skb_consume_udp", "udp_rx_read",
		"UDP_RX_READ"),
};
const size_t nwt_probe_catalog_len = sizeof(nwt_probe_catalog) / sizeof(nwt_probe_catalog[0]);
