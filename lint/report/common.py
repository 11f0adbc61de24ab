"""Small helpers shared by the human-readable reporters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Applicability, Finding, Report

if TYPE_CHECKING:
    from . import RenderOptions


def applicable(finding: Finding, options: RenderOptions) -> bool:
    return finding.fix is not None and (
        finding.fix.applicability is Applicability.SAFE or options.unsafe_fixes
    )


def location(finding: Finding) -> str:
    where = finding.file or "<record>"
    if finding.line is not None:
        where += f":{finding.line}:{finding.column or 1}"
    return where


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(report: Report, options: RenderOptions) -> str:
    """The one-line summary: "12 findings in 3 files (8 fixable with --fix)."."""
    findings = report.findings
    fixed = sum(len(r.fixed) for r in report.files)
    head = (f"{plural(len(findings), 'finding')} in {plural(len(report.files), 'file')} "
            f"({plural(report.records, 'record')})")
    parts: list[str] = []
    if fixed:
        parts.append(f"fixed {fixed}")
    if findings:
        fixable = sum(1 for f in findings if applicable(f, options))
        hidden = sum(1 for f in findings if f.fix is not None) - fixable
        if fixable:
            parts.append(f"{fixable} fixable with --fix")
        if hidden:
            parts.append(f"{hidden} more with --unsafe-fixes")
    return head + (f"; {', '.join(parts)}" if parts else "") + "."
