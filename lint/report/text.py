"""``text`` (the default): ruff-like lines with the record, pointer and fix, then a summary.

::

    data/a.json:5:13: XREF001 [*] DOI URL is null although the DOI 10.1177/1526... is present
      record 0 at /DOIUrl (error, doi-url-missing)
      fix: Set the DOI URL to https://doi.org/10.1177/15266028251361770

``[*]`` marks a finding that ``--fix`` would fix (with ``--unsafe-fixes``, unsafe ones too).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Report, Severity
from .common import applicable, location, summary

if TYPE_CHECKING:
    from . import RenderOptions

_COLOURS = {Severity.ERROR: "\x1b[31m", Severity.WARNING: "\x1b[33m", Severity.INFO: "\x1b[36m"}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"


def render(report: Report, options: RenderOptions) -> str:
    def paint(text: str, code: str) -> str:
        return f"{code}{text}{_RESET}" if options.color else text

    out: list[str] = []
    for f in report.findings:
        mark = " [*]" if applicable(f, options) else ""
        out.append(f"{paint(location(f), _BOLD)}: {paint(f.code, _COLOURS[f.severity])}"
                   f"{mark} {f.message}")
        where = f"record {f.record}" if f.record is not None else "the file"
        pointer = f" at {f.pointer}" if f.pointer else ""
        out.append(paint(f"  {where}{pointer} ({f.severity.label}, {f.name})", _DIM))
        if f.fix is not None:
            label = "fix" if f.fix.applicability.label == "safe" else "unsafe fix"
            out.append(paint(f"  {label}: {f.fix.title}", _DIM))
    if options.show_fixes:
        for result in report.files:
            for fixed in result.fixed:
                title = fixed.fix.title if fixed.fix else fixed.message
                out.append(f"Fixed {result.path}: {fixed.code} at {fixed.pointer}: {title}")
    for result in report.files:
        if result.diff:
            out.append(result.diff.rstrip("\n"))
    if out:
        out.append("")
    out.append(summary(report, options))
    return "\n".join(out) + "\n"
