"""WSGI middleware that saves every session of a request, so an app cannot forget to.

When the wrapped app calls ``start_response``, the middleware runs
``sessions.save`` for the request and appends the Set-Cookie headers before
passing the call on. That is an implicit save: a MongoStore session whose
values did not change is not written (only touched once ``touch_after``
passed; see :mod:`mongostore.lifetimes`).

When saving fails (a store error, an unencodable value, a database outage):
the error is logged on the ``mongostore.middleware`` logger with its
traceback, and by default the client gets a bare ``500 Internal Server Error``
instead of the app's response, without any Set-Cookie header: a page must not
claim success when its session changes were lost. With
``on_save_error="raise"`` the :class:`~mongostore.sessions.MultiError` is
raised from ``start_response`` instead, for frameworks or tests that handle
errors themselves. An app that reports its own error (``start_response``
called with ``exc_info``) gets no session saved at all.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Literal

from mongostore.http import HeaderList
from mongostore.sessions.errors import MultiError
from mongostore.sessions.registry import save

if TYPE_CHECKING:
    # typeshed's WSGI protocols, the ones werkzeug and wsgiref are typed with.
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

_log = logging.getLogger(__name__)

_ERROR_BODY = b"Internal Server Error\n"
_ERROR_HEADERS = [
    ("Content-Type", "text/plain; charset=utf-8"),
    ("Content-Length", str(len(_ERROR_BODY))),
]


class SessionMiddleware:
    """Wrap a WSGI app so all sessions of each request are saved when the response starts.

    ``on_save_error`` is ``"500"`` (log, answer 500 without the app's body)
    or ``"raise"`` (log, raise the MultiError from ``start_response``).
    """

    def __init__(
        self, app: WSGIApplication, *, on_save_error: Literal["500", "raise"] = "500"
    ) -> None:
        if on_save_error not in ("500", "raise"):
            raise ValueError(f'on_save_error must be "500" or "raise", got {on_save_error!r}')
        self.app = app
        self.on_save_error = on_save_error

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Run the app; replace its response with a 500 when saving the sessions failed."""
        failed = False

        def saving_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
        ) -> Callable[[bytes], object]:
            nonlocal failed
            if exc_info is not None and exc_info[0] is not None:
                return start_response(status, headers, exc_info)
            headers = list(headers)
            try:
                save(environ, HeaderList(headers))
            except MultiError:
                _log.exception("saving the sessions of %s failed", environ.get("PATH_INFO"))
                if self.on_save_error == "raise":
                    raise
                failed = True
                start_response("500 Internal Server Error", list(_ERROR_HEADERS))
                return _discard
            return start_response(status, headers)

        body = self.app(environ, saving_start_response)
        return _ResponseBody(body, lambda: failed)


def _discard(_data: bytes) -> None:
    """The ``write`` callable handed out after a failed save: the app's bytes are dropped."""


class _ResponseBody:
    """The app's body, or the 500 body once saving failed; closes the app's iterable."""

    def __init__(self, body: Iterable[bytes], failed: Callable[[], bool]) -> None:
        self._body = body
        self._failed = failed

    def __iter__(self) -> Iterator[bytes]:
        # start_response may be called lazily, just before the first chunk.
        for chunk in self._body:
            if self._failed():
                break
            yield chunk
        if self._failed():
            yield _ERROR_BODY

    def close(self) -> None:
        """Close the app's iterable, as WSGI requires."""
        close = getattr(self._body, "close", None)
        if close is not None:
            close()
