"""A loopback TCP proxy between pymongo and a server that can break the connection on demand.

``FaultProxy(upstream_host, upstream_port)`` listens on a free 127.0.0.1 port
and relays bytes both ways. :meth:`FaultProxy.set_mode` picks the fault:

- ``"pass"``: relay everything (healthy);
- ``"refuse"``: reset every open connection and every new one at once, so
  the client can reach no server;
- ``"reset"``: relay requests to the server, then reset the client's
  connection when the reply arrives instead of relaying it, so the server
  did the work and the client never hears of it;
- ``"stall"``: relay requests, hold replies back forever, so the client
  runs into its ``socketTimeoutMS``.

Switching back to ``"pass"`` heals the proxy; connections broken by a fault
stay broken (their stream is out of step), new ones work. The proxy is for
tests only: one thread per direction per connection, no buffering limits.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from typing import Literal

Mode = Literal["pass", "refuse", "reset", "stall"]
MODES: tuple[Mode, ...] = ("pass", "refuse", "reset", "stall")
_CHUNK = 65536


def _reset(sock: socket.socket) -> None:
    """Close ``sock`` with a TCP RST (linger 0), as a crashed peer or middlebox does.

    ``shutdown(SHUT_RD)`` first wakes a thread blocked in ``recv`` on it
    without sending anything; the kernel sends the RST once the last user
    lets go of the socket.
    """
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RD)
    with contextlib.suppress(OSError):
        sock.close()


class _Link:
    """One client connection and its upstream twin."""

    def __init__(self, client: socket.socket, server: socket.socket) -> None:
        self.client = client
        self.server = server
        self.broken = False
        self.swallowed = False  # a stalled reply was dropped: the stream is out of step
        self._lock = threading.Lock()

    def close(self, *, reset: bool = False) -> None:
        """Close both sockets, with RSTs when ``reset``; only the first call acts."""
        with self._lock:
            if self.broken:
                return
            self.broken = True
        for sock in (self.client, self.server):
            if reset:
                _reset(sock)
            else:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                with contextlib.suppress(OSError):
                    sock.close()


class FaultProxy:
    """A relay on ``127.0.0.1:port`` to ``upstream``, with a switchable fault mode."""

    def __init__(self, upstream_host: str, upstream_port: int) -> None:
        self.upstream = (upstream_host, upstream_port)
        self.mode: Mode = "pass"
        self._lock = threading.Lock()
        self._links: list[_Link] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self._listener.getsockname()[1]
        self._closed = False
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)
        self._acceptor.start()

    @property
    def address(self) -> str:
        """``host:port`` of the proxy, for a MongoDB URI."""
        return f"127.0.0.1:{self.port}"

    def set_mode(self, mode: Mode) -> None:
        """Switch the fault; ``"refuse"`` also resets every open connection at once.

        Any other switch closes the connections whose replies a stall dropped.
        """
        if mode not in MODES:
            raise ValueError(f"unknown fault mode {mode!r}")
        with self._lock:
            self.mode = mode
            if mode == "refuse":
                links = list(self._links)
            else:
                links = [link for link in self._links if link.swallowed]
        for link in links:
            link.close(reset=True)

    def close(self) -> None:
        """Stop listening and drop every connection."""
        self._closed = True
        with contextlib.suppress(OSError):
            self._listener.close()
        with self._lock:
            links, self._links = self._links, []
        for link in links:
            link.close()
        self._acceptor.join(5)

    def _accept_loop(self) -> None:
        while not self._closed:
            try:
                client, _ = self._listener.accept()
            except OSError:
                return
            if self.mode == "refuse":
                _reset(client)
                continue
            try:
                server = socket.create_connection(self.upstream, timeout=5)
                server.settimeout(None)
            except OSError:
                _reset(client)
                continue
            link = _Link(client, server)
            with self._lock:
                self._links = [each for each in self._links if not each.broken] + [link]
            for source, target, is_reply in ((client, server, False), (server, client, True)):
                threading.Thread(
                    target=self._pump, args=(link, source, target, is_reply), daemon=True
                ).start()

    def _pump(self, link: _Link, source: socket.socket, target: socket.socket, reply: bool) -> None:
        """Relay ``source`` to ``target``; replies obey the fault mode."""
        while True:
            try:
                data = source.recv(_CHUNK)
            except OSError:
                data = b""
            if not data:
                link.close()
                return
            if reply and self.mode == "reset":
                link.close(reset=True)
                return
            if reply and self.mode == "stall":
                link.swallowed = True
                continue  # swallowed: the client waits until its socket timeout
            try:
                target.sendall(data)
            except OSError:
                link.close()
                return
