/* SPDX-License-Identifier: Apache-2.0 */
#include "kernel/kernel_offsets.h"

#include <string.h>

#include "kernel/btf_offsets.h"

const struct nwt_kernel_field nwt_kernel_fields[] = {
	{ "NWT_OFF_SOCK_NET", "sock", "__sk_common.skc_net.net" },
	{ "NWT_OFF_NET_NS_INUM", "net", "ns.inum" },
	{ "NWT_OFF_SOCK_STATE", "sock", "__sk_common.skc_state" },
	{ "NWT_OFF_SOCK_FAMILY", "sock", "__sk_common.skc_family" },
	{ "NWT_OFF_SOCK_NUM", "sock", "__sk_common.skc_num" },
	{ "NWT_OFF_SOCK_DPORT", "sock", "__sk_common.skc_dport" },
	{ "NWT_OFF_SOCK_RCV_SADDR", "sock", "__sk_common.skc_rcv_saddr" },
	{ "NWT_OFF_SOCK_DADDR", "sock", "__sk_common.skc_daddr" },
	{ "NWT_OFF_SOCK_V6_RCV_SADDR", "sock", "__sk_common.skc_v6_rcv_saddr" },
	{ "NWT_OFF_SOCK_V6_DADDR", "sock", "__sk_common.skc_v6_daddr" },
	{ "NWT_OFF_SKB_HEAD", "sk_buff", "head" },
	{ "NWT_OFF_SKB_DATA", "sk_buff", "data" },
	{ "NWT_OFF_SKB_NETWORK_HEADER", "sk_buff", "network_header" },
	{ "NWT_OFF_SKB_TAIL", "sk_buff", "tail" },
	{ "NWT_OFF_SKB_DEV", "sk_buff", "dev" },
	{ "NWT_OFF_SKB_SK", "sk_buff", "sk" },
	{ "NWT_OFF_SKB_LEN", "sk_buff", "len" },
	{ "NWT_OFF_NETDEV_IFINDEX", "net_device", "ifindex" },
	{ "NWT_OFF_NETDEV_NAME", "net_device", "name" },
	{ "NWT_OFF_TCP_WRITE_SEQ", "tcp_sock", "write_seq" },
	{ "NWT_OFF_TCP_COPIED_SEQ", "tcp_sock", "copied_seq" },
	{ "NWT_OFF_SOCK_BACKLOG_HEAD", "sock", "sk_backlog.head" },
	{ "NWT_OFF_SKB_NEXT", "sk_buff", "next" },
	/* connection metrics (-x) and retransmissions (-r) */
	{ "NWT_OFF_SOCK_SNDBUF", "sock", "sk_sndbuf" },
	{ "NWT_OFF_SOCK_WMEM_QUEUED", "sock", "sk_wmem_queued" },
	{ "NWT_OFF_SOCK_ACK_BACKLOG", "sock", "sk_ack_backlog" },
	{ "NWT_OFF_SOCK_MAX_ACK_BACKLOG", "sock", "sk_max_ack_backlog" },
	{ "NWT_OFF_TCP_SND_CWND", "tcp_sock", "snd_cwnd" },
	{ "NWT_OFF_TCP_SND_SSTHRESH", "tcp_sock", "snd_ssthresh" },
	{ "NWT_OFF_TCP_SRTT_US", "tcp_sock", "srtt_us" },
	{ "NWT_OFF_TCP_RCV_WND", "tcp_sock", "rcv_wnd" },
	{ "NWT_OFF_TCP_TOTAL_RETRANS", "tcp_sock", "total_retrans" },
	{ "NWT_OFF_TCP_BYTES_ACKED", "tcp_sock", "bytes_acked" },
	{ "NWT_OFF_TCP_BYTES_RECEIVED", "tcp_sock", "bytes_received" },
	{ "NWT_OFF_SKB_CB", "sk_buff", "cb" },
	{ "NWT_OFF_TCP_SKB_CB_SEQ", "tcp_skb_cb", "seq" },
	{ "NWT_OFF_TCP_SKB_CB_GSO_SEGS", "tcp_skb_cb", "tcp_gso_segs" },	/* tcp_skb_pcount() */
	/* drops and error packets (-k, -e) */
	{ "NWT_OFF_SKB_END", "sk_buff", "end" },
	{ "NWT_OFF_SKB_PROTOCOL", "sk_buff", "protocol" },
	/* UDP (-u): a socket's protocol and the tail of its receive queue */
	{ "NWT_OFF_SOCK_PROTOCOL", "sock", "sk_protocol" },
	{ "NWT_OFF_SOCK_RECEIVE_QUEUE", "sock", "sk_receive_queue" },
	{ "NWT_OFF_SKB_HEAD_PREV", "sk_buff_head", "prev" },
	/* -H: payload in the skb's page fragments (skb_shared_info at head + end) */
	{ "NWT_OFF_SHINFO_NR_FRAGS", "skb_shared_info", "nr_frags" },
	{ "NWT_OFF_SHINFO_FRAGS", "skb_shared_info", "frags" },
	{ "NWT_OFF_FRAG_PAGE", "skb_frag|bio_vec", "netmem|bv_page" },
	{ "NWT_OFF_FRAG_LEN", "skb_frag|bio_vec", "len|bv_len" },
	{ "NWT_OFF_FRAG_OFFSET", "skb_frag|bio_vec", "offset|bv_offset" },
	{ "NWT_SIZEOF_PAGE", "page", NULL },
	/* tx: does the packet's transmit queue have a qdisc? (no: transmitted at once) */
	{ "NWT_OFF_SKB_QUEUE_MAPPING", "sk_buff", "queue_mapping" },
	{ "NWT_OFF_NETDEV_TX", "net_device", "_tx" },
	{ "NWT_SIZEOF_NETDEV_QUEUE", "netdev_queue", NULL },
	{ "NWT_OFF_NETDEV_QUEUE_QDISC", "netdev_queue", "qdisc" },
	{ "NWT_OFF_QDISC_ENQUEUE", "Qdisc", "enqueue" },
};
const size_t nwt_kernel_fields_len = sizeof(nwt_kernel_fields) / sizeof(nwt_kernel_fields[0]);

_Static_assert(sizeof(nwt_kernel_fields) / sizeof(nwt_kernel_fields[0]) <=
		       sizeof(((struct nwt_kernel_offsets *)0)->offset) / sizeof(long),
	       "nwt_kernel_offsets.offset too small");

const struct nwt_kernel_function nwt_kernel_functions[] = {
	/* 5.11+: tracing programs may use socket-local storage */
	{ "NWT_SK_STORAGE_TRACING", "bpf_sk_storage_get_tracing" },
};
const size_t nwt_kernel_functions_len =
	sizeof(nwt_kernel_functions) / sizeof(nwt_kernel_functions[0]);

_Static_assert(sizeof(nwt_kernel_functions) / sizeof(nwt_kernel_functions[0]) <=
		       sizeof(((struct nwt_kernel_offsets *)0)->has_function) / sizeof(bool),
	       "nwt_kernel_offsets.has_function too small");

/* The n-th '|'-separated alternative of list, copied into buf; false past the last. */
static bool alternative(const char *list, int n, char *buf, size_t len)
{
	size_t k;

	for (; n > 0; n--) {
		list = strchr(list, '|');
		if (!list)
			return false;
		list++;
	}
	k = strcspn(list, "|");
	if (k == 0 || k >= len)
		return false;
	memcpy(buf, list, k);
	buf[k] = '\0';
	return true;
}

long nwt_kernel_field_resolve(const struct nwt_kernel_field *field, const struct btf *btf)
{
	char type[64], member[128];

	for (int s = 0; alternative(field->struct_name, s, type, sizeof(type)); s++) {
		unsigned int value;

		if (!field->member_path) {
			if (!nwt_btf_struct_size(btf, type, &value))
				return value;
			continue;
		}
		for (int m = 0; alternative(field->member_path, m, member, sizeof(member)); m++)
			if (!nwt_btf_member_offset(btf, type, member, &value))
				return value;
	}
	return NWT_OFFSET_UNKNOWN;
}

bool nwt_kernel_field_has_alternatives(const struct nwt_kernel_field *field)
{
	return strchr(field->struct_name, '|') ||
	       (field->member_path && strchr(field->member_path, '|'));
}

void nwt_kernel_offsets_resolve(struct nwt_kernel_offsets *offs, const struct btf *btf)
{
	offs->from_btf = btf != NULL;
	for (size_t i = 0; i < nwt_kernel_fields_len; i++)
		offs->offset[i] = btf ? nwt_kernel_field_resolve(&nwt_kernel_fields[i], btf)
				      : NWT_OFFSET_UNKNOWN;
	for (size_t i = 0; i < nwt_kernel_functions_len; i++)
		offs->has_function[i] =
			btf && nwt_btf_has_function(btf, nwt_kernel_functions[i].name);
}

bool nwt_kernel_offsets_has(const struct nwt_kernel_offsets *offs, const char *define)
{
	for (size_t i = 0; i < nwt_kernel_fields_len; i++)
		if (!strcmp(nwt_kernel_fields[i].define, define))
			/* Without BTF, the headers are trusted to have the field. */
			return offs->from_btf ? offs->offset[i] != NWT_OFFSET_UNKNOWN
					      : !nwt_kernel_field_has_alternatives(&nwt_kernel_fields[i]);
	return false;
}

long nwt_kernel_offsets_get(const struct nwt_kernel_offsets *offs, const char *define)
{
	for (size_t i = 0; i < nwt_kernel_fields_len; i++)
		if (!strcmp(nwt_kernel_fields[i].define, define))
			return offs->offset[i];
	return NWT_OFFSET_UNKNOWN;
}
