"""Set-Cookie headers byte-identical to Go's ``sessions.NewCookie`` + ``http.SetCookie``.

The rules follow net/http's ``Cookie.String``: attribute order Path, Domain,
Expires, Max-Age, HttpOnly, Secure, SameSite, Partitioned; invalid bytes are
dropped from the value and the path (and logged, as Go logs them); an invalid
domain is dropped (and logged); a value with a space or a comma is quoted.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import json
import logging
import math
import re
import time
from typing import Final

from mongostore.cookie_syntax import (
    INVALID_PATH_CHAR,
    INVALID_VALUE_CHAR,
    is_cookie_name_valid,
    is_cookie_value_valid,
)
from mongostore.sessions.errors import InvalidCookieNameError, InvalidOptionsError
from mongostore.sessions.options import Options, SameSite, validate

_log = logging.getLogger(__name__)

# Go's time.Duration is int64 nanoseconds; a longer max age overflows in Go.
_MAX_AGE_LIMIT = (2**63 - 1) // 10**9
# Go's NewCookie expires a deleted cookie at time.Unix(1, 0).
_DELETED_EXPIRES = 1
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _sanitize(field: str, invalid: re.Pattern[str], value: str) -> str:
    """Drop the characters ``invalid`` matches, logging once as Go's sanitizeOrWarn does."""
    bad = invalid.search(value)
    if bad is None:
        return value
    _log.warning("invalid byte %r in %s; dropping invalid bytes", bad.group(), field)
    return invalid.sub("", value)


def _sanitize_value(value: str) -> str:
    value = _sanitize("Cookie.Value", INVALID_VALUE_CHAR, value)
    if value and (" " in value or "," in value):
        return f'"{value}"'
    return value


def _is_domain_name(domain: str) -> bool:
    """Go's ``isCookieDomainName``: labels of letters, digits and inner hyphens."""
    if not 0 < len(domain) <= 255:
        return False
    if domain[0] == ".":
        domain = domain[1:]
    last, has_letter, part_len = ".", False, 0
    for char in domain:
        if char.isascii() and char.isalpha():
            has_letter = True
            part_len += 1
        elif char.isascii() and char.isdigit():
            part_len += 1
        elif char == "-":
            if last == ".":
                return False
            part_len += 1
        elif char == ".":
            if last in ".-" or part_len > 63 or part_len == 0:
                return False
            part_len = 0
        else:
            return False
        last = char
    return last != "-" and part_len <= 63 and has_letter


def _is_ipv4(domain: str) -> bool:
    try:
        ipaddress.IPv4Address(domain)
    except ValueError:
        return False
    return True


def _valid_domain(domain: str) -> bool:
    # Go's validCookieDomain: a domain name, or an IP address without ':' (IPv4).
    return _is_domain_name(domain) or _is_ipv4(domain)


def http_date(unix_seconds: int) -> str:
    """Go's ``http.TimeFormat`` in UTC, independent of the process locale.

    The last result is kept: a busy store formats the same second many times.
    """
    last = _last_http_date[0]
    if last[0] == unix_seconds:
        return last[1]
    tm = time.gmtime(unix_seconds)
    text = (
        f"{_WEEKDAYS[tm.tm_wday]}, {tm.tm_mday:02d} {_MONTHS[tm.tm_mon - 1]} {tm.tm_year:04d} "
        f"{tm.tm_hour:02d}:{tm.tm_min:02d}:{tm.tm_sec:02d} GMT"
    )
    _last_http_date[0] = (unix_seconds, text)  # one tuple, swapped whole: safe for threads
    return text


_last_http_date: list[tuple[float, str]] = [(math.nan, "")]


@dataclasses.dataclass(kw_only=True)
class Cookie:
    """The fields of a Set-Cookie header (the part of Go's ``http.Cookie`` we write).

    ``expires`` is Unix seconds, or ``None`` for no Expires attribute.
    """

    name: str
    value: str
    path: str = ""
    domain: str = ""
    expires: int | None = None
    max_age: int = 0
    secure: bool = False
    http_only: bool = False
    same_site: SameSite | None = None
    partitioned: bool = False

    @classmethod
    def from_options(cls, name: str, value: str, options: Options) -> Cookie:
        """Every option copied verbatim (Go's ``newCookieFromOptions``); no Expires yet."""
        return cls(
            name=name,
            value=value,
            path=options.path,
            domain=options.domain,
            max_age=options.max_age,
            secure=options.secure,
            http_only=options.http_only,
            same_site=options.same_site,
            partitioned=options.partitioned,
        )

    def header(self) -> str:
        """The Set-Cookie header value, as Go's ``Cookie.String`` writes it.

        Go returns "" (and SetCookie writes nothing) for an invalid name; we
        raise :class:`InvalidCookieNameError` so the mistake is not silent.
        """
        if not is_cookie_name_valid(self.name):
            raise InvalidCookieNameError(self.name)
        parts = [f"{self.name}={_sanitize_value(self.value)}"]
        if self.path:
            parts.append(f"Path={_sanitize('Cookie.Path', INVALID_PATH_CHAR, self.path)}")
        if self.domain:
            if _valid_domain(self.domain):
                parts.append(f"Domain={self.domain.removeprefix('.')}")
            else:
                # Go quotes with %q; json.dumps gives the same text for printable domains.
                _log.warning(
                    "invalid Cookie.Domain %s; dropping domain attribute", json.dumps(self.domain)
                )
        # Go's validCookieExpires: only years from 1601 are written.
        if self.expires is not None and time.gmtime(self.expires).tm_year >= 1601:
            parts.append(f"Expires={http_date(self.expires)}")
        if self.max_age > 0:
            parts.append(f"Max-Age={self.max_age}")
        elif self.max_age < 0:
            parts.append("Max-Age=0")
        if self.http_only:
            parts.append("HttpOnly")
        if self.secure:
            parts.append("Secure")
        # "Default" writes nothing, as SameSiteDefaultMode does in Go 1.19+.
        if self.same_site in ("Lax", "Strict", "None"):
            parts.append(f"SameSite={self.same_site}")
        if self.partitioned:
            parts.append("Partitioned")
        return "; ".join(parts)


def make_cookie(name: str, value: str, options: Options, *, now: float | None = None) -> Cookie:
    """Go's ``sessions.NewCookie``: the options plus Expires derived from ``max_age``.

    ``max_age`` > 0 expires at now + max_age (for old browsers that ignore
    Max-Age), < 0 at the Unix epoch + 1 s, 0 gives no Expires.
    """
    validate(options)
    if options.max_age > _MAX_AGE_LIMIT:
        raise InvalidOptionsError(
            f"sessions: max_age {options.max_age} overflows Go's time.Duration "
            f"(at most {_MAX_AGE_LIMIT} seconds)"
        )
    cookie = Cookie.from_options(name, value, options)
    if options.max_age > 0:
        current = time.time() if now is None else now
        cookie.expires = math.floor(current) + options.max_age
    elif options.max_age < 0:
        cookie.expires = _DELETED_EXPIRES
    return cookie


def new_cookie(name: str, value: str, options: Options, *, now: float | None = None) -> str:
    """A Set-Cookie header value for ``name=value`` with ``options`` (Go's NewCookie + SetCookie).

    ``now`` (Unix seconds) fixes the clock for Expires; the default is the current time.
    """
    return make_cookie(name, value, options, now=now).header()


#: Header pieces around the value and the Expires date, per cookie name and options.
_TEMPLATES: dict[tuple[object, ...], tuple[str, str] | None] = {}
_TEMPLATES_LIMIT = 256
#: What the template look-up gives for options not seen yet: no built
#: template holds a NUL (names, paths and domains cannot carry one).
_UNBUILT: Final[tuple[str, str]] = ("\0", "\0")


def cached_new_cookie(name: str, value: str, options: Options, *, now: int) -> str:
    """Exactly :func:`new_cookie` ``(name, value, options, now=now)``, faster on repeat options.

    A store sends the same attributes on every response; only the value,
    Expires and Max-Age change (Max-Age too: the absolute timeout caps it per
    session). The rest is built (and the options validated) once per distinct
    name and options but the max age, by :func:`new_cookie`'s own rules, and
    reused. A max age that is not a positive int within Go's range, options
    it cannot cache (unhashable fields, an invalid domain Go logs on every
    write) take :func:`new_cookie` itself, which raises or writes them alike.
    """
    max_age = options.max_age
    if type(max_age) is not int or not 0 < max_age <= _MAX_AGE_LIMIT:
        return new_cookie(name, value, options, now=now)
    key = (
        name,
        options.path,
        options.domain,
        options.secure,
        options.http_only,
        options.same_site,
        options.partitioned,
    )
    try:
        template = _TEMPLATES.get(key, _UNBUILT)
    except TypeError:  # an unhashable option value: let the full path reject it
        return new_cookie(name, value, options, now=now)
    if template is _UNBUILT:
        template = _build_template(name, options)
        if len(_TEMPLATES) >= _TEMPLATES_LIMIT:
            _TEMPLATES.clear()
        _TEMPLATES[key] = template
    expires = (now if type(now) is int else math.floor(now)) + max_age
    if template is None or expires < 0:
        return new_cookie(name, value, options, now=now)
    attributes, flags = template
    if not is_cookie_value_valid(value) or " " in value or "," in value:
        value = _sanitize_value(value)  # the common clean value skips the call
    return f"{name}={value}{attributes}; Expires={http_date(expires)}; Max-Age={max_age}{flags}"


def _build_template(name: str, options: Options) -> tuple[str, str] | None:
    """The attributes before Expires (Path, Domain) and after Max-Age (the flags)."""
    make_cookie(name, "", options, now=0)  # every check new_cookie makes, raised alike
    if options.domain and not _valid_domain(options.domain):
        return None
    head = Cookie(name=name, value="", path=options.path, domain=options.domain).header()
    tail = Cookie(
        name=name,
        value="",
        secure=options.secure,
        http_only=options.http_only,
        same_site=options.same_site,
        partitioned=options.partitioned,
    ).header()
    prefix = f"{name}="
    return head.removeprefix(prefix), tail.removeprefix(prefix)
