"""Shared fixtures, and the Hypothesis profiles.

Hypothesis profiles: ``ci`` is loaded when the environment variable ``CI`` is set (as
``.ci/run`` runs): examples are derandomised (drawn from each test's own fixed seed) and no
example database is read or written, so a CI run repeats exactly and a failure reproduces by
running the same test again. Elsewhere (``make test`` on a developer's machine) the ``dev``
profile draws new examples every run, to keep finding new inputs. Both print the
reproduction blob of a failing example (``@reproduce_failure``). ``HYPOTHESIS_PROFILE``
picks a profile explicitly, e.g. ``HYPOTHESIS_PROFILE=ci make test`` to run as CI does.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

from orplan.scenario import Scenario
from tests.builders import tiny_scenario

settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.register_profile("dev", print_blob=True)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev")
)


@pytest.fixture(scope="session")
def demo() -> Scenario:
    """A generated demo scenario (profile demo, seed 1): 4 theatres, 2 days, about 30 cases.

    Session-wide, as generating takes a moment; tests must not edit it.
    """
    from orplan.generate import generate

    return generate("demo", 1)


@pytest.fixture
def small() -> Scenario:
    """The hand-written tiny scenario in tests/data/tiny.yaml (2 theatres, 2 days, 6 cases)."""
    return tiny_scenario()
