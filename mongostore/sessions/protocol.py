"""The session store interface (Go's ``sessions.Store``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from mongostore.http import RequestLike, ResponseLike
    from mongostore.sessions.session import Session


class Store(Protocol):
    """What a session backend implements.

    Where Go returns a usable session together with a decode error (a bad
    cookie or stored blob), ``get`` and ``new`` return a new session whose
    ``load_error`` is that error; server-side errors raise.
    """

    def get(self, request: RequestLike, name: str) -> Session:
        """The request's session ``name``, cached in the request's registry."""

    def new(self, request: RequestLike, name: str) -> Session:
        """A session loaded afresh from the request, bypassing the registry.

        A cookie or stored data that fails to decode gives a new session with
        ``load_error`` set, never an exception: save-all then replaces the
        bad cookie.
        """

    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        """Persist ``session`` and add its Set-Cookie header to ``response``."""
