"""The ``biblint`` command: a thin shell over :class:`biblint.Linter`.

Exit codes: 0 nothing at or above the failing severity; 1 findings that fail (unreadable input
included), or a diff under ``--diff``; 2 usage, configuration or internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from . import __version__
from .config import Config, ConfigError, discover, load_file
from .engine import Linter
from .model import Report, Severity
from .profiles import PROFILES
from .registry import Registry, RegistryError, default_registry
from .report import REPORTERS, RenderOptions

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


def _csv(value: str) -> list[str]:
    return [part.strip() for part in value.split(",") if part.strip()]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="biblint",
        description="Find, explain and fix defects in bibliographic records.",
    )
    parser.add_argument("--version", action="version", version=f"biblint {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    check = commands.add_parser(
        "check", help="lint files, folders or stdin",
        description="Lint JSON / JSON Lines files of bibliographic records. Folders are walked "
                    "for .json, .jsonl and .ndjson files; '-' reads stdin.")
    check.add_argument("paths", nargs="*", metavar="PATH", help="files, folders, or - (stdin)")
    check.add_argument("--format", "--output-format", dest="format", default="text",
                       choices=sorted(REPORTERS), help="output format (default: text)")
    check.add_argument("-o", "--output-file", metavar="FILE", help="write the report to FILE")
    check.add_argument("--select", type=_csv, metavar="CODES",
                       help="rules to run: codes, prefixes, names or ALL (comma-separated)")
    check.add_argument("--ignore", type=_csv, default=[], metavar="CODES",
                       help="rules not to run (added to the config's ignore)")
    check.add_argument("--extend-select", type=_csv, default=[], metavar="CODES",
                       help="rules to run in addition to select")
    check.add_argument("--fix", action="store_true", help="apply safe fixes and write them back")
    check.add_argument("--unsafe-fixes", action="store_true", default=None,
                       help="also offer and apply unsafe fixes")
    check.add_argument("--diff", action="store_true",
                       help="show the diff --fix would make; write nothing (exit 1 if any)")
    check.add_argument("--show-fixes", action="store_true", help="list the fixes applied")
    check.add_argument("--exit-zero", action="store_true",
                       help="exit 0 even when findings fail (2 still means an error)")
    check.add_argument("--fail-on", choices=[s.label for s in Severity],
                       help="lowest severity that fails the run (default: warning)")
    check.add_argument("--profile", choices=sorted(PROFILES),
                       help="force a record profile instead of detecting it")
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

    rule = commands.add_parser("rule", help="show the documentation of a rule",
                               description="Print a rule's documentation.")
    rule.add_argument("code", nargs="?", help="a rule code or name (e.g. XREF001)")
    rule.add_argument("--all", action="store_true", help="every rule")
    rule.add_argument("--format", choices=("text", "json"), default="text")

    rules = commands.add_parser("rules", help="list every rule",
                                description="List every rule: code, name, severity, fix.")
    rules.add_argument("--format", choices=("text", "json"), default="text")
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
    )


def _use_color(choice: str, stream: TextIO) -> bool:
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def _check(args: argparse.Namespace) -> int:
    paths = args.paths or ["."]
    stdin = paths == ["-"]
    if "-" in paths and not stdin:
        raise ConfigError("'-' (stdin) cannot be combined with other paths")
    first = Path(args.stdin_filename or ".") if stdin else Path(paths[0])
    config = _config(args, first)
    linter = Linter(config)
    unsafe = config.unsafe_fixes
    fixing = args.fix or args.diff

    if stdin:
        data = sys.stdin.buffer.read()
        name = args.stdin_filename or "-"
        if args.fix and not args.diff:
            new, result = linter.fix_bytes(data, name, unsafe=unsafe)
            sys.stdout.buffer.write(new)
            sys.stdout.flush()
            report = Report([result])
            out_stream = sys.stderr  # stdout carries the fixed data
        else:
            report = Report([linter.check_bytes(data, name)])
            if args.diff:
                new, fixed = linter.fix_bytes(data, name, unsafe=unsafe)
                from .fixer import unified_diff

                if new != data:
                    report.files[0].diff = unified_diff(name, data, new)
                    report.files[0].fixed = fixed.fixed
            out_stream = sys.stdout
    else:
        report = linter.check_paths(paths, fix=fixing, unsafe=unsafe, diff=args.diff)
        out_stream = sys.stdout

    options = RenderOptions(unsafe_fixes=unsafe, show_fixes=args.show_fixes, fixing=fixing,
                            color=_use_color(args.color, out_stream) and not args.output_file)
    text = _statistics(report, args.format, options) if args.statistics else \
        REPORTERS[args.format](report, options)
    if args.output_file:
        Path(args.output_file).write_text(text, encoding="utf-8")
    else:
        out_stream.write(text)
        out_stream.flush()
    for error in report.errors:
        print(f"biblint: error: {error}", file=sys.stderr)

    if report.errors:
        return EXIT_ERROR
    if args.exit_zero:
        return EXIT_OK
    if args.diff and any(r.diff for r in report.files):
        return EXIT_FINDINGS
    failing = any(f.severity >= config.fail_on for f in report.findings)
    return EXIT_FINDINGS if failing else EXIT_OK


def _statistics(report: Report, fmt: str, options: RenderOptions) -> str:
    rows: dict[str, dict[str, object]] = {}
    for f in report.findings:
        row = rows.setdefault(f.code, {"code": f.code, "name": f.name, "count": 0, "fixable": 0})
        row["count"] = int(str(row["count"])) + 1
        fixable = f.fix is not None and (f.fix.applicability.label == "safe"
                                         or options.unsafe_fixes)
        row["fixable"] = int(str(row["fixable"])) + int(fixable)
    ordered = sorted(rows.values(), key=lambda r: (-int(str(r["count"])), str(r["code"])))
    if fmt == "json":
        return json.dumps(ordered, indent=2) + "\n"
    lines = [f"{r['count']:>6}  {r['code']:<8} {'[*]' if r['fixable'] else '   '} {r['name']}"
             for r in ordered]
    return "\n".join(lines) + ("\n" if lines else "")


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
        if item.options:
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
