"""Flask session values <-> the gob values the store writes (and Go reads).

Flask's own cookie session serializes with its tagged JSON, which keeps two
Python types that gob has no Go type for: :class:`markupsafe.Markup` (safe
HTML, as ``flash(Markup(...))`` stores it) and ``tuple`` (each flash is a
``(category, message)`` pair). Gob maps a tuple to ``[]interface {}`` and a
``Markup`` (a ``str`` subclass) to ``string``, so without help both would come
back as plain ``list``/``str`` and a flashed ``Markup`` would be escaped.

The choices, made so that any Go service with the same keys still decodes the
whole session (Go needs no ``gob.Register`` for them):

* ``Markup("<b>hi</b>")`` is stored as the two-element ``[]interface {}``
  ``[" markupsafe.Markup", "<b>hi</b>"]``: Go sees a slice whose second
  element is the HTML text. (Go's own counterpart, ``template.HTML``, would
  make every Go reader without ``gob.Register(template.HTML(""))`` fail to
  decode the session, and so lose the login, while a flash is pending.) A
  list of the user's own that starts with the marker is escaped with
  :data:`ESCAPE_MARKER` so it never turns into ``Markup``.
* Tuples are stored as ``[]interface {}``, the gob mapping of every sequence;
  they load as lists, except Flask's flashes (``_flashes``), whose pairs load
  as tuples again, so ``get_flashed_messages(with_categories=True)`` returns
  exactly what Flask's own session does.
"""

from __future__ import annotations

from typing import Any, Final

from markupsafe import Markup

#: First element of the list that carries a ``Markup`` (leading space, as
#: Flask's tag keys have, so it reads as a tag rather than data).
MARKUP_MARKER: Final = " markupsafe.Markup"
#: First element prepended to a user list that starts with either marker.
ESCAPE_MARKER: Final = " mongostore.escaped"
#: Where Flask's ``flash()`` keeps its pending messages.
FLASHES_KEY: Final = "_flashes"

_MARKERS = (MARKUP_MARKER, ESCAPE_MARKER)


def to_stored(values: dict[str, Any]) -> dict[Any, Any]:
    """The session dict as the store saves it: ``Markup`` tagged, lists escaped."""
    return {key: _tag(item) for key, item in values.items()}


def from_stored(values: dict[Any, Any]) -> dict[Any, Any]:
    """The stored values as Flask sees them: ``Markup`` and flash pairs restored."""
    session = {key: _untag(item) for key, item in values.items()}
    flashes = session.get(FLASHES_KEY)
    if isinstance(flashes, list):
        session[FLASHES_KEY] = [
            tuple(pair) if isinstance(pair, list) and len(pair) == 2 else pair for pair in flashes
        ]
    return session


def _tag(value: Any) -> Any:
    if isinstance(value, Markup):
        return [MARKUP_MARKER, str(value)]
    if type(value) in (list, tuple):  # Go-typed subclasses keep their own encoding
        items = [_tag(item) for item in value]
        if items and _is_marker(items[0]):
            return [ESCAPE_MARKER, *items]
        return items
    if type(value) is dict:
        return {key: _tag(item) for key, item in value.items()}
    return value


def _untag(value: Any) -> Any:
    if type(value) is list:
        if len(value) == 2 and value[0] == MARKUP_MARKER and isinstance(value[1], str):
            # Safe as Flask's TagMarkup is: the data is MAC-checked, so only a
            # holder of the store's keys (this app or its Go peer) wrote the tag.
            return Markup(value[1])  # noqa: S704
        if value and value[0] == ESCAPE_MARKER:
            value = value[1:]
        return [_untag(item) for item in value]
    if type(value) is dict:
        return {key: _untag(item) for key, item in value.items()}
    return value


def _is_marker(item: Any) -> bool:
    return isinstance(item, str) and item in _MARKERS
