"""A live Go service and the Python store on one collection of one wire server.

The Go side is ``tests/go/store``: a Go MongoStore written from the Go store's
documented behaviour (gorilla/sessions 1.2.1, securecookie 1.1.1, the official
mongo-go-driver 1.8.4) behind a loopback HTTP API. One :class:`Browser` holds
the session cookie that both services set and read, as a user moving between
a Python and a Go service of one site would.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from typing import Any

import pytest

import mongostore.__main__
import securecookie
from mongostore import MongoStore
from mongostore.http import HeaderList
from mongostore.sessions import Session
from mongostore.store import SessionNotFoundError
from securecookie.gob.gotypes import GoDict, GoFloat, GoInt, GoList
from tests.support.golive import COOKIE_NAME, Browser, GoService, GoServiceFactory
from tests.support.vectors import python_to_typed, typed_to_python, values_equal
from tests.support.web import request_with_cookie

pytestmark = pytest.mark.go

Pairs = list[tuple[bytes, bytes | None]]

HASH_ONLY: Pairs = [(bytes(range(32)), None)]
AES: Pairs = [(bytes(range(64)), bytes(range(100, 132)))]
OTHER: Pairs = [(bytes(range(1, 33)), bytes(range(40, 56)))]
KEYS = {"hash-only": HASH_ONLY, "aes-256": AES}
#: How long a test may wait for a second to pass on the wall clock (expiry is in seconds).
EXPIRY_WAIT_S = 8.0


# -- the Python side --------------------------------------------------------------------


def py_store(database: Any, pairs: Pairs, *, max_age: int | None = None) -> MongoStore:
    store = MongoStore(database, *[key for pair in pairs for key in pair])
    if max_age is not None:
        store.options.max_age = max_age
    return store


def py_load(store: MongoStore, browser: Browser) -> tuple[Session, Exception | None]:
    """The session and its load error (a bad cookie gives a fresh session with ``load_error``)."""
    session = store.get(request_with_cookie(browser.header()), COOKIE_NAME)
    return session, session.load_error


def py_get(store: MongoStore, browser: Browser) -> Session:
    """The session, which must have loaded without error."""
    session, error = py_load(store, browser)
    assert error is None, error
    return session


def py_save(store: MongoStore, browser: Browser, session: Session) -> None:
    headers: list[tuple[str, str]] = []
    store.save(request_with_cookie(browser.header()), HeaderList(headers), session)
    browser.take([value for key, value in headers if key.lower() == "set-cookie"])


def py_login(store: MongoStore, browser: Browser, user: str, **values: Any) -> Session:
    session = py_get(store, browser)
    session.values.update(user=user, **values)
    py_save(store, browser, session)
    return session


def go_values(answer: dict[str, Any]) -> dict[Any, Any]:
    assert answer["error"] == "", answer["error"]
    values: dict[Any, Any] = typed_to_python(answer["values"])
    return values


def go_types(answer: dict[str, Any]) -> dict[Any, str]:
    return {e["key"]["value"]: e["value"]["type"] for e in answer["values"]["value"]}


def whoami(go: GoService, browser: Browser) -> dict[str, Any]:
    return go.call("/whoami", browser, method="GET")


def wait_past(unix_seconds: int) -> None:
    """Sleep (bounded) until the wall clock has passed ``unix_seconds``."""
    deadline = time.monotonic() + EXPIRY_WAIT_S
    while time.time() < unix_seconds + 1:
        assert time.monotonic() < deadline, "the clock did not pass the expiry in time"
        time.sleep(0.2)


def zone(hours: int, minutes: int = 0) -> dt.timezone:
    return dt.timezone(dt.timedelta(hours=hours, minutes=minutes))


#: Every type both sides share, at its boundary values (Python type -> Go type).
SHARED_VALUES: dict[str, tuple[Any, str]] = {
    "str_empty": ("", "string"),
    "str_unicode": ("ünïcødé ✓ 𝄞", "string"),
    "str_long": ("x" * 400, "string"),
    "int_zero": (0, "int"),
    "int_min": (-(2**63), "int"),
    "int_max": (2**63 - 1, "int"),
    "float_max": (1.7976931348623157e308, "float64"),
    "float_tiny": (5e-324, "float64"),
    "float_neg_zero": (-0.0, "float64"),
    "float_inf": (math.inf, "float64"),
    "float_neg_inf": (-math.inf, "float64"),
    "float_nan": (math.nan, "float64"),
    "true": (True, "bool"),
    "false": (False, "bool"),
    "bytes_empty": (b"", "[]uint8"),
    "bytes_all": (bytes(range(0, 256, 3)), "[]uint8"),
    "nil": (None, "nil"),
    "list_empty": ([], "[]interface {}"),
    "list_mixed": (["a", 1, 2.5, True, None, b"\x00", [[]], {"k": "v"}], "[]interface {}"),
    "dict_empty": ({}, "map[string]interface {}"),
    "dict_nested": ({"a": {"b": [1, {"c": None}]}}, "map[string]interface {}"),
    "time_utc_micro": (dt.datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=dt.UTC), "time.Time"),
    "time_offset": (dt.datetime(2024, 3, 1, 18, 0, tzinfo=zone(5, 30)), "time.Time"),
    "time_year1": (dt.datetime(1, 1, 1, tzinfo=dt.UTC), "time.Time"),
    "time_year1_east": (dt.datetime(1, 1, 1, 0, 30, tzinfo=zone(1)), "time.Time"),
    "time_year9999": (dt.datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=dt.UTC), "time.Time"),
    "time_year9999_west": (dt.datetime(9999, 12, 31, 23, tzinfo=zone(-2)), "time.Time"),
}


# -- logins cross in both directions ------------------------------------------------------


@pytest.mark.parametrize("keys", list(KEYS.values()), ids=list(KEYS))
def test_a_go_login_is_a_python_login_and_back(
    go_service: GoServiceFactory, wire_database: Any, keys: Pairs
) -> None:
    go, store, browser = go_service(keys), py_store(wire_database, keys), Browser()
    logged_in = go.call("/login?user=oscar", browser)
    assert logged_in["error"] == ""
    session = py_get(store, browser)
    assert (session.is_new, session.id, session.values) == (
        False,
        logged_in["id"],
        {"user": "oscar"},
    )
    session.values["visits"] = 1
    py_save(store, browser, session)
    assert go_values(whoami(go, browser)) == {"user": "oscar", "visits": 1}


@pytest.mark.parametrize("keys", list(KEYS.values()), ids=list(KEYS))
def test_a_python_login_is_a_go_login(
    go_service: GoServiceFactory, wire_database: Any, keys: Pairs
) -> None:
    go, store, browser = go_service(keys), py_store(wire_database, keys), Browser()
    session = py_login(store, browser, "ada", provider="github")
    answer = whoami(go, browser)
    assert (answer["is_new"], answer["id"]) == (False, session.id)
    assert go_values(answer) == {"user": "ada", "provider": "github"}


def test_python_regenerate_of_a_go_session_keeps_the_values_under_a_new_id(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, store, browser = go_service(AES), py_store(wire_database, AES), Browser()
    old_id = go.call("/login?user=oscar", browser)["id"]
    session = py_get(store, browser)
    headers: list[tuple[str, str]] = []
    store.regenerate(request_with_cookie(browser.header()), HeaderList(headers), session)
    browser.take([v for k, v in headers if k.lower() == "set-cookie"])
    answer = whoami(go, browser)
    assert answer["id"] == session.id != old_id
    assert go_values(answer) == {"user": "oscar"}
    assert wire_database.session.count_documents({}) == 1


# -- logout, expiry, counts -------------------------------------------------------------


def test_a_go_logout_ends_the_session_for_python_and_python_cannot_revive_it(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, store, browser = go_service(AES), py_store(wire_database, AES), Browser()
    go.call("/login?user=oscar", browser)
    python_side = Browser(browser.cookie)
    held = py_get(store, python_side)  # a Python request that loaded it before the logout
    go.call("/logout", browser)
    assert browser.cookie is None
    assert py_get(store, python_side).is_new
    held.values["late"] = True
    with pytest.raises(SessionNotFoundError):
        py_save(store, python_side, held)
    assert wire_database.session.count_documents({}) == 0


def test_a_python_logout_ends_the_session_for_go(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, store, browser = go_service(HASH_ONLY), py_store(wire_database, HASH_ONLY), Browser()
    session = py_login(store, browser, "ada")
    go_side = Browser(browser.cookie)
    session.options.max_age = -1
    py_save(store, browser, session)
    answer = whoami(go, go_side)
    assert (answer["is_new"], answer["id"], go_values(answer)) == (True, "", {})


def test_both_sides_count_and_clean_the_same_sessions(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, store = go_service(AES), py_store(wire_database, AES)
    go.call("/login?user=a", Browser())
    py_login(store, Browser(), "b")
    short = py_store(wire_database, AES, max_age=1)
    expiring = py_login(short, Browser(), "c")
    assert go.call("/count", method="GET")["count"] == store.get_active_sessions_count() == 3
    wait_past(wire_database.session.find_one({"_id": _oid(expiring.id)})["expires"])
    assert go.call("/count", method="GET")["count"] == store.get_active_sessions_count() == 2
    assert go.call("/clean")["count"] == 1
    assert store.clean() == 0


def _oid(session_id: str) -> Any:
    from bson import ObjectId

    return ObjectId(session_id)


def test_go_expire_sessions_matches_user_and_provider_exactly(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, store = go_service(AES), py_store(wire_database, AES)
    py_login(store, Browser(), "oscar", provider="github")
    py_login(store, Browser(), "oscar")
    assert go.call("/expire?user=oscar&provider=github")["count"] == 1
    assert store.expire_sessions("oscar", "github") == 0
    assert wire_database.session.count_documents({}) == 1


def test_cli_expire_without_provider_logs_the_user_out_of_go_and_python(
    go_service: GoServiceFactory,
    wire_database: Any,
    go_wire_uri: str,
    capsys: pytest.CaptureFixture[str],
) -> None:
    # Fix 1: Go's sessions have no provider field; "everywhere" must include them.
    go, store = go_service(AES), py_store(wire_database, AES)
    go_browser, py_browser, other = Browser(), Browser(), Browser()
    go.call("/login?user=oscar", go_browser)
    py_login(store, py_browser, "oscar", provider="sso")
    go.call("/login?user=ada", other)
    status = mongostore.__main__.main(
        ["expire", "--uri", go_wire_uri, "--db", wire_database.name, "--user", "oscar"]
    )
    assert (status, capsys.readouterr().out) == (0, "deleted 2 session(s) of user 'oscar'\n")
    assert whoami(go, go_browser)["is_new"]
    assert py_get(store, py_browser).is_new
    assert go_values(whoami(go, other)) == {"user": "ada"}


# -- Go extends a Python session: expires moves, expires_at does not ----------------------


@pytest.mark.parametrize("ttl_index", [True, False], ids=["ttl-index", "no-ttl-index"])
def test_go_extending_a_python_session_and_the_ttl_index(
    go_service: GoServiceFactory, wire_database: Any, ttl_index: bool
) -> None:
    # 3 s, not 1: Go must touch the session before Python's expiry passes, even on a
    # loaded CI machine (mongoeco applies TTL on access, so a late touch finds nothing).
    store = py_store(wire_database, AES, max_age=3)
    store.ensure_indexes(ttl=ttl_index)  # the collection is still Python's alone
    go, browser = go_service(AES), Browser()
    session = py_login(store, browser, "oscar")
    python_expires_at = wire_database.session.find_one()["expires_at"]
    extended = go.call("/touch?max_age=3600", browser)
    assert extended["error"] == ""
    document = wire_database.session.find_one()
    assert document["expires"] > time.time() + 3000  # Go extended it ...
    assert document["expires_at"] == python_expires_at  # ... and never touches expires_at
    wait_past(int(python_expires_at.replace(tzinfo=dt.UTC).timestamp()))
    answer = whoami(go, browser)
    if ttl_index:
        # mongoeco applies TTL on every access: the session Go extended is gone.
        assert (answer["is_new"], wire_database.session.count_documents({})) == (True, 0)
    else:
        assert (answer["is_new"], answer["id"]) == (False, session.id)
        assert py_get(py_store(wire_database, AES), browser).values == {"user": "oscar"}


def test_ensure_indexes_refuses_the_ttl_index_once_go_wrote_a_session(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    from mongostore.errors import TTLIndexRefusedError

    go_service(AES).call("/login?user=oscar", Browser())
    store = py_store(wire_database, AES)
    with pytest.raises(TTLIndexRefusedError, match="ttl=False"):
        store.ensure_indexes()
    store.ensure_indexes(ttl=False)
    specs = wire_database.session.index_information().values()
    assert not any("expireAfterSeconds" in spec for spec in specs)


def test_the_demo_with_no_ttl_serves_a_collection_go_writes(
    go_service: GoServiceFactory,
    wire_database: Any,
    go_wire_uri: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from werkzeug.serving import BaseWSGIServer

    def interrupted(self: BaseWSGIServer, poll_interval: float = 0.5) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(BaseWSGIServer, "serve_forever", interrupted)
    go_service(AES).call("/login?user=oscar", Browser())
    args = ["demo", "--uri", go_wire_uri, "--db", wire_database.name, "--port", "0"]
    assert mongostore.__main__.main(args) == 1  # refuses to add the TTL index
    assert "--no-ttl" in capsys.readouterr().err
    assert mongostore.__main__.main([*args, "--no-ttl"]) == 0
    specs = wire_database.session.index_information().values()
    assert not any("expireAfterSeconds" in spec for spec in specs)


# -- values: every shared type both ways, Go-only types, range ends -------------------------


def test_every_shared_type_and_its_boundaries_from_python_to_go(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, store, browser = go_service(AES), py_store(wire_database, AES), Browser()
    values = {name: value for name, (value, _) in SHARED_VALUES.items()}
    values["str_not_utf8"] = b"\xff\xfe ok".decode("utf-8", "surrogateescape")
    py_login(store, browser, "ada", **values)
    answer = whoami(go, browser)
    expected_types = {name: go_type for name, (_, go_type) in SHARED_VALUES.items()}
    assert go_types(answer) == {**expected_types, "str_not_utf8": "string", "user": "string"}
    assert values_equal(go_values(answer), {**values, "user": "ada"})


def test_every_shared_type_and_its_boundaries_from_go_to_python(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, store, browser = go_service(AES), py_store(wire_database, AES), Browser()
    for name, (value, _) in SHARED_VALUES.items():
        assert go.call(f"/set?key={name}", browser, body=python_to_typed(value))["error"] == ""
    session = py_get(store, browser)  # no load error: the range-end times load too (fix 3)
    expected = {name: value for name, (value, _) in SHARED_VALUES.items()}
    assert values_equal(session.values, expected)


#: Go types Python has none of its own for, at their boundaries.
GO_ONLY = {
    "int64": ("int64", 2**63 - 1),
    "int32": ("int32", -(2**31)),
    "int16": ("int16", 2**15 - 1),
    "int8": ("int8", -128),
    "uint8": ("uint8", 255),
    "uint64": ("uint64", 2**64 - 1),
    "uint": ("uint", 0),
    "float32": ("float32", 3.4028234663852886e38),
    "complex64": ("complex64", [1.5, -2.0]),
}
GO_ONLY_COMPOSITE = {
    "strings": {"type": "[]string", "value": [{"type": "string", "value": s} for s in ("a", "")]},
    "int64s": {"type": "[]int64", "value": [{"type": "int64", "value": -(2**63)}]},
    "labels": {
        "type": "map[string]string",
        "value": [{"key": python_to_typed("env"), "value": python_to_typed("prod")}],
    },
}


def _set_go_only(go: GoService, browser: Browser) -> None:
    for name, (go_type, value) in GO_ONLY.items():
        answer = go.call(f"/set?key={name}", browser, body={"type": go_type, "value": value})
        assert answer["error"] == ""
    for name, value in GO_ONLY_COMPOSITE.items():
        assert go.call(f"/set?key={name}", browser, body=value)["error"] == ""


def test_go_only_types_survive_a_python_save_of_the_session(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    # Fix 2: a Python service that merely touches the session must not narrow Go's types.
    go, store, browser = go_service(AES), py_store(wire_database, AES), Browser()
    _set_go_only(go, browser)
    before = whoami(go, browser)
    session = py_get(store, browser)
    assert session.values["int64"] == 2**63 - 1  # plain to Python code
    assert session.values["strings"] == ["a", ""]
    assert session.values["labels"] == {"env": "prod"}
    assert isinstance(session.values["int32"], GoInt)
    assert isinstance(session.values["float32"], GoFloat)
    assert isinstance(session.values["strings"], GoList)
    assert isinstance(session.values["labels"], GoDict)
    session.values["python_was_here"] = True
    py_save(store, browser, session)
    after = whoami(go, browser)
    assert go_types(after) == {**go_types(before), "python_was_here": "bool"}
    assert values_equal(go_values(after), {**go_values(before), "python_was_here": True})


def test_go_only_values_python_replaced_take_the_default_go_type(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, store, browser = go_service(AES), py_store(wire_database, AES), Browser()
    _set_go_only(go, browser)
    session = py_get(store, browser)
    session.values["int32"] = session.values["int32"] + 1
    session.values["strings"] = [*session.values["strings"], "b"]
    session.values["labels"]["team"] = "core"  # edited in place: still a map[string]string
    py_save(store, browser, session)
    types = go_types(whoami(go, browser))
    assert (types["int32"], types["strings"], types["labels"]) == (
        "int",
        "[]interface {}",
        "map[string]string",
    )


def test_an_unregistered_type_is_silently_dropped_by_go_and_then_lost(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    # Fix 5, as the README tells it: the Go service registers map[string]interface{}
    # but not map[interface{}]interface{} (a dict with non-str keys).
    go, store, browser = go_service(AES), py_store(wire_database, AES), Browser()
    py_login(store, browser, "ada")
    session = py_get(store, browser)
    session.values["scores"] = {1: "one"}
    py_save(store, browser, session)
    answer = whoami(go, browser)
    assert 'name not registered for interface: "map[interface {}]interface {}"' in answer["error"]
    assert "scores" not in go_types(answer)
    go.call("/touch", browser)  # Go's next save writes back what it could decode
    assert "scores" not in py_get(store, browser).values


# -- keys: foreign keys, rotation ------------------------------------------------------------


def test_a_cookie_under_foreign_keys_gives_a_new_session_on_both_sides(
    go_service: GoServiceFactory, wire_database: Any
) -> None:
    go, browser = go_service(OTHER), Browser()
    go.call("/login?user=oscar", browser)
    session, error = py_load(py_store(wire_database, AES), browser)
    assert session.is_new
    assert isinstance(error, securecookie.Error)
    assert error.is_decode()
    py_browser = Browser()
    py_login(py_store(wire_database, AES), py_browser, "ada")
    answer = whoami(go, py_browser)
    assert answer["is_new"]
    assert "securecookie" in answer["error"]


def test_key_rotation_on_either_side(go_service: GoServiceFactory, wire_database: Any) -> None:
    old, new = AES, OTHER
    browser = Browser()
    py_login(py_store(wire_database, old), browser, "oscar")
    # Go rotated first: reads the old cookie, and its save re-issues it under the new key.
    go = go_service([*new, *old])
    assert go_values(whoami(go, browser)) == {"user": "oscar"}
    go.call("/touch", browser)
    assert py_get(py_store(wire_database, new), browser).values == {"user": "oscar"}
    # Python rotated first: a Go-only-old-key cookie reads, and Python re-issues it.
    go_old, go_browser = go_service(old), Browser()
    go_old.call("/login?user=ada", go_browser)
    rotated = py_store(wire_database, [*new, *old])
    session = py_get(rotated, go_browser)
    assert session.values == {"user": "ada"}
    py_save(rotated, go_browser, session)
    assert go_values(whoami(go_service(new), go_browser)) == {"user": "ada"}
