# SPDX-License-Identifier: Apache-2.0
"""-r under loss: an nftables rule in the server's namespace drops 10 % of the
client's segments (numgen random mod 10 == 0).  When the transfer is done and
the connection idles, nwtrace's total_retrans for the client socket equals
ss's retrans:x/TOTAL, recovery + RTO entries were counted, and a retrans
record was emitted per retransmitted segment of that connection.  The rule
drops the client's FIN too, which is then retransmitted after ss has read
the socket: only what nwtrace saw before close() is compared with ss."""
import subprocess
import time

from conn_e2e import (BulkClient, BulkServer, conn_records, idle_record, ss_info,
                      start_tracer, ts_seconds, wait_for_snapshot)
from nwt_e2e import NetnsPair, check, require_bpf, run, skip_or_fail

PORT = 18231
INTERVAL = 0.5
UP, DOWN = 2_000_000, 1000


def drop_tenth_of_client_segments(net):
    if subprocess.run(["sh", "-c", "command -v nft"], capture_output=True).returncode:
        skip_or_fail("nft not installed (scripts/install-deps.sh installs nftables)")
    ruleset = f"""
table inet nwt_loss {{
    chain input {{
        type filter hook input priority 0; policy accept;
        ip saddr {net.ip4_a} tcp dport {PORT} numgen random mod 10 == 0 counter drop
    }}
}}
"""
    run(net.exec_args(net.b) + ["nft", "-f", "-"], input=ruleset)


def nft_dropped(net):
    out = run(net.exec_args(net.b) + ["nft", "list", "table", "inet", "nwt_loss"]).stdout
    return int(out.split("packets")[1].split()[0])


def main():
    require_bpf()
    with NetnsPair("cr", 231) as net:
        drop_tenth_of_client_segments(net)
        tracer = start_tracer("-x", "-r", "--interval", str(INTERVAL), "-p", str(PORT))
        srv = BulkServer(net, net.ip4_b, PORT, DOWN, UP)
        started = time.time()
        cli = BulkClient(net, net.ip4_b, PORT, UP, DOWN)
        print(f"transfer of {UP} bytes took {time.time() - started:.1f}s; "
              f"nft dropped {nft_dropped(net)} segments")
        time.sleep(1.0)
        ss_at = time.time()
        ss = ss_info(net.a, cli.sport)
        wait_for_snapshot(INTERVAL)
        closed_at = time.time()
        cli.close()
        srv.finish()
        tracer.stop()
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        events = tracer.events()

        rec = idle_record(conn_records(events, net.ip4_a, cli.sport), ss_at)
        print(f"ss:      {' '.join(ss['line'].split())}")
        print(f"nwtrace: {rec}")
        check(ss["retrans_total"] > 0, "the nft rule caused no retransmissions")
        check(rec.get("total_retrans") == ss["retrans_total"],
              f"total_retrans {rec.get('total_retrans')} != ss {ss['retrans_total']}")
        check(rec.get("fast_retrans", 0) + rec.get("timeout_retrans", 0) > 0,
              f"no recovery or RTO counted: {rec}")

        retrans = [e for e in events if e["type"] == "retrans" and e.get("sport") == cli.sport]
        check(retrans, "no retrans records for the client")
        for e in retrans:
            check(e["saddr"] == net.ip4_a and e["daddr"] == net.ip4_b and e["dport"] == PORT,
                  f"retrans 4-tuple wrong: {e}")
            check(isinstance(e.get("seq"), int) and e.get("pid") == cli.pid, f"bad retrans: {e}")
        # Up to ss's reading (the connection idles from then to close()).  A record
        # stands for one skb, a TSO train of `segs` segments: the kernel adds those
        # segments to the total ss shows when the retransmit is sent.
        sent = [e for e in retrans if e.get("err") == 0 and ts_seconds(e) < ss_at]
        check(all(isinstance(e.get("segs"), int) and e["segs"] > 0 for e in sent),
              f"retrans records without a segment count: {sent[:3]}")
        segs = sum(e["segs"] for e in sent)
        check(segs == ss["retrans_total"],
              f"{len(sent)} retransmit records carry {segs} segments, ss counted "
              f"{ss['retrans_total']} retransmitted segments")
        check(not [e for e in retrans if e.get("err") == 0 and ss_at <= ts_seconds(e) < closed_at],
              "retransmits while the connection idled before close()")
    print(f"PASS: -r total_retrans equals ss under 10% loss; recovery/RTO counted; "
          f"{len(sent)} retrans records carry the {segs} segments ss counted")


if __name__ == "__main__":
    main()
