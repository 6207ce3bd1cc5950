"""A JSON rendering for every value a securecookie serializer can return.

JSON has no bytes, dates, complex numbers, non-finite floats or non-string
object keys, yet Go sessions hold all of them (``map[interface{}]interface{}``
even allows ``42`` as a key). Each is rendered as a one-key tagged object, in
the spirit of MongoDB's extended JSON, so nothing is silently coerced:

=====================================  ==========================================
Python value                           JSON
=====================================  ==========================================
``bytes``                              ``{"$bytes": "<standard base64>"}``
``datetime``                           ``{"$date": "2024-03-01T12:30:45.123456+00:00"}``
``complex``                            ``{"$complex": [real, imag]}``
NaN / ±infinity                        ``{"$float": "NaN" | "Infinity" | "-Infinity"}``
``dict`` with only ``str`` keys        a JSON object
other ``dict`` (or a key with ``$``)   ``{"$map": [[key, value], ...]}``
``list`` / ``tuple``                   a JSON array
``GoStruct`` (a registered Go struct)  ``{"$struct": "main.Flash", "fields": {...}}``
anything else                          ``{"$type": "<type name>", "$repr": "<repr>"}``
=====================================  ==========================================

A Go string may hold bytes that are not UTF-8; gob decoding keeps them as
lone surrogates, which :func:`dumps` writes as ``\\udcXX`` escapes so the
JSON text itself is always valid Unicode.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import math
import re
from typing import Any

from securecookie.gob import GoStruct

JSONValue = None | bool | int | float | str | list["JSONValue"] | dict[str, "JSONValue"]


def to_json_value(value: object) -> JSONValue:
    """``value`` as plain JSON data, using the tagged forms above where JSON has no type."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if math.isfinite(value):
            return value
        return {
            "$float": "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
        }
    if isinstance(value, bytes | bytearray | memoryview):
        return {"$bytes": base64.b64encode(bytes(value)).decode("ascii")}
    if isinstance(value, dt.datetime | dt.date):
        return {"$date": value.isoformat()}
    if isinstance(value, complex):
        return {"$complex": [to_json_value(value.real), to_json_value(value.imag)]}
    if isinstance(value, dict):
        # A "$"-prefixed key would read as one of our tags: use the pair form.
        if all(isinstance(key, str) and not key.startswith("$") for key in value):
            return {key: to_json_value(item) for key, item in value.items()}
        return {"$map": [[to_json_value(k), to_json_value(v)] for k, v in value.items()]}
    if isinstance(value, list | tuple):
        return [to_json_value(item) for item in value]
    if isinstance(value, GoStruct):
        return {
            "$struct": value.name,
            "fields": {str(name): to_json_value(item) for name, item in value.fields.items()},
        }
    return {"$type": type(value).__name__, "$repr": repr(value)}


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def dumps(value: object, *, ensure_ascii: bool = False) -> str:
    """``value`` rendered as indented JSON text; non-ASCII stays readable by default.

    Lone surrogates (non-UTF-8 bytes of a Go string) can only sit inside JSON
    strings, so they are written as ``\\uXXXX`` escapes: the text encodes in
    UTF-8 and parses back to the same value.
    """
    rendered: Any = to_json_value(value)
    text = json.dumps(rendered, indent=2, ensure_ascii=ensure_ascii, allow_nan=False)
    return _SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
