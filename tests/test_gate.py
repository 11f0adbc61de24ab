"""The CI gate and its controls: --exit-non-zero-on-fix, --statistics, --show-fixes, file
discovery (.gitignore, exclude, --force-exclude), the progress line, colour and the summary."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from biblint.cli import Progress, main
from biblint.config import Config
from biblint.discovery import discover, git_files
from biblint.model import FileFinished, FileResult, FileStarted, RecordChecked

from .conftest import SEED

needs_git = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


class Terminal(io.StringIO):
    """A text stream that says it is a terminal."""

    def isatty(self) -> bool:
        return True


def git(cwd: Path, *args: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@example.org",
               GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.org")
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=cwd, env=env, check=True,
                   capture_output=True)


DOI = "10.1016/j.jvs.2020.01.012"
SAFE = ("--select", "XREF001,TYP001")
"""Two rules whose fixes are safe: the tests do not depend on the rest of the catalogue."""


def only_safe_fixable(path: Path) -> Path:
    path.write_text(json.dumps({"title": "A title", "doi": DOI, "DOIUrl": None,
                                "PeriodicalName": "J", "citationCount": "3"}, indent=2) + "\n")
    return path


# -- exit codes --------------------------------------------------------------------------
def test_exit_non_zero_on_fix(capsys, tmp_path):
    path = only_safe_fixable(tmp_path / "a.json")
    original = path.read_bytes()
    assert run(capsys, "check", *SAFE, "--fix", str(path))[0] == 0  # fixed, nothing remains
    path.write_bytes(original)
    code, out, _ = run(capsys, "check", *SAFE, "--fix", "--exit-non-zero-on-fix", str(path))
    assert code == 1 and "0 findings" in out and "fixed 2" in out
    assert path.read_bytes() != original
    # Nothing left to change: the flag does not fail the run.
    assert run(capsys, "check", *SAFE, "--fix", "--exit-non-zero-on-fix", str(path))[0] == 0
    # --exit-zero wins, as in ruff; without --fix the flag does nothing.
    path.write_bytes(original)
    assert run(capsys, "check", *SAFE, "--fix", "--exit-non-zero-on-fix", "--exit-zero",
               str(path))[0] == 0
    path.write_bytes(original)
    assert run(capsys, "check", "--exit-non-zero-on-fix", "--select", "ID009",
               str(path))[0] == 0


def test_exit_non_zero_on_fix_from_stdin(capsysbinary, monkeypatch, tmp_path):
    path = only_safe_fixable(tmp_path / "a.json")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(path.read_bytes())))
    assert main(["check", *SAFE, "--fix", "--exit-non-zero-on-fix", "-"]) == 1
    fixed, _ = capsysbinary.readouterr()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(fixed)))
    assert main(["check", *SAFE, "--fix", "--exit-non-zero-on-fix", "-"]) == 0
    assert capsysbinary.readouterr().out == fixed


def test_exit_codes_with_fail_on(capsys, tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "A title.", "doi": DOI}))
    only = ("--select", "TTL001")  # a warning
    assert run(capsys, "check", *only, str(path))[0] == 1
    assert run(capsys, "check", *only, "--fail-on", "error", str(path))[0] == 0
    assert run(capsys, "check", *only, "--exit-zero", str(path))[0] == 0


# -- --statistics and --show-fixes -------------------------------------------------------
def test_statistics_text_and_json(capsys):
    _, out, _ = run(capsys, "check", "--format", "json", str(SEED))
    report = json.loads(out)
    by_code = report["summary"]["by_code"]
    fixable: dict[str, int] = {}
    for f in report["findings"]:
        safe = f["fix"] is not None and f["fix"]["applicability"] == "safe"
        fixable[f["code"]] = fixable.get(f["code"], 0) + safe
    code, out, _ = run(capsys, "check", "--statistics", "--format", "json", str(SEED))
    assert code == 1
    stats = json.loads(out)
    assert {r["code"]: r["count"] for r in stats} == by_code
    assert {r["code"]: r["fixable"] for r in stats} == fixable
    assert [r["count"] for r in stats] == sorted(by_code.values(), reverse=True)
    assert next(r for r in stats if r["code"] == "TYP002") == {
        "code": "TYP002", "name": "empty-string", "count": 3, "fixable": 3}
    assert next(r for r in stats if r["code"] == "AUTH001")["fixable"] == 0  # unsafe
    _, out, _ = run(capsys, "check", "--statistics", "--format", "json", "--unsafe-fixes",
                    str(SEED))
    assert next(r for r in json.loads(out) if r["code"] == "AUTH001")["fixable"] == 1

    code, out, _ = run(capsys, "check", "--statistics", str(SEED))
    assert code == 1
    table, _, last = out.rstrip("\n").rpartition("\n\n")
    rows = [line.split() for line in table.splitlines()]
    assert [(int(r[0]), r[1]) for r in rows] == [(r["count"], r["code"]) for r in stats]
    assert ["3", "TYP002", "[*]", "empty-string"] in rows
    assert next(r for r in rows if r[1] == "AUTH001")[2] == "authors-flattened"  # no [*]
    _, text, _ = run(capsys, "check", str(SEED))
    assert last == text.strip().splitlines()[-1]  # the one-line summary


def test_statistics_show_partly_fixable_codes(capsys, tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "A", "doi": DOI, "PeriodicalName": "J",
                                "DOIUrl": f"https://doi.org/{DOI}", "openAccessPdf": "",
                                "fieldsOfStudy": ["", "Medicine"]}))  # "" in a list: no fix
    only = ("--select", "TYP002")
    _, out, _ = run(capsys, "check", *only, "--statistics", "--format", "json", str(path))
    assert json.loads(out) == [{"code": "TYP002", "name": "empty-string", "count": 2,
                                "fixable": 1}]
    _, out, _ = run(capsys, "check", *only, "--statistics", str(path))
    assert out.splitlines()[0].split() == ["2", "TYP002", "[*]", "empty-string", "(1",
                                           "fixable)"]


def test_show_fixes_lists_each_fix_per_file_and_code(capsys, tmp_path):
    first = tmp_path / "a.json"
    shutil.copy(SEED, first)
    second = only_safe_fixable(tmp_path / "b.json")
    code, out, _ = run(capsys, "check", "--select", "XREF001,TYP001,TYP002,AUTH001", "--fix",
                       "--show-fixes", str(first), str(second))
    assert code == 1  # AUTH001's fix is unsafe
    assert f"Fixed {first}: XREF001 at /DOIUrl: Set the DOI URL to https://doi.org/" in out
    assert f"Fixed {second}: TYP001 at /citationCount:" in out
    assert out.count(f"Fixed {first}: TYP002 at ") == 3
    assert out.count("Fixed ") == 7
    assert "fixed 7" in out.strip().splitlines()[-1]


def test_show_fixes_with_a_machine_format_goes_to_stderr(capsys, tmp_path):
    path = tmp_path / "a.json"
    shutil.copy(SEED, path)
    _, out, err = run(capsys, "check", "--select", "XREF001,TYP001,TYP002,AUTH001", "--fix",
                      "--show-fixes", "--format", "concise", str(path))
    assert "Fixed" not in out
    lines = err.splitlines()
    assert lines[0] == "Fixed 5 findings:" and lines[1] == f"- {path}:"
    assert "    3 × TYP002 (empty-string)" in lines
    assert "    1 × XREF001 (doi-url-missing)" in lines


# -- discovery ---------------------------------------------------------------------------
def make_tree(root: Path, names: list[str]) -> None:
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"title": name}) + "\n")


def discovered(paths: list[Path], root: Path, config: Config | None = None,
               force_exclude: bool = False) -> list[str]:
    found = discover(paths, config or Config(), force_exclude=force_exclude)
    return [Path(p).resolve().relative_to(root.resolve()).as_posix() for p, _ in found]


@needs_git
def test_walk_honours_gitignore_in_a_work_tree(tmp_path):
    make_tree(tmp_path, ["a.json", "build/out.json", "sub/keep.jsonl", "sub/scratch.tmp.json",
                         "sub/deep/z.ndjson", "tracked/forced.json", "notes.txt",
                         ".hidden/h.json", "sub/b.json"])
    (tmp_path / ".gitignore").write_text("build/\n*.tmp.json\ntracked/\n")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-f", "tracked/forced.json")  # tracked although ignored: listed
    got = discovered([tmp_path], tmp_path)
    assert got == ["a.json", "sub/b.json", "sub/keep.jsonl", "sub/deep/z.ndjson",
                   "tracked/forced.json"]
    # Walking a subfolder of the work tree, and a file named explicitly although ignored.
    assert discovered([tmp_path / "sub"], tmp_path) == ["sub/b.json", "sub/keep.jsonl",
                                                        "sub/deep/z.ndjson"]
    assert discovered([tmp_path / "build" / "out.json"], tmp_path) == ["build/out.json"]
    # A folder that git ignores as a whole, named explicitly, is walked all the same.
    assert discovered([tmp_path / "build"], tmp_path) == ["build/out.json"]
    # A file deleted from disk but still in the index is not listed.
    (tmp_path / "tracked" / "forced.json").unlink()
    assert "tracked/forced.json" not in discovered([tmp_path], tmp_path)


@needs_git
def test_gitignore_through_the_cli(capsys, tmp_path, monkeypatch):
    shutil.copy(SEED, tmp_path / "ignored.json")
    make_tree(tmp_path, ["kept.json"])
    (tmp_path / ".gitignore").write_text("ignored.json\n")
    git(tmp_path, "init", "-q")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--select", "XREF001", ".")
    assert code == 0 and "in 1 file" in out
    code, out, _ = run(capsys, "check", "--select", "XREF001", "ignored.json")  # named: read
    assert code == 1 and "XREF001" in out


def test_walk_without_git_or_outside_a_work_tree(tmp_path, monkeypatch):
    # build/ and venv/ are never walked into (default exclusions), git or not; out/ is
    # ignored by .gitignore only, which needs git.
    make_tree(tmp_path, ["a.json", "out/o.json", "build/out.json", "venv/lib/x.json"])
    (tmp_path / ".gitignore").write_text("out/\n")
    assert git_files(tmp_path) is None  # not a work tree (pytest's tmp is not in a repo)
    assert discovered([tmp_path], tmp_path) == ["a.json", "out/o.json"]
    if shutil.which("git") is not None:
        git(tmp_path, "init", "-q")
        monkeypatch.setenv("PATH", str(tmp_path / "no-such-bin"))  # git cannot be found
        assert git_files(tmp_path) is None
        assert discovered([tmp_path], tmp_path) == ["a.json", "out/o.json"]


@pytest.mark.parametrize("with_git", [False, True])
def test_exclude_patterns_when_walking(tmp_path, with_git):
    if with_git:
        if shutil.which("git") is None:
            pytest.skip("git is not installed")
        git(tmp_path, "init", "-q")
    make_tree(tmp_path, ["a.json", "legacy/old.json", "data/raw/x.json", "data/y.json",
                         "data/skip-me.json"])
    config = Config(exclude=("legacy", "data/raw", "skip-*"), root=tmp_path)
    assert discovered([tmp_path], tmp_path, config) == ["a.json", "data/y.json"]


def test_force_exclude_applies_exclude_to_explicit_files(capsys, tmp_path, monkeypatch):
    make_tree(tmp_path, ["legacy/sub/old.json"])
    shutil.copy(SEED, tmp_path / "legacy" / "sub" / "old.json")
    shutil.copy(SEED, tmp_path / "new.json")
    (tmp_path / "biblint.toml").write_text('exclude = ["legacy/sub"]\n')
    monkeypatch.chdir(tmp_path)
    explicit = ["legacy/sub/old.json", "new.json"]
    config = Config(exclude=("legacy/sub",), root=tmp_path)
    assert discovered([Path(p) for p in explicit], tmp_path, config) == explicit
    assert discovered([Path(p) for p in explicit], tmp_path, config, force_exclude=True) == [
        "new.json"]
    code, out, _ = run(capsys, "check", "--format", "concise", *explicit)
    assert "legacy/sub/old.json" in out
    code, out, _ = run(capsys, "check", "--format", "concise", "--force-exclude", *explicit)
    assert code == 1 and "legacy" not in out and "new.json" in out
    # Every file excluded: nothing to check, and that passes.
    code, out, _ = run(capsys, "check", "--force-exclude", "legacy/sub/old.json")
    assert code == 0 and "0 findings in 0 files" in out


def test_force_exclude_with_stdin_filename(capsysbinary, tmp_path, monkeypatch):
    (tmp_path / "biblint.toml").write_text('exclude = ["legacy"]\n')
    monkeypatch.chdir(tmp_path)
    data = SEED.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code = main(["check", "--fix", "--force-exclude", "--stdin-filename", "legacy/a.json", "-"])
    out, _ = capsysbinary.readouterr()
    assert code == 0 and out == data  # passed through untouched
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert main(["check", "--stdin-filename", "legacy/a.json", "-"]) == 1


# -- the progress line, colour, the summary ----------------------------------------------
def test_progress_only_for_long_runs_on_a_terminal_outside_ci(tmp_path):
    files = [(tmp_path / f"{i}.json", f"{i}.json") for i in range(21)]
    terminal = Terminal()
    assert Progress.wanted(files, terminal, {})
    assert not Progress.wanted(files[:20], terminal, {})
    assert not Progress.wanted(files, terminal, {"CI": "true"})
    assert not Progress.wanted(files, io.StringIO(), {})
    # The report goes to stdout: only when stdout is a terminal too (not redirected).
    assert Progress.wanted(files, terminal, {}, stdout=Terminal())
    assert not Progress.wanted(files, terminal, {}, stdout=io.StringIO())
    big = tmp_path / "big.jsonl"
    with big.open("wb") as handle:
        handle.truncate(Progress.BIG_FILE + 1)
    assert Progress.wanted([(big, "big.jsonl")], terminal, {})


def test_progress_line_counts_records_rate_and_time_left():
    """Driven by a fake clock: the figures follow from records, bytes and seconds."""
    now = [100.0]
    progress = Progress(Terminal(), total=2000, clock=lambda: now[0])
    progress.event(FileStarted("a.jsonl", 1000))
    for offset in (100, 250):
        progress.event(RecordChecked("a.jsonl", 0, [], offset))
    progress.event(RecordChecked("a.jsonl", None, [], None, counted=False))  # a bad line
    now[0] = 110.0
    assert progress.line(now[0]) == ("checking: 2 records, 0 records/s, 12% read, "
                                     "about 1 min 10 s left")
    progress.event(FileFinished(FileResult("a.jsonl", records=2)))
    progress.event(FileStarted("b.json", 1000))  # read in memory: no offsets
    assert progress.done == 1000
    assert progress.line(now[0]).endswith("50% read, about 10 s left")
    progress.event(FileFinished(FileResult("b.json", records=3)))  # counted at its end
    assert progress.line(now[0]) == "checking: 5 records, 0 records/s, 100% read, about 0 s left"
    unknown = Progress(Terminal(), total=None, clock=lambda: now[0])
    unknown.event(RecordChecked("-", 0, [], None))
    assert unknown.line(now[0] + 1) == "checking: 1 record, 1 records/s"


def test_progress_line_is_updated_then_erased(capsys, tmp_path, monkeypatch):
    for i in range(25):
        (tmp_path / f"r{i:02}.json").write_text(json.dumps({"title": "A title"}))
    terminal, console = Terminal(), Terminal()
    monkeypatch.delenv("CI", raising=False)
    monkeypatch.setattr(sys, "stderr", terminal)
    monkeypatch.setattr(sys, "stdout", console)
    monkeypatch.setattr(Progress, "INTERVAL", 0.0)
    main(["check", "--color", "never", str(tmp_path)])
    shown = terminal.getvalue()
    assert "checking" not in console.getvalue() and "in 25 files" in console.getvalue()
    assert "\rchecking: 1 record, " in shown and "\rchecking: 25 records, " in shown
    assert "% read, about " in shown
    last = shown.rsplit("\r", 2)[-2]
    assert shown.endswith("\r" + " " * len(last) + "\r") and not last.strip()
    for env, stdout in (({"CI": "true"}, console), ({}, io.StringIO())):
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setattr(sys, "stdout", stdout)
        terminal.seek(0)
        terminal.truncate()
        main(["check", str(tmp_path)])
        assert terminal.getvalue() == ""  # in CI, or the report redirected
        monkeypatch.delenv("CI", raising=False)
    # A report to a file is not stdout: the line is shown.
    main(["check", "-o", str(tmp_path / "report.txt"), str(tmp_path)])
    assert "\rchecking: 25 records, " in terminal.getvalue()
    assert "in 25 files" in (tmp_path / "report.txt").read_text()


def test_colour_on_a_terminal_unless_no_color(capsys, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, out, _ = run(capsys, "check", "--color", "always", str(SEED))
    assert "\x1b[31mXREF001\x1b[0m" in out
    assert "\x1b[" not in run(capsys, "check", str(SEED))[1]  # not a terminal
    terminal = Terminal()
    monkeypatch.setattr(sys, "stdout", terminal)
    main(["check", str(SEED)])
    assert "\x1b[31m" in terminal.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    terminal.seek(0)
    terminal.truncate()
    main(["check", str(SEED)])
    assert "\x1b[" not in terminal.getvalue() and "XREF001" in terminal.getvalue()
    terminal.seek(0)
    terminal.truncate()
    main(["check", "--color", "never", str(SEED)])
    assert "\x1b[" not in terminal.getvalue()


def test_one_line_summary_wording(capsys, tmp_path):
    shutil.copy(SEED, tmp_path / "a.json")
    (tmp_path / "b.json").write_text(json.dumps({"title": "Clean", "doi": DOI}))
    _, out, _ = run(capsys, "check", "--select", "XREF001,TYP002,AUTH001", str(tmp_path))
    assert out.strip().splitlines()[-1] == (
        "5 findings in 2 files (2 records); 4 fixable with --fix, 1 more with --unsafe-fixes.")
    _, out, _ = run(capsys, "check", "--select", "XREF001", "--fix", str(tmp_path))
    assert out.strip().splitlines()[-1] == "0 findings in 2 files (2 records); fixed 1."


# -- several reports in one run ----------------------------------------------------------
def test_several_output_formats_in_one_run(capsys, tmp_path, monkeypatch):
    shutil.copy(SEED, tmp_path / "seed.json")
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--output-format", "concise", "--output-format",
                       "json:report.json", "seed.json")
    assert code == 1
    assert out.startswith("seed.json:") and "record 0 at" not in out  # concise on stdout
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["summary"]["findings"] == len(out.splitlines())
    # -o takes the report that has no file of its own.
    code, out, _ = run(capsys, "check", "--format", "text", "-o", "text.txt",
                       "--output-format", "jsonl:all.jsonl", "seed.json")
    assert code == 1 and out == ""
    assert "XREF001" in (tmp_path / "text.txt").read_text(encoding="utf-8")
    assert len((tmp_path / "all.jsonl").read_text(encoding="utf-8").splitlines()) == (
        report["summary"]["findings"])


def test_output_format_usage_errors(capsys):
    code, _, err = run(capsys, "check", "--output-format", "text", "--output-format", "json",
                       str(SEED))
    assert code == 2 and "only one --output-format can go to stdout" in err
    with pytest.raises(SystemExit) as exc:
        main(["check", "--output-format", "yaml:x.yaml", str(SEED)])
    assert exc.value.code == 2
    assert "invalid format 'yaml'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["check", "--output-format", "sarif:", str(SEED)])


def test_baseline_notes_follow_the_outputs(capsys, tmp_path, monkeypatch):
    shutil.copy(SEED, tmp_path / "seed.json")
    monkeypatch.chdir(tmp_path)
    run(capsys, "check", "--select", "XREF001", "--write-baseline", "b.json", "seed.json")
    code, out, err = run(capsys, "check", "--baseline", "b.json", "--output-format", "github",
                         "--output-format", "json:r.json", "seed.json")
    assert code == 1 and "XREF001" not in out and "::error" in out
    assert json.loads((tmp_path / "r.json").read_text())["baseline"] == {"matched": 1,
                                                                         "stale": []}
    assert "Baseline" not in err  # the JSON report carries it
    code, out, err = run(capsys, "check", "--baseline", "b.json", "--output-format", "github",
                         "--output-format", "sarif:r.sarif", "seed.json")
    assert "Baseline b.json: 1 finding matched, no stale entries." in err
