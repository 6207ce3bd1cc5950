"""``flask.session`` on MongoStore beside Flask-Session 0.8's MongoDB backend.

Both serve the same two views through Flask's test client, on the same
database: ``/read`` reads ``session["user"]``, ``/write`` changes
``session["n"]``. Each library runs in two configurations:

* its defaults: Flask-Session makes every session permanent and, with
  ``SESSION_REFRESH_EACH_REQUEST`` (Flask's default, on), rewrites the whole
  document on every request; mongostore keeps Flask's non-permanent default,
  so a read-only request writes nothing;
* ``SESSION_REFRESH_EACH_REQUEST = False`` for both: writes only on change,
  the like-for-like comparison.

Besides the time per request, the number of database writes (insert, update,
delete) per 1,000 read-only requests is counted with a wrapper around each
library's collection.

Backends: mongomock always; then the server at ``MONGODB_URI`` when it is set
(a real MongoDB), else the mongoeco wire server of the tests when an
interpreter with mongoeco is configured (``$MONGOSTORE_WIRE_PYTHON``). Flask-Session refuses
anything but a pymongo ``MongoClient``, so on mongomock it is built by
:class:`FlaskSessionOnCollection`, its own constructor minus that check.

Run alone: ``python -m benchmarks.bench_flask``.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import os
import uuid
from collections.abc import Callable, Iterator
from typing import Any

import mongomock
from flask import Flask, session
from flask.sessions import SessionInterface
from flask_session.base import ServerSideSessionInterface
from flask_session.defaults import Defaults
from flask_session.mongodb import MongoDBSessionInterface

from benchmarks.common import CountingCollection, Row, format_table, time_per_op
from mongostore.flask import init_app
from mongostore.store import MongoStore

HASH_KEY = bytes(range(32))
BLOCK_KEY = bytes(range(32, 64))
SESSIONS = 50  # mongomock scans linearly; a small collection keeps the DB cost realistic
READ_ONLY_REQUESTS = 1000
WRITE_CALLS = ("insert_one", "update_one", "delete_one", "replace_one")


class FlaskSessionOnCollection(MongoDBSessionInterface):  # type: ignore[misc]
    """Flask-Session's MongoDB interface on any collection (its constructor needs a MongoClient)."""

    def __init__(self, app: Flask, collection: Any) -> None:
        self.client = None
        self.store = collection
        self.use_deprecated_method = False
        self.store.create_index("expiration", expireAfterSeconds=0)
        ServerSideSessionInterface.__init__(
            self,
            app,
            Defaults.SESSION_KEY_PREFIX,
            Defaults.SESSION_USE_SIGNER,
            app.config.get("SESSION_PERMANENT", Defaults.SESSION_PERMANENT),
        )


def _app(install: Callable[[Flask], SessionInterface], refresh: bool) -> Flask:
    app = Flask(__name__)
    app.config["SESSION_REFRESH_EACH_REQUEST"] = refresh
    app.session_interface = install(app)

    @app.get("/login")
    def login() -> str:
        session["user"] = "alice"
        session["n"] = 0
        return "ok"

    @app.get("/read")
    def read() -> str:
        return str(session.get("user"))

    @app.get("/write")
    def write() -> str:
        session["n"] = session.get("n", 0) + 1
        return "ok"

    return app


def _cookies(app: Flask) -> list[str]:
    """Session cookies of SESSIONS fresh logins."""
    client = app.test_client(use_cookies=False)
    name = app.config["SESSION_COOKIE_NAME"]
    cookies = []
    for _ in range(SESSIONS):
        header = client.get("/login").headers["Set-Cookie"]
        cookies.append(f"{name}={header.split(';', 1)[0].partition('=')[2]}")
    return cookies


class Subject:
    """One library in one configuration: its app, its cookies, its counted collection."""

    def __init__(self, app: Flask, counter: CountingCollection) -> None:
        self.app = app
        self.counter = counter
        self.cookies = _cookies(app)
        self.client = app.test_client(use_cookies=False)
        self._cycle: Iterator[str] = itertools.cycle(self.cookies)

    def request(self, path: str) -> Callable[[], None]:
        client, cycle = self.client, self._cycle

        def send() -> None:
            response = client.get(path, headers={"Cookie": next(cycle)})
            if response.status_code != 200:
                raise RuntimeError(f"{path} answered {response.status_code}")

        return send

    def writes_per_read_only_requests(self) -> int:
        send = self.request("/read")
        before = self.counter.writes
        for _ in range(READ_ONLY_REQUESTS):
            send()
        return self.counter.writes - before


def _mongostore(collection: Any, refresh: bool) -> Subject:
    counter = CountingCollection(collection)
    store = MongoStore(counter, HASH_KEY, BLOCK_KEY)

    def install(app: Flask) -> SessionInterface:
        return init_app(app, store)

    return Subject(_app(install, refresh), counter)


def _flask_session(collection: Any, refresh: bool) -> Subject:
    counter = CountingCollection(collection)

    def install(app: Flask) -> SessionInterface:
        return FlaskSessionOnCollection(app, counter)

    return Subject(_app(install, refresh), counter)


@contextlib.contextmanager
def _server_uri() -> Iterator[tuple[str, str] | None]:
    """(label, URI) of the server to measure on: MONGODB_URI, else the wire server, else None."""
    uri = os.environ.get("MONGODB_URI")
    if uri:
        yield "MONGODB_URI", uri
        return
    try:
        from benchmarks.wire import running_server
    except ModuleNotFoundError:  # no mongoeco interpreter: mongomock only
        yield None
        return
    with running_server() as wire_uri:
        yield "wire", wire_uri


def _backends(
    stack: contextlib.ExitStack,
) -> Iterator[tuple[str, Callable[[str], Any]]]:
    """(label, collection factory) for mongomock and, when there is one, a server."""
    client: Any = mongomock.MongoClient()
    yield "mongomock", lambda name: client["bench_flask"][name]
    server = stack.enter_context(_server_uri())
    if server is None:
        return
    import pymongo

    label, uri = server
    real: Any = pymongo.MongoClient(uri, serverSelectionTimeoutMS=5000)
    stack.callback(real.close)
    database = f"bench_flask_{uuid.uuid4().hex[:8]}"
    stack.callback(real.drop_database, database)
    yield label, lambda name: real[database][name]


def _best(func: Callable[[], None]) -> float:
    return time_per_op(func, min_time=0.1, repeat=3)


def _rows(backend: str, collection_for: Callable[[str], Any], refresh: bool) -> list[Row]:
    """The read, write and write-count rows of one backend and configuration."""
    config = "defaults" if refresh else "refresh off"
    ours = _mongostore(collection_for(f"ours_{refresh}"), refresh)
    theirs = _flask_session(collection_for(f"theirs_{refresh}"), refresh)
    rows = []
    for path in ("/read", "/write"):
        our_us, their_us = math.inf, math.inf
        for _ in range(2):  # interleaved, best of each
            our_us = min(our_us, _best(ours.request(path)))
            their_us = min(their_us, _best(theirs.request(path)))
        rows.append(
            Row(
                group=f"flask {backend}",
                subject=f"mongostore.flask GET {path} ({config})",
                us_per_op=our_us,
                peer="Flask-Session 0.8 mongodb",
                peer_us_per_op=their_us,
            )
        )
    rows.append(
        Row(
            group=f"flask {backend}",
            subject=f"DB writes / {READ_ONLY_REQUESTS} GET /read ({config})",
            us_per_op=float(ours.writes_per_read_only_requests()),
            peer="Flask-Session 0.8 mongodb",
            peer_us_per_op=float(theirs.writes_per_read_only_requests()),
            unit="writes",
        )
    )
    return rows


def results() -> list[Row]:
    """Read and write request times as ratios to Flask-Session, and writes per 1,000 reads."""
    rows: list[Row] = []
    with contextlib.ExitStack() as stack:
        for backend, collection_for in _backends(stack):
            for refresh in (True, False):
                rows.extend(_rows(backend, collection_for, refresh))
    return rows


if __name__ == "__main__":
    print(format_table(results()))
