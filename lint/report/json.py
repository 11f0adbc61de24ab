"""``json``: the versioned report described by schemas/report.schema.json."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..model import Report
from .common import applicable
from .jsontext import dumps_indented

if TYPE_CHECKING:
    from . import RenderOptions

VERSION = 1


def as_dict(report: Report, options: RenderOptions) -> dict[str, Any]:
    findings = report.findings
    return {
        "version": VERSION,
        "summary": {
            "files": len(report.files),
            "records": report.records,
            "findings": len(findings),
            "fixable": sum(1 for f in findings if applicable(f, options)),
            "fixed": sum(len(r.fixed) for r in report.files),
            "by_code": report.by_code(),
            **({"skipped": options.skipped.to_dict()} if options.skipped else {}),
        },
        "findings": [f.to_dict() for f in findings],
        "errors": report.errors,
    }


def render(report: Report, options: RenderOptions) -> str:
    return dumps_indented(as_dict(report, options)) + "\n"
