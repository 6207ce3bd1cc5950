"""A session: values plus cookie options, and the flash-message helpers."""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any

import securecookie
from mongostore.sessions.errors import FlashesTypeError, MissingStoreError
from mongostore.sessions.options import Options

if TYPE_CHECKING:
    from mongostore.http import RequestLike, ResponseLike
    from mongostore.sessions.protocol import AnyStore

#: Go's ``flashesKey``: where flashes live when no key is given.
FLASHES_KEY = "_flash"


class Session:
    """Values and cookie options of one named session (Go's ``sessions.Session``).

    ``id`` is set by stores that keep data server-side ("" until saved);
    ``is_new`` is True when nothing was loaded from the request.
    ``load_error`` is the decode error of the request's cookie or stored
    data when the store had to start afresh because of it (Go returns that
    error beside the new session), and None otherwise. ``store_state`` is
    the store's own note about the session (what its implicit save compares).
    """

    __slots__ = ("id", "is_new", "load_error", "name", "options", "store", "store_state", "values")

    def __init__(
        self,
        store: AnyStore | None,
        name: str,
        *,
        values: dict[Any, Any] | None = None,
        options: Options | None = None,
        is_new: bool = False,
        id: str = "",
    ) -> None:
        self.id = id
        self.values: dict[Any, Any] = {} if values is None else values
        self.options = Options() if options is None else options
        self.is_new = is_new
        self.name = name
        self.store = store
        self.load_error: securecookie.Error | None = None
        #: What the store noted when it loaded or last wrote the session (the
        #: MongoStore's :class:`~mongostore.lifetimes.LoadedState`); opaque to
        #: everything else, None for a session no store has seen.
        self.store_state: object = None

    def __repr__(self) -> str:
        # Values may hold secrets; show only their keys' count.
        return (
            f"Session(name={self.name!r}, id={self.id!r}, is_new={self.is_new}, "
            f"values=<{len(self.values)} keys>)"
        )

    def flashes(self, key: str = FLASHES_KEY) -> list[Any]:
        """Remove and return the flash messages under ``key`` ([] when there are none)."""
        if key not in self.values:
            return []
        flashes = self.values[key]
        if not isinstance(flashes, list):
            raise FlashesTypeError(key, flashes)
        del self.values[key]
        return flashes

    def add_flash(self, value: Any, key: str = FLASHES_KEY) -> None:
        """Append a flash message under ``key``, to be read once by a later request."""
        flashes = self.values.get(key, [])
        if not isinstance(flashes, list):
            raise FlashesTypeError(key, flashes)
        self.values[key] = [*flashes, value]

    def save(self, request: RequestLike, response: ResponseLike) -> Awaitable[None] | None:
        """Save through the session's store (Go's ``Session.Save``).

        With an asyncio store the result is its coroutine: ``await session.save(...)``.
        """
        if self.store is None:
            raise MissingStoreError(self.name)
        return self.store.save(request, response, self)


def new_session(store: AnyStore | None, name: str) -> Session:
    """A blank session for stores to fill in (Go's ``NewSession``).

    Zero options, ``is_new`` False and ``id`` "", exactly as Go: stores set
    their own options copy and ``is_new``.
    """
    return Session(store, name)
