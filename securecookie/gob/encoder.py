"""The gob encoder: Python values out as the Go types Go apps expect.

Output is a valid Go gob stream: first one message per user type the value
needs (ids from 65, in order of first use), then the value message. Go's own
encoder instead writes a type's definition where it first meets the type,
splitting the value message; Go's decoder accepts both layouts, so Go reads
ours, and ours reads Go's. A top-level ``str`` needs no definition and comes
out byte-identical to Go's (``1b 0c 00 18 ...`` for a session ID).

Interface payloads are assembled from precomputed byte templates (name, type
id) so the common session shapes cost a few concatenations per entry.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from securecookie.gob import types
from securecookie.gob.decoder import MAX_DEPTH
from securecookie.gob.gotypes import (
    ARRAY,
    BASIC,
    GO_TYPED,
    MAP,
    SLICE,
    GoComplex,
    GoFloat,
    GoInt,
    GoType,
)
from securecookie.gob.values import INT64_MAX, INT64_MIN, INT_RANGES, GoStruct, time_to_binary
from securecookie.gob.wire import (
    BOOL_ID,
    BYTES_ID,
    COMPLEX_ID,
    FIRST_USER_ID,
    FLOAT_ID,
    INT_ID,
    INTERFACE_ID,
    STRING_ID,
    UINT_ID,
    GobError,
    encode_float,
    encode_int,
    encode_uint,
)

# Type keys of the user types we may define (a struct's key is a tuple).
_ANY_MAP = "map[interface {}]interface {}"
_STR_MAP = "map[string]interface {}"
_ANY_SLICE = "[]interface {}"
_TIME = "time.Time"


def _name(go_name: str) -> bytes:
    return encode_uint(len(go_name)) + go_name.encode()


# Interface headers for basic types: name, then the (predefined) type id.
_STRING_HEAD = _name("string") + encode_int(STRING_ID)
_INT_HEAD = _name("int") + encode_int(INT_ID)
_FLOAT_HEAD = _name("float64") + encode_int(FLOAT_ID)
_BYTES_HEAD = _name("[]uint8") + encode_int(BYTES_ID)
_COMPLEX_HEAD = _name("complex128") + encode_int(COMPLEX_ID)
_TRUE = _name("bool") + encode_int(BOOL_ID) + b"\x02\x00\x01"
_FALSE = _name("bool") + encode_int(BOOL_ID) + b"\x02\x00\x00"
_NIL = b"\x00"
_NAMES = {key: _name(key) for key in (_ANY_MAP, _STR_MAP, _ANY_SLICE, _TIME)}
# Go's map keys must be comparable: these Python types map to Go types that are.
_KEY_TYPES = frozenset((str, int, bool, float, complex, type(None), dt.datetime))

# Type-definition messages by (type key, id): byte templates shared by all encodes.
_DEFINITIONS: dict[tuple[object, int], bytes] = {}
_MAX_DEFINITIONS = 1024


def _plain_string(value: str) -> bytes:
    raw = value.encode("utf-8", "surrogateescape")
    return encode_uint(len(raw)) + raw


def _check_int(value: int) -> bytes:
    if not INT64_MIN <= value <= INT64_MAX:
        raise GobError(f"gob: cannot encode int {value}: outside the range of Go's int (int64)")
    return encode_int(value)


def _unsupported(value: object) -> GobError:
    return GobError(f"gob: cannot encode Python type {type(value).__qualname__}: no Go mapping")


class Encoder:
    """Encodes one value; collects the type definitions the value needs."""

    __slots__ = ("definitions", "depth", "ids")

    def __init__(self) -> None:
        self.ids: dict[object, int] = {}
        self.definitions: list[bytes] = []
        self.depth = 0

    # -- type ids ----------------------------------------------------------------

    def type_id(self, key: object) -> int:
        """The stream id of a user type, defining it on first use."""
        type_id = self.ids.get(key)
        if type_id is None:
            type_id = self.ids[key] = FIRST_USER_ID + len(self.ids)
            definition = _DEFINITIONS.get((key, type_id))
            if definition is None:
                definition = self._definition(key, type_id)
                if len(_DEFINITIONS) < _MAX_DEFINITIONS:
                    _DEFINITIONS[key, type_id] = definition
            self.definitions.append(definition)
        return type_id

    def _definition(self, key: object, type_id: int) -> bytes:
        if key == _ANY_MAP:
            return types.map_definition(type_id, INTERFACE_ID, INTERFACE_ID)
        if key == _STR_MAP:
            return types.map_definition(type_id, STRING_ID, INTERFACE_ID)
        if key == _ANY_SLICE:
            return types.slice_definition(type_id, INTERFACE_ID)
        if key == _TIME:
            return types.gob_encoder_definition(type_id, "Time")
        assert isinstance(key, tuple)
        if key[0] == SLICE:
            return types.slice_definition(type_id, key[1])
        if key[0] == ARRAY:
            return types.array_definition(type_id, key[1], key[2])
        if key[0] == MAP:
            return types.map_definition(type_id, key[1], key[2])
        _, wire_name, fields = key  # field type ids are already defined in this stream
        return types.struct_definition(type_id, wire_name, fields)

    # -- values ------------------------------------------------------------------

    def top_level(self, value: Any) -> bytes:
        """A whole gob stream for ``value`` (definitions, then the value message)."""
        if isinstance(value, dict):  # any dict at the top is a session's Values
            type_id = self.type_id(_ANY_MAP)
            body = self.any_map(value)
        elif value is None:
            raise GobError("gob: cannot encode nil value")
        else:
            type_id, body = self.body(value)
        # Go's decodeSingle wants a 0 field delta first; a struct is its own fields.
        single = body if isinstance(value, GoStruct) else b"\x00" + body
        message = encode_int(type_id) + single
        return b"".join(self.definitions) + encode_uint(len(message)) + message

    def any_map(self, value: dict[Any, Any]) -> bytes:
        """The body of a map[interface{}]interface{}."""
        self._enter()
        iface = self.interface
        parts = [encode_uint(len(value))]
        for key, item in value.items():
            _check_map_key(key)
            parts.append(iface(key))
            parts.append(iface(item))
        self.depth -= 1
        return b"".join(parts)

    def interface(self, value: Any) -> bytes:
        """``value`` as the content of a Go interface{}: name, id, byte count, value."""
        kind = type(value)
        if kind in _SIMPLE:
            return _simple(value)
        if kind is list:
            type_id, body = self._list(value)
            single = b"\x00" + body
            return b"".join(
                (_NAMES[_ANY_SLICE], encode_int(type_id), encode_uint(len(single)), single)
            )
        return self._interface_other(value)

    def _interface_other(self, value: Any) -> bytes:
        if isinstance(value, GO_TYPED):
            return self._go_typed(value)
        type_id, body = self.body(value)
        name = self._interface_name(value)
        single = body if isinstance(value, GoStruct) else b"\x00" + body
        return b"".join((name, encode_int(type_id), encode_uint(len(single)), single))

    # -- values that kept their Go type (securecookie.gob.gotypes) ----------------

    def _go_typed(self, value: Any) -> bytes:
        """An interface holding ``value`` as the Go type it was decoded from."""
        go_type: str = value.go_type
        if isinstance(value, GoInt):
            type_id, body = _go_int_body(value)
        elif isinstance(value, GoFloat):
            type_id, body = _float_body(self, value)
        elif isinstance(value, GoComplex):
            type_id, body = _complex_body(self, value)
        else:
            type_id = self._shape_id(value.shape)
            body = self._shaped(value, value.shape, go_type)
        single = b"\x00" + body
        return b"".join((_name(go_type), encode_int(type_id), encode_uint(len(single)), single))

    def _shape_id(self, shape: GoType) -> int:
        """The stream id of a typed slice/array/map (its element types defined first)."""
        if shape.kind == BASIC:
            return shape.type_id
        assert shape.elem is not None
        elem = self._shape_id(shape.elem)
        if shape.kind == MAP:
            assert shape.key is not None
            return self.type_id((MAP, self._shape_id(shape.key), elem))
        if shape.kind == ARRAY:
            return self.type_id((ARRAY, elem, shape.length))
        return self.type_id((SLICE, elem))

    def _shaped(self, value: Any, shape: GoType, go_type: str) -> bytes:
        """``value`` encoded as a part of shape ``shape`` of Go type ``go_type``."""
        if shape.kind == BASIC:
            return self._basic_part(value, shape.type_id, go_type)
        self._enter()
        if shape.kind == MAP:
            if not isinstance(value, dict):
                raise _misfit(value, go_type)
            assert shape.key is not None
            assert shape.elem is not None
            key_shape, elem_shape = shape.key, shape.elem
            check_keys = key_shape.kind == BASIC and key_shape.type_id == INTERFACE_ID
            parts = [encode_uint(len(value))]
            for key, item in value.items():
                if check_keys:
                    _check_map_key(key)
                parts.append(self._shaped(key, key_shape, go_type))
                parts.append(self._shaped(item, elem_shape, go_type))
        else:
            if not isinstance(value, list | tuple):
                raise _misfit(value, go_type)
            if shape.kind == ARRAY and len(value) != shape.length:
                raise GobError(
                    f"gob: a Go {go_type} holds exactly {shape.length} elements, not {len(value)}"
                )
            assert shape.elem is not None
            elem_shape = shape.elem
            parts = [encode_uint(len(value))]
            parts.extend(self._shaped(item, elem_shape, go_type) for item in value)
        self.depth -= 1
        return b"".join(parts)

    def _basic_part(self, value: Any, type_id: int, go_type: str) -> bytes:
        """An element of a typed container: the bare value, checked against its wire type."""
        if type_id == INTERFACE_ID:
            return self.interface(value)
        is_number = isinstance(value, int | float | complex) and not isinstance(value, bool)
        if type_id == STRING_ID and isinstance(value, str):
            return _plain_string(value)
        if type_id == INT_ID and isinstance(value, int) and not isinstance(value, bool):
            return _check_int(value)
        if type_id == UINT_ID and isinstance(value, int) and not isinstance(value, bool):
            low, high = INT_RANGES["uint64"]
            if low <= value <= high:
                return encode_uint(value)
        elif type_id == BOOL_ID and isinstance(value, bool):
            return _bool_body(self, value)[1]
        elif type_id == FLOAT_ID and is_number and not isinstance(value, complex):
            return _float_body(self, float(value))[1]
        elif type_id == COMPLEX_ID and is_number:
            return _complex_body(self, complex(value))[1]
        elif type_id == BYTES_ID and isinstance(value, bytes | bytearray | memoryview):
            return _bytes_body(self, value)[1]
        raise _misfit(value, go_type)

    def _interface_name(self, value: Any) -> bytes:
        if isinstance(value, str):
            return _name("string")
        if isinstance(value, bool):
            return _name("bool")
        if isinstance(value, int):
            return _name("int")
        if isinstance(value, float):
            return _name("float64")
        if isinstance(value, bytes | bytearray | memoryview):
            return _name("[]uint8")
        if isinstance(value, complex):
            return _name("complex128")
        if isinstance(value, list | tuple):
            return _NAMES[_ANY_SLICE]
        if isinstance(value, dict):
            return _NAMES[_STR_MAP if _all_str_keys(value) else _ANY_MAP]
        if isinstance(value, dt.datetime):
            return _NAMES[_TIME]
        if isinstance(value, GoStruct):
            return _name(value.name)
        raise _unsupported(value)

    def body(self, value: Any) -> tuple[int, bytes]:
        """``value`` without interface framing: (type id, encoded value)."""
        for base, encode in _BODY_ENCODERS:
            if isinstance(value, base):
                return encode(self, value)
        raise _unsupported(value)

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise GobError(f"gob: value nested deeper than {MAX_DEPTH} levels (or cyclic)")

    def _list(self, value: list[Any] | tuple[Any, ...]) -> tuple[int, bytes]:
        type_id = self.type_id(_ANY_SLICE)
        self._enter()
        iface = self.interface
        body = encode_uint(len(value)) + b"".join([iface(item) for item in value])
        self.depth -= 1
        return type_id, body

    def _dict(self, value: dict[Any, Any]) -> tuple[int, bytes]:
        if not _all_str_keys(value):
            # Go reads this only if the app registered map[interface{}]interface{}.
            return self.type_id(_ANY_MAP), self.any_map(value)
        type_id = self.type_id(_STR_MAP)
        self._enter()
        iface = self.interface
        parts = [encode_uint(len(value))]
        for key, item in value.items():
            parts.append(_plain_string(key))
            parts.append(iface(item))
        self.depth -= 1
        return type_id, b"".join(parts)

    def _struct(self, value: GoStruct) -> tuple[int, bytes]:
        self._enter()
        field_types = []
        parts = []
        last = -1
        for index, (name, item) in enumerate(value.fields.items()):
            if not isinstance(name, str) or not name[:1].isupper():
                raise GobError(f"gob: struct field {name!r} is not an exported Go field name")
            field_type, encoded = self._field(item)
            field_types.append((name, field_type))
            if encoded is not None:  # Go leaves zero values out
                parts.append(encode_uint(index - last) + encoded)
                last = index
        parts.append(b"\x00")
        # Go names a struct's wire type without its package ("main.Flash" -> "Flash").
        key = ("struct", value.name.rsplit(".", 1)[-1], tuple(field_types))
        type_id = self.type_id(key)
        self.depth -= 1
        return type_id, b"".join(parts)

    def _field(self, item: Any) -> tuple[int, bytes | None]:
        """A struct field's type id and encoding (None when Go would omit it)."""
        if item is None:
            return INTERFACE_ID, None
        type_id, body = self.body(item)
        is_zero = not isinstance(item, dt.datetime | GoStruct) and not item
        return type_id, None if is_zero else body


def _check_map_key(key: Any) -> None:
    """Refuse an interface{} map key whose Go type is not comparable (Go panics on it)."""
    if type(key) not in _KEY_TYPES and isinstance(key, bytes | tuple | GoStruct):
        raise GobError(
            f"gob: cannot use a {type(key).__qualname__} as a map key: "
            "its Go type is not comparable"
        )


def _go_int_body(value: GoInt) -> tuple[int, bytes]:
    """A GoInt as its Go type: uint kinds on the uint wire type, range-checked."""
    bounds = INT_RANGES.get(value.go_type)
    if bounds is None:
        raise GobError(f"gob: {value.go_type!r} is not a Go integer type")
    if not bounds[0] <= value <= bounds[1]:
        raise GobError(f"gob: cannot encode {int(value)} as a Go {value.go_type}: out of range")
    if value.go_type.startswith("u"):
        return UINT_ID, encode_uint(value)
    return INT_ID, encode_int(value)


def _misfit(value: Any, go_type: str) -> GobError:
    return GobError(
        f"gob: cannot encode {type(value).__qualname__} {value!r:.40} inside a Go {go_type}; "
        "assign a plain list or dict to change the Go type"
    )


def _all_str_keys(value: dict[Any, Any]) -> bool:
    return all(type(key) is str for key in value)


def _str_body(enc: Encoder, value: str) -> tuple[int, bytes]:
    return STRING_ID, _plain_string(value)


def _bool_body(enc: Encoder, value: bool) -> tuple[int, bytes]:
    return BOOL_ID, b"\x01" if value else b"\x00"


def _int_body(enc: Encoder, value: int) -> tuple[int, bytes]:
    return INT_ID, _check_int(value)


def _float_body(enc: Encoder, value: float) -> tuple[int, bytes]:
    return FLOAT_ID, encode_float(value)


def _bytes_body(enc: Encoder, value: bytes | bytearray | memoryview) -> tuple[int, bytes]:
    raw = bytes(value)
    return BYTES_ID, encode_uint(len(raw)) + raw


def _complex_body(enc: Encoder, value: complex) -> tuple[int, bytes]:
    return COMPLEX_ID, encode_float(value.real) + encode_float(value.imag)


def _time_body(enc: Encoder, value: dt.datetime) -> tuple[int, bytes]:
    blob = time_to_binary(value)
    return enc.type_id(_TIME), encode_uint(len(blob)) + blob


# Checked in order: bool before int (bool is an int subclass).
_BodyEncoder = Callable[[Encoder, Any], tuple[int, bytes]]
_BODY_ENCODERS: tuple[tuple[type | tuple[type, ...], _BodyEncoder], ...] = (
    (str, _str_body),
    (bool, _bool_body),
    (int, _int_body),
    (float, _float_body),
    ((bytes, bytearray, memoryview), _bytes_body),
    (complex, _complex_body),
    ((list, tuple), Encoder._list),
    (dict, Encoder._dict),
    (dt.datetime, _time_body),
    (GoStruct, Encoder._struct),
)


# -- the fast path: a session of strings, ints, bools, None and flat lists -------------

_VALUES_DEFINITION = types.map_definition(FIRST_USER_ID, INTERFACE_ID, INTERFACE_ID)
_LIST_ID = FIRST_USER_ID + 1
_LIST_DEFINITION = types.slice_definition(_LIST_ID, INTERFACE_ID)
_LIST_HEAD = _NAMES[_ANY_SLICE] + encode_int(_LIST_ID)
_VALUES_ID = encode_int(FIRST_USER_ID) + b"\x00"
_SIMPLE = frozenset((str, int, bool, type(None)))


# Encoded short strings: session keys and many values repeat on every request.
_STRING_CACHE: dict[str, bytes] = {}
_MAX_CACHED_STRINGS = 2048
_MAX_CACHED_LENGTH = 64


def _simple(value: Any) -> bytes:
    """An interface holding a str, int, bool or None (shared by both encoding paths)."""
    kind = type(value)
    if kind is str:
        cached = _STRING_CACHE.get(value)
        if cached is not None:
            return cached
        raw = value.encode("utf-8", "surrogateescape")
        if len(raw) <= _MAX_CACHED_LENGTH and len(_STRING_CACHE) < _MAX_CACHED_STRINGS:
            _STRING_CACHE[value] = encoded = b"".join(
                (_STRING_HEAD, bytes((len(raw) + 2, 0, len(raw))), raw)
            )
            return encoded
        size = len(raw)
        if size < 126:
            return b"".join((_STRING_HEAD, bytes((size + 2, 0, size)), raw))  # one-byte lengths
        single = b"\x00" + encode_uint(size) + raw
        return b"".join((_STRING_HEAD, encode_uint(len(single)), single))
    if kind is bool:
        return _TRUE if value else _FALSE
    if kind is int:
        number = _check_int(value)
        return b"".join((_INT_HEAD, bytes((len(number) + 1, 0)), number))
    return _NIL


def _encode_simple_values(values: dict[Any, Any]) -> bytes | None:
    """The Values map when it holds only simple values and lists of them, else None.

    Output is identical to Encoder.top_level's: 65 is the map, 66 the first
    (and only) list type, so the definitions are constant bytes.
    """
    parts = [_VALUES_ID, encode_uint(len(values))]
    append = parts.append
    has_list = False
    for key, item in values.items():
        if type(key) not in _SIMPLE:
            return None
        append(_simple(key))
        kind = type(item)
        if kind in _SIMPLE:
            append(_simple(item))
        elif kind is list:
            if not all(type(element) in _SIMPLE for element in item):
                return None
            has_list = True
            body = b"".join([b"\x00", encode_uint(len(item)), *map(_simple, item)])
            append(b"".join((_LIST_HEAD, encode_uint(len(body)), body)))
        else:
            return None
    message = b"".join(parts)
    definitions = _VALUES_DEFINITION + _LIST_DEFINITION if has_list else _VALUES_DEFINITION
    return b"".join((definitions, encode_uint(len(message)), message))


def encode(value: Any) -> bytes:
    """Encode ``value`` as a complete gob stream (Go's ``Encoder.Encode``)."""
    kind = type(value)
    if kind is str:  # a session ID: no definitions, one message
        raw: bytes = value.encode("utf-8", "surrogateescape")
        message = b"\x0c\x00" + encode_uint(len(raw)) + raw
        return encode_uint(len(message)) + message
    if kind is dict:
        fast = _encode_simple_values(value)
        if fast is not None:
            return fast
    return Encoder().top_level(value)
