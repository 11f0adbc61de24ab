"""Shared paths and helpers for the test suite."""

from __future__ import annotations

import os
from pathlib import Path

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


@pytest.fixture
def seed_path() -> Path:
    return SEED


def corpus_or_skip() -> Path:
    """The shared corpus; tests that need it skip cleanly in a user's clone."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present (only in the project's workspace)")
    return CORPUS
