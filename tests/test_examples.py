"""The README's integration examples are real: taken from examples/, and run here.

Each biblint command in the example CI files runs against a scratch data folder; the README
must contain each example file verbatim, and its library snippet must run.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml

from biblint.cli import main

from .conftest import ROOT, SEED

EXAMPLES = ROOT / "examples"
README = ROOT / "README.md"
SCHEMAS = Path(__file__).parent / "data" / "schemas"


def _biblint_commands(path: Path) -> list[list[str]]:
    """Every `biblint ...` shell line in a CI file (GitHub `run:` steps, GitLab `script:`)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("run", "script"):
                    lines.extend(value if isinstance(value, list) else [value])
                else:
                    walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return [shlex.split(line)[1:] for line in lines if line.strip().startswith("biblint ")]


@pytest.fixture
def data_repo(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    shutil.copy(SEED, tmp_path / "data" / "seed.json")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_github_actions_example_runs(data_repo, capsys):
    commands = _biblint_commands(EXAMPLES / "ci" / "github-actions.yml")
    assert len(commands) == 1
    args = commands[0]
    # The first run writes the baseline the workflow expects to find in the repository.
    baseline_at = args.index("--baseline")
    assert main(["check", "--write-baseline", args[baseline_at + 1], "data/"]) == 0
    capsys.readouterr()
    assert main(args) == 0  # everything is in the baseline
    out = capsys.readouterr().out
    assert "::error" not in out
    sarif = json.loads((data_repo / "biblint.sarif").read_text(encoding="utf-8"))
    schema = json.loads((SCHEMAS / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(sarif)
    # A new defect fails the job and is annotated.
    (data_repo / "data" / "new.json").write_text(
        json.dumps({"doi": "10.1000/new", "DOIUrl": None, "title": "New", "PeriodicalName": "J",
                    "EPubDate": None}), encoding="utf-8")
    assert main(args) == 1
    out = capsys.readouterr().out
    assert "::error file=data/new.json" in out and "XREF001" in out


def test_gitlab_example_runs(data_repo, capsys):
    commands = _biblint_commands(EXAMPLES / "ci" / "gitlab-ci.yml")
    assert len(commands) == 1
    assert main(commands[0]) == 1
    out = capsys.readouterr().out
    assert "data/seed.json:5:13: XREF001" in out
    report = json.loads((data_repo / "gl-code-quality-report.json").read_text(encoding="utf-8"))
    assert report and all(item["location"]["path"] == "data/seed.json" for item in report)
    config = yaml.safe_load((EXAMPLES / "ci" / "gitlab-ci.yml").read_text(encoding="utf-8"))
    assert config["biblint"]["artifacts"]["reports"]["codequality"] == (
        "gl-code-quality-report.json")


def test_pre_commit_example_names_the_real_hooks():
    config = yaml.safe_load((EXAMPLES / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    defined = {hook["id"] for hook in hooks}
    used = {hook["id"] for repo in config["repos"] for hook in repo["hooks"]}
    assert used and used <= defined


@pytest.mark.parametrize("name", ["pre-commit-config.yaml", "ci/github-actions.yml",
                                  "ci/gitlab-ci.yml"])
def test_readme_shows_each_example_verbatim(name):
    example = (EXAMPLES / name).read_text(encoding="utf-8").strip()
    assert example in README.read_text(encoding="utf-8"), f"README lacks examples/{name}"


def test_readme_library_example_runs():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Library use"):]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None
    namespace: dict[str, object] = {"records": []}
    exec(compile(code.group(1), "README.md", "exec"), namespace)  # our own README
    result = namespace["result"]
    assert result.record["DOIUrl"] == "https://doi.org/10.1177/15266028251361770"  # type: ignore[attr-defined]


def test_pre_commit_example_arguments_parse_with_the_hook_entries():
    """The example's `args` (a baseline for both hooks) are arguments biblint takes after
    each hook's entry, before the files pre-commit appends."""
    from biblint.cli import _parser

    config = yaml.safe_load((EXAMPLES / "pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = {hook["id"]: hook
             for hook in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text("utf-8"))}
    for repo in config["repos"]:
        assert re.fullmatch(r"[0-9a-f]{40}", str(repo["rev"]))  # a commit, not a made-up tag
        for used in repo["hooks"]:
            program, command, *flags = hooks[used["id"]]["entry"].split()
            assert program == "biblint"
            args = _parser().parse_args([command, *flags, *used.get("args", []), "a.json"])
            assert args.baseline == "biblint-baseline.json" and args.paths == ["a.json"]
