"""A loopback proxy that fixes two mongoeco answers the Go driver cannot take.

mongoeco (the test wire server) differs from MongoDB in two ways that break
the official Go driver, though not pymongo:

1. it sends ``cursor.id`` as a BSON int32, where MongoDB always sends int64
   (the Go driver: ``id should be an int64 but it is a BSON 32-bit integer``);
2. it refuses an int64 ``limit`` in ``find`` (the driver's ``FindOne`` sends
   ``limit: NumberLong(1)``: ``wire find limit must be a non-negative integer``).

:class:`WireShim` sits between the Go service and the server and changes
exactly those two fields in OP_MSG bodies (the command document, section
kind 0): a reply's ``cursor.id`` int32 becomes int64, a ``find`` command's
int64 ``limit`` that fits becomes int32. Every other message, and every other
byte of a changed one, passes through as it came: documents inside a reply
(``firstBatch``/``nextBatch``) are copied as raw BSON, never re-encoded, so
stored data reaches the driver untouched. A message with a checksum, a
compressed one or another opcode is forwarded unchanged.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
from typing import Any

import bson
from bson.int64 import Int64
from bson.raw_bson import RawBSONDocument

OP_MSG = 2013
_HEADER = struct.Struct("<iiii")  # messageLength, requestID, responseTo, opCode
_CHECKSUM_PRESENT = 1
_INT32_MIN, _INT32_MAX = -(2**31), 2**31 - 1
_RAW = bson.CodecOptions(
    document_class=RawBSONDocument, datetime_conversion=bson.DatetimeConversion.DATETIME_AUTO
)


def _fix_request(body: RawBSONDocument) -> dict[str, Any] | None:
    """A ``find`` command with its int64 ``limit`` as int32, or None to leave it be."""
    if next(iter(body), None) != "find":
        return None
    limit = body.get("limit")
    if type(limit) is not Int64 or not _INT32_MIN <= limit <= _INT32_MAX:
        return None
    return {key: int(value) if key == "limit" else value for key, value in body.items()}


def _fix_reply(body: RawBSONDocument) -> dict[str, Any] | None:
    """A reply whose ``cursor.id`` int32 is int64, or None to leave it be."""
    cursor = body.get("cursor")
    if not isinstance(cursor, RawBSONDocument) or type(cursor.get("id")) is not int:
        return None
    fixed_cursor = {k: Int64(v) if k == "id" else v for k, v in cursor.items()}
    return {key: fixed_cursor if key == "cursor" else value for key, value in body.items()}


def rewrite(message: bytes, *, to_server: bool) -> bytes:
    """``message`` (a whole wire message) with the fix for its direction, or as it came."""
    _length, request_id, response_to, opcode = _HEADER.unpack_from(message)
    if opcode != OP_MSG or len(message) < _HEADER.size + 5:
        return message
    (flags,) = struct.unpack_from("<I", message, _HEADER.size)
    start = _HEADER.size + 4
    if flags & _CHECKSUM_PRESENT or message[start] != 0:  # body section must come first
        return message
    (body_length,) = struct.unpack_from("<i", message, start + 1)
    body_end = start + 1 + body_length
    body = RawBSONDocument(message[start + 1 : body_end], _RAW)
    fixed = _fix_request(body) if to_server else _fix_reply(body)
    if fixed is None:
        return message
    new_body = bson.encode(fixed)
    rest = message[_HEADER.size : start + 1] + new_body + message[body_end:]
    return _HEADER.pack(_HEADER.size + len(rest), request_id, response_to, opcode) + rest


def _read_exact(sock: socket.socket, size: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < size:
        chunk = sock.recv(size - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


def _pump(source: socket.socket, sink: socket.socket, *, to_server: bool) -> None:
    """Forward whole messages from ``source`` to ``sink`` until either side closes."""
    try:
        while True:
            header = _read_exact(source, _HEADER.size)
            if header is None:
                break
            (length,) = struct.unpack_from("<i", header)
            rest = _read_exact(source, length - _HEADER.size)
            if rest is None:
                break
            sink.sendall(rewrite(header + rest, to_server=to_server))
    except OSError:
        pass
    finally:
        for sock in (source, sink):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class WireShim:
    """Listens on a free loopback port and forwards to ``host:port`` through :func:`rewrite`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port: int = self.listener.getsockname()[1]
        self._sockets: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, name="wire-shim", daemon=True)

    def start(self) -> WireShim:
        """Start accepting connections in a daemon thread."""
        self._thread.start()
        return self

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return  # closed by stop()
            server = socket.create_connection(self.target)
            self._sockets += (client, server)
            for source, sink, to_server in ((client, server, True), (server, client, False)):
                threading.Thread(
                    target=_pump, args=(source, sink), kwargs={"to_server": to_server}, daemon=True
                ).start()

    def stop(self) -> None:
        """Close the listener and every forwarded connection."""
        self.listener.close()
        for sock in self._sockets:
            sock.close()
