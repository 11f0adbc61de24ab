"""Small helpers shared by the human-readable reporters."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Applicability, Finding, Report

if TYPE_CHECKING:
    from ..discovery import Skipped
    from . import RenderOptions
    from .stream import Totals

SHOWN_NAMES = 10
"""Skipped files named in the text summary; the JSON report lists them all."""


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

    return summary_of(Totals.of(report, options), options)


def summary_of(totals: Totals, options: RenderOptions | None = None) -> str:
    """The summary of running totals (see :func:`summary`): one line, then a line per kind
    of file skipped (not read: a gate must not pass silently on data it never read).

    Under ``--diff`` nothing was written: the line says what fixing would change."""
    lines = [_diff_line(totals) if options is not None and options.diff
             else _summary_line(totals)]
    lines.extend(skipped_lines(options.skipped if options is not None else None))
    return "\n".join(lines)


def _diff_line(totals: Totals) -> str:
    head = (f"{plural(totals.findings, 'finding')} in {plural(totals.files, 'file')} "
            f"({plural(totals.records, 'record')})")
    if not totals.fixed:
        return f"{head}; --fix would change nothing."
    remain = max(totals.findings - totals.fixed, 0)
    return (f"{head}; --fix would fix {totals.fixed} of them (the diff above; nothing was "
            f"written), {remain} would remain.")


def skipped_lines(skipped: Skipped | None) -> list[str]:
    """The summary's lines about files a walk did not read (none when there are none)."""
    if not skipped:
        return []
    lines: list[str] = []
    if skipped.unread:
        suffixes = ", ".join(skipped.unread_suffixes())
        lines.append(f"Not read: {plural(len(skipped.unread), 'file')} in a format biblint "
                     f"has no reader for ({suffixes}): {_names(skipped.unread)}.")
    if skipped.no_records:
        lines.append(f"Skipped {plural(len(skipped.no_records), 'file')} holding no "
                     f"bibliographic records: {_names(skipped.no_records)}.")
    return lines


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    rest = len(names) - SHOWN_NAMES
    return f"{shown} and {rest} more" if rest > 0 else shown


def _summary_line(totals: Totals) -> str:
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
