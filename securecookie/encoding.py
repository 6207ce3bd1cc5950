"""Strict, Go-compatible text codings used inside a cookie.

Two pieces of Go's standard library decide which cookies are accepted, so
both are reproduced exactly rather than approximated with Python's lenient
equivalents:

* ``base64.URLEncoding`` (URL-safe alphabet *with* ``=`` padding). Go skips
  ``\\r`` and ``\\n`` anywhere in the input and rejects everything else that is
  not canonical; its error names the offending byte offset
  (``illegal base64 data at input byte N``), which we reproduce.
* ``strconv.ParseInt(s, 10, 64)`` for the cookie timestamp: ``[+-]?[0-9]+``
  in ASCII, within int64.

The common, valid case takes a fast path (``binascii`` in strict mode);
only invalid or newline-carrying input walks Go's algorithm in Python.
"""

from __future__ import annotations

import binascii
import re

__all__ = [
    "Base64Error",
    "b64decode",
    "b64encode",
    "parse_timestamp",
]

_TO_URLSAFE = bytes.maketrans(b"+/", b"-_")
_FROM_URLSAFE = bytes.maketrans(b"-_", b"+/")
# For the fast path: URL-safe to standard alphabet, and Go-illegal "+" and "/"
# to "*", which binascii rejects, so one translate() screens them out too.
_FROM_URLSAFE_STRICT = bytes.maketrans(b"-_+/", b"+/**")
_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_PAD = ord("=")
_NEWLINES = frozenset(b"\r\n")

# The first byte that is not in the alphabet (padding, newline or garbage).
_NOT_ALPHABET = re.compile(rb"[^A-Za-z0-9_-]")
# strconv.ParseInt base 10: optional sign, ASCII digits only (no "_", no spaces).
_DECIMAL = re.compile(rb"[+-]?[0-9]+")
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1


class Base64Error(ValueError):
    """Go's ``base64.CorruptInputError``: the text is Go's, ``offset`` its byte index."""

    def __init__(self, offset: int) -> None:
        self.offset = offset
        super().__init__(f"illegal base64 data at input byte {offset}")


def b64encode(data: bytes) -> bytes:
    """URL-safe base64 with padding, as Go's ``base64.URLEncoding.Encode``."""
    return binascii.b2a_base64(data, newline=False).translate(_TO_URLSAFE)


def b64decode(data: bytes) -> bytes:
    """Decode like Go's ``base64.URLEncoding.Decode``; raise :class:`Base64Error` if Go would.

    Go is stricter than :func:`base64.urlsafe_b64decode` (which drops unknown
    characters and tolerates missing padding), so a cookie Go rejects must be
    rejected here too, with the same offset.
    """
    # Fast path for canonical input: binascii's strict mode rejects most of
    # what Go rejects, but not surplus "=" after a full quantum ("QUJD===="),
    # so padding anywhere but the last two places goes the slow way.
    first_pad = data.find(b"=")
    if len(data) % 4 == 0 and (first_pad == -1 or first_pad >= len(data) - 2):
        try:
            return binascii.a2b_base64(data.translate(_FROM_URLSAFE_STRICT), strict_mode=True)
        except binascii.Error:
            pass
    _check_like_go(data)
    # Go accepted it, so only skipped newlines separate it from canonical form.
    stripped = data.replace(b"\r", b"").replace(b"\n", b"")
    return binascii.a2b_base64(stripped.translate(_FROM_URLSAFE))


def _check_like_go(src: bytes) -> None:
    """Walk Go's ``decodeQuantum`` loop (Go 1.19) to find the error it reports.

    Runs of alphabet bytes are skipped a whole number of quanta at a time, so
    only the bytes around padding, newlines and garbage are visited one by one.
    """
    end = len(src)
    si = 0
    while si < end:
        # Whole quanta of plain alphabet bytes cannot fail: jump over them.
        found = _NOT_ALPHABET.search(src, si)
        stop = end if found is None else found.start()
        si += (stop - si) // 4 * 4
        si = _check_quantum(src, si)


def _check_quantum(src: bytes, si: int) -> int:
    """One Go quantum starting at ``si``; return where the next one starts."""
    end = len(src)
    j = 0
    while j < 4:
        if si == end:
            if j == 0:
                return si
            # Padding is mandatory in URLEncoding, so a short tail always fails.
            raise Base64Error(si - j)
        byte = src[si]
        si += 1
        if byte in _ALPHABET:
            j += 1
            continue
        if byte in _NEWLINES:
            continue
        if byte != _PAD or j < 2:
            raise Base64Error(si - 1)
        if j == 2:
            # "==" expected; the first "=" is consumed, newlines may sit between.
            while si < end and src[si] in _NEWLINES:
                si += 1
            if si == end:
                raise Base64Error(end)
            if src[si] != _PAD:
                raise Base64Error(si - 1)
            si += 1
        while si < end and src[si] in _NEWLINES:
            si += 1
        if si < end:
            raise Base64Error(si)  # trailing garbage after the padding
        return si
    return si


def parse_timestamp(data: bytes) -> int:
    """Parse like Go's ``strconv.ParseInt(s, 10, 64)``; raise :class:`ValueError` otherwise.

    Python's ``int()`` also accepts spaces, ``_`` and non-ASCII digits, none of
    which Go allows, so the syntax is checked first.
    """
    if data.isdigit() and len(data) < 19:  # bytes.isdigit() is ASCII-only
        return int(data)
    if _DECIMAL.fullmatch(data) is None:
        raise ValueError("invalid syntax")
    value = int(data)
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise ValueError("value out of range")
    return value
