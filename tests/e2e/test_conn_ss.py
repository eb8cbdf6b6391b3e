# SPDX-License-Identifier: Apache-2.0
"""-x against ss: after a few MB each way the connection idles; ss -tinH (which
asks the kernel through tcp_info) and nwtrace's latest conn record for the
same socket must agree: cwnd, bytes_acked and bytes_received equal, srtt
within 50 %.  Both ends are checked, and the table form is smoke-tested."""
import time

from conn_e2e import (BulkClient, BulkServer, conn_records, idle_record, ss_info,
                      start_tracer, ts_seconds, wait_for_snapshot)
from nwt_e2e import NetnsPair, check, require_bpf

PORT = 18221
INTERVAL = 0.5
UP, DOWN = 3_000_000, 1_000_000


def compare(label, ss, rec):
    print(f"{label} ss:      {' '.join(ss['line'].split())}")
    print(f"{label} nwtrace: {rec}")
    for key in ("cwnd", "bytes_acked", "bytes_received"):
        check(rec.get(key) == ss[key], f"{label}: {key} nwtrace {rec.get(key)} != ss {ss[key]}")
    check("srtt_us" in rec and abs(rec["srtt_us"] - ss["rtt_us"]) <= 0.5 * ss["rtt_us"],
          f"{label}: srtt_us {rec.get('srtt_us')} not within 50% of ss rtt {ss['rtt_us']}us")
    if "ssthresh" in ss:
        check(rec.get("ssthresh") == ss["ssthresh"], f"{label}: ssthresh differs from ss")
    else:
        check("ssthresh" not in rec, f"{label}: ssthresh reported while ss has none")
    for key in ("rwnd", "sndbuf", "wmem_queued", "total_retrans", "duration_us"):
        check(isinstance(rec.get(key), int) and rec[key] >= 0, f"{label}: bad {key}: {rec}")


def main():
    require_bpf()
    with NetnsPair("cs", 221) as net:
        tracer = start_tracer("-x", "--interval", str(INTERVAL), "-p", str(PORT))
        srv = BulkServer(net, net.ip4_b, PORT, DOWN, UP)
        wait_for_snapshot(INTERVAL)  # the listener shows, with its accept queue
        cli = BulkClient(net, net.ip4_b, PORT, UP, DOWN)
        time.sleep(1.0)  # idle: delayed ACKs are out, nothing changes any more
        ss_at = time.time()
        ss_client = ss_info(net.a, cli.sport)
        ss_server = ss_info(net.b, PORT)
        wait_for_snapshot(INTERVAL)
        cli.close()
        srv.finish()
        closed_at = time.time() + 0.1  # both ends are CLOSED by now (FIN_WAIT2 -> CLOSE)
        wait_for_snapshot(INTERVAL)
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        events = tracer.events()
        check(all(e["type"] == "conn" for e in events), "-x alone printed non-conn records")
        check(all(PORT in (e.get("sport"), e.get("dport")) for e in events), "-p let through others")

        rec = idle_record(conn_records(events, net.ip4_a, cli.sport), ss_at)
        check(rec.get("pid") == cli.pid and rec.get("is_server") is False,
              f"client owner wrong: {rec}")
        compare("client", ss_client, rec)

        server_recs = [e for e in events if e["type"] == "conn" and e["sport"] == PORT
                       and e.get("dport") == cli.sport]
        rec = idle_record(server_recs, ss_at)
        check(rec.get("pid") == srv.pid and rec.get("is_server") is True,
              f"server owner wrong: {rec}")
        compare("server", ss_server, rec)

        listeners = [e for e in events if e.get("state") == "LISTEN"]
        check(listeners and all(e.get("max_backlog") == 4 and e.get("pid") == srv.pid
                                and "cwnd" not in e for e in listeners),
              f"listener rows wrong: {listeners[:1]}")
        # Without -a a closed connection leaves the table.
        check(not [e for e in conn_records(events, net.ip4_a, cli.sport)
                   if ts_seconds(e) > closed_at],
              f"closed connection still in the table without -a: {events[-6:]}")

        # The table form: a titled table with ss-like columns.
        tracer = start_tracer("-x", "--interval", str(INTERVAL), "-p", str(PORT), json_output=False)
        srv = BulkServer(net, net.ip4_b, PORT, DOWN, UP)
        cli = BulkClient(net, net.ip4_b, PORT, UP, DOWN)
        wait_for_snapshot(INTERVAL)
        cli.close()
        srv.finish()
        tracer.stop()
        out = tracer.stdout
        check("CONNECTIONS" in out and "CWND" in out and "SRTT" in out, f"no table: {out[:300]}")
        check(f"10.221.0.1:{cli.sport}" in out, "client row missing from the table")
    print("PASS: -x agrees with ss on cwnd, bytes_acked, bytes_received and srtt")


if __name__ == "__main__":
    main()
