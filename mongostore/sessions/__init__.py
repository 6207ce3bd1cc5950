"""gorilla/sessions for Python: sessions for any WSGI app, with cookie and file stores.

These are the public names (docs/reference.md describes each). Helpers such
as the ``Cookie`` record or the cookie-name check stay in their modules
(:mod:`mongostore.sessions.cookie`, :mod:`mongostore.cookie_syntax`).
"""

from __future__ import annotations

from mongostore.sessions.cookie import new_cookie as new_cookie
from mongostore.sessions.cookie_store import CookieStore as CookieStore
from mongostore.sessions.errors import FlashesTypeError as FlashesTypeError
from mongostore.sessions.errors import InvalidCookieNameError as InvalidCookieNameError
from mongostore.sessions.errors import InvalidOptionsError as InvalidOptionsError
from mongostore.sessions.errors import MissingStoreError as MissingStoreError
from mongostore.sessions.errors import MultiError as MultiError
from mongostore.sessions.errors import SaveError as SaveError
from mongostore.sessions.filesystem_store import FilesystemStore as FilesystemStore
from mongostore.sessions.options import Options as Options
from mongostore.sessions.options import SameSite as SameSite
from mongostore.sessions.protocol import Store as Store
from mongostore.sessions.registry import Registry as Registry
from mongostore.sessions.registry import get_registry as get_registry
from mongostore.sessions.registry import save as save
from mongostore.sessions.session import Session as Session
from mongostore.sessions.session import new_session as new_session
