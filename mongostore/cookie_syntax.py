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


def is_cookie_name_valid(name: str) -> bool:
    """True when ``name`` is a non-empty RFC 7230 token (Go's ``isCookieNameValid``)."""
    return TOKEN.fullmatch(name) is not None
