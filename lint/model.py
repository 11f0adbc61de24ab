"""The data model shared by readers, rules, the engine, the fixer and the reporters.

A rule yields :class:`Violation` objects (message, pointer, optional :class:`Fix`); the engine
stamps the rule's identity and the record's origin onto each one and hands out immutable
:class:`Finding` objects. Nothing here does I/O.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import jsonpointer

JSONValue = Any
"""A value as produced by :func:`json.loads` (dict, list, str, int, float, bool or None)."""


class Severity(enum.IntEnum):
    """How bad a finding is. Ordered, so ``severity >= fail_on`` decides the exit code."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.upper()]
        except KeyError:
            choices = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r} (expected one of: {choices})") from None

    @property
    def label(self) -> str:
        return self.name.lower()


class Applicability(enum.IntEnum):
    """How far a fix can be trusted (ruff's model).

    ``SAFE`` fixes are deterministic and meaning-preserving (``"0"`` -> ``0``) and are applied
    by ``--fix``; ``UNSAFE`` fixes are a judgement (splitting an author string) and need
    ``--unsafe-fixes`` as well.
    """

    SAFE = 1
    UNSAFE = 2

    @classmethod
    def parse(cls, text: str) -> Applicability:
        try:
            return cls[text.upper()]
        except KeyError:
            raise ValueError(f"unknown fix applicability {text!r} (safe or unsafe)") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class PatchOp:
    """One RFC 6902 operation. Only the operations a linter needs: add, remove, replace."""

    op: str
    path: str
    value: JSONValue = None

    def to_dict(self) -> dict[str, JSONValue]:
        if self.op == "remove":
            return {"op": "remove", "path": self.path}
        return {"op": self.op, "path": self.path, "value": self.value}


@dataclass(frozen=True)
class Fix:
    """A titled list of JSON Patch operations against the record, with its applicability."""

    title: str
    ops: tuple[PatchOp, ...]
    applicability: Applicability = Applicability.SAFE

    @classmethod
    def replace(
        cls, pointer: str, value: JSONValue, title: str, *, unsafe: bool = False
    ) -> Fix:
        """The common case: replace the value at ``pointer``."""
        return cls(
            title,
            (PatchOp("replace", pointer, value),),
            Applicability.UNSAFE if unsafe else Applicability.SAFE,
        )

    @classmethod
    def remove(cls, pointer: str, title: str, *, unsafe: bool = False) -> Fix:
        return cls(
            title,
            (PatchOp("remove", pointer),),
            Applicability.UNSAFE if unsafe else Applicability.SAFE,
        )

    def to_dict(self) -> dict[str, JSONValue]:
        return {
            "applicability": self.applicability.label,
            "title": self.title,
            "ops": [op.to_dict() for op in self.ops],
        }


@dataclass(frozen=True)
class Violation:
    """What a rule yields: a short message, where (a JSON Pointer into the record) and a fix."""

    message: str
    pointer: str = ""
    fix: Fix | None = None


@dataclass(frozen=True)
class Origin:
    """Where a record came from: the file as given, the record's index in it and a key.

    ``base`` is the JSON Pointer of the record inside its document (``/message/items/3`` for a
    Crossref list); finding pointers are relative to the record, not to the document.
    """

    file: str | None = None
    index: int = 0
    base: str = ""


@dataclass(frozen=True)
class Finding:
    """A violation with the identity of its rule and the place of its record. Immutable."""

    code: str
    name: str
    severity: Severity
    message: str
    pointer: str
    fix: Fix | None
    file: str | None
    record: int | None
    line: int | None
    column: int | None
    fingerprint: str

    @property
    def fixable(self) -> bool:
        return self.fix is not None

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        return (
            self.file or "",
            self.record if self.record is not None else -1,
            self.line or 0,
            self.column or 0,
            self.code,
            self.pointer,
        )

    def to_dict(self) -> dict[str, JSONValue]:
        """The finding as it appears in the JSON report (schemas/report.schema.json)."""
        return {
            "code": self.code,
            "name": self.name,
            "severity": self.severity.label,
            "message": self.message,
            "file": self.file,
            "record": self.record,
            "line": self.line,
            "column": self.column,
            "pointer": self.pointer,
            "fingerprint": self.fingerprint,
            "fix": self.fix.to_dict() if self.fix else None,
        }


_new = object.__new__


def make_finding(code: str, name: str, severity: Severity, message: str, pointer: str,
                 fix: Fix | None, file: str | None, record: int | None, line: int | None,
                 column: int | None, fingerprint: str) -> Finding:
    """``Finding(code, name, ...)``, the same object built about four times faster (the engine
    makes one per finding, ~17 per record).

    A frozen dataclass's ``__init__`` sets each of the eleven fields through
    ``object.__setattr__``; this fills the instance's ``__dict__`` in one call instead. Correct
    because :class:`Finding` has no ``__post_init__``, no defaults and no slots: its state is
    its ``__dict__``, in field order (equality, hashing, repr and pickling read the fields).
    """
    finding: Finding = _new(Finding)
    finding.__dict__.update(code=code, name=name, severity=severity, message=message,
                            pointer=pointer, fix=fix, file=file, record=record, line=line,
                            column=column, fingerprint=fingerprint)
    return finding


def fingerprint(code: str, record_key: str, pointer: str, occurrence: int = 0) -> str:
    """A finding's identity: stable across edits elsewhere in the file and record moves.

    Built from the rule code, the record's key (DOI, PMID, source id or content hash) and the
    pointer (and, for the second and later findings of one rule at one pointer, their
    ordinal); never from line numbers or paths. Baselines, SARIF and GitLab reports use it.
    """
    tail = f"{pointer}" + (f"\x1f{occurrence}" if occurrence else "")
    if len(record_key) <= _SHORT_KEY:
        # The same bytes hashed at once: a record's findings are of different rules, so the
        # prefix's state would rarely be reused, and keeping it costs more than hashing it.
        whole = f"{code}\x1f{record_key}\x1f{tail}"
        # surrogatepass: a lone surrogate (from a \\ud800 escape in a DOI) is still an identity.
        short: str = hashlib.sha256(whole.encode("utf-8", "surrogatepass")).hexdigest()
        return short[:20]
    digest = _prefix_hash(code, record_key).copy()  # hashlib's HASH has no public type
    digest.update(tail.encode("utf-8", "surrogatepass"))
    text: str = digest.hexdigest()
    return text[:20]


_SHORT_KEY = 256
"""Record keys up to this length are hashed with each finding; longer ones once per rule."""


@functools.lru_cache(maxsize=256)
def _prefix_hash(code: str, record_key: str) -> Any:
    """The SHA-256 state after ``code``, the record key and their separators: a record's
    findings share it, so a long key (a DOI field holding a whole text) is hashed once per
    rule, not once per finding (thousands of findings times the key's length was quadratic).
    The digest is the same as hashing the whole text at once."""
    return hashlib.sha256(f"{code}\x1f{record_key}\x1f".encode("utf-8", "surrogatepass"))


@dataclass
class FileResult:
    """The outcome of checking one file (or stdin, or one iterable of records)."""

    path: str
    records: int = 0
    findings: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    """Findings that ``--fix`` removed (filled only when fixing)."""
    diff: str | None = None
    """Unified diff of what fixing would change (filled only by ``--diff``)."""
    errors: list[str] = field(default_factory=list)
    """Internal errors (a crashing rule, a fix that could not be written): exit code 2."""


@dataclass
class Report:
    """The outcome of a run: one :class:`FileResult` per input, in input order.

    It holds findings, never records; :meth:`collect` builds one from the events of a
    streamed run (:meth:`biblint.Linter.iter_check`).
    """

    files: list[FileResult] = field(default_factory=list)

    @classmethod
    def collect(cls, events: Iterable[Event]) -> Report:
        """The report of a streamed run: each file's findings (late ones included) sorted as
        :meth:`Linter.check_document` sorts them."""
        builder = ReportBuilder()
        for event in events:
            builder.add(event)
        return builder.report()

    @property
    def findings(self) -> list[Finding]:
        return [f for result in self.files for f in result.findings]

    @property
    def records(self) -> int:
        return sum(r.records for r in self.files)

    @property
    def errors(self) -> list[str]:
        return [e for result in self.files for e in result.errors]

    def by_code(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for f in self.findings:
            counts[f.code] = counts.get(f.code, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True)
class FileStarted:
    """A streamed run began reading a file (``size`` in bytes when known, for progress)."""

    path: str
    size: int | None = None


@dataclass(frozen=True)
class Census:
    """What the HTML report needs of a record besides its findings, taken as the record goes
    by (only when ``Config.census`` asks for it; see :mod:`biblint.census`)."""

    profile: str
    fields: tuple[str, ...]
    """The canonical fields the record's profile maps (the denominator of completeness)."""
    filled: frozenset[str]
    """The canonical fields the record fills: a value that is not null, blank or empty."""
    values: Mapping[str, str] = field(default_factory=dict)
    """A short excerpt of the value at each finding's pointer, by the finding's fingerprint
    (the report's examples show it; records are never kept)."""


@dataclass(frozen=True)
class RecordChecked:
    """The findings of one record (its read problems included), sorted, in file order.

    ``offset`` is the byte offset in the file after the record, when the file is streamed
    (None when it was read in memory).
    """

    path: str
    index: int | None
    findings: list[Finding]
    offset: int | None = None
    counted: bool = True
    """Whether a record was checked (False for a problem that is not a record)."""
    census: Census | None = None
    """The record's :class:`Census`, when the run takes one (the HTML report)."""


@dataclass(frozen=True)
class FileFinished:
    """A file is done: its counts, fixes, diff and internal errors (``result.findings`` holds
    only what was not already sent as :class:`RecordChecked`)."""

    result: FileResult


@dataclass(frozen=True)
class LateFindings:
    """Findings of a file known only after its records (run-scope rules judge at the end of
    a run): they may follow the file's :class:`FileFinished`, even other files'."""

    path: str
    findings: list[Finding]


Event = FileStarted | RecordChecked | FileFinished | LateFindings
"""What :meth:`biblint.Linter.iter_check` yields: plain, picklable values."""


class ReportBuilder:
    """Builds a :class:`Report` from the events of a run, one at a time (findings only)."""

    def __init__(self) -> None:
        self._report = Report()
        self._by_path: dict[str, FileResult] = {}
        self._open: dict[str, list[Finding]] = {}
        self._late: set[str] = set()

    def add(self, event: Event) -> None:
        if isinstance(event, RecordChecked):
            self._open.setdefault(event.path, []).extend(event.findings)
        elif isinstance(event, FileFinished):
            # A copy: the event may go to other sinks too (a streaming report).
            result = dataclasses.replace(
                event.result, findings=self._open.pop(event.result.path, [])
                + event.result.findings)
            self._report.files.append(result)
            self._by_path[result.path] = result
        elif isinstance(event, LateFindings):
            self._by_path[event.path].findings.extend(event.findings)
            self._late.add(event.path)

    def report(self) -> Report:
        for path in self._late:
            self._by_path[path].findings.sort(key=Finding.sort_key)
        self._late.clear()
        return self._report


def join_pointer(base: str, *tokens: str | int) -> str:
    """``base`` extended by ``tokens``, each escaped per RFC 6901."""
    return base + "".join("/" + jsonpointer.escape(str(t)) for t in tokens)


def split_pointer(pointer: str) -> list[str]:
    """The unescaped reference tokens of a JSON Pointer (``""`` is the whole document)."""
    return list(jsonpointer.JsonPointer(pointer).parts)


@functools.lru_cache(maxsize=4096)
def _tokens(pointer: str) -> tuple[str, ...]:
    return tuple(split_pointer(pointer))


def lookup(doc: Any, pointer: str) -> Any:
    """The value at ``pointer``, or None when there is none (never raises). Pointers are
    parsed once per process (profiles ask for the same few of every record)."""
    node = doc
    for token in _tokens(pointer):
        if isinstance(node, dict):
            node = node.get(token)
        elif isinstance(node, list) and token.isdigit() and int(token) < len(node):
            node = node[int(token)]
        else:
            return None
    return node


def resolve_pointer(doc: JSONValue, pointer: str) -> JSONValue:
    """The value at ``pointer``; raises :class:`jsonpointer.JsonPointerException` if absent."""
    return jsonpointer.resolve_pointer(doc, pointer)
