"""Sessions kept entirely in the cookie (Go's ``sessions.CookieStore``)."""

from __future__ import annotations

import securecookie
from mongostore.http import RequestLike, ResponseLike, add_set_cookie
from mongostore.sessions.base import CodecStore, default_options, session_values
from mongostore.sessions.cookie import new_cookie
from mongostore.sessions.session import Session


class CookieStore(CodecStore):
    """Session values encoded (signed, optionally encrypted) into the cookie itself.

    Defaults of gorilla 1.4: path "/", max age 30 days, SameSite=None, Secure.
    With no key pairs it still constructs, and every save fails with
    ``securecookie: no codecs provided``, as in Go.
    """

    def __init__(self, *key_pairs: bytes | None) -> None:
        super().__init__(key_pairs, default_options(same_site="None", secure=True))

    def _load(self, name: str, cookie: str) -> Session:
        """The session whose values the cookie itself carries."""
        values = session_values(securecookie.decode_multi(name, cookie, *self.codecs))
        session = self._new_session(name)
        session.values = values
        session.is_new = False
        return session

    def save(self, request: RequestLike, response: ResponseLike, session: Session) -> None:
        """Encode the values into the session's cookie.

        Like Go, a max age < 0 still encodes the values; only the cookie's
        Expires/Max-Age delete it.
        """
        encoded = securecookie.encode_multi(session.name, session.values, *self.codecs)
        add_set_cookie(response, new_cookie(session.name, encoded, session.options))
