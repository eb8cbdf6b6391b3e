# SPDX-License-Identifier: Apache-2.0
"""-R N with -s --json: offered far more than N packet records per second,
nwtrace delivers at most N per second (plus one interval's burst), and
generated = delivered + suppressed + lost in every line and at exit."""
import time

from nwt_e2e import (NetnsPair, Tracer, bulk_transfer, check, check_accounting, require_bpf,
                     stats_lines)

PORT = 18093
RATE = 100


def main():
    require_bpf()
    with NetnsPair("pr", 212) as net:
        tracer = Tracer("-t", "-s", "--interval", "0.5", "-R", str(RATE), "-p", str(PORT))
        started = time.time()
        for i in range(3):
            bulk_transfer(net, net.ip4_b, PORT + i, 8 * 1024 * 1024)
        elapsed = time.time() - started
        tracer.stop(settle=0.3)
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        periodic, final = stats_lines(tracer)
        for line in periodic:
            check_accounting(line)
        check_accounting(final)
        check(final["generated"] > 4 * RATE * max(elapsed, 1),
              f"not enough load offered: {final['generated']} in {elapsed:.1f}s")
        check(final["suppressed"] > 0, f"nothing suppressed: {final}")
        window_s = final["interval_s"]
        allowed = RATE * (window_s + 1) + RATE
        check(final["delivered"] <= allowed,
              f"delivered {final['delivered']} > {allowed:.0f} allowed in {window_s:.1f}s")
        check(final["packets_tx"] + final["packets_rx"] == final["delivered"],
              f"records counted {final['packets_tx'] + final['packets_rx']} != delivered: {final}")
        check(final["lost"] == 0, f"records lost at {RATE}/s: {final}")
        check("layers" in final and final["layers"], f"no layer histograms: {final}")
    print(f"PASS: {final['generated']} generated, {final['delivered']} delivered "
          f"({final['delivered'] / window_s:.0f}/s), {final['suppressed']} suppressed")


if __name__ == "__main__":
    main()
