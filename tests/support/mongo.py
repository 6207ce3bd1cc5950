"""The MongoDB fixture: mongomock by default, a real server when MONGODB_URI is set."""

from __future__ import annotations
