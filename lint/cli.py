"""The ``biblint`` command: a thin shell over :class:`biblint.Linter`.

Exit codes: 0 nothing at or above the failing severity; 1 findings that fail (unreadable input
included), a diff under ``--diff``, or a file changed by ``--fix`` under
``--exit-non-zero-on-fix``; 2 usage, configuration or internal error (an unusable baseline
included). ``--exit-zero`` turns 1 into 0. With ``--baseline``, only the findings that are not
in the baseline count (see :mod:`biblint.baseline`).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import itertools
import json
import os
import stat
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any, TextIO

from . import __version__
from .baseline import Baseline, CodesRun, Outcome
from .config import Config, ConfigError, discover, load_file
from .discovery import (
    DATA_SUFFIXES,
    Discovered,
    Skipped,
    default_excluded,
    excluded_with_parents,
    not_data,
)
from .discovery import discover as discover_files
from .engine import Linter, relaxed_gc
from .fixer import AtomicFile, replace_atomic, unified_diff
from .model import (
    Event,
    FileFinished,
    FileResult,
    FileStarted,
    LateFindings,
    RecordChecked,
    Report,
    Severity,
)
from .profiles import PROFILES
from .readers import NOT_A_RECORD, READERS, UNREADABLE, ReadProblem
from .registry import Registry, RegistryError, default_registry
from .report import REPORTERS, RenderOptions, open_reporter
from .report import json as json_report
from .report.common import applicable, plural, skipped_lines, summary
from .report.stream import HeldReporter, StreamReporter

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


Output = tuple[str, str | None]
"""A report to write: its format, and its file (None: stdout, or --output-file)."""


def _jobs(value: str) -> int:
    """``--jobs N``: a positive number of worker processes."""
    try:
        jobs = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of jobs: {value!r}") from None
    if jobs < 1:
        raise argparse.ArgumentTypeError(f"--jobs must be at least 1, not {jobs}")
    return jobs


def _output(value: str) -> Output:
    name, colon, path = value.partition(":")
    if name not in REPORTERS:
        choices = ", ".join(sorted(REPORTERS))
        raise argparse.ArgumentTypeError(f"invalid format {name!r} (choose from {choices})")
    if colon and not path:
        raise argparse.ArgumentTypeError(f"no file after {name}: in {value!r}")
    return name, path or None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="biblint",
        description="Find, explain and fix defects in bibliographic records.",
    )
    parser.add_argument("--version", action="version", version=f"biblint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="lint files, folders or stdin",
        description="Lint files of bibliographic records: JSON, JSON Lines, BibTeX, RIS, "
                    "MEDLINE text, PubMed, JATS, Crossref and DataCite XML (plain or gzip). "
                    "Folders are walked for the files biblint reads; '-' reads stdin.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, or - (stdin)")
    check.add_argument("--format", "--output-format", dest="format", action="append",
                       type=_output, metavar="FORMAT[:FILE]",
                       help=f"output format: {', '.join(sorted(REPORTERS))} (default: text); "
                            "repeat it for several reports in one run, FORMAT:FILE writing "
                            "one to FILE (e.g. --output-format github --output-format "
                            "sarif:biblint.sarif)")
    check.add_argument("-o", "--output-file", metavar="FILE",
                       help="write the report that has no FILE of its own to FILE")
    check.add_argument("--select", type=_csv, metavar="CODES",
                       help="rules to run: codes, prefixes, names or ALL (comma-separated)")
    check.add_argument("--ignore", type=_csv, default=[], metavar="CODES",
                       help="rules not to run (added to the config's ignore)")
    check.add_argument("--extend-select", type=_csv, default=[], metavar="CODES",
                       help="rules to run in addition to select")
    check.add_argument("--fix", action="store_true", help="apply safe fixes and write them back")
    check.add_argument("--fix-only", action="store_true",
                       help="apply safe fixes (implies --fix) and report only what was fixed, "
                            "not the findings that remain: exit 0 unless a file could not be "
                            "fixed, or --exit-non-zero-on-fix and a file changed (the "
                            "pre-commit fix hook)")
    check.add_argument("--unsafe-fixes", action="store_true", default=None,
                       help="also offer and apply unsafe fixes")
    check.add_argument("--diff", action="store_true",
                       help="show the diff --fix would make; write nothing (exit 1 if any)")
    check.add_argument("--show-fixes", action="store_true", help="list the fixes applied")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when findings fail (2 still means an error)")
    check.add_argument("--fail-on", choices=[s.label for s in Severity],
                       help="lowest severity that fails the run (default: warning)")
    check.add_argument("--profile", metavar="NAME",
                       help="force a record profile instead of detecting it: "
                            f"{', '.join(sorted(PROFILES))}, or one defined in the "
                            "configuration ([tool.biblint.profiles.NAME])")
    check.add_argument("--config", metavar="FILE", type=Path,
                       help="use this biblint.toml / pyproject.toml instead of discovering one")
    check.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    check.add_argument("--stdin-filename", metavar="NAME",
                       help="the name of the data read from stdin (picks the reader and "
                            "per-file ignores)")
    check.add_argument("--statistics", action="store_true",
                       help="show counts per rule instead of each finding")
    check.add_argument("--color", choices=("auto", "always", "never"), default="auto",
                       help="colour the text output (auto: on a terminal, unless NO_COLOR)")
    check.add_argument("--exit-non-zero-on-fix", action="store_true",
                       help="exit 1 when --fix changed a file, even if no finding remains "
                            "(a pre-commit fix hook fails, so the change is re-staged)")
    check.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                       help="worker processes (default: the config's jobs, else the "
                            "machine's cores; 1: one process). Small runs use one process")
    check.add_argument("--no-cache", action="store_true",
                       help="check every record: neither read nor write the result cache")
    check.add_argument("--cache-dir", metavar="DIR", type=Path,
                       help="the result cache's folder (default: the config's cache-dir, "
                            "else $BIBLINT_CACHE_DIR, else $XDG_CACHE_HOME/biblint or "
                            "~/.cache/biblint)")
    check.add_argument("--force-exclude", action="store_true",
                       help="apply the config's exclude patterns to files named explicitly "
                            "too (pre-commit passes files explicitly)")
    _add_dask_options(check)
    gate = check.add_argument_group(
        "baseline", "gate only new findings: entries match by file and fingerprint (rule, "
                    "record key, pointer), up to a count")
    gate.add_argument("--baseline", metavar="FILE",
                      help="report only findings not recorded in FILE, and its stale entries")
    gate.add_argument("--write-baseline", metavar="FILE",
                      help="record this run's findings in FILE (entries of files and rules "
                           "the run did not check are kept) and exit 0")
    gate.add_argument("--prune-baseline", action="store_true",
                      help="with --baseline: rewrite FILE without its stale entries")

    rule = commands.add_parser("rule", help="show the documentation of a rule",
                               description="Print a rule's documentation.")
    rule.add_argument("code", nargs="?", help="a rule code or name (e.g. XREF001)")
    rule.add_argument("--all", action="store_true", help="every rule")
    rule.add_argument("--format", choices=("text", "json"), default="text")

    rules = commands.add_parser("rules", help="list every rule",
                                description="List every rule: code, name, severity, fix.")
    rules.add_argument("--format", choices=("text", "json"), default="text")
    _report_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "check":
            return _check(args)
        if args.command == "rule":
            return _rule(args)
        if args.command == "rules":
            return _rules(args)
        if args.command == "report":
            return _report(args)
    except (ConfigError, RegistryError) as exc:
        print(f"biblint: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK
    _parser().print_help(sys.stderr)
    return EXIT_ERROR


def _config(args: argparse.Namespace, first_path: Path) -> Config:
    if args.isolated:
        base = Config()
    elif args.config is not None:
        base = load_file(args.config) or Config(source=str(args.config))
    else:
        base = discover(first_path)
    return base.with_overrides(
        select=tuple(args.select) if args.select else None,
        ignore=base.ignore + tuple(args.ignore) if args.ignore else None,
        extend_select=base.extend_select + tuple(args.extend_select)
        if args.extend_select else None,
        fail_on=Severity.parse(args.fail_on) if args.fail_on else None,
        profile=args.profile,
        unsafe_fixes=args.unsafe_fixes,
        jobs=getattr(args, "jobs", None),
    )


def _with_cache(config: Config, args: argparse.Namespace) -> Config:
    """The result cache of a ``check`` run: the folder from ``--cache-dir``, the config or
    the user's cache folder; none with ``--no-cache``, ``cache = false`` or ``--dask`` (a
    cluster's workers do not share this machine's folders). An oversized cache is emptied
    here, before any worker opens it."""
    if args.no_cache or not config.cache or args.dask:
        return replace(config, cache=False, cache_dir=None)
    from .cache import default_dir, prune

    folder = args.cache_dir or config.cache_dir or default_dir()
    prune(folder)
    return replace(config, cache_dir=folder)


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return _isatty(stream)


def _isatty(stream: TextIO) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


class Progress:
    """A ``\\r``-updated progress line on stderr for long runs: records checked, records per
    second and, for inputs of known size, the share of bytes read and an estimate of the time
    left (bytes still to read at the rate so far).

    Shown only when stderr is a terminal, the ``CI`` environment variable is not set, the
    report is not redirected (when it goes to stdout, stdout is a terminal too) and the run
    is long: more than :attr:`MIN_FILES` files or a file over :attr:`BIG_FILE` bytes. The
    line is erased when the run ends, so it never mixes with the report.
    """

    MIN_FILES = 20
    BIG_FILE = 5 * 1024 * 1024

    INTERVAL = 0.2
    """Seconds between two updates of the line."""

    def __init__(self, stream: TextIO, total: int | None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream
        self.total = total
        """Bytes of all the files, or None when some size is unknown."""
        self.clock = clock
        self.records = 0
        self.done = 0
        """Bytes read: the files finished, and the offset reached in the current one."""
        self._base = 0
        self._size = 0
        self._in_file = 0
        self._width = 0
        self._start = clock()
        self._last = self._start

    @classmethod
    def wanted(cls, files: Sequence[Discovered], stream: TextIO,
               environ: Mapping[str, str] | None = None, stdout: TextIO | None = None) -> bool:
        environ = os.environ if environ is None else environ
        if environ.get("CI") or not _isatty(stream):
            return False
        if stdout is not None and not _isatty(stdout):
            return False
        return len(files) > cls.MIN_FILES or any(_size(p) > cls.BIG_FILE for p, _ in files)

    @classmethod
    def start(cls, files: Sequence[Discovered], stream: TextIO,
              stdout: TextIO | None) -> Progress | None:
        """A progress line for the run over ``files``, or None when it is not wanted."""
        if not cls.wanted(files, stream, stdout=stdout):
            return None
        sizes = [_size(path) for path, _ in files]
        return cls(stream, sum(sizes) if all(sizes) else None)

    def event(self, event: Event) -> None:
        if isinstance(event, FileStarted):
            self._size = event.size or 0
            self._in_file = 0
        elif isinstance(event, RecordChecked):
            if event.counted:
                self.records += 1
                self._in_file += 1
            if event.offset is not None:
                self.done = self._base + event.offset
        elif isinstance(event, FileFinished):
            if not self._in_file:  # checked whole (--diff, --fix of a JSON document)
                self.records += event.result.records
            self._base += self._size
            self.done = self._base
        now = self.clock()
        if now - self._last >= self.INTERVAL:
            self._last = now
            self._show(self.line(now))

    def track(self, events: Iterator[Event]) -> Iterator[Event]:
        """``events``, updating the line as each one passes."""
        for event in events:
            self.event(event)
            yield event

    def line(self, now: float) -> str:
        elapsed = max(now - self._start, 1e-9)
        rate = self.records / elapsed
        text = (f"checking: {self.records:,} record{'' if self.records == 1 else 's'}, "
                f"{rate:,.0f} records/s")
        if self.total and self.done:
            share = min(self.done / self.total, 1.0)
            left = (self.total - self.done) * elapsed / self.done
            text += f", {share:.0%} read, about {_duration(left)} left"
        return text

    def close(self) -> None:
        """Erase the line."""
        if self._width:
            self._show("")

    def _show(self, line: str) -> None:
        self.stream.write("\r" + line.ljust(self._width) + ("" if line else "\r"))
        self.stream.flush()
        self._width = len(line)


def _duration(seconds: float) -> str:
    seconds = round(seconds)
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def _same_file(one: Path, other: Path) -> bool:
    try:
        return one.samefile(other)
    except OSError:
        return False


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _check(args: argparse.Namespace) -> int:
    paths = args.paths or ["."]
    stdin = paths == ["-"]
    if "-" in paths and not stdin:
        raise ConfigError("'-' (stdin) cannot be combined with other paths")
    if args.prune_baseline and not args.baseline:
        raise ConfigError("--prune-baseline needs --baseline FILE")
    if args.write_baseline and args.baseline:
        raise ConfigError("--write-baseline cannot be combined with --baseline "
                          "(--write-baseline FILE updates FILE from this run)")
    if not args.dask:  # a cluster run takes URLs and globs, and says when none matches
        _paths_exist(paths)
    if args.fix_only and (args.diff or args.write_baseline or args.statistics):
        raise ConfigError("--fix-only cannot be combined with --diff, --write-baseline or "
                          "--statistics")
    args.fix = args.fix or args.fix_only
    outputs: list[Output] = args.format or [("text", None)]
    if sum(1 for _, path in outputs if path is None) > 1:
        raise ConfigError("only one --output-format can go to "
                          f"{'--output-file' if args.output_file else 'stdout'}; give the "
                          "others a file (FORMAT:FILE)")
    first = Path(args.stdin_filename or ".") if stdin else Path(paths[0])
    config = _with_cache(_config(args, first), args)
    if any(fmt == "html" for fmt, _ in outputs):  # the HTML report's completeness
        config = replace(config, census=True)
    linter = _dask_linter(args, config, outputs, stdin) if args.dask else Linter(config)
    if args.dask and _dask_folder(outputs):
        return _check_into_folder(args, linter, paths)
    unsafe = config.unsafe_fixes
    fixing = args.fix or args.diff
    baseline = Baseline.load(args.baseline) if args.baseline else None
    previous: Baseline | None = None
    if args.write_baseline:
        target = Path(args.write_baseline)
        previous = Baseline.load(target) if target.exists() else Baseline(target)

    changed = False
    skipped = Skipped()
    if stdin:
        report, changed = _check_stdin(args, linter)
        # With --fix, stdout carries the fixed data and the report goes to stderr.
        out_stream = sys.stderr if args.fix and not args.diff else sys.stdout
    else:
        own = [Path(f) for f in (args.baseline, args.write_baseline) if f]
        if baseline is None and previous is None and not args.statistics and not args.fix_only:
            return _stream_check(paths, args, linter, outputs, skip=own)
        report = _check_files(paths, args, linter, skip=own, skipped=skipped)
        changed = args.fix and not args.diff and any(r.fixed for r in report.files)
        out_stream = sys.stdout
    if args.fix_only:
        return _fix_only(report, changed, args, skipped,
                         sys.stderr if stdin else sys.stdout)

    def codes_run(path: str) -> frozenset[str]:
        return frozenset(r.code for r in linter.rules) - linter.ignored_in(path)

    cross_file = frozenset(r.code for r in linter.rules if r.scope == "run")
    if previous is not None:
        return _write_baseline(previous, report, codes_run, cross_file)

    outcome = baseline.apply(report, codes_run, cross_file) if baseline is not None else None
    if outcome is not None:
        report = outcome.report

    options = RenderOptions(unsafe_fixes=unsafe, show_fixes=args.show_fixes, fixing=fixing,
                            diff=args.diff, skipped=skipped)
    baseline_lines = (_baseline_lines(outcome, baseline)
                      if outcome is not None and baseline is not None else [])
    told_baseline = told_fixes = told_skipped = False
    for fmt, path in outputs:
        primary = path is None  # the report for the console (or --output-file)
        destination: str | None = path or (args.output_file if primary else None)
        render = replace(options, color=not destination and _use_color(args.color, out_stream))
        statistics = args.statistics and primary
        if statistics:
            text = _statistics(report, fmt, render)
        elif fmt == "json" and outcome is not None:
            payload = json_report.as_dict(report, render)
            payload["baseline"] = outcome.to_dict()
            text = json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
            told_baseline = True
        else:
            text = REPORTERS[fmt](report, render)
        if fmt == "text":
            told_fixes = told_fixes or not statistics
            told_skipped = True
            if baseline_lines:
                text += "\n".join(baseline_lines) + "\n"
                told_baseline = True
        if destination:
            _write_report(fmt, destination, text)
        else:
            out_stream.write(text)
            out_stream.flush()
    if not told_baseline:  # no report could carry them: the console gets them on stderr
        for line in baseline_lines:
            print(line, file=sys.stderr)
    if not told_skipped:
        for line in _skipped_lines(skipped):
            print(f"biblint: {line}", file=sys.stderr)
    if args.show_fixes and not told_fixes:
        for line in _fixes_lines(report):
            print(line, file=sys.stderr)
    for error in report.errors:
        print(f"biblint: error: {error}", file=sys.stderr)

    if args.prune_baseline and baseline is not None and outcome is not None and outcome.stale:
        baseline.pruned(outcome.stale).write()
        print(f"biblint: baseline {baseline.path}: pruned "
              f"{_entries(sum(s.count for s in outcome.stale), 'stale')}", file=sys.stderr)

    if report.errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    if args.diff and any(r.diff for r in report.files):
        return EXIT_FINDINGS
    if args.exit_non_zero_on_fix and changed:
        return EXIT_FINDINGS
    failing = any(f.severity >= config.fail_on for f in report.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _paths_exist(paths: Sequence[str]) -> None:
    """A path that does not exist is a usage error (exit 2), not a finding: a typo in a CI
    command must not look like a data problem (a broken symlink exists, and is read as an
    unreadable file)."""
    missing = [p for p in paths if p != "-" and not os.path.lexists(p)]
    if missing:
        shown = ", ".join(repr(p) for p in missing)
        raise ConfigError(f"no such file or folder: {shown}")


def _check_stdin(args: argparse.Namespace, linter: Linter) -> tuple[Report, bool]:
    """The report of the data on stdin, and whether --fix changed it (written to stdout)."""
    data = sys.stdin.buffer.read()
    name = args.stdin_filename or "-"
    if (args.force_exclude and args.stdin_filename
            and (excluded_with_parents(linter.config, Path(args.stdin_filename))
                 or default_excluded(Path(args.stdin_filename)))):
        if args.fix and not args.diff:  # an editor piping through biblint gets its data back
            sys.stdout.buffer.write(data)
            sys.stdout.flush()
        return Report(), False
    if args.fix and not args.diff:
        new, result = linter.fix_bytes(data, name, unsafe=linter.config.unsafe_fixes)
        sys.stdout.buffer.write(new)
        sys.stdout.flush()
        return Report([result]), new != data
    report = Report([linter.check_bytes(data, name)])
    if args.diff:
        new, fixed = linter.fix_bytes(data, name, unsafe=linter.config.unsafe_fixes)
        if new != data:
            report.files[0].diff = unified_diff(name, data, new)
            report.files[0].fixed = fixed.fixed
    return report, False


def _files(paths: Sequence[str], args: argparse.Namespace, linter: Linter,
           skip: Sequence[Path] = (), skipped: Skipped | None = None) -> list[Discovered]:
    """The files under ``paths``, less the files in ``skip`` (the baseline); ``skipped``
    collects the walked files that are not read (see :mod:`biblint.discovery`)."""
    files = list(discover_files(paths, linter.config, force_exclude=args.force_exclude,
                                skipped=skipped))
    if skip:
        files = [(path, shown) for path, shown in files
                 if not any(_same_file(path, other) for other in skip)]
    return files


def _not_data(files: list[Discovered], paths: Sequence[str], args: argparse.Namespace,
              linter: Linter) -> tuple[list[Discovered], list[Event]]:
    """``files`` less those named on the command line that hold no bibliographic record,
    or that are in a bibliographic format biblint has no reader for, and, for each of those,
    the events of one finding that says so (IO004, IO001): a path named explicitly gets a
    clear message (a walked one is skipped and counted instead), and it is never linted as a
    record nor changed by --fix."""
    if args.force_exclude:  # named files were already held to the walk's rules
        return files, []
    named = {os.path.normpath(os.path.abspath(p)) for p in paths
             if p != "-" and not os.path.isdir(p)}
    kept: list[Discovered] = []
    events: list[Event] = []
    readable = ", ".join(sorted(READERS))
    for path, shown in files:
        problem: ReadProblem | None = None
        if os.path.normpath(os.path.abspath(path)) in named:
            suffix = path.suffix.lower()
            if suffix not in READERS and suffix in DATA_SUFFIXES:
                problem = ReadProblem(UNREADABLE, f"not read: biblint has no reader for "
                                                  f"{suffix} files (it reads {readable})")
            elif (reason := not_data(path, linter.config)) is not None:
                problem = ReadProblem(NOT_A_RECORD,
                                      f"not bibliographic data: {reason}; not checked", 1, 1)
        if problem is None:
            kept.append((path, shown))
            continue
        events += [FileStarted(shown), RecordChecked(shown, None, [linter.problem_finding(
            shown, problem)], None, False), FileFinished(FileResult(shown))]
    return kept, events


def _skipped_lines(skipped: Skipped | None) -> list[str]:
    return skipped_lines(skipped)


def _check_files(paths: Sequence[str], args: argparse.Namespace, linter: Linter,
                 skip: Sequence[Path] = (), skipped: Skipped | None = None) -> Report:
    """The report of the files under ``paths``, less the files in ``skip`` (the baseline):
    for the outputs that need every finding first (baselines, --statistics)."""
    files, named = _not_data(_files(paths, args, linter, skip, skipped), paths, args, linter)
    events: Iterator[Event] = itertools.chain(named, linter.iter_check(
        [shown for _, shown in files], fix=args.fix or args.diff,
        unsafe=linter.config.unsafe_fixes, diff=args.diff))
    progress = Progress.start(files, sys.stderr, stdout=None)
    if progress is None:
        return Report.collect(events)
    try:
        return Report.collect(progress.track(events))
    finally:
        progress.close()


def _stream_check(paths: Sequence[str], args: argparse.Namespace, linter: Linter,
                  outputs: Sequence[Output], skip: Sequence[Path] = ()) -> int:
    """Check files as a stream: each finding goes to the streaming reports as its record is
    checked, the other reports get it at the end; nothing holds records, and only the held
    formats hold findings. Reports to files are written through a temporary file renamed at
    the end (a device such as /dev/null is written directly)."""
    config = linter.config
    skipped = Skipped()
    files, named = _not_data(_files(paths, args, linter, skip, skipped), paths, args, linter)
    options = RenderOptions(unsafe_fixes=config.unsafe_fixes, show_fixes=args.show_fixes,
                            fixing=args.fix or args.diff, diff=args.diff, skipped=skipped)
    failing = changed = diffed = False
    errors: list[str] = []
    fixed: list[FileResult] = []
    with contextlib.ExitStack() as stack:
        sinks: list[StreamReporter | HeldReporter] = []
        commits: list[tuple[str, str, AtomicFile, TextIO]] = []
        to_stdout = False
        for fmt, path in outputs:
            primary = path is None
            destination: str | None = path or (args.output_file if primary else None)
            if destination:
                stream, atomic = _open_report(fmt, destination, stack)
                if atomic is not None:
                    commits.append((fmt, destination, atomic, stream))
            else:
                stream, to_stdout = sys.stdout, True
            render = replace(options, color=not destination and _use_color(args.color, stream))
            sinks.append(open_reporter(fmt, stream, render))
        events: Iterator[Event] = itertools.chain(named, linter.iter_check(
            [shown for _, shown in files], fix=args.fix or args.diff,
            unsafe=config.unsafe_fixes, diff=args.diff))
        progress = Progress.start(files, sys.stderr, stdout=sys.stdout if to_stdout else None)
        try:
            for event in progress.track(events) if progress is not None else events:
                for sink in sinks:
                    sink.event(event)
                if isinstance(event, RecordChecked | LateFindings):
                    failing = failing or any(f.severity >= config.fail_on
                                             for f in event.findings)
                elif isinstance(event, FileFinished):
                    result = event.result
                    failing = failing or any(f.severity >= config.fail_on
                                             for f in result.findings)
                    errors.extend(result.errors)
                    diffed = diffed or bool(result.diff)
                    if result.fixed:
                        changed = changed or (args.fix and not args.diff)
                        if args.show_fixes:
                            fixed.append(FileResult(result.path, fixed=result.fixed))
        finally:
            if progress is not None:
                progress.close()
        with relaxed_gc():  # a held format renders every finding of the run now
            for sink in sinks:
                sink.close()
        for fmt, destination, atomic, stream in commits:
            try:  # a CI step reading the report never sees half of it
                stream.flush()
                atomic.commit()
            except OSError as exc:
                raise ConfigError(f"cannot write the {fmt} report to {destination}: "
                                  f"{exc.strerror or exc}") from None
    if args.show_fixes and not any(fmt == "text" for fmt, _ in outputs):
        for line in _fixes_lines(Report(fixed)):
            print(line, file=sys.stderr)
    if not any(fmt == "text" for fmt, _ in outputs):  # the text summary names them
        for line in _skipped_lines(skipped):
            print(f"biblint: {line}", file=sys.stderr)
    for error in errors:
        print(f"biblint: error: {error}", file=sys.stderr)
    if errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    if args.diff and diffed:
        return EXIT_FINDINGS
    if args.exit_non_zero_on_fix and changed:
        return EXIT_FINDINGS
    return EXIT_FINDINGS if failing else EXIT_OK


# -- --dask (biblint.dask; dask is imported only when the option is given) -----------------


def _add_dask_options(check: argparse.ArgumentParser) -> None:
    dask = check.add_argument_group(
        "dask", "spread the run over a Dask cluster (pip install biblint[dask]): the same "
                "findings as one process; PATHs may be fsspec URLs (s3://, gs://, file://, "
                "globs), JSON Lines plain (split into blocks) or gzipped (one partition each)")
    dask.add_argument("--dask", metavar="SCHEDULER",
                      help="a scheduler address (tcp://HOST:8786), or local / local:N for a "
                           "cluster of N worker processes on this machine; with "
                           "--output-format jsonl:DIR/ the workers write one findings file "
                           "per partition into DIR")
    dask.add_argument("--dask-blocksize", metavar="SIZE", type=_blocksize,
                      help="bytes of a plain JSON Lines file per partition (default 64MiB)")


def _blocksize(value: str) -> int:
    from dask.utils import parse_bytes

    try:
        size = int(parse_bytes(value))
    except (ValueError, TypeError):
        raise argparse.ArgumentTypeError(f"not a size: {value!r} (e.g. 64MiB)") from None
    if size < 1:
        raise argparse.ArgumentTypeError(f"the block size must be positive, not {value!r}")
    return size


def _dask_folder(outputs: Sequence[Output]) -> str | None:
    """The folder of ``--output-format jsonl:DIR/`` (a path ending with a slash)."""
    for fmt, path in outputs:
        if fmt == "jsonl" and path is not None and path.endswith(("/", os.sep)):
            return path
    return None


def _dask_linter(args: argparse.Namespace, config: Config, outputs: Sequence[Output],
                 stdin: bool) -> Linter:
    """The linter of a ``--dask`` run, after refusing what a cluster run cannot do."""
    try:
        from .dask import BLOCK_SIZE, DaskLinter, prepare_folder
    except ImportError as exc:
        raise ConfigError(f"--dask needs dask and distributed (pip install 'biblint[dask]'): "
                          f"{exc}") from None
    if stdin:
        raise ConfigError("--dask reads files and URLs, not stdin")
    if args.fix or args.diff:
        raise ConfigError("--fix and --diff rewrite files in place: run them without --dask")
    folder = _dask_folder(outputs)
    if folder is not None:
        if len(outputs) > 1 or args.baseline or args.write_baseline or args.statistics:
            raise ConfigError("--output-format jsonl:DIR/ writes the findings into DIR only: "
                              "it cannot be combined with other formats, baselines or "
                              "--statistics")
        folder = prepare_folder(folder)
    return DaskLinter(config, scheduler=args.dask, blocksize=args.dask_blocksize or BLOCK_SIZE,
                      folder=folder)


def _check_into_folder(args: argparse.Namespace, linter: Linter, paths: Sequence[str]) -> int:
    """A ``--dask`` run whose workers write one findings file per partition: the console
    gets a summary, the exit code is the usual one."""
    from .dask import DaskLinter

    assert isinstance(linter, DaskLinter)
    done = linter.check_into_folder(paths, force_exclude=args.force_exclude)
    print(f"biblint: {done.describe()}", file=sys.stderr)
    for error in done.errors:
        print(f"biblint: error: {error}", file=sys.stderr)
    if done.errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    return EXIT_FINDINGS if done.failing(linter.config.fail_on) else EXIT_OK


def _fix_only(report: Report, changed: bool, args: argparse.Namespace,
              skipped: Skipped | None, out: TextIO) -> int:
    """``--fix-only``: what was fixed, per file and code, not the findings that remain (the
    check hook reports those): exit 2 on errors, 1 when a file changed and
    ``--exit-non-zero-on-fix`` asks for it, else 0."""
    lines = _fixes_lines(report)
    total = sum(len(r.fixed) for r in report.files)
    files = sum(1 for r in report.files if r.fixed)
    lines.append(f"Fixed {plural(total, 'finding')} in {plural(files, 'file')}."
                 if total else "Nothing to fix.")
    lines.extend(_skipped_lines(skipped))
    out.write("\n".join(lines) + "\n")
    out.flush()
    for error in report.errors:
        print(f"biblint: error: {error}", file=sys.stderr)
    if report.errors:
        return EXIT_ERROR
    if args.exit_non_zero_on_fix and changed and not args.exit_zero:
        return EXIT_FINDINGS
    return EXIT_OK


def _is_device(destination: str) -> bool:
    """Whether ``destination`` exists and is not a regular file (``/dev/null``, a FIFO,
    ``/dev/stdout``): it is written directly, never replaced by a renamed file."""
    try:
        return not stat.S_ISREG(os.stat(destination).st_mode)
    except OSError:
        return False


def _open_report(fmt: str, destination: str, stack: contextlib.ExitStack
                 ) -> tuple[TextIO, AtomicFile | None]:
    """A text stream for a report to ``destination`` and, for a regular file, the temporary
    file to commit when the run is over."""
    try:
        if _is_device(destination):
            return stack.enter_context(open(destination, "w", encoding="utf-8")), None
        atomic = stack.enter_context(AtomicFile(Path(destination)))
    except OSError as exc:
        raise ConfigError(f"cannot write the {fmt} report to {destination}: "
                          f"{exc.strerror or exc}") from None
    return io.TextIOWrapper(atomic.handle, encoding="utf-8", newline=""), atomic


def _write_report(fmt: str, destination: str, text: str) -> None:
    try:
        if _is_device(destination):
            with open(destination, "w", encoding="utf-8") as out:
                out.write(text)
            return
        # A CI step reading the report never sees half of it.
        replace_atomic(Path(destination), text.encode("utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot write the {fmt} report to {destination}: "
                          f"{exc.strerror or exc}") from None


def _write_baseline(baseline: Baseline, report: Report, codes_run: CodesRun,
                    cross_file: frozenset[str]) -> int:
    for error in report.errors:
        print(f"biblint: error: {error}", file=sys.stderr)
    if report.errors:
        print(f"biblint: baseline {baseline.path}: not written (the run had errors)",
              file=sys.stderr)
        return EXIT_ERROR
    updated = baseline.updated(report, codes_run, cross_file)
    updated.write()
    print(f"biblint: baseline {updated.path}: {plural(updated.findings, 'finding')} in "
          f"{plural(len(updated.files), 'file')} recorded", file=sys.stderr)
    return EXIT_OK


def _entries(count: int, adjective: str) -> str:
    return f"{count} {adjective} {'entry' if count == 1 else 'entries'}"


def _baseline_lines(outcome: Outcome, baseline: Baseline) -> list[str]:
    head = f"Baseline {baseline.path}: {plural(outcome.matched, 'finding')} matched"
    if not outcome.stale:
        return [f"{head}, no stale entries."]
    lines = [f"{head}; {_entries(len(outcome.stale), 'stale')} (no longer found; "
             "remove them with --prune-baseline):"]
    for item in outcome.stale:
        where = f" at {item.pointer}" if item.pointer else ""
        lines.append(f"  {item.file}: {item.code}{where} ({item.count} not found, "
                     f"fingerprint {item.fingerprint}): {item.message}")
    return lines


def _fixes_lines(report: Report) -> list[str]:
    """What --fix fixed, per file and code (ruff's --show-fixes layout)."""
    total = sum(len(r.fixed) for r in report.files)
    if not total:
        return []
    lines = [f"Fixed {plural(total, 'finding')}:"]
    for result in report.files:
        if not result.fixed:
            continue
        lines.append(f"- {result.path}:")
        counts = Counter((f.code, f.name) for f in result.fixed)
        lines.extend(f"    {n} × {code} ({name})" for (code, name), n in sorted(counts.items()))
    return lines


def _statistics(report: Report, fmt: str, options: RenderOptions) -> str:
    """Counts per rule, most frequent first: text lines and the summary, or a JSON list."""
    rows: dict[str, dict[str, Any]] = {}
    for f in report.findings:
        row = rows.setdefault(f.code, {"code": f.code, "name": f.name, "count": 0, "fixable": 0})
        row["count"] += 1
        row["fixable"] += int(applicable(f, options))
    ordered = sorted(rows.values(), key=lambda r: (-r["count"], r["code"]))
    if fmt == "json":
        return json.dumps(ordered, indent=2) + "\n"
    lines = []
    for r in ordered:
        partly = f" ({r['fixable']} fixable)" if 0 < r["fixable"] < r["count"] else ""
        lines.append(f"{r['count']:>6}  {r['code']:<8} {'[*]' if r['fixable'] else '   '} "
                     f"{r['name']}{partly}")
    if lines:
        lines.append("")
    lines.append(summary(report, options))
    return "\n".join(lines) + "\n"


def _registry() -> Registry:
    return default_registry()


def _rule(args: argparse.Namespace) -> int:
    registry = _registry()
    if args.all:
        chosen = list(registry)
    elif args.code:
        try:
            chosen = [registry.get(args.code)]
        except KeyError:
            print(f"biblint: error: unknown rule {args.code!r} (see `biblint rules`)",
                  file=sys.stderr)
            return EXIT_ERROR
    else:
        print("biblint: error: give a rule code or --all", file=sys.stderr)
        return EXIT_ERROR
    if args.format == "json":
        payload = [_rule_dict(r) for r in chosen]
        print(json.dumps(payload if args.all else payload[0], indent=2, ensure_ascii=False))
        return EXIT_OK
    for item in chosen:
        fix = item.fix.label if item.fix else "none"
        print(f"# {item.name} ({item.code})\n")
        print(f"Severity: {item.severity.label}. Fix: {fix}. Source: {item.source}.\n")
        print(item.doc.rstrip() + "\n")
        if item.options and "## Options" not in item.doc:
            print("## Options")
            for name, opt in item.options.items():
                print(f"- `{name}` (default {opt.default!r}): {opt.description}")
            print()
    return EXIT_OK


def _rule_dict(item: object) -> dict[str, object]:
    from .registry import Rule

    assert isinstance(item, Rule)
    return {"code": item.code, "name": item.name, "severity": item.severity.label,
            "fix": item.fix.label if item.fix else None, "summary": item.summary,
            "doc": item.doc, "source": item.source,
            "options": {k: {"default": v.default, "description": v.description}
                        for k, v in item.options.items()}}


def _rules(args: argparse.Namespace) -> int:
    registry = _registry()
    if args.format == "json":
        print(json.dumps([_rule_dict(r) for r in registry], indent=2, ensure_ascii=False))
        return EXIT_OK
    print(f"{'code':<8} {'name':<34} {'severity':<8} {'fix':<7} summary")
    for item in registry:
        fix = item.fix.label if item.fix else "-"
        print(f"{item.code:<8} {item.name:<34} {item.severity.label:<8} {fix:<7} {item.summary}")
    return EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


# -- biblint report: the HTML data-quality report -------------------------------------------


def _report_parser(commands: Any) -> None:
    """The ``report`` command's arguments (the rule selection and configuration of
    ``check``; no fixing, no gating: it describes the data)."""
    report = commands.add_parser(
        "report", help="write an HTML data-quality report",
        description="Check files and write one self-contained HTML page: completeness of "
                    "each canonical field per profile and per file, findings by severity, "
                    "family and code, what --fix would change, the files and records with "
                    "most findings, sampled examples per code, and with --compare what "
                    "changed since an earlier run's JSON report.")
    report.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, or - (stdin)")
    report.add_argument("-o", "--output", default="biblint-report.html", metavar="FILE",
                        help="the HTML file to write (default: biblint-report.html; - for "
                             "stdout)")
    report.add_argument("--compare", metavar="PREVIOUS.json",
                        help="a JSON report of an earlier run (check --output-format "
                             "json:PREVIOUS.json): show what was fixed and what is new, per "
                             "code and per file")
    report.add_argument("--title", help="the page's title")
    report.add_argument("--select", type=_csv, metavar="CODES",
                        help="rules to run: codes, prefixes, names or ALL (comma-separated)")
    report.add_argument("--ignore", type=_csv, default=[], metavar="CODES",
                        help="rules not to run (added to the config's ignore)")
    report.add_argument("--extend-select", type=_csv, default=[], metavar="CODES",
                        help="rules to run in addition to select")
    report.add_argument("--unsafe-fixes", action="store_true", default=None,
                        help="count unsafe fixes as fixable (what --fix --unsafe-fixes would do)")
    report.add_argument("--profile", metavar="NAME", help="force a record profile")
    report.add_argument("--config", metavar="FILE", type=Path,
                        help="use this biblint.toml / pyproject.toml instead of discovering one")
    report.add_argument("--isolated", action="store_true", help="ignore all configuration files")
    report.add_argument("--stdin-filename", metavar="NAME",
                        help="the name of the data read from stdin")
    report.add_argument("--jobs", "-j", type=_jobs, metavar="N",
                        help="worker processes (as for check)")
    report.add_argument("--force-exclude", action="store_true",
                        help="apply the config's exclude patterns to files named explicitly")
    report.set_defaults(fail_on=None)


def _report(args: argparse.Namespace) -> int:
    """``biblint report``: the run's events go into the HTML report's bounded summaries (the
    engine takes each record's census on the way), and the page is written atomically at the
    end. Exit 0 when written, 2 on a usage or internal error; findings do not fail it."""
    from .readers import read_bytes
    from .report.html import CompareError, Comparison, HtmlReporter

    paths = args.paths or ["."]
    stdin = paths == ["-"]
    if "-" in paths and not stdin:
        raise ConfigError("'-' (stdin) cannot be combined with other paths")
    first = Path(args.stdin_filename or ".") if stdin else Path(paths[0])
    config = replace(_config(args, first), census=True)
    linter = Linter(config)
    try:
        compare = Comparison.load(args.compare) if args.compare else None
    except CompareError as exc:
        raise ConfigError(f"--compare {exc}") from None
    options = RenderOptions(unsafe_fixes=config.unsafe_fixes)
    errors: list[str] = []
    with contextlib.ExitStack() as stack:
        atomic: AtomicFile | None = None
        if args.output == "-":
            stream: TextIO = sys.stdout
        else:
            stream, atomic = _open_report("html", args.output, stack)
        sink = HtmlReporter(stream, options, compare=compare, title=args.title,
                            inputs=[args.stdin_filename or "-"] if stdin else paths)
        if stdin:
            name = args.stdin_filename or "-"
            events = _document_events(linter, read_bytes(sys.stdin.buffer.read(), name))
            progress = None
        else:
            files = _files(paths, args, linter)
            events = linter.iter_check([shown for _, shown in files])
            progress = Progress.start(files, sys.stderr, stdout=None)
        try:
            for event in progress.track(events) if progress is not None else events:
                sink.event(event)
                if isinstance(event, FileFinished):
                    errors.extend(event.result.errors)
        finally:
            if progress is not None:
                progress.close()
        sink.close()
        if atomic is not None:
            try:  # a CI step publishing the page never sees half of it
                stream.flush()
                atomic.commit()
            except OSError as exc:
                raise ConfigError(f"cannot write the html report to {args.output}: "
                                  f"{exc.strerror or exc}") from None
    for error in errors:
        print(f"biblint: error: {error}", file=sys.stderr)
    summary = sink.summary
    if args.output != "-":
        print(f"biblint: wrote {args.output}: {plural(summary.findings, 'finding')} in "
              f"{plural(summary.records, 'record')} of {plural(len(summary.files), 'file')}",
              file=sys.stderr)
    return EXIT_ERROR if errors else EXIT_OK


def _document_events(linter: Linter, document: Any) -> Iterator[Event]:
    """The events of one document read in memory (stdin), as ``iter_check`` gives a file's."""
    from .engine import document_positions

    state = linter.new_run()
    result = FileResult(document.path)
    yield FileStarted(document.path)
    yield from linter.iter_document(document, state, result)
    yield FileFinished(result)
    for shown, found in linter.late_findings(state, lambda path: document_positions(document)):
        yield LateFindings(shown, found)
