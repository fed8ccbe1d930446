"""Say in one line that a port is taken, before `make serve` or `make preview` spends time building.

    python scripts/check_port.py 127.0.0.1 8000 "make serve"

Exits 0 when the address is free to listen on. Otherwise prints what is wrong and the
fix (stop the other server, or pass PORT= with a port that is free now) and exits 1.
The servers themselves still refuse a port taken in between, with their own message.
"""

from __future__ import annotations

import errno
import socket
import sys


def problem(host: str, port: int) -> str | None:
    """Why `host:port` cannot be listened on now, or None when it can."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        # As servers do, so a port that only holds connections closing down counts as free.
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as error:
            if error.errno == errno.EADDRINUSE:
                return "in use"
            return error.strerror or str(error)
    return None


def free_port_near(host: str, port: int, tries: int = 20) -> int | None:
    return next((n for n in range(port + 1, port + 1 + tries) if problem(host, n) is None), None)


def message(host: str, port: int, command: str, reason: str) -> str:
    if reason != "in use":
        return f"{command}: cannot listen on {host}:{port}: {reason}"
    other = free_port_near(host, port)
    fix = f"{command} PORT={other}" if other is not None else f"{command} PORT=<another port>"
    return (
        f"{command}: port {port} on {host} is already in use (another `make serve` or `make preview`?); "
        f"stop that one with Ctrl+C, or use another port: {fix}"
    )


def main(argv: list[str]) -> int:
    if len(argv) != 3 or not argv[1].isdigit():
        print("usage: check_port.py HOST PORT COMMAND", file=sys.stderr)
        return 2
    host, port, command = argv[0], int(argv[1]), argv[2]
    reason = problem(host, port)
    if reason is None:
        return 0
    print(message(host, port, command, reason), file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
