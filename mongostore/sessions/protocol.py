"""The session store interface (Go's ``sessions.Store``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mongostore.http import RequestLike, ResponseLike
    from mongostore.sessions.session import Session


class Store(Protocol):
    """What a session backend implements.

    Where Go returns a usable session together with an error, ``get`` and
    ``new`` raise the error with the session attached as ``err.session``.
    """

    def get(self, request: RequestLike, name: str) -> Session:
        """The request's session ``name``, cached in the request's registry."""

    def new(self, request: RequestLike, name: str) -> Session:
        """A session loaded afresh from the request, bypassing the registry.

        Must attach a fresh session to any exception it raises (``err.session``),
        so the registry can still save a replacement cookie.
        """

    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        """Persist ``session`` and add its Set-Cookie header to ``response``."""
