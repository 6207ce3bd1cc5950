"""Shared pytest configuration.

Fixtures live in ``tests/support/*`` modules (one per concern) and are loaded
here as plugins, so every test file can use them without importing. The
Hypothesis profile (reproducible on CI) is chosen in
``tests/support/hypothesis_profiles.py``.
"""

from __future__ import annotations

pytest_plugins = [
    "tests.support.aio",
    "tests.support.golang",
    "tests.support.golive",
    "tests.support.hypothesis_profiles",
    "tests.support.mongo",
]
