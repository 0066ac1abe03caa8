"""Is a local port free for the development server? `make run` asks before it starts anything."""

from __future__ import annotations

import errno
import socket


def port_problem(host: str, port: str | int) -> str | None:
    """What stops a server listening on host:port, in words for the person who typed the command; None if free.

    The port is bound the way the development server binds it (address reuse on), so a port left in
    TIME_WAIT by a server that just stopped counts as free and only a program still listening is reported.
    """
    try:
        number = int(port)
    except (TypeError, ValueError):
        number = -1
    if not 1 <= number <= 65535:
        return f"PORT must be a number from 1 to 65535, not {port!r}. For example: PORT=8001 make run"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, number))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (
                    f"Port {number} on {host} is already in use: another program (perhaps newroles started "
                    f"earlier) is listening there. Stop it, or choose another port, for example: "
                    f"PORT={8001 if number != 8001 else 8002} make run"
                )
            if exc.errno == errno.EACCES:
                return (
                    f"Port {number} on {host} needs administrator rights. "
                    "Choose a port above 1023, for example: PORT=8001 make run"
                )
            return f"Cannot listen on {host} port {number}: {exc.strerror}."
    return None
