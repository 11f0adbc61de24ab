"""The pre-commit hooks of .pre-commit-hooks.yaml, run for real by pre-commit.

pre-commit installs a hook repository by cloning it at a commit and pip-installing it into a
virtualenv of its own, so these tests need git, pre-commit (the ``test`` extra) and PyPI for
biblint's dependencies; they skip when git or pre-commit is missing.

The hook repository is a one-commit snapshot of this checkout's files (what ``git ls-files
--cached --others --exclude-standard`` lists, as they are on disk), not the checkout itself:
``pre-commit try-repo PATH`` takes PATH's HEAD plus its *tracked* uncommitted changes and
leaves untracked files out, so in a working copy with new modules it would install a package
that does not match the files being tested. In CI's fresh clone the snapshot equals HEAD.

``try-repo`` always builds the hook environment afresh in a temporary store (it ignores
PRE_COMMIT_HOME), so it is used once, for the check hook; the other runs go through
``pre-commit run`` with a config naming the snapshot, and share one PRE_COMMIT_HOME, so the
environment is built once for the module.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from biblint.cli import _parser

from .conftest import ROOT, SEED

HOOKS_FILE = ROOT / ".pre-commit-hooks.yaml"


def load_hooks() -> dict[str, dict[str, Any]]:
    hooks = yaml.safe_load(HOOKS_FILE.read_text(encoding="utf-8"))
    return {hook["id"]: hook for hook in hooks}


# -- the hook definitions (fast) -----------------------------------------------------------
def test_hook_definitions():
    hooks = load_hooks()
    assert set(hooks) == {"biblint", "biblint-fix"}
    assert hooks["biblint"]["entry"] == "biblint check --force-exclude"
    assert hooks["biblint-fix"]["entry"] == (
        "biblint check --fix-only --exit-non-zero-on-fix --force-exclude")
    for hook in hooks.values():
        assert hook["language"] == "python"
        assert hook["types"] == ["file"]
        assert hook["require_serial"] is True
        assert re.fullmatch(r"\d+\.\d+\.\d+", hook["minimum_pre_commit_version"])
        # The entry's arguments are biblint's own (pre-commit appends the file names).
        program, command, *flags = hook["entry"].split()
        assert program == "biblint"
        _parser().parse_args([command, *flags, str(SEED)])


@pytest.mark.parametrize(
    ("name", "matched"),
    [
        ("data/records.json", True),
        ("data/records.jsonl", True),
        ("records.ndjson", True),
        ("deep/er/path/export.json", True),
        ("notes.txt", False),
        ("refs.bib", True),
        ("export.ris", True),
        ("pubmed/baseline.xml", True),
        ("records.jsonl.gz", True),
        ("site.tar.gz", False),
        ("records.json.bak", False),
        ("records.jsonld", False),
        ("json", False),
    ],
)
def test_hook_files_regex(name, matched, tmp_path):
    """As check-jsonschema tests its hooks: identify has no tag for .jsonl or .ndjson, so the
    hooks select by name, and the regex must take every format biblint reads; a matching
    file must also carry the tags of ``types``."""
    identify = pytest.importorskip("identify.identify")
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}\n")
    for hook in load_hooks().values():
        assert bool(re.search(hook["files"], name)) is matched
        if matched:
            assert set(hook["types"]) <= identify.tags_from_path(str(path))


# -- running the hooks (slow: builds a virtualenv) -----------------------------------------
def _git_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(GIT_AUTHOR_NAME="biblint tests", GIT_AUTHOR_EMAIL="tests@example.org",
               GIT_COMMITTER_NAME="biblint tests", GIT_COMMITTER_EMAIL="tests@example.org")
    return env


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(["git", "-c", "commit.gpgsign=false", "-c", "core.autocrlf=false",
                           *args], cwd=cwd, env=_git_env(), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture(scope="module")
def tools() -> None:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    if importlib.util.find_spec("pre_commit") is None:
        pytest.skip("pre-commit is not installed (pip install -e '.[test]')")


@pytest.fixture(scope="module")
def hook_repo(tools: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A one-commit git repository holding this checkout's files: (path, commit)."""
    listing = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, env=_git_env(), capture_output=True)
    if listing.returncode != 0:
        pytest.skip("the project is not a git checkout")
    repo = tmp_path_factory.mktemp("hook-repo")
    for name in filter(None, os.fsdecode(listing.stdout).split("\0")):
        source = ROOT / name
        if source.is_file():
            (repo / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, repo / name)
    assert (repo / ".pre-commit-hooks.yaml").is_file()
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "snapshot of the checkout under test")
    return repo, _git(repo, "rev-parse", "HEAD").strip()


@pytest.fixture(scope="module")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    home = tmp_path_factory.mktemp("pre-commit-home")
    yield home
    shutil.rmtree(home, ignore_errors=True)


@pytest.fixture
def data_repo(tmp_path: Path, tools: None) -> Path:
    """A data repository with a bad record staged and nothing committed."""
    repo = tmp_path / "data-repo"
    (repo / "data").mkdir(parents=True)
    shutil.copy(SEED, repo / "data" / "seed.json")
    _git(repo, "init", "-q")
    _git(repo, "add", "data/seed.json")
    return repo


def pre_commit(home: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = _git_env()
    env.update(PRE_COMMIT_HOME=str(home), PRE_COMMIT_COLOR="never", NO_COLOR="1",
               PIP_DISABLE_PIP_VERSION_CHECK="1")
    env.pop("PRE_COMMIT_ALLOW_NO_CONFIG", None)
    return subprocess.run([sys.executable, "-m", "pre_commit", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)


def write_config(data_repo: Path, hook_repo: tuple[Path, str]) -> Path:
    path, rev = hook_repo
    config = data_repo.parent / "pre-commit-config.yaml"
    config.write_text(yaml.safe_dump({"repos": [{
        "repo": str(path), "rev": rev,
        "hooks": [{"id": "biblint"}, {"id": "biblint-fix"}]}]}))
    return config


def show(done: subprocess.CompletedProcess[str]) -> str:
    return f"exit {done.returncode}\n--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}"


@pytest.mark.slow
def test_try_repo_check_hook_fails_with_biblint_messages(hook_repo, data_repo, tmp_path):
    done = pre_commit(tmp_path / "unused-home", data_repo, "try-repo", str(hook_repo[0]),
                      "biblint", "--files", "data/seed.json")
    assert done.returncode == 1, show(done)
    assert "- hook id: biblint" in done.stdout and "Failed" in done.stdout, show(done)
    assert "data/seed.json:5:13: XREF001 [*] DOI URL is null" in done.stdout, show(done)
    assert re.search(r"^\d+ findings in 1 file \(1 record\)", done.stdout, re.M), show(done)


@pytest.mark.slow
def test_fix_hook_rewrites_and_fails_then_check_reports_the_rest(hook_repo, data_repo,
                                                                 pre_commit_home):
    config = str(write_config(data_repo, hook_repo))
    seed = data_repo / "data" / "seed.json"
    before = seed.read_text(encoding="utf-8")
    done = pre_commit(pre_commit_home, data_repo, "run", "--config", config, "biblint-fix",
                      "--files", "data/seed.json")
    assert done.returncode == 1, show(done)  # fails so that the user re-stages the fix
    assert "- files were modified by this hook" in done.stdout, show(done)
    after = seed.read_text(encoding="utf-8")
    assert '"DOIUrl": null,' in before
    assert '  "DOIUrl": "https://doi.org/10.1177/15266028251361770",' in after
    assert '"citationCount": 0,' in after
    # It says what it fixed, not the findings that remain (the check hook reports those).
    assert re.search(r"^Fixed \d+ findings in 1 file\.$", done.stdout, re.M), show(done)
    assert "XREF001 (doi-url-missing)" in done.stdout, show(done)
    assert not re.search(r"^data/seed\.json:\d+:\d+:", done.stdout, re.M), show(done)
    assert "AUTH001" not in done.stdout, show(done)  # a finding it cannot fix: not printed

    # The check hook on the fixed file: only the findings --fix cannot fix are left.
    done = pre_commit(pre_commit_home, data_repo, "run", "--config", config, "biblint",
                      "--files", "data/seed.json")
    assert done.returncode == 1, show(done)
    assert "files were modified" not in done.stdout
    codes = set(re.findall(r"^data/seed\.json:\d+:\d+: ([A-Z]+\d+)", done.stdout, re.M))
    assert {"AUTH001", "ABS003", "PAGE003"} <= codes, show(done)  # unsafe fixes only
    assert not codes & {"XREF001", "TYP001", "TYP002", "ABS001"}, show(done)
    assert "[*]" not in done.stdout  # nothing safe-fixable remains
    assert seed.read_text(encoding="utf-8") == after

    # Running the fix hook again changes nothing, and passes: findings it cannot fix are the
    # check hook's to report, so each prints once per commit.
    done = pre_commit(pre_commit_home, data_repo, "run", "--config", config, "biblint-fix",
                      "--files", "data/seed.json")
    assert done.returncode == 0, show(done)
    assert "files were modified" not in done.stdout, show(done)
    assert seed.read_text(encoding="utf-8") == after


@pytest.mark.slow
def test_hooks_keep_config_excludes_for_files_passed_explicitly(hook_repo, data_repo,
                                                                pre_commit_home):
    config = str(write_config(data_repo, hook_repo))
    (data_repo / "legacy").mkdir()
    shutil.copy(SEED, data_repo / "legacy" / "old.json")
    (data_repo / "biblint.toml").write_text('exclude = ["legacy"]\n')
    _git(data_repo, "add", "legacy/old.json", "biblint.toml")
    done = pre_commit(pre_commit_home, data_repo, "run", "--config", config, "biblint",
                      "--files", "legacy/old.json", "biblint.toml")
    assert done.returncode == 0, show(done)
    assert "Passed" in done.stdout, show(done)


@pytest.mark.slow
def test_only_the_data_is_reported_or_changed_end_to_end(hook_repo, pre_commit_home, tmp_path):
    """A scratch data repository as found in the wild (records beside a package.json with a
    trailing space, JSONC editor settings, JSON Schemas, a baseline, a report, a MARC file,
    a pom.xml, venv/, build/ and node_modules/ copies of records), everything staged:
    ``biblint check`` with no path, ``--fix``, and both real hooks report and change only the
    data files."""
    from .test_data_only import DATA, data_repository, digests

    repo = tmp_path / "data-repo"
    repo.mkdir()
    files = data_repository(repo)
    _git(repo, "init", "-q")
    baseline = repo / "biblint-baseline.json"
    cli = [sys.executable, "-m", "biblint", "check"]
    done = subprocess.run([*cli, "--write-baseline", str(baseline), "data/seed.json"],
                          cwd=repo, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    files["baseline"] = baseline
    _git(repo, "add", "-A", "-f")  # venv/, build/, node_modules/ staged too: the worst case
    before = digests(files)

    def data_lines(out: str) -> set[str]:
        return {line.split(":")[0] for line in out.splitlines()
                if re.match(r"^[^\s:]+:\d+:\d+: [A-Z]+\d+ ", line)}

    # check, no path: the work tree walked; only data reported, the rest named or skipped.
    done = subprocess.run([*cli, "--format", "concise"], cwd=repo, capture_output=True,
                          text=True)
    assert done.returncode == 1, done.stdout + done.stderr
    assert data_lines(done.stdout) == {"data/seed.json", "data/more.jsonl"}
    assert "data/refs.mrc" in done.stderr and "Skipped 5 files" in done.stderr, done.stderr

    # The fix hook: fails because it changed files, and changed only the data.
    config = repo.parent / "pre-commit-config.yaml"
    path, rev = hook_repo
    config.write_text(yaml.safe_dump({"repos": [{"repo": str(path), "rev": rev, "hooks": [
        {"id": "biblint-fix"},
        {"id": "biblint", "args": ["--baseline", "biblint-baseline.json"]}]}]}))
    done = pre_commit(pre_commit_home, repo, "run", "--config", str(config), "biblint-fix",
                      "--all-files")
    assert done.returncode == 1 and "files were modified by this hook" in done.stdout, \
        show(done)
    after = digests(files)
    assert {name for name in files if before[name] != after[name]} == DATA, show(done)
    assert re.search(r"^Fixed \d+ findings in 2 files\.$", done.stdout, re.M), show(done)

    # The check hook with the baseline: the seed's legacy findings are in the baseline;
    # what is reported is data, never package.json, settings, schemas or the baseline.
    _git(repo, "add", "-A", "-f")
    done = pre_commit(pre_commit_home, repo, "run", "--config", str(config), "biblint",
                      "--all-files")
    assert data_lines(done.stdout) <= {"data/more.jsonl"}, show(done)
    for name in ("package.json", "settings.json", "schema", "baseline", "venv", "build/",
                 "node_modules", "gl-code-quality"):
        assert not any(name in line for line in done.stdout.splitlines()
                       if re.match(r"^[^\s:]+:\d+:\d+: ", line)), show(done)

    # The fix hook again: nothing left to fix, so it passes; --fix by hand changes nothing.
    done = pre_commit(pre_commit_home, repo, "run", "--config", str(config), "biblint-fix",
                      "--all-files")
    assert done.returncode == 0, show(done)
    subprocess.run([*cli, "--fix", "."], cwd=repo, capture_output=True, text=True)
    assert digests(files) == after
