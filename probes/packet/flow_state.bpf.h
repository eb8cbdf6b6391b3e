/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * Part of packet_path.bpf.c: socket and flow state: the maps that follow a
 * packet from point to point, sockets' owners and sendmsg history, and state
 * for flows not yet established. Composed into it in place (after the parts
 * before it), not compiled alone.
 */

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
 * of a hash look-up at each of four points per packet, and it
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
