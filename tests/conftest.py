"""Shared paths and helpers for the test suite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "seed" / "seed-record.json"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"

# Hypothesis profiles: "default" for everyday runs, "ci" for reproducible CI runs (derandomized,
# failures printed with a reproduction blob), "fuzz" for long local hunts. Choose one with
# HYPOTHESIS_PROFILE=ci|fuzz.
settings.register_profile("default", max_examples=100, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True,
                          print_blob=True)
settings.register_profile("fuzz", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

# The command line keeps a result cache (biblint.cache) in the user's cache folder: the suite's
# runs, and the biblint processes they start, use a folder of their own instead, so that a test
# run neither reads what an earlier one left nor writes into the user's home.
if "BIBLINT_TEST_KEEP_CACHE_DIR" not in os.environ:
    import atexit
    import shutil
    import tempfile

    os.environ["BIBLINT_CACHE_DIR"] = tempfile.mkdtemp(prefix="biblint-test-cache-")
    atexit.register(shutil.rmtree, os.environ["BIBLINT_CACHE_DIR"], ignore_errors=True)


@pytest.fixture
def seed_path() -> Path:
    return SEED


def corpus_or_skip() -> Path:
    """The shared corpus; tests that need it skip cleanly in a user's clone."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present (only in the project's workspace)")
    return CORPUS


def json_strings(value: Any) -> Iterator[str]:
    """Every string in a JSON value (keys left out), in document order."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from json_strings(item)
