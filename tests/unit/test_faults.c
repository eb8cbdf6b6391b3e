/* SPDX-License-Identifier: Apache-2.0 */
/* Drops and error packets: options, decoding, naming, -T, JSON and table output. */
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

#include "decode/event_decode.h"
#include "decode/fault_decode.h"
#include "plan/options.h"
#include "output/output.h"
#include "plan/probe_plan.h"
#include "util/tcp_state.h"

static const char kallsyms_text[] =
	"ffffffff81f65000 T nft_do_chain\n"
	"ffffffff81f66000 t nft_do_chain_ipv4\n"
	"ffffffff82035b40 T tcp_v4_rcv\n"
	"ffffffff82040000 d some_data\n";

static struct nwt_fault_event netfilter_drop(void)
{
	struct nwt_fault_event e;

	memset(&e, 0, sizeof(e));
	e.hdr.ts_ns = 1000000000ULL;
	e.hdr.type = NWT_EVENT_PACKET_FAULT;
	e.kind = NWT_FAULT_DROP;
	e.flags = NWT_FAULT_F_REASON | NWT_FAULT_F_LOCATION | NWT_FAULT_F_FLOW | NWT_FAULT_F_PORTS |
		  NWT_FAULT_F_TCP_FLAGS | NWT_FAULT_F_SEQ | NWT_FAULT_F_IFACE |
		  NWT_FAULT_F_IP_PROTO | NWT_FAULT_F_L3PROTO;
	e.reason = 12;
	e.location = 0xffffffff81f653e8ULL;
	e.flow.family = AF_INET;
	inet_pton(AF_INET, "10.1.0.1", e.flow.saddr);
	inet_pton(AF_INET, "10.1.0.2", e.flow.daddr);
	e.flow.sport = 40000;
	e.flow.dport = 9;
	e.tcp_flags = 0x02;
	e.seq = 4000000000u;
	e.ack = 77;	/* no ACK flag: must not be shown */
	e.ifindex = 2;
	memcpy(e.ifname, "veth-with-16-chr", 16);	/* not NUL-terminated */
	e.ip_proto = 6;
	e.l3proto = 0x0800;
	return e;
}

static struct nwt_drop_reasons reasons_6_18(void)
{
	const char *dir = getenv("NWT_TEST_DATA");
	char path[512], *text;
	struct nwt_drop_reasons dr;

	snprintf(path, sizeof(path), "%s/kfree_skb.format.6.18", dir ? dir : "tests/data");
	text = nwt_read_text_file(path);
	assert_non_null(text);
	nwt_drop_reasons_init(&dr, NULL, text, NULL);
	free(text);
	return dr;
}

static struct nwt_record decode_and_resolve(const struct nwt_fault_event *e, bool with_ksyms)
{
	struct nwt_drop_reasons dr = reasons_6_18();
	struct nwt_ksyms ksyms;
	struct nwt_record rec;
	FILE *f = fmemopen((void *)kallsyms_text, sizeof(kallsyms_text) - 1, "r");

	assert_int_equal(nwt_ksyms_load(&ksyms, f), 0);
	fclose(f);
	assert_int_equal(nwt_decode_event(e, sizeof(*e), 0, &rec), 0);
	nwt_fault_resolve(&rec, &dr, with_ksyms ? &ksyms : NULL);
	nwt_ksyms_free(&ksyms);
	nwt_drop_reasons_free(&dr);
	return rec;
}

static char *render(const struct nwt_record *rec, bool json)
{
	FILE *out = tmpfile();
	char *text = calloc(1, 4096);

	assert_non_null(out);
	if (json)
		assert_int_equal(nwt_json_print_record(out, rec), 0);
	else
		nwt_table_print_record(out, rec);
	rewind(out);
	assert_true(fread(text, 1, 4095, out) > 0);
	fclose(out);
	return text;
}

static void options_k_e_T(void **state)
{
	char *argv[] = { "nwtrace", "-k", "-e", "-T", "-p", "80", NULL };
	char *argv_long[] = { "nwtrace", "--drop", "--addr-to-func", NULL };
	struct nwt_options opts;
	char err[256];

	(void)state;
	assert_int_equal(nwt_parse_options(6, argv, &opts, err, sizeof(err)), NWT_PARSE_RUN);
	assert_int_equal(opts.features, NWT_FEATURE_DROP | NWT_FEATURE_ERR);
	assert_true(opts.addr_to_func);
	assert_int_equal(opts.port, 80);
	assert_int_equal(nwt_parse_options(3, argv_long, &opts, err, sizeof(err)), NWT_PARSE_RUN);
	assert_int_equal(opts.features, NWT_FEATURE_DROP);
	assert_true(opts.addr_to_func);
}

static void drop_json_names_reason_and_location(void **state)
{
	struct nwt_fault_event e = netfilter_drop();
	struct nwt_record rec = decode_and_resolve(&e, true);
	char *text = render(&rec, true);
	json_t *obj = json_loads(text, 0, NULL);

	(void)state;
	assert_non_null(obj);
	assert_string_equal(json_string_value(json_object_get(obj, "type")), "drop");
	assert_string_equal(json_string_value(json_object_get(obj, "reason")), "NETFILTER_DROP");
	assert_int_equal(json_integer_value(json_object_get(obj, "reason_code")), 12);
	assert_string_equal(json_string_value(json_object_get(obj, "location")),
			    "nft_do_chain+0x3e8");
	assert_string_equal(json_string_value(json_object_get(obj, "saddr")), "10.1.0.1");
	assert_int_equal(json_integer_value(json_object_get(obj, "dport")), 9);
	assert_string_equal(json_string_value(json_object_get(obj, "proto")), "tcp");
	assert_string_equal(json_string_value(json_object_get(obj, "tcp_flags")), "S");
	assert_int_equal(json_integer_value(json_object_get(obj, "seq")), 4000000000LL);
	assert_null(json_object_get(obj, "ack"));
	assert_string_equal(json_string_value(json_object_get(obj, "ifname")), "veth-with-16-chr");
	/* unknown to the kernel here: absent, never 0 */
	assert_null(json_object_get(obj, "pid"));
	assert_null(json_object_get(obj, "state"));
	assert_null(json_object_get(obj, "sock"));
	json_decref(obj);
	free(text);
}

static void without_T_the_location_is_an_address(void **state)
{
	struct nwt_fault_event e = netfilter_drop();
	struct nwt_record rec = decode_and_resolve(&e, false);
	char *text = render(&rec, true);

	(void)state;
	assert_non_null(strstr(text, "\"location\":\"0xffffffff81f653e8\""));
	free(text);
}

static void table_row_for_drop(void **state)
{
	struct nwt_fault_event e = netfilter_drop();
	struct nwt_record rec = decode_and_resolve(&e, true);
	char *row = render(&rec, false);

	(void)state;
	assert_non_null(strstr(row, "10.1.0.1:40000"));
	assert_non_null(strstr(row, "10.1.0.2:9"));
	assert_non_null(strstr(row, "drop NETFILTER_DROP [S] at nft_do_chain+0x3e8 on veth-with-16-chr\n"));
	assert_non_null(strstr(row, "      - - "));	/* no pid, no comm */
	free(row);
}

static void non_ip_drop_has_no_addresses(void **state)
{
	struct nwt_fault_event e = netfilter_drop();
	struct nwt_record rec;
	char *text, *row;
	json_t *obj;

	(void)state;
	e.flags = NWT_FAULT_F_LOCATION | NWT_FAULT_F_L3PROTO;	/* e.g. ARP, no reason on this kernel */
	e.l3proto = 0x0806;
	rec = decode_and_resolve(&e, true);
	text = render(&rec, true);
	obj = json_loads(text, 0, NULL);
	assert_non_null(obj);
	assert_null(json_object_get(obj, "family"));
	assert_null(json_object_get(obj, "saddr"));
	assert_null(json_object_get(obj, "sport"));
	assert_null(json_object_get(obj, "reason"));
	assert_string_equal(json_string_value(json_object_get(obj, "ethertype")), "0x0806");
	row = render(&rec, false);
	assert_non_null(strstr(row, " - "));
	assert_non_null(strstr(row, "drop at nft_do_chain+0x3e8"));
	json_decref(obj);
	free(text);
	free(row);
}

static void reset_sent_names_the_reset_reason(void **state)
{
	struct nwt_fault_event e = netfilter_drop();
	struct nwt_drop_reasons dr = reasons_6_18();
	struct nwt_record rec;
	char *row;

	(void)state;
	e.kind = NWT_FAULT_RESET_SENT;
	e.flags = NWT_FAULT_F_REASON | NWT_FAULT_F_FLOW | NWT_FAULT_F_PORTS | NWT_FAULT_F_SEQ |
		  NWT_FAULT_F_ACK | NWT_FAULT_F_STATE;
	e.reason = 1;
	e.seq = 0;
	e.ack = 1001;
	e.sk_state = NWT_TCP_ESTABLISHED;
	dr.rst_reasons.entries = calloc(1, sizeof(*dr.rst_reasons.entries));
	dr.rst_reasons.n = 1;
	dr.rst_reasons.entries[0].value = 1;
	strcpy(dr.rst_reasons.entries[0].name, "NO_SOCKET");
	assert_int_equal(nwt_decode_event(&e, sizeof(e), 0, &rec), 0);
	nwt_fault_resolve(&rec, &dr, NULL);
	row = render(&rec, false);
	assert_non_null(strstr(row, "reset_sent NO_SOCKET seq=0 ack=1001 ESTAB\n"));
	free(row);
	nwt_drop_reasons_free(&dr);
}

static void decoder_rejects_bad_fault_records(void **state)
{
	struct nwt_fault_event e = netfilter_drop();
	struct nwt_record rec;

	(void)state;
	assert_int_not_equal(nwt_decode_event(&e, sizeof(e) - 1, 0, &rec), 0);
	e.kind = NWT_FAULT_KIND_MAX;
	assert_int_not_equal(nwt_decode_event(&e, sizeof(e), 0, &rec), 0);
	e.kind = 0;
	assert_int_not_equal(nwt_decode_event(&e, sizeof(e), 0, &rec), 0);
}

/* A pretend kernel for the real catalog's -k/-e rows. */
struct fake_kernel {
	bool tracepoints, kprobes;
	const char *symbol;	/* the one function kallsyms has */
};

static bool fake_tp(void *ctx, const char *category, const char *event)
{
	(void)category;
	(void)event;
	return ((struct fake_kernel *)ctx)->tracepoints;
}

static bool fake_kprobes(void *ctx, char *reason, size_t len)
{
	snprintf(reason, len, "no kprobes");
	return ((struct fake_kernel *)ctx)->kprobes;
}

static bool fake_resolve(void *ctx, const char *fn, char *symbol, size_t len)
{
	struct fake_kernel *k = ctx;

	if (!k->symbol || strcmp(k->symbol, fn))
		return false;
	snprintf(symbol, len, "%s", fn);
	return true;
}

static bool fake_offset(void *ctx, const char *define)
{
	(void)ctx;
	(void)define;
	return true;
}

static const char *chosen(const struct nwt_plan *plan, const char *probe)
{
	for (size_t i = 0; i < plan->n_probes; i++)
		if (!strcmp(plan->probes[i].probe->name, probe))
			return plan->probes[i].chosen < 0
				       ? "none"
				       : plan->probes[i].probe->alts[plan->probes[i].chosen].program;
	return "not planned";
}

static void catalog_rows_fall_back_in_order(void **state)
{
	struct fake_kernel k = { .tracepoints = true };
	struct nwt_kernel_facts facts = { &k, fake_tp, fake_kprobes, fake_resolve, fake_offset,
					  NULL, "" };
	struct nwt_plan plan;

	(void)state;
	nwt_plan_build(&plan, nwt_probe_catalog, nwt_probe_catalog_len,
		       NWT_FEATURE_DROP | NWT_FEATURE_ERR, NWT_ATTACH_ANY, &facts);
	assert_string_equal(chosen(&plan, "drop"), "nwt_drop_raw");
	assert_string_equal(chosen(&plan, "tcp_bad_csum"), "nwt_csum_raw");
	assert_string_equal(chosen(&plan, "tcp_bad_seq"), "nwt_seq_raw");
	assert_string_equal(chosen(&plan, "tcp_rst_sent"), "nwt_rst_tx_raw");
	assert_string_equal(chosen(&plan, "tcp_rst_recv"), "nwt_rst_rx_raw");
	/* planned for socket owners (its records stay off without the lifecycle feature) */
	assert_string_equal(chosen(&plan, "tcp_state"), "nwt_tcp_state_tp");
	nwt_plan_build(&plan, nwt_probe_catalog, nwt_probe_catalog_len, NWT_FEATURE_DROP,
		       NWT_ATTACH_TRACEPOINT, &facts);
	assert_string_equal(chosen(&plan, "drop"), "nwt_drop_tp");
	/* no tracepoints: 5.17-6.11 kernels export kfree_skb_reason, 6.12+ sk_skb_reason_drop */
	k = (struct fake_kernel){ .kprobes = true, .symbol = "kfree_skb_reason" };
	nwt_plan_build(&plan, nwt_probe_catalog, nwt_probe_catalog_len, NWT_FEATURE_DROP,
		       NWT_ATTACH_ANY, &facts);
	assert_string_equal(chosen(&plan, "drop"), "nwt_drop_kp_reason");
	k.symbol = "sk_skb_reason_drop";
	nwt_plan_build(&plan, nwt_probe_catalog, nwt_probe_catalog_len, NWT_FEATURE_DROP,
		       NWT_ATTACH_ANY, &facts);
	assert_string_equal(chosen(&plan, "drop"), "nwt_drop_kp_sk");
	k.kprobes = false;
	nwt_plan_build(&plan, nwt_probe_catalog, nwt_probe_catalog_len, NWT_FEATURE_ERR,
		       NWT_ATTACH_ANY, &facts);
	assert_non_null(nwt_plan_first_unavailable(&plan));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(options_k_e_T),
		cmocka_unit_test(drop_json_names_reason_and_location),
		cmocka_unit_test(without_T_the_location_is_an_address),
		cmocka_unit_test(table_row_for_drop),
		cmocka_unit_test(non_ip_drop_has_no_addresses),
		cmocka_unit_test(reset_sent_names_the_reset_reason),
		cmocka_unit_test(decoder_rejects_bad_fault_records),
		cmocka_unit_test(catalog_rows_fall_back_in_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
