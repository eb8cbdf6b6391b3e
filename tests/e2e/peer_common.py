# SPDX-License-Identifier: Apache-2.0
"""What every test peer shares: one JSON line per event on stdout, and a
listening socket that announces itself once it can accept."""
import json
import socket


def say(**fields):
    print(json.dumps(fields), flush=True)


def listen(addr, port, backlog, timeout):
    """Bound, listening socket on addr:port; prints {"listening": true} when ready."""
    family = socket.AF_INET6 if ":" in addr else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((addr, port))
    srv.listen(backlog)
    srv.settimeout(timeout)
    say(listening=True)
    return srv
