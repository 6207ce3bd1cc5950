"""Registry: one load per name per request, replayed sessions and errors, save-all."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

import securecookie
from mongostore.errors import Error
from mongostore.http import HeaderList, RequestLike, ResponseLike, add_set_cookie
from mongostore.sessions import (
    InvalidCookieNameError,
    MultiError,
    Registry,
    SaveError,
    Session,
    get_registry,
    new_session,
    save,
)
from mongostore.sessions.registry import ENVIRON_KEY, get_async_registry


class LoadError(Exception):
    """A load failure; may carry a session as Go's (session, err) does."""

    session: Session | None = None


class FakeStore:
    """Counts loads, optionally fails them; saves write ``name=saved``."""

    def __init__(
        self, *, load_error: bool = False, bad_cookie: bool = False, save_error: bool = False
    ):
        self.loads = 0
        self.load_error = load_error
        self.bad_cookie = bad_cookie
        self.save_error = save_error
        self.saved: list[str] = []

    def get(self, request: RequestLike, name: str) -> Session:
        return get_registry(request).get(self, name)

    def new(self, request: RequestLike, name: str) -> Session:
        self.loads += 1
        session = new_session(self, name)
        session.is_new = True
        if self.load_error:
            raise LoadError(f"cannot load {name}")
        if self.bad_cookie:
            session.load_error = securecookie.errors.decode_error("tampered")
        return session

    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        if self.save_error:
            raise OSError(f"disk full for {session.name}")
        self.saved.append(session.name)
        add_set_cookie(response, f"{session.name}=saved")


def _environ() -> dict[str, Any]:
    return EnvironBuilder(path="/").get_environ()


def test_registry_lives_in_the_environ_and_is_shared_by_requests_on_it() -> None:
    environ = _environ()
    registry = get_registry(environ)
    assert environ[ENVIRON_KEY] is registry
    assert get_registry(Request(environ)) is registry
    assert get_registry(_environ()) is not registry


def test_shallow_copy_of_the_request_keeps_the_session_values() -> None:
    # gorilla TestFlashes round 5: the registry travels with the request context.
    store = FakeStore()
    environ = _environ()
    store.get(Request(environ), "session-key").values["test"] = "test-value"
    again = store.get(Request(environ), "session-key")
    assert again.values["test"] == "test-value"
    assert store.loads == 1


def test_get_loads_once_and_replays_the_same_session() -> None:
    store = FakeStore()
    registry = Registry(_environ())
    first = registry.get(store, "s")
    assert registry.get(store, "s") is first
    assert store.loads == 1


def test_get_replays_the_same_exception_object() -> None:
    store = FakeStore(load_error=True)
    registry = Registry(_environ())
    with pytest.raises(LoadError) as first:
        registry.get(store, "s")
    with pytest.raises(LoadError) as second:
        registry.get(store, "s")
    assert second.value is first.value
    assert store.loads == 1


def test_a_bad_cookie_session_is_replayed_and_saved_to_replace_the_cookie() -> None:
    store = FakeStore(bad_cookie=True)
    environ = _environ()
    first = get_registry(environ).get(store, "s")
    assert first.load_error is not None
    assert get_registry(environ).get(store, "s") is first
    assert store.loads == 1
    headers: list[tuple[str, str]] = []
    save(environ, HeaderList(headers))
    assert headers == [("Set-Cookie", "s=saved")]


def test_a_load_that_raised_leaves_nothing_to_save() -> None:
    store = FakeStore(load_error=True)
    environ = _environ()
    with pytest.raises(LoadError):
        get_registry(environ).get(store, "s")
    headers: list[tuple[str, str]] = []
    save(environ, HeaderList(headers))
    assert headers == []


def test_invalid_name_is_rejected_before_the_store_is_asked() -> None:
    store = FakeStore()
    with pytest.raises(InvalidCookieNameError) as info:
        Registry(_environ()).get(store, "session:key")
    assert str(info.value) == "sessions: invalid character in cookie name: session:key"
    assert isinstance(info.value, Error)
    assert store.loads == 0


def test_the_last_store_asked_owns_the_session() -> None:
    first, second = FakeStore(), FakeStore()
    registry = Registry(_environ())
    session = registry.get(first, "s")
    assert registry.get(second, "s") is session
    assert session.store is second


def test_save_all_writes_every_session() -> None:
    store = FakeStore()
    environ = _environ()
    store.get(environ, "a")
    store.get(environ, "b")
    headers: list[tuple[str, str]] = []
    save(environ, HeaderList(headers))
    assert headers == [("Set-Cookie", "a=saved"), ("Set-Cookie", "b=saved")]


def test_save_all_continues_past_failures_and_reports_them_as_go() -> None:
    failing, working = FakeStore(save_error=True), FakeStore()
    environ = _environ()
    failing.get(environ, "x")
    working.get(environ, "ok")
    failing.get(environ, "y")
    headers: list[tuple[str, str]] = []
    with pytest.raises(MultiError) as info:
        save(environ, HeaderList(headers))
    assert headers == [("Set-Cookie", "ok=saved")]
    assert str(info.value) == (
        'sessions: error saving session "x" -- disk full for x (and 1 other error)'
    )
    assert [err.name for err in info.value if isinstance(err, SaveError)] == ["x", "y"]
    assert isinstance(info.value[0], SaveError)
    assert isinstance(info.value[0].cause, OSError)
    assert isinstance(info.value, Error)


def test_multi_error_text_counts_like_go() -> None:
    errors = [ValueError("one"), ValueError("two"), ValueError("three")]
    assert str(MultiError([])) == "(0 errors)"
    assert str(MultiError(errors[:1])) == "one"
    assert str(MultiError(errors)) == "one (and 2 other errors)"
    assert len(MultiError(errors)) == 3


def test_session_that_lost_its_store_is_reported() -> None:
    store = FakeStore()
    environ = _environ()
    store.get(environ, "s").store = None
    with pytest.raises(MultiError, match='sessions: missing store for session "s"'):
        save(environ, HeaderList([]))


def test_save_with_no_sessions_does_nothing() -> None:
    headers: list[tuple[str, str]] = []
    save(_environ(), HeaderList(headers))
    assert headers == []


class AsyncOnlyStore(FakeStore):
    """An asyncio store (coroutine ``new`` and ``autosave``) put in a blocking registry."""

    async def new(self, request: RequestLike, name: str) -> Session:  # type: ignore[override]
        return FakeStore.new(self, request, name)

    async def autosave(self, request: RequestLike, response: ResponseLike, session: Session) -> str:
        return "write"


def test_an_asyncio_store_loading_in_a_blocking_registry_is_refused() -> None:
    environ = _environ()
    with pytest.raises(RuntimeError, match="asyncio store or collection was used by blocking"):
        get_registry(environ).get(AsyncOnlyStore(), "s")  # type: ignore[arg-type]
    assert get_registry(environ)._entries == {}  # nothing cached: not a session


def test_an_asyncio_store_saving_in_a_blocking_registry_is_a_save_error() -> None:
    environ = _environ()
    registry = get_registry(environ)
    registry.get(FakeStore(), "s").store = AsyncOnlyStore()  # type: ignore[assignment]
    with pytest.raises(MultiError) as info:
        save(environ, HeaderList([]))
    (error,) = info.value.errors
    assert isinstance(error, SaveError)
    assert "used by blocking code" in str(error)
    assert registry.saved == {"s": "failed"}


def test_the_asyncio_registry_serves_a_blocking_store_too() -> None:
    store = FakeStore()
    scope: dict[str, Any] = {"type": "http", "headers": []}
    headers: list[tuple[str, str]] = []

    async def request() -> tuple[Session, Session]:
        registry = get_async_registry(scope)
        first = await registry.get(store, "plain")  # type: ignore[arg-type]
        again = await registry.get(store, "plain")  # type: ignore[arg-type]
        await registry.save(HeaderList(headers))
        return first, again

    first, again = asyncio.run(request())
    assert first is again
    assert first.store is store
    assert store.loads == 1
    assert store.saved == ["plain"]
    assert headers == [("Set-Cookie", "plain=saved")]
    assert get_async_registry(scope).saved == {"plain": "write"}
