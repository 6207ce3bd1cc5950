"""gob's primitive encodings: unsigned/signed varints, floats and byte strings.

gob (Go's ``encoding/gob``) writes an unsigned integer below 128 as one byte,
anything larger as a byte holding the negated byte count followed by the
big-endian bytes; signed integers are zig-zagged first; a float64 is sent as
its IEEE-754 bits with the byte order reversed, so small exponents compress.
"""

from __future__ import annotations

import struct

#: Go's ``tooBig``: gob refuses any message or length at or above 1 GiB.
TOO_BIG = 1 << 30
_MAX_UINT_BYTES = 8
_PACK_DOUBLE = struct.Struct("<d")

# Predefined gob type ids (Go's ``tBool`` … ``tInterface``); user types start at 65.
BOOL_ID = 1
INT_ID = 2
UINT_ID = 3
FLOAT_ID = 4
BYTES_ID = 5
STRING_ID = 6
COMPLEX_ID = 7
INTERFACE_ID = 8
FIRST_USER_ID = 65


class GobError(Exception):
    """A gob encoding or decoding failure; ``str()`` is Go's text (``gob: ...``)."""


def _encode_uint_slow(value: int) -> bytes:
    size = (value.bit_length() + 7) // 8
    return bytes((256 - size,)) + value.to_bytes(size, "big")


# Lengths and counts are almost always small: precomputed encodings skip the
# arithmetic on the hot path.
_UINT_CACHE: tuple[bytes, ...] = tuple(
    bytes((n,)) if n < 0x80 else _encode_uint_slow(n) for n in range(4096)
)


def encode_uint(value: int) -> bytes:
    """gob's encoding of an unsigned integer (0 <= value < 2**64)."""
    if value < 4096:
        return _UINT_CACHE[value]
    return _encode_uint_slow(value)


def encode_int(value: int) -> bytes:
    """gob's zig-zag encoding of a signed 64-bit integer."""
    return encode_uint(value << 1 if value >= 0 else ((~value) << 1) | 1)


def encode_float(value: float) -> bytes:
    """gob's byte-reversed encoding of a float64."""
    return encode_uint(int.from_bytes(_PACK_DOUBLE.pack(value), "big"))


def float_from_uint(value: int) -> float:
    """The float64 whose byte-reversed bits gob sent as ``value``."""
    result: float = _PACK_DOUBLE.unpack(value.to_bytes(8, "big"))[0]
    return result


def read_uint(data: bytes, pos: int) -> tuple[int, int]:
    """Read one gob uint at ``pos``; return it and the position after it.

    Raises GobError on a length byte claiming more than 8 bytes (Go's
    ``errBadUint``) or on data that ends inside the number.
    """
    if pos >= len(data):
        raise GobError("unexpected EOF")
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    size = 256 - first
    if size > _MAX_UINT_BYTES:
        raise GobError("gob: encoded unsigned integer out of range")
    end = pos + 1 + size
    if end > len(data):
        raise GobError(
            f"gob: invalid uint data length {size}: exceeds input size {len(data) - pos - 1}"
        )
    return int.from_bytes(data[pos + 1 : end], "big"), end


def read_int(data: bytes, pos: int) -> tuple[int, int]:
    """Read one zig-zag gob int at ``pos``; return it and the next position."""
    value, pos = read_uint(data, pos)
    if value & 1:
        return ~(value >> 1), pos
    return value >> 1, pos


def read_length(data: bytes, pos: int, what: str) -> tuple[int, int]:
    """Read a byte/element count that must fit in the rest of the input.

    Bounding every count by the bytes left keeps hostile input from making
    us allocate (each element or byte needs at least one input byte).
    """
    count, pos = read_uint(data, pos)
    if count > len(data) - pos:
        raise GobError(f"gob: {what} length {count} exceeds input size {len(data) - pos}")
    return count, pos
