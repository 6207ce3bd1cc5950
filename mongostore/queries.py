"""The MongoStore's pure rules: every filter, update and write decision, without I/O.

A store over the session collection (:mod:`mongostore.store`, and any async
store beside it) calls these functions and only sends what they return, so the
rules for which documents are live, which are expired, which user values may
reach a query, and how a save picks its ID and expiry exist once. The field
names and the document layout are in :mod:`mongostore.documents`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

from bson import ObjectId
from bson.int64 import Int64

from mongostore import documents
from mongostore.documents import FIELD_EXPIRES, FIELD_ID, FIELD_PROVIDER, FIELD_USER
from mongostore.errors import InvalidDatabaseError, InvalidSessionIdError, InvalidUserFilterError


def now_seconds(clock: Callable[[], float]) -> int:
    """The store clock's time as whole Unix seconds (Go's ``time.Now().Unix()``)."""
    return math.floor(clock())


# -- Collections -------------------------------------------------------------


def database_is_collection(database: object, name: object) -> bool:
    """True if ``database`` is already a collection; False if it is a database to open ``name`` in.

    Both kinds answer any attribute with a sub-collection, so they are told
    apart by what their type defines: only a collection type has ``find_one``.
    Anything else, or a database with an empty or non-str ``name``, is an
    :class:`InvalidDatabaseError`.
    """
    kind = type(database)
    if callable(getattr(kind, "find_one", None)):
        return True
    if callable(getattr(kind, "get_collection", None)):
        if not isinstance(name, str) or not name:
            raise InvalidDatabaseError(
                f"mongostore: collection name must be a non-empty str, got {name!r}"
            )
        return False
    raise InvalidDatabaseError(
        f"mongostore: expected a pymongo Database or Collection, got {kind.__name__}"
    )


# -- Filters -------------------------------------------------------------------


def session_object_id(session_id: str) -> ObjectId:
    """The ObjectId of a session about to be written or deleted; else InvalidSessionIdError."""
    object_id = documents.object_id_from_hex(session_id)
    if object_id is None:
        raise InvalidSessionIdError(session_id)
    return object_id


def id_filter(object_id: ObjectId) -> dict[str, Any]:
    """The document with this ``_id``, live or not (deletes match it so)."""
    return {FIELD_ID: object_id}


def live_sessions_filter(now: int) -> dict[str, Any]:
    """Every session that has not expired (``expires > now``)."""
    return {FIELD_EXPIRES: {"$gt": now}}


def expired_filter(now: int) -> dict[str, Any]:
    """Every expired session (``expires <= now``), as the cleaner deletes them."""
    return {FIELD_EXPIRES: {"$lte": now}}


# The exact types a revocation filter accepts (``bool`` and ``float`` are
# refused too: no user ID is a truth value, and MongoDB compares a float equal
# to the int of the same value, NaN aside). Exact types, not isinstance: a str
# subclass such as ``bson.Code`` is a different BSON type.
_PLAIN_FILTER_TYPES: frozenset[type] = frozenset({str, bytes, int, Int64, ObjectId})


def plain_match_value(value: Any) -> Any:
    """``value`` unchanged when it can only match by equality; else InvalidUserFilterError."""
    if type(value) not in _PLAIN_FILTER_TYPES:
        raise InvalidUserFilterError(value)
    if isinstance(value, int) and not documents.INT64_MIN <= value <= documents.INT64_MAX:
        raise InvalidUserFilterError(value)
    return value


def user_provider_filter(user: Any, provider: Any) -> dict[str, Any]:
    """Every session of ``user`` at ``provider``; operator-bearing values are refused."""
    return {FIELD_USER: plain_match_value(user), FIELD_PROVIDER: plain_match_value(provider)}


def user_ids_filter(ids: Iterable[Any]) -> dict[str, Any] | None:
    """Every session whose ``user`` is one of ``ids``; None when ``ids`` is empty (match nothing).

    A str or bytes is refused with TypeError: it is iterable too, and
    expanding it into characters would be a silent bug.
    """
    if isinstance(ids, str | bytes):
        raise TypeError(f"expire_sessions_by_user_ids takes a collection of IDs, not {ids!r}")
    id_list = [plain_match_value(user_id) for user_id in ids]
    if not id_list:
        return None
    return {FIELD_USER: {"$in": id_list}}


# -- Writes ----------------------------------------------------------------------


class WritePlan(NamedTuple):
    """What a save writes, decided before any I/O.

    ``now`` is the time the cookie's Expires and the document's ``expires``
    both derive from (``expires = now + max_age``); ``inserting`` is True for
    a new session, which gets the fresh ``object_id``; ``session_id`` is the
    hex ID the cookie will carry. A named tuple: every save builds one.
    """

    now: int
    expires: int
    object_id: ObjectId
    session_id: str
    inserting: bool


def plan_write(session_id: str, max_age: int, now: int) -> WritePlan:
    """The plan for saving a session with ID ``session_id`` ("" = new) at time ``now``.

    The ID is chosen here, not by the server, so the cookie can be built
    before any write: an encode failure never leaves an orphan document. An
    existing ID that is not an ObjectId raises :class:`InvalidSessionIdError`.
    """
    expires = now + max_age
    inserting = not session_id
    object_id = ObjectId() if inserting else session_object_id(session_id)
    return WritePlan(
        now=now,
        expires=expires,
        object_id=object_id,
        session_id=str(object_id) if inserting else session_id,
        inserting=inserting,
    )
