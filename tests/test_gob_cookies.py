"""Gob cookies end to end: every Go-made gob cookie vector through SecureCookie,
and Python-made cookies (hash-only, AES-128/192/256, SHA-512) decoded by real Go."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from securecookie import Error, SecureCookie
from securecookie.gob import GobSerializer, GoStruct
from tests.support.vectors import ids, key, typed_to_python, values_equal, vectors

# Go's error text for these comes from decoding random bytes as gob, which is
# Go's internals (tests/vectors/README.md): only the flags must match.
GO_INTERNAL_TEXT = {
    "public/decode_error/wrong_block_key",
    "public/decode_error/hashonly_cookie_decoded_with_block_key",
    "public/decode_error/constructed-garbage_gob_payload",
}
# Go decodes into a typed destination; our deserialize has none, so a gob string
# read where Values were expected comes back as str (the store checks the type).
DESTINATION_TYPE_CHECK = {"public/decode_error/gob_string_into_session_values"}
# Construction-time failures (no/short keys) and multi-codec vectors belong to the
# codec's own tests: they never reach the serializer.
CODEC_ONLY = {"public/decode_error/hash_key_not_set", "public/decode_error/invalid_block_key_size"}

GOB_COOKIES = [
    v
    for v in vectors(serializer="gob")
    if "encoded" in v and "codecs" not in v and v["id"] not in CODEC_ONLY
]


def codec_for(vector: dict[str, Any]) -> SecureCookie:
    codec = SecureCookie(key(vector["hash_key_hex"]), key(vector["block_key_hex"]))
    if vector["hash"] == "sha512":
        codec.hash_func(hashlib.sha512)
    codec.set_serializer(GobSerializer()).max_age(vector["max_age"])
    if vector.get("min_age"):
        codec.min_age(vector["min_age"])
    if vector.get("max_length"):
        codec.max_length(vector["max_length"])
    return codec


@pytest.mark.parametrize("vector", GOB_COOKIES, ids=ids(GOB_COOKIES))
def test_go_gob_cookie_decodes_as_go_decoded_it(vector: dict[str, Any]) -> None:
    codec = codec_for(vector)
    expect = vector["expect"]
    if vector["id"] in DESTINATION_TYPE_CHECK:
        assert isinstance(codec.decode(vector["name"], vector["encoded"]), str)
        return
    if expect["ok"]:
        value = codec.decode(vector["name"], vector["encoded"])
        assert values_equal(value, typed_to_python(expect["value"]))
        return
    with pytest.raises(Error) as info:
        codec.decode(vector["name"], vector["encoded"])
    assert info.value.is_decode() == expect["is_decode"]
    assert info.value.is_usage() == expect["is_usage"]
    if vector["id"] not in GO_INTERNAL_TEXT:
        assert str(info.value) == expect["error"]


def test_gob_cookie_vectors_are_all_exercised() -> None:
    assert len(GOB_COOKIES) >= 70


KEYS = {
    "hashonly": (bytes(range(32)), None, "sha256"),
    "aes128": (bytes(range(32)), bytes(range(16)), "sha256"),
    "aes192": (bytes(range(32)), bytes(range(24)), "sha256"),
    "aes256": (bytes(range(32)), bytes(range(32)), "sha256"),
    "sha512_aes256": (bytes(range(64)), bytes(range(32)), "sha512"),
}
VALUES = {
    "session_id": "5ed0e4be448c4dd1274c31e3",
    "values": {
        "user": "alice",
        "provider": "ldap",
        "n": 3,
        "admin": True,
        "_flash": ["hi", GoStruct("main.Flash", {"Type": 1, "Message": "x"})],
        "prefs": {"theme": "dark", "tags": ["x"]},
        7: None,
    },
}


@pytest.mark.go
def test_python_gob_cookies_decode_in_go(go_decode: Any) -> None:
    cases, expected = [], []
    for hash_key, block_key, hash_name in KEYS.values():
        codec = SecureCookie(hash_key, block_key).set_serializer(GobSerializer())
        if hash_name == "sha512":
            codec.hash_func(hashlib.sha512)
        for value in VALUES.values():
            cases.append(
                {
                    "name": "session",
                    "hash": hash_name,
                    "hash_key_hex": hash_key.hex(),
                    "block_key_hex": None if block_key is None else block_key.hex(),
                    "serializer": "gob",
                    "dst": "string" if isinstance(value, str) else "session_values",
                    "encoded": codec.encode("session", value),
                }
            )
            expected.append(value)
    for result, value in zip(go_decode(cases), expected, strict=True):
        assert result["ok"], result["error"]
        typed = result["value"]
        if isinstance(value, str):
            assert typed == {"type": "string", "value": value}
            continue
        assert _from_typed(typed) == value


def _from_typed(typed: dict[str, Any]) -> Any:
    if typed["type"] == "main.Flash":
        return GoStruct("main.Flash", {k: _from_typed(v) for k, v in typed["value"].items()})
    if typed["type"].startswith("map["):
        return {_from_typed(e["key"]): _from_typed(e["value"]) for e in typed["value"]}
    if typed["type"].startswith("[]") and typed["type"] != "[]uint8":
        return [_from_typed(item) for item in typed["value"]]
    return typed_to_python(typed)


@pytest.mark.go
def test_fresh_go_gob_cookies_decode_through_securecookie(go_encode: Any) -> None:
    typed_values = {
        "type": "map[interface {}]interface {}",
        "value": [
            {
                "key": {"type": "string", "value": "user"},
                "value": {"type": "string", "value": "bob"},
            },
            {
                "key": {"type": "string", "value": "_flash"},
                "value": {"type": "[]interface {}", "value": [{"type": "string", "value": "hey"}]},
            },
            {
                "key": {"type": "int", "value": 9},
                "value": {
                    "type": "map[string]interface {}",
                    "value": [
                        {
                            "key": {"type": "string", "value": "l"},
                            "value": {"type": "[]interface {}", "value": []},
                        }
                    ],
                },
            },
        ],
    }
    hash_key, block_key, _ = KEYS["aes256"]
    assert block_key is not None
    (result,) = go_encode(
        [
            {
                "name": "session",
                "hash": "sha256",
                "hash_key_hex": hash_key.hex(),
                "block_key_hex": block_key.hex(),
                "serializer": "gob",
                "value": typed_values,
            }
        ]
    )
    assert result["ok"], result["error"]
    codec = SecureCookie(hash_key, block_key).set_serializer(GobSerializer())
    value = codec.decode("session", result["encoded"])
    assert value == {"user": "bob", "_flash": ["hey"], 9: {"l": []}}
