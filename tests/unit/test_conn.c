/* SPDX-License-Identifier: Apache-2.0 */
/* -x/-r/-S/-a without a kernel: decoding, formatting, the table, options, plan, defines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "plan/bpf_defines.h"
#include "decode/conn_decode.h"
#include "decode/conn_table.h"
#include "decode/event_decode.h"
#include "plan/options.h"
#include "output/output.h"
#include "output/output_conn.h"
#include "plan/probe_plan.h"
#include "util/tcp_state.h"

#define WALL_OFFSET (1795219200LL * 1000000000LL)	/* boot = 2026-11-21T00:00:00Z */

/* A client connection's sample as the iterator writes it. */
static struct nwt_conn_sample client_sample(void)
{
	struct nwt_conn_sample s;

	memset(&s, 0, sizeof(s));
	s.hdr.ts_ns = 5000000000ULL;
	s.hdr.type = NWT_EVENT_CONN;
	s.hdr.pid = 77;
	memcpy(s.hdr.comm, "iperf3", 7);
	s.sock_id = 0xffff888101bbd340ULL;
	s.opened_ns = 2000000000ULL;
	s.flow.family = AF_INET;
	inet_pton(AF_INET, "10.0.0.1", s.flow.saddr);
	inet_pton(AF_INET, "10.0.0.2", s.flow.daddr);
	s.flow.sport = 42468;
	s.flow.dport = 5201;
	s.flags = NWT_CONN_F_OWNER_KNOWN | NWT_CONN_F_OPENED;
	s.state = NWT_TCP_ESTABLISHED;
	s.role = NWT_ROLE_CLIENT;
	s.snd_cwnd = 946;
	s.snd_ssthresh = 154;
	s.srtt_us8 = 157 << 3;
	s.rcv_wnd = 439296;
	s.total_retrans = 3;
	s.bytes_acked = 4000001;
	s.bytes_received = 1000000;
	s.sndbuf = 3068928;
	s.wmem_queued = 0;
	return s;
}

static struct nwt_record decode(const void *data, size_t size)
{
	struct nwt_record rec;

	assert_int_equal(nwt_decode_event(data, size, WALL_OFFSET, &rec), 0);
	return rec;
}

static json_t *as_json(const struct nwt_record *rec)
{
	FILE *out = tmpfile();
	char text[4096] = "";
	json_error_t err;
	json_t *obj;

	assert_int_equal(nwt_json_print_record(out, rec), 0);
	rewind(out);
	assert_non_null(fgets(text, sizeof(text), out));
	fclose(out);
	obj = json_loads(text, 0, &err);
	assert_non_null(obj);
	return obj;
}

static long long jint(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);

	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void conn_sample_decodes_like_ss(void **state)
{
	struct nwt_conn_sample s = client_sample();
	struct nwt_record rec = decode(&s, sizeof(s));
	const struct nwt_conn_metrics *m = &rec.conn;

	(void)state;
	assert_int_equal(rec.kind, NWT_REC_CONN);
	assert_true(rec.has_pid);
	assert_int_equal(rec.sport, 42468);
	assert_true(m->has_srtt_us);
	assert_int_equal(m->srtt_us, 157);	/* the kernel keeps srtt << 3 */
	assert_true(m->has_duration_us);
	assert_int_equal(m->duration_us, 3000000);
	assert_false(m->has_retrans_counts);
	assert_false(m->listener);
	assert_false(m->closed);
	assert_int_not_equal(nwt_decode_event(&s, sizeof(s) - 1, 0, &rec), 0);
}

static void conn_json_fields_and_absences(void **state)
{
	struct nwt_conn_sample s = client_sample();
	struct nwt_record rec;
	json_t *obj;

	(void)state;
	rec = decode(&s, sizeof(s));
	obj = as_json(&rec);
	assert_string_equal(json_string_value(json_object_get(obj, "type")), "conn");
	assert_string_equal(json_string_value(json_object_get(obj, "state")), "ESTABLISHED");
	assert_true(json_is_false(json_object_get(obj, "closed")));
	assert_true(json_is_false(json_object_get(obj, "is_server")));
	assert_int_equal(jint(obj, "cwnd"), 946);
	assert_int_equal(jint(obj, "ssthresh"), 154);
	assert_int_equal(jint(obj, "srtt_us"), 157);
	assert_int_equal(jint(obj, "bytes_acked"), 4000001);
	assert_int_equal(jint(obj, "bytes_received"), 1000000);
	assert_int_equal(jint(obj, "rwnd"), 439296);
	assert_int_equal(jint(obj, "sndbuf"), 3068928);
	assert_int_equal(jint(obj, "wmem_queued"), 0);
	assert_int_equal(jint(obj, "total_retrans"), 3);
	assert_int_equal(jint(obj, "duration_us"), 3000000);
	assert_null(json_object_get(obj, "fast_retrans"));	/* no -r */
	assert_null(json_object_get(obj, "backlog"));		/* not a listener */
	json_decref(obj);

	/* What the kernel cannot say is absent, never 0. */
	s.srtt_us8 = 0;
	s.snd_ssthresh = NWT_TCP_INFINITE_SSTHRESH;
	s.flags = NWT_CONN_F_RETRANS_COUNTS;
	s.role = NWT_ROLE_UNKNOWN;
	s.fast_retrans = 2;
	rec = decode(&s, sizeof(s));
	obj = as_json(&rec);
	assert_null(json_object_get(obj, "srtt_us"));
	assert_null(json_object_get(obj, "ssthresh"));
	assert_null(json_object_get(obj, "duration_us"));
	assert_null(json_object_get(obj, "pid"));
	assert_null(json_object_get(obj, "is_server"));
	assert_int_equal(jint(obj, "fast_retrans"), 2);
	assert_int_equal(jint(obj, "timeout_retrans"), 0);
	json_decref(obj);
}

static void listener_and_closed_rows(void **state)
{
	struct nwt_conn_sample s = client_sample();
	struct nwt_record rec;
	json_t *obj;

	(void)state;
	s.state = NWT_TCP_LISTEN;
	s.role = NWT_ROLE_LISTENER;
	s.ack_backlog = 3;
	s.max_ack_backlog = 128;
	rec = decode(&s, sizeof(s));
	obj = as_json(&rec);
	assert_int_equal(jint(obj, "backlog"), 3);
	assert_int_equal(jint(obj, "max_backlog"), 128);
	assert_null(json_object_get(obj, "cwnd"));
	assert_null(json_object_get(obj, "direction"));	/* a listener opened nothing */
	assert_string_equal(json_string_value(json_object_get(obj, "state")), "LISTEN");
	json_decref(obj);

	s = client_sample();
	s.flags |= NWT_CONN_F_CLOSED;
	s.state = NWT_TCP_CLOSE;
	rec = decode(&s, sizeof(s));
	obj = as_json(&rec);
	assert_true(json_is_true(json_object_get(obj, "closed")));
	assert_string_equal(json_string_value(json_object_get(obj, "state")), "CLOSE");
	assert_int_equal(jint(obj, "bytes_acked"), 4000001);
	json_decref(obj);
}

static void table_is_readable(void **state)
{
	struct nwt_conn_sample s = client_sample();
	struct nwt_record rec = decode(&s, sizeof(s));
	char buf[32], text[4096] = "";
	FILE *out = tmpfile();
	size_t n;

	(void)state;
	assert_string_equal(nwt_format_bytes(512, buf, sizeof(buf)), "512");
	assert_string_equal(nwt_format_bytes(1536, buf, sizeof(buf)), "1.5K");
	assert_string_equal(nwt_format_bytes(34 * 1024, buf, sizeof(buf)), "34K");
	assert_string_equal(nwt_format_bytes(1258291, buf, sizeof(buf)), "1.2M");
	assert_string_equal(nwt_format_bytes(5ULL << 30, buf, sizeof(buf)), "5.0G");

	nwt_conn_table_print_header(out, 0, 1);
	nwt_conn_table_print_row(out, &rec);
	rewind(out);
	n = fread(text, 1, sizeof(text) - 1, out);
	fclose(out);
	text[n] = '\0';
	assert_non_null(strstr(text, "CONNECTIONS"));
	assert_non_null(strstr(text, "CWND"));
	assert_non_null(strstr(text, "10.0.0.1:42468"));
	assert_non_null(strstr(text, " 946 "));
	assert_non_null(strstr(text, "3.8M"));	/* bytes_acked */
	assert_non_null(strstr(text, "157us"));
	assert_non_null(strstr(text, "ESTAB"));
}

static void retrans_record(void **state)
{
	struct nwt_retrans_event e;
	struct nwt_record rec;
	char cell[64];
	json_t *obj;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.hdr.ts_ns = 1000;
	e.hdr.type = NWT_EVENT_TCP_RETRANS;
	e.hdr.pid = 9;
	e.flow.family = AF_INET;
	e.flow.sport = 40000;
	e.flow.dport = 80;
	e.seq = 123456789;
	e.state = NWT_TCP_ESTABLISHED;
	e.flags = NWT_RETRANS_F_OWNER_KNOWN | NWT_RETRANS_F_SEQ | NWT_RETRANS_F_ERR |
		  NWT_RETRANS_F_SEGS;
	e.segs = 1;
	e.fast_retrans = 1;
	rec = decode(&e, sizeof(e));
	assert_int_equal(rec.kind, NWT_REC_RETRANS);
	obj = as_json(&rec);
	assert_string_equal(json_string_value(json_object_get(obj, "type")), "retrans");
	assert_int_equal(jint(obj, "seq"), 123456789);
	assert_int_equal(jint(obj, "segs"), 1);
	assert_int_equal(jint(obj, "err"), 0);
	assert_int_equal(jint(obj, "fast_retrans"), 1);
	assert_int_equal(jint(obj, "pid"), 9);
	json_decref(obj);
	nwt_format_retrans_cell(&rec, cell, sizeof(cell));
	assert_string_equal(cell, "retrans seq=123456789 ESTAB");

	/* a TSO skb: several segments in one record */
	e.segs = 7;
	rec = decode(&e, sizeof(e));
	obj = as_json(&rec);
	assert_int_equal(jint(obj, "segs"), 7);
	json_decref(obj);
	nwt_format_retrans_cell(&rec, cell, sizeof(cell));
	assert_string_equal(cell, "retrans seq=123456789 x7 ESTAB");

	e.flags = 0;	/* no seq, err or segment count read */
	rec = decode(&e, sizeof(e));
	obj = as_json(&rec);
	assert_null(json_object_get(obj, "segs"));
	assert_null(json_object_get(obj, "seq"));
	assert_null(json_object_get(obj, "err"));
	assert_null(json_object_get(obj, "pid"));
	json_decref(obj);
}

static void transition_record(void **state)
{
	struct nwt_tcp_state_event e;
	struct nwt_record rec;
	char cell[64];
	json_t *obj;

	(void)state;
	memset(&e, 0, sizeof(e));
	e.hdr.type = NWT_EVENT_TCP_STATE;
	e.flow.family = AF_INET;
	e.old_state = NWT_TCP_SYN_SENT;
	e.new_state = NWT_TCP_ESTABLISHED;
	e.flags = NWT_STATE_F_STATE_TIME;
	e.state_ns = 1200000;
	rec = decode(&e, sizeof(e));
	nwt_record_as_transition(&rec);
	assert_int_equal(rec.kind, NWT_REC_TRANSITION);
	nwt_format_transition_cell(&rec, cell, sizeof(cell));
	assert_string_equal(cell, "SYN-SENT>ESTAB 1.2ms");
	obj = as_json(&rec);
	assert_string_equal(json_string_value(json_object_get(obj, "type")), "state");
	assert_int_equal(jint(obj, "old_state_us"), 1200);
	json_decref(obj);

	e.flags = 0;	/* the state before the first one seen has no known start */
	rec = decode(&e, sizeof(e));
	nwt_record_as_transition(&rec);
	nwt_format_transition_cell(&rec, cell, sizeof(cell));
	assert_string_equal(cell, "SYN-SENT>ESTAB");
}

static struct nwt_conn_sample sample_of(uint64_t sock_id, bool closed, uint64_t ts)
{
	struct nwt_conn_sample s = client_sample();

	s.sock_id = sock_id;
	s.hdr.ts_ns = ts;
	if (closed)
		s.flags |= NWT_CONN_F_CLOSED;
	return s;
}

static void table_passes_and_closes(void **state)
{
	struct nwt_conn_table t;
	struct nwt_conn_sample s;

	(void)state;
	nwt_conn_table_init(&t, 3, false);
	nwt_conn_table_begin(&t);
	for (uint64_t id = 3; id >= 1; id--) {
		s = sample_of(id, false, 1);
		assert_int_equal(nwt_conn_table_update(&t, &s), 0);
	}
	nwt_conn_table_end(&t);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.entries[0].sample.sock_id, 1);	/* kept sorted */
	s = sample_of(4, false, 1);
	assert_int_not_equal(nwt_conn_table_update(&t, &s), 0);	/* bounded */
	assert_int_equal(t.overflow, 1);

	/* A pass that no longer sees socket 2 drops it; a close without -a drops 3. */
	nwt_conn_table_begin(&t);
	s = sample_of(1, false, 2);
	nwt_conn_table_update(&t, &s);
	s = sample_of(3, false, 2);
	nwt_conn_table_update(&t, &s);
	nwt_conn_table_end(&t);
	assert_int_equal(t.n, 2);
	s = sample_of(3, true, 3);
	nwt_conn_table_closed(&t, &s);
	assert_int_equal(t.n, 1);
	assert_int_equal(t.entries[0].sample.sock_id, 1);
	nwt_conn_table_free(&t);
}

static void table_keeps_closed_with_all(void **state)
{
	struct nwt_conn_table t;
	struct nwt_conn_sample s;

	(void)state;
	nwt_conn_table_init(&t, 2, true);
	s = sample_of(10, true, 5);
	nwt_conn_table_closed(&t, &s);
	s = sample_of(11, true, 6);
	nwt_conn_table_closed(&t, &s);
	nwt_conn_table_begin(&t);
	nwt_conn_table_end(&t);	/* closed rows survive passes that cannot see them */
	assert_int_equal(t.n, 2);
	/* Full: the oldest closed row makes room for a live one. */
	s = sample_of(12, false, 7);
	assert_int_equal(nwt_conn_table_update(&t, &s), 0);
	assert_int_equal(t.n, 2);
	assert_int_equal(t.entries[0].sample.sock_id, 11);
	assert_int_equal(t.entries[1].sample.sock_id, 12);
	nwt_conn_table_free(&t);
}

static enum nwt_parse_result parse(struct nwt_options *o, int argc, char **argv)
{
	char err[256];

	return nwt_parse_options(argc, argv, o, err, sizeof(err));
}

static void options_and_defines(void **state)
{
	char *x[] = { "nwtrace", "-x", "-r", NULL };
	char *a[] = { "nwtrace", "--all", "--state", NULL };
	struct nwt_plan plan = { 0 };
	struct nwt_kernel_offsets offs = { .from_btf = true };
	struct nwt_cflags cf = { 0 };
	struct nwt_options o;

	(void)state;
	assert_int_equal(parse(&o, 3, x), NWT_PARSE_RUN);
	assert_int_equal(o.features, NWT_FEATURE_CONN | NWT_FEATURE_RETRANS);
	assert_false(o.keep_closed);
	assert_int_equal(nwt_cflags_build(&cf, &o, &plan, &offs), 0);
	assert_non_null(nwt_cflags_define(&cf, "NWT_WANT_CONN"));
	assert_non_null(nwt_cflags_define(&cf, "NWT_WANT_RETRANS"));
	assert_non_null(nwt_cflags_define(&cf, "NWT_STATE_TRACK_ONLY"));
	nwt_cflags_free(&cf);

	assert_int_equal(parse(&o, 3, a), NWT_PARSE_RUN);
	assert_int_equal(o.features, NWT_FEATURE_CONN | NWT_FEATURE_STATE);	/* -a implies -x */
	assert_true(o.keep_closed);
	assert_int_equal(nwt_cflags_build(&cf, &o, &plan, &offs), 0);
	assert_null(nwt_cflags_define(&cf, "NWT_STATE_TRACK_ONLY"));	/* -S wants the events */
	assert_null(nwt_cflags_define(&cf, "NWT_WANT_RETRANS"));
	nwt_cflags_free(&cf);
}

/* A kernel with tracepoints and iterators but no kprobes. */
static bool yes_tp(void *ctx, const char *c, const char *e)
{
	(void)ctx, (void)c, (void)e;
	return true;
}
static bool no_kprobes(void *ctx, char *reason, size_t len)
{
	(void)ctx;
	snprintf(reason, len, "no kprobes");
	return false;
}
static bool resolve_iter(void *ctx, const char *fn, char *symbol, size_t len)
{
	bool *has_iter = ctx;

	if (strcmp(fn, "bpf_iter_tcp") || !*has_iter)
		return false;
	snprintf(symbol, len, "%s", fn);
	return true;
}
static bool yes_offset(void *ctx, const char *define)
{
	(void)ctx, (void)define;
	return true;
}

static void plan_has_iterator_and_fallbacks(void **state)
{
	bool has_iter = true;
	struct nwt_kernel_facts facts = { &has_iter, yes_tp, no_kprobes, resolve_iter, yes_offset,
					  NULL, "" };
	struct nwt_plan plan;

	(void)state;
	nwt_plan_build(&plan, nwt_probe_catalog, nwt_probe_catalog_len,
		       NWT_FEATURE_CONN | NWT_FEATURE_RETRANS, NWT_ATTACH_ANY, &facts);
	assert_null(nwt_plan_first_unavailable(&plan));
	for (size_t i = 0; i < plan.n_probes; i++) {
		const struct nwt_planned_probe *pp = &plan.probes[i];

		if (!strcmp(pp->probe->name, "conn_iter"))
			assert_int_equal(pp->probe->alts[pp->chosen].kind, NWT_ATTACH_ITER);
		if (!strcmp(pp->probe->name, "retrans_fast") || !strcmp(pp->probe->name, "retransmit"))
			assert_int_equal(pp->probe->alts[pp->chosen].kind, NWT_ATTACH_TRACEPOINT);
	}
	/* The lifecycle probe comes along: -x/-r need socket owners. */
	assert_string_equal(plan.probes[0].probe->name, "tcp_state");

	has_iter = false;
	nwt_plan_build(&plan, nwt_probe_catalog, nwt_probe_catalog_len, NWT_FEATURE_CONN,
		       NWT_ATTACH_ANY, &facts);
	assert_non_null(nwt_plan_first_unavailable(&plan));
	assert_string_equal(nwt_plan_first_unavailable(&plan)->probe->name, "conn_iter");
	assert_non_null(strstr(plan.probes[1].status[0].reason, "iterator"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conn_sample_decodes_like_ss),
		cmocka_unit_test(conn_json_fields_and_absences),
		cmocka_unit_test(listener_and_closed_rows),
		cmocka_unit_test(table_is_readable),
		cmocka_unit_test(retrans_record),
		cmocka_unit_test(transition_record),
		cmocka_unit_test(table_passes_and_closes),
		cmocka_unit_test(table_keeps_closed_with_all),
		cmocka_unit_test(options_and_defines),
		cmocka_unit_test(plan_has_iterator_and_fallbacks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
