"""No ReDoS: every rule on long runs of what its patterns react to finishes promptly.

The inputs are bench/redos.py's (which prints the worst times and the x4 growth ratio at a
larger length). Here the length is modest and the bound generous: this is a hang guard (a
pattern with catastrophic backtracking takes minutes or forever on 5,000 characters, a
linear one milliseconds), not a speed measurement.
"""

from __future__ import annotations

import importlib.util
import time
from pathlib import Path

import pytest

from biblint.engine import RuleCrash

_spec = importlib.util.spec_from_file_location(
    "biblint_bench_redos", Path(__file__).resolve().parent.parent / "bench" / "redos.py")
assert _spec is not None and _spec.loader is not None
redos = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(redos)

LENGTH = 5_000
HANG = 5.0  # seconds for one rule on one record: a thousand times what a linear rule takes
LINTERS = redos.linters()


@pytest.mark.parametrize("profile", sorted(redos.BASES))
def test_every_rule_is_prompt_on_pathological_text(profile):
    slow = []
    for record_profile, name, record in redos.pathological(LENGTH):
        if record_profile != profile:
            continue
        for code, linter in LINTERS.items():
            start = time.perf_counter()
            try:
                linter.lint(record, profile=profile)
            except RuleCrash as crash:  # pragma: no cover - reported, not hidden
                pytest.fail(f"{code} crashed on {name}: {crash}")
            elapsed = time.perf_counter() - start
            if elapsed > HANG:
                slow.append(f"{code} on {name}: {elapsed:.1f} s")
    assert slow == []


def test_the_inputs_reach_every_text_field():
    """Each base record has every string field filled, so no rule is left unexercised."""
    for _, _, record in redos.pathological(10):
        strings = []
        stack = [record]
        while stack:
            node = stack.pop()
            if isinstance(node, dict):
                stack.extend(node.values())
            elif isinstance(node, list):
                stack.extend(node)
            elif isinstance(node, str):
                strings.append(node)
        assert strings and all(s for s in strings)
