"""gob interop with the real Go encoding/gob (via tests/go/interop).

Python-made gob values go into hash-only cookies that real Go decodes into a
session's ``map[interface{}]interface{}``; Go-made gob streams (with Go's own
message splitting and type numbering) come back through GobSerializer.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import math
import time
from typing import Any

import pytest

from securecookie.gob import GobSerializer, GoStruct
from tests.support.vectors import typed_to_python, values_equal

pytestmark = pytest.mark.go

HASH_KEY = bytes(range(32))
SERIALIZER = GobSerializer()


def hash_only_cookie(name: str, payload: bytes) -> str:
    """A securecookie value (hash-only, SHA-256) built by hand, so these tests need no codec."""
    value = base64.urlsafe_b64encode(payload)
    date = str(int(time.time())).encode()
    mac = hmac.new(HASH_KEY, name.encode() + b"|" + date + b"|" + value, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(date + b"|" + value + b"|" + mac).decode()


def decode_case(payload: bytes, dst: str = "session_values") -> dict[str, Any]:
    return {
        "name": "session",
        "hash": "sha256",
        "hash_key_hex": HASH_KEY.hex(),
        "block_key_hex": None,
        "serializer": "gob",
        "dst": dst,
        "encoded": hash_only_cookie("session", payload),
    }


def from_typed(typed: dict[str, Any]) -> Any:
    """typed_to_python plus the registered struct of the interop program."""
    if typed["type"] == "main.Flash":
        return GoStruct("main.Flash", {k: from_typed(v) for k, v in typed["value"].items()})
    if typed["type"] == "map[interface {}]interface {}":
        return {from_typed(e["key"]): from_typed(e["value"]) for e in typed["value"]}
    if typed["type"].startswith("[]") and typed["type"] != "[]uint8":
        return [from_typed(item) for item in typed["value"]]
    return typed_to_python(typed)


UTC = dt.UTC
IST = dt.timezone(dt.timedelta(hours=5, minutes=30))
NEWFOUNDLAND = dt.timezone(dt.timedelta(hours=-3, minutes=-30))
ODD_SECONDS = dt.timezone(dt.timedelta(hours=1, seconds=7))

SESSION_VALUES: dict[str, dict[Any, Any]] = {
    "small": {"user": "alice"},
    "benchmark_shape": {
        "user": "alice",
        "provider": "ldap",
        "n": 3,
        "admin": True,
        "_flash": ["hi"],
    },
    "every_mapped_type": {
        "s": "héllo ✓",
        "empty": "",
        "n": -(2**63),
        "big": 2**63 - 1,
        "zero": 0,
        "f": 3.14159,
        "negzero": -0.0,
        "inf": math.inf,
        "t": True,
        "false": False,
        "raw": b"\x00\x01|\xfe\xff",
        "nil": None,
        "list": ["a", 1, 2.5, False, None, b"x"],
        "prefs": {"theme": "dark", "size": 12, "tags": ["x", "y"]},
        "c": complex(1, -2),
        42: "int key",
        2.5: "float key",
        True: "bool key",
    },
    "nested": {"a": {"b": {"c": [[1, [2, {"d": ["deep"]}]]]}}, "e": [{"k": "v"}, [], {}]},
    "times": {
        "utc": dt.datetime(2024, 3, 1, 12, 30, 45, 123456, tzinfo=UTC),
        "ist": dt.datetime(2024, 3, 1, 18, 0, tzinfo=IST),
        "nfld": dt.datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=NEWFOUNDLAND),
        "odd": dt.datetime(2030, 1, 1, tzinfo=ODD_SECONDS),
        "year1": dt.datetime(1, 1, 1, tzinfo=UTC),
        "year9999": dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
        "list": [dt.datetime(2000, 1, 1, tzinfo=IST)],
        # Local dates in Python's range whose UTC instants are not (year 0 / year 10000).
        "year1_east": dt.datetime(1, 1, 1, 0, 30, tzinfo=dt.timezone(dt.timedelta(hours=1))),
        "year9999_west": dt.datetime(9999, 12, 31, 23, tzinfo=dt.timezone(dt.timedelta(hours=-2))),
    },
    "flashes": {"_flash": ["Welcome back!", "You have 2 new messages"], "custom": ["baz"]},
    "struct_flash": {"_flash": [GoStruct("main.Flash", {"Type": 42, "Message": "foo"})]},
    "empty": {},
}


def test_go_decodes_every_python_session_shape(go_decode: Any) -> None:
    names = list(SESSION_VALUES)
    payloads = [SERIALIZER.serialize(SESSION_VALUES[name]) for name in names]
    results = go_decode([decode_case(p) for p in payloads])
    for name, result in zip(names, results, strict=True):
        assert result["ok"], (name, result["error"])
        assert result["value"]["type"] == "map[interface {}]interface {}"
        assert values_equal(from_typed(result["value"]), SESSION_VALUES[name]), name


def test_go_decodes_python_top_level_strings_as_go_strings(go_decode: Any) -> None:
    ids = ["5ed0e4be448c4dd1274c31e3", "", "ünïcödé", "x" * 300]
    results = go_decode([decode_case(SERIALIZER.serialize(s), dst="string") for s in ids])
    assert [r["value"] for r in results] == [{"type": "string", "value": s} for s in ids]


def test_go_reads_python_time_with_nanoseconds_zero_and_offset_kept(go_decode: Any) -> None:
    when = dt.datetime(2024, 3, 1, 18, 0, 1, 250000, tzinfo=IST)
    (result,) = go_decode([decode_case(SERIALIZER.serialize({"t": when}))])
    typed = result["value"]["value"][0]["value"]
    assert typed["offset_s"] == 19800
    assert typed["unix"] == int(when.timestamp())
    assert typed["nsec"] == 250_000_000


def test_go_rejects_python_session_with_tampered_gob_like_go_does(go_decode: Any) -> None:
    payload = bytearray(SERIALIZER.serialize({"user": "alice"}))
    payload[1] ^= 0xFF  # the first type id becomes garbage
    (result,) = go_decode([decode_case(bytes(payload))])
    assert not result["ok"]
    assert "gob" in result["error"]


GO_VALUES: dict[str, dict[str, Any]] = {
    "sized_ints": {
        "type": "map[interface {}]interface {}",
        "value": [
            {"key": {"type": "string", "value": t}, "value": {"type": t, "value": v}}
            for t, v in [
                ("int8", -128),
                ("int16", 32767),
                ("int32", -(2**31)),
                ("int64", 2**63 - 1),
                ("uint8", 255),
                ("uint16", 65535),
                ("uint32", 2**32 - 1),
                ("uint64", 2**64 - 1),
                ("uint", 7),
                ("float32", 1.5),
                ("complex64", [0.5, -0.25]),
            ]
        ],
    },
    "slices_and_maps": {
        "type": "map[interface {}]interface {}",
        "value": [
            {
                "key": {"type": "string", "value": "strs"},
                "value": {
                    "type": "[]string",
                    "value": [{"type": "string", "value": "a"}, {"type": "string", "value": "b"}],
                },
            },
            {
                "key": {"type": "int", "value": 7},
                "value": {"type": "[]float64", "value": [{"type": "float64", "value": 2.5}]},
            },
            {
                "key": {"type": "string", "value": "m"},
                "value": {
                    "type": "map[string]interface {}",
                    "value": [
                        {
                            "key": {"type": "string", "value": "inner"},
                            "value": {
                                "type": "[]interface {}",
                                "value": [
                                    {
                                        "type": "map[string]interface {}",
                                        "value": [
                                            {
                                                "key": {"type": "string", "value": "t"},
                                                "value": {
                                                    "type": "time.Time",
                                                    "value": "",
                                                    "unix": 1700000000,
                                                    "nsec": 987654321,
                                                    "offset_s": -12600,
                                                },
                                            }
                                        ],
                                    }
                                ],
                            },
                        }
                    ],
                },
            },
        ],
    },
    "time_range_ends": {
        "type": "map[interface {}]interface {}",
        "value": [
            {
                "key": {"type": "string", "value": name},
                "value": {
                    "type": "time.Time",
                    "value": "",
                    "unix": unix,
                    "nsec": 0,
                    "offset_s": offset,
                },
            }
            for name, unix, offset in (
                ("0001-01-01T00:30:00+01:00", -62135596800 - 1800, 3600),
                ("9999-12-31T23:00:00-02:00", 253402300800 + 3600, -7200),
            )
        ],
    },
    "struct": {
        "type": "map[interface {}]interface {}",
        "value": [
            {
                "key": {"type": "string", "value": "_flash"},
                "value": {
                    "type": "[]interface {}",
                    "value": [
                        {
                            "type": "main.Flash",
                            "value": {
                                "Type": {"type": "int", "value": 42},
                                "Message": {"type": "string", "value": "foo"},
                            },
                        },
                        {
                            "type": "main.Flash",
                            "value": {
                                "Type": {"type": "int", "value": 0},
                                "Message": {"type": "string", "value": ""},
                            },
                        },
                    ],
                },
            }
        ],
    },
}


def test_python_decodes_fresh_go_gob_streams(go_encode: Any) -> None:
    names = list(GO_VALUES)
    cases = [
        {
            "name": "session",
            "hash": "sha256",
            "hash_key_hex": HASH_KEY.hex(),
            "block_key_hex": None,
            "serializer": "gob",
            "value": GO_VALUES[name],
        }
        for name in names
    ]
    for name, result in zip(names, go_encode(cases), strict=True):
        assert result["ok"], (name, result["error"])
        decoded = SERIALIZER.deserialize(base64.b64decode(result["serialized_b64"]))
        assert values_equal(decoded, from_typed(GO_VALUES[name])), name


def test_go_struct_round_trips_python_to_go_and_back(go_decode: Any) -> None:
    flash = GoStruct("main.Flash", {"Type": 7, "Message": "saved"})
    (result,) = go_decode([decode_case(SERIALIZER.serialize({"f": flash}))])
    assert result["ok"], result["error"]
    assert from_typed(result["value"]) == {"f": flash}


def test_go_needs_a_registration_for_nested_maps_with_non_string_keys(go_decode: Any) -> None:
    # The interop program registers map[string]interface{} but, like most apps, not
    # map[interface{}]interface{}: our README tells users to register it.
    (result,) = go_decode([decode_case(SERIALIZER.serialize({"m": {1: "one"}}))])
    assert not result["ok"]
    assert 'name not registered for interface: "map[interface {}]interface {}"' in result["error"]


def _entry(key: str, go_type: str, value: Any) -> dict[str, Any]:
    return {"key": {"type": "string", "value": key}, "value": {"type": go_type, "value": value}}


#: Go types Python has none of its own for; gob pre-registers all of these.
GO_ONLY_TYPES = {
    "type": "map[interface {}]interface {}",
    "value": [
        _entry("int64", "int64", 2**63 - 1),
        _entry("int32", "int32", -(2**31)),
        _entry("int8", "int8", -128),
        _entry("uint8", "uint8", 255),
        _entry("uint64", "uint64", 2**64 - 1),
        _entry("float32", "float32", 1.5),
        _entry("complex64", "complex64", [1.0, -2.0]),
        _entry("strings", "[]string", [{"type": "string", "value": s} for s in ("a", "", "ü")]),
        _entry("int64s", "[]int64", [{"type": "int64", "value": -(2**63)}]),
        _entry("bools", "[]bool", [{"type": "bool", "value": True}]),
        _entry("floats", "[]float64", []),
    ],
}


def go_types_of(typed: dict[str, Any]) -> dict[str, str]:
    """Each top-level key of a typed Values map and the Go type of its value."""
    return {e["key"]["value"]: e["value"]["type"] for e in typed["value"]}


def test_go_only_types_keep_their_go_type_when_python_resaves_unchanged(
    go_encode: Any, go_decode: Any
) -> None:
    (made,) = go_encode(
        [
            {
                "name": "session",
                "hash": "sha256",
                "hash_key_hex": HASH_KEY.hex(),
                "block_key_hex": None,
                "serializer": "gob",
                "value": GO_ONLY_TYPES,
            }
        ]
    )
    assert made["ok"], made["error"]
    values = SERIALIZER.deserialize(base64.b64decode(made["serialized_b64"]))
    assert values["int64"] == 2**63 - 1  # Python sees plain numbers and lists
    assert values["strings"] == ["a", "", "ü"]
    (result,) = go_decode([decode_case(SERIALIZER.serialize(values))])
    assert result["ok"], result["error"]
    assert go_types_of(result["value"]) == go_types_of(GO_ONLY_TYPES)
    assert values_equal(from_typed(result["value"]), from_typed(GO_ONLY_TYPES))


def test_a_go_only_value_python_replaced_takes_the_default_go_type(
    go_encode: Any, go_decode: Any
) -> None:
    (made,) = go_encode(
        [
            {
                "name": "session",
                "hash": "sha256",
                "hash_key_hex": HASH_KEY.hex(),
                "block_key_hex": None,
                "serializer": "gob",
                "value": GO_ONLY_TYPES,
            }
        ]
    )
    values = SERIALIZER.deserialize(base64.b64decode(made["serialized_b64"]))
    values["int32"] += 1  # arithmetic gives a plain int: Go's int
    values["strings"] = [*values["strings"], "new"]  # a new plain list: []interface {}
    values["int64s"].append(5)  # edited in place: still a []int64
    (result,) = go_decode([decode_case(SERIALIZER.serialize(values))])
    assert result["ok"], result["error"]
    types = go_types_of(result["value"])
    assert (types["int32"], types["strings"], types["int64s"]) == (
        "int",
        "[]interface {}",
        "[]int64",
    )
