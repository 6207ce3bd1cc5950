"""Requests per second under 50 concurrent browsers: ASGI on uvicorn vs WSGI on werkzeug threads.

The same app twice, a page that counts visits in its session: a bare ASGI
app with :class:`mongostore.asgi.SessionMiddleware` over AsyncMongoStore on
uvicorn (one process, one event loop), and a bare WSGI app with
:class:`mongostore.middleware.SessionMiddleware` over MongoStore on
werkzeug's threaded server (a thread per request). Each server runs in its own
process against the same wire server; 50 browsers (httpx clients, each with
its cookie) send requests one after the other, all at once. us/op is the
wall time per request of the whole run (1e6 / requests per second); the
subject names give req/s. No target: the ratio is printed. On a small machine
the client, the server and the wire server share the cores, so read the
ratio, not the absolute numbers.

Run alone: ``python -m benchmarks.bench_asgi``.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any

import httpx
import uvicorn  # noqa: F401  (the ASGI server must be installed)

from benchmarks.common import Row, format_table
from benchmarks.wire import running_server

CLIENTS = 50
REQUESTS_PER_CLIENT = 8  # after the first request (the insert) of each browser
NAME = "session"
KEY = bytes(range(32))
START_TIMEOUT = 30.0
ROUNDS = 3


def _asgi_app(uri: str) -> Any:
    from pymongo import AsyncMongoClient

    from mongostore.aio import AsyncMongoStore
    from mongostore.asgi import SessionMiddleware

    stores: list[AsyncMongoStore] = []

    async def app(scope: Any, receive: Any, send: Any) -> None:
        if not stores:  # the asyncio client belongs to the server's loop
            stores.append(AsyncMongoStore(AsyncMongoClient(uri).get_database("bench_asgi"), KEY))
        session = await stores[0].get(scope, NAME)
        session.values["visits"] = session.values.get("visits", 0) + 1
        body = f"visits: {session.values['visits']}".encode()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": body})

    return SessionMiddleware(app)


def _wsgi_app(uri: str) -> Any:
    import pymongo

    from mongostore.middleware import SessionMiddleware
    from mongostore.store import MongoStore

    store = MongoStore(pymongo.MongoClient(uri).get_database("bench_wsgi"), KEY)

    def app(environ: Any, start_response: Any) -> list[bytes]:
        session = store.get(environ, NAME)
        session.values["visits"] = session.values.get("visits", 0) + 1
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [f"visits: {session.values['visits']}".encode()]

    return SessionMiddleware(app)


def serve(kind: str, port: int, uri: str) -> None:
    """Serve the benchmark app of ``kind`` ("asgi" or "wsgi") until killed."""
    if kind == "asgi":
        import uvicorn as server

        server.run(_asgi_app(uri), host="127.0.0.1", port=port, log_level="warning")
    else:
        import logging

        from werkzeug.serving import make_server

        logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no line per request
        make_server("127.0.0.1", port, _wsgi_app(uri), threaded=True).serve_forever()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def _server(kind: str, uri: str) -> Iterator[str]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "benchmarks.bench_asgi", "serve", kind, str(port), uri]
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 1):
                break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"the {kind} benchmark server did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=10)


async def _load(base_url: str) -> float:
    """Seconds per request with CLIENTS new browsers at once; checks no session was mixed up."""

    async def browser() -> list[str]:
        async with httpx.AsyncClient(base_url=base_url, timeout=120) as client:
            return [(await client.get("/")).text for _ in range(REQUESTS_PER_CLIENT + 1)]

    start = time.perf_counter()
    pages = await asyncio.gather(*(browser() for _ in range(CLIENTS)))
    elapsed = time.perf_counter() - start
    expected = [f"visits: {n}" for n in range(1, REQUESTS_PER_CLIENT + 2)]
    if any(page != expected for page in pages):
        raise AssertionError("a browser saw another browser's session")
    return elapsed / (CLIENTS * (REQUESTS_PER_CLIENT + 1))


def results() -> list[Row]:
    """uvicorn + AsyncMongoStore vs threaded werkzeug + MongoStore, requests per second."""
    asgi_s, wsgi_s = float("inf"), float("inf")
    with (
        running_server() as uri,
        _server("asgi", uri) as asgi_url,
        _server("wsgi", uri) as wsgi_url,
    ):
        # Alternate and keep each one's best, so a burst of load from other
        # processes cannot favour either side.
        for _ in range(ROUNDS):
            asgi_s = min(asgi_s, asyncio.run(_load(asgi_url)))
            wsgi_s = min(wsgi_s, asyncio.run(_load(wsgi_url)))
    return [
        Row(
            group="asgi",
            subject=f"uvicorn+AsyncMongoStore, {CLIENTS} clients ({1 / asgi_s:.0f} req/s)",
            us_per_op=asgi_s * 1e6,
            peer=f"werkzeug threaded+MongoStore ({1 / wsgi_s:.0f} req/s)",
            peer_us_per_op=wsgi_s * 1e6,
        )
    ]


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    else:
        print(format_table(results()))
