"""Python <-> Go value helpers: time.Time's binary form, sized-int ranges, structs.

``time.Time`` travels through gob as its ``MarshalBinary`` bytes (it is a
GobEncoder). Python's datetime holds microseconds, so Go's nanoseconds are
truncated, never rounded; the zone offset is kept as a fixed offset.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import struct
from collections.abc import Mapping
from typing import Any

from securecookie.gob.wire import GobError

_TIME_V1 = 1  # Go's timeBinaryVersionV1: offset in whole minutes
_TIME_V2 = 2  # Go's timeBinaryVersionV2: one extra byte of offset seconds
_UTC_OFFSET_MINUTES = -1  # Go writes -1 for the UTC location
_TIME_HEAD = struct.Struct(">BqiH")
_DAY_SECONDS = 86400
_MAX_OFFSET_SECONDS = _DAY_SECONDS - 1  # Python's timezone limit (Go allows more)
_EPOCH = dt.datetime(1, 1, 1)  # Go's zero time: the origin of MarshalBinary's seconds

#: Ranges of Go's sized integer types, by their gob registration names.
INT_RANGES: dict[str, tuple[int, int]] = {
    "int8": (-(1 << 7), (1 << 7) - 1),
    "int16": (-(1 << 15), (1 << 15) - 1),
    "int32": (-(1 << 31), (1 << 31) - 1),
    "int64": (-(1 << 63), (1 << 63) - 1),
    "int": (-(1 << 63), (1 << 63) - 1),
    "uint8": (0, (1 << 8) - 1),
    "uint16": (0, (1 << 16) - 1),
    "uint32": (0, (1 << 32) - 1),
    "uint64": (0, (1 << 64) - 1),
    "uint": (0, (1 << 64) - 1),
    "uintptr": (0, (1 << 64) - 1),
}
INT64_MIN, INT64_MAX = INT_RANGES["int64"]


@dataclasses.dataclass(frozen=True)
class GoStruct:
    """A Go struct value from a gob stream, such as a registered flash type.

    ``name`` is the name the Go app registered it under (``"main.Flash"``),
    ``fields`` maps each Go field name to its value. Go omits zero-valued
    fields on the wire; decoding fills them back in with the zero value of the
    field's type (``None`` for struct and custom-encoded fields). Encoding a
    GoStruct sends a struct whose field types follow from the Python values,
    so Go can decode it into its registered type when the kinds match.
    """

    name: str
    fields: Mapping[str, Any]

    def __getitem__(self, field: str) -> Any:
        return self.fields[field]


def time_from_binary(blob: bytes) -> dt.datetime:
    """Decode Go's ``Time.MarshalBinary`` bytes into an aware datetime."""
    if not blob or blob[0] not in (_TIME_V1, _TIME_V2):
        raise GobError("gob: Time.UnmarshalBinary: unsupported version")
    expected = _TIME_HEAD.size + (1 if blob[0] == _TIME_V2 else 0)
    if len(blob) != expected:
        raise GobError("gob: Time.UnmarshalBinary: invalid length")
    _, seconds, nanos, raw_offset = _TIME_HEAD.unpack_from(blob)
    offset_minutes = raw_offset - 0x10000 if raw_offset >= 0x8000 else raw_offset
    if not 0 <= nanos < 1_000_000_000:
        raise GobError(f"gob: time.Time nanoseconds out of range: {nanos}")
    if offset_minutes == _UTC_OFFSET_MINUTES:
        zone, offset = dt.UTC, 0
    else:
        # Go adds the V2 seconds byte unsigned (Time.UnmarshalBinary), even for
        # negative offsets; we mirror it so both sides agree on the instant.
        offset = offset_minutes * 60 + (blob[-1] if blob[0] == _TIME_V2 else 0)
        if abs(offset) > _MAX_OFFSET_SECONDS:
            raise GobError(f"gob: time.Time zone offset {offset}s is beyond Python's range")
        zone = dt.timezone(dt.timedelta(seconds=offset))
    # Built from the local wall time, not via UTC: near the ends of the range
    # the local date can be valid where the UTC instant is not (0001-01-01
    # 00:30+01:00 is year 0 in UTC), and Python holds such a datetime fine.
    try:
        local = _EPOCH + dt.timedelta(seconds=seconds + offset, microseconds=nanos // 1000)
    except OverflowError as exc:
        raise GobError("gob: time.Time is outside Python's datetime range") from exc
    return local.replace(tzinfo=zone)


def time_to_binary(value: dt.datetime) -> bytes:
    """Encode an aware datetime as Go's ``Time.MarshalBinary`` bytes."""
    offset_delta = value.utcoffset()
    if offset_delta is None:
        raise GobError("gob: cannot encode a naive datetime as time.Time: it needs a time zone")
    if offset_delta.microseconds:
        raise GobError("gob: cannot encode a datetime whose zone offset has microseconds")
    offset = offset_delta.days * _DAY_SECONDS + offset_delta.seconds
    local_seconds = (value.toordinal() - 1) * _DAY_SECONDS + (
        value.hour * 3600 + value.minute * 60 + value.second
    )
    seconds = local_seconds - offset
    nanos = value.microsecond * 1000
    if offset == 0:
        # Python cannot tell UTC from another zero offset; Go's UTC is the natural peer.
        return _TIME_HEAD.pack(_TIME_V1, seconds, nanos, _UTC_OFFSET_MINUTES & 0xFFFF)
    # Go's Time.MarshalBinary: truncated division, the remainder as a signed byte.
    minutes = int(offset / 60)
    rest = offset - minutes * 60
    if minutes == _UTC_OFFSET_MINUTES:
        # Go refuses this offset too: -1 minute would read back as UTC.
        raise GobError("gob: Time.MarshalBinary: unexpected zone offset")
    head = _TIME_HEAD.pack(_TIME_V2 if rest else _TIME_V1, seconds, nanos, minutes & 0xFFFF)
    return head + bytes((rest & 0xFF,)) if rest else head
