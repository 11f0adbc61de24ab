"""biblint: a data-quality linter for bibliographic records.

Library use (no I/O, no printing, no exits)::

    import biblint

    findings = biblint.lint(record)            # list[Finding]
    result = biblint.fix(record)               # FixResult: .record (a fixed copy), .fixed
    linter = biblint.Linter(biblint.Config(select=("DOI", "XREF")))
    for findings in linter.lint_stream(records): ...
"""

from __future__ import annotations

from .lazyre import deferred_compiles

# The package's own modules (the domain library, the profiles, the engine) compile about 40
# patterns at import; with the ``regex`` module's pure-Python compiler that is 15-20 ms of
# every start-up, most of it for patterns a small run never uses. They are compiled when first
# used instead, as the rule modules' are (see biblint.lazyre).
with deferred_compiles():
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


def _one_record(record: object, function: str) -> None:
    """Raise TypeError unless ``record`` is one record (a JSON object): a string or a list
    given by mistake would otherwise lint as nothing and pass silently."""
    if isinstance(record, dict):
        return
    if isinstance(record, (str, bytes, bytearray)):
        hint = "parse it first (json.loads), or check files with Linter.check_paths"
    elif isinstance(record, (list, tuple)):
        hint = "lint each record, or use Linter.lint_stream for a sequence of records"
    else:
        hint = "a record is a dict parsed from JSON"
    raise TypeError(f"biblint.{function}() takes one record (a dict), not "
                    f"{type(record).__name__}: {hint}")


def lint(record: JSONValue, *, profile: str | Profile | None = None,
         config: Config | None = None) -> list[Finding]:
    """The findings of one record (a parsed JSON object). The record is not mutated.

    Raises TypeError for anything but a dict (a JSON string or a list of records)."""
    _one_record(record, "lint")
    return _linter(config).lint(record, profile=profile)


def fix(record: JSONValue, *, unsafe: bool = False, profile: str | Profile | None = None,
        config: Config | None = None) -> FixResult:
    """A fixed copy of ``record`` with the findings it fixed and those that remain.

    Safe fixes only, unless ``unsafe``. The input is never mutated; fixing is idempotent.
    Raises TypeError for anything but a dict.
    """
    _one_record(record, "fix")
    linter = _linter(config)
    return converge(record, lambda data: linter.lint(data, profile=profile), unsafe=unsafe)
