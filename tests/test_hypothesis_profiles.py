"""The Hypothesis profile choice: reproducible on CI, explicit when asked."""

from __future__ import annotations

from hypothesis import settings

from tests.support.hypothesis_profiles import CI_MAX_EXAMPLES, profile_for


def test_ci_runs_the_derandomized_bounded_profile() -> None:
    assert profile_for({"CI": "true"}) == "ci"
    ci = settings.get_profile("ci")
    assert ci.derandomize
    assert ci.max_examples == CI_MAX_EXAMPLES
    assert ci.database is None


def test_an_explicit_profile_wins_and_the_default_is_dev() -> None:
    assert profile_for({"CI": "true", "HYPOTHESIS_PROFILE": "dev"}) == "dev"
    assert profile_for({"HYPOTHESIS_PROFILE": "ci"}) == "ci"
    assert profile_for({}) == "dev"
    assert profile_for({"CI": "false"}) == "dev"
