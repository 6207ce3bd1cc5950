"""The gob decoder: a port of Go's ``encoding/gob`` decoder control flow.

Like Go's ``Decoder``, it works message by message: ``type_sequence`` (Go's
``decodeTypeSequence``) reads type definitions until it meets a value's type
id, also in the middle of a value, where an interface holding a type new to
the stream makes the Go encoder end the current message. Interface byte counts
are skipped, never used to slice values, exactly as Go does.

Values come back as Python types (see ``securecookie.gob`` for the mapping).
Hostile input fails fast with :class:`GobError`: every length is bounded by
the bytes left, nesting depth is bounded, unknown type ids are refused.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from securecookie.gob import gotypes
from securecookie.gob.gotypes import GoComplex, GoDict, GoFloat, GoInt, GoList, GoType
from securecookie.gob.types import Kind, WireType, parse_wire_type
from securecookie.gob.values import INT_RANGES, GoStruct, time_from_binary
from securecookie.gob.wire import (
    BOOL_ID,
    BYTES_ID,
    COMPLEX_ID,
    FIRST_USER_ID,
    FLOAT_ID,
    INT_ID,
    INTERFACE_ID,
    STRING_ID,
    TOO_BIG,
    UINT_ID,
    GobError,
    float_from_uint,
    read_int,
    read_uint,
)

#: How deep interfaces, slices, maps and structs may nest before we refuse.
MAX_DEPTH = 100
#: How many struct fields and zero-filled array elements one decode may walk.
#: Go omits zero fields and decodes into a registered type, so the destination
#: bounds the fill there; here only the stream's wire types do, and a few bytes
#: can claim millions of omitted array elements, hence a fixed budget.
MAX_FILLED = 1 << 20
_MAX_NAME = 1024  # Go's decodeInterface limit on concrete type names
_MAX_FLOAT32 = 3.4028234663852886e38

Op = Callable[["Decoder", int], tuple[Any, int]]

# Registered names of Go's basic types and the wire type id each must carry
# (Go's compatibleType: an int name needs tInt, a uint name tUint, ...).
_BASIC_NAMES: dict[bytes, int] = {
    b"bool": BOOL_ID,
    b"string": STRING_ID,
    b"[]uint8": BYTES_ID,
    b"float32": FLOAT_ID,
    b"float64": FLOAT_ID,
    b"complex64": COMPLEX_ID,
    b"complex128": COMPLEX_ID,
    **{name.encode(): INT_ID if name.startswith("int") else UINT_ID for name in INT_RANGES},
}
# Sized ints whose range is narrower than what the wire can carry.
_CHECKED_RANGES: dict[bytes, tuple[int, int]] = {
    name.encode(): bounds
    for name, bounds in INT_RANGES.items()
    if name not in ("int", "int64", "uint", "uint64", "uintptr")
}
_TIME_NAME = b"time.Time"
# Interface heads (name length, name, type id) of basic types that need no range
# check, mapped to their type id: the bulk of every session.
_FAST_HEADS: dict[bytes, int] = {
    bytes((len(name),)) + name + bytes((type_id << 1,)): type_id
    for name, type_id in _BASIC_NAMES.items()
    if name in (b"string", b"int", b"bool", b"float64", b"[]uint8", b"complex128")
}
# Basic Go types Python has no type for: decoded as subclasses that remember the
# name, so a re-save sends the same Go type (securecookie.gob.gotypes).
_GO_SCALARS: dict[bytes, type[GoInt] | type[GoFloat] | type[GoComplex]] = {
    **{name.encode(): GoInt for name in INT_RANGES if name != "int"},
    b"float32": GoFloat,
    b"complex64": GoComplex,
}
# Composite names Python's own types encode as: nothing to remember.
_DEFAULT_COMPOSITES = (b"[]interface {}", b"map[string]interface {}")


class Decoder:
    """Decodes one gob value from a complete byte string."""

    __slots__ = ("data", "depth", "end", "fill_budget", "ops", "structs", "wire")

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.end = 0  # end of the current message; 0 = no message loaded yet
        self.depth = 0
        self.fill_budget = MAX_FILLED
        self.ops: dict[int, Op] = dict(_BUILTIN_OPS)
        self.structs: set[int] = set()
        self.wire: dict[int, WireType] = {}

    def decode(self) -> Any:
        """Go's ``Decoder.Decode``: type definitions, then one value."""
        try:
            type_id, pos = self.type_sequence(0, is_interface=False)
            value, pos = self.value(type_id, pos)
        except IndexError:
            raise GobError("unexpected EOF") from None
        if pos > self.end:
            raise GobError("gob: bad data: value runs past the end of its message")
        return value

    def type_sequence(self, pos: int, *, is_interface: bool) -> tuple[int, int]:
        """Go's ``decodeTypeSequence``: read definitions until a value's type id."""
        data = self.data
        first_message = True
        while True:
            if pos >= self.end:
                if pos > self.end:
                    raise GobError("gob: bad data: value runs past the end of its message")
                if pos >= len(data):
                    raise GobError("EOF" if first_message and pos == 0 else "unexpected EOF")
                size, pos = read_uint(data, pos)
                if size >= TOO_BIG:
                    raise GobError("gob: count out of range")
                if size == 0 or size > len(data) - pos:
                    raise GobError("unexpected EOF")
                self.end = pos + size
            first = data[pos]
            if first == 0xFF and pos + 1 < self.end:  # two-byte ids: all of 64..127
                zigzag = data[pos + 1]
                pos += 2
            else:
                zigzag, pos = read_uint(data, pos)
            if not zigzag & 1:
                return zigzag >> 1, pos
            pos = self.receive_type(-~(zigzag >> 1), pos)  # zig-zag -id: a definition
            if pos < self.end:
                # After a definition inside an interface, the rest of the message
                # starts with the value's byte count, which Go skips.
                if not is_interface:
                    raise GobError("extra data in buffer")
                _, pos = read_uint(data, pos)
            first_message = False

    def receive_type(self, type_id: int, pos: int) -> int:
        """Go's ``recvType``: record the definition of ``type_id``."""
        if type_id < FIRST_USER_ID or type_id in self.wire:
            raise GobError("gob: duplicate type received")
        data = self.data
        rest = data[pos : self.end]
        known = _DEFINITIONS.get(rest)
        if known is not None:
            wire, op = known
            pos = self.end
        else:
            wire, _, pos = parse_wire_type(data, pos)
            if pos > self.end:
                raise GobError("gob: bad data: type definition runs past its message")
            op = _compile(wire)
            if pos == self.end:
                _remember_definition(rest, wire, op)
        self.wire[type_id] = wire
        self.ops[type_id] = op
        if wire.kind is Kind.STRUCT:
            self.structs.add(type_id)
        return pos

    def value(self, type_id: int, pos: int) -> tuple[Any, int]:
        """Go's ``decodeValue``: a struct's fields, or a singleton's 0 delta and value."""
        op = self.ops.get(type_id)
        if op is None:
            raise GobError(f"gob: unknown type id {type_id}")
        if type_id not in self.structs:
            if self.data[pos] != 0:
                raise GobError("gob: decode: corrupted data: non-zero delta for singleton")
            pos += 1
        return op(self, pos)

    def op(self, type_id: int) -> Op:
        """The decoding operation for a (possibly not yet defined) type id."""
        op = self.ops.get(type_id)
        if op is None:
            raise GobError(f"gob: unknown type id {type_id}")
        return op

    def enter(self) -> None:
        """Count one level of nesting; refuse input nested beyond MAX_DEPTH."""
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise GobError(f"gob: data nested deeper than {MAX_DEPTH} levels")

    def fill(self, count: int) -> None:
        """Charge ``count`` struct fields or zero values; refuse beyond MAX_FILLED."""
        if count < 0:  # a negative charge would refill the budget
            raise GobError(f"gob: bad data: negative fill count {count}")
        self.fill_budget -= count
        if self.fill_budget < 0:
            raise GobError(f"gob: more than {MAX_FILLED} struct fields and zero values to fill")


# Definitions already parsed, by their exact bytes, for definitions that fill the
# rest of their message (how Go and we send them): the same few session types
# arrive in every cookie, so each costs one dict lookup. A wireType encoding is
# self-delimiting, so equal bytes always parse to the same type. Bounded, so
# input cannot grow it.
_DEFINITIONS: dict[bytes, tuple[WireType, Op]] = {}
_MAX_REMEMBERED = 256
_MAX_REMEMBERED_SIZE = 512  # session types are far smaller; big ones are not pinned


def _remember_definition(raw: bytes, wire: WireType, op: Op) -> None:
    if len(_DEFINITIONS) < _MAX_REMEMBERED and len(raw) <= _MAX_REMEMBERED_SIZE:
        _DEFINITIONS[raw] = (wire, op)


# -- basic types ----------------------------------------------------------------------


def _uint(dec: Decoder, pos: int) -> tuple[int, int]:
    return read_uint(dec.data, pos)


def _int(dec: Decoder, pos: int) -> tuple[int, int]:
    data = dec.data
    first = data[pos]
    if first < 0x80:  # one-byte fast path of read_int
        return (~(first >> 1) if first & 1 else first >> 1), pos + 1
    return read_int(data, pos)


def _bool(dec: Decoder, pos: int) -> tuple[bool, int]:
    value, pos = read_uint(dec.data, pos)
    return value != 0, pos


def _float(dec: Decoder, pos: int) -> tuple[float, int]:
    bits, pos = read_uint(dec.data, pos)
    return float_from_uint(bits), pos


def _complex(dec: Decoder, pos: int) -> tuple[complex, int]:
    real, pos = _float(dec, pos)
    imag, pos = _float(dec, pos)
    return complex(real, imag), pos


def _raw_bytes(dec: Decoder, pos: int) -> tuple[bytes, int]:
    data = dec.data
    size = data[pos]
    if size < 0x80:
        pos += 1
    else:
        size, pos = read_uint(data, pos)
    end = pos + size
    if end > len(data):
        raise GobError(f"gob: byte slice length {size} exceeds input size {len(data) - pos}")
    return data[pos:end], end


def _string(dec: Decoder, pos: int) -> tuple[str, int]:
    raw, pos = _raw_bytes(dec, pos)
    # Go strings may hold any bytes; surrogateescape keeps them and round-trips.
    return raw.decode("utf-8", "surrogateescape"), pos


def _interface(dec: Decoder, pos: int) -> tuple[Any, int]:
    """Go's ``decodeInterface``: name, type sequence, skipped byte count, value.

    The common cases (one-byte lengths, predefined type ids) are read inline:
    this runs once per session value and dominates decoding time.
    """
    data = dec.data
    size = data[pos]
    if size < 0x80:
        # Fast path: name length, name and a predefined type id in one lookup.
        head_end = pos + 2 + size
        kind = _FAST_HEADS.get(data[pos:head_end])
        if kind is not None and head_end <= dec.end and data[head_end] < 0x80:
            if data[head_end + 1] != 0:
                raise GobError("gob: decode: corrupted data: non-zero delta for singleton")
            pos = head_end + 2
            if kind == STRING_ID and data[pos] < 0x80:
                end = pos + 1 + data[pos]
                if end > dec.end:  # Go reads only within the current message
                    raise GobError("unexpected EOF")
                return data[pos + 1 : end].decode("utf-8", "surrogateescape"), end
            return _BUILTIN_OPS[kind](dec, pos)
    if size < 0x80:
        pos += 1
    else:
        size, pos = read_uint(data, pos)
    if size == 0:
        return None, pos  # a nil interface
    if size > _MAX_NAME or size > len(data) - pos:
        raise GobError(f"gob: invalid type name length {size}")
    name = data[pos : pos + size]
    pos += size
    first = data[pos]
    if pos < dec.end and first < 0x80 and not first & 1:
        type_id = first >> 1  # an id already known, no definition follows
        pos += 1
    elif first == 0xFF and pos + 1 < dec.end and not data[pos + 1] & 1:
        type_id = data[pos + 1] >> 1  # the same for ids 64..127
        pos += 2
    else:
        type_id, pos = dec.type_sequence(pos, is_interface=True)
    if data[pos] < 0x80:  # the value's byte count, unused (as in Go)
        pos += 1
    else:
        _, pos = read_uint(data, pos)
    expected = _BASIC_NAMES.get(name)
    if expected is None:
        dec.depth += 1
        if dec.depth > MAX_DEPTH:
            raise GobError(f"gob: data nested deeper than {MAX_DEPTH} levels")
        value, pos = dec.value(type_id, pos)
        dec.depth -= 1
        return _named(dec, name, type_id, value), pos
    if expected != type_id:
        raise GobError(f"gob: {name.decode()} cannot hold a value of remote type id {type_id}")
    if data[pos] != 0:
        raise GobError("gob: decode: corrupted data: non-zero delta for singleton")
    if type_id == STRING_ID and data[pos + 1] < 0x80:
        start = pos + 2
        end = start + data[pos + 1]
        if end > len(data):
            raise GobError("unexpected EOF")
        return data[start:end].decode("utf-8", "surrogateescape"), end
    value, pos = _BUILTIN_OPS[type_id](dec, pos + 1)
    if name in _CHECKED_RANGES:
        low, high = _CHECKED_RANGES[name]
        if not low <= value <= high:
            raise GobError(f'gob: value for "{name.decode()}" out of range')
    elif name == b"float32" and _MAX_FLOAT32 < abs(value) < math.inf:
        raise GobError('gob: value for "float32" out of range')
    go_scalar = _GO_SCALARS.get(name)
    if go_scalar is not None:
        return go_scalar(value, name.decode()), pos
    return value, pos


def _named(dec: Decoder, name: bytes, type_id: int, value: Any) -> Any:
    """Apply what a non-basic registered name says about the value."""
    if type(value) is GoStruct:
        return GoStruct(name.decode("utf-8", "surrogateescape"), value.fields)
    if name == _TIME_NAME:
        wire = dec.wire.get(type_id)
        if wire is None or wire.kind is not Kind.GOB_ENCODER:
            raise GobError("gob: time.Time sent with a wire type that is not a GobEncoder")
    elif type(value) in (list, dict) and name not in _DEFAULT_COMPOSITES:
        shape = _go_shape(dec, type_id, 0)
        if shape is not None:
            go_name = name.decode("utf-8", "surrogateescape")
            if shape.kind == gotypes.MAP:
                return GoDict(value, go_name, shape)
            return GoList(value, go_name, shape)
    return value


def _go_shape(dec: Decoder, type_id: int, depth: int) -> GoType | None:
    """The shape of a slice/array/map type built of basic types; None for any other."""
    if type_id <= INTERFACE_ID:
        return GoType(gotypes.BASIC, type_id)
    wire = dec.wire.get(type_id)
    if wire is None or depth > MAX_DEPTH:  # gob types may refer to themselves
        return None
    if wire.kind is Kind.MAP:
        key = _go_shape(dec, wire.key, depth + 1)
        elem = _go_shape(dec, wire.elem, depth + 1)
        return None if key is None or elem is None else GoType(gotypes.MAP, key=key, elem=elem)
    if wire.kind in (Kind.SLICE, Kind.ARRAY):
        elem = _go_shape(dec, wire.elem, depth + 1)
        if elem is None:
            return None
        if wire.kind is Kind.SLICE:
            return GoType(gotypes.SLICE, elem=elem)
        return GoType(gotypes.ARRAY, elem=elem, length=wire.length)
    return None  # structs and custom-encoded types: not kept (see gotypes)


_BUILTIN_OPS: dict[int, Op] = {
    BOOL_ID: _bool,
    INT_ID: _int,
    UINT_ID: _uint,
    FLOAT_ID: _float,
    BYTES_ID: _raw_bytes,
    STRING_ID: _string,
    COMPLEX_ID: _complex,
    INTERFACE_ID: _interface,
}

# -- user-defined types ---------------------------------------------------------------


def _compile(wire: WireType) -> Op:
    """The decoding operation for one wire type (component ops are looked up lazily)."""
    if wire.kind is Kind.MAP:
        return _map_op(wire.key, wire.elem)
    if wire.kind is Kind.SLICE:
        return _slice_op(wire.elem, None)
    if wire.kind is Kind.ARRAY:
        return _slice_op(wire.elem, wire.length)
    if wire.kind is Kind.STRUCT:
        return _struct_op(wire)
    return _custom_op(wire)


def _count(dec: Decoder, pos: int) -> tuple[int, int]:
    count, pos = read_uint(dec.data, pos)
    if count > len(dec.data) - pos:  # each element takes at least one byte
        raise GobError(f"gob: element count {count} exceeds input size {len(dec.data) - pos}")
    return count, pos


def _map_op(key_id: int, elem_id: int) -> Op:
    if key_id == INTERFACE_ID and elem_id == INTERFACE_ID:
        return _decode_any_map

    def decode_map(dec: Decoder, pos: int) -> tuple[dict[Any, Any], int]:
        count, pos = _count(dec, pos)
        return _map_entries(dec, pos, count, dec.op(key_id), dec.op(elem_id))

    return decode_map


def _decode_any_map(dec: Decoder, pos: int) -> tuple[dict[Any, Any], int]:
    """map[interface{}]interface{} (a session's Values): entries are interface pairs."""
    count, pos = _count(dec, pos)
    return _map_entries(dec, pos, count, _interface, _interface)


def _map_entries(
    dec: Decoder, pos: int, count: int, key_op: Op, elem_op: Op
) -> tuple[dict[Any, Any], int]:
    """``count`` key/value pairs read with the given ops, one nesting level deeper."""
    dec.enter()
    out: dict[Any, Any] = {}
    for _ in range(count):
        key, pos = key_op(dec, pos)
        out_value, pos = elem_op(dec, pos)
        try:
            out[key] = out_value
        except TypeError:
            raise _unhashable(key) from None
    dec.depth -= 1
    return out, pos


def _unhashable(key: Any) -> GobError:
    # Go panics on such keys (a slice or map inside an interface key); we refuse.
    return GobError(f"gob: map key of type {type(key).__name__} is not hashable")


def _slice_op(elem_id: int, array_length: int | None) -> Op:
    def decode_slice(dec: Decoder, pos: int) -> tuple[list[Any], int]:
        count, pos = _count(dec, pos)
        if array_length is not None and count != array_length:
            raise GobError("gob: length mismatch in decodeArray")
        elem_op = dec.op(elem_id)
        dec.enter()
        out = []
        for _ in range(count):
            item, pos = elem_op(dec, pos)
            out.append(item)
        dec.depth -= 1
        return out, pos

    return decode_slice


def _struct_op(wire: WireType) -> Op:
    fields = wire.fields

    def decode_struct(dec: Decoder, pos: int) -> tuple[GoStruct, int]:
        data = dec.data
        dec.enter()
        values: dict[str, Any] = {}
        field = -1
        while True:
            delta, pos = read_uint(data, pos)
            if delta == 0:
                break
            field += delta
            if field >= len(fields):
                raise GobError("gob: bad data: field numbers out of bounds")
            field_name, field_type = fields[field]
            values[field_name], pos = dec.op(field_type)(dec, pos)
        dec.depth -= 1
        dec.fill(len(fields))  # the loop below walks every field
        for field_name, field_type in fields:
            if field_name not in values:  # Go omits zero values; put them back
                values[field_name] = _zero(dec, field_type)
        return GoStruct(wire.name, values), pos

    return decode_struct


def _custom_op(wire: WireType) -> Op:
    """GobEncoder/BinaryMarshaler/TextMarshaler: a byte string only its type can read."""

    def decode_custom(dec: Decoder, pos: int) -> tuple[Any, int]:
        blob, pos = _raw_bytes(dec, pos)
        if wire.kind is Kind.GOB_ENCODER and wire.name == "Time":
            return time_from_binary(blob), pos
        raise GobError(f"gob: cannot decode custom-encoded Go type {wire.name!r}")

    return decode_custom


_BASIC_ZEROS: dict[int, Any] = {
    BOOL_ID: False,
    INT_ID: 0,
    UINT_ID: 0,
    FLOAT_ID: 0.0,
    BYTES_ID: b"",
    STRING_ID: "",
    COMPLEX_ID: 0j,
    INTERFACE_ID: None,
}


def _zero(dec: Decoder, type_id: int) -> Any:
    """Go's zero value for a struct field the encoder left out."""
    if type_id in _BASIC_ZEROS:
        return _BASIC_ZEROS[type_id]
    wire = dec.wire.get(type_id)
    if wire is None:
        raise GobError(f"gob: unknown type id {type_id}")
    if wire.kind is Kind.MAP:
        return {}
    if wire.kind is Kind.SLICE:
        return []
    if wire.kind is Kind.ARRAY:
        if not 0 <= wire.length <= len(dec.data):  # an array the input could have carried
            raise GobError(f"gob: array length {wire.length} is implausible")
        dec.fill(wire.length)
        return [_zero(dec, wire.elem) if wire.elem in _BASIC_ZEROS else None] * wire.length
    return None  # structs (often pointers in Go) and custom-encoded types
