"""``concise``: one line a finding, ``path:line:column: CODE [*] message`` (grep-friendly)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..model import Report
from .common import applicable, location

if TYPE_CHECKING:
    from . import RenderOptions


def render(report: Report, options: RenderOptions) -> str:
    lines = [
        f"{location(f)}: {f.code}{' [*]' if applicable(f, options) else ''} {f.message}"
        for f in report.findings
    ]
    return "\n".join(lines) + ("\n" if lines else "")
