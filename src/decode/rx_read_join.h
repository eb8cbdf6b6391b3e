/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Received data segments and the application's reads of them, joined.
 *
 * The probes report a received data segment at TCP receive, flagged
 * NWT_PKT_F_AWAITS_READ, and each copy out of the socket as an
 * NWT_EVENT_PKT_READ record (probes/nwtrace_events.h).  A segment waits
 * here until a read of the same socket covers its first byte; it then
 * leaves with the read's time as its "read by the application" boundary
 * and the reader as its owner.  Records reach user space per CPU in
 * batches, so a read may arrive before the segment it covers: each socket
 * remembers its last reads too.  A segment no read covers within
 * NWT_RX_JOIN_WAIT_NS (data spliced or never read, a read record lost)
 * leaves without that boundary, which is then shown as not observed.
 *
 * Works on raw kernel records, before decoding: what leaves is an
 * nwt_packet_event, handed to the `deliver` callback.
 */
#ifndef NWT_RX_READ_JOIN_H
#define NWT_RX_READ_JOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "decode/event_decode.h"	/* nwt_record_fn */

#define NWT_RX_JOIN_WAIT_NS 1000000000ULL	/* how long a segment waits for its read */
#define NWT_RX_JOIN_SOCKS 4096		/* sockets with waiting segments or recent reads */
#define NWT_RX_JOIN_READS 64		/* reads remembered per socket */
#define NWT_RX_JOIN_MAX_WAITING 65536	/* segments waiting, all sockets together */

struct nwt_rx_join_sock;

struct nwt_rx_join {
	nwt_record_fn deliver;	/* gets each segment as it leaves; its return value is ignored */
	void *ctx;
	struct nwt_rx_join_sock *socks;	/* NWT_RX_JOIN_SOCKS slots, allocated on first use */
	size_t waiting;		/* segments waiting, all sockets */
	uint32_t owner_wanted;	/* --pid, or 0 */
	uint64_t owner_filtered;	/* NWT_PKT_F_OWNER_PENDING segments not the --pid process's */
};

void nwt_rx_join_init(struct nwt_rx_join *j, nwt_record_fn deliver, void *ctx);

/*
 * With --pid: a segment flagged NWT_PKT_F_OWNER_PENDING leaves only if the
 * read that joins it is pid's; unread, or read by another process, it is
 * counted in owner_filtered instead.
 */
void nwt_rx_join_want_owner(struct nwt_rx_join *j, uint32_t pid);

/*
 * Offers one record from the ring buffer.  Returns true if the join took it:
 * an NWT_EVENT_PKT_READ, or a packet record flagged NWT_PKT_F_AWAITS_READ
 * (delivered now if a remembered read covers it, else kept).  Returns
 * false for any other record, which the caller handles itself.
 */
bool nwt_rx_join_offer(struct nwt_rx_join *j, const void *record, size_t size);

/* Delivers, without a read time, segments received more than NWT_RX_JOIN_WAIT_NS before now_ns (CLOCK_MONOTONIC). */
void nwt_rx_join_expire(struct nwt_rx_join *j, uint64_t now_ns);

/* Delivers every waiting segment, without a read time; the join stays usable. */
void nwt_rx_join_drain(struct nwt_rx_join *j);

void nwt_rx_join_free(struct nwt_rx_join *j);

#endif
