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

import jsonschema

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
from .profiles import Profile, detect_profile, get_profile
from .readers import Document, ReadProblem, WriteBackError, read_bytes, read_path
from .record import Record
from .registry import Context, Registry, Rule, default_registry

_Step = tuple[Callable[[Record, Context], Iterable[Violation]], Context, str, str, Rule]
"""What the record loop needs of a rule: its check, its context, code, name, and the rule."""


@dataclass
class RunState:
    """Per-run memory: one :class:`Context` per rule, so run-scope rules can compare records."""

    contexts: dict[str, Context] = field(default_factory=dict)
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
            self.profile: Profile | None = (
                get_profile(self.config.profile) if self.config.profile else None
            )
        except ValueError as exc:
            where = f"{self.config.source}: " if self.config.source else ""
            raise ConfigError(f"{where}{exc}") from None
        self._checks = [r for r in self.rules if r.scope != "input"]
        self._fallbacks = frozenset(r.code for r in self._checks if r.fallback)
        self._ignored_cache: dict[str, frozenset[str]] = {}
        self._chosen: dict[tuple[frozenset[str] | None, frozenset[str]], list[Rule]] = {}
        """The rules each set of present fields (and ignored codes) calls, for every run."""

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
    def new_run(self) -> RunState:
        return RunState(
            {r.code: Context(options=self._options.get(r.code, {}), profile=_NO_PROFILE)
             for r in self._checks}
        )

    def make_record(self, data: JSONValue, *, profile: str | Profile | None = None,
                    origin: Origin | None = None,
                    locate: Any = None) -> Record:
        if isinstance(profile, str):
            profile = get_profile(profile)
        chosen = profile or self.profile or detect_profile(data)
        return Record(data, chosen, origin, locate)

    def lint(self, data: JSONValue, *, profile: str | Profile | None = None) -> list[Finding]:
        """Findings of one record (a parsed JSON object). No I/O; the input is not mutated."""
        return self.lint_record(self.make_record(data, profile=profile), self.new_run())

    def lint_stream(self, records: Iterable[JSONValue], *,
                    profile: str | Profile | None = None) -> Iterator[list[Finding]]:
        """Findings of each record of a stream, with run-scope rules seeing all of them."""
        state = self.new_run()
        for index, data in enumerate(records):
            record = self.make_record(data, profile=profile, origin=Origin(None, index))
            yield self.lint_record(record, state)

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
            seen: dict[str, int] | None = None
            try:
                for violation in check(record, context):
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
        """Findings of every record of a read document, and of its read problems."""
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
                    force_exclude: bool = False) -> Report:
        """Check files and folders (walked for .json, .jsonl, .ndjson; see :meth:`discover`).

        With ``fix``, applicable fixes are written back (atomically) and the findings that
        remain are reported; with ``diff``, nothing is written and each result carries the
        diff that fixing would make.
        """
        report = Report()
        state = self.new_run()
        for path, shown in self.discover(paths, force_exclude=force_exclude):
            if fix or diff:
                report.files.append(self._fix_file(path, shown, state, unsafe=unsafe,
                                                   write=not diff))
            else:
                report.files.append(self.check_document(read_path(path, shown), state))
        return report

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
                return self.lint_record(record, self.new_run(), ignored)

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


class RuleCrash(Exception):
    """A rule raised: reported as an internal error of its file (exit 2), never swallowed."""

    def __init__(self, item: Rule, record: Record, exc: Exception) -> None:
        super().__init__(f"rule {item.code} ({item.name}) crashed: "
                         f"{exc.__class__.__name__}: {exc}")
        self.rule = item
        self.record = record


_NO_PROFILE: Profile = get_profile("generic")
__all__ = ["Linter", "RuleCrash", "RunState"]

