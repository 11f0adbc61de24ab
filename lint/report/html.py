"""``html``: a data-quality report people would rather look at than ten thousand lines.

One self-contained HTML file (inline CSS and SVG, no script, nothing fetched from the network)
with: the completeness of each canonical field per profile and per source file (heat maps);
the findings by severity, family and code (bar charts); the fixable share and what ``--fix``
would change; the files and records with most findings; per code its description and a few
sampled findings (value, position, fix); and, given the JSON report of an earlier run, what
improved and what got worse, per code and per file.

It is written by ``biblint report PATH... -o report.html`` and by ``biblint check
--output-format html:PATH`` (a CI job publishes it as an artifact).

The report is built from the events of a run (:meth:`biblint.Linter.iter_check`) by
:class:`HtmlSummary`, which keeps bounded summaries only: exact counts (per code, severity,
file, profile and canonical field), a reservoir of :data:`EXAMPLES` sampled findings per code,
and the :data:`TOP_RECORDS` records with most findings. So a 1 GB JSON Lines input takes the
engine's bounded memory, and the page stays small whatever the number of findings.
Completeness and the examples' values come from each record's
:class:`~biblint.model.Census`, taken by the engine as the record goes by when the run's
config asks for it (``Config.census``); a report rendered from a finished
:class:`~biblint.model.Report` has no census and says so.

The page and its charts are Jinja2 templates (``templates/``, autoescaped); the geometry of
the charts is computed here. The palette is Okabe and Ito's (distinguishable with every
common colour-vision deficiency) and the heat maps use viridis; every chart has a title and
description for screen readers, its numbers written on it, and the table of its data behind
it.
"""

from __future__ import annotations

import heapq
import json
import math
import os
import random
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from ..model import (
    Applicability,
    Census,
    Event,
    FileFinished,
    FileStarted,
    Finding,
    LateFindings,
    RecordChecked,
    Report,
    Severity,
)
from .common import applicable
from .stream import StreamReporter, replay

if TYPE_CHECKING:
    import jinja2

    from . import RenderOptions

EXAMPLES = 3
"""Sampled findings kept per code (a reservoir: every finding has the same chance)."""
TOP_RECORDS = 20
"""Records with most findings listed."""
TOP_FILES = 15
"""Files in the chart of files with most findings (the table lists :data:`TABLE_FILES`)."""
TABLE_FILES = 100
HEAT_FILES = 25
"""Files in the per-file completeness heat map (those with most records)."""
MAX_FILES = 20_000
"""Files with their own counts; findings of further files are counted under one row."""
TOP_CODES = 40
"""Codes in the per-code bar chart (the table behind it lists them all)."""
MAX_ERRORS = 100
SEED = 12
"""The sampling is random but repeatable: the same run gives the same examples."""

OTHER_FILES = "(other files)"

PALETTE = {
    # Okabe & Ito (2008), "Color Universal Design": safe for the common colour deficiencies.
    "error": "#D55E00",  # vermillion
    "warning": "#E69F00",  # orange
    "info": "#0072B2",  # blue
    "safe": "#009E73",  # bluish green
    "unsafe": "#CC79A7",  # reddish purple
    "none": "#A0A0A0",  # grey
    "fixed": "#009E73",
    "new": "#D55E00",
}

_VIRIDIS = ("#440154", "#482475", "#414487", "#355F8D", "#2A788E", "#21918C", "#22A884",
            "#44BF70", "#7AD151", "#BDDF26", "#FDE725")
"""Viridis at 0%, 10%, ... 100%: perceptually even, readable in grey and by colour-blind
readers."""

SEVERITIES = ("error", "warning", "info")
_LABELS = {s: s.label for s in Severity}


# -- the summary of a run -------------------------------------------------------------------


@dataclass
class Example:
    """One sampled finding, as the page shows it."""

    code: str
    message: str
    file: str
    record: int | None
    line: int | None
    column: int | None
    pointer: str
    value: str | None
    fix_title: str | None
    fix_applicability: str | None
    fix_ops: str | None

    @classmethod
    def of(cls, finding: Finding, value: str | None) -> Example:
        fix = finding.fix
        return cls(finding.code, finding.message, finding.file or "-", finding.record,
                   finding.line, finding.column, finding.pointer, value,
                   fix.title if fix else None, fix.applicability.label if fix else None,
                   _ops(fix.to_dict()["ops"]) if fix else None)

    @property
    def position(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        return where


def _ops(ops: Any) -> str:
    """A fix's JSON Patch operations, one a line, each value cut short for the page
    (``replace /title/0 = "Evolutionary Ecology"``)."""
    from ..census import excerpt

    if not isinstance(ops, list):
        return excerpt(ops)
    lines = []
    for op in ops[:6]:
        if not isinstance(op, dict):
            lines.append(excerpt(op))
            continue
        text = f"{op.get('op', '?')} {op.get('path', '')}"
        if "value" in op:
            text += f" = {excerpt(op['value'], 90)}"
        lines.append(text)
    if len(ops) > 6:
        lines.append(f"… {len(ops) - 6} more operations")
    return "\n".join(lines)


@dataclass
class CodeTally:
    """Exact counts of one code, and its sampled examples."""

    code: str
    name: str
    severity: str
    count: int = 0
    safe: int = 0
    """Findings with a safe fix."""
    unsafe: int = 0
    """Findings with an unsafe fix."""
    fixed: int = 0
    """Findings that this run's ``--fix`` removed."""
    files: set[str] = field(default_factory=set)
    examples: list[Example] = field(default_factory=list)
    fix_example: Example | None = None
    """The first finding with a fix (what ``--fix`` does for the code)."""

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")


@dataclass
class FileTally:
    """Exact counts of one file."""

    path: str
    order: int
    records: int = 0
    findings: int = 0
    severity: Counter[str] = field(default_factory=Counter)
    fixable: int = 0
    """Findings that ``--fix`` (with the run's ``--unsafe-fixes``) would fix."""
    fix_records: int = 0
    """Records with at least one such finding."""
    fixed: int = 0
    errors: int = 0


@dataclass
class Fill:
    """Completeness counts: records per profile, and records that fill each field."""

    profiles: Counter[str] = field(default_factory=Counter)
    filled: Counter[str] = field(default_factory=Counter)

    def add(self, census: Census) -> None:
        self.profiles[census.profile] += 1
        filled = self.filled
        for name in census.filled:
            filled[name] += 1

    @property
    def records(self) -> int:
        return sum(self.profiles.values())


class CompareError(ValueError):
    """The previous report cannot be compared with (the message names the file)."""


class Comparison:
    """This run against the JSON report of an earlier one (``--compare previous.json``).

    Findings are matched by file and fingerprint (as baselines match them: stable across
    edits elsewhere in a file), up to their count. A finding of this run with no match is
    new; a finding of the earlier run left unmatched at the end was fixed (or its record or
    rule is gone). Only the earlier report is held, never this run's findings.
    """

    def __init__(self, previous: Mapping[str, Any], source: str) -> None:
        self.source = source
        findings = previous.get("findings")
        if previous.get("version") != 1 or not isinstance(findings, list):
            raise CompareError(f"{source}: not a biblint JSON report (version 1 with a "
                               "'findings' list; write one with --output-format json)")
        self.pending: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.before_code: Counter[str] = Counter()
        self.before_file: Counter[str] = Counter()
        self.names: dict[str, str] = {}
        for index, item in enumerate(findings):
            if not (isinstance(item, dict) and isinstance(item.get("code"), str)
                    and isinstance(item.get("fingerprint"), str)):
                raise CompareError(f"{source}: finding {index} has no code or fingerprint")
            file = str(item.get("file") or "-")
            self.pending.setdefault((file, item["fingerprint"]), []).append(item)
            self.before_code[item["code"]] += 1
            self.before_file[file] += 1
            if isinstance(item.get("name"), str):
                self.names.setdefault(item["code"], item["name"])
        summary = previous.get("summary")
        summary = summary if isinstance(summary, dict) else {}
        self.before_records = summary.get("records")
        self.before_files = summary.get("files")
        self.new_code: Counter[str] = Counter()
        self.new_file: Counter[str] = Counter()
        self.new_examples: dict[str, list[Example]] = {}
        self.seen_new: Counter[str] = Counter()

    @classmethod
    def load(cls, path: str | Path) -> Comparison:
        try:
            data = json.loads(Path(path).read_bytes())
        except OSError as exc:
            raise CompareError(f"{path}: cannot read: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise CompareError(f"{path}: not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise CompareError(f"{path}: not a biblint JSON report (not an object)")
        return cls(data, str(path))

    def see(self, finding: Finding, value: str | None, rng: random.Random) -> None:
        key = (finding.file or "-", finding.fingerprint)
        matches = self.pending.get(key)
        if matches:
            matches.pop()
            if not matches:
                del self.pending[key]
            return
        self.new_code[finding.code] += 1
        self.new_file[key[0]] += 1
        _sample(self.new_examples.setdefault(finding.code, []), self.seen_new, finding.code,
                lambda: Example.of(finding, value), rng)

    def fixed(self) -> tuple[Counter[str], Counter[str], dict[str, list[Example]]]:
        """What the earlier run had and this one has not: per code, per file, examples."""
        by_code: Counter[str] = Counter()
        by_file: Counter[str] = Counter()
        examples: dict[str, list[Example]] = {}
        for (file, _), items in self.pending.items():
            for item in items:
                by_code[item["code"]] += 1
                by_file[file] += 1
                kept = examples.setdefault(item["code"], [])
                if len(kept) < EXAMPLES:
                    kept.append(_previous_example(item, file))
        return by_code, by_file, examples


def _previous_example(item: Mapping[str, Any], file: str) -> Example:
    def number(key: str) -> int | None:
        value = item.get(key)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    fix = item.get("fix") if isinstance(item.get("fix"), dict) else None
    return Example(str(item["code"]), str(item.get("message", "")), file, number("record"),
                   number("line"), number("column"), str(item.get("pointer", "")), None,
                   str(fix.get("title")) if fix else None,
                   str(fix.get("applicability")) if fix else None,
                   _ops(fix.get("ops")) if fix else None)


def _sample(kept: list[Example], seen: Counter[str], code: str, make: Any,
            rng: random.Random) -> None:
    """Reservoir sampling (algorithm R): after n findings of ``code``, each of them is among
    the :data:`EXAMPLES` kept with the same chance; an example is built only when kept."""
    seen[code] += 1
    n = seen[code]
    if len(kept) < EXAMPLES:
        kept.append(make())
    else:
        slot = int(rng.random() * n)
        if slot < EXAMPLES:
            kept[slot] = make()


class HtmlSummary:
    """Bounded summaries of a run, fed one event at a time (see the module docstring)."""

    def __init__(self, options: RenderOptions, *, compare: Comparison | None = None,
                 title: str | None = None, inputs: Sequence[str] = ()) -> None:
        self.options = options
        self.compare = compare
        self.title = title or "biblint data-quality report"
        self.inputs = list(inputs)
        self.rng = random.Random(SEED)
        self.codes: dict[str, CodeTally] = {}
        self.seen: Counter[str] = Counter()
        self.files: dict[str, FileTally] = {}
        self.by_profile: dict[str, Counter[str]] = {}
        """Per profile, the records that fill each field (and ``""``: all its records)."""
        self.by_file: dict[str, Fill] = {}
        self.fields: dict[str, tuple[str, ...]] = {}
        """The canonical fields each profile seen maps."""
        self.census_taken = False
        self.records = 0
        self.findings = 0
        self.errors: list[str] = []
        self.error_count = 0
        self.top: list[tuple[int, int, str, int | None, int | None, tuple[str, ...]]] = []
        """A min-heap of (findings, -order, file, record, line, codes): the records with
        most findings (earlier records win ties)."""
        self._order = 0

    # -- feeding --------------------------------------------------------------------------
    def add(self, event: Event) -> None:
        if isinstance(event, RecordChecked):
            self._file(event.path)
            census = event.census
            if census is not None:
                self._census(event.path, census)
            if event.findings:
                values = census.values if census is not None else {}
                self._record(event.path, event.index, event.findings, values)
        elif isinstance(event, FileStarted):
            self._file(event.path)
        elif isinstance(event, FileFinished):
            result = event.result
            tally = self._file(result.path)
            tally.records += result.records
            self.records += result.records
            tally.fixed += len(result.fixed)
            for finding in result.fixed:
                self._code(finding).fixed += 1
            tally.errors += len(result.errors)
            self.error_count += len(result.errors)
            room = MAX_ERRORS - len(self.errors)
            if room > 0:
                self.errors.extend(result.errors[:room])
            # Findings not sent per record (a whole file fixed or diffed): group by record.
            for index, group in groupby(result.findings, key=lambda f: f.record):
                self._record(result.path, index, list(group), {})
        elif isinstance(event, LateFindings):
            self._file(event.path)
            for index, group in groupby(event.findings, key=lambda f: f.record):
                self._record(event.path, index, list(group), {}, late=True)

    def _file(self, path: str) -> FileTally:
        tally = self.files.get(path)
        if tally is None:
            if len(self.files) >= MAX_FILES:
                path = OTHER_FILES
                tally = self.files.get(path)
            if tally is None:
                tally = self.files[path] = FileTally(path, len(self.files))
        return tally

    def _code(self, finding: Finding) -> CodeTally:
        tally = self.codes.get(finding.code)
        if tally is None:
            tally = self.codes[finding.code] = CodeTally(finding.code, finding.name,
                                                         finding.severity.label)
        return tally

    def _census(self, path: str, census: Census) -> None:
        self.census_taken = True
        if census.profile not in self.fields:
            self.fields[census.profile] = census.fields
        counts = self.by_profile.get(census.profile)
        if counts is None:
            counts = self.by_profile[census.profile] = Counter()
        counts[""] += 1
        for name in census.filled:
            counts[name] += 1
        fill = self.by_file.get(path)
        if fill is None:
            if len(self.by_file) >= MAX_FILES:
                path = OTHER_FILES
                fill = self.by_file.get(path)
            if fill is None:
                fill = self.by_file[path] = Fill()
        fill.add(census)

    def _record(self, path: str, index: int | None, found: Sequence[Finding],
                values: Mapping[str, str], *, late: bool = False) -> None:
        tally = self._file(path)
        options = self.options
        fixable = False
        for finding in found:
            code = self._code(finding)
            code.count += 1
            if len(code.files) < MAX_FILES:
                code.files.add(path)
            fix = finding.fix
            if fix is not None:
                if fix.applicability is Applicability.SAFE:
                    code.safe += 1
                else:
                    code.unsafe += 1
                if code.fix_example is None:
                    code.fix_example = Example.of(finding, values.get(finding.fingerprint))
                if applicable(finding, options):
                    tally.fixable += 1
                    fixable = True
            tally.severity[_LABELS[finding.severity]] += 1
            _sample(code.examples, self.seen, finding.code,
                    lambda f=finding: Example.of(f, values.get(f.fingerprint)), self.rng)
            if self.compare is not None:
                self.compare.see(finding, values.get(finding.fingerprint), self.rng)
        count = len(found)
        tally.findings += count
        self.findings += count
        if fixable and index is not None and not late:
            tally.fix_records += 1
        if index is None:
            return
        if late:
            # A cross-record finding judged at the end of the run: it counts for a record
            # already listed, or one that it lifts among those with most findings.
            for position, entry in enumerate(self.top):
                if entry[2] == path and entry[3] == index:
                    codes = tuple(sorted({*entry[5], *(f.code for f in found)}))
                    self.top[position] = (entry[0] + count, entry[1], path, index, entry[4],
                                          codes)
                    heapq.heapify(self.top)
                    return
        self._order += 1
        line = min((f.line for f in found if f.line is not None), default=None)
        entry = (count, -self._order, path, index, line, ())
        if len(self.top) < TOP_RECORDS:
            heapq.heappush(self.top, (*entry[:5], _codes(found)))
        elif entry[:2] > self.top[0][:2]:
            heapq.heapreplace(self.top, (*entry[:5], _codes(found)))

    # -- the page ---------------------------------------------------------------------------
    def render(self) -> str:
        return _environment().get_template("report.html.j2").render(page=self.page())

    def page(self) -> dict[str, Any]:
        """Everything the template shows: plain values, charts with their geometry."""
        codes = sorted(self.codes.values(), key=lambda c: (-c.count, c.code))
        severity = Counter[str]()
        for tally in self.codes.values():
            severity[tally.severity] += tally.count
        families: dict[str, Counter[str]] = {}
        for tally in codes:
            families.setdefault(tally.family, Counter())[tally.severity] += tally.count
        safe = sum(c.safe for c in codes)
        unsafe = sum(c.unsafe for c in codes)
        applicable_count = sum(t.fixable for t in self.files.values())
        files = sorted(self.files.values(), key=lambda t: (-t.findings, t.order))
        base, short = _relative([t.path for t in self.files.values()])
        page: dict[str, Any] = {
            "title": self.title,
            "generated": _now(),
            "version": _version(),
            "inputs": self.inputs,
            "palette": PALETTE,
            "totals": {
                "files": len(self.files),
                "records": self.records,
                "findings": self.findings,
                "codes": len(codes),
                "error": severity["error"], "warning": severity["warning"],
                "info": severity["info"],
                "safe": safe, "unsafe": unsafe, "none": self.findings - safe - unsafe,
                "applicable": applicable_count,
                "fix_records": sum(t.fix_records for t in self.files.values()),
                "fix_files": sum(1 for t in self.files.values() if t.fixable),
                "fixed": sum(t.fixed for t in self.files.values()),
                "errors": self.error_count,
                "clean_files": sum(1 for t in self.files.values() if not t.findings),
            },
            "unsafe_fixes": self.options.unsafe_fixes,
            "fixing": self.options.fixing,
            "errors": self.errors,
            "census": self.census_taken,
            "severity_chart": severity_chart(severity),
            "family_chart": stacked_chart(
                "chart-families", "Findings by rule family",
                [(name, counts) for name, counts in sorted(
                    families.items(), key=lambda kv: (-sum(kv[1].values()), kv[0]))],
                label_width=60, plot=420),
            "families": [
                {"family": name, "total": sum(counts.values()),
                 **{s: counts[s] for s in SEVERITIES}}
                for name, counts in sorted(families.items(),
                                           key=lambda kv: (-sum(kv[1].values()), kv[0]))],
            "code_chart": code_chart(codes[:TOP_CODES], len(codes)),
            "codes": [_code_row(c) for c in codes],
            "fix_chart": share_chart(safe, unsafe, self.findings - safe - unsafe),
            "fix_codes": [_code_row(c) for c in sorted(
                (c for c in codes if c.safe or c.unsafe),
                key=lambda c: (-(c.safe + c.unsafe), c.code))],
            "file_chart": stacked_chart(
                "chart-files", "Files with most findings",
                [(t.path, t.severity) for t in files[:TOP_FILES] if t.findings],
                label_width=340, plot=520, shown=short),
            "base": base,
            "files": [_file_row(t) for t in files[:TABLE_FILES] if t.findings],
            "files_with_findings": sum(1 for t in files if t.findings),
            "records": [
                {"findings": count, "file": path, "record": index, "line": line,
                 "codes": ", ".join(codes_)}
                for count, _, path, index, line, codes_ in sorted(
                    self.top, key=lambda e: (-e[0], -e[1]))],
            "rules": [_rule_view(c) for c in codes],
        }
        page.update(self._completeness(short))
        page["compare"] = self._comparison(codes) if self.compare is not None else None
        return page

    def _completeness(self, short: Mapping[str, str]) -> dict[str, Any]:
        from ..profiles import CANONICAL_FIELDS

        mapped = {name for fields in self.fields.values() for name in fields}
        columns = [name for name in CANONICAL_FIELDS if name in mapped]
        profile_rows = []
        for profile, counts in sorted(self.by_profile.items(),
                                      key=lambda kv: (-kv[1][""], kv[0])):
            fields = self.fields.get(profile, ())
            records = counts[""]
            cells = [(counts[name], records) if name in fields else None for name in columns]
            profile_rows.append((profile, f"{records} records", cells))
        file_rows = []
        fills = sorted(self.by_file.items(), key=lambda kv: (-kv[1].records, kv[0]))
        for path, fill in fills[:HEAT_FILES]:
            cells = []
            for name in columns:
                denominator = sum(n for p, n in fill.profiles.items()
                                  if name in self.fields.get(p, ()))
                cells.append((fill.filled[name], denominator) if denominator else None)
            profiles = ", ".join(p for p, _ in fill.profiles.most_common())
            file_rows.append((short.get(path, path), f"{fill.records} records ({profiles})",
                              cells))
        return {
            "columns": columns,
            "column_help": {name: CANONICAL_FIELDS[name] for name in columns},
            "profile_heat": heat_map("heat-profiles", "Completeness per profile",
                                     columns, profile_rows),
            "file_heat": heat_map("heat-files", "Completeness per source file",
                                  columns, file_rows),
            "more_files": max(0, len(fills) - HEAT_FILES),
        }

    def _comparison(self, codes: Sequence[CodeTally]) -> dict[str, Any]:
        compare = self.compare
        assert compare is not None
        fixed_code, fixed_file, fixed_examples = compare.fixed()
        now_code = {c.code: c.count for c in codes}
        now_file = {t.path: t.findings for t in self.files.values()}
        names = dict(compare.names)
        names.update({c.code: c.name for c in codes})

        def rows(before: Mapping[str, int], now: Mapping[str, int], fixed: Mapping[str, int],
                 new: Mapping[str, int]) -> list[dict[str, Any]]:
            keys = set(before) | {k for k, v in now.items() if v} | set(fixed) | set(new)
            out: list[dict[str, Any]] = [
                {"key": k, "name": names.get(k, ""), "before": before.get(k, 0),
                 "now": now.get(k, 0), "fixed": fixed.get(k, 0), "new": new.get(k, 0),
                 "change": now.get(k, 0) - before.get(k, 0)} for k in keys]
            out.sort(key=lambda r: (-(r["fixed"] + r["new"]), r["key"]))
            return out

        by_code = rows(compare.before_code, now_code, fixed_code, compare.new_code)
        by_file = rows(compare.before_file, now_file, fixed_file, compare.new_file)
        more_files = max(0, len(by_file) - TABLE_FILES)
        return {
            "source": compare.source,
            "before": sum(compare.before_code.values()),
            "now": self.findings,
            "fixed": sum(fixed_code.values()),
            "new": sum(compare.new_code.values()),
            "before_records": compare.before_records,
            "by_code": by_code,
            "by_file": by_file[:TABLE_FILES],
            "more_files": more_files,
            "improved": [r for r in by_code if r["change"] < 0],
            "worse": [r for r in by_code if r["change"] > 0],
            "chart": diverging_chart("chart-compare", "Fixed and new findings per code",
                                     [r for r in by_code if r["fixed"] or r["new"]][:TOP_CODES]),
            "new_examples": {k: v for k, v in sorted(compare.new_examples.items())},
            "fixed_examples": {k: v for k, v in sorted(fixed_examples.items())},
        }


def _relative(paths: Sequence[str]) -> tuple[str, dict[str, str]]:
    """The folder that all ``paths`` share (when there are several) and each path below it,
    for labels on charts (tables keep the paths as given)."""
    real = [p for p in paths if p != OTHER_FILES]
    if len(real) < 2:
        return "", {}
    try:
        base = os.path.commonpath(real)
    except ValueError:  # absolute and relative paths mixed
        return "", {}
    if not base or base in real:
        return "", {}
    cut = len(base.rstrip("/")) + 1
    return base, {p: p[cut:] for p in real}


def _codes(found: Sequence[Finding]) -> tuple[str, ...]:
    return tuple(code for code, _ in Counter(f.code for f in found).most_common(4))


def _code_row(tally: CodeTally) -> dict[str, Any]:
    return {"code": tally.code, "name": tally.name, "severity": tally.severity,
            "family": tally.family, "count": tally.count, "safe": tally.safe,
            "unsafe": tally.unsafe, "fixed": tally.fixed,
            "files": len(tally.files), "fix_example": tally.fix_example}


def _file_row(tally: FileTally) -> dict[str, Any]:
    return {"path": tally.path, "records": tally.records, "findings": tally.findings,
            "error": tally.severity["error"], "warning": tally.severity["warning"],
            "info": tally.severity["info"], "fixable": tally.fixable, "fixed": tally.fixed,
            "errors": tally.errors}


def _rule_view(tally: CodeTally) -> dict[str, Any]:
    summary, what = _rule_doc(tally.code)
    return {**_code_row(tally), "summary": summary, "what": what,
            "examples": sorted(tally.examples,
                               key=lambda e: (e.file, e.record or 0, e.line or 0))}


@cache
def _rule_doc(code: str) -> tuple[str, str]:
    """A rule's one-line summary and its "What it does" paragraph (empty when unknown)."""
    from ..registry import default_registry

    try:
        item = default_registry().get(code)
    except KeyError:
        return "", ""
    match = re.search(r"^## What it does\s*\n(.*?)(?=^## |\Z)", item.doc, re.S | re.M)
    what = " ".join(match.group(1).split()) if match else ""
    summary = " ".join(item.doc.strip().split("\n\n", 1)[0].split())  # may wrap lines
    return summary, what


def _now() -> str:
    """The time of the report, in UTC; ``SOURCE_DATE_EPOCH`` fixes it (reproducible output)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (datetime.fromtimestamp(int(epoch), timezone.utc) if epoch and epoch.isdigit()
              else datetime.now(timezone.utc))
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def _version() -> str:
    from .. import __version__

    return __version__


# -- chart geometry -------------------------------------------------------------------------


@dataclass
class Segment:
    x: float
    width: float
    value: int
    key: str
    """The palette key (a severity, a fix kind)."""
    label: str


@dataclass
class Bar:
    y: float
    label: str
    full: str
    """The whole label (files are shortened on the chart)."""
    total: int
    segments: list[Segment]
    note: str = ""


@dataclass
class Chart:
    id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    legend: list[tuple[float, str, str]]
    """(x, palette key, text)"""
    row: int = 22
    bar: int = 15
    top: int = 26


LABEL = 200
PLOT = 560
WIDTH = LABEL + PLOT + 90


def nice_ticks(maximum: int, count: int = 5) -> list[int]:
    """Round tick values from 0 to at least ``maximum`` (1, 2, 5 times a power of ten)."""
    if maximum <= 0:
        return [0, 1]
    raw = maximum / count
    power = 10 ** math.floor(math.log10(raw)) if raw >= 1 else 1
    step = next((m * power for m in (1, 2, 5, 10) if m * power >= raw), 10 * power)
    step = max(1, int(step))
    top = step * math.ceil(maximum / step)
    return list(range(0, top + 1, step))


def _clip(text: str, limit: int) -> str:
    """``text`` cut at its end to ``limit`` characters (the whole text is in the tooltip)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _shorten(text: str, limit: int) -> str:
    """A long path cut in the middle, keeping its file name."""
    if len(text) <= limit:
        return text
    keep = limit - 1
    tail = text[-(keep * 2 // 3):]
    return text[: keep - len(tail)] + "…" + tail


def _bars(chart_id: str, title: str, description: str,
          rows: Sequence[tuple[str, str, Sequence[tuple[str, int]], str]],
          legend: list[tuple[str, str]], label_width: int = LABEL, plot: int = PLOT) -> Chart:
    """A horizontal (stacked) bar chart: ``rows`` of (label, full label, [(key, value)],
    note)."""
    maximum = max((sum(v for _, v in parts) for _, _, parts, _ in rows), default=0)
    ticks = nice_ticks(maximum)
    scale = plot / ticks[-1] if ticks[-1] else 0
    row, top = 22, 26
    bars = []
    for i, (label, full, parts, note) in enumerate(rows):
        x = float(label_width)
        segments = []
        for key, value in parts:
            if value <= 0:
                continue
            width = max(value * scale, 1.5)
            segments.append(Segment(round(x, 1), round(width, 1), value, key,
                                    f"{full}: {value:,} {key}"))
            x += width
        bars.append(Bar(top + i * row, label, full, sum(v for _, v in parts), segments, note))
    height = top + len(rows) * row + 24
    return Chart(chart_id, title, description, label_width + plot + 110, height, label_width,
                 bars, [(label_width + t * scale, f"{t:,}") for t in ticks],
                 _legend(legend, label_width))


def _legend(items: Sequence[tuple[str, str]], x: float) -> list[tuple[float, str, str]]:
    """Legend entries placed one after the other from ``x``."""
    out = []
    for key, text in items:
        out.append((x, key, text))
        x += 30 + 7 * len(text)
    return out


def severity_chart(severity: Mapping[str, int]) -> Chart:
    total = sum(severity.values())
    rows = [(s, s, [(s, severity.get(s, 0))],
             f"{100 * severity.get(s, 0) / total:.0f}%" if total else "") for s in SEVERITIES]
    described = ", ".join(f"{severity.get(s, 0):,} {s}" for s in SEVERITIES)
    return _bars("chart-severity", "Findings by severity",
                 f"Bar chart of {total:,} findings by severity: {described}.", rows,
                 [(s, s) for s in SEVERITIES], label_width=70, plot=260)


def stacked_chart(chart_id: str, title: str,
                  rows: Sequence[tuple[str, Mapping[str, int]]], *, label_width: int = LABEL,
                  plot: int = PLOT, shown: Mapping[str, str] | None = None) -> Chart:
    """Bars split by severity (rule families, files; ``shown`` gives shorter labels)."""
    shown = shown or {}
    limit = label_width // 7
    bars = [(_shorten(shown.get(name, name), limit), name,
             [(s, counts.get(s, 0)) for s in SEVERITIES], "") for name, counts in rows]
    top = ", ".join(f"{name} {sum(counts.values()):,}" for name, counts in rows[:5])
    description = (f"Stacked bar chart of {len(rows)} bars, each split into errors, warnings "
                   f"and info findings. Largest: {top}." if rows else "No findings.")
    return _bars(chart_id, title, description, bars, [(s, s) for s in SEVERITIES],
                 label_width=label_width, plot=plot)


def code_chart(codes: Sequence[CodeTally], total: int) -> Chart:
    bars = [(_clip(f"{c.code} {c.name}", 36), f"{c.code} {c.name} ({c.severity})",
             [(c.severity, c.count)], "") for c in codes]
    shown = f"the {len(codes)} most frequent of {total} codes" if total > len(codes) \
        else f"{total} codes"
    top = ", ".join(f"{c.code} {c.count:,}" for c in codes[:5])
    description = (f"Bar chart of findings per rule code ({shown}), coloured by severity. "
                   f"Largest: {top}." if codes else "No findings.")
    return _bars("chart-codes", "Findings by code", description, bars,
                 [(s, s) for s in SEVERITIES], label_width=260)


def share_chart(safe: int, unsafe: int, none: int) -> Chart:
    """One 100% bar: findings with a safe fix, with an unsafe fix, with none."""
    total = safe + unsafe + none
    plot = PLOT + LABEL - 20
    parts = [("safe", safe, "safe fix (--fix)"), ("unsafe", unsafe,
                                                   "unsafe fix (--unsafe-fixes)"),
             ("none", none, "no fix")]
    x = 10.0
    segments = []
    for key, value, text in parts:
        if value <= 0 or not total:
            continue
        width = plot * value / total
        segments.append(Segment(round(x, 1), round(width, 1), value, key,
                                f"{text}: {value:,} ({100 * value / total:.0f}%)"))
        x += width
    description = "; ".join(f"{text}: {value:,} of {total:,} findings" for _, value, text
                            in parts)
    return Chart("chart-fixable", "Fixable share", f"A bar split by fix: {description}.",
                 plot + 20, 74, 10, [Bar(26, "", "all findings", total, segments)], [],
                 _legend([(key, text) for key, _, text in parts], 10), row=30, bar=26)


@dataclass
class Cell:
    x: float
    y: float
    text: str
    fill: str
    ink: str
    title: str
    na: bool = False


@dataclass
class HeatMap:
    id: str
    title: str
    description: str
    width: int
    height: int
    label_width: int
    head: int
    cell_w: int
    cell_h: int
    columns: list[tuple[float, str]]
    rows: list[tuple[float, str, str, str]]
    """(y, short label, full label, note)"""
    cells: list[Cell]
    legend: list[tuple[float, str, str]]
    table: list[tuple[str, str, list[str]]]


def viridis(share: float) -> str:
    return _VIRIDIS[max(0, min(10, round(share * 10)))]


def heat_map(heat_id: str, title: str, columns: Sequence[str],
             rows: Sequence[tuple[str, str, Sequence[tuple[int, int] | None]]]) -> HeatMap:
    """Completeness cells: per row (a profile or a file) and canonical field, the share of
    records that fill the field; None where the row's profile does not map it."""
    cell_w, cell_h, head = 26, 22, 118
    longest = max((len(_shorten(label, 44)) for label, _, _ in rows), default=10)
    label_w = max(150, min(300, 7 * longest + 16))  # the legend's caption needs 150
    cells: list[Cell] = []
    table: list[tuple[str, str, list[str]]] = []
    out_rows: list[tuple[float, str, str, str]] = []
    worst: list[tuple[float, str, str]] = []
    for r, (label, note, values) in enumerate(rows):
        y = head + r * cell_h
        out_rows.append((y, _shorten(label, 44), label, note))
        shown = []
        for c, value in enumerate(values):
            x = label_w + c * cell_w
            if value is None:
                cells.append(Cell(x, y, "", "#FFFFFF", "dark",
                                  f"{label}: {columns[c]} is not mapped by the profile", True))
                shown.append("n/a")
                continue
            count, records = value
            share = count / records if records else 0.0
            text = f"{100 * share:.0f}"
            ink = "light" if share < 0.55 else "dark"
            cells.append(Cell(x, y, text, viridis(share), ink,
                              f"{label}: {columns[c]} filled in {count:,} of {records:,} "
                              f"records ({100 * share:.1f}%)"))
            shown.append(f"{100 * share:.1f}% ({count:,}/{records:,})")
            worst.append((share, label, columns[c]))
        table.append((label, note, shown))
    worst.sort()
    lows = "; ".join(f"{column} in {label} {100 * share:.0f}%"
                     for share, label, column in worst[:3])
    description = (f"Heat map of {len(rows)} rows by {len(columns)} canonical fields: the "
                   f"share of records that fill each field (0 to 100), n/a where the profile "
                   f"does not map it." + (f" Least complete: {lows}." if lows else ""))
    width = label_w + len(columns) * cell_w + 70  # room for the last slanted labels
    height = head + len(rows) * cell_h + 44
    legend = [(float(label_w + i * 34), _VIRIDIS[i], f"{i * 10}") for i in range(11)]
    return HeatMap(heat_id, title, description, width, height, label_w, head, cell_w, cell_h,
                   [(label_w + c * cell_w + cell_w / 2, name) for c, name in enumerate(columns)],
                   out_rows, cells, legend, table)


@dataclass
class Diverging:
    id: str
    title: str
    description: str
    width: int
    height: int
    center: float
    rows: list[tuple[float, str, str, float, int, float, int]]
    """(y, label, full, fixed width, fixed, new width, new)"""


def diverging_chart(chart_id: str, title: str, rows: Sequence[Mapping[str, Any]]) -> Diverging:
    """Per code: fixed findings to the left of the axis, new ones to the right."""
    half, label_w, row, top = 300, 250, 22, 30
    maximum = max((max(r["fixed"], r["new"]) for r in rows), default=0) or 1
    center = label_w + half + 40
    out: list[tuple[float, str, str, float, int, float, int]] = []
    for i, r in enumerate(rows):
        out.append((top + i * row, _clip(f"{r['key']} {r['name']}".strip(), 36),
                    f"{r['key']} {r['name']}".strip(), round(half * r["fixed"] / maximum, 1),
                    r["fixed"], round(half * r["new"] / maximum, 1), r["new"]))
    fixed = sum(r["fixed"] for r in rows)
    new = sum(r["new"] for r in rows)
    description = (f"Diverging bar chart per code: {fixed:,} findings fixed since the earlier "
                   f"run (left) and {new:,} new ones (right).")
    return Diverging(chart_id, title, description, int(center + half + 80),
                     top + len(rows) * row + 20, center, out)


# -- the reporter -----------------------------------------------------------------------------


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("biblint.report", "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["code"] = _inline_code
    env.filters["num"] = lambda value: f"{value:,}"
    return env


def _inline_code(text: str) -> Any:
    """Markdown's inline code (`x`) as <code>, everything else escaped."""
    from markupsafe import Markup, escape

    parts = text.split("`")
    out = [str(escape(part)) if i % 2 == 0 else f"<code>{escape(part)}</code>"
           for i, part in enumerate(parts)]
    if len(parts) % 2 == 0:  # an unpaired backtick: keep it as text
        out = [str(escape(text))]
    return Markup("".join(out))


class HtmlReporter(StreamReporter):
    """The ``html`` format as an event sink: summaries as the run goes, the page at the end
    (nothing about a finding is kept beyond the bounded summaries)."""

    def __init__(self, out: TextIO, options: RenderOptions, *,
                 compare: Comparison | None = None, title: str | None = None,
                 inputs: Sequence[str] = ()) -> None:
        super().__init__(out, options)
        self.summary = HtmlSummary(options, compare=compare, title=title, inputs=inputs)

    def event(self, event: Event) -> None:
        self.summary.add(event)

    def close(self) -> None:
        self.out.write(self.summary.render())
        self.out.flush()


def render(report: Report, options: RenderOptions) -> str:
    """The page of a finished report (no census: completeness is left out, and said so)."""
    summary = HtmlSummary(options)
    for event in replay(report):
        summary.add(event)
    return summary.render()


__all__ = ["EXAMPLES", "CompareError", "Comparison", "HtmlReporter", "HtmlSummary", "render"]
