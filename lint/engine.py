"""The engine: selected rules over records, findings out.

:class:`Linter` is the library's entry point for repeated use: it resolves the configuration
against the rule registry once (selection, severity overrides, options), then lints single
records, streams of records, or files. It does no printing and never exits; unreadable input
becomes findings, and a crashing rule becomes an error entry of its file, not a crash.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .config import Config, ConfigError
from .discovery import discover as discover_files
from .discovery import walk
from .fixer import FixError, converge, unified_diff, write_atomic
from .model import (
    FileResult,
    Finding,
    JSONValue,
    Origin,
    Report,
    Severity,
    Violation,
    fingerprint,
)
from .profiles import GENERIC, Profile, installed_profiles
from .readers import Document, ReadProblem, WriteBackError, read_bytes, read_path
from .record import Record
from .registry import Context, Registry, Rule, default_registry
from .runscope import Entry, Judge, Judged, Key, KeyStore, TableSpec

_Step = tuple[Callable[[Record, Context], Iterable[Violation | Key]], Context, str, str, Rule]
"""What the record loop needs of a rule: its check, its context, code, name, and the rule."""


@dataclass
class RunState:
    """Per-run memory: one :class:`Context` per rule (the state of the older run rules) and
    the :class:`~biblint.runscope.KeyStore` of the two-phase run rules."""

    contexts: dict[str, Context] = field(default_factory=dict)
    keys: KeyStore | None = None
    """Keys extracted for two-phase run rules, judged when the run ends (None: extracted keys
    are dropped, as for one record linted alone, where there is nothing to compare)."""
    plans: dict[tuple[frozenset[str] | None, frozenset[str]], list[_Step]] = field(
        default_factory=dict)
    """The rules to call for records with a given set of canonical fields (and ignored
    codes), built on the first such record: records of one source share a handful of sets."""


class Linter:
    """Lints records with one configuration. Cheap to reuse, no global state."""

    def __init__(self, config: Config | None = None, *, registry: Registry | None = None,
                 gating: bool = True) -> None:
        """``gating=False`` calls every rule on every record, even a rule that reads only
        fields the record lacks (tests compare the two: gating must lose no finding)."""
        self.config = config or Config()
        self.gating = gating
        self.registry = registry or default_registry()
        try:
            self.rules = self.registry.select(
                self.config.select, self.config.ignore, self.config.extend_select
            )
            self._severity = self._resolve_severity()
            self._options = self._resolve_options()
            for selectors in self.config.per_file_ignores.values():
                for selector in selectors:
                    self.registry.select((selector,))
            # Installed profiles plus the user's own from the configuration.
            self.profiles = installed_profiles().with_user(self.config.profiles)
            self.profile: Profile | None = (
                self.profiles.get(self.config.profile) if self.config.profile else None
            )
        except ValueError as exc:
            where = f"{self.config.source}: " if self.config.source else ""
            raise ConfigError(f"{where}{exc}") from None
        self._checks = [r for r in self.rules if r.scope != "input"]
        self._fallbacks = frozenset(r.code for r in self._checks if r.fallback)
        self._ignored_cache: dict[str, frozenset[str]] = {}
        self._chosen: dict[tuple[frozenset[str] | None, frozenset[str]], list[Rule]] = {}
        """The rules each set of present fields (and ignored codes) calls, for every run."""
        self._judges: dict[str, tuple[Judge, dict[str, Any]]] = {
            r.code: (r.judge, self._options.get(r.code, {}))
            for r in self._checks if r.judge is not None}
        self._specs = {
            r.code: TableSpec(self._options.get(r.code, {}).get("max-keys", r.max_keys), r.keep)
            for r in self._checks if r.judge is not None}
        self.sequential = any(r.scope == "run" and r.judge is None for r in self._checks)
        """Whether a selected run rule keeps state across records in order (the older form
        of run rules): such a run is never split over ``--jobs`` workers."""

    # -- configuration ------------------------------------------------------------------
    def _resolve_severity(self) -> dict[str, Severity]:
        resolved = {r.code: r.severity for r in self.registry}
        # Broad selectors first, so "DOI" = warning and "DOI001" = error combine as expected.
        for selector, severity in sorted(self.config.severity.items(), key=lambda kv: len(kv[0])):
            matched = self.registry.matching(selector)
            if not matched:
                raise ValueError(f"unknown rule selector {selector!r} in severity")
            for item in matched:
                resolved[item.code] = severity
        return resolved

    def _resolve_options(self) -> dict[str, dict[str, Any]]:
        options = {r.code: r.default_options() for r in self.registry}
        for key, given in self.config.rules.items():
            try:
                item = self.registry.get(key)
            except KeyError:
                raise ValueError(f"unknown rule {key!r} in [tool.biblint.rules]") from None
            for name, value in given.items():
                if name not in item.options:
                    known = ", ".join(sorted(item.options)) or "none"
                    raise ValueError(
                        f"unknown option {name!r} for rule {item.code} (options: {known})"
                    )
                import jsonschema  # lazily: only options given in a config are checked

                try:
                    jsonschema.validate(value, dict(item.options[name].schema))
                except jsonschema.ValidationError as exc:
                    raise ValueError(
                        f"invalid value {value!r} for option {name!r} of {item.code}: "
                        f"{exc.message}"
                    ) from None
                options[item.code][name] = value
        return options

    def severity_of(self, code: str) -> Severity:
        return self._severity.get(code, Severity.ERROR)

    # -- records ------------------------------------------------------------------------
    def new_run(self, *, keys: bool = True) -> RunState:
        """Fresh per-run memory; ``keys=False`` drops what two-phase run rules extract."""
        return RunState(
            {r.code: Context(options=self._options.get(r.code, {}), profile=_NO_PROFILE)
             for r in self._checks},
            KeyStore(self._specs) if keys and self._judges else None,
        )

    def make_record(self, data: JSONValue, *, profile: str | Profile | None = None,
                    origin: Origin | None = None,
                    locate: Any = None) -> Record:
        if isinstance(profile, str):
            profile = self.profiles.get(profile)
        chosen = profile or self.profile or self.profiles.detect(data)
        return Record(data, chosen, origin, locate)

    def lint(self, data: JSONValue, *, profile: str | Profile | None = None) -> list[Finding]:
        """Findings of one record (a parsed JSON object). No I/O; the input is not mutated."""
        return self.lint_record(self.make_record(data, profile=profile),
                                self.new_run(keys=False))

    def lint_stream(self, records: Iterable[JSONValue], *,
                    profile: str | Profile | None = None) -> Iterator[list[Finding]]:
        """Findings of each record of a stream, with run-scope rules seeing all of them.

        Lazy: one list per record as it comes, with the findings of record rules (and of
        run rules of the older, stateful form). Two-phase run rules (the DUP duplicates,
        JRN001, JRN005, TYP008) can judge only when the stream has ended: when any is
        selected, one more list follows the last record's, holding their findings (possibly
        none; each names its record by ``Finding.record``, the index in the stream, and has
        no line or column).
        """
        state = self.new_run()
        for index, data in enumerate(records):
            record = self.make_record(data, profile=profile, origin=Origin(None, index))
            yield self.lint_record(record, state)
        if state.keys is not None:
            yield [self._judged_finding(item, None) for item in self.judge_run(state)]

    def _plan(self, record: Record, state: RunState, ignored: frozenset[str]) -> list[_Step]:
        """The rules to call for ``record``: not ignored, and (with gating) reading at least
        one canonical field the record has, or the record as a whole."""
        present = record.present() if self.gating else None
        try:
            return state.plans[present, ignored]
        except KeyError:
            pass
        chosen = self._chosen.get((present, ignored))
        if chosen is None:
            chosen = [item for item in self._checks if item.code not in ignored and (
                present is None or not item.gated
                or not item.reads.isdisjoint(present))]  # type: ignore[union-attr]
            if len(self._chosen) >= 1024:  # records of ever new shapes: bounded memory
                self._chosen.clear()
            self._chosen[present, ignored] = chosen
        contexts = state.contexts
        steps = [(item.check, contexts[item.code], item.code, item.name, item)
                 for item in chosen]
        if len(state.plans) >= 1024:
            state.plans.clear()
        state.plans[present, ignored] = steps
        return steps

    def lint_record(self, record: Record, state: RunState,
                    ignored: frozenset[str] = frozenset()) -> list[Finding]:
        found: list[Finding] = []
        profile = record.profile
        for check, context, code, name, item in self._plan(record, state, ignored):
            context.profile = profile
            if item.judge is not None:
                if state.keys is not None or item.alone:
                    self._extract(item, record, context, state.keys, found)
                continue
            seen: dict[str, int] | None = None
            try:
                for violation in check(record, context):
                    if not isinstance(violation, Violation):
                        continue  # a Key from a record rule: nothing to judge it
                    # The n-th finding of one rule at one pointer gets its own fingerprint.
                    pointer = violation.pointer
                    if seen is None:
                        seen = {pointer: 1}
                        occurrence = 0
                    else:
                        occurrence = seen.get(pointer, 0)
                        seen[pointer] = occurrence + 1
                    found.append(self._finding(code, name, violation.message, pointer,
                                               violation.fix, record, occurrence))
            except Exception as exc:  # a rule bug must not lose the other findings
                raise RuleCrash(item, record, exc) from exc
        if self._fallbacks and found:
            # One defect, one finding: a catch-all rule yields to a rule that explains it.
            explained = {f.pointer for f in found if f.code not in self._fallbacks}
            found = [f for f in found
                     if f.code not in self._fallbacks or f.pointer not in explained]
        return found

    def _extract(self, item: Rule, record: Record, context: Context, keys: KeyStore | None,
                 found: list[Finding]) -> None:
        """A two-phase run rule's extract step: its keys into ``keys``, its violations (what
        the record shows on its own) into ``found``."""
        seen: dict[str, int] = {}
        try:
            for out in item.check(record, context):
                if isinstance(out, Key):
                    if keys is not None:
                        origin = record.origin
                        keys.add(item.code, out.key,
                                 Entry(record.key, out.payload, origin.file or "", origin.index))
                    continue
                occurrence = seen.get(out.pointer, 0)
                seen[out.pointer] = occurrence + 1
                found.append(self._finding(item.code, item.name, out.message, out.pointer,
                                           out.fix, record, occurrence))
        except Exception as exc:  # a rule bug must not lose the other findings
            raise RuleCrash(item, record, exc) from exc

    # -- the end of a run: two-phase run rules ----------------------------------------------
    def judge_run(self, state: RunState) -> list[Judged]:
        """The judgement of the run's two-phase rules over the keys of ``state``."""
        if state.keys is None:
            return []
        return state.keys.judge(self._judges)

    def finish_run(self, state: RunState, results: Iterable[FileResult],
                   positions: Callable[[str], Positions | None]) -> None:
        """Judge the run and add its findings to ``results`` (matched by path), in order.

        ``positions(path)`` gives a file's :data:`Positions` (it reads the file again, once,
        and only for files that got a judged finding), so each finding's pointer gets its
        line and column; None gives findings without a position. A catch-all (fallback)
        finding at the pointer of a judged one is dropped, as within a record (one defect,
        one finding).
        """
        judged = self.judge_run(state)
        if not judged:
            return
        by_file: dict[str, list[Judged]] = {}
        for item in judged:
            by_file.setdefault(item.entry.file, []).append(item)
        for result in results:
            items = by_file.pop(result.path, None)
            if not items:
                continue
            where = positions(result.path)
            added = [self._judged_finding(item, where) for item in items]
            if self._fallbacks:
                spots = {(f.record, f.pointer) for f in added}
                result.findings = [f for f in result.findings if f.code not in self._fallbacks
                                   or (f.record, f.pointer) not in spots]
            result.findings.extend(added)
            result.findings.sort(key=Finding.sort_key)

    def _judged_finding(self, item: Judged, where: Positions | None) -> Finding:
        entry, violation = item.entry, item.violation
        line = column = None
        if where is not None:
            try:
                found = where(entry.record, violation.pointer)
            except Exception:  # a file changed since it was read: no position, no crash
                found = None
            if found is not None:
                line, column = found
        rule_ = self.registry.get(item.code)
        return Finding(code=item.code, name=rule_.name, severity=self.severity_of(item.code),
                       message=violation.message, pointer=violation.pointer,
                       fix=violation.fix, file=entry.file or None, record=entry.record,
                       line=line, column=column,
                       fingerprint=fingerprint(item.code, entry.record_key, violation.pointer))

    def _finding(self, code: str, name: str, message: str, pointer: str, fix: Any,
                 record: Record, occurrence: int = 0) -> Finding:
        line = column = None
        if record.locate is not None:
            line, column = record.locate(pointer)
        return Finding(
            code=code,
            name=name,
            severity=self.severity_of(code),
            message=message,
            pointer=pointer,
            fix=fix,
            file=record.origin.file,
            record=record.origin.index,
            line=line,
            column=column,
            fingerprint=fingerprint(code, record.key, pointer, occurrence),
        )

    # -- documents ----------------------------------------------------------------------
    def ignored_in(self, path: str) -> frozenset[str]:
        cached = self._ignored_cache.get(path)
        if cached is None:
            selectors = self.config.ignored_for(path)
            cached = frozenset(
                r.code for s in selectors for r in self.registry.matching(s) if r.scope != "input"
            )
            self._ignored_cache[path] = cached
        return cached

    def check_document(self, document: Document, state: RunState | None = None) -> FileResult:
        """Findings of every record of a read document, and of its read problems.

        Without ``state`` the document is a run of its own, judged here; with one, the
        caller judges the run (:meth:`finish_run`) when every document was checked.
        """
        own = state is None
        state = state or self.new_run()
        result = FileResult(document.path)
        result.findings.extend(self.problem_finding(document.path, p) for p in document.problems)
        ignored = self.ignored_in(document.path)
        for index, raw in enumerate(document.records):
            if raw.data is None:
                continue
            result.records += 1
            record = self.make_record(raw.data, origin=raw.origin,
                                      locate=partial(document.locate, index))
            try:
                result.findings.extend(self.lint_record(record, state, ignored))
            except RuleCrash as crash:
                result.errors.append(f"{document.path}: record {index}: {crash}")
        result.findings.sort(key=Finding.sort_key)
        if own:
            self.finish_run(state, [result], lambda path: document_positions(document))
        return result

    def problem_finding(self, path: str, problem: ReadProblem) -> Finding:
        try:
            name = self.registry.get(problem.code).name
        except KeyError:
            name = "unreadable-input"
        # Never the path or a line number: the identity of "record N of this file is unreadable".
        key = f"input:{problem.record}"
        return Finding(code=problem.code, name=name, severity=Severity.ERROR,
                       message=problem.message, pointer=problem.pointer, fix=None, file=path,
                       record=problem.record, line=problem.line, column=problem.column,
                       fingerprint=fingerprint(problem.code, key, problem.pointer))

    def check_bytes(self, data: bytes, name: str) -> FileResult:
        return self.check_document(read_bytes(data, name))

    def check_paths(self, paths: Iterable[str | Path], *, fix: bool = False,
                    unsafe: bool = False, diff: bool = False,
                    force_exclude: bool = False, jobs: int | None = None,
                    chunk_size: int | None = None, min_parallel: int | None = None) -> Report:
        """Check files and folders (walked for .json, .jsonl, .ndjson; see :meth:`discover`).

        With ``fix``, applicable fixes are written back (atomically) and the findings that
        remain are reported; with ``diff``, nothing is written and each result carries the
        diff that fixing would make.

        ``jobs`` worker processes (default: the config's ``jobs``, else the machine's cores)
        share the files, and byte ranges of large JSON Lines files (``chunk_size``); a run of
        less than ``min_parallel`` bytes in all, a single small file, or a run with a stateful
        run rule stays in this process (see :mod:`biblint.parallel`). The report is the same
        whatever the number of jobs, in the same order; run-scope rules are judged at the end.
        """
        from . import parallel

        discovered = self.discover(paths, force_exclude=force_exclude)
        wanted = parallel.resolve_jobs(jobs if jobs is not None else self.config.jobs)
        if wanted > 1 and not self.sequential and self.registry is default_registry():
            files = list(discovered)
            state = self.new_run()
            outcome = parallel.check_files(self, files, state.keys, jobs=wanted, fix=fix,
                                           unsafe=unsafe, diff=diff, chunk_size=chunk_size,
                                           min_parallel=min_parallel)
            if outcome is not None:
                report = Report(outcome.results)
                self.finish_run(state, report.files, outcome.positions)
                return report
            discovered = iter(files)
        report = Report()
        state = self.new_run()
        seen: list[tuple[Path, str]] = []
        for path, shown in discovered:
            seen.append((path, shown))
            report.files.append(self.check_file(path, shown, state, fix=fix, unsafe=unsafe,
                                                diff=diff))
        self.finish_run(state, report.files, reread(seen))
        return report

    def check_file(self, path: Path, shown: str, state: RunState, *, fix: bool = False,
                   unsafe: bool = False, diff: bool = False) -> FileResult:
        """One file of a run (fixed first with ``fix`` or ``diff``); its run-scope keys go to
        ``state``, judged by the caller."""
        if fix or diff:
            return self._fix_file(path, shown, state, unsafe=unsafe, write=not diff)
        return self.check_document(read_path(path, shown), state)

    def fix_bytes(self, data: bytes, name: str, *, unsafe: bool = False
                  ) -> tuple[bytes, FileResult]:
        """Fix a file's content in memory: the new bytes and the findings that remain."""
        document = read_bytes(data, name)
        new, fixed, errors = self.fix_document(document, unsafe=unsafe)
        result = self.check_document(read_bytes(new, name) if new is not None else document)
        result.fixed, result.errors = fixed, errors + result.errors
        return (new if new is not None else data), result

    def fix_document(self, document: Document, *, unsafe: bool = False
                     ) -> tuple[bytes | None, list[Finding], list[str]]:
        """New bytes for a document with its applicable fixes applied (None: no change),
        the findings fixed, and internal errors. A document that did not parse is left alone."""
        if not document.writable:
            return None, [], []
        ignored = self.ignored_in(document.path)
        changed: dict[int, JSONValue] = {}
        fixed: list[Finding] = []
        errors: list[str] = []
        for index, raw in enumerate(document.records):
            if raw.data is None:
                continue
            original = raw.data

            def lint(data: JSONValue, index: int = index, raw: Any = raw,
                     original: JSONValue = original) -> list[Finding]:
                locate = partial(document.locate, index) if data is original else None
                record = self.make_record(data, origin=raw.origin, locate=locate)
                return self.lint_record(record, self.new_run(keys=False), ignored)

            try:
                outcome = converge(original, lint, unsafe=unsafe)
            except (FixError, RuleCrash) as exc:
                errors.append(f"{document.path}: record {index}: not fixed: {exc}")
                continue
            if outcome.changed:
                changed[index] = outcome.record
                fixed.extend(outcome.fixed)
        if not changed:
            return None, fixed, errors
        try:
            return document.render(changed), fixed, errors
        except WriteBackError as exc:
            errors.append(f"{document.path}: not fixed: {exc}")
            return None, [], errors

    def _fix_file(self, path: Path, shown: str, state: RunState, *, unsafe: bool,
                  write: bool) -> FileResult:
        try:
            data = path.read_bytes()
        except OSError:
            return self.check_document(read_path(path, shown), state)
        document = read_bytes(data, shown)
        new, fixed, errors = self.fix_document(document, unsafe=unsafe)
        if new is None:
            result = self.check_document(document, state)
        elif not write:
            result = self.check_document(document, state)
            result.diff = unified_diff(shown, data, new)
        else:
            try:
                write_atomic(path, new, data)
                document = read_bytes(new, shown)
            except (FixError, OSError) as exc:
                errors.append(f"{shown}: not fixed: {exc}")
                fixed = []
            result = self.check_document(document, state)
        result.fixed = fixed
        result.errors = errors + result.errors
        return result

    def discover(self, paths: Iterable[str | Path], *, force_exclude: bool = False
                 ) -> Iterator[tuple[Path, str]]:
        """Files to check: files as given, folders walked for known suffixes, honouring
        .gitignore inside a git work tree and the config's ``exclude`` (which applies to
        files given explicitly only with ``force_exclude``); see :mod:`biblint.discovery`."""
        return discover_files(paths, self.config, force_exclude=force_exclude)

    def _walk(self, folder: Path) -> Iterator[tuple[Path, str]]:
        return walk(folder, self.config)


Positions = Callable[[int, str], "tuple[int, int] | None"]
"""``where(record_index, pointer)``: the 1-based line and column of a pointer in a record of a
file (None when the record is not there), for findings judged after the file was checked."""


def document_positions(document: Document) -> Positions:
    """Positions in a document that is still at hand."""

    def where(index: int, pointer: str) -> tuple[int, int] | None:
        if 0 <= index < len(document.records) and document.records[index].data is not None:
            return document.locate(index, pointer)
        return None

    return where


def reread(files: Iterable[tuple[Path, str]]) -> Callable[[str], Positions | None]:
    """Positions in the files of a run, each read again by its shown name when first asked."""
    paths = {shown: path for path, shown in files}

    def positions(shown: str) -> Positions | None:
        path = paths.get(shown)
        return document_positions(read_path(path, shown)) if path is not None else None

    return positions


class RuleCrash(Exception):
    """A rule raised: reported as an internal error of its file (exit 2), never swallowed."""

    def __init__(self, item: Rule, record: Record, exc: Exception) -> None:
        super().__init__(f"rule {item.code} ({item.name}) crashed: "
                         f"{exc.__class__.__name__}: {exc}")
        self.rule = item
        self.record = record


_NO_PROFILE: Profile = GENERIC
__all__ = ["Linter", "Positions", "RuleCrash", "RunState"]

