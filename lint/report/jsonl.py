"""``jsonl``: one finding a line, for very large runs.

Each line is the finding object of the JSON report (:meth:`Finding.to_dict`), so a consumer can
stream the output instead of loading one large document. Streamed: each finding is
written as its record is checked. Nothing else is written: no summary
line and no internal errors (those go to stderr, as for every format).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import Finding, Report
from .jsontext import compact
from .stream import StreamReporter, render_with

if TYPE_CHECKING:
    from . import RenderOptions


class JsonLinesReporter(StreamReporter):
    def write_findings(self, found: Sequence[Finding]) -> None:
        self.out.write("".join(compact(f.to_dict()) + "\n" for f in found))


def render(report: Report, options: RenderOptions) -> str:
    return render_with(JsonLinesReporter, report, options)
