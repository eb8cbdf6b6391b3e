/* SPDX-License-Identifier: GPL-2.0-only OR BSD-2-Clause */
/*
 * TCP connection lifecycle: every state change of every TCP socket, with the
 * process that owns the socket.  State changes often run in softirq context,
 * where "current" is whatever process was interrupted, so ownership is
 * recorded where it is certain (connect() and listen() run in the owner's
 * context) and inherited by a listener's children.
 *
 * Attach alternatives (one is compiled in by the probe plan):
 *   NWT_USE_TCP_STATE_TRACEPOINT  sock:inet_sock_set_state (4.16+)
 *   NWT_USE_TCP_STATE_KPROBE      kprobe tcp_set_state (older kernels)
 * and, where kprobes exist, NWT_USE_TCP_LISTEN_KPROBE (inet_csk_listen_start),
 * because listen() changes state without going through tcp_set_state.
 */
#define NWT_TCP_ESTABLISHED 1
#define NWT_TCP_SYN_SENT    2
#define NWT_TCP_SYN_RECV    3
#define NWT_TCP_CLOSE       7
#define NWT_TCP_LISTEN      10

struct nwt_sock_owner {
	u64 opened_ns;		/* 0: opened before tracing started */
	u64 state_since_ns;
	u32 pid;
	u8 role;		/* enum nwt_role */
	u8 pad[3];
	char comm[NWT_COMM_LEN];
};
BPF_TABLE("lru_hash", u64, struct nwt_sock_owner, sock_owners, NWT_MAX_CONNS);

/* Who owns each listener's future children; see nwtrace_events.h. */
BPF_TABLE("lru_hash", struct nwt_listener_key, struct nwt_listener_owner, listeners, 4096);

static __always_inline void nwt_listener_key_of(struct nwt_listener_key *key, u64 sk,
						const struct nwt_flow *flow)
{
	u64 net = 0;

	NWT_READ_FIELD(net, sk, NWT_OFF_SOCK_NET);
	NWT_READ_FIELD(key->netns, net, NWT_OFF_NET_NS_INUM);
	key->family = flow->family;
	key->port = flow->sport;
}

/* Who owns the socket after this change; fills *owner, returns false if unknown. */
static __always_inline void nwt_track_owner(u64 sk, int oldstate, int newstate,
					    const struct nwt_flow *flow, u64 now,
					    struct nwt_sock_owner *owner)
{
	struct nwt_sock_owner *known = sock_owners.lookup(&sk);
	struct nwt_listener_key key = {};
	struct nwt_listener_owner *listener;

	if (newstate == NWT_TCP_SYN_SENT || newstate == NWT_TCP_LISTEN) {
		/* connect() and listen() run in the owner's own context. */
		owner->opened_ns = now;
		owner->pid = nwt_current_tgid();
		bpf_get_current_comm(owner->comm, sizeof(owner->comm));
		owner->role = newstate == NWT_TCP_LISTEN ? NWT_ROLE_LISTENER : NWT_ROLE_CLIENT;
		if (newstate == NWT_TCP_LISTEN) {
			struct nwt_listener_owner l = { .pid = owner->pid };

			__builtin_memcpy(l.comm, owner->comm, sizeof(l.comm));
			nwt_listener_key_of(&key, sk, flow);
			listeners.update(&key, &l);
		}
		return;
	}
	if (known) {
		*owner = *known;
		return;
	}
	owner->state_since_ns = now;
	if (oldstate == NWT_TCP_LISTEN || oldstate == NWT_TCP_SYN_RECV ||
	    newstate == NWT_TCP_SYN_RECV) {
		/*
		 * A child of a listener, born in softirq: the listener's owner owns
		 * it.  (tcp_set_state first sees a child at SYN_RECV -> ESTABLISHED.)
		 */
		owner->opened_ns = now;
		owner->role = NWT_ROLE_SERVER;
		nwt_listener_key_of(&key, sk, flow);
		listener = listeners.lookup(&key);
		if (listener) {
			owner->pid = listener->pid;
			__builtin_memcpy(owner->comm, listener->comm, sizeof(owner->comm));
		}
	}
}

#if defined(NWT_WANT_CONN) || defined(NWT_WANT_RETRANS)
/* tcp_conn.bpf.c: final metrics of a closing connection; composed after this file. */
static __always_inline void nwt_conn_closed(u64 sk, const struct nwt_flow *flow,
					    u8 old_state, u64 now);
#endif

static __always_inline void nwt_emit_state(u64 sk, int oldstate, int newstate,
					   const struct nwt_flow *flow)
{
	u64 now = bpf_ktime_get_ns();
	struct nwt_sock_owner owner = {};
	struct nwt_tcp_state_event *e;

	nwt_track_owner(sk, oldstate, newstate, flow, now, &owner);

	/* NWT_STATE_TRACK_ONLY: -x/-r need the owners, nobody asked for the events. */
#ifndef NWT_STATE_TRACK_ONLY
	if (nwt_filter(flow, owner.pid)) {
		e = nwt_event_reserve(sizeof(*e));
		if (e) {
			e->hdr.ts_ns = now;
			e->hdr.type = NWT_EVENT_TCP_STATE;
			e->hdr.pid = owner.pid;
			__builtin_memcpy(e->hdr.comm, owner.comm, sizeof(e->hdr.comm));
			e->sock_id = sk;
			e->flow = *flow;
			e->old_state = oldstate;
			e->new_state = newstate;
			e->role = owner.role;
			e->flags = 0;
			e->state_ns = 0;
			e->lifetime_ns = 0;
			e->pad = 0;
			if (owner.pid)
				e->flags |= NWT_STATE_F_OWNER_KNOWN;
			if (owner.state_since_ns && owner.state_since_ns < now) {
				e->state_ns = now - owner.state_since_ns;
				e->flags |= NWT_STATE_F_STATE_TIME;
			}
			if (owner.opened_ns && owner.opened_ns <= now) {
				e->lifetime_ns = now - owner.opened_ns;
				e->flags |= NWT_STATE_F_LIFETIME;
			}
			nwt_event_submit(e);
		}
	}
#endif

	if (newstate == NWT_TCP_CLOSE) {
#if defined(NWT_WANT_CONN) || defined(NWT_WANT_RETRANS)
		nwt_conn_closed(sk, flow, oldstate, now);
#endif
		sock_owners.delete(&sk);
		if (oldstate == NWT_TCP_LISTEN) {
			struct nwt_listener_key key = {};

			nwt_listener_key_of(&key, sk, flow);
			listeners.delete(&key);
		}
		return;
	}
	owner.state_since_ns = now;
	sock_owners.update(&sk, &owner);
}

#ifdef NWT_USE_TCP_STATE_TRACEPOINT
/* The tracepoint's own fields are laid out by the kernel: always right. */
int nwt_tcp_state_tp(struct tracepoint__sock__inet_sock_set_state *args)
{
	struct nwt_flow flow = {};

	if (args->protocol != IPPROTO_TCP)
		return 0;
	NWT_FLOW_FROM_TRACEPOINT(&flow, args);
	nwt_emit_state((u64)args->skaddr, args->oldstate, args->newstate, &flow);
	return 0;
}
#endif

#ifdef NWT_USE_TCP_STATE_KPROBE
/* tcp_set_state(struct sock *sk, int state): the old state is still in sk. */
int nwt_tcp_state_kp(struct pt_regs *ctx)
{
	u64 sk = PT_REGS_PARM1(ctx);
	int newstate = PT_REGS_PARM2(ctx);
	struct nwt_flow flow = {};
	u8 oldstate = 0;

	if (!nwt_sock_flow(sk, &flow, &oldstate))
		return 0;
	if (oldstate != newstate)
		nwt_emit_state(sk, oldstate, newstate, &flow);
	return 0;
}
#endif

#ifdef NWT_USE_TCP_LISTEN_KPROBE
/* inet_csk_listen_start(struct sock *sk, ...): runs in listen(), in the owner's context. */
int nwt_tcp_listen_kp(struct pt_regs *ctx)
{
	u64 sk = PT_REGS_PARM1(ctx);
	struct nwt_listener_owner owner = { .pid = nwt_current_tgid() };
	struct nwt_listener_key key = {};
	struct nwt_flow flow = {};

	NWT_READ_FIELD(flow.family, sk, NWT_OFF_SOCK_FAMILY);
	NWT_READ_FIELD(flow.sport, sk, NWT_OFF_SOCK_NUM);
	bpf_get_current_comm(owner.comm, sizeof(owner.comm));
	nwt_listener_key_of(&key, sk, &flow);
	listeners.update(&key, &owner);
	return 0;
}
#endif
