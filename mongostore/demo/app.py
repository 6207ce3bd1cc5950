"""The demo app: a visit counter, sign-in/sign-out and flash messages on a MongoStore.

It shows the intended use of the library in one screen of code:

* sessions come from ``store.get`` and are saved by the save-all middleware
  when the app starts its response, so handlers never call ``save`` by hand;
* sign-in calls ``store.regenerate`` (a fresh session ID defeats session
  fixation), sign-out deletes the session (``max_age = -1`` and save);
* the cookie is HttpOnly and SameSite=Lax, and Secure whenever the request
  came over https. State changes are POST-only, which with SameSite=Lax is the
  demo's (light) CSRF defence: a cross-site form post carries no cookie.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from mongostore.demo import inspect, pages
from mongostore.errors import SessionNotFoundError
from mongostore.middleware import SessionMiddleware
from mongostore.sessions import Session

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from mongostore import MongoStore

#: The demo's cookie name.
SESSION_NAME = "mongostore-demo"
MAX_USER_LENGTH = 64

Handler = Callable[[Request], Response]


class DemoApp:
    """The WSGI app proper; :func:`create_app` wraps it in the session middleware."""

    def __init__(self, store: MongoStore) -> None:
        self.store = store
        self.url_map = Map(
            [
                Rule("/", endpoint="home", methods=["GET"]),
                Rule("/login", endpoint="login", methods=["POST"]),
                Rule("/logout", endpoint="logout", methods=["POST"]),
                Rule("/signed-out", endpoint="signed_out", methods=["GET"]),
                Rule("/sessions", endpoint="sessions", methods=["GET"]),
                Rule("/devices", endpoint="devices", methods=["GET"]),
                Rule("/devices/revoke", endpoint="revoke", methods=["POST"]),
                Rule("/devices/sign-out-others", endpoint="sign_out_others", methods=["POST"]),
            ]
        )
        self.handlers: dict[str, Handler] = {
            "home": self.home,
            "login": self.login,
            "logout": self.logout,
            "signed_out": self.signed_out,
            "sessions": self.sessions,
            "devices": self.devices,
            "revoke": self.revoke,
            "sign_out_others": self.sign_out_others,
        }

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        request = Request(environ)
        try:
            endpoint, _ = self.url_map.bind_to_environ(environ).match()
            response = self.handlers[str(endpoint)](request)
        except NotFound:
            response = html_response(pages.not_found(), status=404)
        except HTTPException as exc:  # 405 for a GET on /login, and friends
            response = exc.get_response(environ)
        return response(environ, start_response)

    def session(self, request: Request) -> Session:
        """This request's session; a cookie we cannot read starts a fresh one.

        An unreadable cookie usually means the keys changed (random keys per
        run): the store then gives a new session with ``load_error`` set, and
        the user gets a note instead of an error.
        """
        session = self.store.get(request, SESSION_NAME)
        if session.load_error is not None and not session.values:
            session.add_flash("Your old session cookie could not be read, so a new session began.")
        # Secure only over https: a browser drops a Secure cookie set by plain http.
        session.options.secure = request.scheme == "https"
        return session

    def home(self, request: Request) -> Response:
        """Count the visit, show flashes and who is signed in."""
        session = self.session(request)
        visits = int(session.values.get("visits", 0)) + 1
        session.values["visits"] = visits
        user = session.values.get("user")
        body = pages.home(
            visits=visits,
            user=None if user is None else str(user),
            flashes=session.flashes(),
            # The tail of the ObjectId: its head is the creation second, the
            # same for the IDs before and after a sign-in.
            session_ref=session.id[-8:],
        )
        return html_response(self.with_panels(request, body))

    def login(self, request: Request) -> Response:
        """Store ``user`` and give the session a fresh ID (against session fixation)."""
        session = self.session(request)
        user = request.form.get("user", "").strip()
        if not user or len(user) > MAX_USER_LENGTH:
            session.add_flash(f"Enter a user name of 1 to {MAX_USER_LENGTH} characters.")
            return redirect("/", code=303)
        response = redirect("/", code=303)
        session.values["user"] = user
        session.add_flash(f"Welcome, {user}! Your session got a fresh ID.")
        try:
            self.store.regenerate(request, response, session)
        except SessionNotFoundError:
            # Revoked since this request loaded it (another browser's "sign
            # out everywhere else", say): regenerate brings nothing of it
            # back, so the sign-in starts a session of its own.
            session.id = ""
            session.values.clear()
            session.values["user"] = user
            session.add_flash(
                f"Welcome, {user}! Your old session had been ended; this is a new one."
            )
            self.store.regenerate(request, response, session)
        return response

    def logout(self, request: Request) -> Response:
        """Delete the session document and the cookie (Go's MaxAge -1 idiom).

        The middleware's save does the deletion, as for every other change.
        It redirects to a page that never loads the session: the home page
        would start a new one at once, and the browser would get a cookie back.
        """
        session = self.session(request)
        session.options.max_age = -1
        return redirect("/signed-out", code=303)

    def signed_out(self, request: Request) -> Response:
        """Confirm the sign-out without touching the session, so no cookie is set."""
        del request
        return html_response(pages.signed_out())

    def sessions(self, request: Request) -> Response:
        """How many unexpired sessions the collection holds."""
        body = pages.sessions(self.store.get_active_sessions_count())
        return html_response(self.with_panels(request, body))

    # -- A user's sessions (issue 15) --------------------------------------------

    def devices(self, request: Request) -> Response:
        """The signed-in user's sessions, each with a revoke button, and "sign out everywhere else".

        Reading the list changes no session value, so save-all writes
        nothing, or only touches the session once ``touch_after`` passed.
        """
        session = self.session(request)
        user = session.values.get("user")
        body = pages.devices(
            user=None if user is None else str(user),
            flashes=session.flashes(),
            sessions=[] if user is None else self.store.list_sessions(user),
            current_id=session.id,
        )
        return html_response(self.with_panels(request, body))

    def revoke(self, request: Request) -> Response:
        """End one session of the signed-in user (never another user's: revoke is scoped)."""
        session = self.session(request)
        user = session.values.get("user")
        target = request.form.get("session_id", "")
        if user is None:
            session.add_flash("Sign in first.")
        elif target == session.id:
            session.add_flash("That is this browser's session: use Sign out.")
        elif self.store.revoke(target, user=user):
            session.add_flash("Session revoked: that browser is signed out.")
        else:
            session.add_flash("No such session of yours (already ended?).")
        return redirect("/devices", code=303)

    def sign_out_others(self, request: Request) -> Response:
        """End every session of the signed-in user but this one."""
        session = self.session(request)
        user = session.values.get("user")
        if user is None:
            session.add_flash("Sign in first.")
        else:
            count = self.store.expire_sessions_except(user, session.id)
            session.add_flash(f"Signed out everywhere else: {count} other session(s) ended.")
        return redirect("/devices", code=303)

    def with_panels(self, request: Request, page: str) -> str:
        """``page`` with the inspection sections: this request's session, the last response."""
        panels = inspect.session_panel(self.store, request, SESSION_NAME)
        panels += inspect.last_response_panel(request)
        return page.replace("</body>", panels + "</body>", 1)


def html_response(body: str, status: int = 200) -> Response:
    """``body`` as a UTF-8 HTML response that no cache keeps (it shows session state)."""
    response = Response(body, status=status, mimetype="text/html")
    response.headers["Cache-Control"] = "no-store"
    return response


def create_app(store: MongoStore) -> WSGIApplication:
    """The demo as a WSGI app: :class:`DemoApp` inside the save-all session middleware."""
    # The casts bridge the middleware's own WSGI protocol types and typeshed's,
    # which differ only in how they spell exc_info.
    middleware = SessionMiddleware(cast("Any", DemoApp(store)))
    recorder = inspect.LastResponseRecorder(cast("WSGIApplication", middleware), SESSION_NAME)
    return cast("WSGIApplication", recorder)
