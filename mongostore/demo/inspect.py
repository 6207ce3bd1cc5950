"""What the demo shows a developer about each request's session, and the last response.

* :func:`session_panel`: the session cookie as the browser sent it, what it
  decodes to (the document ID), and the document as stored (``data``
  decoded), read when the page is built, i.e. before this response's save.
* :class:`LastResponseRecorder`: a WSGI wrapper outside the session
  middleware that notes, for every response, the session's Set-Cookie
  attributes and what save-all did (write, touch or nothing), in a small
  unsigned, display-only cookie; the next page shows it. It only describes
  what happened: nothing reads it back as session state.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Callable, Iterable, Mapping
from html import escape
from typing import TYPE_CHECKING, Any, Final

import securecookie
from mongostore import documents, lifetimes, queries
from mongostore.http import RequestLike, request_cookie
from mongostore.sessions.registry import get_registry

if TYPE_CHECKING:
    from _typeshed import OptExcInfo
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from mongostore import MongoStore

#: The display-only cookie carrying the description of the last response.
LAST_RESPONSE_COOKIE: Final = "mongostore-demo-last"
_TIME_FIELDS = (documents.FIELD_EXPIRES, lifetimes.FIELD_CREATED, lifetimes.FIELD_LAST_SEEN)


def _utc(seconds: object) -> str:
    if isinstance(seconds, int) and not isinstance(seconds, bool):
        try:
            return dt.datetime.fromtimestamp(seconds, dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        except (OverflowError, OSError, ValueError):
            return "out of range"
    return ""


def _row(label: str, value_html: str, row_id: str = "") -> str:
    ident = f' id="{row_id}"' if row_id else ""
    return f"<tr><th>{escape(label)}</th><td{ident}>{value_html}</td></tr>\n"


def _code(value: object) -> str:
    return f"<code>{escape(str(value))}</code>"


def session_panel(store: MongoStore, request: RequestLike, session_name: str) -> str:
    """The "this request's session" section: cookie as sent, as decoded, document as stored."""
    cookie = request_cookie(request, session_name)
    rows = []
    if cookie is None:
        rows.append(
            _row("Cookie as sent", "none (this request carried no session cookie)", "cookie-sent")
        )
        return _section(rows)
    rows.append(_row("Cookie as sent", _code(f"{session_name}={cookie}"), "cookie-sent"))
    try:
        decoded = securecookie.decode_multi(session_name, cookie, *store.codecs)
    except securecookie.Error as err:
        rows.append(
            _row("Cookie decoded", f"does not decode: {escape(str(err))}", "cookie-decoded")
        )
        return _section(rows)
    rows.append(
        _row(
            "Cookie decoded",
            f"document ID {_code(decoded)} (signed and encrypted)",
            "cookie-decoded",
        )
    )
    object_id = documents.object_id_from_hex(decoded)
    stored = None if object_id is None else store.collection.find_one(queries.id_filter(object_id))
    if stored is None:
        rows.append(_row("Document as stored", "none: no such document (it ended)", "document"))
        return _section(rows)
    rows.append(_row("Document as stored", _document_html(store, session_name, stored), "document"))
    return _section(rows)


def _document_html(store: MongoStore, session_name: str, stored: Mapping[str, Any]) -> str:
    """Every field of the document; ``data`` decoded, times also as UTC dates."""
    items = []
    for field, value in stored.items():
        shown = _code(value)
        if field == documents.FIELD_DATA and isinstance(value, str):
            try:
                values = securecookie.decode_multi(session_name, value, *store.codecs)
                shown = f"{_code(value[:40] + '…')}<br>decoded: {_code(values)}"
            except securecookie.Error as err:
                shown = f"{_code(value[:40] + '…')}<br>does not decode: {escape(str(err))}"
        elif field in _TIME_FIELDS:
            shown = f"{_code(value)} ({escape(_utc(value))})"
        items.append(f'<li data-field="{escape(field)}"><b>{escape(field)}</b>: {shown}</li>')
    return "<ul>" + "".join(items) + "</ul>"


def _section(rows: list[str]) -> str:
    return (
        '<section id="session-panel"><h2>This request\'s session</h2>\n'
        f'<table class="panel">\n{"".join(rows)}</table></section>\n'
    )


# -- The last response -------------------------------------------------------------


def last_response_panel(request: RequestLike) -> str:
    """The "what the last response wrote" section, from the display-only cookie."""
    note = describe_last(request_cookie(request, LAST_RESPONSE_COOKIE))
    if note is None:
        body = '<p id="last-response">No response recorded yet.</p>'
    else:
        cookies = note.get("set_cookie") or []
        if cookies:
            items = "".join(f"<li>{_code(header)}</li>" for header in cookies)
            written = f"<ul>{items}</ul>"
        else:
            written = "<p>No Set-Cookie header for the session.</p>"
        body = (
            f'<p id="last-response">{escape(str(note.get("method")))} '
            f"{escape(str(note.get('path')))}: save-all did "
            f'<strong id="last-action">{escape(str(note.get("action")))}</strong>.</p>\n'
            f"{written}"
        )
    return f'<section id="last-panel"><h2>What the last response wrote</h2>\n{body}</section>\n'


def describe_last(raw: str | None) -> dict[str, Any] | None:
    """The recorded note, or None when absent or unreadable (it is client-held and unsigned)."""
    if not raw:
        return None
    try:
        note = json.loads(base64.urlsafe_b64decode(raw.encode("ascii")))
    except (ValueError, binascii.Error, UnicodeError):
        return None
    return note if isinstance(note, dict) else None


def _hidden_value(set_cookie: str) -> str:
    """A Set-Cookie header with its (long) value shortened, attributes kept."""
    first, sep, attributes = set_cookie.partition(";")
    name, _, value = first.partition("=")
    shown = value if len(value) <= 16 else f"{value[:12]}…({len(value)} chars)"
    return f"{name}={shown}{sep}{attributes}"


class LastResponseRecorder:
    """WSGI wrapper (outside the session middleware) recording each response's session writes."""

    def __init__(self, app: WSGIApplication, session_name: str) -> None:
        self.app = app
        self.session_name = session_name

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        def recording_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: OptExcInfo | None = None, /
        ) -> Callable[[bytes], object]:
            prefix = f"{self.session_name}="
            cookies = [
                _hidden_value(value)
                for key, value in headers
                if key.lower() == "set-cookie" and value.startswith(prefix)
            ]
            saved = get_registry(environ).saved.get(self.session_name, "nothing (not loaded)")
            note = {
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "action": saved,
                "set_cookie": cookies,
            }
            value = base64.urlsafe_b64encode(json.dumps(note).encode()).decode("ascii")
            headers = [
                *headers,
                ("Set-Cookie", f"{LAST_RESPONSE_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax"),
            ]
            if exc_info is not None:
                return start_response(status, headers, exc_info)
            return start_response(status, headers)

        return self.app(environ, recording_start_response)
