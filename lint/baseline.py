"""Baselines: adopt biblint on data with legacy defects and gate only the new findings.

``biblint check --write-baseline FILE`` records the findings of the run; later runs with
``--baseline FILE`` report only the findings that are not in it, and their exit code depends on
those alone. The file is JSON, described by schemas/baseline.schema.json, written sorted and
indented so that it diffs well and can be reviewed in a pull request::

    {
      "version": 1,
      "files": {
        "data/records.jsonl": {
          "3f9c0e4a1b2d5e6f7a8b": {
            "code": "XREF001",
            "pointer": "/DOIUrl",
            "count": 1,
            "message": "DOI URL is null although the DOI 10.1177/1526... is present"
          }
        }
      }
    }

**Matching.** File paths are relative to the baseline file's folder (so the baseline works from
any working directory and on any checkout). Under each file, entries are keyed by the finding's
``fingerprint`` (:func:`biblint.model.fingerprint`): the rule code, the record's key (its DOI,
PMID or source id, else a hash of its content) and the JSON Pointer, never a line number. A
finding is baselined when its file has an entry with its fingerprint whose ``count`` is not used
up yet; a third identical finding where two were recorded is new. So a baseline survives edits
to other records, records added or removed elsewhere in the file, and reordered records. What it
cannot survive: a record without a DOI, PMID or source id whose content changes (its key is a
hash of its content, so its findings become new and its old entries stale), a record moved to
another file, and a changed identifier.

**Stale entries.** An entry that matched nothing (or fewer findings than its count) is stale:
the defect was fixed, or the record changed. Stale entries are listed in the text and JSON
reports (``"baseline": {"matched": N, "stale": [...]}``) and do not change the exit code;
``--prune-baseline`` rewrites the baseline without them. Only what the run could have found is
judged: entries of files that were not checked are left alone (pre-commit checks a few files)
unless the file no longer exists, and entries of rules that did not run on a file
(``--select``, per-file ignores) are not stale.

Rules that compare records across files (``scope="run"``: the DUP duplicates) are judged
only by a run that checked every file of the baseline that still exists, since in a run over a
few files a duplicate's partner may simply not have been read. Their findings do not depend on
the order of the run (:mod:`biblint.runscope`: the record that carries a finding is chosen by
content), so reordering records or files leaves every fingerprint in place.

**Writing.** ``--write-baseline`` updates the file in the same spirit: for each file the run
checked, the entries of the rules that ran are replaced by the current findings; entries of other
files and other rules are kept (and, after a run over part of the files, entries of the rules
that compare records across files), and files that no longer exist are dropped. A new baseline
holds exactly the run's findings. Files are replaced atomically (temporary file, fsync, rename).

**Suppressing one finding.** JSON has no comments, so a record cannot carry a ``noqa`` marker.
The baseline is the suppression mechanism: to accept a single finding of a single record (a
false positive, or a deliberate value), add its entry by hand, copying ``fingerprint``, ``code``,
``pointer`` and ``message`` from ``biblint check --format json FILE`` and setting ``count`` to 1;
or run ``biblint check --write-baseline FILE --select CODE PATH`` to accept every ``CODE``
finding of ``PATH``. The entry follows the record wherever it moves in its file, and turns stale
(and is pruned) once the finding is gone.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .config import ConfigError
from .fixer import FixError, replace_atomic, write_atomic
from .model import Report
from .profiles import load_schema

VERSION = 1
SCHEMA = "baseline.schema.json"
STDIN_KEY = "-"

CodesRun = Callable[[str], Collection[str]]
"""For a checked file (as shown in the report): the codes of the rules that ran on it."""


class BaselineError(ConfigError):
    """The baseline cannot be read, is invalid, or cannot be written (exit code 2)."""


@dataclass(frozen=True)
class Entry:
    """A recorded finding: its rule, where in its record, how many times, and its message."""

    code: str
    pointer: str
    count: int
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "pointer": self.pointer, "count": self.count,
                "message": self.message}


@dataclass(frozen=True)
class StaleEntry:
    """A baseline entry that matched nothing, or fewer findings than its count."""

    file: str
    fingerprint: str
    code: str
    pointer: str
    count: int
    """How many of the recorded findings were not found."""
    message: str

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "fingerprint": self.fingerprint, "code": self.code,
                "pointer": self.pointer, "count": self.count, "message": self.message}


@dataclass
class Outcome:
    """A report with its baselined findings taken out, and what the baseline made of it."""

    report: Report
    matched: int = 0
    stale: list[StaleEntry] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The ``baseline`` key of the JSON report (schemas/report.schema.json)."""
        return {"matched": self.matched, "stale": [s.to_dict() for s in self.stale]}


class Baseline:
    """Recorded findings per file (relative to the baseline's folder) and fingerprint."""

    def __init__(self, path: str | Path,
                 files: Mapping[str, Mapping[str, Entry]] | None = None,
                 *, raw: bytes | None = None) -> None:
        self.path = Path(path)
        self.folder = Path(os.path.abspath(self.path.parent))
        self.files: dict[str, dict[str, Entry]] = {
            name: dict(entries) for name, entries in (files or {}).items() if entries
        }
        self._raw = raw
        """The bytes the baseline was loaded from: a rewrite refuses to clobber a newer file."""

    # -- reading and writing ----------------------------------------------------------
    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        """Read and validate a baseline; :class:`BaselineError` names the file and problem."""
        path = Path(path)
        try:
            raw = path.read_bytes()
        except OSError as exc:
            raise BaselineError(f"baseline {path}: cannot read: {exc.strerror or exc}") from None
        try:
            data = json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise BaselineError(f"baseline {path}: not valid JSON: {exc}") from None
        if isinstance(data, dict) and data.get("version") not in (None, VERSION):
            raise BaselineError(f"baseline {path}: version {data['version']!r} is not "
                                f"supported (this biblint reads version {VERSION})")
        import jsonschema  # lazily: only a run with a baseline reads one

        validator = jsonschema.Draft202012Validator(load_schema(SCHEMA))
        error = jsonschema.exceptions.best_match(validator.iter_errors(data))
        if error is not None:
            where = "/".join(str(p) for p in error.absolute_path) or "the document"
            raise BaselineError(f"baseline {path}: invalid at {where}: {error.message}")
        files = {
            name: {fp: Entry(e["code"], e["pointer"], e["count"], e["message"])
                   for fp, e in entries.items()}
            for name, entries in data["files"].items()
        }
        return cls(path, files, raw=raw)

    @classmethod
    def from_report(cls, report: Report, path: str | Path) -> Baseline:
        """A baseline holding exactly the findings of ``report``."""
        baseline = cls(path)
        for result in report.files:
            key = baseline.file_key(result.path)
            for finding in result.findings:
                entries = baseline.files.setdefault(key, {})
                known = entries.get(finding.fingerprint)
                entries[finding.fingerprint] = (
                    replace(known, count=known.count + 1) if known is not None
                    else Entry(finding.code, finding.pointer, 1, finding.message)
                )
        return baseline

    def updated(self, report: Report, codes_run: CodesRun | None = None,
                cross_file: Collection[str] = ()) -> Baseline:
        """This baseline with the entries the run could have produced replaced by its
        findings: per checked file, the entries of the rules that ran on it. Entries of
        files that no longer exist are dropped. In a run that did not check every file of
        the baseline, entries of the ``cross_file`` rules (which compare records across
        files) are kept besides the new ones, since the run could not see every record."""
        fresh = Baseline.from_report(report, self.path)
        files = {name: dict(entries) for name, entries in self.files.items()
                 if name == STDIN_KEY or self._exists(name)}
        checked = {self.file_key(result.path) for result in report.files}
        complete = self._complete(checked)
        for result in report.files:
            key = self.file_key(result.path)
            ran = codes_run(result.path) if codes_run is not None else None
            kept = {fp: e for fp, e in files.get(key, {}).items()
                    if (ran is not None and e.code not in ran)
                    or (not complete and e.code in cross_file)}
            files[key] = {**kept, **fresh.files.get(key, {})}
        return Baseline(self.path, files, raw=self._raw)

    def to_dict(self) -> dict[str, Any]:
        """The JSON document, in a stable order: files by path, entries by code, pointer and
        fingerprint."""
        return {
            "version": VERSION,
            "files": {
                name: {fp: entry.to_dict() for fp, entry in sorted(
                    entries.items(), key=lambda item: (item[1].code, item[1].pointer, item[0]))}
                for name, entries in sorted(self.files.items())
            },
        }

    def dumps(self) -> str:
        return json.dumps(self.to_dict(), indent=2, ensure_ascii=False) + "\n"

    def write(self) -> None:
        """Write the baseline atomically. A baseline that was loaded is not written over a
        file that changed on disk since."""
        data = self.dumps().encode("utf-8")
        if data == self._raw:
            return  # unchanged: leave the file (and its modification time) alone
        try:
            if self._raw is not None or self.path.exists():
                expected = self._raw if self._raw is not None else self.path.read_bytes()
                write_atomic(self.path, data, expected)
            else:
                replace_atomic(self.path, data)
        except (FixError, OSError) as exc:
            message = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            raise BaselineError(f"baseline {self.path}: not written: {message}") from None
        self._raw = data

    # -- matching ---------------------------------------------------------------------
    def file_key(self, name: str | None) -> str:
        """How a file of the report is named in the baseline: relative to its folder."""
        if name is None or name == STDIN_KEY:
            return STDIN_KEY
        absolute = os.path.abspath(name)
        try:
            return Path(os.path.relpath(absolute, self.folder)).as_posix()
        except ValueError:  # another drive (Windows)
            return Path(absolute).as_posix()

    def apply(self, report: Report, codes_run: CodesRun | None = None,
              cross_file: Collection[str] = ()) -> Outcome:
        """Take the baselined findings out of ``report`` and find the stale entries.

        ``codes_run`` tells which rules ran on a file; entries of other rules are not judged
        stale. Without it every entry of a checked file is judged. Entries of the
        ``cross_file`` rules (duplicates across files) are judged only when the run checked
        every file of the baseline that still exists: a run over a few files cannot tell.
        """
        left: dict[str, Counter[str]] = {}
        shown: dict[str, str] = {}
        results = []
        matched = 0
        for result in report.files:
            key = self.file_key(result.path)
            shown.setdefault(key, result.path)
            counts = left.setdefault(key, Counter(
                {fp: e.count for fp, e in self.files.get(key, {}).items()}))
            new = []
            for finding in result.findings:
                if counts[finding.fingerprint] > 0:
                    counts[finding.fingerprint] -= 1
                    matched += 1
                else:
                    new.append(finding)
            results.append(replace(result, findings=new))
        stale: list[StaleEntry] = []
        complete = self._complete(set(left))
        for key, counts in left.items():
            ran = codes_run(shown[key]) if codes_run is not None else None
            entries = self.files.get(key, {})
            stale.extend(self._stale(key, fp, entries[fp], count)
                         for fp, count in counts.items()
                         if count > 0 and (ran is None or entries[fp].code in ran)
                         and (complete or entries[fp].code not in cross_file))
        for key, entries in self.files.items():
            if key not in left and key != STDIN_KEY and not self._exists(key):
                stale.extend(self._stale(key, fp, e, e.count) for fp, e in entries.items())
        stale.sort(key=lambda s: (s.file, s.code, s.pointer, s.fingerprint))
        return Outcome(Report(results), matched, stale)

    def pruned(self, stale: Collection[StaleEntry]) -> Baseline:
        """This baseline without the ``stale`` entries (counts lowered by what was unmatched)."""
        files = {name: dict(entries) for name, entries in self.files.items()}
        for item in stale:
            entries = files.get(item.file, {})
            entry = entries.get(item.fingerprint)
            if entry is None:
                continue
            if entry.count > item.count:
                entries[item.fingerprint] = replace(entry, count=entry.count - item.count)
            else:
                del entries[item.fingerprint]
        return Baseline(self.path, files, raw=self._raw)

    @property
    def findings(self) -> int:
        """How many findings the baseline records (counts included)."""
        return sum(e.count for entries in self.files.values() for e in entries.values())

    def _complete(self, checked: Collection[str]) -> bool:
        """Whether the run checked every file of the baseline that still exists."""
        return all(key in checked for key in self.files
                   if key != STDIN_KEY and self._exists(key))

    def _exists(self, key: str) -> bool:
        return os.path.lexists(self.folder / key)

    @staticmethod
    def _stale(key: str, fingerprint: str, entry: Entry, count: int) -> StaleEntry:
        return StaleEntry(key, fingerprint, entry.code, entry.pointer, count, entry.message)


__all__ = ["Baseline", "BaselineError", "Entry", "Outcome", "StaleEntry"]
