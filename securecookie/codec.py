"""``SecureCookie``: gorilla/securecookie's authenticated, optionally encrypted codec.

Cookie layout (gorilla/securecookie v1.1.2; the Go interop tests run against
v1.1.1, which writes the same bytes; see tests/vectors/README.md)::

    b64url( DATE "|" b64url(PAYLOAD) "|" HMAC(name "|" DATE "|" b64url(PAYLOAD)) )
    PAYLOAD = serialized value, or IV || AES-CTR(serialized value) with a block key

``encode`` and ``decode`` are each one numbered sequence of steps in Go's
order, so error precedence (which failure a bad cookie reports) is Go's too.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import time
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.primitives.ciphers import BlockCipherAlgorithm, algorithms

from securecookie.cipher import CTRCipher, DecryptionError
from securecookie.encoding import Base64Error, b64decode, b64encode, parse_timestamp
from securecookie.errors import Error, decode_error, go_double_wrap, internal_error, usage_error
from securecookie.gob import GobSerializer
from securecookie.serializers import Serializer

__all__ = ["DEFAULT_MAX_AGE", "DEFAULT_MAX_LENGTH", "SecureCookie"]

#: Go's default MaxAge: 30 days, in seconds.
DEFAULT_MAX_AGE = 86400 * 30
#: Go's default MaxLength: the cookie size Internet Explorer accepts.
DEFAULT_MAX_LENGTH = 4096

# Go's named error values (securecookie.go), by message.
_MSG_HASH_KEY_NOT_SET = "hash key is not set"
_MSG_BLOCK_KEY_NOT_SET = "block key is not set"
_MSG_TOO_LONG = "the value is too long"
_MSG_MAC_INVALID = "the value is not valid"
_MSG_BASE64_FAILED = "base64 decode failed"
_MSG_TIMESTAMP_INVALID = "invalid timestamp"
_MSG_TIMESTAMP_TOO_NEW = "timestamp is too new"
_MSG_TIMESTAMP_EXPIRED = "expired timestamp"
_MSG_DECRYPTION_FAILED = "the value could not be decrypted"
_MSG_IV_FAILED = "failed to generate random iv"

_AES_KEY_SIZES = (16, 24, 32)

HashFunc = Callable[..., Any]
"""A hashlib-style constructor (``hashlib.sha512``), as accepted by :func:`hmac.new`."""
BlockFunc = Callable[[bytes], BlockCipherAlgorithm]
"""Builds a cryptography block algorithm from the block key (``algorithms.AES``)."""
Clock = Callable[[], float]
"""Returns the current Unix time in seconds (``time.time``)."""


def _default_serializer() -> Serializer:
    # Go's default (securecookie.GobEncoder): cookies and stored blobs stay
    # readable by Go services without configuration on either side.
    return GobSerializer()


def _aes(key: bytes) -> BlockCipherAlgorithm:
    """Go's ``aes.NewCipher``, with its error text for a bad key size."""
    if len(key) not in _AES_KEY_SIZES:
        raise ValueError(f"crypto/aes: invalid key size {len(key)}")
    return algorithms.AES(key)


def _key_bytes(key: object, what: str) -> bytes:
    if isinstance(key, bytes | bytearray | memoryview):
        return bytes(key)
    raise usage_error(f"{what} must be bytes, not {type(key).__name__}")


class SecureCookie:
    """Encodes and decodes authenticated, optionally encrypted cookie values.

    ``hash_key`` authenticates with HMAC (SHA-256 by default); ``block_key``,
    if given, encrypts with AES-128/192/256 in CTR mode, chosen by its length.
    Unlike Go, a missing hash key or a bad block key raises here at
    construction, not at the first ``encode``. ``clock`` (Unix seconds) is
    Go's unexported ``timeFunc``, exposed so age checks can be tested.
    Instances are safe to share between threads once configured.
    """

    def __init__(
        self,
        hash_key: bytes | None,
        block_key: bytes | None = None,
        *,
        clock: Clock = time.time,
    ) -> None:
        # Go 1.1.2 rejects nil and empty hash keys alike (errHashKeyNotSet).
        if hash_key is None:
            raise usage_error(_MSG_HASH_KEY_NOT_SET)
        self._hash_key = _key_bytes(hash_key, "hash key")
        if not self._hash_key:
            raise usage_error(_MSG_HASH_KEY_NOT_SET)
        self._block_key = None if block_key is None else _key_bytes(block_key, "block key")
        self._mac_template = hmac.new(self._hash_key, digestmod=hashlib.sha256)
        self._cipher: CTRCipher | None = None
        self._max_length = DEFAULT_MAX_LENGTH
        self._max_age = DEFAULT_MAX_AGE
        self._min_age = 0
        self._serializer: Serializer = _default_serializer()
        self.clock = clock
        if self._block_key is not None:
            self.block_func(_aes)

    # Configuration: Go's chainable setters ---------------------------------

    def max_length(self, length: int) -> SecureCookie:
        """Longest accepted encoded value in bytes (default 4096; 0 = unlimited)."""
        self._max_length = _setting(length, "max_length")
        return self

    def max_age(self, seconds: float) -> SecureCookie:
        """Oldest accepted timestamp age in seconds (default 30 days; 0 = unchecked)."""
        self._max_age = _setting(seconds, "max_age")
        return self

    def min_age(self, seconds: float) -> SecureCookie:
        """Youngest accepted timestamp age in seconds (default 0 = unchecked)."""
        self._min_age = _setting(seconds, "min_age")
        return self

    def hash_func(self, func: HashFunc) -> SecureCookie:
        """The HMAC hash constructor, e.g. ``hashlib.sha512`` (default ``hashlib.sha256``)."""
        try:
            template = hmac.new(self._hash_key, digestmod=func)
        except Exception as exc:
            raise usage_error(cause=exc) from exc
        self._mac_template = template
        return self

    def block_func(self, func: BlockFunc) -> SecureCookie:
        """The block cipher built from the block key (default AES), used in CTR mode."""
        if self._block_key is None:
            raise usage_error(_MSG_BLOCK_KEY_NOT_SET)
        try:
            algorithm = func(self._block_key)
        except Exception as exc:
            raise usage_error(cause=exc) from exc
        if not isinstance(algorithm, BlockCipherAlgorithm):
            cause = TypeError(f"block_func returned {type(algorithm).__name__}, not a block cipher")
            raise usage_error(cause=cause)
        self._cipher = CTRCipher(algorithm)
        return self

    def set_serializer(self, serializer: Serializer) -> SecureCookie:
        """How values become bytes (default: see ``_default_serializer``)."""
        self._serializer = serializer
        return self

    @property
    def serializer(self) -> Serializer:
        """The serializer in use."""
        return self._serializer

    def _now(self) -> int:
        # Go: time.Now().UTC().Unix(), whole seconds.
        return int(self.clock())

    def _mac(self, message: bytes) -> bytes:
        # Copying a keyed HMAC skips re-deriving the padded keys on every call.
        mac = self._mac_template.copy()
        mac.update(message)
        return mac.digest()

    # Encode -----------------------------------------------------------------

    def encode(self, name: str, value: object) -> str:
        """Serialize, optionally encrypt, authenticate and base64 ``value`` for cookie ``name``."""
        name_bytes = _name_bytes(name)
        # 1. Serialize.
        payload = _run_serializer(self._serializer.serialize, value, usage_error)
        if not isinstance(payload, bytes):
            inner = usage_error(f"serializer returned {type(payload).__name__}")
            raise go_double_wrap(usage_error, inner)
        # 2. Encrypt (optional).
        if self._cipher is not None:
            try:
                payload = self._cipher.encrypt(payload)
            except OSError as exc:  # the OS random source failed: nobody's fault here
                # Go's errGeneratingIV carries no cause, so the text stays Go's.
                raise internal_error(_MSG_IV_FAILED) from exc
        # 3. MAC over "name|date|value"; the name is covered but not stored.
        signed = b"%s|%d|%s" % (name_bytes, self._now(), b64encode(payload))
        cookie = signed[len(name_bytes) + 1 :] + b"|" + self._mac(signed)
        # 4. Encode to base64.
        encoded = b64encode(cookie)
        # 5. Check length.
        if self._max_length != 0 and len(encoded) > self._max_length:
            raise usage_error(_MSG_TOO_LONG)
        return encoded.decode("ascii")

    # Decode -----------------------------------------------------------------

    def decode(self, name: str, value: str) -> object:
        """Verify and open a cookie value made by :meth:`encode` (or by Go) for ``name``.

        Every way the untrusted ``value`` can be wrong raises an :class:`Error`
        with ``is_decode()`` true.
        """
        name_bytes = _name_bytes(name)
        if not isinstance(value, str):
            cause = TypeError(f"cookie value must be str, not {type(value).__name__}")
            raise decode_error(_MSG_MAC_INVALID, cause=cause)
        # Go measures and decodes the UTF-8 bytes of the string.
        raw = value.encode("ascii") if value.isascii() else value.encode("utf-8", "surrogatepass")
        # 1. Check length.
        if self._max_length != 0 and len(raw) > self._max_length:
            raise decode_error(_MSG_TOO_LONG)
        # 2. Decode from base64.
        decoded = _b64decode(raw)
        # 3. Verify MAC. Value is "date|value|mac"; the raw MAC may itself hold "|".
        parts = decoded.split(b"|", 2)
        if len(parts) != 3:
            raise decode_error(_MSG_MAC_INVALID)
        signed = name_bytes + b"|" + decoded[: len(decoded) - len(parts[2]) - 1]
        if not hmac.compare_digest(parts[2], self._mac(signed)):
            raise decode_error(_MSG_MAC_INVALID)
        # 4. Verify date ranges (strict comparisons, as Go).
        try:
            stamp = parse_timestamp(parts[0])
        except ValueError as exc:
            raise decode_error(_MSG_TIMESTAMP_INVALID) from exc
        now = self._now()
        if self._min_age != 0 and stamp > now - self._min_age:
            raise decode_error(_MSG_TIMESTAMP_TOO_NEW)
        if self._max_age != 0 and stamp < now - self._max_age:
            raise decode_error(_MSG_TIMESTAMP_EXPIRED)
        # 5. Decrypt (optional).
        payload = _b64decode(parts[1])
        if self._cipher is not None:
            try:
                payload = self._cipher.decrypt(payload)
            except DecryptionError as exc:
                raise decode_error(_MSG_DECRYPTION_FAILED) from exc
        # 6. Deserialize.
        return _run_serializer(self._serializer.deserialize, payload, decode_error)


def _setting(value: object, setter: str) -> int:
    """A whole number for a numeric setter (Go's ``int``); floats truncate, as Go's int()."""
    if isinstance(value, float) and math.isfinite(value):
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise usage_error(f"{setter} takes a whole number, not {value!r}")


def _name_bytes(name: object) -> bytes:
    if not isinstance(name, str):
        raise usage_error(f"cookie name must be str, not {type(name).__name__}")
    return name.encode("utf-8", "surrogatepass")


def _b64decode(data: bytes) -> bytes:
    try:
        return b64decode(data)
    except Base64Error as exc:
        raise decode_error(_MSG_BASE64_FAILED, cause=exc) from exc


def _run_serializer(
    step: Callable[[Any], object], argument: object, wrap: Callable[..., Error]
) -> Any:
    """Call a serializer step; any failure becomes Go's doubly wrapped error (go_double_wrap)."""
    try:
        return step(argument)
    except Exception as exc:
        raise go_double_wrap(wrap, exc) from exc
