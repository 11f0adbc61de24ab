"""Run-scope rules in two phases, and ``--jobs``: findings that depend on content, not order.

The records below carry a case of every two-phase rule (DUP001-DUP005, JRN001, JRN005,
TYP008). Reversing them, splitting them over files or over chunks of one file, or spreading
them over worker processes must not change a single fingerprint, nor (for ``--jobs``) a
single byte of the JSON report.
"""

from __future__ import annotations

import copy
import json
import operator
import pickle
import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import biblint
from biblint import Linter
from biblint.cli import main
from biblint.config import ConfigError, from_mapping
from biblint.parallel import plan, records_in
from biblint.readers import read_bytes
from biblint.registry import Context, Registry, rule
from biblint.runscope import Entry, Key, KeyStore, TableSpec

from .conftest import SEED, corpus_or_skip

RUN_CODES = ("DUP001", "DUP002", "DUP003", "DUP004", "DUP005", "JRN001", "JRN005", "TYP008")
ABSTRACT = ("We report a randomised trial of drug-coated balloons in femoropopliteal disease "
            "with two hundred and forty patients followed for two years; patency was higher "
            "and target lesion revascularisation lower than with plain balloon angioplasty.")


def seed() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(SEED.read_text(encoding="utf-8"))
    return data


def run_records() -> list[dict[str, Any]]:
    """Aggregator records with a case of every two-phase run rule, and clean ones."""
    base = seed()
    out: list[dict[str, Any]] = []

    def record(**changes: Any) -> dict[str, Any]:
        item = copy.deepcopy(base)
        item.update(changes)
        item["DOIUrl"] = "https://doi.org/" + str(item["doi"])
        out.append(item)
        return item

    for n in range(6):
        record(doi=f"10.1177/clean{n}", title=f"A clean title number {n} of the set",
               pmid=str(30000000 + n), abstract=None)
    # DUP001: one DOI three times (one spelled with a resolver prefix and upper case).
    record(doi="10.1177/dup1", title="Duplicated work one", pmid="31000001")
    record(doi="10.1177/DUP1", title="Duplicated work one", pmid="31000001")
    record(doi="10.1177/dup1", title="Duplicated work one", pmid="31000001")
    # DUP002: same title and first author, other DOIs.
    record(doi="10.48550/arxiv.1", title="Deep learning for stent graft planning",
           pmid="31000002")
    record(doi="10.1177/vor1", title="Deep Learning for Stent-Graft Planning.",
           pmid="31000003")
    # DUP003: one PMID with two DOIs.
    record(doi="10.1177/pm-a", title="First work sharing a PMID here", pmid="31000004")
    record(doi="10.1177/pm-b", title="Second work sharing a PMID here", pmid="31000004")
    # DUP004: one DOI, different titles.
    record(doi="10.1177/dt", title="Stem cells in critical limb ischemia", pmid="31000005")
    record(doi="10.1177/dt", title="A survey of graph neural networks", pmid="31000005")
    # DUP005: one abstract, other DOIs.
    record(doi="10.1177/abs-a", title="Abstract sharing work A", abstract=ABSTRACT,
           pmid="31000006")
    record(doi="10.1177/abs-b", title="Abstract sharing work B", abstract=ABSTRACT,
           pmid="31000007")
    # JRN005: one category code with two labels; TYP008: openAccessPdf as a string.
    record(doi="10.1177/cat", title="Category drift record here", FirstCategoryId="3",
           RegionCategory="生物学", pmid="31000008")
    record(doi="10.1177/shape", title="Shape drift record here", pmid="31000009",
           openAccessPdf="https://example.org/a.pdf")
    # Semantic Scholar records: JRN001 (one ISSN, two names), TYP008 (an object, a string:
    # in a key the schema leaves open, so that no schema finding at that pointer takes its
    # place, as one defect gives one finding).
    for n, (name, note) in enumerate([
            ("EMBO Reports", {"text": "a note", "kind": "GREEN"}),
            ("EMBO reports", "a note"),
            ("EMBO Reports", {"text": "another note", "kind": "GOLD"})]):
        out.append({"paperId": f"{n}49def34f8be52c8b66281af98ae884c09aef38b",
                    "title": f"Semantic Scholar paper {n}", "journal": {"name": name},
                    "publicationVenue": {"issn": "1469-221X"}, "curatorNote": note})
    return out


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                    encoding="utf-8")
    return path


def prints(report: biblint.Report) -> Counter[tuple[str, str]]:
    return Counter((f.code, f.fingerprint) for f in report.findings)


def run_prints(report: biblint.Report) -> Counter[tuple[str, str]]:
    return Counter((f.code, f.fingerprint) for f in report.findings if f.code in RUN_CODES)


def report_dump(report: biblint.Report) -> list[Any]:
    return [(r.path, r.records, [f.to_dict() for f in r.findings], r.errors, r.diff)
            for r in report.files]


# -- the key store ----------------------------------------------------------------------------


def entries(count: int) -> list[tuple[str, object, Entry]]:
    rng = random.Random(7)
    out = []
    for n in range(count):
        code = rng.choice(["A", "B"])
        key = rng.randrange(8)
        out.append((code, key, Entry(f"k{rng.randrange(20)}", (rng.randrange(3),),
                                     rng.choice(["a", "b"]), n)))
    return out


def test_merge_is_associative_and_commutative():
    specs = {"B": TableSpec(keep=lambda payload: payload[0])}
    items = entries(200)

    def store_of(part: list[tuple[str, object, Entry]]) -> KeyStore:
        store = KeyStore(specs)
        for code, key, entry in part:
            store.add(code, key, entry)
        return store

    def normal(store: KeyStore) -> dict[str, dict[object, list[Entry]]]:
        return {code: {key: sorted(v.values() if isinstance(v, dict) else v)
                       for key, v in table.items()} for code, table in store.tables.items()}

    whole = normal(store_of(items))
    rng = random.Random(3)
    for _ in range(5):
        shuffled = items[:]
        rng.shuffle(shuffled)
        cut1, cut2 = sorted(rng.sample(range(1, len(items)), 2))
        a, b, c = (store_of(shuffled[:cut1]), store_of(shuffled[cut1:cut2]),
                   store_of(shuffled[cut2:]))
        left = KeyStore(specs).merge(a).merge(b).merge(c)
        right = KeyStore(specs).merge(store_of(shuffled[cut2:])).merge(
            store_of(shuffled[cut1:cut2]).merge(store_of(shuffled[:cut1])))
        assert normal(left) == normal(right) == whole
    # keep: one entry per class and key, the first in content order.
    assert all(len(v) <= 3 for v in store_of(items).tables["B"].values())


def test_key_limit_drops_new_keys():
    store = KeyStore({"A": TableSpec(limit=2)})
    for key in range(4):
        store.add("A", key, Entry("k", (), "f", key))
    store.add("A", 0, Entry("k2", (), "f", 9))
    assert sorted(store.tables["A"]) == [0, 1] and len(store) == 3
    assert store.dropped == {"A": 2}


def _judge_all(key: object, entries: Any, options: Any) -> Any:
    """A judge that reports every entry but the first, naming the first: its output shows
    every entry of every key, in the order the judge was given them."""
    for entry in entries[1:]:
        yield entry, biblint.model.Violation(f"{key} {entries[0]} {entry.payload}", "/x")


def test_a_spilled_store_judges_as_one_in_memory():
    specs = {"B": TableSpec(keep=operator.itemgetter(0))}
    judges = {"A": (_judge_all, {}), "B": (_judge_all, {})}
    items = entries(500)
    memory = KeyStore(specs, spill_at=None)
    for code, key, item in items:
        memory.add(code, key, item)
    expected = memory.judge(judges)
    assert expected and memory._spill is None
    for spill_at in (1, 7, 100):
        spilled = KeyStore(specs, spill_at=spill_at)
        for code, key, item in items:
            spilled.add(code, key, item)
        assert spilled._spill is not None and spilled.held < spill_at
        assert len(spilled) >= len(memory)  # keep-entries spilled apart are reduced on reading
        assert spilled.judge(judges) == expected
        # merged from spilled parts, and pickled (as a worker sends it): the same entries.
        halves = KeyStore(specs, spill_at=spill_at), KeyStore(specs, spill_at=spill_at)
        for n, (code, key, item) in enumerate(items):
            halves[n % 2].add(code, key, item)
        merged = KeyStore(specs, spill_at=spill_at).merge(halves[0]).merge(
            pickle.loads(pickle.dumps(halves[1])))
        assert merged.judge(judges) == expected
        spilled.close()


def test_spilling_keeps_the_run_findings(tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", run_records() * 2)
    linter = Linter()
    runs = []
    for spill_at in (None, 3):
        state = linter.new_run()
        assert state.keys is not None
        state.keys.spill_at = spill_at
        list(linter.iter_file(path, str(path), state))
        assert (state.keys._spill is not None) == (spill_at is not None)
        late = list(linter.late_findings(state, lambda shown: None))
        runs.append([(f.code, f.record, f.pointer, f.message, f.fingerprint)
                     for _, found in late for f in found])
    assert runs[0] and runs[1] == runs[0]
    assert set(RUN_CODES) - {"JRN005"} <= {code for code, *_ in runs[0]}


def test_runs_spill_and_give_the_findings_of_runs_that_do_not(tmp_path, monkeypatch):
    import biblint.engine

    assert Linter().new_run().keys.spill_at is None  # stores built by others never spill
    path = write_jsonl(tmp_path / "a.jsonl", run_records() * 2)
    expected = prints(Linter().check_paths([path], jobs=1))
    spilled: list[KeyStore] = []
    original = KeyStore.spill

    def spill(self: KeyStore) -> None:
        spilled.append(self)
        original(self)

    monkeypatch.setattr(biblint.engine, "SPILL_AT", 5)
    monkeypatch.setattr(KeyStore, "spill", spill)
    report = Linter().check_paths([path], jobs=1)
    assert spilled and prints(report) == expected
    assert set(RUN_CODES) <= {f.code for f in report.findings}
    assert all(f.line for f in report.findings if f.code in RUN_CODES)


# -- order independence and baselines ---------------------------------------------------------


def test_every_run_rule_fires_on_the_cases(tmp_path):
    report = Linter().check_paths([write_jsonl(tmp_path / "a.jsonl", run_records())], jobs=1)
    assert set(RUN_CODES) <= {f.code for f in report.findings}


def test_findings_do_not_depend_on_record_order(tmp_path):
    records = run_records()
    forward = Linter().check_paths([write_jsonl(tmp_path / "a.jsonl", records)], jobs=1)
    rng = random.Random(11)
    for order in (records[::-1], rng.sample(records, len(records))):
        again = Linter().check_paths([write_jsonl(tmp_path / "a.jsonl", order)], jobs=1)
        assert prints(again) == prints(forward)
        # A judged finding has the position of its value, as a record finding has.
        for finding in again.findings:
            if finding.code in RUN_CODES:
                line = (tmp_path / "a.jsonl").read_text(encoding="utf-8").split("\n")[
                    finding.line - 1]
                assert json.loads(line) == order[finding.record]


def test_findings_do_not_depend_on_how_records_are_split_over_files(tmp_path):
    records = run_records()
    one = Linter().check_paths([write_jsonl(tmp_path / "all.jsonl", records)], jobs=1)
    folder = tmp_path / "split"
    folder.mkdir()
    write_jsonl(folder / "b.jsonl", records[::2])
    write_jsonl(folder / "a.jsonl", records[1::2][::-1])
    split = Linter().check_paths([folder], jobs=1)
    assert run_prints(split) == run_prints(one)


def test_reversed_records_still_match_the_baseline(tmp_path, capsys):
    data = write_jsonl(tmp_path / "records.jsonl", run_records())
    baseline = tmp_path / "baseline.json"
    assert main(["check", "--jobs", "1", "--write-baseline", str(baseline), str(data)]) == 0
    written = json.loads(baseline.read_text(encoding="utf-8"))
    codes = {e["code"] for entries in written["files"].values() for e in entries.values()}
    assert set(RUN_CODES) <= codes
    capsys.readouterr()
    write_jsonl(data, run_records()[::-1])
    code = main(["check", "--jobs", "1", "--format", "json", "--baseline", str(baseline),
                 str(data)])
    report = json.loads(capsys.readouterr().out)
    assert report["findings"] == [] and report["baseline"]["stale"] == []
    assert code == 0


def test_one_record_alone_gives_no_run_findings():
    record = next(r for r in run_records() if r.get("doi") == "10.1177/cat")
    assert not [f for f in biblint.lint(record) if f.code in RUN_CODES]
    # What a record shows on its own is still reported by a two-phase rule.
    lone = dict(record)
    del lone["RegionCategory"]
    assert "JRN005" in {f.code for f in biblint.lint(lone)}


def test_lint_stream_ends_with_the_judged_findings(tmp_path):
    records = run_records()
    lists = list(Linter().lint_stream(records))
    assert len(lists) == len(records) + 1
    assert not any(f.code in RUN_CODES and f.code != "JRN005" for r in lists[:-1] for f in r)
    judged = lists[-1]
    assert {f.code for f in judged} >= set(RUN_CODES) - {"JRN005"} | {"JRN005"}
    assert all(f.file is None and f.line is None and f.record is not None for f in judged)
    # The same fingerprints as a check of the records in a file.
    path = write_jsonl(tmp_path / "s.jsonl", records)
    checked = Linter().check_paths([path], jobs=1)
    assert Counter(f.fingerprint for f in judged) == Counter(
        f.fingerprint for f in checked.findings if f.code in RUN_CODES)


# -- --jobs -----------------------------------------------------------------------------------


def many_records(count: int, offset: int = 0) -> list[dict[str, Any]]:
    """Seed-shaped records with duplicates every few records (across files and chunks)."""
    base = seed()
    out = []
    for n in range(offset, offset + count):
        item = copy.deepcopy(base)
        item["doi"] = f"10.1177/{n % 37}" if n % 5 == 0 else f"10.1177/n{n}"
        item["DOIUrl"] = "https://doi.org/" + item["doi"]
        item["title"] = f"Work number {n % 23} of a generated set"
        if n % 7 == 0:
            item["openAccessPdf"] = "https://example.org/x.pdf"
        elif n % 13 == 0:
            item["openAccessPdf"] = {"url": "https://example.org/y.pdf"}
        if n % 11 == 0:
            item["abstract"] = ABSTRACT
        out.append(item)
    return out


def test_jobs_give_the_report_of_one_process(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    big = write_jsonl(folder / "big.jsonl", many_records(150))
    text = big.read_text(encoding="utf-8").split("\n")
    # A blank line, an invalid line and a non-record in later chunks: indexes and line
    # numbers of later chunks are offset by the worker's parent.
    text[60:60] = ["", "{not json", "[1, 2]", " \u00a0\u2028\r", "\t"]
    big.write_text("\n".join(text), encoding="utf-8")
    write_jsonl(folder / "other.jsonl", many_records(40, offset=1000))
    (folder / "array.json").write_text(json.dumps(many_records(10, offset=2000)),
                                       encoding="utf-8")
    one = Linter().check_paths([folder], jobs=1)
    size = big.stat().st_size
    tasks = plan(list(Linter().discover([folder])), jobs=2, fix=False, chunk_size=size // 5,
                 min_parallel=0)
    assert tasks is not None and sum(1 for t in tasks if t.shown.endswith("big.jsonl")) >= 5
    many = Linter().check_paths([folder], jobs=2, chunk_size=size // 5, min_parallel=0)
    assert report_dump(many) == report_dump(one)
    assert {"IO003", "IO004", "DUP001", "DUP005", "TYP008"} <= {f.code for f in one.findings}


def test_jobs_fix_whole_files_as_one_process_does(tmp_path):
    def tree(name: str) -> Path:
        folder = tmp_path / name
        folder.mkdir()
        for n in range(3):
            records = many_records(20, offset=100 * n)
            for item in records:
                item["citationCount"] = "3"  # a safe fix (TYP001)
            write_jsonl(folder / f"f{n}.jsonl", records)
        return folder

    one, two = tree("one"), tree("two")
    serial = Linter().check_paths([one], jobs=1, fix=True)
    workers = Linter().check_paths([two], jobs=2, fix=True, min_parallel=0)
    for a, b in zip(sorted(one.iterdir()), sorted(two.iterdir()), strict=True):
        assert a.read_bytes() == b.read_bytes()
    dump = [(Path(r.path).name, r.records, [(f.code, f.fingerprint, f.line) for f in
                                            r.findings], len(r.fixed)) for r in serial.files]
    assert dump == [(Path(r.path).name, r.records, [(f.code, f.fingerprint, f.line) for f in
                                                    r.findings], len(r.fixed))
                    for r in workers.files]
    assert any(r.fixed for r in serial.files)


@pytest.mark.parametrize("text", [
    "", "\n", "{}", "{}\n", "\n\n{}\n \n", "{}\n\u00a0\u3000\n{}", " \r\n{}\r\n\x1c\n",
    "{}\n\u200b\n", "\ufeff{}\n", "x\n\n\ny", "{}\n\u2028\n\u0085 \n[]\n",
])
def test_records_in_counts_as_the_reader_does(text):
    data = text.encode("utf-8")
    assert records_in(data) == len(read_bytes(data, "x.jsonl").records)
    assert records_in(data + b"\xff\n") == len(read_bytes(data + b"\xff\n", "x.jsonl").records)


def test_small_runs_spawn_nothing(tmp_path):
    files = [(write_jsonl(tmp_path / f"{n}.jsonl", many_records(3)), f"{n}.jsonl")
             for n in range(3)]
    assert plan(files, jobs=8, fix=False) is None  # a few KB: one process
    assert plan(files, jobs=1, fix=False, min_parallel=0) is None
    assert plan(files[:1], jobs=8, fix=False, min_parallel=0) is None  # one small file
    assert plan(files, jobs=8, fix=False, min_parallel=0) is not None


def test_cli_jobs_output_equals_one_process(tmp_path, capsys):
    folder = tmp_path / "data"
    folder.mkdir()
    for n in range(3):
        write_jsonl(folder / f"{n}.jsonl", many_records(30, offset=10 * n))
    outs = []
    for jobs in ("1", "2"):
        main(["check", "--isolated", "--jobs", jobs, "--format", "json", str(folder)])
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1] and json.loads(outs[0])["findings"]
    with pytest.raises(SystemExit):
        main(["check", "--jobs", "0", str(folder)])


def test_jobs_in_config():
    assert from_mapping({"jobs": 3}).jobs == 3
    with pytest.raises(ConfigError, match="jobs"):
        from_mapping({"jobs": 0})


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_with_two_jobs_equals_one():
    corpus = corpus_or_skip()
    one = Linter().check_paths([corpus], jobs=1)
    two = Linter().check_paths([corpus], jobs=2, min_parallel=0)
    assert report_dump(two) == report_dump(one)


# -- a third-party two-phase rule -------------------------------------------------------------

CALLS: list[int] = []


def _judge_same_title(key: object, entries: Any, options: Any) -> Any:
    for entry in entries[1:]:
        yield entry, biblint.Violation(f"title also in {entries[0].place}", "/title")


@rule("RUNX001", "test-same-title", scope="run", judge=_judge_same_title)
def same_title(record: biblint.Record, ctx: Context) -> Any:
    """Reports records sharing a title (a test of the two-phase declaration)."""
    CALLS.append(record.origin.index)
    title = record.data.get("title")
    if isinstance(title, str):
        yield Key(title.casefold(), ())


def test_a_plugin_declares_a_two_phase_rule(tmp_path):
    linter = Linter(registry=Registry([same_title]))
    records = [{"title": "B", "doi": "10.1/b"}, {"title": "A", "doi": "10.1/z"},
               {"title": "a", "doi": "10.1/a"}, {"title": "b", "doi": "10.1/c"}]
    *per_record, judged = list(linter.lint_stream(records))
    assert per_record == [[], [], [], []]
    # The canonical record of each group is the one whose record key sorts first.
    assert sorted((f.record, f.message) for f in judged) == [
        (1, "title also in record 2"), (3, "title also in record 0")]
    # Nothing to compare: the extract step of a rule that is not ``alone`` is skipped.
    CALLS.clear()
    assert linter.lint(records[0]) == [] and CALLS == []
    path = write_jsonl(tmp_path / "t.jsonl", records)
    found = linter.check_paths([path], jobs=2, min_parallel=0).findings  # runs serially
    assert [(f.record, f.line, f.column) for f in found] == [(1, 2, 11), (3, 4, 11)]


def test_a_judged_finding_yields_to_a_schema_finding_at_its_pointer(tmp_path):
    """One defect, one finding: an S2 ``openAccessPdf`` stored as a string breaks the schema
    (REC003, reported with the record) and drifts from the other records' object (TYP008,
    judged at the end); the judged finding is dropped, since the record's findings may have
    been printed already."""
    records = [{"paperId": f"{n}49def34f8be52c8b66281af98ae884c09aef38b",
                "title": f"Semantic Scholar paper {n}", "openAccessPdf": pdf}
               for n, pdf in enumerate([{"url": "https://x.org/a.pdf", "status": "GREEN"},
                                        "https://x.org/b.pdf"])]
    report = Linter().check_paths([write_jsonl(tmp_path / "a.jsonl", records)], jobs=1)
    at_pdf = [(f.code, f.record) for f in report.findings if f.pointer == "/openAccessPdf"]
    assert at_pdf == [("REC003", 1)]


def test_lint_stream_drops_a_judged_finding_at_a_schema_finding_too():
    """``lint_stream`` gives what a run over a file gives: the TYP008 finding at a pointer
    where the record has a REC003 finding is dropped."""
    records = [{"paperId": f"{n}49def34f8be52c8b66281af98ae884c09aef38b",
                "title": f"Semantic Scholar paper {n}", "openAccessPdf": pdf}
               for n, pdf in enumerate([{"url": "https://x.org/a.pdf", "status": "GREEN"},
                                        "https://x.org/b.pdf"])]
    lists = list(Linter().lint_stream(records))
    at_pdf = [(f.code, f.record) for found in lists for f in found
              if f.pointer == "/openAccessPdf"]
    assert at_pdf == [("REC003", 1)]
    # Without the schema rule, the judged finding is there: the drop is what removed it.
    lists = list(Linter(from_mapping({"ignore": ["REC003"]})).lint_stream(records))
    assert ("TYP008", 1) in [(f.code, f.record) for f in lists[-1]
                             if f.pointer == "/openAccessPdf"]


@pytest.mark.parametrize("spill_at", [None, 1, 5, 1000])
@pytest.mark.parametrize("limit", [None, 3, 12])
def test_add_record_stores_what_add_stores(spill_at: int | None, limit: int | None):
    """``KeyStore.add_record`` (the engine's batch of one record's keys) is ``add`` of each
    key's entry: the same tables, drops and judgement, with and without ``keep``, a key
    limit and spilling."""
    specs = {"A": TableSpec(limit=limit), "B": TableSpec(limit=limit,
                                                         keep=operator.itemgetter(0))}
    judges = {"A": (_judge_all, {}), "B": (_judge_all, {})}
    rng = random.Random(7)
    one, batched = KeyStore(specs, spill_at=spill_at), KeyStore(specs, spill_at=spill_at)
    for index in range(300):
        code = rng.choice("AB")
        record_key, file = f"k{rng.randrange(15)}", rng.choice(["a", "b"])
        hidden = rng.choice([(), ("/x",)])
        keys = [Key(rng.randrange(20), (rng.randrange(3), rng.randrange(2)))
                for _ in range(rng.randrange(4))]
        for key in keys:
            one.add(code, key.key, Entry(record_key, key.payload, file, index, hidden))
        batched.add_record(code, keys, record_key, file, index, hidden)
    assert batched.dropped == one.dropped and batched.held == one.held
    assert batched.spilled_keys == one.spilled_keys and batched.tables == one.tables
    assert batched.judge(judges) == one.judge(judges)
