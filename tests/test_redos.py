"""No ReDoS: no rule's time grows faster than the text it reads.

The inputs are bench/redos.py's: a run of what patterns react to, then a terminator that
is not part of the run, inside ordinary text (so that neither trimming nor anchoring removes
the run before a pattern searches it), in every text field of every installed profile. Each
record is linted with every rule at two lengths ten times apart; linear work grows about
10x, a quadratic pattern 100x. A case fails when the growth is beyond ``LIMIT`` with the
larger time above a floor; a suspect is timed again (best of five at both lengths, the two
lengths interleaved so that a change of load hits both) before it fails, so that a busy
machine's noise does not fail the run.

The default run uses the runs that whitespace- and word-based patterns react to at 2,000 and
10,000 characters (a few seconds). ``tox -e fuzz`` (``BIBLINT_REDOS_FULL=1``) runs every
run at 10^5 and 10^6 characters, the lengths of the issue that found the quadratic title
rule (50,000 spaces before a letter took 7 s, 500,000 about 10 minutes).
"""

from __future__ import annotations

import importlib.util
import os
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import regex

from biblint import Violation, rule
from biblint.config import Config
from biblint.engine import Linter
from biblint.profiles import CANONICAL_FIELDS
from biblint.record import Record
from biblint.registry import RECORD, Context, Registry

from .conftest import json_strings

_spec = importlib.util.spec_from_file_location(
    "biblint_bench_redos", Path(__file__).resolve().parent.parent / "bench" / "redos.py")
assert _spec is not None and _spec.loader is not None
redos = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = redos  # dataclasses look their module up there
_spec.loader.exec_module(redos)

FULL = os.environ.get("BIBLINT_REDOS_FULL") == "1"

QUICK_RUNS = ("spaces", "tabs-newlines", "space-letter", "word-dot", "zero-width", "open-tag")
"""The runs of the default run: whitespace, words, separators, tags and names, which the
quadratic patterns found so far reacted to."""

QUICK = (1_000, 10_000)
FULL_SIZES = (100_000, 1_000_000)
LIMIT = {QUICK: 20.0, FULL_SIZES: 30.0}
"""Growth beyond which a case fails, for lengths 10x apart: linear work measures 8-13x at
10^3 -> 10^4 and up to 17x at 10^5 -> 10^6 (half a million findings in a field weigh on
memory), a quadratic pattern 25-50x at the small lengths even diluted by every other rule's
linear work, and near 100x at the large ones."""
FLOOR = {QUICK: 0.05, FULL_SIZES: 0.5}
"""Seconds the larger length must take before its growth is judged."""


def judged(case: object, sizes: tuple[int, int], linter: Linter | None = None
           ) -> redos.Growth | None:
    """The case's growth if it is superlinear even at its best of five, else None."""
    floor, limit = FLOOR.get(sizes, 0.05), LIMIT.get(sizes, 20.0)
    result = redos.growth(case, sizes, 1, linter)
    if not redos.superlinear(result, limit=limit, floor=floor):
        return None
    result = redos.growth(case, sizes, 5, linter)
    return result if redos.superlinear(result, limit=limit, floor=floor) else None


def _report(found: list[redos.Growth]) -> str:
    return "; ".join(f"{g.case.name}: {g.small:.3f} s -> {g.large:.3f} s (x{g.ratio:.0f})"
                     for g in found)


@pytest.mark.parametrize("profile", [p.name for p in redos.profiles()])
def test_no_superlinear_growth_quick(profile: str) -> None:
    found = [g for case in redos.cases() if case.profile == profile and case.run in QUICK_RUNS
             if (g := judged(case, QUICK)) is not None]
    assert not found, _report(found)


@pytest.mark.skipif(not FULL, reason="10^5 and 10^6 characters: tox -e fuzz "
                                     "(BIBLINT_REDOS_FULL=1)")
@pytest.mark.parametrize("profile", [p.name for p in redos.profiles()])
def test_no_superlinear_growth_full(profile: str) -> None:
    found = [g for case in redos.cases() if case.profile == profile
             if (g := judged(case, FULL_SIZES)) is not None]
    assert not found, _report(found)


# -- the suite catches what it is for ---------------------------------------------------------
OLD_SEGMENT_RE = regex.compile(r"\s*+(?::|\s[-–—]\s|\.\s)\s*+")
"""TTL007's separator before the fix: from each position of a run of spaces, ``\\s*+`` took
the rest of the run and then failed, so a search was quadratic in the run's length."""


@rule("ZZZ001", "old-title-split", severity="warning", reads=RECORD)
def old_title_split(record: Record, ctx: Context) -> Iterator[Violation]:
    """The old TTL007 split, as a rule, for the suite to catch.

    ## What it does
    Splits the title on the old separator pattern.
    ## Why is this bad?
    It is quadratic.
    ## Example
    None.
    ## Fix
    None.
    """
    title = record.value("title")
    if isinstance(title, str) and len(OLD_SEGMENT_RE.split(title)) > 1:
        yield Violation("split", "/title")


def test_the_suite_fails_on_the_old_title_pattern() -> None:
    linter = Linter(Config(select=("ZZZ001",)), registry=Registry([old_title_split]))
    case = redos.Case("aggregator", "spaces")
    found = judged(case, QUICK, linter)
    assert found is not None and found.ratio > LIMIT[QUICK]
    # ...and the same input, every real rule: linear.
    assert judged(case, QUICK) is None


def test_the_issue_title_is_prompt() -> None:
    """The reported input: a title of spaces followed by a letter (50,000 took 7 s)."""
    linter = redos.all_rules()
    times = []
    for length in (5_000, 50_000):
        best = float("inf")
        for salt in range(3):  # distinct values: no cache answers
            record = {"title": " " * length + "a", "doi": f"10.1000/{salt}",
                      "authors": ["A. Author"]}
            start = time.perf_counter()
            linter.lint(record)
            best = min(best, time.perf_counter() - start)
        times.append(best)
    result = redos.Growth(redos.Case("generic", "spaces"), times[0], times[1])
    assert not redos.superlinear(result, limit=LIMIT[QUICK], floor=0.05), result


# -- the inputs are what they claim ----------------------------------------------------------


@pytest.mark.parametrize("profile", [p.name for p in redos.profiles()])
def test_every_text_field_of_the_profile_holds_the_input(profile: str) -> None:
    """Every string-valued canonical field of the profile is filled (so a profile added
    later is covered), and every string of the record holds the run, its terminator and
    ordinary text on both sides."""
    case = redos.Case(profile, "spaces")
    record = redos.record_for(case, 50)
    shape = next(p for p in redos.profiles() if p.name == profile)
    text_fields = 0
    for name, pointers in shape.fields.items():
        if CANONICAL_FIELDS.get(name, "").startswith("string") and pointers:
            text_fields += 1
            tokens = pointers[0].split("/")[1:]
            node: object = record
            for token in tokens:
                node = node[int(token)] if isinstance(node, list) else node[token]  # type: ignore[index]
            strings = node if isinstance(node, list) else [node]  # Crossref's title lists
            assert strings and all(isinstance(s, str) for s in strings), (name, pointers[0])
    strings = [s for s in json_strings(record) if redos.PREFIX in s]
    # At least every text field (a PubMed DeleteCitation has none, only PMIDs).
    assert len(strings) >= min(5, text_fields)
    for text in strings:
        assert redos.PREFIX + " " * 50 + "x" + redos.SUFFIX in text
        assert text.strip() == text  # the terminator and the ordinary text defeat trimming
    assert len(set(strings)) == len(strings)  # fields differ


def test_the_terminator_is_not_part_of_the_run() -> None:
    for unit in redos.RUNS.values():
        assert redos.terminator(unit) not in unit
