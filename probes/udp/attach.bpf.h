/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Part of udp_path.bpf.c: the attach alternatives, thin wrappers that
 * find each point's arguments.  Composed into it in place (after the parts
 * before it), not compiled alone.
 */

#ifdef NWT_USE_UDP_TX_SEND_TRACEPOINT
/* syscalls:sys_enter_sendto / sendmsg / sendmmsg: only the calling thread matters. */
int nwt_udp_tx_send_tp(void *ctx)
{
	nwt_udp_tx_send();
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_SEND_KPROBE
/* udp_sendmsg(sk, msg, len) / udpv6_sendmsg(sk, msg, len) */
int nwt_udp_tx_send_kp(struct pt_regs *ctx)
{
	nwt_udp_tx_send();
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_DONE_RTP
/* sock:sock_send_length(sk, ret, flags) */
int nwt_udp_tx_done_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_tx_send_done(ctx->args[0]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_IP_KPROBE
/* udp_send_skb(skb, fl4, cork) / udp_v6_send_skb(skb, fl6, cork) */
int nwt_udp_tx_ip_kp(struct pt_regs *ctx)
{
	nwt_udp_tx_ip(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_QUEUE_RTP
int nwt_udp_tx_queue_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_tx_queue(ctx->args[0]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_QUEUE_KPROBE
/* __dev_queue_xmit(skb, sb_dev) */
int nwt_udp_tx_queue_kp(struct pt_regs *ctx)
{
	nwt_udp_tx_queue(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_XMIT_RTP
int nwt_udp_tx_xmit_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_tx_xmit(ctx->args[0]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_TX_XMIT_KPROBE
/* dev_hard_start_xmit(first, dev, txq, ret) */
int nwt_udp_tx_xmit_kp(struct pt_regs *ctx)
{
	nwt_udp_tx_xmit(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_DEV_RTP
/* net:netif_rx, net:napi_gro_receive_entry, net:netif_receive_skb_entry, ..._list_entry */
int nwt_udp_rx_dev_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_rx_stamp(ctx->args[0], 0, true);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_IP_RTP
/* net:netif_receive_skb: before the network header is set; skb->data is at it. */
int nwt_udp_rx_ip_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_rx_stamp(ctx->args[0], 1, true);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_IP_KPROBE
/* ip_rcv_core(skb, net) / ipv6_rcv(skb, dev, pt, orig_dev): skb->data at the IP header. */
int nwt_udp_rx_ip_kp(struct pt_regs *ctx)
{
	nwt_udp_rx_stamp(PT_REGS_PARM1(ctx), 1, true);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_QUEUE_RTP
/* sock:sk_data_ready(sk) */
int nwt_udp_rx_queue_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	nwt_udp_rx_data_ready(ctx->args[0]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_QUEUE_KPROBE
/* sock_def_readable(sk): what sock:sk_data_ready traces */
int nwt_udp_rx_queue_kp(struct pt_regs *ctx)
{
	nwt_udp_rx_data_ready(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_READ_RTP
/* sock:sock_recv_length(sk, ret, flags) */
int nwt_udp_rx_read_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	/* int arguments: the upper half of the register is not theirs */
	nwt_udp_rx_recv_done(ctx->args[0], (int)ctx->args[1], (u32)ctx->args[2]);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_FREED_RTP
/* skb:kfree_skb(skb, location[, reason[, rx_sk]]) */
int nwt_udp_rx_freed_rtp(struct bpf_raw_tracepoint_args *ctx)
{
	struct nwt_kfree_skb_args a = {};

	nwt_kfree_skb_raw_args(ctx, &a);
	if (a.has_reason)
		nwt_udp_rx_freed(a.skb, a.reason, a.rx_sk);
	return 0;
}
#endif
#ifdef NWT_USE_UDP_RX_READ_KPROBE
/* skb_consume_udp(sk, skb, len): len <= 0 on a peek. */
int nwt_udp_rx_read_kp(struct pt_regs *ctx)
{
	nwt_udp_rx_take_skips(PT_REGS_PARM1(ctx));
	if ((int)PT_REGS_PARM3(ctx) > 0)
		nwt_udp_rx_read(PT_REGS_PARM1(ctx));
	return 0;
}
#endif
