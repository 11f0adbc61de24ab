"""Data-driven rule cases (sqlfluff's YAML rule cases are the model), for biblint and plugins.

A case file ``<CODE>.yml`` holds::

    rule: XREF001
    cases:
      - name: doi-url-null                 # unique within the file
        profile: aggregator                # optional: force a profile (default: detect)
        record: {doi: "10.1/x", DOIUrl: null}
        violations: [/DOIUrl]              # pointers this rule must report, nothing else
        fixed: {doi: "10.1/x", DOIUrl: "https://doi.org/10.1/x"}   # after fixing
        unsafe: false                      # fixed uses unsafe fixes too (default false)
        options: {ratio: 0.8}              # optional rule options
      - name: input-rule-case              # input rules: raw file text instead of a record
        filename: case.jsonl
        text: "{\"a\": 1}\n{broken\n"
        violations: [{line: 2, column: 2}]
      - name: unreadable                   # or: a path that does not exist
        missing_file: true
        violations: [{message: "cannot read"}]

A case with ``records: [...]`` lints them as one stream (for rules that compare records);
its violations name the ``record`` index. A violation is a pointer string or a mapping with
any of ``pointer``, ``record``, ``line``, ``column``, ``message`` (a substring of the
message). :func:`check_case` raises AssertionError with a readable explanation when a case
does not hold. PyYAML is needed only here (the ``test`` extra).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .config import Config
from .engine import Linter
from .fixer import applicable, converge
from .model import Finding
from .registry import Registry


@dataclass(frozen=True)
class RuleCase:
    rule: str
    name: str
    data: Mapping[str, Any]
    source: str

    @property
    def id(self) -> str:
        return f"{self.rule}:{self.name}"


def load_cases(folder: Path) -> list[RuleCase]:
    """Every case of every ``*.yml`` file in ``folder``, in file order."""
    import yaml

    class _Loader(yaml.SafeLoader):
        """Keeps dates as strings: a record's "2025-08-23" must stay a string."""

    _Loader.yaml_implicit_resolvers = {
        key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    cases: list[RuleCase] = []
    for path in sorted(folder.glob("*.yml")):
        with path.open(encoding="utf-8") as handle:
            content = yaml.load(handle, Loader=_Loader)
        code = content["rule"]
        names: set[str] = set()
        for entry in content["cases"]:
            if entry["name"] in names:
                raise ValueError(f"{path}: case name {entry['name']!r} is used twice")
            names.add(entry["name"])
            cases.append(RuleCase(code, entry["name"], entry, str(path)))
    return cases


def _linter(case: RuleCase, registry: Registry | None) -> Linter:
    options = case.data.get("options")
    config = Config(select=(case.rule,), rules={case.rule: options} if options else {})
    return Linter(config, registry=registry)


def _only(findings: list[Finding], code: str) -> list[Finding]:
    return [f for f in findings if f.code == code]


def _matches(finding: Finding, expected: Any) -> bool:
    if isinstance(expected, str):
        return finding.pointer == expected
    checks: dict[str, Callable[[Any], bool]] = {
        "pointer": lambda v: finding.pointer == v,
        "line": lambda v: finding.line == v,
        "column": lambda v: finding.column == v,
        "message": lambda v: v in finding.message,
        "record": lambda v: finding.record == v,
    }
    return all(checks[key](value) for key, value in expected.items())


def _findings(case: RuleCase, linter: Linter) -> list[Finding]:
    if case.data.get("missing_file"):
        import tempfile

        with tempfile.TemporaryDirectory() as folder:
            absent = Path(folder) / case.data.get("filename", "absent.json")
            return _only(linter.check_paths([absent]).findings, case.rule)
    if "records" in case.data:  # run rules: a stream of records, findings of every record
        stream = linter.lint_stream(case.data["records"], profile=case.data.get("profile"))
        return [f for findings in stream for f in _only(findings, case.rule)]
    if "text" in case.data:
        filename = case.data.get("filename", "case.json")
        data = case.data["text"].encode("utf-8", "surrogateescape")
        return _only(linter.check_bytes(data, filename).findings, case.rule)
    return _only(linter.lint(case.data["record"], profile=case.data.get("profile")), case.rule)


def check_case(case: RuleCase, registry: Registry | None = None) -> None:
    """Assert that a case holds: exactly its violations, and its fixed form when given."""
    linter = _linter(case, registry)
    found = _findings(case, linter)
    expected = list(case.data.get("violations", []))
    unmatched = list(found)
    for want in expected:
        hit = next((f for f in unmatched if _matches(f, want)), None)
        if hit is None:
            shown = [(f.pointer, f.line, f.column, f.message) for f in found]
            raise AssertionError(f"{case.id}: expected a finding {want!r}, got {shown}")
        unmatched.remove(hit)
    if unmatched:
        extra = [(f.pointer, f.message) for f in unmatched]
        raise AssertionError(f"{case.id}: unexpected findings {extra}")
    if "fixed" in case.data:
        unsafe = bool(case.data.get("unsafe", False))
        profile = case.data.get("profile")
        result = converge(case.data["record"],
                          lambda d: linter.lint(d, profile=profile), unsafe=unsafe)
        if result.record != case.data["fixed"]:
            raise AssertionError(
                f"{case.id}: fixed record differs\n  got:      {result.record!r}\n"
                f"  expected: {case.data['fixed']!r}")
        again = converge(result.record, lambda d: linter.lint(d, profile=profile),
                         unsafe=unsafe)
        if again.fixed or any(applicable(f, unsafe) for f in again.remaining):
            raise AssertionError(f"{case.id}: fixing is not idempotent")

