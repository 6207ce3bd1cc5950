"""Hypothesis profiles: a reproducible one for CI, the library default elsewhere.

On CI (``CI=true``, as most CI services set it) the ``ci`` profile runs:
derandomized, so a red run fails again on the same examples when re-run,
with bounded examples and no deadline (the machine is shared, and timing is
not what these tests check). ``HYPOTHESIS_PROFILE=ci`` (or ``dev``) picks a
profile explicitly, e.g. to reproduce a CI failure locally. Tests that set
their own ``max_examples`` keep it; the profile fills in everything else.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from hypothesis import HealthCheck, settings

#: Examples per property test on CI when the test does not set its own count.
CI_MAX_EXAMPLES = 100

settings.register_profile(
    "ci",
    derandomize=True,
    max_examples=CI_MAX_EXAMPLES,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev")


def profile_for(environ: Mapping[str, str]) -> str:
    """The profile to load: ``HYPOTHESIS_PROFILE`` if set, else ``ci`` on CI, else ``dev``."""
    explicit = environ.get("HYPOTHESIS_PROFILE")
    if explicit:
        return explicit
    if environ.get("CI", "").lower() in ("true", "1", "yes"):
        return "ci"
    return "dev"


settings.load_profile(profile_for(os.environ))
