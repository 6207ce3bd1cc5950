"""``flask.session`` on a MongoStore: Flask's session semantics, Go's document and cookie.

The interface only decides *when* and *with which options* to write; the
store does the writing, so the document layout, the cookie format and every
expiry rule are the store's (API.md), and a Go service with the same keys
reads the same login. What it adds to the store is Flask's contract:

* the options come from Flask's config (``SESSION_COOKIE_*``,
  ``PERMANENT_SESSION_LIFETIME``); a non-permanent session gets a
  browser-session cookie (no Expires) while its document still expires
  ``PERMANENT_SESSION_LIFETIME`` after its last write;
* writes happen only when needed, with Flask's own rule
  (``should_set_cookie``: modified, or permanent with
  ``SESSION_REFRESH_EACH_REQUEST``); an emptied session deletes its document
  and the cookie; a new session left empty writes nothing;
* :func:`regenerate` moves the session to a fresh ID when the response is saved.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, MutableMapping
from typing import TYPE_CHECKING, Any

from flask import Flask
from flask import request as flask_request
from flask import session as flask_session
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict
from werkzeug.wrappers import Request, Response

from mongostore.errors import Error, SessionNotFoundError
from mongostore.flask.values import from_stored, to_stored
from mongostore.http import request_cookie
from mongostore.sessions.options import Options, SameSite
from mongostore.sessions.session import Session

if TYPE_CHECKING:
    from mongostore.store import MongoStore

_log = logging.getLogger(__name__)


class NotAMongoSessionError(Error, RuntimeError):
    """:func:`regenerate` was called where ``flask.session`` is not a :class:`MongoSession`."""

    def __init__(self, found: object) -> None:
        super().__init__(
            "mongostore.flask.regenerate() needs flask.session from MongoSessionInterface "
            f"(call init_app(app, store) first); flask.session is a {type(found).__name__}"
        )


class MongoSession(CallbackDict[str, Any], SessionMixin):
    """``flask.session``: a dict that notes changes, as Flask's own cookie session does.

    ``modified`` turns True on any top-level change (mutating a nested value
    needs ``session.modified = True``, as in Flask); ``new`` is True when the
    request brought no live session (no cookie, a bad one, or an expired
    document); ``permanent`` is Flask's ``_permanent`` key. ``stored`` is the
    store's :class:`~mongostore.sessions.session.Session` behind it (its ``id``
    and its ``load_error`` when the cookie failed to decode).
    """

    modified = False

    def __init__(
        self,
        initial: Mapping[str, Any] | None = None,
        *,
        stored: Session,
        had_cookie: bool = False,
    ) -> None:
        def on_update(self: MongoSession) -> None:
            self.modified = True

        super().__init__(initial, on_update)
        self.stored = stored
        self.new = stored.is_new
        #: The request carried a cookie of this name (live or not): an emptied
        #: session must then send a deletion cookie even with no document.
        self.had_cookie = had_cookie
        #: Set by :func:`regenerate`: the save moves the session to a fresh ID.
        self.regenerate_on_save = False
        #: Set when a save raised, so the error response does not try again.
        self.save_failed = False

    # Flask 3.1.3+ marks ``accessed`` in the request context; older 3.1
    # releases relied on the session class, as here (Flask's own did so).
    def __getitem__(self, key: str) -> Any:
        self.accessed = True
        return super().__getitem__(key)

    def get(self, key: str, default: Any = None) -> Any:
        self.accessed = True
        return super().get(key, default)

    def setdefault(self, key: str, default: Any = None) -> Any:
        self.accessed = True
        return super().setdefault(key, default)


class MongoSessionInterface(SessionInterface):
    """A Flask session interface storing ``flask.session`` through a :class:`MongoStore`.

    Install it with :func:`init_app`. The session cookie is the store's (its
    keys sign and encrypt the session ID); Flask's ``SECRET_KEY`` is not used.
    """

    session_class = MongoSession

    def __init__(self, store: MongoStore) -> None:
        self.store = store

    def open_session(self, app: Flask, request: Request) -> MongoSession:
        """Load the session the request's cookie names; a fresh one for any bad cookie.

        A tampered, expired or foreign cookie gives a new empty session (the
        store logs why at DEBUG and keeps it as ``session.stored.load_error``).
        Database errors propagate: Flask answers 500 (and :meth:`save_session`
        then has no session to save).
        """
        name = self.get_cookie_name(app)
        stored = self.store.new(request, name)
        return self.session_class(
            from_stored(stored.values),
            stored=stored,
            had_cookie=request_cookie(request, name) is not None,
        )

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        """Write the session if Flask's rules say so; the store adds the Set-Cookie header.

        A database error propagates (Flask's 500, and no Set-Cookie: the store
        adds the header only after the write). A session whose document
        vanished meanwhile (logged out elsewhere) is not resurrected: its
        cookie is deleted instead.
        """
        if not isinstance(session, MongoSession):
            return  # open_session raised (a database error): Flask is answering 500
        if session.accessed:
            response.vary.add("Cookie")
        if session.save_failed:
            return
        stored = session.stored
        # Built only when a cookie is written: most requests write none.
        if not session:
            if session.modified and (stored.id or session.had_cookie):
                stored.options = self.cookie_options(app, session)
                self._delete(session, response)
            return
        if not (session.regenerate_on_save or self.should_set_cookie(app, session)):
            return
        stored.options = self.cookie_options(app, session)
        stored.values = to_stored(dict(session))
        try:
            self._write(app, session, response)
        except SessionNotFoundError:
            _log.info("session %r vanished before it was saved; deleting its cookie", stored.name)
            self._delete(session, response)
            return
        except BaseException:
            session.save_failed = True
            raise
        session.regenerate_on_save = False
        response.vary.add("Cookie")

    def _write(self, app: Flask, session: MongoSession, response: Response) -> None:
        lifetime = self.lifetime_seconds(app)
        environ = _current_environ()
        if session.regenerate_on_save:
            self.store.regenerate(environ, response, session.stored, document_max_age=lifetime)
        elif session.modified:
            self.store.save(environ, response, session.stored, document_max_age=lifetime)
        else:
            self.refresh(environ, response, session.stored, lifetime)

    def refresh(
        self,
        request: MutableMapping[str, Any],
        response: Response,
        stored: Session,
        lifetime: int,
    ) -> None:
        """Slide the expiry of an unchanged session (permanent, ``SESSION_REFRESH_EACH_REQUEST``).

        The store's implicit-save rule (:meth:`MongoStore.autosave`): the
        document is touched (expiry and ``last_seen`` only) and the cookie
        re-sent once ``store.touch_after`` seconds passed since its last
        write, and nothing is written before that. Values changed in place
        without Flask noticing (``session.modified`` False) are still caught
        by the store's fingerprint and written. The options come from Flask's
        config on every request, so they are not compared with the store's.
        """
        self.store.autosave(
            request, response, stored, document_max_age=lifetime, options_changed=False
        )

    def _delete(self, session: MongoSession, response: Response) -> None:
        """Delete the document (if any) and send the deletion cookie."""
        session.stored.options.max_age = -1
        try:
            self.store.save(_current_environ(), response, session.stored)
        except BaseException:
            session.save_failed = True
            raise
        response.vary.add("Cookie")

    def cookie_options(self, app: Flask, session: SessionMixin) -> Options:
        """The store options for this session, from Flask's config.

        A permanent session's cookie lives ``PERMANENT_SESSION_LIFETIME``; any
        other gets max age 0, a cookie without Expires that the browser drops
        when it closes.
        """
        return Options(
            path=self.get_cookie_path(app),
            domain=self.get_cookie_domain(app) or "",
            max_age=self.lifetime_seconds(app) if session.permanent else 0,
            secure=bool(self.get_cookie_secure(app)),
            http_only=bool(self.get_cookie_httponly(app)),
            same_site=_same_site(self.get_cookie_samesite(app)),
            partitioned=bool(self.get_cookie_partitioned(app)),
        )

    @staticmethod
    def lifetime_seconds(app: Flask) -> int:
        """``PERMANENT_SESSION_LIFETIME`` in whole seconds: every document's lifetime."""
        return int(app.permanent_session_lifetime.total_seconds())


def init_app(app: Flask, store: MongoStore) -> MongoSessionInterface:
    """Make ``flask.session`` a MongoStore session in ``app``; the installed interface.

    Also sets ``store.max_age`` to ``PERMANENT_SESSION_LIFETIME``, so the
    cookie's signed timestamp is accepted exactly as long as the document
    lives (the store's default is 30 days, Flask's 31).
    """
    interface = MongoSessionInterface(store)
    store.max_age(interface.lifetime_seconds(app))
    app.session_interface = interface
    return interface


def regenerate() -> None:
    """Move ``flask.session`` to a fresh ID when this request's response is saved.

    Call it from a view on sign-in or any privilege change: the session keeps
    its values, the save inserts them under a new ID, deletes the old ID's
    document (so a planted or stolen old cookie is dead server-side) and sends
    the new cookie. Inside a request only.
    """
    current = flask_session._get_current_object()  # type: ignore[attr-defined]
    if not isinstance(current, MongoSession):
        raise NotAMongoSessionError(current)
    current.regenerate_on_save = True
    current.modified = True


def _current_environ() -> MutableMapping[str, Any]:
    """The current request's environ (the store's ``request`` argument)."""
    environ: MutableMapping[str, Any] = flask_request.environ
    return environ


def _same_site(value: str | None) -> SameSite | None:
    """Flask's ``SESSION_COOKIE_SAMESITE`` ("lax", "Strict", None, ...) as an Options value."""
    if value is None:
        return None
    return value.title()  # type: ignore[return-value]  # Options validates it
