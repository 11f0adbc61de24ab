"""The engine: selected rules over records, findings out.

:class:`Linter` is the library's entry point for repeated use: it resolves the configuration
against the rule registry once (selection, severity overrides, options), then lints single
records, streams of records, or files. It does no printing and never exits; unreadable input
becomes findings, and a crashing rule becomes an error entry of its file, not a crash.
"""

from __future__ import annotations

import gc
import stat
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .cache import (
    CAPTURE_LIMIT,
    CacheUnusable,
    ResultCache,
    decode_findings,
    decode_keys,
    encode_findings,
    encode_keys,
)
from .census import take as take_census
from .config import Config, ConfigError
from .discovery import discover as discover_files
from .discovery import walk
from .fixer import AtomicFile, FixError, converge, unified_diff, write_atomic
from .model import (
    Census,
    Event,
    FileFinished,
    FileResult,
    FileStarted,
    Finding,
    JSONValue,
    LateFindings,
    Origin,
    RecordChecked,
    Report,
    Severity,
    Violation,
    fingerprint,
    make_finding,
)
from .profiles import GENERIC, Profile, installed_profiles
from .readers import (
    Document,
    InMemoryDocument,
    RawRecord,
    ReadProblem,
    WriteBackError,
    open_path,
    read_bytes,
    read_path,
    streams_as_lines,
)
from .readers.jsonlines import JsonLinesStream, line_locator, raw_line
from .record import Record
from .registry import Context, Registry, Rule, default_registry
from .runscope import SPILL_AT, Judge, Judged, Key, KeyStore, TableSpec

_Step = tuple[Callable[[Record, Context], Iterable[Violation | Key]], Context, str, str,
              Severity, int, Rule]
"""What the record loop needs of a rule: its check, its context, code, name, severity,
its kind (0; :data:`_JUDGED`, a two-phase run rule, whose keys are extracted;
:data:`_FALLBACK`, a catch-all rule, run last), and the rule."""

_JUDGED, _FALLBACK = 1, 2

Captured = tuple[int, str, list[tuple[str, list[Key]]], tuple[str, ...]]
"""One record's run-scope keys as the result cache keeps them: its index, its key
(``Record.key``), the keys each rule extracted, and the pointers hidden by catch-all findings."""

EXPLAINED = "explained"
"""The key of a catch-all (``fallback``) rule's ``Context.state`` under which the engine
hands it, for each record, the pointers the record's other findings are at: the engine drops
the catch-all's findings there anyway, so the rule may skip working them out (REC003 skips
explaining the values other rules report)."""


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
    profile: Profile | None = None
    """The profile every context of ``contexts`` holds (None: not set yet). Records of one
    source share a profile, so the contexts are updated when it changes, not per rule."""
    capture: list[Captured] | None = None
    """When a list, each record's run-scope keys are also appended to it as they go into
    :attr:`keys` (index, record key, keys per rule, hidden pointers): what the result cache
    keeps of a record for the run-scope rules."""


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
        self._cache: ResultCache | bool | None = False
        self._meta = {r.code: (r.name, self.severity_of(r.code)) for r in self._checks}
        """Each selected rule's name and severity: what a cached finding leaves out."""

    @property
    def cache(self) -> ResultCache | None:
        """The result cache (:mod:`biblint.cache`) of this linter's runs, opened on first use:
        None when the config names no folder or turns it off, for a census (the HTML report),
        or when a selected run rule keeps state across records (its findings depend on the
        records before: nothing of a record alone can be reused)."""
        if self._cache is False:
            config = self.config
            self._cache = None
            if (config.cache and config.cache_dir is not None and not config.census
                    and not self.sequential):
                from .cache import settings_digest

                try:
                    self._cache = ResultCache(config.cache_dir,
                                              settings_digest(config, self._checks))
                except Exception:  # the settings cannot be told apart: no cache, same findings
                    self._cache = None
        return self._cache  # type: ignore[return-value]

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
    def new_run(self, *, keys: bool = True, spill: bool = False) -> RunState:
        """Fresh per-run memory; ``keys=False`` drops what two-phase run rules extract;
        ``spill=True`` lets the run's key store spill to disk past
        :data:`~biblint.runscope.SPILL_AT` entries (bounded memory for runs of any size;
        its ``tables`` then hold only part of the entries: see ``KeyStore.items``)."""
        return RunState(
            {r.code: Context(options=self._options.get(r.code, {}), profile=_NO_PROFILE)
             for r in self._checks},
            KeyStore(self._specs, spill_at=SPILL_AT if spill else None)
            if keys and self._judges else None,
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
        no line or column). As in a run over files, a judged finding at a pointer where its
        record already has a catch-all (schema) finding is dropped: one defect, one finding.
        """
        state = self.new_run(spill=True)
        for index, data in enumerate(records):
            record = self.make_record(data, profile=profile, origin=Origin(None, index))
            yield self.lint_record(record, state)
        if state.keys is not None:
            yield [self.judged_finding(item, None) for item in self.judge_run(state)
                   if item.violation.pointer not in item.entry.hidden]

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
        contexts, severity = state.contexts, self.severity_of
        steps = [(item.check, contexts[item.code], item.code, item.name, severity(item.code),
                  _JUDGED if item.judge is not None else _FALLBACK if item.fallback else 0,
                  item) for item in chosen]
        if len(state.plans) >= 1024:
            state.plans.clear()
        state.plans[present, ignored] = steps
        return steps

    def lint_record(self, record: Record, state: RunState,
                    ignored: frozenset[str] = frozenset()) -> list[Finding]:
        found: list[Finding] = []
        keyed: list[tuple[str, list[Key]]] = []
        profile = record.profile
        if state.profile is not profile:
            for context in state.contexts.values():
                context.profile = profile
            state.profile = profile
        keys = state.keys
        deferred: list[tuple[int, Rule, Context]] | None = None
        for check, context, code, name, severity, kind, item in self._plan(record, state,
                                                                           ignored):
            if kind:
                if kind == _FALLBACK:  # run last, its findings put back in their place
                    if deferred is None:
                        deferred = []
                    deferred.append((len(found), item, context))
                    continue
                if keys is not None or item.alone:
                    self._extract(item, severity, record, context, keyed, found)
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
                    found.append(self._finding(code, name, severity, violation, record,
                                               occurrence))
            except Exception as exc:  # a rule bug must not lose the other findings
                raise RuleCrash(item, record, exc) from exc
        if deferred is not None:
            self._run_fallbacks(record, deferred, found)
        if self._fallbacks and found:
            # One defect, one finding: a catch-all rule yields to a rule that explains it.
            explained = {f.pointer for f in found if f.code not in self._fallbacks}
            found = [f for f in found
                     if f.code not in self._fallbacks or f.pointer not in explained]
        if keyed and keys is not None:
            self._add_keys(record, keyed, found, keys, state.capture)
        return found

    def _run_fallbacks(self, record: Record, deferred: list[tuple[int, Rule, Context]],
                       found: list[Finding]) -> None:
        """Run the catch-all rules deferred by :meth:`lint_record`, each handed (in its
        context's ``state``, under :data:`EXPLAINED`) the pointers of the other rules'
        findings, and put their findings into ``found`` where they would have been had they
        run in their turn (the order of findings is the order of the rules)."""
        explained = frozenset(f.pointer for f in found)  # only other rules' so far
        for at, item, context in reversed(deferred):  # from the end: positions stay valid
            context.state[EXPLAINED] = explained
            mine: list[Finding] = []
            self._collect(item, self.severity_of(item.code), record, context, mine)
            found[at:at] = mine

    def _add_keys(self, record: Record, keyed: list[tuple[str, list[Key]]],
                  found: list[Finding], keys: KeyStore,
                  capture: list[Captured] | None = None) -> None:
        """The record's run-scope keys into ``keys``. Each entry carries the pointers where
        the record already has a catch-all (schema) finding: a judged finding there is
        dropped (one defect, one finding), as within a record; the record's findings may
        have been reported already, so the judged one yields."""
        hidden: tuple[str, ...] = ()
        if self._fallbacks:
            hidden = tuple(sorted({f.pointer for f in found if f.code in self._fallbacks}))
        origin = record.origin
        file, index, record_key = origin.file or "", origin.index, record.key
        for code, pairs in keyed:
            keys.add_record(code, pairs, record_key, file, index, hidden)
        if capture is not None:
            capture.append((index, record_key, keyed, hidden))

    def _extract(self, item: Rule, severity: Severity, record: Record, context: Context,
                 keyed: list[tuple[str, list[Key]]], found: list[Finding]) -> None:
        """A two-phase run rule's extract step: its keys into ``keyed`` (one entry for the
        rule), its violations (what the record shows on its own) into ``found``."""
        mine = self._collect(item, severity, record, context, found)
        if mine:
            keyed.append((item.code, mine))

    def _collect(self, item: Rule, severity: Severity, record: Record, context: Context,
                 found: list[Finding]) -> list[Key]:
        """Run one rule on ``record`` outside the record loop of :meth:`lint_record` (which
        does the same, inlined): its findings into ``found``, the n-th at one pointer with
        its own fingerprint; the keys it yields returned."""
        seen: dict[str, int] = {}
        code, name = item.code, item.name
        keys: list[Key] = []
        try:
            for out in item.check(record, context):
                if isinstance(out, Key):
                    keys.append(out)
                    continue
                occurrence = seen.get(out.pointer, 0)
                seen[out.pointer] = occurrence + 1
                found.append(self._finding(code, name, severity, out, record, occurrence))
        except Exception as exc:  # a rule bug must not lose the other findings
            raise RuleCrash(item, record, exc) from exc
        return keys

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
        line and column; None gives findings without a position.
        """
        late = dict(self.late_findings(state, positions))
        for result in results:
            added = late.pop(result.path, None)
            if added:
                result.findings.extend(added)
                result.findings.sort(key=Finding.sort_key)

    def late_findings(self, state: RunState, positions: Callable[[str], Positions | None]
                      ) -> Iterator[tuple[str, list[Finding]]]:
        """The judged findings of a run, per file (in the order files first appear among
        them), each file's sorted. A judged finding never removes a finding already reported
        (a streamed report has printed it), so a catch-all finding at the same pointer
        stays: the two say different things (this value breaks the schema; this key has
        another shape than in the other records)."""
        judged = self.judge_run(state)
        by_file: dict[str, list[Judged]] = {}
        for item in judged:
            if item.violation.pointer not in item.entry.hidden:
                by_file.setdefault(item.entry.file, []).append(item)
        for path, items in by_file.items():
            items.sort(key=lambda item: item.entry.record)  # positions are read forward
            where = positions(path)
            found = [self.judged_finding(item, where) for item in items]
            found.sort(key=Finding.sort_key)
            yield path, found

    def judged_finding(self, item: Judged, where: Positions | None) -> Finding:
        """The finding of a two-phase run rule's judgement (:meth:`judge_run`), with this
        linter's severity for the rule, the fingerprint of its record's key and pointer, and
        the line and column that ``where`` gives for the record's index and the pointer
        (None: no position; a position that cannot be read, as in a file changed since it
        was checked, is left out, never raised). It does not drop a finding at a pointer the
        record's catch-all findings hold (``item.entry.hidden``): callers do, as
        :meth:`late_findings` does."""
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

    @staticmethod
    def _finding(code: str, name: str, severity: Severity, violation: Violation,
                 record: Record, occurrence: int) -> Finding:
        """The finding of a rule's violation in ``record``: the record's place and the
        position of the pointer (when the record has a source), and the fingerprint."""
        pointer = violation.pointer
        line = column = None
        locate = record.locate
        if locate is not None:
            line, column = locate(pointer)
        origin = record.origin
        return make_finding(code, name, severity, violation.message, pointer, violation.fix,
                            origin.file, origin.index, line, column,
                            fingerprint(code, record.key, pointer, occurrence))

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
        for event in self.iter_document(document, state, result):
            result.findings.extend(event.findings)
        result.findings.sort(key=Finding.sort_key)
        if own:
            self.finish_run(state, [result], lambda path: document_positions(document))
        return result

    def iter_document(self, document: Document, state: RunState | None = None,
                      result: FileResult | None = None) -> Iterator[RecordChecked]:
        """Stream a document: one :class:`RecordChecked` per record, in file order, holding
        the record's findings and read problems (sorted), then one for the problems that
        belong to no record, if any. Records are not kept.

        ``result`` (if given) counts the records and collects internal errors; its findings
        are left alone. A worker process can run this on a whole file or on a chunk of a JSON
        Lines file (:class:`biblint.readers.jsonlines.JsonLinesStream` with ``start``/``end``)
        and send the events back: they are plain picklable values.
        """
        state = state or self.new_run()
        if result is None:
            result = FileResult(document.path)
        path = document.path
        ignored = self.ignored_in(path)
        pending: list[ReadProblem] = []
        seen = 0
        # A JSON Lines file is cached line by line (biblint.cache).
        stream = document if isinstance(document, JsonLinesStream) else None
        lines = self.cache if stream is not None else None
        for raw in document.iter_records():
            problems = document.problems
            if len(problems) > seen:
                pending.extend(problems[seen:])
                seen = len(problems)
            index = raw.origin.index
            found = self._due(path, pending, index) if pending else []
            census = None
            if raw.data is not None:
                result.records += 1
                if lines is not None and stream is not None:
                    found.extend(self._lint_line(lines, stream, raw, state, ignored, result))
                else:
                    record = self.make_record(raw.data, origin=raw.origin, profile=raw.profile,
                                              locate=partial(document.locate, index))
                    try:
                        found.extend(self.lint_record(record, state, ignored))
                    except RuleCrash as crash:
                        result.errors.append(f"{path}: record {index}: {crash}")
                    if self.config.census:
                        census = take_census(record, found)
            if len(found) > 1:
                found.sort(key=Finding.sort_key)
            yield RecordChecked(path, index, found, raw.span[1] if raw.span else None,
                                raw.data is not None, census)
        if lines is not None:
            lines.flush()
        pending.extend(document.problems[seen:])
        if pending:
            rest = [self.problem_finding(path, p) for p in pending]
            rest.sort(key=Finding.sort_key)
            yield RecordChecked(path, None, rest, None, False)

    def _lint_line(self, cache: ResultCache, document: JsonLinesStream, raw: RawRecord,
                   state: RunState, ignored: frozenset[str], result: FileResult
                   ) -> list[Finding]:
        """The findings of the record of a JSON Lines line, from the result cache when the
        same line was checked before with the same settings (its run-scope keys then go into
        the run as if it had been checked), else checked and kept in the cache."""
        lineno, body = document.current_line()
        index, file = raw.origin.index, raw.origin.file or ""
        key = cache.key(b"line", body, raw.profile or "", "\0".join(sorted(ignored)))
        entry = cache.get(key)
        if entry is not None:
            try:
                found = decode_findings(entry["f"], self._meta, raw.origin.file, index,
                                        lineno)
                keyed = decode_keys(entry["k"])
            except (KeyError, TypeError, ValueError):
                pass  # an entry of another layout: check the record
            else:
                _replay_keys(state.keys, keyed, file, index)
                return found
        record = self.make_record(raw.data, origin=raw.origin, profile=raw.profile,
                                  locate=partial(document.locate, index))
        capture: list[Captured] = []
        state.capture = capture
        try:
            found = self.lint_record(record, state, ignored)
        except RuleCrash as crash:
            result.errors.append(f"{document.path}: record {index}: {crash}")
            return []
        finally:
            state.capture = None
        if state.keys is not None:  # without keys, an entry would lack them
            with suppress(CacheUnusable):
                cache.put(key, {"f": encode_findings(found, in_file=False),
                                "k": encode_keys(capture)})
        return found

    def _due(self, path: str, pending: list[ReadProblem], index: int) -> list[Finding]:
        """The findings of the pending problems of records up to ``index`` (and of the file),
        removed from ``pending``."""
        due = [p for p in pending if p.record is None or p.record <= index]
        if due:
            pending[:] = [p for p in pending if not (p.record is None or p.record <= index)]
        return [self.problem_finding(path, p) for p in due]

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
        """Check files and folders (walked for the files biblint reads: see :meth:`discover`).

        With ``fix``, applicable fixes are written back (atomically) and the findings that
        remain are reported; with ``diff``, nothing is written and each result carries the
        diff that fixing would make. The report holds findings, never records (see
        :meth:`iter_check` for a run that holds neither).

        ``jobs`` worker processes (default: the config's ``jobs``, else the machine's cores)
        share the files, and byte ranges of large JSON Lines files (``chunk_size``); a run of
        less than ``min_parallel`` bytes in all, a single small file, or a run with a stateful
        run rule stays in this process (see :mod:`biblint.parallel`). The report is the same
        whatever the number of jobs, in the same order; run-scope rules are judged at the end.
        """
        return Report.collect(self.iter_check(paths, fix=fix, unsafe=unsafe, diff=diff,
                                              force_exclude=force_exclude, jobs=jobs,
                                              chunk_size=chunk_size,
                                              min_parallel=min_parallel))

    def fix_bytes(self, data: bytes, name: str, *, unsafe: bool = False
                  ) -> tuple[bytes, FileResult]:
        """Fix a file's content in memory: the new bytes and the findings that remain."""
        document = read_bytes(data, name)
        new, fixed, errors = self.fix_document(document, unsafe=unsafe)
        result = self.check_document(read_bytes(new, name) if new is not None else document)
        result.fixed, result.errors = fixed, errors + result.errors
        return (new if new is not None else data), result

    def fix_document(self, document: InMemoryDocument, *, unsafe: bool = False
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
                record = self.make_record(data, origin=raw.origin, profile=raw.profile,
                                          locate=locate)
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

    # -- streamed runs ------------------------------------------------------------------
    def iter_check(self, paths: Iterable[str | Path], *, fix: bool = False,
                   unsafe: bool = False, diff: bool = False,
                   force_exclude: bool = False, jobs: int | None = None,
                   chunk_size: int | None = None, min_parallel: int | None = None
                   ) -> Iterator[Event]:
        """A run as a stream of events (:mod:`biblint.model`): per file
        :class:`FileStarted`, one :class:`RecordChecked` per record, then
        :class:`FileFinished` with its counts, fixes, diff and errors; at the end, the
        run-scope rules' judged findings as :class:`LateFindings`, per file. Nothing is held:
        JSON Lines files are read line by line, and ``--fix`` streams them into their
        temporary copy. With ``jobs`` > 1 (see :meth:`check_paths`), worker processes check
        files and chunks, and their events come out in the same order as in one process.
        """
        with relaxed_gc():
            yield from self._iter_check(paths, fix=fix, unsafe=unsafe, diff=diff,
                                        force_exclude=force_exclude, jobs=jobs,
                                        chunk_size=chunk_size, min_parallel=min_parallel)

    def _iter_check(self, paths: Iterable[str | Path], *, fix: bool, unsafe: bool, diff: bool,
                    force_exclude: bool, jobs: int | None, chunk_size: int | None,
                    min_parallel: int | None) -> Iterator[Event]:
        from . import parallel

        state = self.new_run(spill=True)
        discovered = self.discover(paths, force_exclude=force_exclude)
        wanted = parallel.resolve_jobs(jobs if jobs is not None else self.config.jobs)
        if wanted > 1 and not self.sequential and self.registry is default_registry():
            files = list(discovered)
            tasks = parallel.plan(files, jobs=wanted, fix=fix or diff,
                                  chunk_size=chunk_size or parallel.CHUNK_SIZE,
                                  min_parallel=(parallel.MIN_PARALLEL if min_parallel is None
                                                else min_parallel))
            if tasks is not None:
                split: dict[str, list[parallel.Chunk]] = {}
                yield from parallel.run(self, tasks, state.keys, jobs=wanted, fix=fix,
                                        unsafe=unsafe, diff=diff, split=split)
                for shown, found in self.late_findings(state,
                                                       parallel.positions(files, split)):
                    yield LateFindings(shown, found)
                return
            discovered = iter(files)
        seen: list[tuple[Path, str]] = []
        for path, shown in discovered:
            seen.append((path, shown))
            yield from self.iter_file(path, shown, state, fix=fix, unsafe=unsafe, diff=diff)
        for shown, found in self.late_findings(state, reread(seen)):
            yield LateFindings(shown, found)

    def iter_file(self, path: Path, shown: str, state: RunState, *, fix: bool = False,
                  unsafe: bool = False, diff: bool = False) -> Iterator[Event]:
        """The events of one file (see :meth:`iter_check`)."""
        size = _size(path)
        if fix and not diff and streams_as_lines(path, shown):
            yield from self._iter_fix_stream(path, shown, state, unsafe=unsafe, size=size)
            return
        if fix or diff:
            yield FileStarted(shown, size)
            yield FileFinished(self._fix_file(path, shown, state, unsafe=unsafe,
                                              write=not diff))
            return
        yield FileStarted(shown, size)
        result = FileResult(shown)
        cache = self.cache
        if cache is not None and not streams_as_lines(path, shown):
            yield from self._iter_cached_file(cache, path, shown, state, result)
        else:
            yield from self.iter_document(open_path(path, shown), state, result)
        yield FileFinished(result)

    def _iter_cached_file(self, cache: ResultCache, path: Path, shown: str, state: RunState,
                          result: FileResult) -> Iterator[RecordChecked]:
        """The events of a file that is not JSON Lines, from the result cache when the same
        bytes were checked under the same name before with the same settings, else checked
        and kept in the cache (unless the file changed while it was read, a rule crashed, or
        it holds more than :data:`~biblint.cache.CAPTURE_LIMIT` records)."""
        before = _stamp(path)
        digest = _file_digest(path) if before is not None else None
        if digest is None:  # not a regular file, or unreadable: the reader says what it is
            yield from self.iter_document(open_path(path, shown), state, result)
            return
        key = cache.key(b"file", shown, digest)
        entry = cache.get(key)
        if entry is not None:
            try:
                meta = self._meta
                events = [RecordChecked(shown, index,
                                        decode_findings(rows, meta, shown, None, None),
                                        offset, counted)
                          for index, rows, offset, counted in entry["e"]]
                keyed = decode_keys(entry["k"])
                records = int(entry["n"])
            except (KeyError, TypeError, ValueError):
                pass  # an entry of another layout: check the file
            else:
                _replay_keys(state.keys, keyed, shown)
                result.records = records
                yield from events
                return
        capture: list[Captured] = []
        kept: list[list[Any]] | None = []
        state.capture = capture
        try:
            for event in self.iter_document(open_path(path, shown), state, result):
                if kept is not None:  # stop keeping at the first event that cannot be kept
                    try:
                        if len(kept) >= CAPTURE_LIMIT:
                            raise CacheUnusable("too many records to keep")
                        kept.append([event.index,
                                     encode_findings(event.findings, in_file=True),
                                     event.offset, event.counted])
                    except CacheUnusable:
                        kept = None
                        state.capture = None
                yield event
        finally:
            state.capture = None
        if (kept is not None and not result.errors and state.keys is not None
                and _stamp(path) == before):
            with suppress(CacheUnusable):
                cache.put(key, {"e": kept, "k": encode_keys(capture), "n": result.records})
            cache.flush()

    def _iter_fix_stream(self, path: Path, shown: str, state: RunState, *, unsafe: bool,
                         size: int | None) -> Iterator[Event]:
        """``--fix`` of a JSON Lines file, streamed: each record is fixed and its line
        written (re-rendered only where values changed) into a temporary file in the same
        folder, which replaces the file atomically at the end (fsync, mode kept), unless
        the file turned out unreadable or changed on disk meanwhile. A first pass reads the
        file without linting, so a file that does not read is checked as it is, and never
        written."""
        yield FileStarted(shown, size)
        result = FileResult(shown)
        probe = JsonLinesStream(path, shown)
        for _ in probe.iter_records():
            pass
        if not probe.writable:
            yield from self.iter_document(JsonLinesStream(path, shown), state, result)
            yield FileFinished(result)
            return
        ignored = self.ignored_in(shown)
        fixed: list[Finding] = []
        try:
            mode = path.stat().st_mode & 0o7777
            atomic = AtomicFile(path, mode).__enter__()
        except OSError as exc:
            result.errors.append(f"{shown}: not fixed: {exc.strerror or exc}")
            yield from self.iter_document(JsonLinesStream(path, shown), state, result)
            yield FileFinished(result)
            return
        try:
            document = JsonLinesStream(path, shown, out=atomic.handle,
                                       ensure_ascii=probe.all_ascii and probe.escapes)
            pending: list[ReadProblem] = []
            seen = 0
            for raw in document.iter_records():
                index = raw.origin.index
                if len(document.problems) > seen:  # the file changed since the first pass
                    pending.extend(document.problems[seen:])
                    seen = len(document.problems)
                found = self._due(shown, pending, index) if pending else []
                census = None
                if raw.data is not None:
                    remaining, census = self._fix_record(document, raw, state, ignored,
                                                         unsafe, result, fixed)
                    found.extend(remaining)
                found.sort(key=Finding.sort_key)
                yield RecordChecked(shown, index, found, raw.span[1] if raw.span else None,
                                    raw.data is not None, census)
            if pending:
                yield RecordChecked(shown, None, [self.problem_finding(shown, p)
                                                  for p in pending], None, False)
            if document.problems or document.digest.digest() != probe.digest.digest():
                result.errors.append(f"{shown}: not fixed: {shown} changed on disk while it "
                                     "was being fixed; not written")
                fixed = []
            elif fixed:
                try:
                    atomic.commit(document.digest.digest())
                except (FixError, OSError) as exc:
                    result.errors.append(f"{shown}: not fixed: {exc}")
                    fixed = []
        finally:
            atomic.__exit__(None, None, None)
        result.fixed = fixed
        yield FileFinished(result)

    def _fix_record(self, document: JsonLinesStream, raw: RawRecord, state: RunState,
                    ignored: frozenset[str], unsafe: bool, result: FileResult,
                    fixed: list[Finding]) -> tuple[list[Finding], Census | None]:
        """Fix one streamed record, write its line, and return the findings that remain
        (located in the line as written), with the fixed record's census if the run takes
        one."""
        index = raw.origin.index
        original = raw.data

        def lint(data: JSONValue) -> list[Finding]:
            locate = partial(document.locate, index) if data is original else None
            record = self.make_record(data, origin=raw.origin, profile=raw.profile,
                                          locate=locate)
            return self.lint_record(record, self.new_run(), ignored)

        final: JSONValue = original
        locate: Any = partial(document.locate, index)
        try:
            outcome = converge(original, lint, unsafe=unsafe)
        except (FixError, RuleCrash) as exc:
            result.errors.append(f"{document.path}: record {index}: not fixed: {exc}")
        else:
            if outcome.changed:
                try:
                    body = document.render_record(index, original, outcome.record)
                except WriteBackError as exc:
                    result.errors.append(f"{document.path}: record {index}: not fixed: {exc}")
                else:
                    document.replace_current(body)
                    fixed.extend(outcome.fixed)
                    final = outcome.record
                    locate = line_locator(body, raw_line(document))
        result.records += 1
        record = self.make_record(final, origin=raw.origin, profile=raw.profile,
                                  locate=locate)
        try:
            remaining = self.lint_record(record, state, ignored)
        except RuleCrash as crash:
            result.errors.append(f"{document.path}: record {index}: {crash}")
            remaining = []
        return remaining, take_census(record, remaining) if self.config.census else None

    def discover(self, paths: Iterable[str | Path], *, force_exclude: bool = False
                 ) -> Iterator[tuple[Path, str]]:
        """Files to check: files as given, folders walked for known suffixes, honouring
        .gitignore inside a git work tree and the config's ``exclude`` (which applies to
        files given explicitly only with ``force_exclude``); see :mod:`biblint.discovery`."""
        return discover_files(paths, self.config, force_exclude=force_exclude)

    def _walk(self, folder: Path) -> Iterator[tuple[Path, str]]:
        return walk(folder, self.config)


GC_THRESHOLD = 100_000
"""Allocations between young-generation collections during a run (CPython's default: 700).

A run allocates millions of short-lived, acyclic objects (parsed records, findings, and in
a ``--jobs`` parent the unpickled results of workers) while holding long-lived ones (the
rules' tables, the run-scope keys): with the default threshold the collector ran thousands
of times per second and walked them, about 10% of a run's CPU and most of a parent's
unpickling time (3 µs per finding without it, 14 µs with it). mypy raises it likewise."""

_relaxed = 0
_saved_threshold: tuple[int, int, int] | None = None


@contextmanager
def relaxed_gc() -> Iterator[None]:
    """Collect garbage less often while a run is going (see :data:`GC_THRESHOLD`); the
    previous thresholds come back when the outermost run ends (runs may nest)."""
    global _relaxed, _saved_threshold
    if _relaxed == 0:
        _saved_threshold = gc.get_threshold()
        gc.set_threshold(GC_THRESHOLD, *_saved_threshold[1:])
    _relaxed += 1
    try:
        yield
    finally:
        _relaxed -= 1
        if _relaxed == 0 and _saved_threshold is not None:
            gc.set_threshold(*_saved_threshold)
            _saved_threshold = None


Positions = Callable[[int, str], "tuple[int, int] | None"]
"""``where(record_index, pointer)``: the 1-based line and column of a pointer in a record of a
file (None when the record is not there), for findings judged after the file was checked."""


def document_positions(document: Document) -> Positions:
    """Positions in a document that is still at hand: one read in memory keeps its records;
    a streamed one has let them go, and its judged findings get no position."""
    records: list[RawRecord] | None = getattr(document, "records", None)

    def where(index: int, pointer: str) -> tuple[int, int] | None:
        if records is not None and 0 <= index < len(records) and records[index].data is not None:
            return document.locate(index, pointer)
        return None

    return where


def reread(files: Iterable[tuple[Path, str]]) -> Callable[[str], Positions | None]:
    """Positions in the files of a run, each read again by its shown name when first asked."""
    paths = {shown: path for path, shown in files}

    def positions(shown: str) -> Positions | None:
        path = paths.get(shown)
        return StreamPositions(path, shown) if path is not None else None

    return positions


class StreamPositions:
    """Positions in a file read again as a stream (bounded memory, whatever its size): a
    cursor moves forward through the records to the one asked for, and starts over only when
    asked for an earlier one (callers ask in record order)."""

    def __init__(self, path: Path, shown: str,
                 opener: Callable[[], Document] | None = None) -> None:
        """``opener`` opens the document to read (default: the file ``path`` as
        :func:`~biblint.readers.open_path` reads it; a chunk of a file for ``--jobs``)."""
        self.path, self.shown = path, shown
        self._opener = opener or partial(open_path, path, shown)
        self._document: Document | None = None
        self._records: Iterator[RawRecord] | None = None
        self._current: RawRecord | None = None

    def __call__(self, index: int, pointer: str) -> tuple[int, int] | None:
        current = self._current
        if current is None or current.origin.index > index or self._records is None:
            self._document = self._opener()
            self._records = self._document.iter_records()
            current = None
        while current is None or current.origin.index < index:
            current = next(self._records, None)
            if current is None:
                self._current = None
                return None
            self._current = current
        if current.origin.index != index or current.data is None or self._document is None:
            return None
        return self._document.locate(index, pointer)


class RuleCrash(Exception):
    """A rule raised: reported as an internal error of its file (exit 2), never swallowed."""

    def __init__(self, item: Rule, record: Record, exc: Exception) -> None:
        super().__init__(f"rule {item.code} ({item.name}) crashed: "
                         f"{exc.__class__.__name__}: {exc}")
        self.rule = item
        self.record = record


def _replay_keys(keys: KeyStore | None, keyed: list[Captured], file: str,
                 index: int | None = None) -> None:
    """Run-scope keys from the result cache into the run, as if their records had just been
    checked: each at its own index in the file, or at ``index`` (a JSON Lines line, which may
    have moved since it was cached)."""
    if keys is None:
        return
    for at, record_key, rules, hidden in keyed:
        for code, pairs in rules:
            keys.add_record(code, pairs, record_key, file, at if index is None else index,
                            hidden)


def _stamp(path: Path) -> tuple[int, int, int] | None:
    """A regular file's size, time of change and inode (whether it changed while it was
    read); None for anything else (a pipe, a device, a folder: never read ahead of the reader,
    never cached) or a file that cannot be looked at."""
    try:
        st = path.stat()
    except OSError:
        return None
    if not stat.S_ISREG(st.st_mode):
        return None
    return st.st_size, st.st_mtime_ns, st.st_ino


def _file_digest(path: Path) -> bytes | None:
    """A hash of a file's bytes, read in blocks (a large JSON array is not held twice)."""
    import hashlib

    h = hashlib.blake2b(digest_size=20)
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                h.update(block)
    except OSError:
        return None
    return h.digest()


def _size(path: Path) -> int | None:
    try:
        return path.stat().st_size
    except OSError:
        return None


_NO_PROFILE: Profile = GENERIC
__all__ = ["Linter", "Positions", "RuleCrash", "RunState"]

