"""Fixtures for interop checks against the real Go gorilla code (filled in by the interop work)."""

from __future__ import annotations
