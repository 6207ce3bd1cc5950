"""What MongoStore and AsyncMongoStore share before any I/O: defaults, clock, collection.

Both stores are :class:`MongoStoreBase` plus a way to run the operations of
:mod:`mongostore.flows` against their collection (blocking for
:class:`mongostore.store.MongoStore`, awaiting for
:class:`mongostore.aio.AsyncMongoStore`). Options, codecs and the clock are
configured here once, so the two stores cannot drift apart.
"""

from __future__ import annotations

import abc
import dataclasses
import inspect
import time
from collections.abc import Callable

from mongostore import lifetimes, queries
from mongostore.errors import InvalidDatabaseError
from mongostore.sessions.base import StoreConfig, default_options

#: The collection Go's store uses.
DEFAULT_COLLECTION = "session"


def collection_of(database: object, name: str, *, asynchronous: bool) -> object:
    """The sessions collection of ``database`` (a Database or already a Collection).

    Which one it is, and the refusals, are :func:`mongostore.queries.database_is_collection`.
    ``asynchronous`` says which pymongo API the store awaits: an async store
    given a blocking collection (or the reverse) is refused here, with an
    :class:`InvalidDatabaseError`, rather than failing on its first request.
    """
    if queries.database_is_collection(database, name):
        collection = database
    else:
        collection = database.get_collection(name)  # type: ignore[attr-defined]
    if inspect.iscoroutinefunction(getattr(type(collection), "find_one", None)) != asynchronous:
        wanted = "AsyncDatabase or AsyncCollection" if asynchronous else "Database or Collection"
        raise InvalidDatabaseError(
            f"mongostore: this store needs a pymongo {wanted}, got {type(database).__name__}"
        )
    return collection


class MongoStoreBase(StoreConfig):
    """Sessions in MongoDB, the cookie carrying ``encode_multi(name, ID)``; no I/O yet.

    ``now`` is the clock (Unix seconds); replace it to test expiry exactly.

    Lifetimes (rules in :mod:`mongostore.lifetimes`): implicit saves
    (``autosave``) skip an unchanged session and touch it once
    ``touch_after`` seconds passed since its last write; ``absolute_timeout``
    (seconds, None = off) ends a session that long after its creation,
    whatever its activity; ``record_client`` stores each session's user agent
    and client address, the address taken from ``X-Forwarded-For`` only
    through the ``trusted_proxies`` nearest proxies (0 = never).
    """

    now: Callable[[], float]
    touch_after: float
    absolute_timeout: float | None
    record_client: bool
    trusted_proxies: int

    def __init__(self, key_pairs: tuple[bytes | None, ...], lifetime: Lifetime) -> None:
        self.now = time.time
        self.touch_after = lifetimes.checked_touch_after(lifetime.touch_after)
        self.absolute_timeout = lifetimes.checked_absolute_timeout(lifetime.absolute_timeout)
        self.record_client = bool(lifetime.record_client)
        self.trusted_proxies = lifetimes.checked_trusted_proxies(lifetime.trusted_proxies)
        # Go's MongoStore differs from the common defaults only here.
        super().__init__(key_pairs, default_options(secure=False, same_site="Lax"))

    def _client(self, request: object) -> dict[str, str | None] | None:
        """The client fields to record from ``request``; None when the store records none."""
        if not self.record_client:
            return None
        return self._read_client(request)

    @abc.abstractmethod
    def _read_client(self, request: object) -> dict[str, str | None]:
        """The client fields of ``request`` (a WSGI request or an ASGI scope)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Lifetime:
    """The lifetime keyword options both stores take, checked by :class:`MongoStoreBase`."""

    touch_after: float = lifetimes.DEFAULT_TOUCH_AFTER
    absolute_timeout: float | None = None
    record_client: bool = False
    trusted_proxies: int = 0
