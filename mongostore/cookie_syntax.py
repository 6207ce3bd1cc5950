"""Go's net/http cookie syntax: which names and value bytes a cookie may carry.

One home for the patterns both directions use: :mod:`mongostore.http` reads
request cookies with them (Go's ``readCookies``) and
:mod:`mongostore.sessions.cookie` writes Set-Cookie headers with them (Go's
``Cookie.String``), so a name or byte accepted one way is accepted the other.
"""

from __future__ import annotations

import re
from typing import Final

#: RFC 7230 tchar: what Go's ``httpguts.IsTokenRune`` accepts in a cookie name.
TOKEN: Final = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
#: A character Go's ``validCookieValueByte`` rejects.
INVALID_VALUE_CHAR: Final = re.compile(r"[^\x20\x21\x23-\x3a\x3c-\x5b\x5d-\x7e]")
#: A character Go's ``validCookiePathByte`` rejects.
INVALID_PATH_CHAR: Final = re.compile(r"[^\x20-\x3a\x3c-\x7e]")


#: Every byte Go's ``validCookieValueByte`` accepts (all :data:`INVALID_VALUE_CHAR` spares).
_VALUE_BYTES: Final = bytes(b for b in range(0x20, 0x7F) if b not in b'";\\')


def is_cookie_value_valid(value: str) -> bool:
    """True when every character of ``value`` is one Go's ``validCookieValueByte`` accepts.

    :data:`INVALID_VALUE_CHAR` finding nothing, in a third of the time: every
    request checks the cookie it reads and the one it writes.
    """
    return value.isascii() and not value.encode().translate(None, _VALUE_BYTES)


#: Names already found valid: an app uses a handful, checked on every request.
_VALID_NAMES: set[str] = set()
_VALID_NAMES_LIMIT: Final = 1024


def is_cookie_name_valid(name: str) -> bool:
    """True when ``name`` is a non-empty RFC 7230 token (Go's ``isCookieNameValid``)."""
    if name in _VALID_NAMES:  # only exact str objects are ever added
        return True
    if type(name) is not str or TOKEN.fullmatch(name) is None:
        return False
    if len(_VALID_NAMES) >= _VALID_NAMES_LIMIT:
        _VALID_NAMES.clear()
    _VALID_NAMES.add(name)
    return True
