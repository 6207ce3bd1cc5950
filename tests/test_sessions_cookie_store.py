"""CookieStore: gorilla's sessions tests, the Go cookie_store vectors, rotation, threads."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request, Response

import securecookie
from mongostore.http import HeaderList
from mongostore.sessions import (
    CookieStore,
    InvalidCookieNameError,
    InvalidOptionsError,
    MultiError,
    Options,
    get_registry,
    new_session,
    save,
)
from tests.support import vectors
from tests.support.web import cookie_pair, request_with_cookie, save_all

STORE_VECTORS = vectors.vectors("cookie_store")


def test_flashes_across_five_rounds() -> None:
    # gorilla TestFlashes, with the 1.4 defaults (SameSite=None; Secure).
    store = CookieStore(b"secret-key")

    # Round 1: a cookieless request, flashes under two keys, one cookie out.
    request = request_with_cookie()
    session = store.get(request, "session-key")
    assert session.is_new
    assert session.flashes() == []
    session.add_flash("foo")
    session.add_flash("bar")
    session.add_flash("baz", "custom_key")
    cookies = save_all(request)
    assert len(cookies) == 1
    assert "SameSite=None" in cookies[0]
    assert "Secure" in cookies[0]
    assert "HttpOnly" in cookies[0]
    with pytest.raises(InvalidCookieNameError) as invalid:
        store.get(request, "session:key")
    assert str(invalid.value) == "sessions: invalid character in cookie name: session:key"

    # Round 2: Go's test sends the whole Set-Cookie string back as the Cookie header.
    session = store.get(request_with_cookie(cookies[0]), "session-key")
    assert not session.is_new
    assert session.flashes() == ["foo", "bar"]
    assert session.flashes() == []
    assert session.flashes("custom_key") == ["baz"]
    assert session.flashes("custom_key") == []

    # Round 3: a structured flash (Go: a registered struct passed by pointer).
    request = request_with_cookie()
    session = store.get(request, "session-key")
    assert session.flashes() == []
    message = {"Type": 42, "Message": "foo"}
    session.add_flash(message)
    cookies = save_all(request)
    assert len(cookies) == 1

    # Round 4: it comes back as a value: equal, but a new object.
    session = store.get(request_with_cookie(cookies[0]), "session-key")
    [custom] = session.flashes()
    assert custom == {"Type": 42, "Message": "foo"}
    assert custom is not message

    # Round 5: a second Request on the same environ shares the registry.
    request = request_with_cookie()
    store.get(request, "session-key").values["test"] = "test-value"
    copy = Request(request.environ)
    assert store.get(copy, "session-key").values["test"] == "test-value"


def test_session_made_with_new_session_saves_without_error() -> None:
    # gorilla TestCookieStoreMapPanic.
    store = CookieStore(b"aaa0defe5d2839cbc46fc4f080cd7adc")
    session = new_session(store, "hello")
    session.values["data"] = "hello-world"
    response = Response()
    session.save(request_with_cookie(), response)
    [header] = response.headers.getlist("Set-Cookie")
    assert header.startswith("hello=")


def test_sessions_get_a_copy_of_the_store_options() -> None:
    # gorilla TestGH8CookieStore.
    store = CookieStore()
    store.options.path = "/"
    session = store.new(request_with_cookie(), "hello")
    store.options.path = "/foo"
    assert session.options.path == "/"
    assert session.options is not store.options


def test_defaults_are_gorilla_1_4_plus_http_only() -> None:
    store = CookieStore(b"k")
    assert store.options == Options(
        path="/", max_age=86400 * 30, same_site="None", secure=True, http_only=True
    )


def test_store_without_keys_constructs_and_every_save_fails() -> None:
    store = CookieStore()
    request = request_with_cookie()
    store.get(request, "x")
    with pytest.raises(MultiError) as info:
        save(request, Response())
    assert (
        str(info.value) == 'sessions: error saving session "x" -- securecookie: no codecs provided'
    )
    with pytest.raises(securecookie.Error, match="no codecs provided") as direct:
        store.save(request, Response(), store.new(request, "x"))
    assert direct.value.is_usage()


def test_tampered_cookie_gives_a_fresh_session_that_replaces_it(
    caplog: pytest.LogCaptureFixture,
) -> None:
    store = CookieStore(b"secret-key")
    request = request_with_cookie("s=tampered")
    with caplog.at_level(logging.DEBUG, logger="mongostore.sessions.cookie_store"):
        fresh = store.get(request, "s")
    assert isinstance(fresh.load_error, securecookie.Error)
    assert fresh.load_error.is_decode()
    assert (fresh.is_new, fresh.id, fresh.values) == (True, "", {})
    assert fresh.options == store.options
    assert fresh.options is not store.options
    assert "failed to decode" in caplog.text
    assert store.get(request, "s") is fresh  # the registry replays the same session
    [replacement] = save_all(request)
    reloaded = store.new(request_with_cookie(cookie_pair(replacement)), "s")
    assert (reloaded.values, reloaded.load_error, reloaded.is_new) == ({}, None, False)


def test_a_cookie_store_without_keys_still_raises_on_a_cookie() -> None:
    # No codecs is the server's mistake, not the client's: it must not pass as "new session".
    with pytest.raises(securecookie.Error, match="no codecs provided") as info:
        CookieStore().new(request_with_cookie("s=anything"), "s")
    assert info.value.is_usage()


def test_values_round_trip_through_the_cookie() -> None:
    store = CookieStore(b"h" * 32, b"b" * 32)
    request = request_with_cookie()
    session = store.get(request, "s")
    session.values.update({"user": "alice", "n": 3, "ok": True, "tags": ["a", 1]})
    [header] = save_all(request)
    loaded = store.get(request_with_cookie(cookie_pair(header)), "s")
    assert loaded.values == {"user": "alice", "n": 3, "ok": True, "tags": ["a", 1]}


def test_cookies_of_an_old_key_pair_decode_after_rotation() -> None:
    old = CookieStore(b"old-hash", b"o" * 16)
    request = request_with_cookie()
    old.get(request, "s").values["v"] = 1
    [header] = save_all(request)
    rotated = CookieStore(b"new-hash", b"n" * 16, b"old-hash", b"o" * 16)
    assert rotated.get(request_with_cookie(cookie_pair(header)), "s").values == {"v": 1}
    retired = CookieStore(b"new-hash", b"n" * 16).new(request_with_cookie(cookie_pair(header)), "s")
    assert retired.load_error is not None
    assert (retired.is_new, retired.values) == (True, {})


def test_max_length_limits_every_codec() -> None:
    store = CookieStore(b"k")
    store.max_length(100)
    session = store.new(request_with_cookie(), "s")
    session.values["big"] = "x" * 200
    with pytest.raises(securecookie.Error, match="too long"):
        session.save(request_with_cookie(), Response())


@pytest.mark.parametrize("bad", ["10", 10.5, None, True])
def test_max_age_rejects_a_non_int_and_changes_nothing(bad: Any) -> None:
    # Options and codecs move together or not at all: a half-applied max age
    # would break every later request with an error far from its cause.
    store = CookieStore(b"k")
    with pytest.raises(InvalidOptionsError):
        store.max_age(bad)
    assert store.options.max_age == 86400 * 30
    request = request_with_cookie()
    store.get(request, "s").values["v"] = 1
    [header] = save_all(request)
    assert store.new(request_with_cookie(cookie_pair(header)), "s").values == {"v": 1}


def test_negative_max_age_still_encodes_the_values_into_the_deleting_cookie() -> None:
    store = CookieStore(b"k")
    session = store.new(request_with_cookie(), "s")
    session.values["keep"] = "me"
    session.options.max_age = -1
    response = Response()
    session.save(request_with_cookie(), response)
    [header] = response.headers.getlist("Set-Cookie")
    assert "; Expires=Thu, 01 Jan 1970 00:00:01 GMT; Max-Age=0;" in header
    assert store.new(request_with_cookie(cookie_pair(header)), "s").values == {"keep": "me"}


def _vector_store(vec: dict[str, Any]) -> CookieStore:
    pair = [vectors.key(vec["hash_key_hex"]), vectors.key(vec["block_key_hex"])]
    store = CookieStore(*(key for key in pair if key is not None))
    # The vectors carry real Encode times; their max_age 0 turns the age check off.
    store.max_age(vec["max_age"])
    return store


@pytest.mark.parametrize("vec", STORE_VECTORS, ids=vectors.ids(STORE_VECTORS))
def test_go_cookie_store_flow_reads_back(vec: dict[str, Any]) -> None:
    store = _vector_store(vec)
    session = store.get(request_with_cookie(vec["request2_cookie_header"]), vec["name"])
    assert session.is_new is vec["request2_is_new"]
    assert session.values == vectors.typed_to_python(vec["request2_values"])
    assert session.flashes() == vectors.typed_to_python(vec["request2_flashes"])

    after_flashes = cookie_pair(vec["set_cookie_2_after_flashes_consumed"])
    expected = vectors.typed_to_python(vec["set_cookie_2_values"])
    assert store.new(request_with_cookie(after_flashes), vec["name"]).values == expected
    # Go's delete cookie (MaxAge -1) still carries the values.
    deleted = cookie_pair(vec["set_cookie_3_delete"])
    assert store.new(request_with_cookie(deleted), vec["name"]).values == expected


@pytest.mark.parametrize("vec", STORE_VECTORS, ids=vectors.ids(STORE_VECTORS))
def test_header_matches_go_template_with_gorilla_1_2_options(vec: dict[str, Any]) -> None:
    store = _vector_store(vec)
    store.options = Options(path="/", max_age=vec["store_max_age"])
    request = request_with_cookie()
    store.get(request, vec["name"]).values["n"] = 3
    [header] = save_all(request)
    value = cookie_pair(header).split("=", 1)[1]
    expires = header.split("Expires=", 1)[1].split(";", 1)[0]
    template = vec["set_cookie_1_template"]
    assert header == template.replace("{VALUE}", value).replace("{EXPIRES}", expires)


@pytest.mark.go
def test_python_cookie_store_cookies_decode_in_real_go(go_decode: Any) -> None:
    vec = STORE_VECTORS[0]
    store = _vector_store(vec)
    request = request_with_cookie()
    session = store.get(request, vec["name"])
    session.values.update({"user": "alice", "n": 3, "provider": "ldap"})
    session.add_flash("Logged in as alice")
    [header] = save_all(request)
    case = {
        key: vec[key]
        for key in ("name", "hash", "hash_key_hex", "block_key_hex", "serializer", "max_age")
    }
    case.update(dst="session_values", encoded=cookie_pair(header).split("=", 1)[1])
    [result] = go_decode([case])
    assert result["ok"], result.get("error")
    assert vectors.typed_to_python(result["value"]) == session.values


def test_one_store_from_eight_threads_keeps_every_session_apart() -> None:
    store = CookieStore(b"h" * 32, b"b" * 16)
    failures: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker(index: int) -> None:
        try:
            barrier.wait()
            for round_ in range(10):
                request = request_with_cookie()
                store.get(request, "s").values.update({"who": index, "round": round_})
                [header] = save_all(request)
                loaded = store.get(request_with_cookie(cookie_pair(header)), "s")
                assert loaded.values == {"who": index, "round": round_}
        except BaseException as exc:  # collected and re-raised in the main thread
            failures.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []


def test_header_list_and_bare_environ_adapters_work_end_to_end() -> None:
    store = CookieStore(b"k")
    environ = EnvironBuilder(path="/").get_environ()
    store.get(environ, "s").values["v"] = "bare"
    headers: list[tuple[str, str]] = []
    get_registry(environ).save(HeaderList(headers))
    [(name, header)] = headers
    assert name == "Set-Cookie"
    again = EnvironBuilder(path="/", headers=[("Cookie", cookie_pair(header))]).get_environ()
    assert store.get(again, "s").values == {"v": "bare"}
