"""The MongoDB fixture: mongomock by default, a real server when MONGODB_URI is set.

``mongo_database`` gives every test a fresh, empty database with pymongo's
API. With ``MONGODB_URI`` set, the tests run unchanged against that server:
each test gets its own uniquely named database, dropped afterwards, so runs
never see each other's sessions. The pytest header names the backend, so a
log always shows which one a green run exercised.
"""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

URI_VARIABLE = "MONGODB_URI"
_SERVER_SELECTION_TIMEOUT_MS = 5000


def mongo_uri() -> str | None:
    """The real server's URI from the environment, or None for mongomock."""
    return os.environ.get(URI_VARIABLE) or None


def _host_of(uri: str) -> str:
    """The host list of a URI, without credentials (they must never reach a log)."""
    from pymongo import uri_parser

    nodes = uri_parser.parse_uri(uri)["nodelist"]
    return ",".join(f"{host}:{port}" for host, port in nodes)


def pytest_report_header(config: pytest.Config) -> str:
    """Name the Mongo backend in the pytest header."""
    uri = mongo_uri()
    if uri is None:
        return "mongo backend: mongomock"
    import pymongo

    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        uri, serverSelectionTimeoutMS=_SERVER_SELECTION_TIMEOUT_MS
    )
    try:
        version = client.server_info()["version"]
    finally:
        client.close()
    return f"mongo backend: MongoDB at {_host_of(uri)} ({version})"


@pytest.fixture(scope="session")
def mongo_client() -> Iterator[Any]:
    """One client for the whole run: a real server's, or a mongomock client."""
    uri = mongo_uri()
    if uri is None:
        import mongomock

        yield mongomock.MongoClient()
        return
    import pymongo

    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        uri, serverSelectionTimeoutMS=_SERVER_SELECTION_TIMEOUT_MS
    )
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def mongo_database(mongo_client: Any) -> Iterator[Any]:
    """A fresh empty database (pymongo API) for one test, dropped afterwards."""
    name = f"mongostore_test_{uuid.uuid4().hex[:16]}"
    database = mongo_client.get_database(name)
    try:
        yield database
    finally:
        mongo_client.drop_database(name)


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
