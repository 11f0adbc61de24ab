"""``gitlab``: a GitLab Code Quality report (``artifacts:reports:codequality``).

A JSON array of issues with ``description`` (code, message and JSON Pointer), ``check_name``
(the rule code), ``fingerprint``, ``severity`` (error -> ``major``, warning -> ``minor``,
info -> ``info``) and ``location.path`` / ``location.lines.begin`` (line 1 when the finding has
no line).

GitLab compares the fingerprints of the merge request's report with the target branch's to
show what a change introduced or fixed, so a fingerprint must not change when a finding only
moves (ruff#7159): it is the MD5 of the finding's stable fingerprint (rule code, record key,
pointer; never a line) and the *relative* path. Paths, absolute ones included, are made
relative to the project root (``CI_PROJECT_DIR`` in a GitLab job, else the top of the git work
tree, else the current directory), because GitLab links them from the project and CI runners
clone into different directories; a path outside the root is kept as given. Fingerprints
are unique within a report: should two findings share one (the same record twice in a file),
the later ones get an ordinal mixed in.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any

from ..model import Finding, Report, Severity
from .common import pointed
from .jsontext import dumps_indented

if TYPE_CHECKING:
    from . import RenderOptions

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def project_root(cwd: Path | None = None, environ: Mapping[str, str] | None = None) -> Path:
    """The root that report paths are relative to: ``CI_PROJECT_DIR`` in a GitLab CI job
    (where GitLab resolves them), else the top of the git work tree holding ``cwd``, else
    ``cwd``."""
    from ..discovery import git_toplevel

    environ = os.environ if environ is None else environ
    base = cwd or Path.cwd()
    if environ.get("CI_PROJECT_DIR"):
        return Path(environ["CI_PROJECT_DIR"])
    return git_toplevel(base) or base


def relative_path(path: str, cwd: Path | None = None, root: Path | None = None) -> str:
    """``path`` (absolute, or relative to ``cwd``) relative to ``root`` (default: ``cwd``)
    when it lies under it; else as given. GitLab shows a path that is not relative to the
    project as a broken link."""
    base = cwd or Path.cwd()
    root = root or base
    given = Path(path)
    absolute = Path(os.path.normpath(given if given.is_absolute() else base / given))
    for candidate, top in ((absolute, root), (absolute.resolve(), root.resolve())):
        try:
            return candidate.relative_to(top).as_posix()
        except ValueError:
            continue
    return path if given.is_absolute() else PurePath(os.path.normpath(given)).as_posix()


def _digest(*parts: str) -> str:
    return hashlib.md5("\x1f".join(parts).encode("utf-8"), usedforsecurity=False).hexdigest()


def issue(finding: Finding, path: str, fingerprint: str) -> dict[str, Any]:
    return {
        "description": f"{finding.code}: {pointed(finding)}",
        "check_name": finding.code,
        "fingerprint": fingerprint,
        "severity": SEVERITIES[finding.severity],
        "location": {"path": path, "lines": {"begin": finding.line or 1}},
    }


def as_list(report: Report, options: RenderOptions) -> list[dict[str, Any]]:
    issues: list[dict[str, Any]] = []
    seen: set[str] = set()
    root, cwd = project_root(), Path.cwd()
    paths: dict[str, str] = {}  # per file, not per finding: resolving a path asks the OS
    for f in report.findings:
        path = ""
        if f.file is not None:
            path = paths.get(f.file) or paths.setdefault(f.file, relative_path(f.file, cwd,
                                                                                root))
        fingerprint = _digest(path, f.fingerprint)
        ordinal = 0
        while fingerprint in seen:
            ordinal += 1
            fingerprint = _digest(path, f.fingerprint, str(ordinal))
        seen.add(fingerprint)
        issues.append(issue(f, path, fingerprint))
    return issues


def render(report: Report, options: RenderOptions) -> str:
    return dumps_indented(as_list(report, options)) + "\n"
