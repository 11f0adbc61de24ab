"""The library API: biblint.lint, biblint.fix, biblint.Linter, as documented.

Built-in rules are being written in parallel, so these tests look only at the codes they
select (XREF001 exists), or use small rules of their own in a registry of their own.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator

import pytest

import biblint
from biblint import Applicability, Config, ConfigError, FixResult, Linter, Severity
from biblint.model import Fix, Violation
from biblint.registry import Context, Registry, rule

from .conftest import SEED

SEED_RECORD = json.loads(SEED.read_text(encoding="utf-8"))
DOI_URL = "https://doi.org/10.1177/15266028251361770"


def codes(findings: list[biblint.Finding]) -> set[str]:
    return {f.code for f in findings}


# -- biblint.lint ---------------------------------------------------------------------------


def test_lint_returns_findings_and_does_not_mutate(capsys):
    record = copy.deepcopy(SEED_RECORD)
    findings = biblint.lint(record)
    assert record == SEED_RECORD
    assert isinstance(findings, list)
    assert all(isinstance(f, biblint.Finding) for f in findings)
    (xref,) = [f for f in findings if f.code == "XREF001"]
    assert xref.name == "doi-url-missing"
    assert xref.severity is Severity.ERROR
    assert xref.pointer == "/DOIUrl"
    assert "10.1177/15266028251361770" in xref.message
    assert xref.fix is not None and xref.fix.applicability is Applicability.SAFE
    assert [op.to_dict() for op in xref.fix.ops] == [
        {"op": "replace", "path": "/DOIUrl", "value": DOI_URL}]
    # No file, no position: a record from memory.
    assert (xref.file, xref.line, xref.column) == (None, None, None)
    assert xref.record == 0
    # No printing.
    out, err = capsys.readouterr()
    assert out == "" and err == ""


def test_findings_are_immutable_and_serialisable():
    (xref,) = [f for f in biblint.lint(SEED_RECORD) if f.code == "XREF001"]
    with pytest.raises(AttributeError):
        xref.code = "X"  # type: ignore[misc]
    data = xref.to_dict()
    assert set(data) == {"code", "name", "severity", "message", "file", "record", "line",
                         "column", "pointer", "fingerprint", "fix"}
    assert data["severity"] == "error"
    assert data["fix"]["applicability"] == "safe"
    json.dumps(data)


def test_fingerprints_do_not_depend_on_file_or_position():
    from_memory = {(f.code, f.pointer, f.fingerprint) for f in biblint.lint(SEED_RECORD)}
    text = json.dumps([{"title": "padding"}, SEED_RECORD], indent=3)
    result = Linter().check_bytes(text.encode(), "/somewhere/else.json")
    from_file = {(f.code, f.pointer, f.fingerprint) for f in result.findings if f.record == 1}
    assert from_memory == from_file
    # ...but they depend on the record's key (its DOI).
    other = dict(SEED_RECORD, doi="10.1177/0000")
    assert {f.fingerprint for f in biblint.lint(other) if f.code == "XREF001"} != {
        f.fingerprint for f in biblint.lint(SEED_RECORD) if f.code == "XREF001"}


def test_lint_with_a_profile():
    record = {"doi": "10.1/x", "DOIUrl": None}
    assert "XREF001" in codes(biblint.lint(record, profile="aggregator"))
    assert "XREF001" not in codes(biblint.lint(record, profile="generic"))
    assert "XREF001" in codes(biblint.lint(record, profile=biblint.PROFILES["aggregator"]))
    with pytest.raises(ValueError, match="unknown profile"):
        biblint.lint(record, profile="nope")


def test_lint_with_a_config():
    config = Config(select=("XREF001",))
    assert codes(biblint.lint(SEED_RECORD, config=config)) == {"XREF001"}
    assert codes(biblint.fix(SEED_RECORD, config=config).fixed) == {"XREF001"}


# -- biblint.fix ----------------------------------------------------------------------------


def test_fix_result_fields():
    record = copy.deepcopy(SEED_RECORD)
    result = biblint.fix(record)
    assert isinstance(result, FixResult)
    assert record == SEED_RECORD, "the input is never mutated"
    assert result.record is not record
    assert result.record["DOIUrl"] == DOI_URL
    assert result.changed is True
    assert "XREF001" in codes(result.fixed)
    # Fixed findings are the input's own findings (same identity), and all were fixable.
    before = {f.fingerprint for f in biblint.lint(record)}
    assert {f.fingerprint for f in result.fixed} <= before
    assert all(f.fix is not None for f in result.fixed)
    # What remains is what lint says about the fixed record; nothing safe is left.
    after = biblint.lint(result.record)
    assert sorted((f.code, f.pointer) for f in result.remaining) == sorted(
        (f.code, f.pointer) for f in after)
    assert not any(f.fix is not None and f.fix.applicability is Applicability.SAFE
                   for f in result.remaining)


def test_fix_is_idempotent_and_returns_a_copy_when_nothing_changes():
    first = biblint.fix(SEED_RECORD)
    second = biblint.fix(first.record)
    assert second.fixed == []
    assert second.changed is False
    assert second.record == first.record
    # Regression: with nothing to fix, the "fixed copy" was the caller's own object.
    assert second.record is not first.record
    second.record["DOIUrl"] = "changed"
    assert first.record["DOIUrl"] == DOI_URL


def test_fix_does_not_mutate_nested_values():
    record = copy.deepcopy(SEED_RECORD)
    journal = record["journal"]
    result = biblint.fix(record)
    assert record["journal"] is journal and journal == SEED_RECORD["journal"]
    assert result.record["journal"] is not journal


def test_unsafe_fixes_only_when_asked():
    safe = biblint.fix(SEED_RECORD)
    unsafe = biblint.fix(SEED_RECORD, unsafe=True)
    assert all(f.fix is not None and f.fix.applicability is Applicability.SAFE
               for f in safe.fixed)
    assert codes(safe.fixed) <= codes(unsafe.fixed)
    unsafe_left = [f for f in safe.remaining
                   if f.fix is not None and f.fix.applicability is Applicability.UNSAFE]
    if unsafe_left:  # the seed has unsafe-fixable defects once those rules exist
        assert codes(unsafe.fixed) - codes(safe.fixed)
    assert not any(f.fix is not None for f in unsafe.remaining)
    assert json.loads(SEED.read_text(encoding="utf-8")) == SEED_RECORD


# -- Linter: selection ----------------------------------------------------------------------


@pytest.mark.parametrize("select", [("XREF001",), ("xref001",), ("doi-url-missing",)])
def test_select_by_code_or_name(select):
    linter = Linter(Config(select=select))
    assert codes(linter.lint(SEED_RECORD)) == {"XREF001"}
    assert {r.code for r in linter.rules if r.scope != "input"} == {"XREF001"}


@pytest.mark.parametrize("select", [("XREF",), ("XREF0",), ("xref",)])
def test_select_by_prefix(select):
    linter = Linter(Config(select=select))
    family = {r.code for r in linter.registry if r.code.startswith("XREF")}
    assert {r.code for r in linter.rules if r.scope != "input"} == family
    found = codes(linter.lint(SEED_RECORD))
    assert "XREF001" in found
    assert found == {c for c in codes(biblint.lint(SEED_RECORD)) if c.startswith("XREF")}


def test_select_all_is_every_rule():
    linter = Linter(Config(select=("ALL",)))
    assert {r.code for r in linter.rules} == {r.code for r in linter.registry}
    assert codes(Linter().lint(SEED_RECORD)) == codes(linter.lint(SEED_RECORD))
    assert "XREF001" in codes(linter.lint(SEED_RECORD))


def test_input_rules_always_run():
    linter = Linter(Config(select=("XREF001",)))
    assert {"IO001", "IO002", "IO003", "IO004", "IO005"} <= {r.code for r in linter.rules}
    linter = Linter(Config(ignore=("IO",)))
    assert "IO003" in {r.code for r in linter.rules}
    assert codes(linter.check_bytes(b"{", "x.json").findings) == {"IO003"}


@pytest.mark.parametrize("ignore", [("XREF001",), ("doi-url-missing",)])
def test_ignore(ignore):
    findings = Linter(Config(ignore=ignore)).lint(SEED_RECORD)
    assert "XREF001" not in codes(findings)
    assert codes(findings) == codes(biblint.lint(SEED_RECORD)) - {"XREF001"}


def test_ignore_a_family():
    linter = Linter(Config(ignore=("XREF",)))
    assert not any(r.code.startswith("XREF") for r in linter.rules)
    assert codes(linter.lint(SEED_RECORD)) == {
        c for c in codes(biblint.lint(SEED_RECORD)) if not c.startswith("XREF")}


def test_extend_select():
    linter = Linter(Config(select=("XREF001",), extend_select=("IO",)))
    assert codes(linter.lint(SEED_RECORD)) == {"XREF001"}
    whole = Linter(Config(select=("XREF",), ignore=("XREF001",), extend_select=("XREF001",)))
    assert "XREF001" not in {r.code for r in whole.rules}  # ignore wins


@pytest.mark.parametrize(
    "config",
    [
        Config(select=("NOPE999",)),
        Config(select=("XREF001", "no-such-rule")),
        Config(ignore=("ZZZ",)),
        Config(extend_select=("ZZZ1",)),
        Config(severity={"NOPE": Severity.INFO}),
        Config(rules={"NOPE001": {}}),
        Config(rules={"XREF001": {"no_such_option": 1}}),
        Config(profile="no-such-profile"),
        Config(per_file_ignores={"*.json": ("ZZZ",)}),
    ],
)
def test_bad_configuration_raises_config_error(config):
    with pytest.raises(ConfigError):
        Linter(config)
    with pytest.raises(ConfigError):
        biblint.lint(SEED_RECORD, config=config)


def test_config_error_names_the_selector():
    with pytest.raises(ConfigError, match="NOPE999"):
        Linter(Config(select=("NOPE999",)))


def test_severity_overrides():
    def severity(config: Config) -> Severity:
        (xref,) = [f for f in Linter(config).lint(SEED_RECORD) if f.code == "XREF001"]
        return xref.severity

    assert severity(Config()) is Severity.ERROR
    assert severity(Config(severity={"XREF001": Severity.INFO})) is Severity.INFO
    assert severity(Config(severity={"XREF": Severity.WARNING})) is Severity.WARNING
    assert severity(Config(severity={"doi-url-missing": Severity.INFO})) is Severity.INFO
    # A code overrides its family, whatever the order they are given in.
    assert severity(Config(severity={"XREF001": Severity.INFO, "XREF": Severity.WARNING})
                    ) is Severity.INFO
    assert severity(Config(severity={"XREF": Severity.WARNING, "XREF001": Severity.INFO})
                    ) is Severity.INFO
    assert Linter(Config(severity={"XREF": Severity.INFO})).severity_of("XREF001") is (
        Severity.INFO)


def test_per_file_ignores():
    linter = Linter(Config(per_file_ignores={"legacy/*.json": ("XREF001",)}))
    text = json.dumps(SEED_RECORD).encode()
    assert "XREF001" not in codes(linter.check_bytes(text, "legacy/a.json").findings)
    assert "XREF001" in codes(linter.check_bytes(text, "new/a.json").findings)


def test_severity_parse():
    assert Severity.parse("Warning") is Severity.WARNING
    with pytest.raises(ValueError):
        Severity.parse("fatal")
    assert Severity.INFO < Severity.WARNING < Severity.ERROR


# -- Linter: streams and run state ----------------------------------------------------------


@rule("RUN001", "test-duplicate-doi", scope="run", severity="error")
def duplicate_doi(record: biblint.Record, ctx: Context) -> Iterator[Violation]:
    """Reports a DOI seen before in the same run."""
    doi = record.value("doi")
    if not isinstance(doi, str):
        return
    seen = ctx.state.setdefault("seen", set())
    if doi in seen:
        yield Violation(f"duplicate DOI {doi}", "/doi")
    seen.add(doi)


@rule("RUN002", "test-empty-title", fix="safe")
def empty_title(record: biblint.Record, ctx: Context) -> Iterator[Violation]:
    """An empty title should be null."""
    if record.data.get("title") == "":
        yield Violation("empty title", "/title", Fix.replace("/title", None, "Use null"))


RUN_REGISTRY = Registry([duplicate_doi, empty_title])


def test_lint_stream_yields_one_list_per_record_in_order():
    records = [{"doi": "10.1/a"}, {"doi": "10.1/b", "title": ""}, {"doi": "10.1/a"},
               {"title": "x"}, {"doi": "10.1/b"}]
    linter = Linter(registry=RUN_REGISTRY)
    results = list(linter.lint_stream(iter(records)))
    assert len(results) == len(records)
    assert [sorted(codes(r)) for r in results] == [[], ["RUN002"], ["RUN001"], [], ["RUN001"]]
    assert [f.record for r in results for f in r] == [1, 2, 4]
    # A new stream starts afresh; separate lint() calls share no state.
    assert [sorted(codes(r)) for r in linter.lint_stream(records[:1])] == [[]]
    assert linter.lint(records[2]) == []
    assert linter.lint(records[2]) == []


def test_lint_stream_is_lazy():
    def endless() -> Iterator[dict[str, str]]:
        n = 0
        while True:
            n += 1
            yield {"doi": f"10.1/{n % 3}"}

    stream = Linter(registry=RUN_REGISTRY).lint_stream(endless())
    first = [next(stream) for _ in range(5)]
    assert [sorted(codes(r)) for r in first] == [[], [], [], ["RUN001"], ["RUN001"]]


def test_run_state_spans_the_files_of_one_check(tmp_path):
    (tmp_path / "a.jsonl").write_text('{"doi": "10.1/a"}\n')
    (tmp_path / "b.jsonl").write_text('{"doi": "10.1/a"}\n')
    report = Linter(registry=RUN_REGISTRY).check_paths([tmp_path])
    assert [(f.file.rsplit("/", 1)[-1], f.code) for f in report.findings] == [
        ("b.jsonl", "RUN001")]


def test_custom_registry_fix():
    linter = Linter(registry=RUN_REGISTRY)
    result = biblint.converge({"title": ""}, linter.lint)
    assert result.record == {"title": None}
    assert codes(result.fixed) == {"RUN002"}


def test_public_names():
    for name in biblint.__all__:
        assert hasattr(biblint, name), name
    assert callable(biblint.lint) and callable(biblint.fix)
    assert isinstance(biblint.__version__, str)


@pytest.mark.parametrize("key", ["doi:10.1/x", "doi:10.1/\ud800x", "sha256:" + "ab" * 32,
                                 "doi:" + "x" * 255, "doi:" + "é" * 300, "doi:\udc00" * 200])
@pytest.mark.parametrize("occurrence", [0, 1, 7])
def test_a_fingerprint_is_the_sha256_of_code_key_and_pointer(key, occurrence):
    """Short keys are hashed with each finding, long ones from a kept prefix state: both are
    the definition, the first 20 hex digits of SHA-256 over code, key, pointer (and the
    ordinal past the first finding at one pointer), separated by U+001F."""
    import hashlib

    from biblint.model import fingerprint

    pointer = "/authors/3/na~1me\udfff"
    text = f"DOI002\x1f{key}\x1f{pointer}" + (f"\x1f{occurrence}" if occurrence else "")
    expected = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    assert fingerprint("DOI002", key, pointer, occurrence) == expected
