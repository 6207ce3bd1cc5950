"""Replay of the Go-made vectors (tests/vectors/gorilla-go.json) through the codec.

* json and nop cookies: decoded and compared with Go's value; hash-only ones
  are also re-encoded with the vector's timestamp and must come out identical.
* gob cookies: every verdict reached before deserialization (length, base64,
  MAC, timestamp, age, decryption, rotation) is replayed with a NopSerializer,
  which hands back the exact gob bytes Go put in the cookie. Gob decoding
  itself is the gob package's job (tests/test_gob*.py).
* Configuration errors, which Go reports on the first call and we raise at
  construction, are checked against Go's text and flags.
"""

from __future__ import annotations

import base64
import hashlib
import math
from typing import Any

import pytest

from securecookie import (
    Error,
    JSONSerializer,
    MultiError,
    NopSerializer,
    SecureCookie,
    codecs_from_pairs,
    decode_multi,
    encode_multi,
)
from securecookie.serializers import Serializer
from tests.support import vectors

_DOUBLE_WRAP = "securecookie: error - caused by: securecookie: error - caused by: "
_CONSTRUCTION_ERRORS = {"hash_key_not_set", "invalid_block_key_size"}
# Go's Deserialize(dst) checks the destination's Go type; Python has no
# destination argument, so these two verdicts have no Python counterpart.
_GO_DST_TYPE_ONLY = {
    "public/decode_error/nop_into_string",
    "public/decode_error/json_map_into_session_values",
}


def _serializer(name: str) -> Serializer:
    # gob cookies run with Nop: the codec's steps are serializer-independent.
    return JSONSerializer() if name == "json" else NopSerializer()


def _codec(fields: dict[str, Any], vec: dict[str, Any], clock: Any = None) -> SecureCookie:
    hash_key = vectors.key(fields["hash_key_hex"])
    block_key = vectors.key(fields["block_key_hex"])
    codec = (
        SecureCookie(hash_key, block_key)
        if clock is None
        else SecureCookie(hash_key, block_key, clock=clock)
    )
    if vec.get("hash") == "sha512":
        codec.hash_func(hashlib.sha512)
    codec.max_age(vec.get("max_age") or 0).min_age(vec.get("min_age") or 0)
    if vec.get("max_length") is not None:
        codec.max_length(vec["max_length"])
    return codec.set_serializer(_serializer(vec["serializer"]))


def _decode(vec: dict[str, Any]) -> object:
    if "codecs" in vec:
        codecs = [_codec(pair, vec) for pair in vec["codecs"]]
        return decode_multi(vec["name"], vec["encoded"], *codecs)
    return _codec(vec, vec).decode(vec["name"], vec["encoded"])


def _numerically_equal(got: object, expected: object) -> bool:
    """Go's JSON decoder makes every number float64; ours keeps ints."""
    if isinstance(expected, float) and isinstance(got, int | float):
        return float(got) == expected or (math.isnan(expected) and math.isnan(float(got)))
    if isinstance(expected, list) and isinstance(got, list):
        return len(got) == len(expected) and all(
            _numerically_equal(g, e) for g, e in zip(got, expected, strict=True)
        )
    if isinstance(expected, dict) and isinstance(got, dict):
        return got.keys() == expected.keys() and all(
            _numerically_equal(got[k], expected[k]) for k in expected
        )
    return bool(vectors.values_equal(got, expected))


def _expected_payload(vec: dict[str, Any]) -> bytes | None:
    encoded = vec.get("serialized_b64")
    return None if encoded is None else base64.b64decode(encoded)


# Positive vectors -------------------------------------------------------------

_VALUE_VECTORS = [
    v for v in vectors.vectors("encode_decode", "decode_quirk") if v["serializer"] != "gob"
]


@pytest.mark.parametrize("vec", _VALUE_VECTORS, ids=vectors.ids(_VALUE_VECTORS))
def test_json_and_nop_vectors_decode_to_gos_value(vec: dict[str, Any]) -> None:
    expected = vectors.typed_to_python(vec["expect"]["value"])
    assert _numerically_equal(_decode(vec), expected)


_REENCODABLE = [v for v in _VALUE_VECTORS if v["block_key_hex"] is None]


@pytest.mark.parametrize("vec", _REENCODABLE, ids=vectors.ids(_REENCODABLE))
def test_hash_only_json_and_nop_cookies_are_byte_identical_to_go(vec: dict[str, Any]) -> None:
    codec = _codec(vec, vec, clock=lambda: vec["timestamp"])
    value = vectors.typed_to_python(vec["expect"]["value"])
    assert codec.encode(vec["name"], value) == vec["encoded"]


_GOB_ACCEPTED = [
    v
    for v in vectors.vectors("encode_decode", "decode_quirk", "rotation")
    if v["serializer"] == "gob"
]


@pytest.mark.parametrize("vec", _GOB_ACCEPTED, ids=vectors.ids(_GOB_ACCEPTED))
def test_gob_cookies_go_accepts_pass_every_step_before_deserialization(
    vec: dict[str, Any],
) -> None:
    payload = _decode(vec)
    assert isinstance(payload, bytes)
    expected = _expected_payload(vec)
    if expected is not None:
        assert payload == expected


def test_encode_multi_vector_is_readable_only_by_the_first_codec() -> None:
    (vec,) = [
        v for v in vectors.vectors("rotation") if v["id"].endswith("encodemulti_uses_first_codec")
    ]
    first, second = (_codec(pair, vec) for pair in vec["codecs"])
    assert first.decode(vec["name"], vec["encoded"]) == _expected_payload(vec)
    with pytest.raises(Error):
        second.decode(vec["name"], vec["encoded"])


# Negative vectors --------------------------------------------------------------


def _is_deserialization_verdict(vec: dict[str, Any]) -> bool:
    return str(vec["expect"]["error"]).startswith(_DOUBLE_WRAP)


_REJECTED = [
    v
    for v in vectors.vectors("decode_error")
    if v["id"] not in _GO_DST_TYPE_ONLY
    and v["id"].rsplit("/", 1)[1] not in _CONSTRUCTION_ERRORS
    and not (v["serializer"] == "gob" and _is_deserialization_verdict(v))
]


@pytest.mark.parametrize("vec", _REJECTED, ids=vectors.ids(_REJECTED))
def test_rejected_vectors_fail_with_gos_text_and_flags(vec: dict[str, Any]) -> None:
    expect = vec["expect"]
    with pytest.raises(Error) as info:
        _decode(vec)
    err = info.value
    assert (err.is_usage(), err.is_decode(), err.is_internal()) == (
        expect["is_usage"],
        expect["is_decode"],
        expect["is_internal"],
    )
    assert isinstance(err, MultiError) == (expect["go_error_type"] == "securecookie.MultiError")
    if vec["id"].endswith("gob_cookie_json_serializer"):
        # Text of Go's JSON scanner on a garbage payload: flags are the contract,
        # but ours matches here too for the common "looking for beginning" case.
        assert str(err).startswith(_DOUBLE_WRAP + "invalid character")
    else:
        assert str(err) == expect["error"]


_CONFIG = [
    v
    for v in vectors.vectors("decode_error", "encode_error")
    if v["id"].rsplit("/", 1)[1] in _CONSTRUCTION_ERRORS
]


@pytest.mark.parametrize("vec", _CONFIG, ids=vectors.ids(_CONFIG))
def test_configuration_errors_raise_gos_text_at_construction(vec: dict[str, Any]) -> None:
    with pytest.raises(Error) as info:
        SecureCookie(vectors.key(vec["hash_key_hex"]), vectors.key(vec["block_key_hex"]))
    assert str(info.value) == vec["expect"]["error"]
    assert info.value.is_usage()
    assert not info.value.is_decode()


def _encode_error_vector(name: str) -> dict[str, Any]:
    (vec,) = [v for v in vectors.vectors("encode_error") if v["id"].endswith("/" + name)]
    return vec


@pytest.mark.parametrize(
    ("name", "serializer", "value"),
    [
        ("json_nan", JSONSerializer(), {"x": math.nan}),
        ("json_interface_keyed_map", JSONSerializer(), {"user": "alice", 42: "int key"}),
        ("nop_not_bytes", NopSerializer(), "5ed0e4be448c4dd1274c31e3"),
        ("too_long", NopSerializer(), b"x" * 4000),
    ],
)
def test_encode_error_vectors_fail_with_gos_text(
    name: str, serializer: Serializer, value: object
) -> None:
    vec = _encode_error_vector(name)
    codec = SecureCookie(vectors.key(vec["hash_key_hex"])).set_serializer(serializer)
    with pytest.raises(Error) as info:
        codec.encode("session", value)
    assert str(info.value) == vec["expect"]["error"]
    assert info.value.is_usage()
    assert not info.value.is_decode()
    if "cause" in vec["expect"]:
        assert str(info.value.cause) == vec["expect"]["cause"]


def test_encode_multi_without_codecs_vector() -> None:
    vec = _encode_error_vector("encodemulti_no_codecs")
    with pytest.raises(Error) as info:
        encode_multi("session", "5ed0e4be448c4dd1274c31e3")
    assert str(info.value) == vec["expect"]["error"]
    assert info.value.is_usage()


def test_encode_multi_all_fail_vector_fails_at_the_first_bad_pair() -> None:
    # Go returns two broken codecs and a MultiError on encode; we refuse the
    # first broken pair up front, with the first member's text.
    vec = _encode_error_vector("encodemulti_all_fail")
    with pytest.raises(Error) as info:
        codecs_from_pairs(b"hash-1", b"k" * 15, b"hash-2", b"k" * 17)
    assert vec["expect"]["error"].startswith(str(info.value) + " (and 1 other error)")
    assert info.value.is_usage()
