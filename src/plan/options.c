/* SPDX-License-Identifier: Apache-2.0 */
#include "plan/options.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

const char nwt_usage[] =
	"Usage: nwtrace [FEATURES] [FILTERS] [OUTPUT]\n"
	"       nwtrace --list-probes [FEATURES]\n"
	"Trace what the Linux network stack does to TCP connections.\n"
	"With no feature flag: TCP connection lifecycle (connect, accept, state changes, close).\n"
	"\n"
	"Features (any combination):\n"
	"  -x, --extra             connection table every --interval: backlog, rwnd, cwnd, ssthresh,\n"
	"                          sndbuf, wmem_queued, bytes received/acked, srtt, duration, retrans\n"
	"  -r, --retrans           fast-retransmit/RTO counts per connection, a record per retransmit\n"
	"  -S, --state             every TCP state change with the time spent in the previous state\n"
	"  -a, --all               keep closed connections in the -x table (implies -x)\n"
	"  -t, --time              one record per TCP packet (rx, tx) with seq/ack and per-layer times\n"
	"      --hops              one record per kernel point a packet passes\n"
	"  -H, --http              HTTP/1.x request/status line carried by a packet (implies -t)\n"
	"  -u, --udp               one record per UDP datagram (tx, rx) with per-layer times; UDP drops;\n"
	"                          with -s, traffic per flow\n"
	"  -k, --drop              packet drops with the running kernel's drop reason and location\n"
	"  -e, --err               error packets: bad checksum, invalid sequence, resets sent/received\n"
	"  -T, --addr-to-func      print kernel addresses as function+offset (/proc/kallsyms)\n"
	"\n"
	"Filters (applied inside the kernel):\n"
	"  -i, --ip ADDR[/LEN]     source or destination address in ADDR/LEN (IPv4 or IPv6)\n"
	"  -p, --port PORT         source or destination port\n"
	"      --sport PORT        source (local) port\n"
	"      --dport PORT        destination (remote) port\n"
	"  -P, --pid PID           process owning the socket\n"
	"  -4, --ipv4 / -6, --ipv6 one address family only\n"
	"\n"
	"Output:\n"
	"  -j, --json              JSON Lines on stdout, one object per event\n"
	"  -R, --rate N            at most N events/s leave the kernel (default 10000, 0 = no limit)\n"
	"      --interval SEC      period of periodic reports (default 1)\n"
	"  -o, --output FILE       write events to FILE instead of stdout\n"
	"  -D, --duration SEC      stop after SEC seconds\n"
	"  -c, --count N           stop after N events\n"
	"  -s, --stats             no per-event lines: a summary every --interval and at exit\n"
	"      --top-flows N       -u -s: the N flows with the most bytes (default 10), the rest in one line\n"
	"  -v, --verbose           probe plan, kernel notes and compiler diagnostics on stderr\n"
	"      --kernel-headers DIR  kernel headers to compile the probes against\n"
	"      --prefer KIND       try KIND first: tracepoint, raw_tracepoint, btf_tracepoint or kprobe\n"
	"      --list-probes       print the probe plan for this kernel and exit\n"
	"      --verify-probes     compile and load (verifier only) every attach alternative\n"
	"                          of the selected features, attach nothing, and exit\n"
	"  -h, --help              this text\n"
	"      --version           nwtrace, libbcc and kernel versions\n";

enum long_only_option {
	OPT_SPORT = 0x100,
	OPT_DPORT,
	OPT_INTERVAL,
	OPT_KERNEL_HEADERS,
	OPT_LIST_PROBES,
	OPT_VERSION,
	OPT_PREFER,
	OPT_VERIFY_PROBES,
	OPT_HOPS,
	OPT_TOP_FLOWS,
};

static const struct option long_options[] = {
	{ "ip", required_argument, NULL, 'i' },
	{ "port", required_argument, NULL, 'p' },
	{ "sport", required_argument, NULL, OPT_SPORT },
	{ "dport", required_argument, NULL, OPT_DPORT },
	{ "pid", required_argument, NULL, 'P' },
	{ "ipv4", no_argument, NULL, '4' },
	{ "ipv6", no_argument, NULL, '6' },
	{ "json", no_argument, NULL, 'j' },
	{ "rate", required_argument, NULL, 'R' },
	{ "interval", required_argument, NULL, OPT_INTERVAL },
	{ "top-flows", required_argument, NULL, OPT_TOP_FLOWS },
	{ "output", required_argument, NULL, 'o' },
	{ "duration", required_argument, NULL, 'D' },
	{ "count", required_argument, NULL, 'c' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "kernel-headers", required_argument, NULL, OPT_KERNEL_HEADERS },
	{ "prefer", required_argument, NULL, OPT_PREFER },
	{ "list-probes", no_argument, NULL, OPT_LIST_PROBES },
	{ "verify-probes", no_argument, NULL, OPT_VERIFY_PROBES },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "time", no_argument, NULL, 't' },
	{ "udp", no_argument, NULL, 'u' },
	{ "hops", no_argument, NULL, OPT_HOPS },
	{ "http", no_argument, NULL, 'H' },
	{ "stats", no_argument, NULL, 's' },
	{ "extra", no_argument, NULL, 'x' },
	{ "retrans", no_argument, NULL, 'r' },
	{ "state", no_argument, NULL, 'S' },
	{ "all", no_argument, NULL, 'a' },
	{ "drop", no_argument, NULL, 'k' },
	{ "err", no_argument, NULL, 'e' },
	{ "addr-to-func", no_argument, NULL, 'T' },
	{ NULL, 0, NULL, 0 },
};

static const char short_options[] = "+:i:p:P:46jR:o:D:c:vhtuHsxrSakeT";

static enum nwt_parse_result usage_error(char *err, size_t err_len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, err_len, fmt, ap);
	va_end(ap);
	return NWT_PARSE_ERROR;
}

/* Whole-string unsigned decimal in [min, max]. */
static int parse_ulong(const char *text, unsigned long long min, unsigned long long max,
		       unsigned long long *out)
{
	char *end;
	unsigned long long value;

	if (*text < '0' || *text > '9')
		return -EINVAL;
	errno = 0;
	value = strtoull(text, &end, 10);
	if (errno || *end || value < min || value > max)
		return -EINVAL;
	*out = value;
	return 0;
}

/* Whole-string positive decimal number of seconds in (0, max]. */
static int parse_seconds(const char *text, double max, double *out)
{
	char *end;
	double value;

	if ((*text < '0' || *text > '9') && *text != '.')
		return -EINVAL;
	errno = 0;
	value = strtod(text, &end);
	if (errno || *end || !isfinite(value) || value <= 0 || value > max)
		return -EINVAL;
	*out = value;
	return 0;
}

static int parse_port(const char *text, int *out)
{
	unsigned long long value;

	if (parse_ulong(text, 1, 65535, &value))
		return -EINVAL;
	*out = (int)value;
	return 0;
}

static const char *option_name(int c, int long_index)
{
	static char buf[4];

	if (long_index >= 0)
		return long_options[long_index].name;
	snprintf(buf, sizeof(buf), "%c", c);
	return buf;
}

static void set_defaults(struct nwt_options *opts)
{
	memset(opts, 0, sizeof(*opts));
	opts->prefer = NWT_ATTACH_ANY;
	opts->port = opts->sport = opts->dport = -1;
	opts->pid = -1;
	opts->interval_s = 1.0;
	opts->top_flows = 10;
	opts->rate = NWT_DEFAULT_RATE;
}

enum nwt_parse_result nwt_parse_options(int argc, char **argv, struct nwt_options *opts,
					char *err, size_t err_len)
{
	unsigned long long value;
	int c, long_index;

	set_defaults(opts);
	optind = 0;	/* full re-initialisation, so tests can parse repeatedly */
	opterr = 0;
	for (;;) {
		long_index = -1;
		c = getopt_long(argc, argv, short_options, long_options, &long_index);
		if (c == -1)
			break;
		const char *name = option_name(c, long_index);
		const char *dash = long_index >= 0 ? "--" : "-";

		switch (c) {
		case 'i':
			if (nwt_parse_prefix(optarg, &opts->prefix))
				return usage_error(err, err_len,
						   "%s%s '%s': expected an IPv4 or IPv6 address, optionally /LEN (0-32 or 0-128)",
						   dash, name, optarg);
			opts->has_prefix = true;
			break;
		case 'p':
		case OPT_SPORT:
		case OPT_DPORT: {
			int *port = c == 'p' ? &opts->port : c == OPT_SPORT ? &opts->sport : &opts->dport;

			if (parse_port(optarg, port))
				return usage_error(err, err_len, "%s%s '%s': expected a port number 1-65535",
						   dash, name, optarg);
			break;
		}
		case 'P':
			if (parse_ulong(optarg, 1, NWT_MAX_PID, &value))
				return usage_error(err, err_len, "%s%s '%s': expected a process id 1-%ld",
						   dash, name, optarg, NWT_MAX_PID);
			opts->pid = (long)value;
			break;
		case '4':
		case '6':
			if (opts->family)
				return usage_error(err, err_len, "-4/-6: choose one address family");
			opts->family = c == '4' ? AF_INET : AF_INET6;
			break;
		case 'j':
			opts->json = true;
			break;
		case 'R':
			if (parse_ulong(optarg, 0, 100000000, &value))
				return usage_error(err, err_len,
						   "%s%s '%s': expected events per second 0-100000000 (0 = no limit)",
						   dash, name, optarg);
			opts->rate = (unsigned int)value;
			break;
		case OPT_INTERVAL:
			if (parse_seconds(optarg, 3600, &opts->interval_s) || opts->interval_s < 0.1)
				return usage_error(err, err_len, "--interval '%s': expected seconds 0.1-3600",
						   optarg);
			break;
		case OPT_TOP_FLOWS:
			if (parse_ulong(optarg, 1, 10000, &value))
				return usage_error(err, err_len, "--top-flows '%s': expected a number 1-10000",
						   optarg);
			opts->top_flows = (unsigned int)value;
			break;
		case 'o':
			if (!*optarg)
				return usage_error(err, err_len, "%s%s: expected a file name", dash, name);
			opts->output_path = optarg;
			break;
		case 'D':
			if (parse_seconds(optarg, 31536000, &opts->duration_s))
				return usage_error(err, err_len,
						   "%s%s '%s': expected seconds greater than 0", dash, name,
						   optarg);
			break;
		case 'c':
			if (parse_ulong(optarg, 1, UINT64_MAX, &value))
				return usage_error(err, err_len, "%s%s '%s': expected a count of 1 or more",
						   dash, name, optarg);
			opts->count = value;
			break;
		case 'v':
			opts->verbose++;
			break;
		case OPT_KERNEL_HEADERS:
			if (!*optarg)
				return usage_error(err, err_len, "--kernel-headers: expected a directory");
			opts->kernel_headers = optarg;
			break;
		case OPT_PREFER:
			opts->prefer = nwt_attach_kind_from_name(optarg);
			if (opts->prefer == NWT_ATTACH_ANY)
				return usage_error(err, err_len,
						   "--prefer '%s': expected tracepoint, raw_tracepoint, btf_tracepoint or kprobe",
						   optarg);
			break;
		case OPT_LIST_PROBES:
			opts->list_probes = true;
			break;
		case 'k':
			opts->features |= NWT_FEATURE_DROP;
			break;
		case 'e':
			opts->features |= NWT_FEATURE_ERR;
			break;
		case 'T':
			opts->addr_to_func = true;
			break;
		case OPT_VERIFY_PROBES:
			opts->verify_probes = true;
			break;
		case 't':
			opts->features |= NWT_FEATURE_PACKET;
			break;
		case 'u':
			opts->features |= NWT_FEATURE_UDP;
			break;
		case OPT_HOPS:
			opts->features |= NWT_FEATURE_HOPS;
			break;
		case 'H':
			opts->features |= NWT_FEATURE_PACKET | NWT_FEATURE_HTTP;
			break;
		case 's':
			opts->stats = true;
			break;
		case 'x':
			opts->features |= NWT_FEATURE_CONN;
			break;
		case 'r':
			opts->features |= NWT_FEATURE_RETRANS;
			break;
		case 'S':
			opts->features |= NWT_FEATURE_STATE;
			break;
		case 'a':
			opts->features |= NWT_FEATURE_CONN;
			opts->keep_closed = true;
			break;
		case 'h':
			return NWT_PARSE_HELP;
		case OPT_VERSION:
			return NWT_PARSE_VERSION;
		case ':':
			return usage_error(err, err_len, "%s: missing argument", argv[optind - 1]);
		default:
			if (optopt && optopt < 0x100)
				return usage_error(err, err_len, "-%c: unknown option (see --help)", optopt);
			return usage_error(err, err_len, "%s: unknown option (see --help)",
					   argv[optind - 1]);
		}
	}
	if (optind < argc)
		return usage_error(err, err_len, "'%s': unexpected argument (see --help)", argv[optind]);
	if (opts->family && opts->has_prefix && opts->family != opts->prefix.family)
		return usage_error(err, err_len, "--ip: address family contradicts %s",
				   opts->family == AF_INET ? "-4" : "-6");
	if (!opts->features)
		opts->features = NWT_FEATURE_LIFECYCLE;
	/* -u -s counts datagrams per flow in the kernel: no record per datagram leaves it */
	if ((opts->features & NWT_FEATURE_UDP) && !opts->stats)
		opts->features |= NWT_FEATURE_UDP_RECORDS;
	/* the flows a -u -s report counts name no process: owners only matter to -P */
	if ((opts->features & NWT_FEATURE_UDP) && (!opts->stats || opts->pid > 0))
		opts->features |= NWT_FEATURE_UDP_OWNERS;
	return NWT_PARSE_RUN;
}
