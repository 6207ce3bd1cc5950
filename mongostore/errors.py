"""The root of every exception the mongostore package defines.

Callers catch :class:`Error` to handle any mongostore failure in one place;
subclasses (in :mod:`mongostore.sessions.errors` and elsewhere) carry the
typed context. Codec failures stay :class:`securecookie.Error`, and database
failures stay pymongo's exceptions, as the API contract says.

The MongoStore's own errors live here too, so the synchronous store and any
other store over the same collection raise the same types.
"""

from __future__ import annotations


class Error(Exception):
    """Root exception of the mongostore package."""


def note_database_error(err: BaseException, action: str, collection_name: str) -> None:
    """Note on a database error what the store was doing, keeping its type for callers.

    Database errors propagate as the driver's own exceptions (callers catch
    pymongo's types); the note (``mongostore: <action> in collection 'db.c'``)
    is what a log needs to tell which store call failed.
    """
    err.add_note(f"mongostore: {action} in collection {collection_name!r}")


class InvalidDatabaseError(Error, TypeError):
    """``database`` is neither a Database nor a Collection (pymongo's or mongomock's)."""


class InvalidSessionIdError(Error, ValueError):
    """A session about to be written has an ID that is not an ObjectId in hex.

    The text is Go's ``primitive.ErrInvalidHex``.
    """

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        super().__init__("the provided hex string is not a valid ObjectID")


class SessionNotFoundError(Error, LookupError):
    """An existing session's document is gone (expired, expired by user, or deleted).

    Saving never recreates it: a session that was logged out elsewhere must
    stay logged out. The text is Go's.
    """

    def __init__(self, session_id: str) -> None:
        self.session_id = session_id
        super().__init__(f"fail to modify session : session {session_id} not found")


class InvalidUserFilterError(Error, ValueError):
    """A user or provider given to an expire method is not a plain scalar value.

    A revocation filter matches by equality only, so it takes exactly a
    ``str``, an ``int`` in int64 range, ``bytes`` or an ``ObjectId``. Anything
    else could widen the match: ``{"$ne": None}`` or a compiled regular
    expression matches every user, ``None`` every document without one, a
    list or dict has MongoDB's array and field-order rules. Such values are
    refused before any query is sent.
    """

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(
            "mongostore: user/provider must be a plain str, int, bytes or ObjectId, "
            f"got {type(value).__name__}: {value!r}"
        )


class TTLIndexRefusedError(Error, RuntimeError):
    """``ensure_indexes`` would add the TTL index to a collection that Go services write.

    A document without ``expires_at`` was written by a store like Go's, which
    never updates that field, so a TTL index could delete sessions Go has
    extended. Pass ``ttl=False`` (or ``force_ttl=True`` to add it anyway).
    """

    def __init__(self, collection: str) -> None:
        self.collection = collection
        super().__init__(
            f"mongostore: collection {collection!r} holds sessions without expires_at "
            "(written by a Go-style store); ensure_indexes(ttl=False) leaves the TTL index "
            "out, force_ttl=True adds it anyway"
        )


class InvalidLifetimeError(Error, ValueError):
    """A lifetime option of a store (``touch_after``, ``absolute_timeout``, ...) is unusable."""
