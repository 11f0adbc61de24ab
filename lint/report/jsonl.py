"""``jsonl``: one finding a line, for very large runs.

Each line is the finding object of the JSON report (:meth:`Finding.to_dict`), so a consumer can
stream the output instead of loading one large document. Nothing else is written: no summary
line and no internal errors (those go to stderr, as for every format).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..model import Report

if TYPE_CHECKING:
    from . import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    return "".join(
        json.dumps(f.to_dict(), ensure_ascii=False) + "\n" for f in report.findings
    )
