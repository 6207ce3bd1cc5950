"""The MongoDB fixtures: every database test runs on each backend of the run.

Backends: ``mongomock`` (in-process) and ``wire`` (the mongoeco wire server
:mod:`tests.support.wire` starts for the run, reached through a real
``pymongo.MongoClient``). With ``MONGODB_URI`` set, that server replaces
``wire`` under the ID ``mongodb``. ``mongo_client``/``mongo_database`` are
parametrized over the backends, so a test that uses them runs once per
backend with the backend in its ID; a test that touches no database runs once.

``wire_uri``/``wire_client``/``wire_database`` are for tests that only make
sense over a real connection (faults, load, async, Go live). When no wire
server can run they skip, saying why, or fail with
``MONGOSTORE_REQUIRE_WIRE=1`` (CI), so a green CI run always proved the wire
path. The pytest header names each backend and the server's version.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import wire

URI_VARIABLE = "MONGODB_URI"
_SERVER_SELECTION_TIMEOUT_MS = 5000


def mongo_uri() -> str | None:
    """The real server's URI from the environment, or None to start the wire server."""
    return os.environ.get(URI_VARIABLE) or None


def server_backend() -> str:
    """The ID of the run's server backend: ``mongodb`` (MONGODB_URI) or ``wire`` (mongoeco)."""
    return "mongodb" if mongo_uri() else "wire"


BACKENDS = ("mongomock", server_backend())


def _host_of(uri: str) -> str:
    """The host list of a URI, without credentials (they must never reach a log)."""
    from pymongo import uri_parser

    nodes = uri_parser.parse_uri(uri)["nodelist"]
    return ",".join(f"{host}:{port}" for host, port in nodes)


def server_uri() -> str:
    """MONGODB_URI, or the URI of the run's wire server (WireUnavailableError if none)."""
    return mongo_uri() or wire.shared_server().uri


def server_version(client: Any) -> str:
    """What the server says it is: ``hello``'s version, else ``buildInfo``'s where answered."""
    from pymongo.errors import OperationFailure

    hello = client.admin.command("hello")
    version = hello.get("version")
    if version is None:
        try:
            version = client.admin.command("buildInfo").get("version")
        except OperationFailure:
            version = None
    if version is None:
        return "version not reported"
    # A non-MongoDB server names itself in gitVersion (mongoeco: "mongoeco"); MongoDB's is a hash.
    git = str(hello.get("gitVersion") or "")
    named = git and not re.fullmatch(r"[0-9a-f]{7,40}", git)
    return f"version {version}" + (f", {git}" if named else "")


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Name each Mongo backend in the pytest header, with the server's version."""
    import mongomock

    lines = [
        f"mongo backends: {', '.join(BACKENDS)}",
        f"  mongomock: in-process, mongomock {mongomock.__version__}",
    ]
    backend = server_backend()
    try:
        uri = server_uri()
    except wire.WireUnavailableError as exc:
        verdict = "FAILS the run" if wire.wire_required() else "skipped"
        return [*lines, f"  {backend}: {verdict}: {exc}"]
    import pymongo

    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        uri, serverSelectionTimeoutMS=_SERVER_SELECTION_TIMEOUT_MS
    )
    try:
        version = server_version(client)
    except pymongo.errors.PyMongoError as exc:
        version = f"unreachable: {type(exc).__name__}"
    finally:
        client.close()
    kind = "MongoDB server" if backend == "mongodb" else "mongoeco wire server"
    return [*lines, f"  {backend}: {kind} at {_host_of(uri)} ({version})"]


def pytest_unconfigure(config: pytest.Config) -> None:
    """Stop the run's wire server (atexit would too; this is sooner)."""
    wire.stop_shared_server()


@pytest.fixture(scope="session")
def wire_uri() -> str:
    """The URI of the run's server: MONGODB_URI, or the wire server started for the run."""
    try:
        return server_uri()
    except wire.WireUnavailableError as exc:
        if wire.wire_required():
            pytest.fail(f"{wire.REQUIRE_VARIABLE} is set and the wire server is unavailable: {exc}")
        pytest.skip(f"wire backend unavailable: {exc}")


@pytest.fixture(scope="session")
def wire_client(wire_uri: str) -> Iterator[Any]:
    """One real ``pymongo.MongoClient`` on the run's server, closed at the end."""
    import pymongo

    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        wire_uri, serverSelectionTimeoutMS=_SERVER_SELECTION_TIMEOUT_MS
    )
    try:
        yield client
    finally:
        client.close()


def _fresh_database(client: Any) -> Iterator[Any]:
    name = f"mongostore_test_{uuid.uuid4().hex[:16]}"
    try:
        yield client.get_database(name)
    finally:
        client.drop_database(name)


@pytest.fixture
def wire_database(wire_client: Any) -> Iterator[Any]:
    """A fresh, uniquely named database on the run's server, dropped afterwards."""
    yield from _fresh_database(wire_client)


@pytest.fixture(scope="session", params=BACKENDS)
def mongo_backend(request: pytest.FixtureRequest) -> str:
    """The backend this test runs on: ``mongomock``, ``wire`` or ``mongodb``."""
    return str(request.param)


@pytest.fixture(scope="session")
def mongo_client(mongo_backend: str, request: pytest.FixtureRequest) -> Iterator[Any]:
    """One client per backend for the whole run: mongomock's, or a real one on the server."""
    if mongo_backend == "mongomock":
        import mongomock

        yield mongomock.MongoClient()
        return
    yield request.getfixturevalue("wire_client")


@pytest.fixture(scope="session")
def mongo_engine(mongo_backend: str, request: pytest.FixtureRequest) -> str:
    """What really answers on this backend: ``mongomock``, ``mongoeco`` or ``mongodb``.

    A MONGODB_URI may name a mongoeco server too; tests sized for a fast
    engine (bulk inserts) ask this rather than the backend ID.
    """
    if mongo_backend == "mongomock":
        return "mongomock"
    hello = request.getfixturevalue("wire_client").admin.command("hello")
    return "mongoeco" if hello.get("gitVersion") == "mongoeco" else "mongodb"


@pytest.fixture
def mongo_database(mongo_client: Any) -> Iterator[Any]:
    """A fresh empty database (pymongo API) for one test, dropped afterwards."""
    yield from _fresh_database(mongo_client)


class FakeClock:
    """A settable clock for ``MongoStore.now``: Unix seconds, moved only by the test.

    It starts at the real current second, so documents written under it are
    not already expired for a server's (or mongomock's) TTL index.
    """

    def __init__(self, start: float | None = None) -> None:
        self.current = float(int(time.time()) if start is None else start)

    def __call__(self) -> float:
        return self.current

    def advance(self, seconds: float) -> None:
        self.current += seconds


class RecordingCollection:
    """A collection wrapper that records every call and can inject database failures.

    ``fail_on`` maps an operation name (``"insert_one"``, ...) to the
    exception to raise instead of calling the real collection. The store
    tells a collection from a database by its type's ``find_one``, so this
    wrapper is accepted wherever a collection is.
    """

    def __init__(self, collection: Any, fail_on: dict[str, BaseException] | None = None) -> None:
        self.inner = collection
        self.calls: list[str] = []
        self.fail_on: dict[str, BaseException] = dict(fail_on or {})

    @property
    def full_name(self) -> str:
        return str(self.inner.full_name)

    def _call(self, operation: str, *args: Any, **kwargs: Any) -> Any:
        self.calls.append(operation)
        failure = self.fail_on.get(operation)
        if failure is not None:
            raise failure
        return getattr(self.inner, operation)(*args, **kwargs)

    def find_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("find_one", *args, **kwargs)

    def insert_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("insert_one", *args, **kwargs)

    def update_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("update_one", *args, **kwargs)

    def delete_one(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_one", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def count_documents(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("count_documents", *args, **kwargs)

    def create_index(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("create_index", *args, **kwargs)


def cookie_request(name: str | None = None, value: str | None = None) -> dict[str, Any]:
    """A bare WSGI environ, carrying ``Cookie: name=value`` when both are given."""
    environ: dict[str, Any] = {"REQUEST_METHOD": "GET", "PATH_INFO": "/"}
    if name is not None and value is not None:
        environ["HTTP_COOKIE"] = f"{name}={value}"
    return environ


def set_cookie_headers(headers: list[tuple[str, str]]) -> list[str]:
    """The Set-Cookie values in a WSGI header list, in order."""
    return [value for key, value in headers if key.lower() == "set-cookie"]


def parse_set_cookie(header: str) -> tuple[str, str, dict[str, str]]:
    """``(name, value, attributes)`` of one Set-Cookie value; flags map to ""."""
    first, *rest = header.split("; ")
    name, _, value = first.partition("=")
    attributes = {}
    for part in rest:
        key, _, attr_value = part.partition("=")
        attributes[key] = attr_value
    return name, value, attributes


def gob_codec(hash_key: bytes, block_key: bytes | None = None) -> Any:
    """A SecureCookie with the gob serializer, as every session store configures its codecs."""
    import securecookie

    return securecookie.SecureCookie(hash_key, block_key).set_serializer(
        securecookie.GobSerializer()
    )
