"""The session document layout, shared with the Go MongoStore so both serve one collection.

A document is::

    {_id: ObjectId, data: encode_multi(name, values), expires: int64 Unix seconds,
     user?: values["user"], provider?: values["provider"], expires_at: datetime (UTC)}

Go reads ``_id``, ``data`` and ``expires`` and filters on ``user``/``provider``;
``expires_at`` exists only for the TTL index (Go ignores unknown fields).
The cookie holds ``encode_multi(name, str(_id))``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

import bson
from bson import ObjectId
from bson.errors import InvalidDocument
from bson.int64 import Int64

from securecookie.errors import decode_error

FIELD_ID: Final = "_id"
FIELD_DATA: Final = "data"
FIELD_EXPIRES: Final = "expires"
FIELD_USER: Final = "user"
FIELD_PROVIDER: Final = "provider"
FIELD_EXPIRES_AT: Final = "expires_at"

#: Session values copied into top-level fields so sessions can be expired per
#: user (Go's save copies ``Values["provider"]`` and ``Values["user"]``).
COPIED_VALUE_FIELDS: Final = (FIELD_USER, FIELD_PROVIDER)

#: The range of a BSON int64 (Go's int), for values that must fit one.
INT64_MIN, INT64_MAX = -(2**63), 2**63 - 1


def object_id_from_hex(text: object) -> ObjectId | None:
    """The ObjectId spelled by ``text``, or None when it is not 24 hex digits.

    Go's ``primitive.ObjectIDFromHex``: exactly 24 hex digits, either case.
    """
    # ASCII letters and digits only (so no whitespace, which bytes.fromhex
    # would skip), and then fromhex refuses any letter past "f".
    if not (isinstance(text, str) and len(text) == 24 and text.isascii() and text.isalnum()):
        return None
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        return None
    return ObjectId(raw)  # from the 12 bytes: no second hex check


def cookie_object_id(decoded: object) -> ObjectId:
    """The ObjectId in a decoded session cookie; a decode error when it holds anything else.

    Go's ``New`` fails the same cookie in ``ObjectIDFromHex``; here a forged or
    foreign ID is a decode failure of the cookie, so the caller gets a new session.
    """
    object_id = object_id_from_hex(decoded)
    if object_id is None:
        raise decode_error("the session ID in the cookie is not a 24-digit hex ObjectID")
    return object_id


def expires_at(expires: int) -> dt.datetime:
    """``expires`` (Unix seconds) as the aware UTC datetime the TTL index reads."""
    # Every write of the same second asks for the same one (datetimes are immutable).
    last_expires, last_moment = _LAST_EXPIRES_AT[0]
    if last_expires == expires:
        return last_moment
    moment = dt.datetime.fromtimestamp(expires, dt.UTC)
    _LAST_EXPIRES_AT[0] = (expires, moment)  # one tuple: threads see the pair whole
    return moment


#: The last :func:`expires_at` answer: writes within a second all ask for the same one.
_LAST_EXPIRES_AT: list[tuple[int | None, dt.datetime]] = [
    (None, dt.datetime.fromtimestamp(0, dt.UTC))
]


def expiry_fields(expires: int) -> dict[str, Any]:
    """Both expiry fields, as every write and touch sets them.

    ``expires`` is written as int64, as Go's ``time.Unix()`` is; Python would
    otherwise store the current epoch seconds as int32.
    """
    return {FIELD_EXPIRES: Int64(expires), FIELD_EXPIRES_AT: expires_at(expires)}


def document_fields(data: str, expires: int, values: Mapping[Any, Any]) -> dict[str, Any]:
    """Every field a save writes (all but ``_id``): the data, the expiry, the copied values."""
    fields = expiry_fields(expires)
    fields[FIELD_DATA] = data
    for name in COPIED_VALUE_FIELDS:
        if name in values:
            fields[name] = checked_bson_value(name, values[name])
    return fields


def checked_bson_value(name: str, value: Any) -> Any:
    """``value`` if BSON can store it as field ``name``; else bson's error, with a note.

    The error is ``InvalidDocument``, or ``OverflowError`` for an int beyond int64.

    Checked before any write, so a bad value fails the save cleanly on every
    backend (mongomock applies part of a ``$set`` before failing on it).
    """
    if value is None or isinstance(value, str | float):
        return value  # always storable; skips the encode on the hot path
    if isinstance(value, int) and INT64_MIN <= value <= INT64_MAX:
        return value
    try:
        bson.encode({name: value})
    except (InvalidDocument, OverflowError) as err:  # OverflowError: an int beyond int64
        err.add_note(f"mongostore: session value {name!r} cannot be stored as a BSON field")
        raise
    return value


def update_spec(fields: Mapping[str, Any], values: Mapping[Any, Any]) -> dict[str, Any]:
    """The update document that writes ``fields`` to an existing session holding ``values``.

    It also ``$unset``s each copied field the values no longer hold: Go's
    save never unsets, so a logged-out session would still match
    ``expire_sessions(user, ...)``; we keep the document in step with the
    values. No empty ``$unset``: old servers reject it.
    """
    absent: dict[str, str] = {}
    for name in COPIED_VALUE_FIELDS:  # a loop, not a comprehension: no frame per save (3.11)
        if name not in values:
            absent[name] = ""
    if absent:
        return {"$set": fields, "$unset": absent}
    return {"$set": fields}


def document_data(document: Mapping[str, Any]) -> str:
    """The encoded values of a loaded document; a decode error when ``data`` is not a string."""
    data = document.get(FIELD_DATA)
    if not isinstance(data, str):
        raise decode_error(f"the session document's data is a {type(data).__name__}, not a string")
    return data
