/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Per-CPU staging of packet-shaped records (struct nwt_packet_event): the
 * packet path (-t, --hops) and UDP (-u) write their records through it.
 * Composed into the translation unit once, after lib/common.bpf.h, because it
 * declares maps.
 */
#ifndef NWT_RECORD_STAGE_BPF_H
#define NWT_RECORD_STAGE_BPF_H

/*
 * Records leave in batches.  Committing one to the ring buffer takes a lock
 * and cache lines shared with the other CPUs and the reader, as much as the
 * rest of a probe (scripts/bench-overhead.sh shows it), so each CPU stages up to
 * NWT_BATCH_RECORDS records and commits them as one NWT_EVENT_BATCH.
 * nwtrace runs nwt_pkt_flush on every CPU each poll period, so a partly
 * filled batch waits at most that long.  A program that interrupts another
 * one on the same CPU while it stages (busy) commits its record directly.
 * Staging is off (pkt_stage_on) until nwtrace has checked that it can flush.
 *
 * A read record (NWT_EVENT_PKT_READ) travels the same way but is not an
 * event of its own: it completes one already counted, so it passes no rate
 * limit and is not in the event counts; one the full ring drops is counted
 * apart (NWT_COUNTER_READS_LOST): its data then shows no read time.
 */
#ifdef NWT_PKT_HTTP
#define NWT_PKT_RECORD_SIZE sizeof(struct nwt_packet_event)
#else
#define NWT_PKT_RECORD_SIZE (sizeof(struct nwt_packet_event) - NWT_HTTP_LEN)
#endif

struct nwt_pkt_stage {
	u32 busy;
	u32 events;		/* staged records that are events, not reads */
	struct nwt_batch_header batch;	/* what is committed: the header and the records */
	u8 records[NWT_BATCH_RECORDS * NWT_PKT_RECORD_SIZE];
};

BPF_PERCPU_ARRAY(pkt_stage, struct nwt_pkt_stage, 1);
BPF_ARRAY(pkt_stage_on, u32, 1);

static __always_inline void nwt_pkt_stage_commit(struct nwt_pkt_stage *stage)
{
	u32 n = stage->batch.count;
	u32 size;

	if (!n)
		return;
	if (n > NWT_BATCH_RECORDS)
		n = NWT_BATCH_RECORDS;
	stage->batch.hdr.type = NWT_EVENT_BATCH;
	stage->batch.count = n;
	stage->batch.record_size = NWT_PKT_RECORD_SIZE;
	size = sizeof(stage->batch) + n * NWT_PKT_RECORD_SIZE;
	if (events.ringbuf_output(&stage->batch, size, nwt_wakeup_flags(n))) {
		nwt_count_add(NWT_COUNTER_LOST, stage->events);
		nwt_count_add(NWT_COUNTER_READS_LOST, n - stage->events);
	} else
		nwt_count_add(NWT_COUNTER_DELIVERED, stage->events);
	stage->batch.count = 0;
	stage->events = 0;
}

/* Where to write a record (*stagep set when staged), or NULL: an event not admitted, a full ring. */
static __always_inline struct nwt_packet_event *nwt_pkt_record_open(struct nwt_pkt_stage **stagep,
								      bool event)
{
	u32 zero = 0, i;
	u32 *on = pkt_stage_on.lookup(&zero);
	struct nwt_pkt_stage *stage = on && *on ? pkt_stage.lookup(&zero) : NULL;
	struct nwt_packet_event *e;

	*stagep = NULL;
	if (event && !nwt_event_admit())
		return NULL;
	if (!stage || stage->busy) {
		e = events.ringbuf_reserve(NWT_PKT_RECORD_SIZE);
		if (!e)
			nwt_count(event ? NWT_COUNTER_LOST : NWT_COUNTER_READS_LOST);
		return e;
	}
	stage->busy = 1;
	asm volatile("" ::: "memory");	/* busy before the slot is written */
	i = stage->batch.count & (NWT_BATCH_RECORDS - 1);
	*stagep = stage;
	return (struct nwt_packet_event *)(stage->records + i * NWT_PKT_RECORD_SIZE);
}

static __always_inline void nwt_pkt_record_close(struct nwt_packet_event *e,
						 struct nwt_pkt_stage *stage, bool event)
{
	if (!stage) {
		events.ringbuf_submit(e, nwt_wakeup_flags(1));
		if (event)
			nwt_count(NWT_COUNTER_DELIVERED);
		return;
	}
	if (event)
		stage->events++;
	if (++stage->batch.count >= NWT_BATCH_RECORDS)
		nwt_pkt_stage_commit(stage);
	asm volatile("" ::: "memory");
	stage->busy = 0;
}

/* Never attached: nwtrace runs it on each CPU (BPF_PROG_TEST_RUN) to commit a partial batch. */
int nwt_pkt_flush(struct bpf_raw_tracepoint_args *ctx)
{
	u32 zero = 0;
	struct nwt_pkt_stage *stage = pkt_stage.lookup(&zero);

	if (!stage || stage->busy)
		return 0;
	stage->busy = 1;
	asm volatile("" ::: "memory");
	nwt_pkt_stage_commit(stage);
	asm volatile("" ::: "memory");
	stage->busy = 0;
	return 0;
}

#endif /* NWT_RECORD_STAGE_BPF_H */
