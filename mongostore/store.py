"""MongoStore: sessions in a MongoDB collection, the cookie holding only the session ID.

A port of the Go ``mongostore.MongoStore`` that can share its collection with
Go services (layout in :mod:`mongostore.documents`). This module is the I/O and
its order only: every filter, update and write decision is a pure function of
:mod:`mongostore.queries`, and the errors are in :mod:`mongostore.errors`, so an
async store can share them and differ only in how it waits. Where it differs from
Go, on purpose, a comment says so; docs/reference.md ("mongostore") is the
contract this module implements.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, cast

from pymongo.collection import Collection
from pymongo.errors import PyMongoError

import securecookie
from mongostore import documents, queries
from mongostore.cleaner import AutoCleanThread, run_auto_clean
from mongostore.documents import FIELD_EXPIRES, FIELD_ID, FIELD_PROVIDER, FIELD_USER
from mongostore.errors import (
    InvalidDatabaseError,
    InvalidSessionIdError,
    InvalidUserFilterError,
    SessionNotFoundError,
    TTLIndexRefusedError,
    note_database_error,
)
from mongostore.http import RequestLike, ResponseLike, add_set_cookie
from mongostore.sessions.base import CodecStore, default_options, session_values
from mongostore.sessions.cookie import new_cookie
from mongostore.sessions.session import Session

__all__ = [
    "DEFAULT_COLLECTION",
    "InvalidDatabaseError",
    "InvalidSessionIdError",
    "InvalidUserFilterError",
    "MongoStore",
    "SessionCollection",
    "SessionNotFoundError",
    "new_store",
    "resolve_collection",
]

#: The collection Go's store uses.
DEFAULT_COLLECTION = "session"

SessionCollection = Collection[dict[str, Any]]


def resolve_collection(database: object, name: str) -> SessionCollection:
    """The sessions collection of ``database`` (a Database or already a Collection).

    Which one it is, and the refusals, are :func:`mongostore.queries.database_is_collection`.
    """
    if queries.database_is_collection(database, name):
        return cast(SessionCollection, database)
    return cast(SessionCollection, database.get_collection(name))  # type: ignore[attr-defined]


def _add_context(err: PyMongoError, action: str, collection: SessionCollection) -> None:
    """Note what the store was doing on a database error (see note_database_error)."""
    note_database_error(err, action, collection.full_name)


class MongoStore(CodecStore):
    """Sessions stored in MongoDB; the cookie carries ``encode_multi(name, ID)``.

    ``key_pairs`` are (hash key, block key) pairs, newest first, as for every
    gorilla store. Defaults (Go's): path "/", max age 30 days, SameSite=Lax,
    not Secure; HttpOnly is our one deliberate change. ``now`` is the clock
    (Unix seconds); replace it to test expiry exactly.
    """

    collection: SessionCollection
    now: Callable[[], float]

    def __init__(
        self,
        database: object,
        *key_pairs: bytes | None,
        collection: str = DEFAULT_COLLECTION,
    ) -> None:
        self.collection = resolve_collection(database, collection)
        self.now = time.time
        self._auto_clean_running = threading.Lock()
        super().__init__(key_pairs, default_options(secure=False, same_site="Lax"))

    # -- Get / New ---------------------------------------------------------

    def _load(self, name: str, cookie: str) -> Session:
        """The live session whose document the cookie's ID names.

        No document, or an expired one: a new session, no error. A cookie or
        ``data`` that fails to decode: a decode error, which :meth:`new` turns
        into a new session with ``load_error``. Database errors propagate.
        """
        object_id = documents.cookie_object_id(
            securecookie.decode_multi(name, cookie, *self.codecs)
        )
        now = queries.now_seconds(self.now)
        try:
            document = self.collection.find_one(queries.live_session_filter(object_id, now))
        except PyMongoError as err:
            _add_context(err, f"loading session {name!r}", self.collection)
            raise
        session = self._new_session(name)
        if document is None:
            # Go returns ErrNoSession here; a missing session is simply a new one.
            return session
        session.values = session_values(
            securecookie.decode_multi(name, documents.document_data(document), *self.codecs)
        )
        session.id = str(object_id)
        session.is_new = False
        return session

    # -- Save ----------------------------------------------------------------

    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        """Write the session's document and its cookie; max age <= 0 deletes both.

        A new session (ID "") is inserted under a fresh ObjectId; an existing
        one is updated, and raises :class:`SessionNotFoundError` if its
        document is gone. The Set-Cookie header is added only after the
        database write succeeded.
        """
        if session.options.max_age <= 0:
            self._erase(session)
            add_set_cookie(response, new_cookie(session.name, "", session.options))
            return
        add_set_cookie(response, self._write(session))

    def regenerate(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        """Move the session to a fresh ID: insert a new document, delete the old one, new cookie.

        Call it on login and on any privilege change, so an ID planted in the
        browser beforehand (session fixation) never gains the new rights. An
        existing session whose document is gone (signed out elsewhere,
        expired, ``expire_sessions``) raises :class:`SessionNotFoundError`,
        as :meth:`save` does: nothing is written and no cookie is sent, so a
        revoked session is never brought back under a new ID. A new session
        (ID "") is simply inserted. On failure the session keeps its old ID
        and no cookie is written. With max age <= 0 it is a plain delete, as
        :meth:`save`.
        """
        if session.options.max_age <= 0:
            self.save(request, response, session)
            return
        old_id = session.id
        if old_id and not self._is_live(old_id):
            raise SessionNotFoundError(old_id)  # the common case: nothing written at all
        # Order: check, insert the new document, delete the old one, and only
        # go on if that delete removed it. Deleting first would leave a window
        # in which a concurrent expire_sessions finds neither document and
        # the insert then brings the user back; inserting first means such a
        # revocation deletes the new document too (it carries the same user),
        # or deletes the old one first, which the delete count reveals. A
        # crash between the two writes leaves an extra document whose cookie
        # was never sent: unusable, gone at its expiry or at the next
        # expire_sessions, never a second session anyone holds.
        session.id = ""
        try:
            header = self._write(session)
        except BaseException:
            session.id = old_id
            raise
        if old_id:
            try:
                old_was_live = self._delete_id(old_id) > 0
            except BaseException:
                self._undo_insert(session, old_id)
                raise
            if not old_was_live:  # revoked between the check and the delete
                self._undo_insert(session, old_id)
                raise SessionNotFoundError(old_id)
        add_set_cookie(response, header)

    def _is_live(self, session_id: str) -> bool:
        """Whether the document of ``session_id`` exists and has not expired."""
        query = queries.live_session_filter(
            queries.session_object_id(session_id), queries.now_seconds(self.now)
        )
        try:
            return self.collection.find_one(query, {FIELD_ID: 1}) is not None
        except PyMongoError as err:
            _add_context(err, f"loading session {session_id!r}", self.collection)
            raise

    def _undo_insert(self, session: Session, old_id: str) -> None:
        """Give ``session`` its old ID back and delete the document regenerate inserted."""
        new_id, session.id = session.id, old_id
        # Best effort: the orphan (its cookie never sent) would otherwise live until it expires.
        with contextlib.suppress(PyMongoError):
            self._delete_id(new_id)

    def _write(self, session: Session) -> str:
        """Insert or update the session's document; the Set-Cookie header to send after it."""
        plan = queries.plan_write(
            session.id, session.options.max_age, queries.now_seconds(self.now)
        )
        # The cookie is built before any write (see plan_write), so its options
        # check (max age within Go's range) runs before the document's date is
        # computed from that max age.
        header = self._cookie_header(session, plan.session_id, plan.now)
        data = securecookie.encode_multi(session.name, session.values, *self.codecs)
        fields = documents.document_fields(data, plan.expires, session.values)
        if plan.inserting:
            try:
                self.collection.insert_one({**queries.id_filter(plan.object_id), **fields})
            except PyMongoError as err:
                _add_context(err, f"inserting session {session.name!r}", self.collection)
                raise
            session.id = plan.session_id
            return header
        update = documents.update_spec(fields, documents.absent_value_fields(session.values))
        try:
            result = self.collection.update_one(
                queries.live_session_filter(plan.object_id, plan.now), update
            )
        except PyMongoError as err:
            _add_context(err, f"updating session {session.name!r}", self.collection)
            raise
        if result.matched_count == 0:
            raise SessionNotFoundError(session.id)
        return header

    def _cookie_header(self, session: Session, session_id: str, now: int) -> str:
        """The Set-Cookie value; its Expires equals the document's ``expires``."""
        encoded = securecookie.encode_multi(session.name, session_id, *self.codecs)
        return new_cookie(session.name, encoded, session.options, now=now)

    def _erase(self, session: Session) -> None:
        """Delete the session's document (nothing to do for a session never saved)."""
        if not session.id:
            return
        self._delete_id(session.id)
        # The ID is dead; a later save of this object inserts a fresh one.
        session.id = ""

    def _delete_id(self, session_id: str) -> int:
        """Delete the document of ``session_id``; how many were deleted (0 or 1)."""
        object_id = queries.session_object_id(session_id)
        try:
            result = self.collection.delete_one(queries.id_filter(object_id))
        except PyMongoError as err:
            _add_context(err, "deleting a session", self.collection)
            raise
        return result.deleted_count

    # -- Maintenance -----------------------------------------------------------

    def expire_sessions(self, user: Any, provider: Any) -> int:
        """Delete every session of ``user`` at ``provider`` (log out everywhere); the count."""
        result = self.collection.delete_many(queries.user_provider_filter(user, provider))
        return result.deleted_count

    def expire_sessions_by_user_ids(self, ids: Iterable[Any]) -> int:
        """Delete every session whose ``user`` is one of ``ids``; the count deleted."""
        query = queries.user_ids_filter(ids)
        if query is None:
            return 0
        result = self.collection.delete_many(query)
        return result.deleted_count

    def get_active_sessions_count(self) -> int:
        """How many sessions have not expired (``expires > now``)."""
        now = queries.now_seconds(self.now)
        return self.collection.count_documents(queries.live_sessions_filter(now))

    def clean(self) -> int:
        """Delete every expired session (``expires <= now``) now; the count deleted."""
        now = queries.now_seconds(self.now)
        result = self.collection.delete_many(queries.expired_filter(now))
        return result.deleted_count

    def start_auto_clean(self, interval: float, stop: threading.Event | None = None) -> None:
        """Run :meth:`clean` every ``interval`` seconds, blocking until ``stop`` is set.

        Like Go's ``StartAutoClean``: returns at once when this store's loop
        already runs. Without ``stop`` it never returns; see
        :meth:`start_auto_clean_thread` for the non-blocking form.
        """
        run_auto_clean(self.clean, interval, stop, self._auto_clean_running)

    def start_auto_clean_thread(self, interval: float) -> AutoCleanThread:
        """Run the auto-clean loop in a daemon thread; call ``stop()`` on the result to end it."""
        return AutoCleanThread(self.clean, interval, self._auto_clean_running).start()

    def ensure_indexes(self, *, ttl: bool = True, force_ttl: bool = False) -> list[str]:
        """Create the store's indexes (idempotent); their names.

        A TTL index on ``expires_at`` lets the server delete expired sessions
        itself; ``expires`` serves the live-session filters and the cleaner;
        ``user`` + ``provider`` serves :meth:`expire_sessions`. Never implicit:
        index builds belong to deployment, not to the first request.

        ``ttl=False`` leaves the TTL index out, for collections that Go
        services write too: Go never updates ``expires_at``, so the TTL index
        could delete a session Go has extended (README, "Sharing sessions").
        When the collection already holds a document without ``expires_at``
        (one a Go-style store wrote), asking for the TTL index raises
        :class:`~mongostore.errors.TTLIndexRefusedError` before any index is
        built, unless ``force_ttl=True``.
        """
        if ttl and not force_ttl:
            foreign = self.collection.find_one(
                {documents.FIELD_EXPIRES_AT: {"$exists": False}}, {FIELD_ID: 1}
            )
            if foreign is not None:
                raise TTLIndexRefusedError(self.collection.full_name)
        names = [
            self.collection.create_index([(FIELD_EXPIRES, 1)]),
            self.collection.create_index([(FIELD_USER, 1), (FIELD_PROVIDER, 1)]),
        ]
        if ttl:
            names.insert(
                0,
                self.collection.create_index(
                    [(documents.FIELD_EXPIRES_AT, 1)], expireAfterSeconds=0
                ),
            )
        return names


def new_store(database: object, *key_pairs: bytes | None) -> MongoStore:
    """A MongoStore on the ``session`` collection (Go's ``NewStore``)."""
    return MongoStore(database, *key_pairs)
