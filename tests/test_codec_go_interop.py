"""Interop with the real Go gorilla/securecookie (built from Debian's packages).

Cookies made here are decoded by Go's ``SecureCookie.Decode`` (json and nop
serializers; hash-only, AES-128/192/256, SHA-512); Go's JSON encoder output is
compared byte for byte with ours; and mutated cookies must get the same
verdict (and error text) from Go and from us. Each test sends one batch to a
single Go process (fixtures in tests/support/golang.py; they skip only when
``go`` is missing).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from typing import Any

import pytest

from securecookie import Error, JSONSerializer, NopSerializer, SecureCookie
from securecookie.serializers import Serializer
from tests.support import vectors

pytestmark = pytest.mark.go

GoCall = Callable[[list[dict[str, Any]]], list[dict[str, Any]]]

_HASH_256 = bytes(range(32))
_HASH_512 = bytes(range(64, 128))
SETUPS: dict[str, tuple[str, bytes, bytes | None]] = {
    "sha256-hashonly": ("sha256", _HASH_256, None),
    "sha256-aes128": ("sha256", _HASH_256, bytes(range(100, 116))),
    "sha256-aes192": ("sha256", _HASH_256, bytes(range(100, 124))),
    "sha256-aes256": ("sha256", _HASH_256, bytes(range(100, 132))),
    "sha512-hashonly": ("sha512", _HASH_512, None),
    "sha512-aes256": ("sha512", _HASH_512, bytes(range(100, 132))),
}

JSON_VALUES: dict[str, object] = {
    "sid": "5ed0e4be448c4dd1274c31e3",
    "empty": "",
    "html-and-separators": '<a href="x">&amp;</a>\u2028\u2029\x08\x0c\x00\t\n\\b\\f\\\x08',
    "unicode": "héllo ☃ 😀",
    "map": {"user": "alice", "n": 3, "admin": True, "none": None, "list": ["a", 1, 2.5, False]},
    "floats": [3.0, -0.0, 0.1, 1e20, 1e21, 1.5e300, 1e-6, 1e-7, 5e-324, 123456789012345680.0],
    "ints": [0, -1, 2**53, -(2**53)],
    "nested": {"prefs": {"theme": "dark", "size": 12, "tags": ["x", "y"]}, "z": {}, "a": []},
}

NOP_VALUES: dict[str, bytes] = {
    "id": b"5ed0e4be448c4dd1274c31e3",
    "binary": bytes([0, 1, 0x7C, 0xFE, 0xFF]) * 7,
    "utf8": "héllo".encode(),
}


def _codec(setup: str, serializer: Serializer) -> SecureCookie:
    hash_name, hash_key, block_key = SETUPS[setup]
    codec = SecureCookie(hash_key, block_key).set_serializer(serializer)
    if hash_name == "sha512":
        codec.hash_func(hashlib.sha512)
    return codec


def _case(setup: str, serializer: str, dst: str, encoded: str, name: str) -> dict[str, Any]:
    hash_name, hash_key, block_key = SETUPS[setup]
    return {
        "name": name,
        "hash": hash_name,
        "hash_key_hex": hash_key.hex(),
        "block_key_hex": None if block_key is None else block_key.hex(),
        "serializer": serializer,
        "dst": dst,
        "encoded": encoded,
        "max_age": 0,
    }


def _numerically_equal(go_value: object, ours: object) -> bool:
    """Go decodes JSON numbers as float64; compare them by value."""
    if isinstance(ours, int | float) and not isinstance(ours, bool):
        return isinstance(go_value, float) and go_value == float(ours)
    if isinstance(ours, list):
        return (
            isinstance(go_value, list)
            and len(go_value) == len(ours)
            and all(_numerically_equal(g, o) for g, o in zip(go_value, ours, strict=True))
        )
    if isinstance(ours, dict):
        return (
            isinstance(go_value, dict)
            and go_value.keys() == ours.keys()
            and all(_numerically_equal(go_value[k], v) for k, v in ours.items())
        )
    return type(go_value) is type(ours) and go_value == ours


def test_go_decodes_python_json_cookies(go_decode: GoCall) -> None:
    cases, expected = [], []
    for setup in SETUPS:
        codec = _codec(setup, JSONSerializer())
        for label, value in JSON_VALUES.items():
            name = f"py-{label}"
            cases.append(_case(setup, "json", "interface", codec.encode(name, value), name))
            expected.append((f"{setup}/{label}", value))
    results = go_decode(cases)
    for (label, value), result in zip(expected, results, strict=True):
        assert result["ok"], f"{label}: Go said {result['error']}"
        go_value = vectors.typed_to_python(result["value"])
        assert _numerically_equal(go_value, value), f"{label}: {go_value!r} != {value!r}"


def test_go_decodes_python_nop_cookies(go_decode: GoCall) -> None:
    cases, expected = [], []
    for setup in SETUPS:
        codec = _codec(setup, NopSerializer())
        for label, value in NOP_VALUES.items():
            cases.append(_case(setup, "nop", "bytes", codec.encode("nop", value), "nop"))
            expected.append((f"{setup}/{label}", value))
    hash_only = _codec("sha256-hashonly", NopSerializer())
    cases.append(_case("sha256-hashonly", "nop", "bytes", hash_only.encode("nop", b""), "nop"))
    expected.append(("sha256-hashonly/empty", b""))
    for (label, value), result in zip(expected, go_decode(cases), strict=True):
        assert result["ok"], f"{label}: Go said {result['error']}"
        assert vectors.typed_to_python(result["value"]) == value, label


def test_go_json_cookies_hold_exactly_our_json_bytes_and_decode_here(go_encode: GoCall) -> None:
    labels = list(JSON_VALUES)
    cases = []
    for label in labels:
        for setup in ("sha256-hashonly", "sha256-aes256"):
            case = _case(setup, "json", "interface", "", "go")
            case["value"] = vectors.python_to_typed(JSON_VALUES[label])
            cases.append(case)
    results = go_encode(cases)
    ours = JSONSerializer()
    for index, result in enumerate(results):
        label = labels[index // 2]
        setup = ("sha256-hashonly", "sha256-aes256")[index % 2]
        assert result["ok"], f"{label}: Go said {result['error']}"
        go_bytes = _codec(setup, NopSerializer()).decode("go", result["encoded"])
        assert go_bytes == ours.serialize(JSON_VALUES[label]), label
        decoded = _codec(setup, JSONSerializer()).decode("go", result["encoded"])
        assert _numerically_equal(decoded, JSON_VALUES[label]) or decoded == JSON_VALUES[label]


def _mutations(cookie: str) -> list[str]:
    """Tampered and malformed variants of ``cookie`` (deterministic)."""
    out = [
        "",
        cookie[:-1],
        cookie[:-2],
        cookie + "=",
        cookie + "A===",
        cookie.rstrip("="),
        cookie[:10] + "\r\n" + cookie[10:],
        cookie[:10] + " " + cookie[10:],
        cookie.replace("-", "+").replace("_", "/"),
        "é" + cookie,
        cookie[:5] + "\x00" + cookie[5:],
        "=" + cookie,
    ]
    for position in range(0, len(cookie), max(1, len(cookie) // 12)):
        flipped = chr(ord(cookie[position]) ^ 1)
        out.append(cookie[:position] + flipped + cookie[position + 1 :])
    return out


def test_go_and_python_give_the_same_verdict_on_mutated_cookies(go_decode: GoCall) -> None:
    cases, inputs = [], []
    for setup in ("sha256-hashonly", "sha256-aes128", "sha512-aes256"):
        codec = _codec(setup, JSONSerializer())
        cookie = codec.encode("sid", {"user": "alice"})
        for mutated in _mutations(cookie):
            cases.append(_case(setup, "json", "interface", mutated, "sid"))
            inputs.append((setup, mutated))
    for (setup, mutated), result in zip(inputs, go_decode(cases), strict=True):
        try:
            ours: object = _codec(setup, JSONSerializer()).decode("sid", mutated)
        except Error as err:
            ours = err
        if isinstance(ours, Error):
            assert ours.is_decode()
            assert not result["ok"], f"{mutated!r}: Go accepted what we rejected ({ours})"
            assert str(ours) == result["error"], repr(mutated)
            continue
        assert result["ok"], f"{mutated!r}: we accepted what Go rejected ({result['error']})"
        assert ours == {"user": "alice"}


def test_go_applies_the_same_length_limit(go_decode: GoCall) -> None:
    codec = _codec("sha256-hashonly", JSONSerializer())
    cookie = codec.encode("sid", "x" * 10)
    case_equal = {
        **_case("sha256-hashonly", "json", "interface", cookie, "sid"),
        "max_length": len(cookie),
    }
    case_short = {**case_equal, "max_length": len(cookie) - 1}
    equal, short = go_decode([case_equal, case_short])
    assert equal["ok"]
    assert codec.max_length(len(cookie)).decode("sid", cookie) == "x" * 10
    assert short["error"] == "securecookie: the value is too long"
    with pytest.raises(Error) as info:
        codec.max_length(len(cookie) - 1).decode("sid", cookie)
    assert str(info.value) == short["error"]


def test_nan_is_rejected_by_both(go_encode: GoCall) -> None:
    case = _case("sha256-hashonly", "json", "interface", "", "n")
    case["value"] = {"type": "float64", "value": "NaN"}
    (result,) = go_encode([case])
    with pytest.raises(Error) as info:
        _codec("sha256-hashonly", JSONSerializer()).encode("n", math.nan)
    assert str(info.value) == result["error"]
