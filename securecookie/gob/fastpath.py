"""gob decoding's entry point: fast paths for common shapes, then the general decoder.

Most cookies a Python service reads are ones it wrote: a Values map (type 65)
of strings, ints, bools, nils and flat lists (type 66, defined in its own
message), exactly as ``encoder._encode_simple_values`` lays them out. This
module reads precisely that layout in one tight loop. Anything else, including
every stream Go writes with its mid-value type definitions, makes it give up
(:class:`NotFastPathError`) and the general decoder starts over, so the fast path can only
accept input the general decoder accepts, with the same result.
"""

from __future__ import annotations

from typing import Any

from securecookie.gob import types
from securecookie.gob.decoder import Decoder
from securecookie.gob.wire import FIRST_USER_ID, INTERFACE_ID

VALUES_DEFINITION = types.map_definition(FIRST_USER_ID, INTERFACE_ID, INTERFACE_ID)
_LIST_DEFINITION = types.slice_definition(FIRST_USER_ID + 1, INTERFACE_ID)
_VALUES_START = b"\xff\x82\x00"  # type id 65, singleton delta
_STRING = b"string\x0c"  # after the name length 6: the name, then type id 6
_INT = b"int\x04"
_BOOL = b"bool\x02"
_LIST = b"[]interface {}\xff\x84"  # type id 66


class NotFastPathError(Exception):
    """The stream is not in the fast path's shape: use the general decoder."""


def _scalar(data: bytes, pos: int, end: int) -> tuple[Any, int]:
    """A string/int/bool/nil interface with one-byte lengths, else NotFastPathError."""
    size = data[pos]
    if size == 6 and data[pos + 1 : pos + 8] == _STRING:
        pos += 8
        length = data[pos + 2]
        if data[pos] >= 0x80 or data[pos + 1] != 0 or length >= 0x80:
            raise NotFastPathError
        stop = pos + 3 + length
        if stop > end:
            raise NotFastPathError
        return data[pos + 3 : stop].decode("utf-8", "surrogateescape"), stop
    if size == 3 and data[pos + 1 : pos + 5] == _INT:
        zigzag = data[pos + 7]
        if data[pos + 5] >= 0x80 or data[pos + 6] != 0 or zigzag >= 0x80:
            raise NotFastPathError
        return (~(zigzag >> 1) if zigzag & 1 else zigzag >> 1), pos + 8
    if size == 4 and data[pos + 1 : pos + 6] == _BOOL:
        flag = data[pos + 8]
        if data[pos + 6] >= 0x80 or data[pos + 7] != 0 or flag >= 0x80:
            raise NotFastPathError
        return flag != 0, pos + 9
    if size == 0:
        return None, pos + 1
    raise NotFastPathError


def decode_simple_values(data: bytes) -> dict[Any, Any]:
    """Decode a simple Values stream; raise NotFastPathError for any other input."""
    try:
        return _decode(data)
    except IndexError:  # the input ends early: let the general decoder say how
        raise NotFastPathError from None


def _decode(data: bytes) -> dict[Any, Any]:
    if not data.startswith(VALUES_DEFINITION):
        raise NotFastPathError
    pos = len(VALUES_DEFINITION)
    has_list = data.startswith(_LIST_DEFINITION, pos)
    if has_list:
        pos += len(_LIST_DEFINITION)
    size = data[pos]
    if size < 0x80:
        pos += 1
    elif size == 0xFF:
        size = data[pos + 1]
        pos += 2
    else:
        raise NotFastPathError
    end = pos + size
    if end != len(data) or not data.startswith(_VALUES_START, pos):
        raise NotFastPathError
    count = data[pos + 3]
    if count >= 0x80:
        raise NotFastPathError
    pos += 4
    out: dict[Any, Any] = {}
    for _ in range(count):
        key, pos = _scalar(data, pos, end)
        if has_list and data[pos] == 14 and data[pos + 1 : pos + 17] == _LIST:
            pos += 17
            length = data[pos + 2]
            if data[pos] >= 0x80 or data[pos + 1] != 0 or length >= 0x80:
                raise NotFastPathError
            pos += 3
            items = []
            for _ in range(length):
                item, pos = _scalar(data, pos, end)
                items.append(item)
            out[key] = items
        else:
            out[key], pos = _scalar(data, pos, end)
    if pos != end:
        raise NotFastPathError
    return out


def decode(data: bytes) -> Any:
    """Decode one gob value (a whole Go ``Encoder.Encode`` output) from ``data``."""
    data = bytes(data)
    size = len(data)
    if (
        3 < size <= 0x80
        and data[0] == size - 1
        and data[1:3] == b"\x0c\x00"
        and data[3] == size - 4
    ):
        # A lone short string (a session ID): one message (one-byte lengths), type 6,
        # singleton delta, string length, bytes: exactly what the general path reads.
        return data[4:].decode("utf-8", "surrogateescape")
    if data.startswith(VALUES_DEFINITION):
        try:
            return decode_simple_values(data)
        except NotFastPathError:
            pass  # not our simple layout: the general decoder reads (or rejects) it
    return Decoder(data).decode()
