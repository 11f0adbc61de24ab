"""Patterns of the rule modules compiled on first use (biblint.lazyre)."""

from __future__ import annotations

import subprocess
import sys

import regex

from biblint.lazyre import LazyPattern, deferred_compiles


def test_a_lazy_pattern_compiles_on_first_use_and_behaves_as_compiled():
    scope: dict[str, object] = {"__name__": "biblint.example", "regex": regex}
    with deferred_compiles():
        with deferred_compiles():  # nested: still deferred
            exec('pattern = regex.compile(r"\\p{Lu}(\\d+)", regex.V1)', scope)
        # Outside biblint (a plugin, this test module): compiled at once.
        assert not isinstance(regex.compile("x"), LazyPattern)
    pattern = scope["pattern"]
    assert isinstance(pattern, LazyPattern)
    assert regex.compile is not None and not isinstance(regex.compile("a"), LazyPattern)
    assert pattern._compiled is None
    found = pattern.search("xx A12")
    assert found is not None and found.group(1) == "12"
    assert pattern._compiled is not None and "search" in pattern.__dict__
    assert pattern.sub("-", "B3 c4 D5") == "- c4 -"
    assert pattern.pattern == r"\p{Lu}(\d+)" and pattern.flags & regex.V1
    assert [m.group() for m in pattern.finditer("A1 B2")] == ["A1", "B2"]


_COMPILE_ALL = """
import sys
import regex
from biblint.lazyre import LazyPattern
from biblint.registry import default_registry

default_registry()
lazy = [value for name, module in list(sys.modules.items())
        if name.startswith("biblint.") for value in vars(module).values()
        if isinstance(value, LazyPattern)]
for pattern in lazy:
    assert isinstance(pattern.compiled(), regex.Pattern), pattern
print(len(lazy))
"""


def test_every_deferred_pattern_of_the_rules_compiles():
    # A fresh interpreter: a test module that imports a rule module at collection (outside
    # the registry's window) would leave that module's patterns compiled already.
    done = subprocess.run([sys.executable, "-c", _COMPILE_ALL], capture_output=True,
                          text=True, check=True)
    assert int(done.stdout) > 50


def test_the_package_defers_the_patterns_of_its_own_modules():
    """The domain library is imported by the package (not by the registry): its patterns
    are deferred too, so a start-up compiles only the patterns a run uses."""
    import biblint.domain.doi as doi

    assert any(isinstance(value, LazyPattern) for value in vars(doi).values())
