"""MongoStore when the network fails under it: a real pymongo connection through a fault proxy.

Every store operation runs through :class:`~tests.support.faultproxy.FaultProxy`
between pymongo and the run's server, under each fault: new connections
refused, the connection reset after the request reached the server (the work
is done, the reply lost), the reply stalled past ``socketTimeoutMS``. The
contract, for each:

- pymongo's error of the fault's kind reaches the caller, with the store's note;
- no Set-Cookie is added;
- no usable session is lost or duplicated: the old cookie still loads its
  session (with the old or, for a write the server did, the new values), and
  a document the lost reply would have named is reachable by no cookie;
- once the proxy heals, the very next call succeeds on the same client.

Through ``SessionMiddleware`` the browser gets the 500 and no cookie, and the
next request after healing is served normally.
"""

from __future__ import annotations

import urllib.parse
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pymongo
import pytest
from bson import ObjectId
from pymongo.errors import AutoReconnect, NetworkTimeout
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from mongostore.http import HeaderList
from mongostore.middleware import SessionMiddleware
from mongostore.sessions import Session, get_registry
from mongostore.store import MongoStore
from tests.support.faultproxy import FaultProxy, Mode
from tests.support.mongo import cookie_request, set_cookie_headers

KEY = b"test"
NAME = "session"
FAULTS: tuple[Mode, ...] = ("refuse", "reset", "stall")
#: pymongo's options for the client behind the proxy. Short timeouts, so a fault
#: costs about a second, yet long enough for a healthy loopback round trip. No
#: read retry: the caller gets the fault's own error, not whichever error the
#: retry met while pymongo's monitor was reacting to the first one (a stall can
#: otherwise surface as a pool-cleared "operation cancelled"); writes are not
#: retried on a standalone server anyway.
CLIENT_OPTIONS: dict[str, Any] = {
    "serverSelectionTimeoutMS": 2000,
    "socketTimeoutMS": 300,
    "connectTimeoutMS": 500,
    "retryReads": False,
}


def assert_fault_kind(err: BaseException, fault: Mode) -> None:
    """A refused or reset connection is an AutoReconnect; a stall is its NetworkTimeout."""
    assert isinstance(err, AutoReconnect), repr(err)
    if fault == "stall":
        assert isinstance(err, NetworkTimeout), repr(err)
    else:
        assert not isinstance(err, NetworkTimeout), repr(err)


def assert_has_store_note(err: BaseException, action: str) -> None:
    notes = getattr(err, "__notes__", [])
    assert any(note.startswith(f"mongostore: {action}") for note in notes), notes


def proxied_uri(uri: str, proxy: FaultProxy) -> str:
    """``uri`` with its host replaced by the proxy's (credentials kept), as a direct connection."""
    parts = urllib.parse.urlsplit(uri)
    credentials, _, _ = parts.netloc.rpartition("@")
    netloc = f"{credentials}@{proxy.address}" if credentials else proxy.address
    query = urllib.parse.parse_qs(parts.query)
    query.pop("replicaSet", None)
    query["directConnection"] = ["true"]
    return urllib.parse.urlunsplit(
        parts._replace(netloc=netloc, query=urllib.parse.urlencode(query, doseq=True))
    )


@pytest.fixture(scope="module")
def proxy(wire_uri: str) -> Iterator[FaultProxy]:
    (host, port), *_ = pymongo.uri_parser.parse_uri(wire_uri)["nodelist"]
    fault_proxy = FaultProxy(host, port)
    try:
        yield fault_proxy
    finally:
        fault_proxy.close()


@pytest.fixture(scope="module")
def faulty_client(proxy: FaultProxy, wire_uri: str) -> Iterator[Any]:
    """One real client, reaching the server only through the proxy, for the whole module."""
    client: pymongo.MongoClient[dict[str, Any]] = pymongo.MongoClient(
        proxied_uri(wire_uri, proxy), **CLIENT_OPTIONS
    )
    try:
        yield client
    finally:
        client.close()


@dataclass
class Stores:
    """The same collection seen through the proxy (under test) and directly (to check)."""

    faulty: MongoStore
    direct: MongoStore
    proxy: FaultProxy


@pytest.fixture
def stores(faulty_client: Any, wire_client: Any, proxy: FaultProxy) -> Iterator[Stores]:
    name = f"mongostore_fault_{uuid.uuid4().hex[:16]}"
    proxy.set_mode("pass")
    try:
        yield Stores(
            MongoStore(faulty_client[name], KEY), MongoStore(wire_client[name], KEY), proxy
        )
    finally:
        proxy.set_mode("pass")
        wire_client.drop_database(name)


VALUES = {"n": 1, "user": "u1", "provider": "github"}


def saved(store: MongoStore, values: dict[str, Any]) -> tuple[str, str]:
    """A session saved through ``store``; (its ID, its cookie value)."""
    session = store.new(cookie_request(), NAME)
    session.values.update(values)
    headers: list[tuple[str, str]] = []
    store.save(cookie_request(), HeaderList(headers), session)
    cookie = set_cookie_headers(headers)[0].split(";")[0].partition("=")[2]
    return session.id, cookie


def loaded(store: MongoStore, cookie: str) -> Session:
    return store.new(cookie_request(NAME, cookie), NAME)


@dataclass
class Operation:
    """One store operation: what it does on the faulty store, its note, what it may change."""

    note: str
    run: Callable[[Stores, Session, list[tuple[str, str]]], object]
    #: Values the old cookie may load afterwards (None: the session may be gone).
    after: tuple[dict[str, Any] | None, ...] = (VALUES,)
    #: Documents a lost reply may leave behind, reachable by no cookie.
    orphans: int = 0


def _get(stores: Stores, _session: Session, _headers: list[tuple[str, str]]) -> object:
    return stores.faulty.new(cookie_request(NAME, _cookie_of(stores, _session)), NAME)


def _cookie_of(stores: Stores, session: Session) -> str:
    import securecookie

    return securecookie.encode_multi(NAME, session.id, *stores.direct.codecs)


def _insert(stores: Stores, _session: Session, headers: list[tuple[str, str]]) -> object:
    fresh = stores.faulty.new(cookie_request(), NAME)
    fresh.values["n"] = 99
    stores.faulty.save(cookie_request(), HeaderList(headers), fresh)
    return fresh


def _update(stores: Stores, session: Session, headers: list[tuple[str, str]]) -> object:
    session.values["n"] = 2
    stores.faulty.save(cookie_request(), HeaderList(headers), session)
    return session


def _delete(stores: Stores, session: Session, headers: list[tuple[str, str]]) -> object:
    session.options.max_age = -1
    stores.faulty.save(cookie_request(), HeaderList(headers), session)
    return session


def _regenerate(stores: Stores, session: Session, headers: list[tuple[str, str]]) -> object:
    stores.faulty.regenerate(cookie_request(), HeaderList(headers), session)
    return session


OPERATIONS = {
    "get": Operation("loading session", _get),
    "insert": Operation("inserting session", _insert, orphans=1),
    "update": Operation("updating session", _update, after=(VALUES, {**VALUES, "n": 2})),
    "delete": Operation("deleting a session", _delete, after=(VALUES, None)),
    # regenerate's first round trip checks the old session is still live.
    "regenerate": Operation("loading session", _regenerate, orphans=1),
    "expire_sessions": Operation(
        "expiring the sessions of a user",
        lambda stores, _s, _h: stores.faulty.expire_sessions("u1", "github"),
        after=(VALUES, None),
    ),
    "clean": Operation("deleting expired sessions", lambda stores, _s, _h: stores.faulty.clean()),
    "get_active_sessions_count": Operation(
        "counting active sessions",
        lambda stores, _s, _h: stores.faulty.get_active_sessions_count(),
    ),
}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_a_network_fault_raises_changes_nothing_reachable_and_heals(
    stores: Stores, operation: str, fault: Mode
) -> None:
    op = OPERATIONS[operation]
    session_id, cookie = saved(stores.direct, VALUES)
    session = loaded(stores.direct, cookie)
    headers: list[tuple[str, str]] = []

    stores.proxy.set_mode(fault)
    with pytest.raises(AutoReconnect) as info:
        op.run(stores, session, headers)
    stores.proxy.set_mode("pass")

    assert_fault_kind(info.value, fault)
    assert_has_store_note(info.value, op.note)
    assert set_cookie_headers(headers) == []
    assert session.id == session_id  # a failed regenerate keeps the old ID
    after = loaded(stores.direct, cookie)
    assert (None if after.is_new else after.values) in op.after
    others = stores.direct.collection.count_documents({"_id": {"$ne": ObjectId(session_id)}})
    assert others <= op.orphans  # unreachable: no cookie ever named them

    # Healed: the very next call on the same client succeeds.
    headers.clear()
    result = op.run(stores, session, headers)
    if operation in ("insert", "update", "delete", "regenerate"):
        assert len(set_cookie_headers(headers)) == 1
    if operation == "get":
        assert isinstance(result, Session)
        assert (result.is_new, result.values) == (False, VALUES)
    if operation == "get_active_sessions_count":
        assert result == stores.direct.get_active_sessions_count()


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("has_session", [False, True], ids=["new_session", "existing_session"])
def test_through_the_middleware_the_browser_gets_a_500_and_no_cookie(
    stores: Stores, fault: Mode, has_session: bool
) -> None:
    faults: list[Mode] = [fault]

    @Request.application  # type: ignore[arg-type]
    def app(request: Request) -> Response:
        session = get_registry(request).get(stores.faulty, NAME)
        session.values["n"] = session.values.get("n", 0) + 1
        if faults:  # the network breaks after the page loaded its session
            stores.proxy.set_mode(faults.pop())
        return Response(str(session.values["n"]))

    client = Client(SessionMiddleware(app))
    if has_session:
        _, cookie = saved(stores.direct, {"n": 10})
        client.set_cookie(NAME, cookie)
    response = client.get("/")
    assert response.status_code == 500
    assert "Set-Cookie" not in response.headers

    stores.proxy.set_mode("pass")
    response = client.get("/")
    assert response.status_code == 200
    # A refused write never happened; a reset or stalled one may have reached the
    # server (its reply was lost): the next page then sees that increment.
    counts = {"11", "12"} if fault != "refuse" else {"11"}
    assert response.get_data(as_text=True) in (counts if has_session else {"1"})
    assert "Set-Cookie" in response.headers
