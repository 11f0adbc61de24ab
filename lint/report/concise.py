"""``concise``: one line a finding, ``path:line:column: CODE [*] message (at /pointer)``
(grep-friendly).

Streamed: each finding is written as its record is checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import Finding, Report
from .common import applicable, location, pointed
from .stream import StreamReporter, render_with

if TYPE_CHECKING:
    from . import RenderOptions


class ConciseReporter(StreamReporter):
    def write_findings(self, found: Sequence[Finding]) -> None:
        self.out.write("".join(
            f"{location(f)}: {f.code}{' [*]' if applicable(f, self.options) else ''} "
            f"{pointed(f)}\n" for f in found))


def render(report: Report, options: RenderOptions) -> str:
    return render_with(ConciseReporter, report, options)
