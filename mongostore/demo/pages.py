"""The demo's HTML, as small functions over Python strings (no template engine needed).

Every value that came from a user or a session goes through :func:`html.escape`.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mongostore.lifetimes import SessionInfo

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 2rem auto; padding: 0 1rem; }
nav a { margin-right: 1rem; }
.flash { background: #eef6ee; border: 1px solid #9c9; padding: .5rem; margin: .5rem 0; }
form.inline { display: inline; }
table.panel th { text-align: left; vertical-align: top; padding-right: 1rem; }
code { word-break: break-all; }
"""


def layout(title: str, body: str) -> str:
    """A whole page: the navigation bar and ``body`` (already escaped HTML)."""
    return f"""<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>{escape(title)} · mongostore demo</title>
<style>{_STYLE}</style></head>
<body>
<nav><a href="/">Home</a><a href="/sessions">Active sessions</a>
<a href="/devices">Your sessions</a></nav>
<h1>{escape(title)}</h1>
{body}
</body>
</html>
"""


def flashes_html(messages: Iterable[object]) -> str:
    """One ``<p class="flash">`` per flash message."""
    return "".join(f'<p class="flash">{escape(str(message))}</p>\n' for message in messages)


def home(*, visits: int, user: str | None, flashes: Iterable[object], session_ref: str) -> str:
    """The home page: flashes, the visit counter, and the sign-in or sign-out form.

    ``session_ref`` is the tail of the session's ID, empty for a new session.
    """
    if user is None:
        account = """<p id="user">Not signed in.</p>
<form method="post" action="/login">
  <label>User <input name="user" id="user-input" required maxlength="64"></label>
  <button type="submit" id="login">Sign in</button>
</form>"""
    else:
        account = f"""<p id="user">Signed in as <strong>{escape(user)}</strong>.</p>
<form method="post" action="/logout" class="inline">
  <button type="submit" id="logout">Sign out</button>
</form>"""
    # A new session has no ID while the page is built, but the middleware
    # saves it with this very response: say so rather than "not saved".
    ref = escape(session_ref) if session_ref else "new, saved with this page"
    body = f"""{flashes_html(flashes)}<p id="visits">Visits in this session: {visits}</p>
<p id="session-ref">Session document: {ref}</p>
{account}"""
    return layout("Home", body)


def sessions(count: int) -> str:
    """The page showing how many unexpired sessions the collection holds."""
    return layout("Active sessions", f'<p id="active-count">Active sessions: {count}</p>')


def signed_out() -> str:
    """The page after sign-out; it deliberately loads no session."""
    return layout(
        "Signed out",
        '<p id="signed-out">You are signed out: the session document and the cookie are '
        'deleted.</p>\n<p><a href="/">Start a new visit</a></p>',
    )


def not_found() -> str:
    """The 404 page."""
    return layout("Not found", "<p>No such page.</p>")


def devices(
    *,
    user: str | None,
    flashes: Iterable[object],
    sessions: Iterable[SessionInfo],
    current_id: str,
) -> str:
    """The signed-in user's sessions: one row per device, a revoke button each, sign out others."""
    if user is None:
        return layout(
            "Your sessions",
            f'{flashes_html(flashes)}<p id="devices-none">Sign in on the home page to see '
            "your sessions on every device.</p>",
        )
    rows = []
    for info in sessions:
        this = info.id == current_id
        action = (
            '<span class="this">this device</span>'
            if this
            else f"""<form method="post" action="/devices/revoke" class="inline">
  <input type="hidden" name="session_id" value="{escape(info.id)}">
  <button type="submit" id="revoke-{escape(info.id)}">Revoke</button></form>"""
        )
        rows.append(
            f'<tr class="device" id="device-{escape(info.id)}" data-this="{str(this).lower()}">'
            f"<td>{action}</td>"
            f"<td>{escape(info.created.strftime('%Y-%m-%d %H:%M:%S'))}</td>"
            f"<td>{escape(info.last_seen.strftime('%Y-%m-%d %H:%M:%S'))}</td>"
            f'<td class="agent">{escape(info.user_agent or "not recorded")}</td>'
            f"<td>{escape(info.client_address or 'not recorded')}</td></tr>\n"
        )
    intro = f"Sessions of <strong>{escape(user)}</strong>, newest first (times UTC):"
    body = f"""{flashes_html(flashes)}<p id="devices-user">{intro}</p>
<table id="devices">
<tr><th></th><th>Signed in</th><th>Last seen</th><th>Browser</th><th>Address</th></tr>
{"".join(rows)}</table>
<form method="post" action="/devices/sign-out-others">
  <button type="submit" id="sign-out-others">Sign out everywhere else</button>
</form>"""
    return layout("Your sessions", body)
