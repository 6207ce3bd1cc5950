"""The wire shim changes exactly two fields of OP_MSG bodies and nothing else."""

from __future__ import annotations

import struct

import bson
from bson.int64 import Int64
from bson.raw_bson import RawBSONDocument

from tests.support.wireshim import OP_MSG, rewrite


def op_msg(body: bytes, *, flags: int = 0, opcode: int = OP_MSG, tail: bytes = b"") -> bytes:
    """A wire message: header, flag bits, a kind-0 body section, then ``tail``."""
    rest = struct.pack("<I", flags) + b"\x00" + body + tail
    return struct.pack("<iiii", 16 + len(rest), 7, 3, opcode) + rest


def body_of(message: bytes) -> RawBSONDocument:
    (length,) = struct.unpack_from("<i", message, 21)
    return RawBSONDocument(message[21 : 21 + length])


STORED = bson.encode({"_id": 1, "data": "x", "expires": Int64(5), "n": 2})


def reply(cursor_id: object) -> bytes:
    return bson.encode(
        {
            "cursor": {"firstBatch": [RawBSONDocument(STORED)], "id": cursor_id, "ns": "d.c"},
            "ok": 1.0,
        }
    )


def test_a_reply_cursor_id_int32_becomes_int64_with_the_documents_byte_for_byte() -> None:
    fixed = rewrite(op_msg(reply(0)), to_server=False)
    body = body_of(fixed)
    assert type(body["cursor"]["id"]) is Int64
    assert body["cursor"]["firstBatch"][0].raw == STORED
    assert list(body) == ["cursor", "ok"]
    assert struct.unpack_from("<iii", fixed) == (len(fixed), 7, 3)


def test_a_find_with_an_int64_limit_gets_an_int32_limit() -> None:
    command = bson.encode(
        {"find": "c", "filter": {"expires": {"$gt": Int64(9)}}, "limit": Int64(1)}
    )
    fixed = body_of(rewrite(op_msg(command), to_server=True))
    assert list(fixed) == ["find", "filter", "limit"]
    assert type(fixed["limit"]) is int
    assert fixed["filter"].raw == RawBSONDocument(command)["filter"].raw


def test_everything_else_passes_through_unchanged() -> None:
    untouched = [
        (op_msg(reply(Int64(0))), False),  # already int64
        (op_msg(reply(0)), True),  # a reply shape going to the server
        (op_msg(bson.encode({"find": "c", "limit": 1})), True),  # already int32
        (op_msg(bson.encode({"find": "c", "limit": Int64(2**40)})), True),  # does not fit
        (op_msg(bson.encode({"aggregate": "c", "limit": Int64(1)})), True),
        (op_msg(reply(0), flags=1, tail=b"\x00\x00\x00\x00"), False),  # checksum present
        (op_msg(reply(0), opcode=2012), False),  # OP_COMPRESSED
    ]
    for message, to_server in untouched:
        assert rewrite(message, to_server=to_server) == message
