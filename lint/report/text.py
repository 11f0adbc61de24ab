"""``text`` (the default): ruff-like lines with the record, pointer and fix, then a summary.

::

    data/a.json:5:13: XREF001 [*] DOI URL is null although the DOI 10.1177/1526... is present
      record 0 at /DOIUrl (error, doi-url-missing)
      fix: Set the DOI URL to https://doi.org/10.1177/15266028251361770

``[*]`` marks a finding that ``--fix`` would fix (with ``--unsafe-fixes``, unsafe ones too).
Streamed: each finding is written as its record is checked; the fixes (``--show-fixes``), the
diffs (``--diff``) and the summary follow at the end. Under ``--diff`` the findings are not
listed: the report is the diff and a summary of what fixing would change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, TextIO

from ..model import FileResult, Finding, Report, Severity
from .common import applicable, location, summary_of
from .stream import StreamReporter, render_with

if TYPE_CHECKING:
    from . import RenderOptions

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


class TextReporter(StreamReporter):
    """Findings as they come; fixes, diffs and the summary at the end."""

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        super().__init__(out, options)
        self.wrote = False
        self.fixed: list[tuple[str, list[Finding]]] = []
        self.diffs: list[str] = []

    def paint(self, text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if self.options.color else text

    def write_findings(self, found: Sequence[Finding]) -> None:
        if self.options.diff:  # the diff is the report; the summary counts the findings
            return
        paint, options = self.paint, self.options
        out: list[str] = []
        for f in found:
            mark = " [*]" if applicable(f, options) else ""
            out.append(f"{paint(location(f), _BOLD)}: {paint(f.code, _COLOURS[f.severity])}"
                       f"{mark} {f.message}")
            where = f"record {f.record}" if f.record is not None else "the file"
            pointer = f" at {f.pointer}" if f.pointer else ""
            out.append(paint(f"  {where}{pointer} ({f.severity.label}, {f.name})", _DIM))
            if f.fix is not None:
                label = "fix" if f.fix.applicability.label == "safe" else "unsafe fix"
                out.append(paint(f"  {label}: {f.fix.title}", _DIM))
        if out:
            self.wrote = True
            self.out.write("\n".join(out) + "\n")

    def file_done(self, result: FileResult) -> None:
        if self.options.show_fixes and result.fixed:
            self.fixed.append((result.path, result.fixed))
        if result.diff:
            self.diffs.append(result.diff)

    def end(self) -> None:
        out: list[str] = []
        for path, fixed in self.fixed:
            for finding in fixed:
                title = finding.fix.title if finding.fix else finding.message
                out.append(f"Fixed {path}: {finding.code} at {finding.pointer}: {title}")
        out.extend(diff.rstrip("\n") for diff in self.diffs)
        if out or self.wrote:
            out.append("")
        out.append(summary_of(self.totals, self.options))
        self.out.write("\n".join(out) + "\n")


def render(report: Report, options: RenderOptions) -> str:
    return render_with(TextReporter, report, options)
