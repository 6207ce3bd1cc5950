"""MongoStore: sessions in a MongoDB collection, the cookie holding only the session ID.

A port of the Go ``mongostore.MongoStore`` that can share its collection with
Go services (layout in :mod:`mongostore.documents`). Where it differs from
Go, on purpose, a comment says so; API.md's "Get/New/Save semantics" is the
contract this module implements.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Any, cast

from bson import ObjectId
from pymongo.collection import Collection
from pymongo.errors import PyMongoError

import securecookie
from mongostore import documents
from mongostore.cleaner import AutoCleanThread, run_auto_clean
from mongostore.documents import FIELD_EXPIRES, FIELD_ID, FIELD_PROVIDER, FIELD_USER
from mongostore.errors import Error
from mongostore.http import RequestLike, ResponseLike, add_set_cookie, request_cookie
from mongostore.sessions.base import (
    DEFAULT_MAX_AGE,
    CodecStore,
    returning_session,
    session_values,
)
from mongostore.sessions.cookie import new_cookie
from mongostore.sessions.options import Options
from mongostore.sessions.session import Session

#: The collection Go's store uses.
DEFAULT_COLLECTION = "session"

SessionCollection = Collection[dict[str, Any]]


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
    """A user or provider given to an expire method holds a MongoDB query operator.

    ``{"$ne": None}`` from untrusted input would match, and log out, every
    user; such values are refused before any query is sent.
    """

    def __init__(self, value: object) -> None:
        self.value = value
        super().__init__(
            f"mongostore: user/provider must be a plain value, not a query operator: {value!r}"
        )


def _plain_match_value(value: Any) -> Any:
    """``value`` unchanged, after checking no nested mapping key starts with ``$``."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, Mapping):
            if any(isinstance(k, str) and k.startswith("$") for k in item):
                raise InvalidUserFilterError(value)
            pending.extend(item.values())
        elif isinstance(item, list | tuple):
            pending.extend(item)
    return value


def resolve_collection(database: object, name: str) -> SessionCollection:
    """The sessions collection of ``database`` (a Database or already a Collection).

    Both kinds answer any attribute with a sub-collection, so they are told
    apart by what their type defines: only a collection type has ``find_one``.
    """
    kind = type(database)
    if callable(getattr(kind, "find_one", None)):
        return cast(SessionCollection, database)
    if callable(getattr(kind, "get_collection", None)):
        if not isinstance(name, str) or not name:
            raise InvalidDatabaseError(
                f"mongostore: collection name must be a non-empty str, got {name!r}"
            )
        return cast(SessionCollection, database.get_collection(name))  # type: ignore[attr-defined]
    raise InvalidDatabaseError(
        f"mongostore: expected a pymongo Database or Collection, got {kind.__name__}"
    )


def _add_context(err: PyMongoError, action: str, collection: SessionCollection) -> None:
    """Note what the store was doing on a database error, keeping its type for callers."""
    err.add_note(f"mongostore: {action} in collection {collection.full_name!r}")


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
        options = Options(
            path="/",
            max_age=DEFAULT_MAX_AGE,
            secure=False,
            # Deliberate change from Go: scripts never need the session cookie.
            http_only=True,
            same_site="Lax",
        )
        super().__init__(key_pairs, options)

    # -- Get / New ---------------------------------------------------------

    def new(self, request: RequestLike, name: str) -> Session:
        """Load the session named by the request's cookie, bypassing the registry.

        No cookie, no document, or an expired document: a new session, no
        error. A cookie or document that fails to decode: the securecookie
        error, with a new session as ``err.session``. Database errors propagate.
        """
        session = self._new_session(name)
        cookie = request_cookie(request, name)
        if cookie is None:
            return session
        # Go swallows a bad cookie and returns a new session; API.md wants it raised.
        with returning_session(session):
            object_id = documents.cookie_object_id(
                securecookie.decode_multi(name, cookie, *self.codecs)
            )
        now = math.floor(self.now())
        try:
            document = self.collection.find_one({FIELD_ID: object_id, FIELD_EXPIRES: {"$gt": now}})
        except PyMongoError as err:
            _add_context(err, f"loading session {name!r}", self.collection)
            raise
        if document is None:
            # Go returns ErrNoSession here; a missing session is simply a new one.
            return session
        with returning_session(session):
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
        browser beforehand (session fixation) never gains the new rights. On
        failure the session keeps its old ID and no cookie is written. With
        max age <= 0 it is a plain delete, as :meth:`save`.
        """
        if session.options.max_age <= 0:
            self.save(request, response, session)
            return
        old_id = session.id
        session.id = ""
        try:
            header = self._write(session)
        except BaseException:
            session.id = old_id
            raise
        if old_id:
            try:
                self._delete_id(old_id)
            except BaseException:
                new_id, session.id = session.id, old_id
                # Best effort: the orphan would otherwise live until it expires.
                with contextlib.suppress(PyMongoError):
                    self._delete_id(new_id)
                raise
        add_set_cookie(response, header)

    def _write(self, session: Session) -> str:
        """Insert or update the session's document; the Set-Cookie header to send after it."""
        now = math.floor(self.now())
        expires = now + session.options.max_age
        # The ID is chosen here, not by the server, so the cookie is built
        # before any write: an encode failure never leaves an orphan document,
        # and its options check (max age within Go's range) runs before the
        # document's date is computed from that max age.
        inserting = not session.id
        object_id = ObjectId() if inserting else self._object_id(session.id)
        session_id = str(object_id) if inserting else session.id
        header = self._cookie_header(session, session_id, now)
        data = securecookie.encode_multi(session.name, session.values, *self.codecs)
        fields = documents.document_fields(data, expires, session.values)
        if inserting:
            try:
                self.collection.insert_one({FIELD_ID: object_id, **fields})
            except PyMongoError as err:
                _add_context(err, f"inserting session {session.name!r}", self.collection)
                raise
            session.id = session_id
            return header
        update = documents.update_spec(fields, documents.absent_value_fields(session.values))
        try:
            # Go matches the _id alone; we also require the document to be live,
            # so a session that expired meanwhile is never brought back.
            result = self.collection.update_one(
                {FIELD_ID: object_id, FIELD_EXPIRES: {"$gt": now}}, update
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

    def _delete_id(self, session_id: str) -> None:
        object_id = self._object_id(session_id)
        try:
            self.collection.delete_one({FIELD_ID: object_id})
        except PyMongoError as err:
            _add_context(err, "deleting a session", self.collection)
            raise

    @staticmethod
    def _object_id(session_id: str) -> ObjectId:
        object_id = documents.object_id_from_hex(session_id)
        if object_id is None:
            raise InvalidSessionIdError(session_id)
        return object_id

    # -- Maintenance -----------------------------------------------------------

    def expire_sessions(self, user: Any, provider: Any) -> int:
        """Delete every session of ``user`` at ``provider`` (log out everywhere); the count."""
        query = {FIELD_USER: _plain_match_value(user), FIELD_PROVIDER: _plain_match_value(provider)}
        return self._delete_many(query, "expiring the sessions of a user")

    def expire_sessions_by_user_ids(self, ids: Iterable[Any]) -> int:
        """Delete every session whose ``user`` is one of ``ids``; the count deleted."""
        if isinstance(ids, str | bytes):
            # A str is iterable too; expanding it into characters would be a silent bug.
            raise TypeError(f"expire_sessions_by_user_ids takes a collection of IDs, not {ids!r}")
        id_list = [_plain_match_value(user_id) for user_id in ids]
        if not id_list:
            return 0
        return self._delete_many({FIELD_USER: {"$in": id_list}}, "expiring the sessions of users")

    def get_active_sessions_count(self) -> int:
        """How many sessions have not expired (``expires > now``)."""
        now = math.floor(self.now())
        try:
            return self.collection.count_documents({FIELD_EXPIRES: {"$gt": now}})
        except PyMongoError as err:
            _add_context(err, "counting active sessions", self.collection)
            raise

    def clean(self) -> int:
        """Delete every expired session (``expires <= now``) now; the count deleted."""
        now = math.floor(self.now())
        return self._delete_many({FIELD_EXPIRES: {"$lte": now}}, "deleting expired sessions")

    def _delete_many(self, query: dict[str, Any], action: str) -> int:
        """``delete_many(query)``'s count; a database error gets the store's note."""
        try:
            return self.collection.delete_many(query).deleted_count
        except PyMongoError as err:
            _add_context(err, action, self.collection)
            raise

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

    def ensure_indexes(self, *, ttl: bool = True) -> list[str]:
        """Create the store's indexes (idempotent); their names.

        A TTL index on ``expires_at`` lets the server delete expired sessions
        itself; ``expires`` serves the live-session filters and the cleaner;
        ``user`` + ``provider`` serves :meth:`expire_sessions`. Never implicit:
        index builds belong to deployment, not to the first request.

        ``ttl=False`` leaves the TTL index out, for collections that Go
        services write too: Go never updates ``expires_at``, so the TTL index
        could delete a session Go has extended (README, "Sharing sessions").
        """
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
