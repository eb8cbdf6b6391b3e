/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * BPF-only: reading kernel memory at the running kernel's offsets (NWT_OFF_*
 * defines, from BTF or, without BTF, offsetof() against the kernel's headers),
 * and the few uapi constants the probes compare with.  No maps: a plain
 * header, which any probe file may include.
 */
#ifndef NWT_KREAD_H
#define NWT_KREAD_H

#ifdef NWT_OFFSETS_FROM_HEADERS
/* No BTF: NWT_OFF_* are offsetof() expressions against these headers. */
#include <net/sock.h>
#endif

#ifndef AF_INET
#define AF_INET 2
#endif
#ifndef AF_INET6
#define AF_INET6 10
#endif
#ifndef IPPROTO_TCP
#define IPPROTO_TCP 6
#endif

/* For spans of fields: also in #if, where the BTF offsets are plain numbers. */
#define NWT_MIN(a, b) ((a) < (b) ? (a) : (b))
#define NWT_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Read a kernel field at an offset taken from the running kernel's BTF. */
#define NWT_READ_FIELD(dst, base, offset)                                    \
	bpf_probe_read_kernel(&(dst), sizeof(dst), (const char *)(base) + (offset))

/*
 * A BTF tracepoint's (tp_btf) pointer arguments are typed: the verifier lets
 * the program load their fields directly, as kernel code does, where a raw
 * tracepoint or kprobe must copy each one with bpf_probe_read_kernel().  Each
 * point's body takes `btf` (a constant once inlined: true in the tp_btf
 * wrappers) and loads fields with NWT_LOAD.
 */
#define NWT_LOAD(btf, dst, base, offset)                                               \
	((btf) ? ((dst) = *(typeof(dst) *)((base) + (offset)), 0)                        \
	       : NWT_READ_FIELD(dst, base, offset))

/*
 * A pointer field used only as an address (skb->head, skb->data, a device or
 * socket kept as a key), loaded as a number.  Loaded directly, a char or void
 * pointer is typed read-only untrusted memory by newer verifiers (6.16 on),
 * and the compiler may then spill or narrow it in ways the verifier refuses
 * for pointers ("invalid size of register spill"): where it does depends on
 * register pressure, so on defines such as NWT_NR_CPUS.  As a number it is
 * never a pointer to the verifier.
 */
#define NWT_LOAD_ADDR(btf, dst, base, offset)                                          \
	((btf) ? ((dst) = nwt_scalar(*(u64 *)((base) + (offset))), 0)                   \
	       : NWT_READ_FIELD(dst, base, offset))

/*
 * A typed pointer as a plain number, for hashing, map keys and records: the
 * verifier allows no shifts or products on typed pointers, but negating one
 * (allowed to a privileged program) yields a number.  Twice gives it back.
 */
static __always_inline u64 nwt_scalar(u64 v)
{
	asm volatile("%0 = -%0\n\t%0 = -%0" : "+r"(v));
	return v;
}

#endif /* NWT_KREAD_H */
