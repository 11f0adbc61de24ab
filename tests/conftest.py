"""Shared paths and helpers for the test suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
SEED = FIXTURES / "seed" / "seed-record.json"
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"


@pytest.fixture
def seed_path() -> Path:
    return SEED


def corpus_or_skip() -> Path:
    """The shared corpus; tests that need it skip cleanly in a user's clone."""
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not present (only in the project's workspace)")
    return CORPUS
