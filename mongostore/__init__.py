"""gorilla/sessions for Python, with a MongoDB session store shared with Go services."""

from __future__ import annotations
