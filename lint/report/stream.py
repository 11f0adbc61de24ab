"""Streaming reporters: findings written as they come, a closing part at the end.

A :class:`StreamReporter` receives the events of a run (:mod:`biblint.model`) one at a time
and writes to its stream at once: the ``text``, ``concise``, ``jsonl`` and ``github`` formats
need nothing from later records to write a finding, so a run of any size holds no findings
for them. What they write at the end (the text summary, GitHub's internal-error lines) comes
from running :class:`Totals`.

The formats that are one document (``json``, ``sarif``, ``gitlab``, ``junit``) cannot be
written before the run ends: :class:`HeldReporter` collects the findings (never records) into
a :class:`~biblint.model.Report` and renders it with the format's ``render`` at the end.

Each streaming format's ``render(report, options)`` replays the report through its
reporter, so the two ways of writing a format cannot drift apart.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TextIO

from ..model import (
    Event,
    FileFinished,
    FileResult,
    FileStarted,
    Finding,
    LateFindings,
    RecordChecked,
    Report,
    ReportBuilder,
)
from .common import applicable

if TYPE_CHECKING:
    from . import RenderOptions


@dataclass
class Totals:
    """Running counts of a run, for summaries: no finding is kept."""

    files: int = 0
    records: int = 0
    findings: int = 0
    fixable: int = 0
    hidden: int = 0
    """Findings with a fix that is not applicable (unsafe, without --unsafe-fixes)."""
    fixed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, found: Sequence[Finding], options: RenderOptions) -> None:
        self.findings += len(found)
        for f in found:
            if f.fix is not None:
                if applicable(f, options):
                    self.fixable += 1
                else:
                    self.hidden += 1

    def add_file(self, result: FileResult) -> None:
        self.files += 1
        self.records += result.records
        self.fixed += len(result.fixed)
        self.errors.extend(result.errors)

    @classmethod
    def of(cls, report: Report, options: RenderOptions) -> Totals:
        totals = cls()
        for result in report.files:
            totals.add(result.findings, options)
            totals.add_file(result)
        return totals


class StreamReporter:
    """Writes a format to ``out`` as the events of a run come (see the module docstring).

    Subclasses write findings in :meth:`write_findings` and, optionally, a closing part in
    :meth:`end`; :meth:`event` keeps the :attr:`totals`.
    """

    def __init__(self, out: TextIO, options: RenderOptions) -> None:
        self.out = out
        self.options = options
        self.totals = Totals()

    def event(self, event: Event) -> None:
        if isinstance(event, RecordChecked | LateFindings):
            if event.findings:
                self.totals.add(event.findings, self.options)
                self.write_findings(event.findings)
        elif isinstance(event, FileFinished):
            result = event.result
            if result.findings:
                self.totals.add(result.findings, self.options)
                self.write_findings(result.findings)
            self.totals.add_file(result)
            self.file_done(result)

    def write_findings(self, found: Sequence[Finding]) -> None:
        raise NotImplementedError

    def file_done(self, result: FileResult) -> None:
        """A file is finished (its fixes and diff are known)."""

    def end(self) -> None:
        """The run is over: write what comes after the findings."""

    def close(self) -> None:
        self.end()
        self.out.flush()


class HeldReporter:
    """A format written as one document: findings are collected, rendered at the end."""

    def __init__(self, out: TextIO, options: RenderOptions,
                 render: Callable[[Report, RenderOptions], str]) -> None:
        self.out = out
        self.options = options
        self.render = render
        self.builder = ReportBuilder()

    def event(self, event: Event) -> None:
        self.builder.add(event)

    def close(self) -> None:
        self.out.write(self.render(self.builder.report(), self.options))
        self.out.flush()


def replay(report: Report) -> Iterator[Event]:
    """The events of a finished report (each file's findings with its end)."""
    for result in report.files:
        yield FileStarted(result.path)
        yield FileFinished(result)


def render_with(factory: Callable[[TextIO, RenderOptions], StreamReporter],
                report: Report, options: RenderOptions) -> str:
    """A streaming format's whole output for a finished report."""
    out = io.StringIO()
    reporter = factory(out, options)
    events: Iterable[Event] = replay(report)
    for event in events:
        reporter.event(event)
    reporter.close()
    return out.getvalue()
