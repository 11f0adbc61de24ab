"""The result cache (biblint.cache): a cached run reports exactly what a run without the cache
reports, whatever changed in between, and a broken cache never changes a finding."""

from __future__ import annotations

import copy
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

import biblint
from biblint.cache import ResultCache, settings_digest
from biblint.cli import main
from biblint.config import Config, from_mapping
from biblint.engine import Linter
from biblint.model import Severity
from biblint.registry import Registry, default_registry, rule
from biblint.testing import load_cases

from .conftest import FIXTURES, SEED, corpus_or_skip


def dump(report: biblint.Report) -> list[Any]:
    return [(r.path, r.records, [f.to_dict() for f in r.findings], r.errors, r.diff)
            for r in report.files]


def check(paths: list[Path], cache: Path | None, *, jobs: int = 1, chunk_size: int | None = None,
          **settings: Any) -> tuple[list[Any], ResultCache | None]:
    linter = Linter(Config(cache_dir=cache, **settings))
    report = linter.check_paths(paths, jobs=jobs, chunk_size=chunk_size, min_parallel=0)
    return dump(report), linter.cache


def records(count: int) -> list[dict[str, Any]]:
    """Seed-shaped records; every fifth repeats the DOI of the one before (DUP findings)."""
    base = json.loads(SEED.read_text(encoding="utf-8"))
    out = []
    for i in range(count):
        record = copy.deepcopy(base)
        n = i - 1 if i % 5 == 4 else i
        record["doi"] = f"10.1234/cache.{n}"
        record["title"] = f"{record['title']} {i}"
        out.append(record)
    return out


def write_lines(path: Path, items: list[dict[str, Any]]) -> Path:
    def line(record: dict[str, Any]) -> str:
        text = json.dumps(record, ensure_ascii=False)
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: written as its escape
            text = json.dumps(record)
        return text + "\n"

    path.write_text("".join(line(r) for r in items), encoding="utf-8")
    return path


def rule_case_files(folder: Path) -> list[Path]:
    """The records of every rule case (fixtures/rules) as one JSON Lines file, and a sample
    of them as JSON files of their own, besides the bundled fixtures in other formats."""
    data = [case.data["record"] for case in load_cases(FIXTURES / "rules")
            if isinstance(case.data.get("record"), dict)]
    folder.mkdir()
    write_lines(folder / "cases.jsonl", data)
    for n, record in enumerate(data[::7]):
        (folder / f"case-{n:03}.json").write_text(json.dumps(record, indent=2),
                                                  encoding="utf-8")
    return [folder, FIXTURES]


def test_cached_runs_cold_and_warm_equal_a_run_without_cache(tmp_path: Path):
    paths = rule_case_files(tmp_path / "data")
    plain, _ = check(paths, None)
    cold, first = check(paths, tmp_path / "cache")
    warm, second = check(paths, tmp_path / "cache")
    assert cold == plain
    assert warm == plain
    assert first is not None and second is not None
    assert first.misses > 500 and first.hits < 50  # a few cases repeat a record
    assert second.hits >= first.misses - 10  # a few hold values JSON cannot (checked anew)
    assert second.misses <= 10


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_cached_equals_a_run_without_cache(tmp_path: Path):
    corpus = corpus_or_skip()
    plain, _ = check([corpus], None)
    assert check([corpus], tmp_path / "cache")[0] == plain
    warm, cache = check([corpus], tmp_path / "cache")
    assert warm == plain
    assert cache is not None and cache.hits > 0


def test_a_changed_line_is_the_only_record_checked_again(tmp_path: Path):
    items = records(30)
    data = write_lines(tmp_path / "data.jsonl", items)
    cache = tmp_path / "cache"
    check([data], cache)
    # Change one record, move the others around: the duplicates' findings follow the records.
    items[7]["title"] = "<p>A <i>changed</i> title</p>"
    items.reverse()
    write_lines(data, items)
    plain, _ = check([data], None)
    warm, used = check([data], cache)
    assert warm == plain
    assert any(f["code"].startswith("DUP") for _, _, found, _, _ in plain for f in found)
    assert used is not None and (used.hits, used.misses) == (29, 1)


def test_workers_use_the_cache_and_report_what_one_process_does(tmp_path: Path):
    data = write_lines(tmp_path / "data.jsonl", records(60))
    size = data.stat().st_size
    plain, _ = check([data], None)
    cache = tmp_path / "cache"
    assert check([data], cache, jobs=2, chunk_size=size // 4)[0] == plain
    assert check([data], cache, jobs=2, chunk_size=size // 3)[0] == plain
    warm, used = check([data], cache)  # what the workers wrote, read by one process
    assert warm == plain
    assert used is not None and used.misses == 0 and used.hits == 60


def test_other_settings_never_reuse_an_entry(tmp_path: Path):
    data = write_lines(tmp_path / "data.jsonl", records(10))
    other = tmp_path / "other.json"
    other.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    cache = tmp_path / "cache"
    check([data, other], cache)
    for settings in ({"severity": {"TXT001": Severity.ERROR, "DOI002": Severity.INFO}},
                     {"select": ("DOI", "TXT")},
                     {"ignore": ("TYP",)},
                     {"profile": "s2"},
                     {"rules": {"DATE004": {"min-year": 2030}}}):
        plain, _ = check([data, other], None, **settings)
        cached, used = check([data, other], cache, **settings)
        assert cached == plain, settings
        assert used is not None and used.hits == 0, settings


def test_per_file_ignores_are_part_of_the_key(tmp_path: Path):
    text = SEED.read_text(encoding="utf-8")
    line = json.dumps(json.loads(text)) + "\n"
    for name in ("a.json", "b.json"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    for name in ("a.jsonl", "b.jsonl"):
        (tmp_path / name).write_text(line, encoding="utf-8")
    paths = sorted(tmp_path.glob("[ab].json*"))
    settings = {"per_file_ignores": {"b.json*": ("ABS", "PAGE")}, "root": tmp_path}
    plain, _ = check(paths, None, **settings)
    cache = tmp_path / "cache"
    assert check(paths, cache, **settings)[0] == plain
    assert check(paths, cache, **settings)[0] == plain
    codes = {path: {f["code"][:3] for f in found} for path, _, found, _, _ in plain}
    assert {"ABS", "PAG"} <= codes[str(tmp_path / "a.json")] & codes[str(tmp_path / "a.jsonl")]
    assert not {"ABS", "PAG"} & (codes[str(tmp_path / "b.json")] | codes[str(tmp_path / "b.jsonl")])


def test_a_corrupt_database_is_left_alone_and_changes_nothing(tmp_path: Path):
    data = write_lines(tmp_path / "data.jsonl", records(10))
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "results-v1.sqlite3").write_bytes(b"this is not a database" * 100)
    plain, _ = check([data, SEED], None)
    cached, used = check([data, SEED], cache)
    assert cached == plain
    assert used is not None and not used.enabled


def test_a_cache_folder_that_cannot_be_made_changes_nothing(tmp_path: Path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("", encoding="utf-8")
    plain, _ = check([SEED], None)
    cached, used = check([SEED], blocker / "cache")
    assert cached == plain
    assert used is not None and not used.enabled


def test_an_entry_of_another_layout_is_checked_again(tmp_path: Path):
    data = write_lines(tmp_path / "data.jsonl", records(5))
    cache = tmp_path / "cache"
    plain, _ = check([data], cache)
    with sqlite3.connect(cache / "results-v1.sqlite3") as db:
        db.execute("UPDATE entries SET value = ?", (b'{"f": [["X"]], "k": 3}',))
    assert check([data], cache)[0] == plain


def test_entries_are_json_and_the_folder_says_it_is_a_cache(tmp_path: Path):
    data = write_lines(tmp_path / "data.jsonl", records(5))
    cache = tmp_path / "cache"
    check([data, SEED], cache)
    with sqlite3.connect(cache / "results-v1.sqlite3") as db:
        values = [row[0] for row in db.execute("SELECT value FROM entries")]
    assert len(values) == 6  # five lines and one file
    for value in values:
        assert isinstance(orjson.loads(value), dict)  # data, never a pickle: reading runs no code
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")


def test_no_cache_without_a_folder_for_a_census_or_with_a_stateful_run_rule(tmp_path: Path):
    assert Linter().cache is None  # the library caches nothing unless asked
    assert Linter(Config(cache_dir=tmp_path, cache=False)).cache is None
    assert Linter(Config(cache_dir=tmp_path, census=True)).cache is None
    linter = Linter(Config(cache_dir=tmp_path))
    assert linter.cache is not None
    linter.sequential = True
    linter._cache = False  # opened anew
    assert linter.cache is None


def test_the_settings_digest_does_not_depend_on_hash_order(tmp_path: Path):
    (tmp_path / "biblint.toml").write_text(
        '[profiles.mine]\ndetect = { keys = ["ident", "heading", "summary"], min = 2 }\n'
        'conventions = ["doi-as-url", "abstract-markup", "year-as-string", "issn-l"]\n'
        'fields = { doi = "/ident", title = "/heading", abstract = "/summary" }\n',
        encoding="utf-8")
    code = ("import sys; from biblint.config import load_file; from biblint.engine import "
            "Linter; from biblint.cache import settings_digest; from pathlib import Path; "
            "c = load_file(Path(sys.argv[1])); "
            "print(settings_digest(c, Linter(c).rules).hex())")
    digests = set()
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "biblint.toml")],
                             capture_output=True, text=True, env=env, check=True)
        digests.add(out.stdout.strip())
    assert len(digests) == 1


def test_the_settings_digest_follows_the_configuration(tmp_path: Path):
    linter = Linter()
    base = settings_digest(Config(), linter.rules)
    assert settings_digest(Config(), linter.rules) == base
    assert settings_digest(Config(jobs=4, cache_dir=tmp_path), linter.rules) == base
    assert settings_digest(Config(fail_on=Severity.ERROR), linter.rules) != base
    assert settings_digest(Config(unsafe_fixes=True), linter.rules) != base
    schema = tmp_path / "mine.schema.json"
    schema.write_text('{"type": "object"}', encoding="utf-8")
    table = {"profiles": {"mine": {"schema": str(schema), "fields": {"doi": "/ident"}}}}
    first = settings_digest(from_mapping(table, root=tmp_path), linter.rules)
    schema.write_text('{"type": "object", "required": ["ident"]}', encoding="utf-8")
    assert settings_digest(from_mapping(table, root=tmp_path), linter.rules) != first


# -- the command line -----------------------------------------------------------------------


def test_cli_caches_in_the_named_folder_and_not_with_no_cache(tmp_path: Path, monkeypatch,
                                                              capsys):
    data = write_lines(tmp_path / "data.jsonl", records(5))
    monkeypatch.setenv("BIBLINT_CACHE_DIR", str(tmp_path / "env"))
    assert main(["check", "--no-cache", str(data)]) == 1
    assert not (tmp_path / "env").exists()
    first = capsys.readouterr().out
    assert main(["check", str(data)]) == 1
    assert (tmp_path / "env" / "results-v1.sqlite3").is_file()
    assert capsys.readouterr().out == first
    assert main(["check", "--cache-dir", str(tmp_path / "flag"), str(data)]) == 1
    assert (tmp_path / "flag" / "results-v1.sqlite3").is_file()
    assert main(["check", str(data)]) == 1  # warm
    assert capsys.readouterr().out == first * 2


def test_cli_cache_keys_in_the_configuration(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("BIBLINT_CACHE_DIR", str(tmp_path / "env"))
    data = write_lines(tmp_path / "data.jsonl", records(3))
    (tmp_path / "biblint.toml").write_text('cache-dir = ".cache/biblint"\n', encoding="utf-8")
    main(["check", str(data)])
    assert (tmp_path / ".cache" / "biblint" / "results-v1.sqlite3").is_file()
    assert not (tmp_path / "env").exists()
    (tmp_path / "biblint.toml").write_text("cache = false\n", encoding="utf-8")
    (tmp_path / ".cache" / "biblint" / "results-v1.sqlite3").unlink()
    main(["check", str(data)])
    assert not (tmp_path / ".cache" / "biblint" / "results-v1.sqlite3").exists()
    with pytest.raises(biblint.ConfigError, match="cache"):
        from_mapping({"cache": "yes"})


# -- what is never kept ---------------------------------------------------------------------

CRASHES: list[int] = []


@rule("CACHX001", "test-crash-on-marked-title")
def _crash_on_marked(record: biblint.Record, ctx: Any) -> Any:
    title = record.value("title")
    if isinstance(title, str) and "CRASH" in title:
        CRASHES.append(1)
        raise RuntimeError("boom")
    yield from ()


def test_a_record_that_crashed_a_rule_is_checked_again(tmp_path: Path):
    items = records(4)
    items[2]["title"] = "CRASH here"
    data = write_lines(tmp_path / "data.jsonl", items)
    registry = Registry([*default_registry(), _crash_on_marked])
    for _ in range(2):
        linter = Linter(Config(cache_dir=tmp_path / "cache"), registry=registry)
        report = linter.check_paths([data], jobs=1)
        assert report.files[0].errors and "boom" in report.files[0].errors[0]
    assert len(CRASHES) == 2


def test_a_file_that_changes_while_it_is_read_is_not_kept(tmp_path: Path, monkeypatch):
    target = tmp_path / "one.json"
    target.write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")
    stamps = iter([(1, 1, 1), (2, 2, 2)])  # before and after the read differ
    monkeypatch.setattr("biblint.engine._stamp", lambda path: next(stamps))
    first, cache = check([target], tmp_path / "cache")
    assert cache is not None and cache.misses == 1
    monkeypatch.undo()
    second, cache = check([target], tmp_path / "cache")
    assert second == first
    assert cache is not None and cache.misses == 1 and cache.hits == 0


def test_a_full_cache_stops_growing_and_is_emptied_before_the_next_run(tmp_path: Path,
                                                                       monkeypatch):
    from biblint import cache as cache_module

    data = write_lines(tmp_path / "data.jsonl", records(2000))
    monkeypatch.setattr(cache_module, "FLUSH_EVERY", 100)
    monkeypatch.setattr(cache_module, "MAX_BYTES", 1_000_000)
    plain, _ = check([data], None)
    folder = tmp_path / "cache"
    cold, first = check([data], folder)
    assert cold == plain
    assert first is not None and first.full
    size = sum(f.stat().st_size for f in folder.iterdir())
    assert 1_000_000 <= size < 2_000_000  # stopped at the limit, one batch past it at most
    warm, second = check([data], folder)
    assert warm == plain
    assert second is not None and 0 < second.hits < 2000 and second.full
    cache_module.prune(folder)  # what the command line does before a run
    assert not (folder / "results-v1.sqlite3").exists()


def test_a_value_the_cache_cannot_hold_loses_no_finding_of_the_file(tmp_path: Path,
                                                                     monkeypatch):
    from biblint import cache as cache_module

    target = tmp_path / "two.json"
    target.write_text(json.dumps(records(3)), encoding="utf-8")
    plain, _ = check([target], None)
    calls: list[int] = []
    real = cache_module.encode_findings

    def first_fails(findings: Any, **kwargs: Any) -> Any:
        calls.append(1)
        if len(calls) == 1:  # as for a fix value JSON cannot hold (NaN, a huge integer)
            raise cache_module.CacheUnusable("test")
        return real(findings, **kwargs)

    monkeypatch.setattr("biblint.engine.encode_findings", first_fails)
    cached, used = check([target], tmp_path / "cache")
    assert cached == plain
    assert used is not None and used.misses == 1
    monkeypatch.undo()
    assert check([target], tmp_path / "cache")[1].misses == 1  # nothing was kept
