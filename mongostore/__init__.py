"""gorilla/sessions for Python, with a MongoDB session store shared with Go services."""

from __future__ import annotations

from mongostore.lifetimes import SaveAction as SaveAction
from mongostore.lifetimes import SessionInfo as SessionInfo
from mongostore.store import MongoStore as MongoStore
from mongostore.store import new_store as new_store
