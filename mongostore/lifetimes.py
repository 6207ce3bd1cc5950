"""Session lifetimes, pure: when an implicit save writes, touches or does nothing; timeouts.

Every rule of issue 15 lives here as a function of plain values, so the sync
:class:`~mongostore.store.MongoStore` and an async store over the same
collection send the same filters and updates and decide the same way; they
differ only in how they wait for the database.

Fields a Python store adds to the Go layout of :mod:`mongostore.documents`
(Go ignores them on read, and its ``$set`` leaves them in place)::

    created:        int64 Unix seconds, set on insert, kept by updates and touches
    last_seen:      int64 Unix seconds of the last write or touch
    user_agent?:    str, when the store records clients
    client_address?: str, when the store records clients

The rules:

* **Implicit saves** (``sessions.save``, the middlewares) write a session only
  when its values changed since it was loaded (a fingerprint of the values,
  taken at load, tells), and otherwise *touch* it once more than
  ``touch_after`` seconds passed since its last write: the touch sets only
  ``expires``, ``expires_at`` and ``last_seen`` (plus the client fields) and
  re-sends the cookie with the new Expires. A new session without values is
  neither stored nor given a cookie. Explicit ``store.save`` always writes.
* **Absolute timeout**: a session whose ``created`` is ``absolute_timeout`` or
  more seconds ago is dead on read, and the filter of every update and touch
  refuses it (server side, like ``expires > now``). Its ``expires`` is capped
  at ``created + absolute_timeout``, so the cookie, the cleaner and the TTL
  index end it on time too.
* **Go-written documents** have neither ``created`` nor ``last_seen``. Their
  last write is taken as ``expires - max_age`` (when Go saved them, if Go uses
  the same max age), and their ``created`` is estimated the same way: the
  absolute timeout counts from Go's last save, and the first Python write or
  touch stores that estimate, after which Go's saves no longer move it.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import ipaddress
import math
import pickle
from collections.abc import Mapping
from typing import Any, Final

from bson import ObjectId
from bson.int64 import Int64

from mongostore import asgi_http, documents, queries
from mongostore.documents import (
    FIELD_EXPIRES,
    FIELD_ID,
    FIELD_PROVIDER,
    FIELD_USER,
)
from mongostore.errors import InvalidLifetimeError, InvalidUserFilterError
from mongostore.sessions.options import Options

FIELD_CREATED: Final = "created"
FIELD_LAST_SEEN: Final = "last_seen"
FIELD_USER_AGENT: Final = "user_agent"
FIELD_CLIENT_ADDRESS: Final = "client_address"

#: Default ``touch_after`` (seconds); README "Writes, touches and timeouts" says why.
DEFAULT_TOUCH_AFTER: Final = 60.0
#: A user agent longer than this is cut: it is client input stored per session.
MAX_USER_AGENT_LENGTH: Final = 512

#: Newest first: by creation second, then by ``_id`` (whose head is its creation second too).
INFO_SORT: Final = ((FIELD_CREATED, -1), (FIELD_ID, -1))
#: The index serving the user's-sessions queries (list, sign out everywhere else).
USER_SESSIONS_INDEX: Final = ((FIELD_USER, 1), (FIELD_CREATED, -1))


class SaveAction(enum.StrEnum):
    """What an implicit save did: wrote the whole document, touched it, or nothing."""

    WRITE = "write"
    TOUCH = "touch"
    NOTHING = "nothing"


@dataclasses.dataclass(slots=True)
class LoadedState:
    """What a store noted about a session when it loaded or last wrote it.

    ``fingerprint`` is :func:`values_fingerprint` of the values then (None:
    unknown, so any implicit save writes); ``last_write`` and ``created`` are
    Unix seconds; ``created_stored`` is False for a Go-written document whose
    ``created`` is only estimated, so the next write or touch stores it.
    ``object_id`` and ``session_id`` are the document's ``_id`` and its hex,
    so a write need not parse the ID again.
    """

    fingerprint: bytes | None
    last_write: int
    created: int
    created_stored: bool
    object_id: ObjectId
    session_id: str


@dataclasses.dataclass(frozen=True, slots=True)
class SessionInfo:
    """One live session of a user, as :meth:`MongoStore.list_sessions` reports it.

    Datetimes are aware UTC; for a Go-written document ``created`` and
    ``last_seen`` are the estimates described in this module's docstring.
    ``user_agent`` and ``client_address`` are None unless the store records
    clients.
    """

    id: str
    created: dt.datetime
    last_seen: dt.datetime
    expires: dt.datetime
    user_agent: str | None
    client_address: str | None
    provider: Any


# -- Options -------------------------------------------------------------------


def checked_touch_after(value: object) -> float:
    """``value`` as the ``touch_after`` option: a finite number of seconds >= 0."""
    return _seconds("touch_after", value, allow_zero=True)


def checked_absolute_timeout(value: object) -> float | None:
    """``value`` as the ``absolute_timeout`` option: None (off) or a finite number > 0."""
    if value is None:
        return None
    return _seconds("absolute_timeout", value, allow_zero=False)


def checked_trusted_proxies(value: object) -> int:
    """``value`` as the ``trusted_proxies`` option: an int >= 0 (0 = trust no header)."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidLifetimeError(
            f"mongostore: trusted_proxies must be an int >= 0; got {value!r}"
        )
    return value


def _seconds(name: str, value: object, *, allow_zero: bool) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidLifetimeError(f"mongostore: {name} must be a number of seconds; got {value!r}")
    if value < 0 or (value == 0 and not allow_zero):
        bound = ">= 0" if allow_zero else "> 0"
        raise InvalidLifetimeError(f"mongostore: {name} must be {bound}; got {value!r}")
    return float(value)


# -- Change detection ------------------------------------------------------------


def values_fingerprint(values: Mapping[Any, Any]) -> bytes | None:
    """A byte string equal for equal values and different after any change, nested ones too.

    Pickle (only ever *dumped*, never loaded, so it carries no pickle risk)
    spells every type and every nested element: ``1``, ``1.0`` and ``True``
    differ, as they do in gob, and appending to a list inside the values
    changes it. It costs well under a microsecond for a typical session,
    against about 12 µs for a gob serialization and 4 µs for a deep copy
    (README, "Writes, touches and timeouts"). Equal values whose object
    graph differs (a list shared twice, then copied) may compare unequal:
    that costs one needless write, never a lost change. None when the values
    cannot be pickled: such a session is always written.
    """
    try:
        return pickle.dumps(values, protocol=5)
    except Exception:  # an exotic value; writing every time is the safe answer
        return None


def implicit_action(
    *,
    session_id: str,
    has_values: bool,
    deleting: bool,
    options_changed: bool,
    state: LoadedState | None,
    fingerprint: bytes | None,
    now: int,
    touch_after: float,
) -> SaveAction:
    """What an implicit save of a session does; the whole write-only-when-needed rule.

    * a session never stored (``session_id`` "") with no values: nothing;
    * deletion (``deleting``: :func:`mongostore.rules.deletes`), changed
      options, a session the store knows nothing about (``state`` None), or
      values whose ``fingerprint`` differs from the loaded one: a write,
      exactly as an explicit save;
    * unchanged, and more than ``touch_after`` seconds since the last write: a touch;
    * otherwise: nothing.
    """
    if not session_id:
        return SaveAction.WRITE if has_values else SaveAction.NOTHING
    if deleting or options_changed or state is None:
        return SaveAction.WRITE
    if fingerprint is None or fingerprint != state.fingerprint:
        return SaveAction.WRITE
    if now - state.last_write > touch_after:
        return SaveAction.TOUCH
    return SaveAction.NOTHING


# -- Times of a document -----------------------------------------------------------


def _int_fields(document: Mapping[str, Any], names: tuple[str, ...]) -> list[int | None]:
    """The int fields ``names`` of ``document``: None for one missing or of another type.

    A bool is not an int here; an ``Int64`` is. All in one call: every load reads three.
    """
    found: list[int | None] = []
    for name in names:
        value = document.get(name)
        kind = type(value)
        if kind is int or kind is Int64:  # the common cases, without isinstance's walk
            found.append(int(value))  # type: ignore[arg-type]
        elif isinstance(value, int) and not isinstance(value, bool):
            found.append(int(value))
        else:
            found.append(None)
    return found


#: The time fields a load reads: ``expires``, ``last_seen``, ``created``.
_TIME_FIELDS: Final = (FIELD_EXPIRES, FIELD_LAST_SEEN, FIELD_CREATED)


def _last_write(expires: int | None, last_seen: int | None, max_age: int) -> int:
    estimate = (expires or 0) - max_age
    return estimate if last_seen is None else max(last_seen, estimate)


def document_last_write(document: Mapping[str, Any], max_age: int) -> int:
    """When the document was last written or touched (Unix seconds).

    The later of ``last_seen`` and ``expires - max_age``: a Go save sets only
    ``expires`` (from which its time follows when Go uses the same max age),
    and a Python write sets both.
    """
    expires, last_seen, _ = _int_fields(document, _TIME_FIELDS)
    return _last_write(expires, last_seen, max_age)


def document_created(document: Mapping[str, Any], max_age: int) -> tuple[int, bool]:
    """The document's creation second and whether it is stored (False: a Go-written estimate).

    A Go-written document has no ``created``; the estimate is its last write
    (:func:`document_last_write`), the latest time it is known to have existed.
    """
    expires, last_seen, created = _int_fields(document, _TIME_FIELDS)
    if created is not None:
        return created, True
    return _last_write(expires, last_seen, max_age), False


def loaded_state(
    document: Mapping[str, Any], object_id: ObjectId, values: Mapping[Any, Any], max_age: int
) -> LoadedState:
    """The :class:`LoadedState` of a session just loaded from ``document``.

    Equal to combining :func:`document_last_write` and :func:`document_created`,
    in one pass: it runs on every load.
    """
    expires, last_seen, created = _int_fields(document, _TIME_FIELDS)
    last_write = _last_write(expires, last_seen, max_age)
    return LoadedState(
        values_fingerprint(values),
        last_write,
        last_write if created is None else created,
        created is not None,
        object_id,
        str(object_id),
    )


def past_absolute_timeout(created: int, now: int, absolute_timeout: float | None) -> bool:
    """True when a session created at ``created`` is dead by the absolute timeout at ``now``."""
    cutoff = created_cutoff(now, absolute_timeout)
    return cutoff is not None and created <= cutoff


def created_cutoff(now: int, absolute_timeout: float | None) -> int | None:
    """Sessions created at or before this second are past the absolute timeout; None = off."""
    if absolute_timeout is None:
        return None
    return now - math.ceil(absolute_timeout)


def capped_expires(
    now: int, max_age: int, created: int | None, absolute_timeout: float | None
) -> int:
    """``now + max_age``, but never past ``created + absolute_timeout`` (whole seconds)."""
    expires = now + max_age
    if created is None or absolute_timeout is None:
        return expires
    return min(expires, created + math.ceil(absolute_timeout))


def write_times(
    *,
    inserting: bool,
    state: LoadedState | None,
    now: int,
    max_age: int,
    absolute_timeout: float | None,
) -> tuple[int, int | None, int | None]:
    """``(expires, created, stamp_created)`` of a full write at ``now``.

    An insert is created now (and stores it); an update keeps the loaded
    ``created`` and stores it only for a Go-written document (an estimate
    until then); a session the store never loaded has no known ``created``
    (None: no cap, nothing stored). ``expires`` is capped by the absolute
    timeout (:func:`capped_expires`).
    """
    if inserting:
        created: int | None = now
        stamp: int | None = now
    elif state is None:
        created = stamp = None
    else:
        created = state.created
        stamp = None if state.created_stored else state.created
    return capped_expires(now, max_age, created, absolute_timeout), created, stamp


def cookie_options(options: Options, now: int, expires: int) -> Options:
    """``options``, or a copy whose ``max_age`` ends the cookie by a capped ``expires``.

    A cookie with an Expires must not outlive the document's ``expires``;
    only the absolute timeout makes ``expires`` come before
    ``now + max_age``. A browser-session cookie (max age 0, which a document
    of its own lifetime may back) and a deletion are left as they are.
    """
    if options.max_age <= 0 or now + options.max_age <= expires:
        return options
    return dataclasses.replace(options, max_age=max(expires - now, 1))


# -- Filters -------------------------------------------------------------------------


def _not_too_old(query: dict[str, Any], now: int, absolute_timeout: float | None) -> dict[str, Any]:
    cutoff = created_cutoff(now, absolute_timeout)
    if cutoff is not None:
        # "$not $lte" also matches documents without the field: Go's, which
        # load_state ages by their estimate instead.
        query[FIELD_CREATED] = {"$not": {"$lte": cutoff}}
    return query


def live_filter(object_id: ObjectId, now: int, absolute_timeout: float | None) -> dict[str, Any]:
    """The document with this ``_id`` if neither its idle nor its absolute timeout has passed.

    Loads, updates and touches all use it, so a session past either timeout
    is never read, rewritten or extended, whatever its ``expires`` says. (Go
    matches the ``_id`` alone on update; requiring ``expires > now`` too
    means a session that expired meanwhile is never brought back.)
    """
    query: dict[str, Any] = {FIELD_ID: object_id, FIELD_EXPIRES: {"$gt": now}}
    return query if absolute_timeout is None else _not_too_old(query, now, absolute_timeout)


def user_value(user: Any) -> Any:
    """``user`` as a filter value: plain (the shared sanitizer) and never None.

    None would match every document *without* a user: every anonymous
    session, which "sign out everywhere else" must never delete.
    """
    if user is None:
        raise InvalidUserFilterError(user)
    return queries.plain_match_value(user)


def user_sessions_filter(user: Any, now: int, absolute_timeout: float | None) -> dict[str, Any]:
    """The live sessions of ``user`` (served by :data:`USER_SESSIONS_INDEX`)."""
    query = {FIELD_USER: user_value(user), FIELD_EXPIRES: {"$gt": now}}
    return _not_too_old(query, now, absolute_timeout)


def except_filter(user: Any, keep: ObjectId | None) -> dict[str, Any]:
    """Every session of ``user`` but the one with ``_id`` ``keep`` (None: keep none)."""
    query: dict[str, Any] = {FIELD_USER: user_value(user)}
    if keep is not None:
        query[FIELD_ID] = {"$ne": keep}
    return query


def revoke_filter(object_id: ObjectId, user: Any = None) -> dict[str, Any]:
    """The session with this ``_id``; only if it belongs to ``user`` when one is given."""
    query = queries.id_filter(object_id)
    if user is not None:
        query[FIELD_USER] = user_value(user)
    return query


def info_projection() -> dict[str, Any]:
    """What :meth:`MongoStore.list_sessions` reads: everything but the data (a fresh dict;
    some drivers' doubles mutate the projection they are given)."""
    return {documents.FIELD_DATA: 0}


# -- Updates -----------------------------------------------------------------------


def add_lifetime_fields(
    fields: dict[str, Any],
    *,
    now: int,
    stamp_created: int | None,
    client: Mapping[str, str | None] | None,
) -> dict[str, Any]:
    """Add to ``fields`` what a write or touch sets besides them; ``fields`` itself.

    ``last_seen``; ``created`` when ``stamp_created`` is the creation second
    to store (on insert, and on the first write of a Go-written document;
    None leaves ``created`` as it is); the client fields when recorded.
    """
    fields[FIELD_LAST_SEEN] = Int64(now)
    if stamp_created is not None:
        fields[FIELD_CREATED] = Int64(stamp_created)
    if client is not None:
        fields.update(client)
    return fields


def touch_update(
    *, expires: int, now: int, stamp_created: int | None, client: Mapping[str, str | None] | None
) -> dict[str, Any]:
    """The update of a touch: expiry and ``last_seen`` (and ``created``/client), never the data."""
    fields = documents.expiry_fields(expires)
    add_lifetime_fields(fields, now=now, stamp_created=stamp_created, client=client)
    return {"$set": fields}


# -- Clients ---------------------------------------------------------------------------


def client_address(remote_addr: object, forwarded_for: object, trusted_proxies: int) -> str | None:
    """The client's IP address: the peer, or the ``X-Forwarded-For`` entry the proxies vouch for.

    With ``trusted_proxies`` = 0 (the default) forwarded headers are ignored:
    anyone can send one. With N > 0, the app sits behind exactly N proxies
    that each *append* the address they saw, so the N-th entry from the right
    is the one the outermost trusted proxy saw; entries further left are the
    client's own claims and never used. An entry that is not an IP address
    (or too few entries) falls back to the peer address. Only a parsed,
    normalized address is returned, never raw header text.
    """
    if trusted_proxies > 0 and isinstance(forwarded_for, str):
        entries = [entry.strip() for entry in forwarded_for.split(",")]
        if len(entries) >= trusted_proxies:
            address = _ip_text(entries[-trusted_proxies])
            if address is not None:
                return address
    return _ip_text(remote_addr)


def _ip_text(text: object) -> str | None:
    if not isinstance(text, str) or len(text) > 64:
        return None
    candidate = text.strip()
    if candidate.startswith("[") and "]" in candidate:  # "[v6]:port"
        candidate = candidate[1 : candidate.index("]")]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


def client_fields(user_agent: object, address: str | None) -> dict[str, str | None]:
    """The client fields of a document: the user agent (cut to a bound) and the address."""
    agent = user_agent[:MAX_USER_AGENT_LENGTH] if isinstance(user_agent, str) else None
    return {FIELD_USER_AGENT: agent, FIELD_CLIENT_ADDRESS: address}


def asgi_client(scope: Mapping[str, Any], trusted_proxies: int) -> dict[str, str | None]:
    """The client fields of an ASGI HTTP scope (the async store's ``record_client``).

    The headers are read by :func:`mongostore.asgi_http.client_headers`, the
    ASGI adapter; repeated ``X-Forwarded-For`` headers are joined in order,
    as WSGI servers join them.
    """
    agent, forwarded, peer = asgi_http.client_headers(scope)
    return client_fields(agent, client_address(peer, forwarded, trusted_proxies))


def wsgi_client(environ: Mapping[str, Any], trusted_proxies: int) -> dict[str, str | None]:
    """The client fields of a WSGI request."""
    address = client_address(
        environ.get("REMOTE_ADDR"), environ.get("HTTP_X_FORWARDED_FOR"), trusted_proxies
    )
    return client_fields(environ.get("HTTP_USER_AGENT"), address)


# -- Reports ---------------------------------------------------------------------------


def _utc(seconds: int) -> dt.datetime:
    return dt.datetime.fromtimestamp(seconds, dt.UTC)


def session_info(document: Mapping[str, Any], max_age: int) -> SessionInfo:
    """The :class:`SessionInfo` of a document from :func:`user_sessions_filter`."""
    created, _ = document_created(document, max_age)
    agent = document.get(FIELD_USER_AGENT)
    address = document.get(FIELD_CLIENT_ADDRESS)
    return SessionInfo(
        id=str(document[FIELD_ID]),
        created=_utc(created),
        last_seen=_utc(document_last_write(document, max_age)),
        expires=_utc(_int_fields(document, (FIELD_EXPIRES,))[0] or 0),
        user_agent=agent if isinstance(agent, str) else None,
        client_address=address if isinstance(address, str) else None,
        provider=document.get(FIELD_PROVIDER),
    )
