/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Part of packet_path.bpf.c: the attach alternatives: thin wrappers that find
 * each point's arguments. Composed into it in place (after the parts before
 * it), not compiled alone.
 */

/*
 * ---- attach alternatives: thin wrappers that find the arguments ----
 * _btf: a BTF tracepoint (tp_btf), whose pointers the program may load
 * from; _rtp: the same tracepoint raw; _kp: a kprobe.  The tracepoint
 * wrappers are alike but for the constant they pass as btf.
 */

/* tcp:tcp_sendmsg_locked(sk, msg, skb, size_goal): each step of the copy loop, skb its tail. */
#ifdef NWT_USE_PKT_TX_TCP_BTF
int nwt_pkt_tx_tcp_btf(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_tx_tcp(ctx->args[0], ctx->args[2], (u32)ctx->args[3], true);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_TX_TCP_RTP
int nwt_pkt_tx_tcp_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_tx_tcp(ctx->args[0], ctx->args[2], (u32)ctx->args[3], false);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_TX_TCP_KPROBE
int nwt_pkt_tx_tcp_kp(struct pt_regs *ctx)
{
	nwt_pkt_tx_tcp(PT_REGS_PARM1(ctx), 0, 0, false);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_TX_IP_KPROBE
/* ip_queue_xmit(sk, skb, fl) and inet6_csk_xmit(sk, skb, fl) */
int nwt_pkt_tx_ip_kp(struct pt_regs *ctx)
{
	nwt_pkt_tx_ip(PT_REGS_PARM2(ctx));
	return 0;
}
#endif
/* net:net_dev_queue(skb) / __dev_queue_xmit(skb, sb_dev) */
#ifdef NWT_USE_PKT_TX_QUEUE_BTF
int nwt_pkt_tx_queue_btf(struct bpf_raw_tracepoint_args *ctx)
{
#ifdef NWT_TEST_REJECT_BTF
	/* Tests: an argument net_dev_queue lacks, which a BTF tracepoint's verifier refuses. */
	if (ctx->args[5] == 1)
		return 0;
#endif
	nwt_pkt_tx_queue(ctx->args[0], true);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_TX_QUEUE_RTP
int nwt_pkt_tx_queue_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_tx_queue(ctx->args[0], false);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_TX_QUEUE_KPROBE
int nwt_pkt_tx_queue_kp(struct pt_regs *ctx)
{
	nwt_pkt_tx_queue(PT_REGS_PARM1(ctx), false);
	return 0;
}
#endif
/* net:net_dev_start_xmit(skb, dev) / dev_hard_start_xmit(first, dev, txq, ret) */
#ifdef NWT_USE_PKT_TX_XMIT_BTF
int nwt_pkt_tx_xmit_btf(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_tx_xmit(ctx->args[0], true);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_TX_XMIT_RTP
int nwt_pkt_tx_xmit_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_tx_xmit(ctx->args[0], false);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_TX_XMIT_KPROBE
int nwt_pkt_tx_xmit_kp(struct pt_regs *ctx)
{
	nwt_pkt_tx_xmit(PT_REGS_PARM1(ctx), false);
	return 0;
}
#endif
/*
 * Device receive: net:netif_rx (veth, loopback, tunnels),
 * net:napi_gro_receive_entry, net:netif_receive_skb_entry,
 * net:netif_receive_skb_list_entry (NIC drivers): the driver is done with
 * the Ethernet header, skb->data is at the network header.
 */
#ifdef NWT_USE_PKT_RX_DEV_BTF
int nwt_pkt_rx_dev_btf(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_dev(ctx->args[0], 0, true);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_DEV_RTP
int nwt_pkt_rx_dev_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_dev(ctx->args[0], 0, false);
	return 0;
}
#endif
/* net:napi_gro_frags_entry: the headers may still be in page fragments, so no hop is read. */
#ifdef NWT_USE_PKT_RX_DEV_FRAGS_BTF
int nwt_pkt_rx_dev_frags_btf(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_dev_stamp(ctx->args[0], nwt_scalar(ctx->args[0]), true);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_DEV_FRAGS_RTP
int nwt_pkt_rx_dev_frags_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_dev_stamp(ctx->args[0], ctx->args[0], false);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_DEV_KPROBE
/* eth_type_trans(skb, dev): runs before the Ethernet header is pulled. */
int nwt_pkt_rx_dev_kp(struct pt_regs *ctx)
{
	nwt_pkt_rx_dev(PT_REGS_PARM1(ctx), 14, false);
	return 0;
}
#endif
/* net:netif_receive_skb(skb): the hand-off to IP / ip_rcv_core(skb, net), ipv6_rcv(skb, ...) */
#ifdef NWT_USE_PKT_RX_IP_BTF
int nwt_pkt_rx_ip_btf(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_ip(ctx->args[0], true);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_IP_RTP
int nwt_pkt_rx_ip_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_ip(ctx->args[0], false);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_IP_KPROBE
int nwt_pkt_rx_ip_kp(struct pt_regs *ctx)
{
	nwt_pkt_rx_ip(PT_REGS_PARM1(ctx), false);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_TCP_ENTRY_KPROBE
/* tcp_v4_rcv(skb) / tcp_v6_rcv(skb): hop only */
int nwt_pkt_rx_tcp_entry_kp(struct pt_regs *ctx)
{
	u64 skb = PT_REGS_PARM1(ctx);

	nwt_pkt_hop(skb, skb, 0, NWT_DIR_RX, NWT_PT_RX_TCP_ENTRY, false, 0, false);
	return 0;
}
#endif
/* tcp:tcp_probe(sk, skb): the established-state receive path / tcp_v4_do_rcv, tcp_v6_do_rcv(sk, skb) */
#ifdef NWT_USE_PKT_RX_TCP_BTF
int nwt_pkt_rx_tcp_btf(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_tcp(ctx->args[0], ctx->args[1], true);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_TCP_RTP
int nwt_pkt_rx_tcp_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_tcp(ctx->args[0], ctx->args[1], false);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_TCP_KPROBE
int nwt_pkt_rx_tcp_kp(struct pt_regs *ctx)
{
	nwt_pkt_rx_tcp(PT_REGS_PARM1(ctx), PT_REGS_PARM2(ctx), false);
	return 0;
}
#endif
/* skb:skb_copy_datagram_iovec(skb, len) / skb_copy_datagram_iter(skb, offset, to, len) */
#ifdef NWT_USE_PKT_RX_SOCK_BTF
int nwt_pkt_rx_sock_btf(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_sock(ctx->args[0], (u32)ctx->args[1], true);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_SOCK_RTP
int nwt_pkt_rx_sock_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_pkt_rx_sock(ctx->args[0], (u32)ctx->args[1], false);
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_SOCK_KPROBE
int nwt_pkt_rx_sock_kp(struct pt_regs *ctx)
{
	nwt_pkt_rx_sock(PT_REGS_PARM1(ctx), (u32)PT_REGS_PARM4(ctx), false);
	return 0;
}
#endif
/* sock:inet_sock_set_state(sk, oldstate, newstate) */
#ifdef NWT_USE_PKT_RX_STATE_BTF
int nwt_pkt_rx_state_btf(struct bpf_raw_tracepoint_args *ctx)
{
#ifdef NWT_PKT_RX_OUTSIDE
	nwt_pkt_rx_state(ctx->args[0], (int)ctx->args[1], (int)ctx->args[2], true);
#endif
	return 0;
}
#endif
#ifdef NWT_USE_PKT_RX_STATE_RTP
int nwt_pkt_rx_state_rtp(struct bpf_raw_tracepoint_args *ctx)
{
#ifdef NWT_PKT_RX_OUTSIDE
	nwt_pkt_rx_state(ctx->args[0], (int)ctx->args[1], (int)ctx->args[2], false);
#endif
	return 0;
}
#endif
