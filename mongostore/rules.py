"""The MongoStore's pure rules that need the codecs: document to session, writes, cookie out.

:mod:`mongostore.queries` decides what to send to the database and
:mod:`mongostore.documents` what a document holds; these functions join them
to the session and its cookie. No I/O: :mod:`mongostore.flows` calls them for
both the blocking and the asyncio store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

from bson import ObjectId

import securecookie
from mongostore import documents, lifetimes, queries
from mongostore.sessions.base import session_values
from mongostore.sessions.cookie import cached_new_cookie, new_cookie
from mongostore.sessions.options import validate_max_age
from mongostore.sessions.session import Session


def fill_from_document(
    session: Session,
    object_id: ObjectId,
    document: Mapping[str, Any] | None,
    codecs: Sequence[securecookie.Codec],
    *,
    now: int,
    absolute_timeout: float | None,
) -> Session:
    """``session`` (new) given the values of the loaded ``document``; unchanged when None.

    No document (gone, expired, or past the absolute timeout): the session
    stays new, no error, where Go returns ErrNoSession; so does a Go-written
    document too old by its estimated ``created`` (:mod:`mongostore.lifetimes`).
    Data that fails to decode raises a decode error. A loaded session gets
    its :class:`~mongostore.lifetimes.LoadedState` (what autosave compares).
    """
    if document is None:
        return session
    values = session_values(
        securecookie.decode_multi(session.name, documents.document_data(document), *codecs)
    )
    state = lifetimes.loaded_state(document, object_id, values, session.options.max_age)
    if not state.created_stored and lifetimes.past_absolute_timeout(
        state.created, now, absolute_timeout
    ):
        return session
    session.values = values
    session.id = state.session_id
    session.is_new = False
    session.store_state = state
    return session


def cookie_header(
    session: Session,
    session_id: str,
    now: int,
    codecs: Sequence[securecookie.Codec],
    expires: int | None = None,
) -> str:
    """The Set-Cookie value naming ``session_id``; its Expires equals the document's ``expires``.

    ``expires`` (default ``now + max_age``) is earlier only under the absolute timeout.
    """
    encoded = securecookie.encode_multi(session.name, session_id, *codecs)
    options = session.options
    if expires is not None:
        options = lifetimes.cookie_options(options, now, expires)
    return cached_new_cookie(session.name, encoded, options, now=now)


def document_lifetime(session: Session, document_max_age: int | None) -> int:
    """How long a save keeps the document: ``document_max_age``, else the cookie's max age.

    A separate document lifetime lets a browser-session cookie (max age 0,
    no Expires) name a document that still expires server-side, as
    :mod:`mongostore.flask` writes a non-permanent session.
    """
    if document_max_age is None:
        return session.options.max_age
    validate_max_age(document_max_age)
    return document_max_age


def deletes(session: Session, document_max_age: int | None) -> bool:
    """Whether a save deletes the document and the cookie instead of writing them.

    Go's rule, max age <= 0, when the document has no lifetime of its own;
    with one, a negative cookie max age or a lifetime <= 0.
    """
    return session.options.max_age < 0 or document_lifetime(session, document_max_age) <= 0


def deletion_header(session: Session) -> str:
    """The Set-Cookie value that deletes the session's cookie (max age <= 0)."""
    return new_cookie(session.name, "", session.options)


class SessionWrite(NamedTuple):
    """Everything one save sends and answers, decided before any I/O.

    ``header`` is the Set-Cookie value to add once the write succeeded and
    ``session_id`` the ID it names. Inserting: ``document`` is the whole new
    document. Updating: ``document`` is None and ``match`` and ``update``
    are the filter and update of ``update_one``. ``state`` is the session's
    ``store_state`` once the write succeeded. A named tuple: every save builds one.
    """

    header: str
    session_id: str
    document: dict[str, Any] | None
    match: dict[str, Any] | None
    update: dict[str, Any] | None
    state: lifetimes.LoadedState


def session_write(
    session: Session,
    now: int,
    codecs: Sequence[securecookie.Codec],
    *,
    lifetime: int | None = None,
    absolute_timeout: float | None = None,
    client: Mapping[str, str | None] | None = None,
    fingerprint: bytes | None = None,
) -> SessionWrite:
    """The write that saves ``session`` at ``now``: insert for a new ID, update otherwise.

    The document lives ``lifetime`` seconds (None: the cookie's max age, as
    in Go; see :func:`document_lifetime`). The cookie is built before the
    data is encoded and before any write (see
    :func:`mongostore.queries.plan_write`): its options check (max age within
    Go's range) runs before the document's date is computed from that max age,
    and an encode failure never leaves an orphan document. ``created`` is set
    on insert and kept by updates; ``expires`` is capped by the absolute
    timeout (:func:`mongostore.lifetimes.write_times`); ``client`` is the
    client fields to record (None: record none). ``fingerprint`` is the
    values' fingerprint when the caller has just taken it.
    """
    max_age = document_lifetime(session, lifetime)
    state = session.store_state
    if isinstance(state, lifetimes.LoadedState) and session.id and state.session_id == session.id:
        # The ObjectId parsed at load: what plan_write would give, unparsed again.
        object_id, session_id, inserting = state.object_id, session.id, False
    else:
        plan = queries.plan_write(session.id, max_age, now)
        object_id, session_id, inserting = plan.object_id, plan.session_id, plan.inserting
        state = None  # a new session, or no state for this ID: no known creation
    expires, created, stamp = lifetimes.write_times(
        inserting=inserting,
        state=state,
        now=now,
        max_age=max_age,
        absolute_timeout=absolute_timeout,
    )
    header = cookie_header(session, session_id, now, codecs, expires)
    values = session.values
    data = securecookie.encode_multi(session.name, values, *codecs)
    fields = documents.document_fields(data, expires, values)
    lifetimes.add_lifetime_fields(fields, now=now, stamp_created=stamp, client=client)
    written = lifetimes.LoadedState(
        lifetimes.values_fingerprint(values) if fingerprint is None else fingerprint,
        now,  # last write
        now if created is None else created,
        True,  # created is stored
        object_id,
        session_id,
    )
    if inserting:
        return SessionWrite(
            header, session_id, {**queries.id_filter(object_id), **fields}, None, None, written
        )
    return SessionWrite(
        header,
        session_id,
        None,
        lifetimes.live_filter(object_id, now, absolute_timeout),
        documents.update_spec(fields, values),
        written,
    )


class SessionTouch(NamedTuple):
    """A touch decided before any I/O: the ``update_one`` filter and update, the cookie."""

    match: dict[str, Any]
    update: dict[str, Any]
    header: str


def session_touch(
    session: Session,
    state: lifetimes.LoadedState,
    now: int,
    codecs: Sequence[securecookie.Codec],
    *,
    absolute_timeout: float | None,
    client: Mapping[str, str | None] | None,
    lifetime: int | None = None,
) -> SessionTouch:
    """The touch that extends an unchanged session: expiry and ``last_seen``, never the data.

    The filter is the live filter, so a session past either timeout is never
    extended; a Go-written document gets its estimated ``created`` stored.
    The document lives ``lifetime`` seconds, as for :func:`session_write`.
    """
    object_id = (
        state.object_id if state.session_id == session.id else queries.session_object_id(session.id)
    )
    expires = lifetimes.capped_expires(
        now, document_lifetime(session, lifetime), state.created, absolute_timeout
    )
    update = lifetimes.touch_update(
        expires=expires,
        now=now,
        stamp_created=None if state.created_stored else state.created,
        client=client,
    )
    return SessionTouch(
        match=lifetimes.live_filter(object_id, now, absolute_timeout),
        update=update,
        header=cookie_header(session, session.id, now, codecs, expires),
    )
