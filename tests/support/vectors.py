"""Access to the Go-made test vectors in ``tests/vectors/gorilla-go.json``.

The vectors (copied verbatim from ``shared/vectors``) were produced by the real
Go gorilla libraries. Values in them are *typed* (``{"type": ..., "value": ...}``);
:func:`typed_to_python` turns one into the Python value our port should produce.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import json
import math
from pathlib import Path
from typing import Any

from securecookie.gob.gotypes import GO_TYPED

VECTORS_PATH = Path(__file__).resolve().parent.parent / "vectors" / "gorilla-go.json"

_INT_TYPES = {
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
}
_FLOAT_SPECIALS = {"NaN": math.nan, "+Inf": math.inf, "-Inf": -math.inf}


@functools.cache
def document() -> dict[str, Any]:
    """The whole vector document (meta + vectors)."""
    with VECTORS_PATH.open(encoding="utf-8") as fh:
        doc: dict[str, Any] = json.load(fh)
    return doc


def vectors(*kinds: str, serializer: str | None = None) -> list[dict[str, Any]]:
    """Vectors of the given kinds (all when none given), optionally one serializer only."""
    out = []
    for vec in document()["vectors"]:
        if kinds and vec["kind"] not in kinds:
            continue
        if serializer is not None and vec.get("serializer") != serializer:
            continue
        out.append(vec)
    return out


def ids(vecs: list[dict[str, Any]]) -> list[str]:
    """Vector ids, for ``pytest.mark.parametrize(ids=...)``."""
    return [v["id"] for v in vecs]


def key(hex_or_none: str | None) -> bytes | None:
    """A key field of a vector (hex or null) as bytes."""
    return None if hex_or_none is None else bytes.fromhex(hex_or_none)


_UNIX_EPOCH = dt.datetime(1970, 1, 1)


def typed_to_python(typed: dict[str, Any]) -> Any:
    """Convert a typed vector value into the Python value the port maps it to.

    Maps become ``dict`` whatever their Go key type; ``time.Time`` becomes an
    aware ``datetime`` with the Go zone offset, nanoseconds truncated to
    microseconds (docs/reference.md, "gob").
    """
    go_type: str = typed["type"]
    value = typed["value"]
    if go_type == "nil":
        return None
    if go_type in ("bool", "string") and typed.get("utf8", True):
        return value
    if go_type == "string":
        return base64.b64decode(typed["value_b64"]).decode("utf-8", "surrogateescape")
    if go_type in _INT_TYPES:
        return int(value)
    if go_type in ("float64", "float32"):
        return _FLOAT_SPECIALS.get(value, value) if isinstance(value, str) else float(value)
    if go_type in ("complex128", "complex64"):
        return complex(float(value[0]), float(value[1]))
    if go_type == "[]uint8":
        return base64.b64decode(value)
    if go_type == "time.Time":
        # From the local wall time: near the range ends the UTC instant may not fit.
        local = _UNIX_EPOCH + dt.timedelta(
            seconds=typed["unix"] + typed["offset_s"], microseconds=typed["nsec"] // 1000
        )
        return local.replace(tzinfo=dt.timezone(dt.timedelta(seconds=typed["offset_s"])))
    if go_type.startswith("[]"):
        return [typed_to_python(item) for item in value]
    if go_type.startswith("map["):
        return {typed_to_python(e["key"]): typed_to_python(e["value"]) for e in value}
    raise ValueError(f"unknown typed vector value: {go_type}")


def values_equal(a: Any, b: Any) -> bool:
    """Deep equality that treats NaN as equal to NaN (Go values may hold NaN)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(values_equal(a[k], b[k]) for k in a)
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(values_equal(x, y) for x, y in zip(a, b, strict=True))
    return bool(_plain_type(a) is _plain_type(b) and a == b)


def _plain_type(value: Any) -> type:
    """The Python type a value shows its user: a Go-typed int (``GoInt``) is an int."""
    kind = type(value)
    return kind.__mro__[1] if isinstance(value, GO_TYPED) else kind


def python_to_typed(value: Any) -> dict[str, Any]:
    """``value`` in the typed format (the inverse of :func:`typed_to_python`), as Go reads it."""
    if value is None:
        return {"type": "nil", "value": None}
    if isinstance(value, bool):
        return {"type": "bool", "value": value}
    if isinstance(value, int):
        return {"type": "int", "value": value}
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            text = "NaN" if math.isnan(value) else ("+Inf" if value > 0 else "-Inf")
            return {"type": "float64", "value": text}
        return {"type": "float64", "value": value}
    if isinstance(value, str):
        return {"type": "string", "value": value}
    if isinstance(value, bytes):
        return {"type": "[]uint8", "value": base64.b64encode(value).decode()}
    if isinstance(value, list):
        return {"type": "[]interface {}", "value": [python_to_typed(item) for item in value]}
    if isinstance(value, dict):
        entries = [
            {"key": python_to_typed(k), "value": python_to_typed(v)} for k, v in value.items()
        ]
        return {"type": "map[string]interface {}", "value": entries}
    if isinstance(value, dt.datetime):
        offset = value.utcoffset()
        assert offset is not None
        offset_s = int(offset.total_seconds())
        local = value.replace(tzinfo=None) - _UNIX_EPOCH
        unix = local.days * 86400 + local.seconds - offset_s
        return {
            "type": "time.Time",
            "value": "",
            "unix": unix,
            "nsec": value.microsecond * 1000,
            "offset_s": offset_s,
        }
    raise TypeError(value)
