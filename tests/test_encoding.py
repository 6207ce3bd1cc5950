"""Strict base64 and timestamp parsing, as Go's encoding/base64 and strconv.ParseInt."""

from __future__ import annotations

import base64

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from securecookie.encoding import (
    Base64Error,
    _check_like_go,
    b64decode,
    b64encode,
    parse_timestamp,
)


@pytest.mark.parametrize("value", [b"foo", b"bar", b"baz"])
def test_encode_then_decode_round_trips(value: bytes) -> None:
    # Port of TestEncoding.
    assert b64decode(b64encode(value)) == value


def test_encode_uses_url_alphabet_with_padding() -> None:
    assert b64encode(b"\xfb\xff") == b"-_8="
    assert b64encode(b"") == b""


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        (b"QQ", 0),  # missing padding: Go points at the start of the short quantum
        (b"QUJDQQ", 4),
        (b"QUJDQ", 4),  # one dangling character
        (b"QUJD+A==", 4),  # standard alphabet "+"
        (b"QUJD/A==", 4),  # standard alphabet "/"
        (b"QU JD", 2),  # space
        (b"QUJD====", 4),  # padding too early in the quantum
        (b"QUI==", 4),  # one "=" too many
        (b"QQ==QQ==", 4),  # data after padding
        (b"QQ=", 3),  # one "=" short
        (b"QQ=A", 2),  # "=" followed by data
        (b"=QQQ", 0),
        (b"QUJD\x00", 4),
        (b"QUJD\xc3\xa9", 4),  # non-ASCII byte
        (b"QQ==\nx", 5),  # garbage after padding and newline
    ],
)
def test_decode_rejects_what_go_rejects_at_gos_offset(text: bytes, offset: int) -> None:
    with pytest.raises(Base64Error) as info:
        b64decode(text)
    assert info.value.offset == offset
    assert str(info.value) == f"illegal base64 data at input byte {offset}"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (b"QU\r\nJD", b"ABC"),
        (b"\nQUJD\n", b"ABC"),
        (b"QQ=\r\n=", b"A"),
        (b"QQ=\n=", b"A"),  # a newline between the two padding characters
        (b"QQ=\r\r\n\n=", b"A"),
        (b"QQ==\r\n", b"A"),
        (b"QUI=\n", b"AB"),
        (b"", b""),
        (b"\r\n", b""),
        (b"QR==", b"A"),  # URLEncoding is not strict about the unused low bits
    ],
)
def test_decode_skips_newlines_and_accepts_what_go_accepts(text: bytes, expected: bytes) -> None:
    assert b64decode(text) == expected


def _go_reference_decode(data: bytes) -> bytes | int:
    """The slow path alone: Go's verdict (error offset) or the decoded bytes."""
    try:
        _check_like_go(data)
    except Base64Error as err:
        return err.offset
    stripped = data.replace(b"\r", b"").replace(b"\n", b"")
    return base64.urlsafe_b64decode(stripped)


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from([*b"QUJD-_+/=\r\n x"]), max_size=14).map(bytes))
def test_fast_path_agrees_with_the_go_walk_on_arbitrary_input(data: bytes) -> None:
    try:
        fast: bytes | int = b64decode(data)
    except Base64Error as err:
        fast = err.offset
    assert fast == _go_reference_decode(data)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=64))
def test_any_bytes_round_trip(data: bytes) -> None:
    assert b64decode(b64encode(data)) == data


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (b"0", 0),
        (b"1700000000", 1700000000),
        (b"+123", 123),
        (b"-1", -1),
        (b"000042", 42),
        (b"9223372036854775807", 2**63 - 1),
        (b"-9223372036854775808", -(2**63)),
    ],
)
def test_timestamp_accepts_go_parseint_syntax(text: bytes, value: int) -> None:
    assert parse_timestamp(text) == value


@pytest.mark.parametrize(
    "text",
    [
        b"",
        b"+",
        b"-",
        b" 1",
        b"1 ",
        b"1\n",
        b"1_000",
        b"0x10",
        b"1.5",
        b"1e3",
        "\u0661\u0662".encode(),  # Arabic-Indic digits, which int() accepts
        b"9223372036854775808",
        b"-9223372036854775809",
        b"++1",
    ],
)
def test_timestamp_rejects_what_go_parseint_rejects(text: bytes) -> None:
    with pytest.raises(ValueError, match=r"invalid syntax|out of range"):
        parse_timestamp(text)
