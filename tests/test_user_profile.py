"""A profile defined in configuration for a JSON shape biblint has never seen: detection,
forcing, every rule family working at that shape's pointers, and configuration errors."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import biblint
from biblint.cli import main
from biblint.config import load_file
from biblint.profiles import PROFILES, Convention, installed_profiles

CONFIG = """\
[profiles.lab]
title = "Our lab's reference store"
schema = "schemas/lab.schema.json"
detect = {keys = ["ref_id", "work_title", "/ids/doi_value"], min = 2}
required = ["title", ["doi", "source_id"]]
type-vocabulary = "crossref"
conventions = ["spaced-page-ranges"]
extra-dates = {"/dates/received_on" = "other"}

[profiles.lab.fields]
doi = "/ids/doi_value"
source_id = "/ref_id"
title = "/work_title"
pages = "/where/page_span"
publication_date = "/dates/published_on"
year = "/dates/year"
authors = "/people"
type = "/kind"
"""

SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["ref_id"],
    "properties": {"ref_id": {"type": "string"}, "work_title": {"type": "string"},
                   "status": {"enum": ["draft", "final"]}},
}

# Keys no built-in profile uses, the identifiers and dates nested.
RECORD = {
    "ref_id": "r1",
    "work_title": "Caf&eacute; society and its discontents",
    "ids": {"doi_value": "doi:10.1000/abc.2020.17"},
    "where": {"page_span": "112-15"},
    "dates": {"published_on": "2020/05/03", "year": "2020", "received_on": "2020-13-01"},
    "people": ["Ann Lee"],
    "kind": "journal_article",
    "status": "pending",
}

EXPECTED = {
    ("TXT009", "/work_title"),
    ("DOI003", "/ids/doi_value"),
    ("PAGE002", "/where/page_span"),
    ("DATE001", "/dates/published_on"),
    ("DATE002", "/dates/received_on"),
    ("TYP001", "/dates/year"),
    ("PT001", "/kind"),
    ("REC003", "/status"),
}
"""What each rule family finds in RECORD, at the shape's own pointers."""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "biblint.toml").write_text(CONFIG, encoding="utf-8")
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "lab.schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (tmp_path / "refs.json").write_text(json.dumps([RECORD], indent=2), encoding="utf-8")
    return tmp_path


def _position(text: str, pointer: str, record: dict[str, object]) -> tuple[int, int]:
    """Line and column (1-based) of the value at ``pointer`` in the pretty-printed file."""
    node: object = record
    for token in pointer.strip("/").split("/"):
        assert isinstance(node, dict)
        node = node[token]
    needle = f'"{pointer.rsplit("/", 1)[1]}": {json.dumps(node)}'
    offset = text.index(needle) + needle.index(": ") + 2
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


def test_cli_finds_every_family_at_the_shapes_pointers(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "biblint", "check", "refs.json", "--output-format", "json"],
        cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 1, result.stderr
    findings = json.loads(result.stdout)["findings"]
    got = {(f["code"], f["pointer"]) for f in findings}
    assert got >= EXPECTED
    text = (project / "refs.json").read_text(encoding="utf-8")
    for finding in findings:
        if (finding["code"], finding["pointer"]) in EXPECTED:
            where = _position(text, finding["pointer"], RECORD)
            assert (finding["line"], finding["column"]) == where, finding


def test_library_uses_the_configured_profile(project: Path) -> None:
    config = load_file(project / "biblint.toml")
    assert config is not None
    linter = biblint.Linter(config)
    record = linter.make_record(RECORD)
    assert record.profile.name == "lab"
    assert record.field("doi") == ("doi", "/ids/doi_value", "doi:10.1000/abc.2020.17")
    got = {(f.code, f.pointer) for f in linter.lint(RECORD)}
    assert got >= EXPECTED
    # The built-in profiles do not know the shape: the generic one finds none of this.
    assert biblint.Linter().make_record(RECORD).profile.name == "generic"
    generic = {(f.code, f.pointer) for f in biblint.Linter().lint(RECORD)}
    assert not generic & (EXPECTED - {("TXT009", "/work_title")})


def test_fixes_write_at_the_shapes_pointers(project: Path) -> None:
    assert main(["check", str(project / "refs.json"), "--fix"]) in (0, 1)
    fixed = json.loads((project / "refs.json").read_text(encoding="utf-8"))[0]
    assert fixed["ids"]["doi_value"] == "10.1000/abc.2020.17"
    assert fixed["dates"]["published_on"] == "2020-05-03"
    assert fixed["where"]["page_span"] == "112-115"
    assert fixed["work_title"] == "Café society and its discontents"


def test_detection_needs_min_keys_and_forcing_needs_none(
        project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = load_file(project / "biblint.toml")
    assert config is not None
    linter = biblint.Linter(config)
    assert linter.make_record({"ref_id": "r2", "ids": {"doi_value": "10.1/x"}}).profile.name \
        == "lab"  # two of the three keys, one of them nested
    assert linter.make_record({"ref_id": "r2", "title": "T"}).profile.name == "generic"
    # A record of a built-in shape is still that shape.
    assert linter.make_record({"DOI": "10.1000/x", "title": ["T"], "member": "1",
                               "indexed": {}}).profile.name == "crossref"
    lone = {"work_title": "Caf&eacute;", "where": {"page_span": "112-15"}}
    (project / "lone.json").write_text(json.dumps(lone), encoding="utf-8")
    assert main(["check", str(project / "lone.json"), "--output-format", "concise",
                 "--select", "PAGE", "--profile", "lab"]) == 1
    assert "PAGE002" in capsys.readouterr().out
    assert main(["check", str(project / "lone.json"), "--output-format", "concise",
                 "--select", "PAGE"]) == 0


def test_conventions_of_a_user_profile_are_read(project: Path) -> None:
    config = load_file(project / "biblint.toml")
    assert config is not None
    spaced = {**RECORD, "where": {"page_span": "D480 - D489"}}
    codes = {f.code for f in biblint.Linter(config).lint(spaced) if f.code.startswith("PAGE")}
    assert codes == set()  # spaced-page-ranges declared
    plain = {f.code for f in biblint.Linter().lint({"pages": "D480 - D489"})}
    assert "PAGE004" in plain


def test_pyproject_table_works_too(tmp_path: Path) -> None:
    body = CONFIG.replace("[profiles.", "[tool.biblint.profiles.").replace(
        'schema = "schemas/lab.schema.json"\n', "")
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    config = load_file(tmp_path / "pyproject.toml")
    assert config is not None
    assert [p.name for p in config.profiles] == ["lab"]
    assert biblint.Linter(config).make_record(RECORD).profile.name == "lab"


@pytest.mark.parametrize(("change", "message"), [
    (("fields]", "fields]\nwhere = \"/x\""), "unknown canonical field 'where'"),
    (("conventions = [\"spaced-page-ranges\"]", "conventions = [\"spaced\"]"),
     "profiles.lab.conventions: unknown convention 'spaced'"),
    (("title = \"/work_title\"", "title = \"work_title\""),
     "profiles.lab.fields.title: 'work_title' is not a JSON Pointer"),
    (("[profiles.lab]", "[profiles.lab]\ncolour = \"red\""),
     "unknown key 'colour' in [tool.biblint.profiles.lab]"),
    (("min = 2", "min = 5"), "profiles.lab.detect.min: 5 is more than the 3 keys"),
    (("lab.schema.json", "missing.json"), "profiles.lab.schema: no such file"),
    (("type-vocabulary = \"crossref\"", "type-vocabulary = \"mesh\""),
     "profiles.lab.type-vocabulary: unknown vocabulary 'mesh'"),
    (("[profiles.lab]", "[profiles.lab]\nauthors = \"initials\""),
     "profiles.lab.authors: unknown author style 'initials'"),
    (("[profiles.lab]", "[profiles.crossref]"), "'crossref' is the name of a built-in profile"),
    (("required = [\"title\",", "required = [\"heading\","),
     "profiles.lab.required: unknown canonical field 'heading'"),
])
def test_definition_errors_are_config_errors_naming_the_key(
        project: Path, capsys: pytest.CaptureFixture[str],
        change: tuple[str, str], message: str) -> None:
    config = project / "biblint.toml"
    text = config.read_text(encoding="utf-8")
    assert change[0] in text
    config.write_text(text.replace(change[0], change[1], 1), encoding="utf-8")
    if change[1].startswith("[profiles.crossref]"):
        config.write_text(config.read_text(encoding="utf-8").replace(
            "[profiles.lab.fields]", "[profiles.crossref.fields]"), encoding="utf-8")
    assert main(["check", str(project / "refs.json")]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert str(config) in err


def test_unknown_forced_profile_is_a_config_error(project: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(project / "refs.json"), "--profile", "nope"]) == 2
    err = capsys.readouterr().err
    assert "unknown profile 'nope'" in err and "lab" in err


def test_builtin_profiles_come_through_the_entry_point_group() -> None:
    installed = installed_profiles()
    # The built-in JSON profiles, and those of the other formats (biblint.formats).
    formats = {"pubmed", "pubmed-book", "pubmed-delete", "jats", "crossref-xml", "datacite-xml",
               "bibtex", "ris", "medline"}
    assert {p.name for p in installed} == set(PROFILES) | formats
    assert all(installed.get(name) is PROFILES[name] for name in PROFILES)


def test_every_convention_is_declared_by_a_builtin_or_documented() -> None:
    """Each member of the enum is declared by some built-in profile (so the rule that reads
    it is exercised by that shape's fixtures), or is a documented user-facing convention."""
    declared = {c for p in installed_profiles() for c in p.conventions}
    assert set(Convention) == declared


def test_the_readme_example_is_a_valid_definition(tmp_path: Path) -> None:
    import re

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("### Profiles of your own"):]
    block = re.search(r"```toml\n(.*?)```", section, re.S)
    assert block is not None
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "lab.schema.json").write_text(json.dumps(SCHEMA), encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(block.group(1), encoding="utf-8")
    config = load_file(tmp_path / "pyproject.toml")
    assert config is not None
    (profile,) = config.profiles
    assert profile.name == "lab" and profile.pointers("doi") == ("/ids/doi_value",)
    assert biblint.Linter(config).make_record(RECORD).profile is profile
