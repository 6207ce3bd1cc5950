"""MongoStore: sessions in a MongoDB collection, the cookie holding only the session ID.

A port of the Go ``mongostore.MongoStore`` that can share its collection with
Go services (layout in :mod:`mongostore.documents`). This module is the
blocking I/O only: every operation, with its order of database calls, is a
flow of :mod:`mongostore.flows` (over the pure rules of :mod:`mongostore.queries`
and :mod:`mongostore.rules`), which :mod:`mongostore.aio` runs with ``await``.
Where it differs from Go, on purpose, a comment says so; docs/reference.md
("mongostore") is the
contract this module implements.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any, cast

from pymongo.collection import Collection

from mongostore import flows, lifetimes
from mongostore.cleaner import AutoCleanThread, run_auto_clean
from mongostore.errors import (
    InvalidDatabaseError,
    InvalidSessionIdError,
    InvalidUserFilterError,
    SessionNotFoundError,
)
from mongostore.http import RequestLike, ResponseLike, add_set_cookie, environ_of, request_cookie
from mongostore.lifetimes import SaveAction, SessionInfo
from mongostore.sessions.registry import get_registry
from mongostore.sessions.session import Session
from mongostore.store_base import DEFAULT_COLLECTION, Lifetime, MongoStoreBase, collection_of

__all__ = [
    "DEFAULT_COLLECTION",
    "InvalidDatabaseError",
    "InvalidSessionIdError",
    "InvalidUserFilterError",
    "MongoStore",
    "SaveAction",
    "SessionCollection",
    "SessionInfo",
    "SessionNotFoundError",
    "new_store",
    "resolve_collection",
]

SessionCollection = Collection[dict[str, Any]]


def resolve_collection(database: object, name: str) -> SessionCollection:
    """The sessions collection of ``database`` (a Database or already a Collection)."""
    return cast(SessionCollection, collection_of(database, name, asynchronous=False))


class MongoStore(MongoStoreBase):
    """Sessions stored in MongoDB; the cookie carries ``encode_multi(name, ID)``.

    ``key_pairs`` are (hash key, block key) pairs, newest first, as for every
    gorilla store. Defaults (Go's): path "/", max age 30 days, SameSite=Lax,
    not Secure; HttpOnly is our one deliberate change. ``now`` is the clock
    (Unix seconds); replace it to test expiry exactly. Every operation is a
    flow of :mod:`mongostore.flows`, shared with
    :class:`mongostore.aio.AsyncMongoStore`; this class only runs them.
    """

    collection: SessionCollection

    def __init__(
        self,
        database: object,
        *key_pairs: bytes | None,
        collection: str = DEFAULT_COLLECTION,
        touch_after: float = lifetimes.DEFAULT_TOUCH_AFTER,
        absolute_timeout: float | None = None,
        record_client: bool = False,
        trusted_proxies: int = 0,
    ) -> None:
        self.collection = resolve_collection(database, collection)
        self._auto_clean_running = threading.Lock()
        lifetime = Lifetime(touch_after, absolute_timeout, record_client, trusted_proxies)
        super().__init__(key_pairs, lifetime)

    def _read_client(self, request: object) -> dict[str, str | None]:
        """The client fields of a WSGI request (user agent, address per ``trusted_proxies``)."""
        return lifetimes.wsgi_client(environ_of(cast(RequestLike, request)), self.trusted_proxies)

    # -- Get / New ---------------------------------------------------------

    def get(self, request: RequestLike, name: str) -> Session:
        """The session ``name`` of this request, loaded once per request (registry-cached)."""
        return get_registry(request).get(self, name)

    def new(self, request: RequestLike, name: str) -> Session:
        """The live session the request's cookie names, bypassing the registry.

        No cookie, no document, or an expired one: a new session. A cookie or
        ``data`` that fails to decode: a new session whose ``load_error`` is
        the decode error. Database errors propagate, with a note.
        """
        return flows.run_blocking(
            flows.new(self, name, request_cookie(request, name)), self.collection
        )

    # -- Save ----------------------------------------------------------------

    def save(
        self,
        request: RequestLike,
        response: ResponseLike,
        session: Session,
        *,
        document_max_age: int | None = None,
    ) -> None:
        """Write the session's document and its cookie; max age <= 0 deletes both.

        A new session (ID "") is inserted under a fresh ObjectId; an existing
        one is updated, and raises :class:`SessionNotFoundError` if its
        document is gone. The Set-Cookie header is added only after the
        database write succeeded.

        ``document_max_age`` (seconds) lets the document outlive a cookie of
        another max age: a browser-session cookie (``options.max_age`` 0)
        whose document still expires server-side, as :mod:`mongostore.flask`
        writes. None keeps Go's rule: both follow ``options.max_age``.
        """
        flow = flows.save(self, session, self._client(request), document_max_age)
        add_set_cookie(response, flows.run_blocking(flow, self.collection))

    def autosave(
        self,
        request: RequestLike,
        response: ResponseLike,
        session: Session,
        *,
        document_max_age: int | None = None,
        options_changed: bool | None = None,
    ) -> SaveAction:
        """The implicit save (``sessions.save``, the middlewares): write only when needed.

        Writes as :meth:`save` when the values (nested ones included) or the
        options changed since the session was loaded; touches an unchanged
        session once more than ``touch_after`` seconds passed since its last
        write (expiry and ``last_seen`` only, and the cookie again); does
        nothing otherwise, nor for a new session without values (no document,
        no cookie). What it did is the result (:func:`mongostore.flows.autosave`).
        ``document_max_age`` is :meth:`save`'s, for the write and the touch;
        ``options_changed`` (None: the session's options differ from the
        store's) is for integrations that set the options on every request.
        """
        flow = flows.autosave(
            self, session, self._client(request), document_max_age, options_changed=options_changed
        )
        action, header = flows.run_blocking(flow, self.collection)
        if header is not None:
            add_set_cookie(response, header)
        return action

    def regenerate(
        self,
        request: RequestLike,
        response: ResponseLike,
        session: Session,
        *,
        document_max_age: int | None = None,
    ) -> None:
        """Move the session to a fresh ID: insert a new document, delete the old one, new cookie.

        Call it on login and on any privilege change, so an ID planted in the
        browser beforehand (session fixation) never gains the new rights. An
        existing session whose document is gone (signed out elsewhere,
        expired, ``expire_sessions``) raises :class:`SessionNotFoundError`,
        as :meth:`save` does: nothing is written and no cookie is sent, so a
        revoked session is never brought back under a new ID. A new session
        (ID "") is simply inserted. On failure the session keeps its old ID
        and no cookie is written. With max age <= 0 it is a plain delete, as
        :meth:`save` (and ``document_max_age`` means what it means there). The
        order of the writes: :func:`mongostore.flows.regenerate`.
        """
        flow = flows.regenerate(self, session, self._client(request), document_max_age)
        add_set_cookie(response, flows.run_blocking(flow, self.collection))

    # -- A user's sessions -----------------------------------------------------

    def list_sessions(self, user: Any) -> list[SessionInfo]:
        """The live sessions of ``user``, newest first (an indexed query; never the data).

        ``user`` must be a plain value (a query operator, or None, which would
        match every anonymous session, raises :class:`InvalidUserFilterError`).
        """
        return flows.run_blocking(flows.list_sessions(self, user), self.collection)

    def revoke(self, session_id: str, *, user: Any = None) -> bool:
        """End the session ``session_id`` (delete its document); True if there was one.

        With ``user``, only a session of that user is ended: pass the
        signed-in user when the ID comes from a form, so nobody ends another
        user's session. An ID that is not 24 hex digits names no session: False.
        """
        return flows.run_blocking(flows.revoke(session_id, user), self.collection)

    def expire_sessions_except(self, user: Any, keep_session_id: str) -> int:
        """End every session of ``user`` but ``keep_session_id`` ("sign out everywhere else").

        ``keep_session_id`` "" (a session never saved) keeps none; any other
        value that is not an ObjectId raises :class:`InvalidSessionIdError`
        rather than ending the caller's own session too. The count deleted.
        """
        return flows.run_blocking(
            flows.expire_sessions_except(user, keep_session_id), self.collection
        )

    # -- Maintenance -----------------------------------------------------------

    def expire_sessions(self, user: Any, provider: Any) -> int:
        """Delete every session of ``user`` at ``provider`` (log out everywhere); the count."""
        return flows.run_blocking(flows.expire_sessions(user, provider), self.collection)

    def expire_sessions_by_user_ids(self, ids: Iterable[Any]) -> int:
        """Delete every session whose ``user`` is one of ``ids``; the count deleted."""
        return flows.run_blocking(flows.expire_sessions_by_user_ids(ids), self.collection)

    def get_active_sessions_count(self) -> int:
        """How many sessions have not expired (``expires > now``)."""
        return flows.run_blocking(flows.get_active_sessions_count(self), self.collection)

    def clean(self) -> int:
        """Delete every expired session (``expires <= now``) now; the count deleted."""
        return flows.run_blocking(flows.clean(self), self.collection)

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

        Never implicit: index builds belong to deployment, not to the first
        request. ``ttl=False`` leaves the TTL index out, for collections Go
        services write too; asking for it where a document without
        ``expires_at`` exists raises :class:`~mongostore.errors.TTLIndexRefusedError`
        unless ``force_ttl=True`` (:func:`mongostore.flows.ensure_indexes`).
        """
        flow = flows.ensure_indexes(self.collection.full_name, ttl=ttl, force_ttl=force_ttl)
        return flows.run_blocking(flow, self.collection)


def new_store(database: object, *key_pairs: bytes | None) -> MongoStore:
    """A MongoStore on the ``session`` collection (Go's ``NewStore``)."""
    return MongoStore(database, *key_pairs)
