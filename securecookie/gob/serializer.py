"""GobSerializer: the securecookie serializer speaking Go's encoding/gob."""

from __future__ import annotations

from typing import Any

from securecookie.errors import decode_error, usage_error
from securecookie.gob.encoder import encode
from securecookie.gob.fastpath import decode
from securecookie.gob.wire import GobError


class GobSerializer:
    """Go's ``securecookie.GobEncoder``: session values shared with Go services.

    ``serialize`` raises a usage :class:`securecookie.Error` and
    ``deserialize`` a decode one, each with the :class:`GobError` (Go's
    ``gob: ...`` text) as ``cause``; the codec adds Go's outer wrap.
    """

    def serialize(self, value: Any) -> bytes:
        """Encode ``value`` as a gob stream (a top-level dict as session Values)."""
        try:
            return encode(value)
        except GobError as exc:
            raise usage_error(cause=exc) from exc
        except RecursionError as exc:
            cause = GobError("gob: value nested too deeply")
            raise usage_error(cause=cause) from exc
        except Exception as exc:
            # A caller's object failing inside the encoder (a tzinfo whose
            # utcoffset raises, say) is still the caller's value: a usage error.
            raise usage_error(cause=exc) from exc

    def deserialize(self, data: bytes) -> Any:
        """Decode one gob value; any malformed input raises a decode Error."""
        try:
            return decode(data)
        except GobError as exc:
            raise decode_error(cause=exc) from exc
        except Exception as exc:
            # Untrusted bytes must only ever produce a decode Error (docs/reference.md); a
            # decoder bug surfacing here stays visible through the chained cause.
            cause = GobError(f"gob: cannot decode: {type(exc).__name__}")
            raise decode_error(cause=cause) from exc
