"""``gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of issues with ``description``, ``check_name`` (the rule code), ``fingerprint``,
``severity`` (error -> ``major``, warning -> ``minor``, info -> ``info``) and
``location.path`` / ``location.lines.begin`` (line 1 when the finding has no line).

GitLab compares the fingerprints of the merge request's report with the target branch's to
show what a change introduced or fixed, so a fingerprint must not change when a finding only
moves (ruff#7159): it is the MD5 of the finding's stable fingerprint (rule code, record key,
pointer; never a line) and the *relative* path. An absolute path under the current directory
is made relative to it, because CI runners clone into different directories; any other path
is kept as given. Fingerprints are unique within a report: should two findings share one (the
same record twice in a file), the later ones get an ordinal mixed in.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ..model import Finding, Report, Severity

if TYPE_CHECKING:
    from . import RenderOptions

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def relative_path(path: str, cwd: Path | None = None) -> str:
    """``path`` relative to ``cwd`` when it is absolute and under it; else as given."""
    given = Path(path)
    if not given.is_absolute():
        return PurePath(os.path.normpath(given)).as_posix()
    base = cwd or Path.cwd()
    for candidate, root in ((given, base), (given.resolve(), base.resolve())):
        try:
            return candidate.relative_to(root).as_posix()
        except ValueError:
            continue
    return path


def _digest(*parts: str) -> str:
    return hashlib.md5("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


def issue(finding: Finding, path: str, fingerprint: str) -> dict[str, Any]:
    return {
        "description": f"{finding.code}: {finding.message}",
        "check_name": finding.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity],
        "location": {"path": path, "lines": {"begin": finding.line or 1}},
    }


def as_list(report: Report, options: RenderOptions) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    seen: set[str] = set()
    for f in report.findings:
        path = relative_path(f.file) if f.file is not None else ""
        fingerprint = _digest(path, f.fingerprint)
        ordinal = 0
        while fingerprint in seen:
            ordinal += 1
            fingerprint = _digest(path, f.fingerprint, str(ordinal))
        seen.add(fingerprint)
        issues.append(issue(f, path, fingerprint))
    return issues


def render(report: Report, options: RenderOptions) -> str:
    return json.dumps(as_list(report, options), ensure_ascii=False, indent=2) + "\n"
