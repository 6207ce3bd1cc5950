"""Typed errors of the sessions core, with gorilla/sessions' texts.

Every class subclasses :class:`mongostore.errors.Error`, so one ``except``
catches them all; ``str(err)`` equals Go's ``err.Error()`` where Go defines it.
"""

from __future__ import annotations

from collections.abc import Iterable

from mongostore.errors import Error
from securecookie.errors import ErrorList


class InvalidCookieNameError(Error, ValueError):
    """A session name that is not an RFC 7230 token, so it cannot name a cookie."""

    name: str

    def __init__(self, name: str) -> None:
        self.name = name
        super().__init__(f"sessions: invalid character in cookie name: {name}")


class InvalidOptionsError(Error, ValueError):
    """An :class:`~mongostore.sessions.Options` value no cookie can carry."""


class FlashesTypeError(Error, TypeError):
    """The value under a flash key is not a list, so it cannot hold flashes.

    Go's ``Session.Flashes`` panics on the failed type assertion; we raise instead.
    """

    key: object
    found: type

    def __init__(self, key: object, found: object) -> None:
        self.key = key
        self.found = type(found)
        super().__init__(
            f"sessions: value under flash key {key!r} is a {type(found).__name__}, not a list"
        )


class MissingStoreError(Error):
    """A session has no store, so nothing knows how to save it (Go's same message)."""

    def __init__(self, name: str) -> None:
        self.name = name
        # Go prints the name with %q; names are validated RFC 7230 tokens, which
        # contain no character %q would escape, so plain quotes give Go's text.
        super().__init__(f'sessions: missing store for session "{name}"')


class SaveError(Error):
    """One session of a request could not be saved; ``cause`` is the store's exception."""

    name: str
    cause: BaseException

    def __init__(self, name: str, cause: BaseException) -> None:
        self.name = name
        self.cause = cause
        super().__init__(f'sessions: error saving session "{name}" -- {cause}')


class MultiError(ErrorList[Exception], Error):
    """Every failure of a save-all, in save order (Go's ``sessions.MultiError``)."""

    def __init__(self, errors: Iterable[Exception]) -> None:
        self.errors = tuple(errors)
        super().__init__(self._text())
