/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * BPF-only: the first bytes of a packet's payload, wherever the skb keeps
 * them.  Received and locally built TCP segments (veth, loopback, most
 * NICs) carry headers in the linear area and payload in page fragments:
 * skb_shared_info, at skb->head + skb->end, lists them.  A fragment names a
 * struct page (6.18: a netmem_ref whose bit 0 marks a net_iov, never read
 * here), turned into its direct-map address with bases the probe plan chose
 * (src/kernel/direct_map.h).  Every length read from the kernel is range-checked
 * and every read is of a fixed size; the bytes themselves are not trusted.
 *
 * Defines: NWT_OFF_SKB_{HEAD,TAIL,END}; with NWT_PKT_FRAGS also
 * NWT_OFF_SHINFO_*, NWT_OFF_FRAG_*, NWT_SIZEOF_PAGE and one of
 * NWT_DM_POB_ADDR + NWT_DM_VMB_ADDR (variables at kallsyms addresses),
 * NWT_DM_POB + NWT_DM_VMB (constants), NWT_DM_POB + NWT_DM_VMB_ALIGN
 * (vmemmap_base is a page pointer rounded down to this).
 */
#ifndef NWT_PKT_PAYLOAD_H
#define NWT_PKT_PAYLOAD_H

#include "nwtrace_events.h"

#define NWT_PAGE_SIZE 4096ULL
#define NWT_MAX_FRAG_OFFSET (1u << 16)	/* payload beyond 64 KiB of headers: not a payload start */

#ifdef NWT_PKT_FRAGS
/* Direct-map address of a struct page's memory, 0 if it cannot be known. */
static __always_inline u64 nwt_page_address(u64 page)
{
	u64 pob = 0, vmb = 0;

#if defined(NWT_DM_POB_ADDR)
	bpf_probe_read_kernel(&pob, sizeof(pob), (const void *)NWT_DM_POB_ADDR);
	bpf_probe_read_kernel(&vmb, sizeof(vmb), (const void *)NWT_DM_VMB_ADDR);
#elif defined(NWT_DM_VMB)
	pob = NWT_DM_POB;
	vmb = NWT_DM_VMB;
#else
	pob = NWT_DM_POB;
	vmb = page & ~(NWT_DM_VMB_ALIGN - 1);
#endif
	if (!pob || !vmb || page < vmb)
		return 0;
	return pob + (page - vmb) / NWT_SIZEOF_PAGE * NWT_PAGE_SIZE;
}

/* Where `off` bytes into the skb's paged data start, if frags[0] holds them. */
static __always_inline u64 nwt_frag0_at(u64 skb, u64 head, u32 off, u32 *avail)
{
	u64 shinfo, frag, page = 0, addr;
	u32 end = 0, flen = 0, foff = 0;
	u8 nr_frags = 0;

	bpf_probe_read_kernel(&end, sizeof(end), (const char *)skb + NWT_OFF_SKB_END);
	if (!end || end > (1u << 20))
		return 0;
	shinfo = head + end;
	frag = shinfo + NWT_OFF_SHINFO_FRAGS;
	if (bpf_probe_read_kernel(&nr_frags, sizeof(nr_frags),
				  (const char *)shinfo + NWT_OFF_SHINFO_NR_FRAGS) || !nr_frags)
		return 0;
	bpf_probe_read_kernel(&page, sizeof(page), (const char *)frag + NWT_OFF_FRAG_PAGE);
	bpf_probe_read_kernel(&flen, sizeof(flen), (const char *)frag + NWT_OFF_FRAG_LEN);
	bpf_probe_read_kernel(&foff, sizeof(foff), (const char *)frag + NWT_OFF_FRAG_OFFSET);
	if (!page || (page & 1) || off >= flen || flen > (1u << 20) || foff > (1u << 20))
		return 0;
	addr = nwt_page_address(page & ~3ULL);
	if (!addr)
		return 0;
	*avail = flen - off;
	return addr + foff + off;
}
#endif

/*
 * Copies NWT_HTTP_LEN bytes starting at `payload` (the address just past the
 * TCP header, as if the skb were linear) into dst and returns how many of
 * them are payload: 0 when the start is in neither the linear area nor the
 * first page fragment.
 */
static __always_inline u32 nwt_payload_peek(u64 skb, u64 payload, u32 payload_len, char *dst)
{
	u64 head = 0, src;
	u32 tail = 0, avail = 0;

	if (!payload_len)
		return 0;
	bpf_probe_read_kernel(&head, sizeof(head), (const char *)skb + NWT_OFF_SKB_HEAD);
	bpf_probe_read_kernel(&tail, sizeof(tail), (const char *)skb + NWT_OFF_SKB_TAIL);
	if (!head || payload < head)
		return 0;
	if (payload < head + tail) {
		src = payload;
		avail = head + tail - payload;
	} else {
#ifdef NWT_PKT_FRAGS
		/* Paged data begins where the linear area ends (skb->tail). */
		if (payload - (head + tail) >= NWT_MAX_FRAG_OFFSET)
			return 0;
		src = nwt_frag0_at(skb, head, payload - (head + tail), &avail);
		if (!src)
			return 0;
#else
		return 0;
#endif
	}
	if (avail > payload_len)
		avail = payload_len;
	if (bpf_probe_read_kernel(dst, NWT_HTTP_LEN, (const void *)src))
		return 0;
	return avail;
}

#endif /* NWT_PKT_PAYLOAD_H */
