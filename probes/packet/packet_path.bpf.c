/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * The packet path: one record per TCP packet with the time it spent in each
 * layer (-t), or one record per point it passed (--hops).
 *
 * Each point stamps a timestamp into per-packet state keyed by the skb.
 * Headers are read at the point where the kernel has set them (tx: device
 * queue; rx: TCP), from skb->head at BTF offsets, with fixed-size reads whose
 * results are range-checked.  State is removed when the record is emitted;
 * the LRU map bounds what never completes.  Received data leaves at TCP
 * receive; the application's reads of it leave as records of their own,
 * which nwtrace joins to the data (NWT_EVENT_PKT_READ).
 *
 * Defines: NWT_PKT_RECORDS (-t), NWT_PKT_HOPS (--hops), NWT_PKT_HTTP (-H),
 * NWT_PKT_FRAGS (-H can read page fragments: see packet/payload.h),
 * NWT_MAX_PACKETS, one NWT_USE_PKT_* per chosen attach alternative.
 * NWT_BENCH_DISPATCH_ONLY (scripts/bench-overhead.sh): every point returns at
 * once, to measure what the attached programs cost before they do any work.
 */
#ifndef NWT_MAX_PACKETS
#define NWT_MAX_PACKETS 16384
#endif
/*
 * Segment-starting sendmsg steps kept per socket: a send queue holds up to
 * tcp_wmem's 4 MB, 64 TSO segments of 64 KB; a shorter history leaves a bulk
 * sender's segments without a TCP layer time.
 */
#define NWT_SEND_HISTORY_LOG2 6
#define NWT_SEND_HISTORY (1 << NWT_SEND_HISTORY_LOG2)
/*
 * Sockets with packet-path state (owner, send history: 816 bytes each), in
 * a hash table (see nwt_pkt_sock_find): a quarter of NWT_MAX_CONNS, 13 MB of
 * kernel memory; the least recently used give way, and their packets then
 * show no owner or TCP layer time until they are seen again.
 */
#define NWT_PKT_SOCKS (NWT_MAX_CONNS / 4)

#ifdef NWT_BENCH_DISPATCH_ONLY
#define NWT_PKT_POINT_ENTRY() return
#else
#define NWT_PKT_POINT_ENTRY() do { } while (0)
#endif

#include "packet/state.h"

/* The parts, in the order they build on each other. */
#include "packet/flow_state.bpf.h"
#include "packet/record.bpf.h"
#include "packet/tx.bpf.h"
#include "packet/rx.bpf.h"
#include "packet/rx_read.bpf.h"
#include "packet/attach.bpf.h"
