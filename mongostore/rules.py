"""The MongoStore's pure rules that need the codecs: cookie to ID, document to session, cookie out.

:mod:`mongostore.queries` decides what to send to the database and
:mod:`mongostore.documents` what a document holds; these functions join them
to the session and its cookie. No I/O: :mod:`mongostore.flows` calls them for
both the blocking and the asyncio store.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bson import ObjectId

import securecookie
from mongostore import documents, queries
from mongostore.sessions.base import session_values
from mongostore.sessions.cookie import new_cookie
from mongostore.sessions.options import validate_max_age
from mongostore.sessions.session import Session


def cookie_session_id(name: str, cookie: str, codecs: Sequence[securecookie.Codec]) -> ObjectId:
    """The ObjectId a session cookie names; a decode error for anything else (a new session)."""
    return documents.cookie_object_id(securecookie.decode_multi(name, cookie, *codecs))


def fill_from_document(
    session: Session,
    object_id: ObjectId,
    document: Mapping[str, Any] | None,
    codecs: Sequence[securecookie.Codec],
) -> Session:
    """``session`` (new) given the values of the loaded ``document``; unchanged when None.

    No document (gone, or expired): the session stays new, no error, where
    Go returns ErrNoSession. Data that fails to decode raises a decode error.
    """
    if document is None:
        return session
    session.values = session_values(
        securecookie.decode_multi(session.name, documents.document_data(document), *codecs)
    )
    session.id = str(object_id)
    session.is_new = False
    return session


def cookie_header(
    session: Session, session_id: str, now: int, codecs: Sequence[securecookie.Codec]
) -> str:
    """The Set-Cookie value naming ``session_id``; its Expires equals the document's ``expires``."""
    encoded = securecookie.encode_multi(session.name, session_id, *codecs)
    return new_cookie(session.name, encoded, session.options, now=now)


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


@dataclass(frozen=True, slots=True)
class SessionWrite:
    """Everything one save sends and answers, decided before any I/O.

    ``header`` is the Set-Cookie value to add once the write succeeded.
    Inserting: ``document`` is the whole new document. Updating: ``match``
    and ``update`` are the filter and update of ``update_one``.
    """

    plan: queries.WritePlan
    header: str
    document: dict[str, Any]
    match: dict[str, Any]
    update: dict[str, Any]


def session_write(
    session: Session,
    now: int,
    codecs: Sequence[securecookie.Codec],
    lifetime: int | None = None,
) -> SessionWrite:
    """The write that saves ``session`` at ``now``: insert for a new ID, update otherwise.

    The document lives ``lifetime`` seconds (None: the cookie's max age, as
    in Go; see :func:`document_lifetime`). The cookie is built before the data
    is encoded and before any write (see :func:`mongostore.queries.plan_write`):
    its options check (max age within Go's range) runs before the document's
    date is computed from that max age, and an encode failure never leaves an
    orphan document.
    """
    plan = queries.plan_write(session.id, document_lifetime(session, lifetime), now)
    header = cookie_header(session, plan.session_id, plan.now, codecs)
    data = securecookie.encode_multi(session.name, session.values, *codecs)
    fields = documents.document_fields(data, plan.expires, session.values)
    return SessionWrite(
        plan=plan,
        header=header,
        document={**queries.id_filter(plan.object_id), **fields},
        match=queries.live_session_filter(plan.object_id, plan.now),
        update=documents.update_spec(fields, documents.absent_value_fields(session.values)),
    )
