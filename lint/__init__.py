"""biblint: a data-quality linter for bibliographic records.

Library use (no I/O, no printing, no exits)::

    import biblint

    findings = biblint.lint(record)            # list[Finding]
    result = biblint.fix(record)               # FixResult: .record (a fixed copy), .fixed
    linter = biblint.Linter(biblint.Config(select=("DOI", "XREF")))
    for findings in linter.lint_stream(records): ...
"""

from __future__ import annotations

from .config import Config, ConfigError
from .engine import Linter
from .fixer import FixError, FixResult, converge
from .model import (
    Applicability,
    FileResult,
    Finding,
    Fix,
    JSONValue,
    Origin,
    PatchOp,
    Report,
    Severity,
    Violation,
)
from .profiles import PROFILES, Profile
from .record import Field, Record
from .registry import Context, Option, Rule, rule

__version__ = "0.1.0"

__all__ = [
    "PROFILES",
    "Applicability",
    "Config",
    "ConfigError",
    "Context",
    "Field",
    "FileResult",
    "Finding",
    "Fix",
    "FixError",
    "FixResult",
    "Linter",
    "Option",
    "Origin",
    "PatchOp",
    "Profile",
    "Record",
    "Report",
    "Rule",
    "Severity",
    "Violation",
    "__version__",
    "fix",
    "lint",
    "rule",
]

_default_linter: Linter | None = None


def _linter(config: Config | None) -> Linter:
    """The default linter is built once; with a config, use :class:`Linter` to reuse it."""
    global _default_linter
    if config is not None:
        return Linter(config)
    if _default_linter is None:
        _default_linter = Linter()
    return _default_linter


def lint(record: JSONValue, *, profile: str | Profile | None = None,
         config: Config | None = None) -> list[Finding]:
    """The findings of one record (a parsed JSON object). The record is not mutated."""
    return _linter(config).lint(record, profile=profile)


def fix(record: JSONValue, *, unsafe: bool = False, profile: str | Profile | None = None,
        config: Config | None = None) -> FixResult:
    """A fixed copy of ``record`` with the findings it fixed and those that remain.

    Safe fixes only, unless ``unsafe``. The input is never mutated; fixing is idempotent.
    """
    linter = _linter(config)
    return converge(record, lambda data: linter.lint(data, profile=profile), unsafe=unsafe)
