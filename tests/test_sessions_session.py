"""Session: flashes, add_flash, save delegation, new_session."""

from __future__ import annotations

from typing import Any

import pytest

from mongostore.errors import Error
from mongostore.http import HeaderList, RequestLike, ResponseLike
from mongostore.sessions import (
    FlashesTypeError,
    MissingStoreError,
    Options,
    Session,
    new_session,
)


class RecordingStore:
    """A store that records saves."""

    def __init__(self) -> None:
        self.saved: list[tuple[RequestLike, ResponseLike, Session]] = []

    def get(self, request: RequestLike, name: str) -> Session:
        return self.new(request, name)

    def new(self, request: RequestLike, name: str) -> Session:
        return new_session(self, name)

    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        self.saved.append((request, response, session))


def test_new_session_has_go_zero_state() -> None:
    store = RecordingStore()
    session = new_session(store, "name")
    assert (session.id, session.values, session.is_new) == ("", {}, False)
    assert session.options == Options()
    assert (session.name, session.store) == ("name", store)


def test_flashes_are_returned_once_in_order() -> None:
    session = new_session(None, "s")
    assert session.flashes() == []
    session.add_flash("foo")
    session.add_flash("bar")
    session.add_flash("baz", "custom_key")
    assert session.values["_flash"] == ["foo", "bar"]
    assert session.flashes() == ["foo", "bar"]
    assert session.flashes() == []
    assert session.flashes("custom_key") == ["baz"]
    assert session.flashes("custom_key") == []
    assert session.values == {}


def test_flashes_can_be_any_value() -> None:
    session = new_session(None, "s")
    message = {"type": 42, "message": "foo"}
    session.add_flash(message)
    assert session.flashes() == [message]


@pytest.mark.parametrize("bad", ["text", 3, {"a": 1}, ("tuple",), None])
def test_non_list_under_the_flash_key_is_a_typed_error(bad: Any) -> None:
    session = new_session(None, "s")
    session.values["_flash"] = bad
    with pytest.raises(FlashesTypeError, match="not a list") as info:
        session.flashes()
    assert isinstance(info.value, Error)
    assert session.values["_flash"] is bad  # nothing consumed
    with pytest.raises(FlashesTypeError):
        session.add_flash("x")
    assert session.values["_flash"] is bad


def test_save_delegates_to_the_store() -> None:
    store = RecordingStore()
    session = new_session(store, "s")
    environ: dict[str, Any] = {}
    response = HeaderList([])
    session.save(environ, response)
    assert store.saved == [(environ, response, session)]


def test_save_without_a_store_is_a_typed_error() -> None:
    with pytest.raises(MissingStoreError, match='sessions: missing store for session "s"'):
        new_session(None, "s").save({}, HeaderList([]))


def test_repr_does_not_reveal_values() -> None:
    session = Session(None, "s", values={"password": "hunter2"})
    assert "hunter2" not in repr(session)
    assert "1 keys" in repr(session)
