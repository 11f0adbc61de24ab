"""Messages as a gate shows them: the pointer in every one-line format, text shown as it is,
usage errors for what is not data, GitLab paths from the project root."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest

import biblint
from biblint.cli import main
from biblint.domain.show import excerpt, quoted, shown
from biblint.report.gitlab import project_root, relative_path

from .conftest import SEED

MINIFIED = {"title": "Gas exchange in Ogás", "doi": "10.1000/182", "DOIUrl": None,
            "PubModel": "", "EPubDate": "", "PeriodicalName": "J"}


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


# -- 24: the JSON pointer in concise, github and gitlab -----------------------------------
def test_one_line_formats_name_the_field(capsys, tmp_path):
    path = tmp_path / "min.json"
    path.write_text(json.dumps(MINIFIED, separators=(",", ":")))  # everything on line 1
    _, out, _ = run(capsys, "check", "--isolated", "--format", "json", str(path))
    findings = json.loads(out)["findings"]
    pointed = [f for f in findings if f["pointer"]]
    assert any(f["pointer"] == "/PubModel" for f in pointed)

    _, concise, _ = run(capsys, "check", "--isolated", "--format", "concise", str(path))
    _, github, _ = run(capsys, "check", "--isolated", "--format", "github", str(path))
    _, gitlab, _ = run(capsys, "check", "--isolated", "--format", "gitlab", str(path))
    issues = json.loads(gitlab)
    for f in pointed:
        suffix = f"{f['message']} (at {f['pointer']})"
        assert f"{f['code']}{' [*]' if f['fix'] else ''} {suffix}\n" in concise
        assert f"::{suffix}\n" in github
        assert f"{f['code']}: {suffix}" in {i["description"] for i in issues}
    # A finding about the whole file has no pointer and no empty "(at )".
    assert "(at )" not in concise + github + gitlab


# -- 25: text shown as it is --------------------------------------------------------------
def test_text_is_shown_as_it_is_with_only_invisible_characters_escaped():
    assert quoted("Ogás 北京 Ørsted") == '"Ogás 北京 Ørsted"'
    assert quoted("a\u200bb") == '"a\\u200bb"'           # zero-width space
    assert quoted("a\u00a0b") == '"a\\u00a0b"'           # no-break space looks like a space
    assert quoted("a\u202eb\u2066") == '"a\\u202eb\\u2066"'  # bidirectional controls
    assert quoted("\x00\x1b\x85\x7f") == '"\\u0000\\u001b\\u0085\\u007f"'
    assert quoted("\ue000\U000e0041") == '"\\ue000\\udb40\\udc41"'  # private use, tag
    assert quoted("e\u0301") == '"e\u0301"'               # a mark shows on its letter...
    assert quoted("e\u0301", combining=True) == '"e\\u0301"'  # ...unless composition is the topic
    assert shown("Ogás") == '"Ogás"' and excerpt("x Ogás y", 2, 6) == '"x Ogás y"'


def test_txt006_message_keeps_non_ascii(capsys, tmp_path):
    path = tmp_path / "a.json"
    path.write_text(json.dumps({"title": "Gas  exchange in Ogás", "doi": "10.1000/182"},
                               ensure_ascii=False), encoding="utf-8")
    _, out, _ = run(capsys, "check", "--isolated", "--select", "TXT006", "--format", "concise",
                    str(path))
    assert "TXT006" in out and '"Gas  exchange in Ogás"' in out and "\\u00e1" not in out


def test_no_rule_message_escapes_visible_non_ascii():
    """Every finding on a record full of non-ASCII text shows it as written."""
    record = {"title": "Études  sur l\u2019Ogás  ", "abstract": "北京 \u00a0 n/a",
              "authors": ["Müller, J.", "Ørsted"], "doi": "10.1000/182 ",
              "PubModel": "n/a", "PeriodicalName": "Revue  d\u2019Études"}
    for finding in biblint.lint(record):
        for escape in ("\\u00e9", "\\u00c9", "\\u00e1", "\\u2019", "\\u00fc", "\\u00d8"):
            assert escape not in finding.message, (finding.code, finding.message)


# -- 27: usage errors and the library's types ------------------------------------------------
@pytest.mark.parametrize("value", ["{\"doi\": \"10.1000/182\"}", [{"doi": "10.1000/182"}],
                                   b"{}", None, 3, ({"doi": "10.1000/182"},)])
def test_lint_and_fix_take_one_record(value):
    with pytest.raises(TypeError, match="takes one record"):
        biblint.lint(value)
    with pytest.raises(TypeError, match="takes one record"):
        biblint.fix(value)


def test_lint_still_takes_a_record():
    assert any(f.code == "XREF001" for f in biblint.lint(json.loads(SEED.read_text())))


def test_a_missing_path_is_a_usage_error_whatever_else_is_given(capsys, tmp_path):
    shutil.copy(SEED, tmp_path / "seed.json")
    code, out, err = run(capsys, "check", "--exit-zero", str(tmp_path), "typo.jsonl")
    assert code == 2 and out == ""
    assert "biblint: error: no such file or folder: 'typo.jsonl'" in err


# -- 27: GitLab paths from the project root ------------------------------------------------
def test_gitlab_paths_are_relative_to_the_project_root(tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / "sub" / "data").mkdir(parents=True)
    target = root / "sub" / "data" / "a.json"
    # CI_PROJECT_DIR (a GitLab job) wins; paths given from a subfolder are still rooted.
    env = {"CI_PROJECT_DIR": str(root)}
    assert project_root(root / "sub", env) == root
    assert relative_path(str(target), root / "sub", root) == "sub/data/a.json"
    assert relative_path("data/a.json", root / "sub", root) == "sub/data/a.json"
    assert relative_path("./data/../data/a.json", root / "sub", root) == "sub/data/a.json"
    outside = str(tmp_path / "elsewhere.json")
    assert relative_path(outside, root / "sub", root) == outside
    # Without CI_PROJECT_DIR, the top of the git work tree; outside one, the folder itself.
    assert project_root(root / "sub", {}) == root / "sub"  # not a work tree
    if shutil.which("git"):
        subprocess.run(["git", "init", "-q", str(root)], check=True)
        assert project_root(root / "sub", {}).resolve() == root.resolve()


def test_gitlab_report_with_absolute_inputs(capsys, tmp_path, monkeypatch):
    root = tmp_path / "project"
    (root / "data").mkdir(parents=True)
    shutil.copy(SEED, root / "data" / "seed.json")
    monkeypatch.setenv("CI_PROJECT_DIR", str(root))
    monkeypatch.chdir(tmp_path)  # not even the current folder
    _, out, _ = run(capsys, "check", "--isolated", "--format", "gitlab",
                    str(root / "data" / "seed.json"))
    assert {i["location"]["path"] for i in json.loads(out)} == {"data/seed.json"}


# -- 26: --diff shows the diff and what it would change -----------------------------------
def test_diff_prints_the_diff_and_what_fixing_would_change(capsys, tmp_path):
    path = tmp_path / "seed.json"
    shutil.copy(SEED, path)
    before = path.read_bytes()
    code, out, _ = run(capsys, "check", "--isolated", "--diff", str(path))
    assert code == 1 and path.read_bytes() == before  # a change to make; nothing written
    assert out.startswith("--- ") and '+  "DOIUrl": "https://doi.org/' in out
    assert "XREF001" not in out and "record 0 at" not in out  # no finding listed
    assert "fixed" not in out.lower().replace("would fix", "")
    last = out.rstrip().splitlines()[-1]
    assert "nothing was written" in last and "--fix would fix 11 of them" in last, last
    assert "11 would remain" in last, last  # the seed's 22 findings less the 11 fixed


def test_diff_of_a_clean_file_says_nothing_would_change(capsys, tmp_path):
    path = tmp_path / "good.json"
    path.write_text(json.dumps({"title": "A title", "doi": "10.1000/182"}))
    code, out, _ = run(capsys, "check", "--isolated", "--select", "XREF001", "--diff", str(path))
    assert code == 0 and out.strip() == "0 findings in 1 file (1 record); --fix would change " \
                                        "nothing."


def test_diff_from_stdin(capsys, monkeypatch):
    import io

    data = SEED.read_bytes()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(capsys, "check", "--isolated", "--diff", "-")
    assert code == 1 and "--fix would fix 11 of them" in out and "XREF001" not in out


# -- 23: --fix-only, the fix hook's mode ---------------------------------------------------
def test_fix_only_fails_only_when_it_changed_a_file(capsys, tmp_path):
    path = tmp_path / "seed.json"
    shutil.copy(SEED, path)
    code, out, _ = run(capsys, "check", "--isolated", "--fix-only", "--exit-non-zero-on-fix",
                       str(path))
    assert code == 1 and "Fixed 11 findings in 1 file." in out
    assert "AUTH001" not in out and "XREF001 (doi-url-missing)" in out
    # Findings remain that it cannot fix (AUTH001...): it passes, and prints no finding.
    code, out, _ = run(capsys, "check", "--isolated", "--fix-only", "--exit-non-zero-on-fix",
                       str(path))
    assert code == 0 and out == "Nothing to fix.\n"
    code, _, err = run(capsys, "check", "--isolated", "--fix-only", "--diff", str(path))
    assert code == 2 and "--fix-only cannot be combined" in err
