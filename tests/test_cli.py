"""The command line: the seed acceptance test, formats, exit codes, config, fixing."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

import biblint
from biblint.cli import main
from biblint.profiles import load_schema

from .conftest import SEED

# Every defect of the seed record (../shared/seed, bundled as fixtures/seed/seed-record.json):
# (code, pointer, line, column) of the offending value.
SEED_DEFECTS = [
    ("TTL001", "/title", 2, 12),  # trailing period
    ("AUTH001", "/authors", 3, 14),  # authors flattened into one string
    ("XREF001", "/DOIUrl", 5, 13),  # DOI URL null while the DOI is present
    ("ABS001", "/abstract", 7, 15),  # HTML wrapped around the abstract
    ("ABS002", "/abstract", 7, 15),  # two <p>, one </p>
    ("ABS003", "/abstract", 7, 15),  # "ischemia.Clinical ImpactThis review"
    ("ABS004", "/abstract", 7, 15),  # "(CLI).This review"
    ("TYP003", "/journal/volume", 11, 15),  # whitespace-only volume
    ("PAGE003", "/journal/pages", 12, 14),  # pages = DOI suffix (an article number)
    ("TYP005", "/publicationTypes", 16, 23),  # a string where a list belongs
    ("TYP002", "/openAccessPdf", 19, 20),  # "" where null belongs
    ("TYP001", "/citationCount", 20, 20),  # "0" instead of 0
    ("ID009", "/paperid", 23, 14),  # platform named, its id missing
    ("TYP002", "/EPubDate", 33, 15),
    ("TYP002", "/PubModel", 34, 15),
]


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_seed_every_defect_at_its_place(capsys):
    code, out, _ = run(capsys, "check", "--format", "json", str(SEED))
    assert code == 1
    report = json.loads(out)
    found = {(f["code"], f["pointer"], f["line"], f["column"]) for f in report["findings"]}
    missing = [d for d in SEED_DEFECTS if d not in found]
    assert not missing, f"seed defects not reported: {missing}"
    for f in report["findings"]:
        assert f["file"] == str(SEED) and f["record"] == 0
        assert len(f["message"]) <= 200, "messages must never echo a whole abstract"


def test_json_report_validates_against_its_schema(capsys, tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"title": "A", "doi": "10.1/x", "citationCount": "3"}\n{broken\n')
    code, out, _ = run(capsys, "check", "--format", "json", str(SEED), str(bad))
    assert code == 1
    report = json.loads(out)
    jsonschema.Draft202012Validator(load_schema("report.schema.json")).validate(report)
    assert report["summary"]["files"] == 2
    assert report["summary"]["findings"] == len(report["findings"])
    assert report["summary"]["by_code"]["IO003"] == 1
    assert sum(report["summary"]["by_code"].values()) == len(report["findings"])


def test_text_format_is_ruff_like(capsys):
    code, out, _ = run(capsys, "check", str(SEED))
    assert code == 1
    assert f"{SEED}:5:13: XREF001 [*] DOI URL is null" in out
    assert "record 0 at /DOIUrl (error, doi-url-missing)" in out
    last = out.strip().splitlines()[-1]
    assert "in 1 file (1 record)" in last and "fixable with --fix" in last


def test_concise_format_one_line_per_finding(capsys):
    _, out, _ = run(capsys, "check", "--format", "concise", str(SEED))
    lines = out.strip().splitlines()
    assert all(line.startswith(f"{SEED}:") for line in lines)
    assert f"{SEED}:5:13: XREF001 [*] DOI URL is null although" in out


def test_clean_record_exits_zero(capsys, tmp_path):
    good = tmp_path / "good.json"
    good.write_text(json.dumps({"title": "A title", "doi": "10.1000/182"}))
    code, out, _ = run(capsys, "check", str(good))
    assert code == 0, out
    assert "0 findings in 1 file (1 record)." in out


def test_exit_zero_and_fail_on(capsys):
    assert run(capsys, "check", "--exit-zero", str(SEED))[0] == 0
    # Only info-level findings left: --fail-on error passes, --fail-on info fails.
    only_info = ["check", "--select", "ID009", str(SEED)]
    assert run(capsys, *only_info, "--fail-on", "error")[0] == 0
    assert run(capsys, *only_info, "--fail-on", "info")[0] == 1


def test_unknown_selector_is_a_usage_error(capsys):
    code, _, err = run(capsys, "check", "--select", "NOPE999", str(SEED))
    assert code == 2
    assert "NOPE999" in err


def test_select_and_ignore(capsys):
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "TYP",
                    "--ignore", "TYP002", str(SEED))
    codes = {f["code"] for f in json.loads(out)["findings"]}
    assert codes and all(c.startswith("TYP") for c in codes) and "TYP002" not in codes
    _, out, _ = run(capsys, "check", "--format", "json", "--select", "doi-url-missing", str(SEED))
    assert {f["code"] for f in json.loads(out)["findings"]} == {"XREF001"}


def test_folder_walk_and_a_broken_link(capsys, tmp_path):
    (tmp_path / "sub").mkdir()
    shutil.copy(SEED, tmp_path / "sub" / "a.json")
    (tmp_path / "notes.txt").write_text("not a record")
    (tmp_path / "gone.json").symlink_to(tmp_path / "absent.json")  # exists, cannot be read
    code, out, _ = run(capsys, "check", "--format", "json", str(tmp_path),
                       str(tmp_path / "gone.json"))
    assert code == 1
    report = json.loads(out)
    files = {f["file"] for f in report["findings"]}
    assert str(tmp_path / "sub" / "a.json") in files
    assert any(f["code"] == "IO001" and f["file"].endswith("gone.json")
               for f in report["findings"])
    assert not any(f["file"].endswith("notes.txt") for f in report["findings"])


def test_a_path_that_does_not_exist_is_a_usage_error(capsys, tmp_path):
    """A typo in a CI command is not a data problem: exit 2, the path named, nothing read."""
    shutil.copy(SEED, tmp_path / "a.json")
    code, out, err = run(capsys, "check", str(tmp_path / "a.json"), str(tmp_path / "absent.json"),
                         str(tmp_path / "nor-this"))
    assert code == 2
    assert out == ""
    assert "no such file or folder" in err and "absent.json" in err and "nor-this" in err


def test_fix_leaves_no_safe_fixable_finding_and_touches_only_fixed_values(capsys, tmp_path):
    copy = tmp_path / "seed.json"
    shutil.copy(SEED, copy)
    code, out, _ = run(capsys, "check", "--fix", "--format", "json", str(copy))
    report = json.loads(out)
    assert report["summary"]["fixed"] > 0
    assert not [f for f in report["findings"]
                if f["fix"] and f["fix"]["applicability"] == "safe"]
    assert code == 1  # unsafe-only and unfixable findings remain
    old = SEED.read_text(encoding="utf-8").splitlines()
    new = copy.read_text(encoding="utf-8").splitlines()
    assert len(old) == len(new)
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    fixed_keys = {'"DOIUrl"', '"abstract"', '"volume"', '"openAccessPdf"', '"citationCount"',
                  '"EPubDate"', '"PubModel"', '"title"', '"publicationTypes"'}
    for before, after in changed:
        key_before = before.split(":", 1)[0].strip()
        assert key_before in fixed_keys, f"unexpected change: {before!r} -> {after!r}"
        assert after.split(":", 1)[0] == before.split(":", 1)[0]  # same key, same indentation
    # Idempotent: a second --fix changes nothing.
    snapshot = copy.read_bytes()
    run(capsys, "check", "--fix", str(copy))
    assert copy.read_bytes() == snapshot


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_diff_of_fixed_copy_shows_only_fixed_values(capsys, tmp_path):
    copy = tmp_path / "seed.json"
    shutil.copy(SEED, copy)
    run(capsys, "check", "--fix", str(copy))
    diff = subprocess.run(["git", "diff", "--no-index", "--unified=0", "--no-color", str(SEED),
                           str(copy)], capture_output=True, text=True).stdout
    removed = [line[1:] for line in diff.splitlines()
               if line.startswith("-") and not line.startswith("---")]
    added = [line[1:] for line in diff.splitlines()
             if line.startswith("+") and not line.startswith("+++")]
    assert removed and len(removed) == len(added)
    assert all(a.split(":")[0] == b.split(":")[0] for a, b in zip(removed, added, strict=True))
    assert '  "DOIUrl": "https://doi.org/10.1177/15266028251361770",' in added
    assert '  "citationCount": 0,' in added


def test_unsafe_fixes_make_the_seed_valid_against_its_profile_schema(capsys, tmp_path):
    copy = tmp_path / "seed.json"
    shutil.copy(SEED, copy)
    run(capsys, "check", "--fix", "--unsafe-fixes", str(copy))
    fixed = json.loads(copy.read_text(encoding="utf-8"))
    schema = load_schema("aggregator.schema.json")
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)
    errors = [(list(e.absolute_path), e.message[:80]) for e in validator.iter_errors(fixed)]
    assert not errors
    assert fixed["authors"] == ["Hao Liang", "Bin Zhao", "Yuanyuan Ren", "Peng Li",
                                "Xiangchen Dai"]
    assert fixed["abstract"].startswith("Peripheral artery disease")


def test_diff_writes_nothing_and_exits_one(capsys, tmp_path):
    copy = tmp_path / "seed.json"
    shutil.copy(SEED, copy)
    before = copy.read_bytes()
    code, out, _ = run(capsys, "check", "--diff", str(copy))
    assert code == 1
    assert copy.read_bytes() == before
    assert '-  "DOIUrl": null,' in out
    assert '+  "DOIUrl": "https://doi.org/10.1177/15266028251361770",' in out


def test_stdin(capsys, monkeypatch):
    import io

    data = SEED.read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    code, out, _ = run(capsys, "check", "--format", "concise", "--stdin-filename",
                       "piped.json", "-")
    assert code == 1
    assert "piped.json:5:13: XREF001" in out


def test_stdin_fix_writes_fixed_data_to_stdout(capsysbinary, monkeypatch):
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(SEED.read_bytes())))
    main(["check", "--fix", "--select", "XREF001", "-"])
    out, err = capsysbinary.readouterr()
    assert json.loads(out)["DOIUrl"] == "https://doi.org/10.1177/15266028251361770"
    assert b"0 findings" in err


def test_config_from_pyproject(capsys, tmp_path, monkeypatch):
    shutil.copy(SEED, tmp_path / "seed.json")
    (tmp_path / "pyproject.toml").write_text(
        '[tool.biblint]\nselect = ["TYP", "XREF"]\nignore = ["TYP002"]\n'
        'severity = { TYP = "info" }\nfail-on = "error"\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "--format", "json", "seed.json")
    findings = json.loads(out)["findings"]
    codes = {f["code"] for f in findings}
    assert codes and codes <= {"TYP001", "TYP003", "TYP005", "XREF001", "XREF003"}
    assert all(f["severity"] == "info" for f in findings if f["code"].startswith("TYP"))
    assert code == 1  # XREF001 is still an error


def test_per_file_ignores(capsys, tmp_path, monkeypatch):
    (tmp_path / "legacy").mkdir()
    shutil.copy(SEED, tmp_path / "legacy" / "old.json")
    (tmp_path / "biblint.toml").write_text(
        'select = ["XREF001"]\n[per-file-ignores]\n"legacy/*.json" = ["XREF"]\n')
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(capsys, "check", "legacy/old.json")
    assert code == 0, out


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ('[tool.biblint]\nselectt = ["ALL"]\n', "unknown key 'selectt'"),
        ('[tool.biblint]\nfail-on = "fatal"\n', "fail-on"),
        ('[tool.biblint]\nignore = ["XYZ123"]\n', "XYZ123"),
        ('[tool.biblint]\nseverity = { NOPE001 = "info" }\n', "NOPE001"),
        ('[tool.biblint.rules.XREF001]\nnope = 1\n', "unknown option 'nope'"),
        ("[tool.biblint\n", "not valid TOML"),
    ],
)
def test_invalid_config_is_an_error_naming_the_key(capsys, tmp_path, monkeypatch, content,
                                                    needle):
    (tmp_path / "pyproject.toml").write_text(content)
    shutil.copy(SEED, tmp_path / "seed.json")
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "check", "seed.json")
    assert code == 2
    assert needle in err and "pyproject.toml" in err


def test_rules_and_rule_commands(capsys):
    code, out, _ = run(capsys, "rules")
    assert code == 0
    for code_ in ("XREF001", "IO003"):
        assert code_ in out
    code, out, _ = run(capsys, "rule", "XREF001")
    assert code == 0
    for heading in ("What it does", "Why is this bad?", "Example", "Fix"):
        assert heading in out
    code, out, _ = run(capsys, "rule", "--format", "json", "doi-url-missing")
    assert json.loads(out)["code"] == "XREF001"
    assert run(capsys, "rule", "NOPE001")[0] == 2
    code, out, _ = run(capsys, "rules", "--format", "json")
    listed = {r["code"] for r in json.loads(out)}
    assert listed == {r.code for r in biblint.registry.default_registry()}


def test_console_script_runs(tmp_path):
    exe = Path(sys.executable).with_name("biblint")
    if not exe.exists():
        pytest.skip("biblint console script not installed next to this interpreter")
    proc = subprocess.run([str(exe), "check", "--format", "concise", str(SEED)],
                          capture_output=True, text=True)
    assert proc.returncode == 1
    assert "XREF001" in proc.stdout
