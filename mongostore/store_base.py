"""What MongoStore and AsyncMongoStore share before any I/O: defaults, clock, collection.

Both stores are :class:`MongoStoreBase` plus a way to run the operations of
:mod:`mongostore.flows` against their collection (blocking for
:class:`mongostore.store.MongoStore`, awaiting for
:class:`mongostore.aio.AsyncMongoStore`). Options, codecs and the clock are
configured here once, so the two stores cannot drift apart.
"""

from __future__ import annotations

import inspect
import time
from collections.abc import Callable

from mongostore import queries
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
    """

    now: Callable[[], float]

    def __init__(self, key_pairs: tuple[bytes | None, ...]) -> None:
        self.now = time.time
        # Go's MongoStore differs from the common defaults only here.
        super().__init__(key_pairs, default_options(secure=False, same_site="Lax"))
