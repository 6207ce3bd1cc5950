"""The securecookie error tree.

One root, :class:`Error`, carries gorilla's three flags (usage, decode,
internal) and an optional underlying ``cause``. ``str(err)`` is exactly the
text of Go's ``err.Error()``, so logs and tests can compare with Go output.
:class:`MultiError` is what ``decode_multi``/``encode_multi`` raise when every
codec failed; like Go's ``MultiError`` its flags are the OR of its members.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Generic, TypeVar, overload

_PREFIX = "securecookie: "


class ErrorKind(enum.Flag):
    """Go's ``errorType`` bits; a cookieError has exactly one, a MultiError any mix."""

    NONE = 0
    USAGE = enum.auto()
    DECODE = enum.auto()
    INTERNAL = enum.auto()


class Error(Exception):
    """Root of every securecookie failure (Go's ``securecookie.Error`` interface).

    ``message`` is Go's ``msg`` (defaults to ``"error"`` when only a cause is
    given, as Go prints it); ``cause`` is the wrapped exception or ``None``.
    """

    kind: ErrorKind
    message: str
    cause: BaseException | None

    def __init__(
        self,
        message: str = "",
        *,
        kind: ErrorKind = ErrorKind.NONE,
        cause: BaseException | None = None,
    ) -> None:
        self.message = message
        self.kind = kind
        self.cause = cause
        super().__init__(self._text())

    def _text(self) -> str:
        if self.cause is None:
            return _PREFIX + self.message
        return f"{_PREFIX}{self.message or 'error'} - caused by: {self.cause}"

    def __str__(self) -> str:
        return self._text()

    def is_usage(self) -> bool:
        """The caller misused the API (bad key, unencodable value, no codecs)."""
        return ErrorKind.USAGE in self.kind

    def is_decode(self) -> bool:
        """The input was not a valid cookie: tampered, expired, malformed."""
        return ErrorKind.DECODE in self.kind

    def is_internal(self) -> bool:
        """Something failed that neither the caller nor the input caused (RNG, cipher)."""
        return ErrorKind.INTERNAL in self.kind


def usage_error(message: str = "", cause: BaseException | None = None) -> Error:
    """An :class:`Error` flagged as a usage error."""
    return Error(message, kind=ErrorKind.USAGE, cause=cause)


def decode_error(message: str = "", cause: BaseException | None = None) -> Error:
    """An :class:`Error` flagged as a decode error."""
    return Error(message, kind=ErrorKind.DECODE, cause=cause)


def internal_error(message: str = "", cause: BaseException | None = None) -> Error:
    """An :class:`Error` flagged as an internal error."""
    return Error(message, kind=ErrorKind.INTERNAL, cause=cause)


def go_double_wrap(make: Callable[..., Error], cause: BaseException) -> Error:
    """The error a codec step raises for a serializer failure, worded as Go words it.

    Go's serializers return their own ``cookieError`` and the codec wraps it
    once more, so the text reads ``securecookie: error - caused by:
    securecookie: error - caused by: <cause>``. An :class:`Error` from the
    serializer (or one the codec built as the inner layer itself) gets only
    the outer one; any other exception (a foreign one escaping a serializer)
    gets both, so it never escapes unwrapped and the text stays Go's. ``make``
    picks the flag (:func:`usage_error` when encoding, :func:`decode_error`
    when decoding).
    """
    if isinstance(cause, Error):
        return make(cause=cause)
    return make(cause=make(cause=cause))


def multi_error_text(errors: Sequence[BaseException]) -> str:
    """Go's ``MultiError.Error()``: the first error's text plus a count of the others.

    gorilla/securecookie and gorilla/sessions format their MultiErrors the same way.
    """
    count = len(errors)
    if count == 0:
        return "(0 errors)"
    first = str(errors[0])
    if count == 1:
        return first
    if count == 2:
        return f"{first} (and 1 other error)"
    return f"{first} (and {count - 1} other errors)"


E_co = TypeVar("E_co", bound=BaseException, covariant=True)


class ErrorList(Sequence[E_co], Generic[E_co]):
    """The sequence side of a multi-error: its members in order, and Go's text for them.

    Mixed into :class:`MultiError` here and into ``mongostore.sessions.MultiError``,
    which hold different members but read and print the same way.
    """

    errors: tuple[E_co, ...]

    def _text(self) -> str:
        return multi_error_text(self.errors)

    @overload
    def __getitem__(self, index: int) -> E_co: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[E_co]: ...
    def __getitem__(self, index: int | slice) -> E_co | Sequence[E_co]:
        return self.errors[index]

    def __len__(self) -> int:
        return len(self.errors)

    def __iter__(self) -> Iterator[E_co]:
        return iter(self.errors)


class MultiError(ErrorList[Error], Error):
    """Several codec failures, in codec order (Go's ``securecookie.MultiError``)."""

    def __init__(self, errors: Iterable[Error]) -> None:
        self.errors = tuple(errors)
        kind = ErrorKind.NONE
        for err in self.errors:
            kind |= err.kind
        super().__init__(kind=kind)
