# SPDX-License-Identifier: Apache-2.0
"""When the kernel's verifier refuses a BTF tracepoint program (an older
kernel may type a tracepoint's arguments yet not allow what the program does
with them), nwtrace says so, plans the packet path again on raw tracepoints
and traces.  The refusal is staged with -DNWT_TEST_REJECT_BTF (through
NWTRACE_CFLAGS), which makes one tp_btf program read an argument its
tracepoint lacks.  bpftool shows which kind of programs nwtrace then holds;
tcpdump -S on the client's veth is the truth for the records."""
import json
import os
import subprocess
import time

from nwt_e2e import (NetnsPair, Tracer, bulk_transfer, check, require_bpf, start_tcpdump,
                     tcpdump_data_segments)

PORT = 18105
NBYTES = 64 * 1024


def program_types(ids):
    """The kernel's type of each BPF program id, as bpftool shows it."""
    types = set()
    for prog_id in ids:
        out = subprocess.run(["bpftool", "prog", "show", "id", str(prog_id), "--json"],
                             capture_output=True, text=True).stdout
        if out.strip():
            types.add(json.loads(out)["type"])
    return types


def main():
    require_bpf()
    with NetnsPair("pb", 221) as net:
        dump = start_tcpdump(net, net.a, f"{net.tag}a", PORT)
        os.environ["NWTRACE_CFLAGS"] = "-DNWT_TEST_REJECT_BTF"
        try:
            tracer = Tracer("-t", "-R", "0", "-p", str(PORT))
        finally:
            del os.environ["NWTRACE_CFLAGS"]
        types = program_types(tracer.programs)
        time.sleep(1.0)  # tcpdump needs a moment before it captures
        sport = bulk_transfer(net, net.ip4_b, PORT, NBYTES)
        tracer.stop(settle=1.5)
        dump.terminate()
        dump_out, _ = dump.communicate(timeout=10)
        check(tracer.returncode == 0, f"nwtrace exited {tracer.returncode}: {tracer.stderr}")
        check("nwt_pkt_tx_queue_btf" in tracer.stderr and
              "using raw tracepoints instead" in tracer.stderr,
              f"no word of the refused BTF tracepoint program: {tracer.stderr}")
        check(types == {"raw_tracepoint"}, f"programs held after the fallback: {types}")
        dumped = {(seq, ack) for seq, _, ack in tcpdump_data_segments(dump_out, net.ip4_a, sport)
                  if ack is not None}
        seen = {(e["seq"], e.get("ack")) for e in tracer.events()
                if e.get("type") == "packet" and e["saddr"] == net.ip4_a and
                e["sport"] == sport and e["len"] > 0}
        check(dumped and seen == dumped,
              f"tx data records {sorted(seen)[:3]} vs tcpdump {sorted(dumped)[:3]}")
    print(f"PASS: the refused BTF tracepoint program fell back to raw tracepoints; "
          f"{len(seen)} data segments match tcpdump")


if __name__ == "__main__":
    main()
