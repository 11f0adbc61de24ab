"""Small helpers shared by the human-readable reporters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Applicability, Finding, Report

if TYPE_CHECKING:
    from . import RenderOptions
    from .stream import Totals


def applicable(finding: Finding, options: RenderOptions) -> bool:
    return finding.fix is not None and (
        finding.fix.applicability is Applicability.SAFE or options.unsafe_fixes
    )


def location(finding: Finding) -> str:
    where = finding.file or "<record>"
    if finding.line is not None:
        where += f":{finding.line}:{finding.column or 1}"
    return where


def pointed(finding: Finding) -> str:
    """The message with the JSON Pointer of the offending value: on minified JSON or a long
    JSON Lines line, the line and column alone do not say which field is meant."""
    if not finding.pointer:
        return finding.message
    return f"{finding.message} (at {finding.pointer})"


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary(report: Report, options: RenderOptions) -> str:
    """The one-line summary: "12 findings in 3 files (8 fixable with --fix)."."""
    from .stream import Totals

    return summary_of(Totals.of(report, options))


def summary_of(totals: Totals) -> str:
    """The one-line summary of running totals (see :func:`summary`)."""
    head = (f"{plural(totals.findings, 'finding')} in {plural(totals.files, 'file')} "
            f"({plural(totals.records, 'record')})")
    parts: list[str] = []
    if totals.fixed:
        parts.append(f"fixed {totals.fixed}")
    if totals.findings:
        if totals.fixable:
            parts.append(f"{totals.fixable} fixable with --fix")
        if totals.hidden:
            parts.append(f"{totals.hidden} more with --unsafe-fixes")
    return head + (f"; {', '.join(parts)}" if parts else "") + "."
