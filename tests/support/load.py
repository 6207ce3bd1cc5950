"""Concurrent HTTP load on a session-counting app, served by a real threaded WSGI server.

:func:`counter_app` is a ``SessionMiddleware`` app on a store whose page
increments ``session["n"]`` and answers the new count. :func:`serving` runs
any WSGI app on werkzeug's threaded server on a free loopback port.
:func:`run_clients` drives it: ``threads`` client threads, each with its own
cookie (so its own session), each sending exactly ``requests`` requests
over fresh HTTP connections. It always stops by itself: a fixed number of
requests, each with a timeout. The result records every error, each
client's last count and every session ID its cookies named, for
``tests/test_load.py``'s assertions and ``benchmarks/bench_load.py``'s
requests per second.
"""

from __future__ import annotations

import contextlib
import dataclasses
import http.client
import threading
import time
import urllib.parse
from collections.abc import Iterator
from typing import Any

from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response

import securecookie
from mongostore.middleware import SessionMiddleware
from mongostore.sessions import get_registry
from mongostore.store import MongoStore

NAME = "session"
REQUEST_TIMEOUT = 30.0


def counter_app(store: MongoStore) -> SessionMiddleware:
    """A page that counts its visits in the session; the middleware saves it."""

    @Request.application  # type: ignore[arg-type]
    def page(request: Request) -> Response:
        session = get_registry(request).get(store, NAME)
        session.values["n"] = session.values.get("n", 0) + 1
        return Response(str(session.values["n"]), content_type="text/plain")

    return SessionMiddleware(page)


class _QuietHandler(WSGIRequestHandler):
    """werkzeug's handler without its access log line per request."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass


@contextlib.contextmanager
def serving(app: Any) -> Iterator[str]:
    """Serve ``app`` on werkzeug's threaded server on 127.0.0.1; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(REQUEST_TIMEOUT)


@dataclasses.dataclass
class ClientRecord:
    """What one client thread saw."""

    last_count: int = 0
    counts: list[int] = dataclasses.field(default_factory=list)
    session_ids: set[str] = dataclasses.field(default_factory=set)
    errors: list[str] = dataclasses.field(default_factory=list)


@dataclasses.dataclass
class LoadResult:
    """Every client's record, and the wall time of the whole run."""

    clients: list[ClientRecord]
    seconds: float

    @property
    def requests(self) -> int:
        return sum(len(client.counts) for client in self.clients)

    @property
    def errors(self) -> list[str]:
        return [error for client in self.clients for error in client.errors]

    @property
    def requests_per_second(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def _set_cookie_value(response: http.client.HTTPResponse) -> str | None:
    for header in response.headers.get_all("Set-Cookie") or []:
        name, _, rest = header.partition("=")
        if name == NAME:
            return rest.split(";", 1)[0]
    return None


def _client(base_url: str, requests: int, codecs: Any, record: ClientRecord) -> None:
    address = urllib.parse.urlsplit(base_url)
    cookie: str | None = None
    for number in range(requests):
        connection = http.client.HTTPConnection(
            address.hostname or "", address.port, timeout=REQUEST_TIMEOUT
        )
        try:
            headers = {"Cookie": f"{NAME}={cookie}"} if cookie else {}
            connection.request("GET", "/", headers=headers)
            response = connection.getresponse()
            body = response.read().decode()
            if response.status != 200:
                record.errors.append(f"request {number}: HTTP {response.status}")
                continue
            cookie = _set_cookie_value(response) or cookie
            if cookie is None:
                record.errors.append(f"request {number}: no session cookie")
                continue
            record.session_ids.add(str(securecookie.decode_multi(NAME, cookie, *codecs)))
            record.last_count = int(body)
            record.counts.append(record.last_count)
        except (OSError, http.client.HTTPException, ValueError, securecookie.Error) as exc:
            record.errors.append(f"request {number}: {type(exc).__name__}: {exc}")
        finally:
            connection.close()


def run_clients(base_url: str, codecs: Any, *, threads: int, requests: int) -> LoadResult:
    """``threads`` clients x ``requests`` requests on ``base_url``; decodes IDs with ``codecs``."""
    records = [ClientRecord() for _ in range(threads)]
    workers = [
        threading.Thread(target=_client, args=(base_url, requests, codecs, record), daemon=True)
        for record in records
    ]
    start = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(requests * REQUEST_TIMEOUT)
    seconds = time.perf_counter() - start
    for worker, record in zip(workers, records, strict=True):
        if worker.is_alive():
            record.errors.append("client thread did not finish")
    return LoadResult(records, seconds)
