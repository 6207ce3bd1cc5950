"""The root of every exception the mongostore package defines.

Callers catch :class:`Error` to handle any mongostore failure in one place;
subclasses (in :mod:`mongostore.sessions.errors` and elsewhere) carry the
typed context. Codec failures stay :class:`securecookie.Error`, and database
failures stay pymongo's exceptions, as the API contract says.
"""

from __future__ import annotations


class Error(Exception):
    """Root exception of the mongostore package."""
