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
 * tcp_wmem's 4 MB, 64 TSO segments of 64 KB (with 32, bulk senders had 9 %
 * of their segments without a TCP layer time).
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

/* What nwtrace knows about a socket: its owner and recent sendmsg steps. */
struct nwt_pkt_sock {
	u64 owner_task;		/* pid_tgid that pid and comm were taken from */
	u64 send_ns[NWT_SEND_HISTORY];
	u32 send_seq[NWT_SEND_HISTORY];
	u32 send_next;
	u32 rx_reported_end;	/* end of the furthest received data reported */
	u32 pid;
	u16 rx_cpus[2];		/* the last two CPUs whose IP layer handed this socket a packet */
	u8 has_owner;
	u8 has_rx_reported;
	u8 pad[6];
	char comm[NWT_COMM_LEN];
};

BPF_TABLE("lru_hash", u64, struct nwt_pkt_state, pkt_tx, NWT_MAX_PACKETS);

/*
 * Hand-offs that stay on one CPU need no hash map: a hash insert and delete
 * per packet cost more than the rest of the probe.  A packet's stamps wait
 * in a small per-CPU table, one slot per skb address hash; a slot holding
 * another skb is simply overwritten, like an LRU eviction.
 *  - rx: device receive -> IP -> TCP run in one softirq on one CPU, unless
 *    receive steering (RPS) moves the packet to another CPU before IP, or
 *    the socket's backlog holds it before TCP (below).
 *  - tx: device queue -> driver transmit, when the transmit queue has no
 *    qdisc (veth, loopback, tunnels): __dev_queue_xmit() transmits at once,
 *    on this CPU.  With a qdisc another CPU may dequeue: pkt_tx is used.
 */
#define NWT_PKT_SLOTS 64	/* per CPU: power of two */

struct nwt_pkt_slot {
	u64 skb;		/* 0: free */
	struct nwt_pkt_state st;
};

BPF_PERCPU_ARRAY(pkt_tx_slots, struct nwt_pkt_slot, NWT_PKT_SLOTS);

/*
 * sk_buffs are 8-byte aligned, 256 or 512 bytes apart, and a TCP clone sits
 * 232 bytes into its pair: a multiplicative hash spreads all the bits that
 * vary over the slot index (the top bits of the product).
 */
static __always_inline u32 nwt_skb_hash(u64 skb)
{
	return (u32)(((skb >> 3) * 0x9E3779B97F4A7C15ULL) >> 32);
}

static __always_inline u32 nwt_pkt_slot_index(u64 skb)
{
	return nwt_skb_hash(skb) & (NWT_PKT_SLOTS - 1);
}

/*
 * rx: device receive and IP stamp the skb in their CPU's part of one array
 * (a per-CPU array by hand: libbcc 0.26 cannot read another CPU's element).
 * IP and TCP normally run right after, on the same CPU.  Two things move a
 * packet to another CPU, and the later layer then looks in other CPUs' parts:
 *  - RPS queues it to the CPU its hash picks before IP: IP looks first on
 *    the CPU where it last found a stamp (pkt_rx_ip_hint), then the next few.
 *  - When the application holds the socket, TCP runs later from the
 *    socket's backlog, on the application's CPU: it looks in the parts of
 *    the last two CPUs that handed this socket a packet (nwt_pkt_sock.rx_cpus:
 *    a flow's packets come from its sender's CPU and, ACK-clocked, from its
 *    receiver's), then the next few.
 * A stamp older than NWT_RX_STAMP_MAX_AGE_NS is taken for an earlier packet
 * at the same address, not this one.
 */
#ifndef NWT_NR_CPUS
#define NWT_NR_CPUS 1
#endif

#define NWT_RX_STAMPS 2048	/* per CPU: power of two; 32 bytes each.  GRO holds a
				 * batch of packets while later ones stamp, so a
				 * smaller table loses the held heads' stamps. */
#define NWT_RX_STAMP_MAX_AGE_NS 1000000000ULL

struct nwt_rx_stamp {
	u64 skb;		/* 0: free */
	u64 ts[2];		/* device receive, IP */
	u64 dev;
};

BPF_ARRAY(pkt_rx_stamps, struct nwt_rx_stamp, NWT_NR_CPUS * NWT_RX_STAMPS);

static __always_inline struct nwt_rx_stamp *nwt_rx_stamp_of(u32 cpu, u64 skb)
{
	u32 idx = cpu * NWT_RX_STAMPS + (nwt_skb_hash(skb) & (NWT_RX_STAMPS - 1));

	return cpu < NWT_NR_CPUS ? pkt_rx_stamps.lookup(&idx) : NULL;
}

/*
 * Fills slot for skb with its device (skb_arg: the skb as the point got it,
 * typed with btf); the skb word goes last, so a reader on another CPU never
 * takes half a stamp.
 */
static __always_inline void nwt_rx_stamp_set(struct nwt_rx_stamp *slot, u64 skb_arg, u64 skb,
					     u64 ts_dev, u64 ts_ip, bool btf)
{
	u64 dev = 0;

	slot->skb = 0;
	asm volatile("" ::: "memory");
	slot->ts[0] = ts_dev;
	slot->ts[1] = ts_ip;
	NWT_LOAD(btf, dev, skb_arg, NWT_OFF_SKB_DEV);
	slot->dev = btf ? nwt_scalar(dev) : dev;
	asm volatile("" ::: "memory");
	slot->skb = skb;
}

/* Does a stamp taken at ts (0: none) belong to a packet that reached a later layer at now? */
static __always_inline bool nwt_rx_stamp_fresh(u64 ts, u64 now)
{
	return !ts || now - ts < NWT_RX_STAMP_MAX_AGE_NS;
}

/* skb's stamps from another CPU's part, if still there: its writer may be rewriting the slot. */
static __always_inline bool nwt_rx_stamp_peek(u32 cpu, u64 skb, u64 now, u64 *ts, u64 *dev)
{
	struct nwt_rx_stamp *slot = nwt_rx_stamp_of(cpu, skb);
	u64 ts0, ts1, d;

	if (!slot || *(volatile u64 *)&slot->skb != skb)
		return false;
	asm volatile("" ::: "memory");
	ts0 = slot->ts[0];
	ts1 = slot->ts[1];
	d = slot->dev;
	asm volatile("" ::: "memory");
	if (*(volatile u64 *)&slot->skb != skb)
		return false;
	if (!nwt_rx_stamp_fresh(ts0, now) || !nwt_rx_stamp_fresh(ts1, now))
		return false;
	ts[0] = ts0;
	ts[1] = ts1;
	*dev = d;
	return true;
}

#define NWT_RX_SCAN_CPUS 8	/* other CPUs tried when the remembered ones miss */

/* The first of the NWT_RX_SCAN_CPUS CPUs after `cpu`, other than `except`, holding skb's stamps. */
static __always_inline bool nwt_rx_stamps_scan(u32 cpu, u32 except0, u32 except1, u64 skb, u64 now,
					       u64 *ts, u64 *dev, u32 *found)
{
	u32 c;

	/*
	 * A loop, not unrolled: unrolled, each CPU tried takes stack slots of
	 * its own, and past five CPUs the callers outgrow the 512-byte stack.
	 */
#pragma clang loop unroll(disable)
	for (int i = 1; i <= NWT_RX_SCAN_CPUS; i++) {
		if (i >= NWT_NR_CPUS)
			break;
		c = cpu + i < NWT_NR_CPUS ? cpu + i : cpu + i - NWT_NR_CPUS;
		if (c != except0 && c != except1 && nwt_rx_stamp_peek(c, skb, now, ts, dev)) {
			*found = c;
			return true;
		}
	}
	return false;
}

/*
 * TCP met skb on CPU `cpu` at `now`: find its earlier stamps, and remember
 * which CPU had them.  Past the two remembered CPUs, the next few are tried:
 * a socket whose packets from one CPU always meet TCP through the backlog
 * would otherwise never learn that CPU.
 */
static __always_inline void nwt_rx_stamps_find(struct nwt_pkt_sock *s, u32 cpu, bool stamped_here,
					       u64 skb, u64 now, u64 *ts, u64 *dev)
{
	u32 found = cpu;

	if (!stamped_here) {
		if (s->rx_cpus[0] != cpu && nwt_rx_stamp_peek(s->rx_cpus[0], skb, now, ts, dev))
			found = s->rx_cpus[0];
		else if (s->rx_cpus[1] != cpu && nwt_rx_stamp_peek(s->rx_cpus[1], skb, now, ts, dev))
			found = s->rx_cpus[1];
		else if (!nwt_rx_stamps_scan(cpu, s->rx_cpus[0], s->rx_cpus[1], skb, now, ts, dev,
					     &found))
			return;		/* not stamped, or on a CPU out of reach */
	}
	if (s->rx_cpus[0] != found) {
		s->rx_cpus[1] = s->rx_cpus[0];
		s->rx_cpus[0] = found;
	}
}

/*
 * rx outside the established state.  TCP's receive tracepoint (tcp:tcp_probe)
 * fires only in tcp_rcv_established(): what a socket receives in any other
 * state -- the handshake's SYN, SYN-ACK and last ACK, a refused connect's
 * reset, and everything after either side's FIN -- never reaches TCP's
 * point.  IP reports those segments itself, with the layers it saw (device
 * receive, IP): a peer's SYN always, other segments while their flow is in
 * pkt_rx_unestablished.  A flow enters that map when its socket sends a SYN
 * (device queue) or moves to a closing state, and leaves it when the socket
 * becomes ESTABLISHED or CLOSE (pkt_rx_state, on sock:inet_sock_set_state).
 * Keys are flows as received (saddr: the peer); values the socket, if known.
 * Should TCP's point see such a segment after all, it leaves it: a peer's
 * SYN at an established socket, or a segment that waited between IP and TCP
 * (a batch, a socket's backlog) while its socket became established.  For
 * the latter IP marks its stamp (skb | 1, with the segment's seq and ack:
 * another packet may reuse the address).  In the opposite case, a socket
 * that leaves ESTABLISHED while segments wait in its backlog (close() holds
 * the socket), those segments are reported when it leaves; a FIN that IP
 * saw while the flow was established is held (pkt_rx_fin_held) until TCP's
 * point reports it or, if it reaches the backlog only after the socket left
 * that state, until the socket's next change of state reports it.
 * Only with the kprobe chain (tcp_v4_do_rcv) does TCP's point see all states;
 * the probe plan then leaves pkt_rx_state out.
 */
#if defined(NWT_PKT_RECORDS) && \
	(defined(NWT_USE_PKT_RX_STATE_BTF) || defined(NWT_USE_PKT_RX_STATE_RTP))
#define NWT_PKT_RX_OUTSIDE
#define NWT_TCP_ESTABLISHED 1
#define NWT_TCP_SYN_SENT 2
#define NWT_TCP_SYN_RECV 3
#define NWT_TCP_CLOSE 7
#define NWT_TCP_LISTEN 10
#define NWT_RX_REPORTED_AT_IP 1ULL	/* or'ed into a stamp's skb: skb addresses are aligned */

/* The owner travels with the flow: IP has the socket only as a number. */
struct nwt_rx_unestablished {
	u64 sk;			/* 0 if not known */
	u32 state;		/* the socket's TCP state */
	u32 pid;
	u8 has_owner;
	u8 pad[7];
	char comm[NWT_COMM_LEN];
};

BPF_TABLE("lru_hash", struct nwt_flow, struct nwt_rx_unestablished, pkt_rx_unestablished,
	  NWT_MAX_CONNS);

/*
 * How many flows pkt_rx_unestablished holds, never fewer (an LRU eviction
 * goes uncounted): at 0, IP spares every received packet the look-up.  A
 * flow is counted before it is inserted and uncounted after it is deleted,
 * with fully ordered atomics, so IP never reads 0 while a flow is there.
 */
BPF_ARRAY(pkt_rx_unestablished_n, u64, 1);

static __always_inline void nwt_rx_unestablished_count(s64 delta)
{
	u32 zero = 0;
	u64 *n = pkt_rx_unestablished_n.lookup(&zero);
	volatile u64 before;

	if (n)
		before = __sync_fetch_and_add(n, delta);	/* used: the fetching, ordered form */
}

/*
 * Flow `reply` (as received) belongs to socket sk, in state `state`; its
 * owner, if owner knows it (an owner learnt earlier stays otherwise).
 */
static __always_inline void nwt_rx_unestablished_put(struct nwt_flow *reply, u64 sk, u32 state,
						     const struct nwt_pkt_sock *owner)
{
	struct nwt_rx_unestablished u = { .sk = sk, .state = state };
	struct nwt_rx_unestablished *known = pkt_rx_unestablished.lookup(reply);

	if (owner && owner->has_owner) {
		u.pid = owner->pid;
		__builtin_memcpy(u.comm, owner->comm, sizeof(u.comm));
		u.has_owner = 1;
	}
	if (!known) {
		nwt_rx_unestablished_count(1);
		if (!pkt_rx_unestablished.insert(reply, &u))
			return;
		nwt_rx_unestablished_count(-1);	/* another CPU inserted it meanwhile */
		known = pkt_rx_unestablished.lookup(reply);
		if (!known)
			return;
	}
	known->sk = sk;		/* in place: an update could bring back a flow just deleted */
	known->state = state;
	if (u.has_owner) {
		known->pid = u.pid;
		__builtin_memcpy(known->comm, u.comm, sizeof(known->comm));
		known->has_owner = 1;
	}
}

static __always_inline void nwt_rx_unestablished_drop(struct nwt_flow *reply)
{
	if (!pkt_rx_unestablished.delete(reply))
		nwt_rx_unestablished_count(-1);
}

/* The flow's entry, if any: no look-up while there is none at all. */
static __always_inline struct nwt_rx_unestablished *nwt_rx_unestablished_find(struct nwt_flow *flow)
{
	u32 zero = 0;
	u64 *n = pkt_rx_unestablished_n.lookup(&zero);

	return n && *n ? pkt_rx_unestablished.lookup(flow) : NULL;
}

/*
 * FINs IP saw while their flow was established, by flow as received: the
 * close() that races them to the socket would otherwise leave them unseen.
 */
BPF_TABLE("lru_hash", struct nwt_flow, struct nwt_pkt_state, pkt_rx_fin_held, 4096);

/* The flow of the packets that answer f's. */
static __always_inline void nwt_flow_reply(const struct nwt_flow *f, struct nwt_flow *r)
{
	__builtin_memcpy(r->saddr, f->daddr, sizeof(r->saddr));
	__builtin_memcpy(r->daddr, f->saddr, sizeof(r->daddr));
	r->sport = f->dport;
	r->dport = f->sport;
	r->family = f->family;
	r->pad = 0;
}
#endif

/*
 * The socket table.  Where every point that uses it is a BTF tracepoint and
 * the kernel lets tracing programs use socket-local storage (5.11+), an
 * entry hangs off its socket: finding it is a walk from the socket instead
 * of a hash look-up (~60 ns less at each of four points per packet), and it
 * goes when the socket goes, so a new socket at a freed one's address starts
 * blank.  Otherwise, and with --hops (some of its points are kprobes only)
 * or --verify-probes (every alternative at once), it is an LRU hash keyed by
 * the socket's address.
 */
#if defined(NWT_SK_STORAGE_TRACING) && !defined(NWT_EVERY_ALTERNATIVE) && \
	!defined(NWT_PKT_HOPS) && defined(NWT_USE_PKT_TX_TCP_BTF) && \
	defined(NWT_USE_PKT_TX_QUEUE_BTF) && defined(NWT_USE_PKT_TX_XMIT_BTF) && \
	defined(NWT_USE_PKT_RX_TCP_BTF) && defined(NWT_USE_PKT_RX_SOCK_BTF) && \
	!defined(NWT_USE_PKT_RX_STATE_RTP)
#define NWT_PKT_SOCK_STORAGE
BPF_SK_STORAGE(pkt_sock_store, struct nwt_pkt_sock);
#else
BPF_TABLE("lru_hash", u64, struct nwt_pkt_sock, pkt_socks, NWT_PKT_SOCKS);
BPF_ARRAY(pkt_sock_blank, struct nwt_pkt_sock, 1);	/* never written: a new entry, off the stack */
#endif

/*
 * Socket sk's entry, or NULL.  sk_arg is the socket as the point got it
 * (typed, with btf: what socket-local storage needs), sk the same as a number.
 */
static __always_inline struct nwt_pkt_sock *nwt_pkt_sock_find(u64 sk_arg, u64 sk, bool btf)
{
#ifdef NWT_PKT_SOCK_STORAGE
	return btf ? pkt_sock_store.sk_storage_get((void *)sk_arg, 0, 0) : NULL;
#else
	return pkt_socks.lookup(&sk);
#endif
}

/* The same, made if there is none yet. */
static __always_inline struct nwt_pkt_sock *nwt_pkt_sock_get(u64 sk_arg, u64 sk, bool btf)
{
#ifdef NWT_PKT_SOCK_STORAGE
	return btf ? pkt_sock_store.sk_storage_get((void *)sk_arg, 0, BPF_SK_STORAGE_GET_F_CREATE)
		   : NULL;
#else
	u32 zero = 0;
	struct nwt_pkt_sock *blank = pkt_sock_blank.lookup(&zero);

	return blank ? pkt_socks.lookup_or_try_init(&sk, blank) : NULL;
#endif
}

static __always_inline bool nwt_seq_before(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

#include "packet/headers.h"

/*
 * What a packet's device says (ifindex, name, whether its transmit queue
 * has a qdisc) changes rarely but costs three to five reads: each CPU keeps
 * it for its last few devices and reads it again after NWT_DEV_MEMO_NS, so a
 * renamed device or a new qdisc shows within that time.  The entries are
 * searched, not indexed by address: net_device structures are page-aligned,
 * so their low address bits are all alike, and a flow's two directions
 * alternate between two devices on one CPU.
 */
#define NWT_DEV_MEMO_WAYS 4
#define NWT_DEV_MEMO_NS 100000000ULL

struct nwt_dev_memo {
	u64 dev;
	u64 read_ns;
	u32 ifindex;
	u16 queue_mapping;	/* the queue tx_direct is for */
	u8 tx_direct;
	u8 tx_known;
	char name[16];
};

struct nwt_dev_memo_set {
	struct nwt_dev_memo way[NWT_DEV_MEMO_WAYS];
	u32 next_victim;
};

BPF_PERCPU_ARRAY(dev_memo, struct nwt_dev_memo_set, 1);

/* Fills st's ifindex and ifname from dev; true if dev transmits on queue qm at once (want_tx). */
static __always_inline bool nwt_pkt_dev(u64 dev, u16 qm, bool want_tx, u64 now,
					struct nwt_pkt_state *st)
{
	u32 zero = 0, w = NWT_DEV_MEMO_WAYS;
	struct nwt_dev_memo_set *set;
	struct nwt_dev_memo *m;

	st->dev = dev;
	if (!dev)
		return false;
	set = dev_memo.lookup(&zero);
	if (!set)
		return false;
#pragma unroll
	for (u32 i = 0; i < NWT_DEV_MEMO_WAYS; i++) {
		if (set->way[i].dev == dev) {
			w = i;
			break;
		}
	}
	if (w >= NWT_DEV_MEMO_WAYS)
		w = set->next_victim++ & (NWT_DEV_MEMO_WAYS - 1);
	m = &set->way[w & (NWT_DEV_MEMO_WAYS - 1)];
	if (m->dev != dev || now - m->read_ns > NWT_DEV_MEMO_NS) {
		m->dev = dev;
		m->read_ns = now;
		m->ifindex = 0;
		m->name[0] = '\0';
		m->tx_known = 0;
		nwt_dev_iface_read(dev, &m->ifindex, m->name);
	}
	st->ifindex = m->ifindex;
	__builtin_memcpy(st->ifname, m->name, sizeof(st->ifname));
	if (!want_tx)
		return false;
	if (!m->tx_known || m->queue_mapping != qm) {
		m->tx_direct = nwt_dev_tx_direct(dev, qm);
		m->queue_mapping = qm;
		m->tx_known = 1;
	}
	return m->tx_direct;
}

/* The filters see ports from the local side: --sport is the local port. */
static __always_inline bool nwt_pkt_wanted(const struct nwt_pkt_state *st, u8 dir, u32 pid)
{
	struct nwt_flow local = st->flow;

	if (dir == NWT_DIR_RX) {
		local.sport = st->flow.dport;
		local.dport = st->flow.sport;
	}
	return nwt_filter(&local, pid);
}

/*
 * Records leave in batches.  Committing one to the ring buffer costs about
 * 270 ns here (a lock and cache lines shared with the other CPU and the
 * reader), as much as the rest of a probe, so each CPU stages up to
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

/*
 * The owner comes from the socket table (owner) or else the copy the state
 * carries.  False if the record did not leave (rate limit, full ring).
 */
static __always_inline bool nwt_pkt_emit(u32 type, u8 dir, u8 point, const struct nwt_pkt_state *st,
					 const struct nwt_pkt_sock *owner, u32 flags)
{
	struct nwt_pkt_stage *stage;
	struct nwt_packet_event *e = nwt_pkt_record_open(&stage, true);

	if (!e)
		return false;
	e->hdr.ts_ns = 0;
	e->hdr.type = type;
	e->hdr.pid = 0;
	e->flags = flags;
	if (owner && owner->has_owner) {
		e->hdr.pid = owner->pid;
		__builtin_memcpy(e->hdr.comm, owner->comm, sizeof(e->hdr.comm));
		e->flags |= NWT_PKT_F_OWNER_KNOWN;
	} else if (!owner && st->has_owner) {
		e->hdr.pid = st->owner_pid;
		__builtin_memcpy(e->hdr.comm, st->owner_comm, sizeof(e->hdr.comm));
		e->flags |= NWT_PKT_F_OWNER_KNOWN;
	} else {
		__builtin_memset(e->hdr.comm, 0, sizeof(e->hdr.comm));
	}
	e->sock_id = st->sk;
	__builtin_memcpy(e->point_ns, st->ts, sizeof(e->point_ns));
	for (int i = 0; i < NWT_PT_PER_DIR; i++)
		if (st->ts[i] > e->hdr.ts_ns)
			e->hdr.ts_ns = st->ts[i];
	e->flow = st->flow;
	e->seq = st->seq;
	e->ack = st->ack;
	e->payload_len = st->payload_len;
	e->ifindex = st->ifindex;
	if (st->tcp_flags & 0x10)
		e->flags |= NWT_PKT_F_HAS_ACK;
	e->direction = dir;
	e->tcp_flags = st->tcp_flags;
	e->point = point;
	e->http_len = st->http_len;
	__builtin_memcpy(e->ifname, st->ifname, sizeof(e->ifname));
#ifdef NWT_PKT_HTTP
	__builtin_memcpy(e->http, st->http, sizeof(e->http));
#endif
	nwt_pkt_record_close(e, stage, true);
	return true;
}

/* The application copied len bytes from seq on out of socket sk: the reader is s's owner. */
static __always_inline void nwt_pkt_emit_read(u64 sk, u32 seq, u32 len, const struct nwt_pkt_sock *s)
{
	struct nwt_pkt_stage *stage;
	struct nwt_packet_event *e = nwt_pkt_record_open(&stage, false);

	if (!e)
		return;		/* the data it would complete then shows no read time */
	e->hdr.ts_ns = bpf_ktime_get_ns();
	e->hdr.type = NWT_EVENT_PKT_READ;
	e->hdr.pid = s->pid;
	__builtin_memcpy(e->hdr.comm, s->comm, sizeof(e->hdr.comm));
	e->flags = NWT_PKT_F_OWNER_KNOWN;
	e->sock_id = sk;
	e->seq = seq;
	e->payload_len = len;
	e->direction = NWT_DIR_RX;
	e->point = NWT_PT_RX_SOCK;
	nwt_pkt_record_close(e, stage, false);
}

/* --hops: one record for this point, headers read here (skb_arg as the point got it; sk: a number). */
static __always_inline void nwt_pkt_hop(u64 skb_arg, u64 skb, u64 sk, u8 dir, u8 point,
					bool l3_from_data, u32 l3_skip, bool btf)
{
	NWT_PKT_POINT_ENTRY();
#ifdef NWT_PKT_HOPS
	struct nwt_pkt_state st = {};
	struct nwt_pkt_sock *owner;
	struct nwt_skb_fields f;
	u64 l3;

	if (!nwt_skb_fields_read(skb_arg, &f, btf))
		return;
	l3 = l3_from_data ? nwt_skb_data(skb_arg, btf) : nwt_skb_l3(&f);
	if (!l3 || !nwt_pkt_parse(skb, l3 + l3_skip, &st))
		return;
	if (!sk)
		sk = f.sk;
	st.sk = sk;
	st.ts[0] = bpf_ktime_get_ns();
	nwt_pkt_dev(f.dev, 0, false, st.ts[0], &st);
	owner = sk ? pkt_socks.lookup(&sk) : NULL;
	if (nwt_pkt_wanted(&st, dir, owner && owner->has_owner ? owner->pid : 0))
		nwt_pkt_emit(NWT_EVENT_HOP, dir, point, &st, owner, 0);
#endif
}

/*
 * tx, TCP: remember where this sendmsg step starts in the byte stream.  With
 * the tail of the write queue known (tail, size_goal: the tracepoint), a step
 * that appends to a tail with room starts no segment: the stamp of the step
 * that started the tail stands, and the history reaches further back.
 */
static __always_inline void nwt_pkt_tx_tcp(u64 sk_arg, u64 tail, u32 size_goal, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	struct nwt_pkt_sock *s;
	u32 write_seq = 0, i, tail_len = 0;
	u64 task, tp = sk_arg, sk;

#ifdef NWT_OFF_SKB_LEN
	if (tail && !NWT_LOAD(btf, tail_len, tail, NWT_OFF_SKB_LEN) &&
	    (s32)(size_goal - tail_len) > 0)
		return;
#endif
	if (btf) {	/* write_seq is past struct sock: the verifier needs the tcp_sock type */
		tp = (u64)bpf_skc_to_tcp_sock((void *)sk_arg);
		if (!tp)
			return;
	}
	NWT_LOAD(btf, write_seq, tp, NWT_OFF_TCP_WRITE_SEQ);
	sk = btf ? nwt_scalar(sk_arg) : sk_arg;
	s = nwt_pkt_sock_get(sk_arg, sk, btf);
	if (!s)
		return;
	i = s->send_next & (NWT_SEND_HISTORY - 1);
	s->send_ns[i] = bpf_ktime_get_ns();
	s->send_seq[i] = write_seq;
	s->send_next++;
	/* The same thread again: its comm is known (one that renames itself keeps the old name here). */
	task = bpf_get_current_pid_tgid();
	if (s->has_owner && s->owner_task == task)
		return;
	s->owner_task = task;
	s->pid = task >> 32;
	bpf_get_current_comm(s->comm, sizeof(s->comm));
	s->has_owner = 1;
}

/*
 * When did the sendmsg step holding byte `seq` run?  0 if no longer known.
 * Steps are kept in stream order, the newest at send_next - 1: a binary
 * search finds the newest one that starts at or before seq.
 */
static __always_inline u64 nwt_pkt_sent_at(const struct nwt_pkt_sock *s, u32 seq)
{
	u32 n = s->send_next < NWT_SEND_HISTORY ? s->send_next : NWT_SEND_HISTORY;
	u32 lo = 1, hi = n + 1;	/* the answer, k steps back, lies in [lo, hi]; n + 1: none */
	u32 k, pos;

#pragma unroll
	for (int i = 0; i <= NWT_SEND_HISTORY_LOG2; i++) {
		if (lo >= hi)
			break;
		k = (lo + hi) / 2;
		pos = (s->send_next - k) & (NWT_SEND_HISTORY - 1);
		if ((s32)(seq - s->send_seq[pos]) >= 0)
			hi = k;
		else
			lo = k + 1;
	}
	if (lo > n)
		return 0;
	return s->send_ns[(s->send_next - lo) & (NWT_SEND_HISTORY - 1)];
}

/* tx, IP (kprobe chains only): stamp the skb. */
static __always_inline void nwt_pkt_tx_ip(u64 skb)
{
	NWT_PKT_POINT_ENTRY();
#ifdef NWT_PKT_RECORDS
	struct nwt_pkt_state st = {};

	st.ts[NWT_PT_TX_IP] = bpf_ktime_get_ns();
	pkt_tx.update(&skb, &st);
#endif
}

/* tx, device queue: the headers are complete here; filter and keep the state. */
static __always_inline void nwt_pkt_tx_queue(u64 skb_arg, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;

	nwt_pkt_hop(skb_arg, skb, 0, NWT_DIR_TX, NWT_PT_TX_QUEUE, false, 0, btf);
#ifdef NWT_PKT_RECORDS
	struct nwt_pkt_state st = {};
	struct nwt_pkt_state *known = NULL;
	struct nwt_pkt_sock *owner = NULL;
	struct nwt_pkt_slot *slot;
	struct nwt_skb_fields f;
	u32 idx = nwt_pkt_slot_index(skb);
	u64 now, sk;
	bool direct;

#if defined(NWT_USE_PKT_TX_IP_KPROBE)
	/* Only the kprobe chain stamps the IP layer before this point. */
	known = pkt_tx.lookup(&skb);
	if (known && !known->ts[NWT_PT_TX_QUEUE])
		st.ts[NWT_PT_TX_IP] = known->ts[NWT_PT_TX_IP];
#endif
	if (!nwt_skb_fields_read(skb_arg, &f, btf) || !nwt_pkt_parse(skb, nwt_skb_l3(&f), &st))
		goto forget;
	sk = f.sk;
	st.sk = sk;
	if (sk)
		owner = nwt_pkt_sock_find(f.sk_arg, sk, btf);
	if (!nwt_pkt_wanted(&st, NWT_DIR_TX, owner && owner->has_owner ? owner->pid : 0))
		goto forget;
	if (owner && st.payload_len)
		st.ts[NWT_PT_TX_TCP] = nwt_pkt_sent_at(owner, st.seq);
#ifdef NWT_PKT_RX_OUTSIDE
	if (st.tcp_flags & NWT_TCP_FLAG_SYN) {	/* the reply arrives before ESTABLISHED */
		struct nwt_flow reply;

		nwt_flow_reply(&st.flow, &reply);
		nwt_rx_unestablished_put(&reply, sk,
					 st.tcp_flags & NWT_TCP_FLAG_ACK ? NWT_TCP_SYN_RECV
									 : NWT_TCP_SYN_SENT,
					 owner);
	}
#endif
	now = bpf_ktime_get_ns();
	st.ts[NWT_PT_TX_QUEUE] = now;
	direct = nwt_pkt_dev(f.dev, f.queue_mapping, true, now, &st);
	if (direct && (slot = pkt_tx_slots.lookup(&idx))) {
		/*
		 * Driver transmit follows at once on this CPU, with bottom halves
		 * off: the owner known now is the one it would look up, so it
		 * travels with the state and saves a hash lookup there.
		 */
		if (owner && owner->has_owner) {
			st.has_owner = 1;
			st.owner_pid = owner->pid;
			__builtin_memcpy(st.owner_comm, owner->comm, sizeof(st.owner_comm));
		}
		slot->skb = skb;
		slot->st = st;
		if (known)
			pkt_tx.delete(&skb);
		return;
	}
	pkt_tx.update(&skb, &st);
	return;
forget:
	if (known)
		pkt_tx.delete(&skb);
#endif
}

/* tx, driver transmit: the last tx point; the record leaves. */
static __always_inline void nwt_pkt_tx_xmit(u64 skb_arg, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;

	nwt_pkt_hop(skb_arg, skb, 0, NWT_DIR_TX, NWT_PT_TX_XMIT, false, 0, btf);
#ifdef NWT_PKT_RECORDS
	u32 idx = nwt_pkt_slot_index(skb);
	struct nwt_pkt_slot *slot = pkt_tx_slots.lookup(&idx);
	struct nwt_pkt_state *st;
	struct nwt_pkt_sock *owner;
	bool in_slot = slot && slot->skb == skb;
	u64 sk;

	st = in_slot ? &slot->st : pkt_tx.lookup(&skb);
	if (!st || !st->ts[NWT_PT_TX_QUEUE])
		return;
	st->ts[NWT_PT_TX_XMIT] = bpf_ktime_get_ns();
	sk = st->sk;
	owner = NULL;		/* in a slot: the state carries the owner */
	if (!in_slot && sk) {	/* a qdisc was in between: the owner as of now */
		u64 sk_arg = sk;

		if (btf)	/* typed, for socket-local storage */
			NWT_LOAD(btf, sk_arg, skb_arg, NWT_OFF_SKB_SK);
		owner = nwt_pkt_sock_find(sk_arg, sk, btf);
	}
	nwt_pkt_emit(NWT_EVENT_PACKET, NWT_DIR_TX, NWT_PT_TX_XMIT, st, owner, 0);
	if (in_slot)
		slot->skb = 0;
	else
		pkt_tx.delete(&skb);
#endif
}

/* rx, device receive: stamp, nothing parsed yet (most packets are not wanted). */
static __always_inline void nwt_pkt_rx_dev_stamp(u64 skb_arg, u64 skb, bool btf)
{
	NWT_PKT_POINT_ENTRY();
#ifdef NWT_PKT_RECORDS
	struct nwt_rx_stamp *slot = nwt_rx_stamp_of(bpf_get_smp_processor_id(), skb);

	if (slot)
		nwt_rx_stamp_set(slot, skb_arg, skb, bpf_ktime_get_ns(), 0, btf);
#endif
}

static __always_inline void nwt_pkt_rx_dev(u64 skb_arg, u32 l3_skip, bool btf)
{
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;

	nwt_pkt_hop(skb_arg, skb, 0, NWT_DIR_RX, NWT_PT_RX_DEV, true, l3_skip, btf);
	nwt_pkt_rx_dev_stamp(skb_arg, skb, btf);
}

BPF_PERCPU_ARRAY(pkt_rx_ip_hint, u32, 1);	/* +1: the CPU whose stamps IP last took over */

/*
 * rx, IP: add the IP stamp to the device's, which is in this CPU's part or,
 * after RPS, in another's (taken over into this CPU's part, for TCP).  A
 * stamp left by an earlier life of this skb address is replaced.  Returns
 * the slot that now holds skb's stamps, or NULL.
 */
static __always_inline struct nwt_rx_stamp *nwt_pkt_rx_ip_stamp(u64 skb_arg, u64 skb, u64 now,
								bool btf)
{
	u32 cpu = bpf_get_smp_processor_id(), zero = 0, from = cpu;
	struct nwt_rx_stamp *slot = nwt_rx_stamp_of(cpu, skb);
	u32 *hint = pkt_rx_ip_hint.lookup(&zero);
	u64 ts[2] = {}, dev = 0;
	bool moved = false;

	if (!slot || !hint)
		return NULL;
	if (slot->skb == skb && !slot->ts[1] && nwt_rx_stamp_fresh(slot->ts[0], now)) {
		slot->ts[1] = now;
		return slot;
	}
	if (*hint && *hint - 1 != cpu && nwt_rx_stamp_peek(*hint - 1, skb, now, ts, &dev)) {
		moved = true;
	} else if (nwt_rx_stamps_scan(cpu, *hint - 1, *hint - 1, skb, now, ts, &dev, &from)) {
		*hint = from + 1;
		moved = true;
	}
	if (moved && !ts[1]) {
		slot->skb = 0;
		asm volatile("" ::: "memory");
		slot->ts[0] = ts[0];
		slot->ts[1] = now;
		slot->dev = dev;
		asm volatile("" ::: "memory");
		slot->skb = skb;
		return slot;
	}
	nwt_rx_stamp_set(slot, skb_arg, skb, 0, now, btf);
	return slot;
}

#ifdef NWT_PKT_RX_OUTSIDE
/* What tells a segment IP reported from a later one at the same skb address. */
static __always_inline u64 nwt_rx_segment_id(const struct nwt_pkt_state *st)
{
	return (u64)st->seq << 32 | st->ack;
}

/* A peer's SYN, which IP always reports. */
static __always_inline bool nwt_rx_is_syn(const struct nwt_pkt_state *st)
{
	return (st->tcp_flags & (NWT_TCP_FLAG_SYN | NWT_TCP_FLAG_ACK)) == NWT_TCP_FLAG_SYN;
}

/* A record that leaves at IP for TCP's point: the receiving socket was in `state`. */
static __always_inline void nwt_rx_report_at_ip(struct nwt_pkt_state *st,
						const struct nwt_pkt_sock *owner, u32 state,
						u64 now)
{
	nwt_pkt_dev(st->dev, 0, false, now, st);
	nwt_pkt_emit(NWT_EVENT_PACKET, NWT_DIR_RX, NWT_PT_RX_IP, st, owner,
		     (state & 0xf) << NWT_PKT_F_STATE_SHIFT);
}

/* IP's time now, and skb's device stamp and device from slot if it still holds them (true). */
static __always_inline bool nwt_rx_stamps_take(struct nwt_pkt_state *st, struct nwt_rx_stamp *slot,
					       u64 skb, u64 now)
{
	st->ts[NWT_PT_RX_IP - NWT_PT_RX_DEV] = now;
	if (!slot || slot->skb != skb)
		return false;
	st->ts[NWT_PT_RX_DEV - NWT_PT_RX_DEV] = slot->ts[0];
	st->dev = slot->dev;
	return true;
}

/* A FIN of an established flow: held with its stamps until TCP's point or a state change reports it. */
static __always_inline void nwt_rx_fin_hold(struct nwt_pkt_state *st, u64 skb, u64 payload,
					    struct nwt_rx_stamp *slot, u64 now)
{
	nwt_rx_stamps_take(st, slot, skb, now);
#ifdef NWT_PKT_HTTP
	nwt_pkt_http(skb, payload, st);	/* its payload may be gone by then */
#endif
	pkt_rx_fin_held.update(&st->flow, st);
}

/*
 * rx, IP, for a segment TCP's point will not see: a peer's SYN, or one of a
 * flow outside the established state (see pkt_rx_unestablished).  The
 * record carries the device and IP stamps (slot: skb's, or NULL).
 */
static __always_inline void nwt_pkt_rx_outside(u64 skb_arg, u64 skb, struct nwt_rx_stamp *slot,
					       u64 now, bool btf)
{
	struct nwt_pkt_state st = {};
	struct nwt_rx_unestablished *u;
	u32 state = NWT_TCP_LISTEN;	/* a peer's SYN, not known: for a listener */
	u64 payload;

	if (!nwt_pkt_parse_headers(nwt_skb_data(skb_arg, btf), &st, &payload))
		return;
	u = nwt_rx_unestablished_find(&st.flow);
	if (!u && !nwt_rx_is_syn(&st)) {
		if (st.tcp_flags & NWT_TCP_FLAG_FIN)
			nwt_rx_fin_hold(&st, skb, payload, slot, now);
		return;
	}
	if (u) {
		st.sk = u->sk;
		state = u->state;
		st.has_owner = u->has_owner;
		st.owner_pid = u->pid;
		__builtin_memcpy(st.owner_comm, u->comm, sizeof(st.owner_comm));
	}
	if (!nwt_pkt_wanted(&st, NWT_DIR_RX, st.has_owner ? st.owner_pid : 0))
		return;
	if (nwt_rx_stamps_take(&st, slot, skb, now)) {
		slot->ts[0] = nwt_rx_segment_id(&st);
		slot->skb = skb | NWT_RX_REPORTED_AT_IP;
	}
#ifdef NWT_PKT_HTTP
	nwt_pkt_http(skb, payload, &st);
#endif
	nwt_rx_report_at_ip(&st, NULL, state, now);	/* the owner: st's copy */
}
#endif

/* rx, IP: stamp; beside tcp:tcp_probe, also report what TCP's point will not see. */
static __always_inline void nwt_pkt_rx_ip(u64 skb_arg, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;

	nwt_pkt_hop(skb_arg, skb, 0, NWT_DIR_RX, NWT_PT_RX_IP, true, 0, btf);
#ifdef NWT_PKT_RECORDS
	u64 now = bpf_ktime_get_ns();
	struct nwt_rx_stamp *slot = nwt_pkt_rx_ip_stamp(skb_arg, skb, now, btf);

#ifdef NWT_PKT_RX_OUTSIDE
	nwt_pkt_rx_outside(skb_arg, skb, slot, now, btf);
#endif
#endif
}

/*
 * rx, TCP: headers are set; filter and report.  Data is reported now, flagged
 * to wait in nwtrace for the application's read (nwt_pkt_rx_sock).
 */
static __always_inline void nwt_pkt_rx_tcp(u64 sk_arg, u64 skb_arg, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;
	u64 sk = btf ? nwt_scalar(sk_arg) : sk_arg;

	nwt_pkt_hop(skb_arg, skb, sk, NWT_DIR_RX, NWT_PT_RX_TCP, false, 0, btf);
#ifdef NWT_PKT_RECORDS
	struct nwt_pkt_state st = {};
	u32 cpu = bpf_get_smp_processor_id();
	struct nwt_rx_stamp *slot = nwt_rx_stamp_of(cpu, skb);
	struct nwt_pkt_sock *owner;
	struct nwt_skb_fields f;
	const int tcp = NWT_PT_RX_TCP - NWT_PT_RX_DEV;
	u64 now = bpf_ktime_get_ns();
	bool stamped_here = false;
	u32 end;

#ifdef NWT_PKT_RX_OUTSIDE
	u64 reported_at_ip = 0;

	if (slot && slot->skb == (skb | NWT_RX_REPORTED_AT_IP)) {
		reported_at_ip = slot->ts[0];
		slot->skb = 0;
	}
#endif
	if (slot && slot->skb == skb) {
		if (nwt_rx_stamp_fresh(slot->ts[0], now) && nwt_rx_stamp_fresh(slot->ts[1], now)) {
			st.ts[0] = slot->ts[0];
			st.ts[1] = slot->ts[1];
			st.dev = slot->dev;
			stamped_here = true;
		}
		slot->skb = 0;
	}
	if (!nwt_skb_fields_read(skb_arg, &f, btf) || !nwt_pkt_parse(skb, nwt_skb_l3(&f), &st))
		return;
#ifdef NWT_PKT_RX_OUTSIDE
	if (nwt_rx_is_syn(&st) || (reported_at_ip && reported_at_ip == nwt_rx_segment_id(&st)))
		return;		/* IP reported it */
	if (st.tcp_flags & NWT_TCP_FLAG_FIN)
		pkt_rx_fin_held.delete(&st.flow);	/* reported here */
#endif
	st.sk = sk;
	owner = nwt_pkt_sock_find(sk_arg, sk, btf);
	if (!nwt_pkt_wanted(&st, NWT_DIR_RX, owner && owner->has_owner ? owner->pid : 0))
		return;
	/* Data needs an entry: reads are reported only while reported data is ahead of them. */
	if (!owner && st.payload_len)
		owner = nwt_pkt_sock_get(sk_arg, sk, btf);
	st.ts[tcp] = now;
	if (owner)
		nwt_rx_stamps_find(owner, cpu, stamped_here, skb, now, st.ts, &st.dev);
	/* TCP may have cleared skb->dev: the device seen at receive then names it. */
	nwt_pkt_dev(f.dev ? f.dev : st.dev, 0, false, st.ts[tcp], &st);
	if (!st.payload_len) {
		nwt_pkt_emit(NWT_EVENT_PACKET, NWT_DIR_RX, NWT_PT_RX_TCP, &st, owner, 0);
		return;
	}
	if (!nwt_pkt_emit(NWT_EVENT_PACKET, NWT_DIR_RX, NWT_PT_RX_TCP, &st, owner,
			  NWT_PKT_F_AWAITS_READ) || !owner)
		return;
	end = st.seq + st.payload_len;
	if (!owner->has_rx_reported || nwt_seq_before(owner->rx_reported_end, end)) {
		owner->rx_reported_end = end;
		owner->has_rx_reported = 1;
	}
#endif
}

/*
 * rx, socket read: the application copies len bytes out of skb.  The reader
 * becomes the socket's owner; if reported data lies at or past the first
 * byte read, the read leaves as a record that nwtrace joins to that data.
 */
static __always_inline void nwt_pkt_rx_sock(u64 skb_arg, u32 len, bool btf)
{
	NWT_PKT_POINT_ENTRY();
	u64 skb = btf ? nwt_scalar(skb_arg) : skb_arg;
	u64 sk_arg = 0, sk;

	NWT_LOAD(btf, sk_arg, skb_arg, NWT_OFF_SKB_SK);
	if (!sk_arg)
		return;
	sk = btf ? nwt_scalar(sk_arg) : sk_arg;
	nwt_pkt_hop(skb_arg, skb, sk, NWT_DIR_RX, NWT_PT_RX_SOCK, false, 0, btf);
#ifdef NWT_PKT_RECORDS
	struct nwt_pkt_sock *s = nwt_pkt_sock_find(sk_arg, sk, btf);
	u32 copied_seq = 0;
	u64 task;

	if (!s)
		return;		/* no data of this socket was reported */
	/* The same thread as last time: its comm is known. */
	task = bpf_get_current_pid_tgid();
	if (!s->has_owner || s->owner_task != task) {
		s->owner_task = task;
		s->pid = task >> 32;
		bpf_get_current_comm(s->comm, sizeof(s->comm));
		s->has_owner = 1;
	}
	if (!s->has_rx_reported)
		return;
	/*
	 * The copy starts at copied_seq: tcp_recvmsg() advances it after each
	 * skb.  (Copied: skb->sk is not a type the verifier lets the program
	 * turn into a tcp_sock.)
	 */
	NWT_READ_FIELD(copied_seq, sk, NWT_OFF_TCP_COPIED_SEQ);
	if (nwt_seq_before(copied_seq, s->rx_reported_end))
		nwt_pkt_emit_read(sk, copied_seq, len, s);
#endif
}

#ifdef NWT_PKT_RX_OUTSIDE
#define NWT_RX_BACKLOG_WALK 8	/* backlog segments reported at most */

/* The state of the segment being reported, off the stack: the walk has no room for it. */
BPF_PERCPU_ARRAY(pkt_rx_backlog_state, struct nwt_pkt_state, 1);

/*
 * Socket sk leaves ESTABLISHED with segments in its backlog: IP saw them
 * while it was established, but TCP will process them in the new state,
 * where its point does not see them.  They are reported now, as IP would
 * have, with the stamps they left.
 */
static __always_inline void nwt_pkt_rx_backlog(u64 sk_arg, u64 sk, bool btf, u32 state, u64 now)
{
	u32 cpu = bpf_get_smp_processor_id(), zero = 0, found;
	struct nwt_pkt_state *st = pkt_rx_backlog_state.lookup(&zero);
	struct nwt_pkt_sock *owner;
	u64 skb = 0;

	if (!st)
		return;
	NWT_READ_FIELD(skb, sk, NWT_OFF_SOCK_BACKLOG_HEAD);
#pragma clang loop unroll(disable)
	for (int i = 0; i < NWT_RX_BACKLOG_WALK && skb; i++) {
		u64 head = 0;
		u16 nh = 0xffff;

		__builtin_memset(st, 0, sizeof(*st));
		/*
		 * Looked up each time round: with one look-up before the loop the
		 * compiler computes &owner->comm ahead of the NULL check, which
		 * the verifier refuses.
		 */
		owner = nwt_pkt_sock_find(sk_arg, sk, btf);
		/* Two fields, not nwt_skb_fields_read()'s span: the stack has no room for it. */
		NWT_READ_FIELD(head, skb, NWT_OFF_SKB_HEAD);
		NWT_READ_FIELD(nh, skb, NWT_OFF_SKB_NETWORK_HEADER);
		if (head && nh != 0xffff && nwt_pkt_parse(skb, head + nh, st) &&
		    nwt_pkt_wanted(st, NWT_DIR_RX, owner && owner->has_owner ? owner->pid : 0)) {
			if (!nwt_rx_stamp_peek(cpu, skb, now, st->ts, &st->dev))
				nwt_rx_stamps_scan(cpu, cpu, cpu, skb, now, st->ts, &st->dev, &found);
			if (st->tcp_flags & NWT_TCP_FLAG_FIN)
				pkt_rx_fin_held.delete(&st->flow);	/* reported here */
			st->sk = sk;
			nwt_rx_report_at_ip(st, owner, state, now);
		}
		if (NWT_READ_FIELD(skb, skb, NWT_OFF_SKB_NEXT))
			break;
	}
}

/*
 * A held FIN of socket sk's flow (reply: as received) that TCP's point did
 * not report: TCP meets it, or met it, outside the established state.
 * state: the socket's state then.
 */
static __always_inline void nwt_rx_fin_release(u64 sk, const struct nwt_pkt_sock *owner,
					       struct nwt_flow *reply, u32 state)
{
	struct nwt_pkt_state *st = pkt_rx_fin_held.lookup(reply);

	if (!st)
		return;
	if (nwt_pkt_wanted(st, NWT_DIR_RX, owner && owner->has_owner ? owner->pid : 0)) {
		st->sk = sk;
		nwt_rx_report_at_ip(st, owner, state, st->ts[NWT_PT_RX_IP - NWT_PT_RX_DEV]);
	}
	pkt_rx_fin_held.delete(reply);
}

/*
 * A TCP socket changed state: its flow enters pkt_rx_unestablished when it
 * leaves ESTABLISHED and leaves the map when it is ESTABLISHED or closed.
 * At SYN_SENT the local port may not be chosen yet: the SYN the socket
 * sends puts the flow in (nwt_pkt_tx_queue).
 */
static __always_inline void nwt_pkt_rx_state(u64 sk_arg, int oldstate, int newstate, bool btf)
{
	struct nwt_flow local = {}, reply = {};
	struct nwt_pkt_sock *owner;
	u64 sk = btf ? nwt_scalar(sk_arg) : sk_arg;
	u8 state = 0;

	if (newstate == NWT_TCP_LISTEN || newstate == NWT_TCP_SYN_SENT ||
	    !nwt_sock_flow(sk, &local, &state))
		return;
	/* A dual-stack socket's IPv4 peer: its packets are IPv4. */
	if (local.family == AF_INET6 && nwt_v4_mapped(local.daddr)) {
		local.family = AF_INET;
		__builtin_memcpy(local.saddr, local.saddr + 12, 4);
		__builtin_memcpy(local.daddr, local.daddr + 12, 4);
		__builtin_memset(local.saddr + 4, 0, 12);
		__builtin_memset(local.daddr + 4, 0, 12);
	}
	nwt_flow_reply(&local, &reply);
	owner = nwt_pkt_sock_find(sk_arg, sk, btf);
	if (newstate == NWT_TCP_ESTABLISHED || newstate == NWT_TCP_CLOSE)
		nwt_rx_unestablished_drop(&reply);
	else
		nwt_rx_unestablished_put(&reply, sk, newstate, owner);
	if (oldstate == NWT_TCP_ESTABLISHED)
		nwt_pkt_rx_backlog(sk_arg, sk, btf, newstate, bpf_ktime_get_ns());
	if (newstate != NWT_TCP_ESTABLISHED)
		nwt_rx_fin_release(sk, owner, &reply,
				   oldstate == NWT_TCP_ESTABLISHED ? newstate : oldstate);
}
#endif

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
