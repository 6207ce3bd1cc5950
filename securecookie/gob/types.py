"""gob's type model: the ``wireType`` definitions a stream carries, both ways.

A gob stream defines each non-basic type once, as a message holding ``-id``
followed by a ``wireType`` struct (Go's ``encoding/gob/type.go``)::

    wireType{ArrayT, SliceT, StructT, MapT, GobEncoderT, BinaryMarshalerT, TextMarshalerT}
    CommonType{Name string; Id typeId}          embedded first in each kind below
    arrayType{CommonType; Elem typeId; Len int}
    sliceType{CommonType; Elem typeId}
    structType{CommonType; Field []fieldType}   fieldType{Name string; Id typeId}
    mapType{CommonType; Key typeId; Elem typeId}
    gobEncoderType{CommonType}

Structs are sent as (field-number delta, value) pairs ending in a 0 delta.
"""

from __future__ import annotations

import dataclasses
import enum

from securecookie.gob.wire import (
    TOO_BIG,
    GobError,
    encode_int,
    encode_uint,
    read_int,
    read_length,
    read_uint,
)

_MAX_NAME = 1024  # Go's decodeInterface refuses longer type names too
_MAX_STRUCT_FIELDS = 1 << 16


class Kind(enum.IntEnum):
    """The wireType field that is set, numbered as Go's struct field index."""

    ARRAY = 0
    SLICE = 1
    STRUCT = 2
    MAP = 3
    GOB_ENCODER = 4
    BINARY_MARSHALER = 5
    TEXT_MARSHALER = 6


@dataclasses.dataclass(frozen=True)
class WireType:
    """One user type defined in a stream (only the fields its kind uses are set)."""

    kind: Kind
    name: str = ""
    elem: int = 0
    key: int = 0
    length: int = 0
    fields: tuple[tuple[str, int], ...] = ()


def _read_string(data: bytes, pos: int) -> tuple[str, int]:
    size, pos = read_length(data, pos, "string")
    if size > _MAX_NAME:
        raise GobError(f"gob: type name too long ({size} bytes)")
    return data[pos : pos + size].decode("utf-8", "surrogateescape"), pos + size


class _StructReader:
    """Reads the fixed structs of a wireType definition, field by field."""

    def __init__(self, data: bytes, pos: int) -> None:
        self.data = data
        self.pos = pos

    def next_field(self, field: int, count: int) -> int:
        """The index of the next field, or -1 at the struct's end."""
        delta, self.pos = read_uint(self.data, self.pos)
        if delta == 0:
            return -1
        field += delta
        if field >= count:
            raise GobError("gob: bad data: field numbers out of bounds")
        return field

    def string(self) -> str:
        value, self.pos = _read_string(self.data, self.pos)
        return value

    def integer(self) -> int:
        value, self.pos = read_int(self.data, self.pos)
        return value

    def common(self) -> tuple[str, int]:
        """CommonType{Name, Id}."""
        name, type_id, field = "", 0, -1
        while (field := self.next_field(field, 2)) >= 0:
            if field == 0:
                name = self.string()
            else:
                type_id = self.integer()
        return name, type_id

    def field_types(self) -> tuple[tuple[str, int], ...]:
        """[]fieldType: a count, then that many fieldType{Name, Id} structs."""
        count, self.pos = read_length(self.data, self.pos, "struct field list")
        if count > _MAX_STRUCT_FIELDS:
            raise GobError(f"gob: too many struct fields ({count})")
        out = []
        for _ in range(count):
            name, type_id, field = "", 0, -1
            while (field := self.next_field(field, 2)) >= 0:
                if field == 0:
                    name = self.string()
                else:
                    type_id = self.integer()
            out.append((name, type_id))
        return tuple(out)


# For each kind, the inner struct's fields after CommonType, in Go's order.
_KIND_FIELDS: dict[Kind, tuple[str, ...]] = {
    Kind.ARRAY: ("elem", "length"),
    Kind.SLICE: ("elem",),
    Kind.STRUCT: ("fields",),
    Kind.MAP: ("key", "elem"),
    Kind.GOB_ENCODER: (),
    Kind.BINARY_MARSHALER: (),
    Kind.TEXT_MARSHALER: (),
}


def parse_wire_type(data: bytes, pos: int) -> tuple[WireType, int, int]:
    """Parse one wireType struct at ``pos``: (type, id it declares, next position)."""
    reader = _StructReader(data, pos)
    result: WireType | None = None
    declared_id = 0
    field = -1
    while (field := reader.next_field(field, len(Kind))) >= 0:
        if result is not None:
            raise GobError("gob: bad data: wire type sets more than one kind")
        kind = Kind(field)
        names = _KIND_FIELDS[kind]
        values: dict[str, object] = {}
        common: tuple[str, int] = ("", 0)
        inner = -1
        while (inner := reader.next_field(inner, 1 + len(names))) >= 0:
            if inner == 0:
                common = reader.common()
                continue
            attr = names[inner - 1]
            values[attr] = reader.field_types() if attr == "fields" else reader.integer()
        declared_id = common[1]
        result = WireType(kind, common[0], **values)  # type: ignore[arg-type]
        if not 0 <= result.length < TOO_BIG:
            # A Go array's length is never negative, and no message can carry
            # TOO_BIG elements. Go itself only fails later, when a value or a
            # local type is compared with the length; refusing the definition
            # here keeps every use of ``length`` (the zero fill above all) a
            # count we can trust.
            raise GobError(f"gob: bad data: invalid array length {result.length}")
    if result is None:
        raise GobError("gob: bad data: empty wire type")
    return result, declared_id, reader.pos


# -- encoding side: the definitions our encoder sends ---------------------------------


def _field(delta: int, payload: bytes) -> bytes:
    return encode_uint(delta) + payload


def _string(value: str) -> bytes:
    raw = value.encode("utf-8", "surrogateescape")
    return encode_uint(len(raw)) + raw


def _common(type_id: int, name: str = "") -> bytes:
    """CommonType{Name, Id}; Go leaves Name empty for unnamed types."""
    if name:
        return _field(1, _string(name)) + _field(1, encode_int(type_id)) + b"\x00"
    return _field(2, encode_int(type_id)) + b"\x00"


def _message(body: bytes) -> bytes:
    return encode_uint(len(body)) + body


def _composite_definition(type_id: int, kind: Kind, *numbers: int) -> bytes:
    """The message defining ``type_id`` as a slice, array or map: its common part, then
    ``numbers`` as consecutive fields, in Go's field order for that kind."""
    inner = _field(1, _common(type_id)) + b"".join(_field(1, encode_int(n)) for n in numbers)
    return _message(encode_int(-type_id) + _field(kind + 1, inner + b"\x00") + b"\x00")


def slice_definition(type_id: int, elem: int) -> bytes:
    """The message defining ``type_id`` as ``[]elem``."""
    return _composite_definition(type_id, Kind.SLICE, elem)


def array_definition(type_id: int, elem: int, length: int) -> bytes:
    """The message defining ``type_id`` as ``[length]elem`` (Go's ArrayType: Elem, Len)."""
    return _composite_definition(type_id, Kind.ARRAY, elem, length)


def map_definition(type_id: int, key: int, elem: int) -> bytes:
    """The message defining ``type_id`` as ``map[key]elem`` (Go's MapType: Key, Elem)."""
    return _composite_definition(type_id, Kind.MAP, key, elem)


def gob_encoder_definition(type_id: int, name: str) -> bytes:
    """The message defining ``type_id`` as a GobEncoder named ``name`` (``Time``)."""
    inner = _field(1, _common(type_id, name)) + b"\x00"
    return _message(encode_int(-type_id) + _field(Kind.GOB_ENCODER + 1, inner) + b"\x00")


def struct_definition(type_id: int, name: str, fields: tuple[tuple[str, int], ...]) -> bytes:
    """The message defining ``type_id`` as ``struct{fields}`` named ``name``."""
    field_list = encode_uint(len(fields)) + b"".join(
        _field(1, _string(f_name)) + _field(1, encode_int(f_id)) + b"\x00"
        for f_name, f_id in fields
    )
    inner = _field(1, _common(type_id, name)) + _field(1, field_list) + b"\x00"
    return _message(encode_int(-type_id) + _field(Kind.STRUCT + 1, inner) + b"\x00")
