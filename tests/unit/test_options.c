/* SPDX-License-Identifier: Apache-2.0 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include <sys/socket.h>

#include "plan/options.h"

#define ARGV(...) ((char *[]){ "nwtrace", __VA_ARGS__, NULL })
#define ARGC(...) ((int)(sizeof((char *[]){ "nwtrace", __VA_ARGS__ }) / sizeof(char *)))
#define PARSE(opts, err, ...) \
	nwt_parse_options(ARGC(__VA_ARGS__), ARGV(__VA_ARGS__), opts, err, sizeof(err))

static void defaults_trace_lifecycle(void **state)
{
	struct nwt_options o;
	char err[256];
	char *argv[] = { "nwtrace", NULL };

	(void)state;
	assert_int_equal(nwt_parse_options(1, argv, &o, err, sizeof(err)), NWT_PARSE_RUN);
	assert_int_equal(o.features, NWT_FEATURE_LIFECYCLE);
	assert_int_equal(o.rate, 10000);
	assert_true(o.interval_s == 1.0);
	assert_int_equal(o.port, -1);
	assert_int_equal(o.pid, -1);
	assert_false(o.json);
	assert_int_equal(o.prefer, NWT_ATTACH_ANY);
}

static void parses_filters_and_output(void **state)
{
	struct nwt_options o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-i", "10.0.0.5", "-p", "443", "--sport", "1", "--dport",
			       "65535", "-P", "4242", "-4", "--json", "-R", "0", "-o", "/tmp/x",
			       "-D", "2.5", "-c", "7", "-v", "-v", "--interval", "0.5",
			       "--kernel-headers", "/usr/src/h", "--prefer", "kprobe"),
			 NWT_PARSE_RUN);
	assert_true(o.has_prefix);
	assert_int_equal(o.prefix.family, AF_INET);
	assert_int_equal(o.port, 443);
	assert_int_equal(o.sport, 1);
	assert_int_equal(o.dport, 65535);
	assert_int_equal(o.pid, 4242);
	assert_int_equal(o.family, AF_INET);
	assert_true(o.json);
	assert_int_equal(o.rate, 0);
	assert_string_equal(o.output_path, "/tmp/x");
	assert_true(o.duration_s == 2.5);
	assert_int_equal(o.count, 7);
	assert_int_equal(o.verbose, 2);
	assert_true(o.interval_s == 0.5);
	assert_string_equal(o.kernel_headers, "/usr/src/h");
	assert_int_equal(o.prefer, NWT_ATTACH_KPROBE);
}

static void help_version_and_list(void **state)
{
	struct nwt_options o;
	char err[256];

	(void)state;
	assert_int_equal(PARSE(&o, err, "-h"), NWT_PARSE_HELP);
	assert_int_equal(PARSE(&o, err, "--version"), NWT_PARSE_VERSION);
	assert_int_equal(PARSE(&o, err, "--list-probes", "-6"), NWT_PARSE_RUN);
	assert_true(o.list_probes);
	assert_int_equal(o.family, AF_INET6);
	assert_int_equal(PARSE(&o, err, "-u"), NWT_PARSE_RUN);
	assert_int_equal(o.features, NWT_FEATURE_UDP | NWT_FEATURE_UDP_RECORDS | NWT_FEATURE_UDP_OWNERS);
	assert_int_equal(PARSE(&o, err, "--udp", "-t"), NWT_PARSE_RUN);
	assert_int_equal(o.features, NWT_FEATURE_UDP | NWT_FEATURE_UDP_RECORDS | NWT_FEATURE_UDP_OWNERS |
					     NWT_FEATURE_PACKET);
	/* -s: counted per flow in the kernel; sockets' owners only matter to -P */
	assert_int_equal(PARSE(&o, err, "-u", "-s"), NWT_PARSE_RUN);
	assert_int_equal(o.features, NWT_FEATURE_UDP);
	assert_int_equal(PARSE(&o, err, "-u", "-s", "-P", "7"), NWT_PARSE_RUN);
	assert_int_equal(o.features, NWT_FEATURE_UDP | NWT_FEATURE_UDP_OWNERS);
	assert_int_equal(o.top_flows, 10);
	assert_int_equal(PARSE(&o, err, "-u", "-s", "--top-flows", "3"), NWT_PARSE_RUN);
	assert_int_equal(o.top_flows, 3);
	assert_int_equal(PARSE(&o, err, "--top-flows", "0"), NWT_PARSE_ERROR);
	assert_non_null(strstr(err, "--top-flows '0'"));
}

/* Each bad argument is an error whose message names the argument. */
static void rejects_bad_values(void **state)
{
	struct {
		char *argv[4];
		const char *named;
	} cases[] = {
		{ { "-p", "0" }, "-p '0'" },
		{ { "-p", "65536" }, "-p '65536'" },
		{ { "--port", "8o" }, "--port '8o'" },
		{ { "--sport", "-1" }, "--sport '-1'" },
		{ { "--dport", "" }, "--dport ''" },
		{ { "-i", "10.0.0.300" }, "-i '10.0.0.300'" },
		{ { "--ip", "10.0.0.0/33" }, "--ip '10.0.0.0/33'" },
		{ { "-P", "abc" }, "-P 'abc'" },
		{ { "-P", "0" }, "-P '0'" },
		{ { "--pid", "99999999999999999999" }, "--pid '99999999999999999999'" },
		{ { "-D", "0" }, "-D '0'" },
		{ { "--duration", "1s" }, "--duration '1s'" },
		{ { "-c", "0" }, "-c '0'" },
		{ { "-c", "-5" }, "-c '-5'" },
		{ { "--interval", "0" }, "--interval '0'" },
		{ { "--interval", "nan" }, "--interval 'nan'" },
		{ { "-R", "x" }, "-R 'x'" },
		{ { "--prefer", "fentry" }, "--prefer 'fentry'" },
		{ { "--bogus" }, "--bogus" },
		{ { "-Z" }, "-Z" },
		{ { "-p" }, "-p" },
		{ { "stray" }, "'stray'" },
		{ { "-4", "-6" }, "-4/-6" },
		{ { "-6", "-i", "10.0.0.1" }, "--ip" },
	};
	struct nwt_options o;
	char err[256];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *argv[6] = { "nwtrace" };
		int argc = 1;

		for (int k = 0; k < 4 && cases[i].argv[k]; k++)
			argv[argc++] = cases[i].argv[k];
		err[0] = '\0';
		assert_int_equal(nwt_parse_options(argc, argv, &o, err, sizeof(err)),
				 NWT_PARSE_ERROR);
		if (!strstr(err, cases[i].named))
			fail_msg("case %zu: '%s' does not name '%s'", i, err, cases[i].named);
		assert_null(strchr(err, '\n'));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(defaults_trace_lifecycle),
		cmocka_unit_test(parses_filters_and_output),
		cmocka_unit_test(help_version_and_list),
		cmocka_unit_test(rejects_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
