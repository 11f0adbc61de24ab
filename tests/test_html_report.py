"""The HTML report (lint/report/html.py): `biblint report`, `--output-format html:PATH`.

The page is parsed with lxml and checked for what it must show (exact counts, completeness,
sampled examples, the comparison with an earlier run) and what it must not do (load anything,
run a script, let a record's text become markup). The summaries are bounded: 100,000
findings keep as few examples as 100. A last test renders the report of the corpus in
headless Chromium and checks that every section and chart is laid out and visible.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html

from biblint.cli import main
from biblint.config import Config
from biblint.engine import Linter
from biblint.model import (
    Applicability,
    Census,
    FileFinished,
    FileResult,
    FileStarted,
    Finding,
    Fix,
    LateFindings,
    PatchOp,
    RecordChecked,
    Report,
    Severity,
)
from biblint.readers import read_bytes
from biblint.report import REPORTERS, RenderOptions, open_reporter
from biblint.report.html import EXAMPLES, TOP_RECORDS, Comparison, HtmlReporter, HtmlSummary

from .conftest import ROOT, SEED, corpus_or_skip

SECTIONS = ("summary", "completeness", "findings", "fixes", "hotspots", "rules")
CHARTS = ("heat-profiles", "heat-files", "chart-severity", "chart-families", "chart-codes",
          "chart-fixable", "chart-files")


def seedlike(doi: str, **changes: Any) -> dict[str, Any]:
    record = json.loads(SEED.read_text())
    record["doi"] = doi
    record["DOIUrl"] = f"https://doi.org/{doi}"
    record.update(changes)
    return record


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records))
    return path


def page_of(text: str) -> Any:
    return lxml_html.document_fromstring(text)


def cells(table: Any) -> dict[str, list[str]]:
    """A table's rows by their first cell's text: the other cells' text."""
    rows = {}
    for tr in table.xpath(".//tbody/tr"):
        texts = [" ".join(td.text_content().split()) for td in tr.xpath("./td|./th")]
        if texts:
            rows[texts[0].split()[0] if texts[0] else ""] = texts[1:]
    return rows


def finding(code: str, record: int, *, file: str = "a.jsonl", severity: Severity =
            Severity.WARNING, fix: Fix | None = None, pointer: str = "/title",
            fingerprint: str | None = None) -> Finding:
    return Finding(code, code.lower(), severity, f"{code} message", pointer, fix, file,
                   record, record + 1, 3, fingerprint or f"{code}-{file}-{record}")


# -- the census: the engine's hook ----------------------------------------------------------


def test_census_rides_on_record_events_only_when_asked(tmp_path: Path) -> None:
    record = seedlike("10.5555/x", title="A title", abstract="", authors=[], PubModel=None)
    document = read_bytes(json.dumps(record).encode(), "r.json")
    plain = list(Linter().iter_document(document))
    assert [e.census for e in plain] == [None]

    linter = Linter(Config(census=True))
    [event] = list(linter.iter_document(read_bytes(json.dumps(record).encode(), "r.json")))
    census = event.census
    assert census is not None and census.profile == "aggregator"
    assert {"doi", "doi_url", "title"} <= census.filled
    # Null, blank and empty values are not complete.
    assert not {"abstract", "authors", "pub_model"} & census.filled
    assert "abstract" in census.fields and "issn" not in census.fields
    # The value at each finding's pointer, by fingerprint, cut short.
    assert set(census.values) == {f.fingerprint for f in event.findings if f.pointer}
    for f in event.findings:
        if f.pointer == "/citationCount":
            assert census.values[f.fingerprint] == json.dumps(record["citationCount"])


def test_census_crosses_worker_processes(tmp_path: Path, monkeypatch: Any) -> None:
    """--jobs workers build their linter from the config: the census comes back with the
    events, the same as in one process."""
    from biblint import parallel

    calls: list[int] = []
    run = parallel.run

    def spy(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return run(*args, **kwargs)

    monkeypatch.setattr(parallel, "run", spy)
    records = [seedlike(f"10.5555/{i}", title="" if i % 3 else "T") for i in range(60)]
    for name in ("a.jsonl", "b.jsonl"):
        write_jsonl(tmp_path / name, records)
    linter = Linter(Config(census=True))

    def censuses(jobs: int) -> list[tuple[str, int | None, frozenset[str]]]:
        return [(e.path, e.index, e.census.filled)
                for e in linter.iter_check([tmp_path], jobs=jobs, min_parallel=0,
                                           chunk_size=4096)
                if isinstance(e, RecordChecked) and e.census is not None]

    one = censuses(1)
    assert len(one) == 120 and not calls
    assert censuses(2) == one
    assert calls  # the second run went through worker processes


def test_census_of_records_fixed_in_a_stream(tmp_path: Path) -> None:
    """`check --fix --output-format html:PATH`: the census is of the fixed record."""
    path = write_jsonl(tmp_path / "a.jsonl", [seedlike("10.5555/x", DOIUrl=None)])
    linter = Linter(Config(census=True))
    events = list(linter.iter_check([path], fix=True, jobs=1))
    [checked] = [e for e in events if isinstance(e, RecordChecked)]
    assert checked.census is not None and "doi_url" in checked.census.filled
    assert json.loads(path.read_text())["DOIUrl"] == "https://doi.org/10.5555/x"


# -- what the page shows --------------------------------------------------------------------


def test_report_shows_exact_counts_completeness_and_examples(tmp_path: Path) -> None:
    records = [seedlike("10.5555/a", title="Complete title", citationCount=5),
               seedlike("10.5555/b", title="", citationCount="7"),
               seedlike("10.5555/c", title=None, citationCount="8")]
    write_jsonl(tmp_path / "data.jsonl", records)
    out = tmp_path / "report.html"
    assert main(["report", str(tmp_path / "data.jsonl"), "-o", str(out), "--isolated",
                 "--jobs", "1"]) == 0
    text = out.read_text()
    page = page_of(text)
    for section in SECTIONS:
        assert page.xpath(f'//section[@data-section="{section}"]'), section
    for chart in CHARTS:
        assert page.xpath(f'//svg[@data-chart="{chart}"]'), chart

    expected = Linter(Config()).check_paths([tmp_path / "data.jsonl"], jobs=1)
    by_code = expected.by_code()
    table = cells(page.xpath('//summary[contains(., "findings by code")]/..//table')[0])
    assert {code: int(row[2].replace(",", "")) for code, row in table.items()} == by_code

    # Completeness: title is filled in 1 of 3 records.
    profile = cells(page.xpath('//summary[contains(., "completeness per profile")]/..//table')[0])
    columns = [th.text_content() for th in page.xpath(
        '//summary[contains(., "completeness per profile")]/..//thead/tr/th')][2:]
    aggregator = dict(zip(columns, profile["aggregator"][1:], strict=True))
    assert aggregator["title"] == "33.3% (1/3)"
    assert aggregator["doi"] == "100.0% (3/3)"
    assert "issn" not in aggregator or aggregator["issn"] == "n/a"

    # Examples: the value at the pointer, the position and the fix.
    article = page.xpath('//article[@id="rule-TYP001"]')[0]
    rows = article.xpath(".//tbody/tr")
    assert len(rows) == 2  # both findings of the code, as there are fewer than EXAMPLES
    shown = " ".join(" ".join(r.text_content().split()) for r in rows)
    assert '"7"' in shown and '"8"' in shown
    assert "data.jsonl:2:" in shown and "/citationCount" in shown
    assert "replace /citationCount = 7" in shown


def test_report_is_self_contained_and_escapes_record_text(tmp_path: Path) -> None:
    hostile = '</title><script>alert(1)</script><img src="https://evil.example/x.png">'
    write_jsonl(tmp_path / "a.jsonl", [seedlike("10.5555/a", title=hostile + " ",
                                                abstract="<p onclick='x()'>Abstract</p>")])
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path), "-o", str(out), "--isolated", "-j", "1"]) == 0
    text = out.read_text()
    page = page_of(text)
    assert not page.xpath("//script | //img | //link | //iframe | //object | //embed")
    assert not page.xpath("//@src | //@onclick | //@onerror")
    assert all(href.startswith("#") for href in page.xpath("//@href"))
    styles = " ".join(page.xpath("//style/text()") + page.xpath("//@style"))
    assert "@import" not in styles and not re.search(r"url\((?!#)", styles)
    assert all(v.startswith("url(#") for v in page.xpath("//@fill") if "url(" in v)
    assert hostile not in text  # escaped wherever the value is shown


def test_charts_have_text_alternatives_and_tables(tmp_path: Path) -> None:
    write_jsonl(tmp_path / "a.jsonl", [seedlike("10.5555/a", title="", citationCount="1")])
    out = tmp_path / "r.html"
    main(["report", str(tmp_path), "-o", str(out), "--isolated", "-j", "1"])
    page = page_of(out.read_text())
    charts = page.xpath("//svg")
    assert len(charts) >= len(CHARTS)
    for svg in charts:
        assert svg.get("role") == "img"
        title_id, desc_id = svg.get("aria-labelledby").split()
        assert page.xpath(f'//*[@id="{title_id}"]')[0].text_content().strip()
        assert len(page.xpath(f'//*[@id="{desc_id}"]')[0].text_content()) > 20
    # A table behind every chart: a data table follows each figure.
    for chart in CHARTS:
        figure = page.xpath(f'//svg[@data-chart="{chart}"]/ancestor::figure')[0]
        following = figure.xpath("following-sibling::details[1]//table | .//details//table")
        assert following, chart
    assert page.xpath("//html/@lang") == ["en"]
    ids = page.xpath("//@id")
    assert len(ids) == len(set(ids))  # every reference (aria, url(#...), #anchor) is unique
    assert {href[1:] for href in page.xpath("//a/@href")} <= set(ids)
    assert "@media print" in out.read_text()


def test_bounded_summaries_with_100000_findings() -> None:
    """Counts exact, examples sampled, and the memory the summary keeps does not grow with
    the number of findings (a 1 GB input takes the engine's bounded memory)."""
    fix = Fix("Set it", (PatchOp("replace", "/x", 1),), Applicability.SAFE)

    def feed(summary: HtmlSummary, records: int) -> None:
        summary.add(FileStarted("big.jsonl"))
        for index in range(records):
            found = [finding(code, index, file="big.jsonl", fix=fix if code == "A001" else None)
                     for code in ("A001", "B002", "C003", "D004")[: 1 + index % 4]]
            census = Census("aggregator", ("doi", "title"), frozenset({"doi"}),
                            {f.fingerprint: '"v"' for f in found})
            summary.add(RecordChecked("big.jsonl", index, found, None, True, census))
        summary.add(FileFinished(FileResult("big.jsonl", records=records)))

    def retained(records: int) -> tuple[int, HtmlSummary]:
        tracemalloc.start()
        summary = HtmlSummary(RenderOptions())
        feed(summary, records)
        size = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        return size, summary

    small, _ = retained(4_000)
    large, summary = retained(40_000)  # 100,000 findings
    assert summary.findings == 100_000
    assert {c.code: c.count for c in summary.codes.values()} == {
        "A001": 40_000, "B002": 30_000, "C003": 20_000, "D004": 10_000}
    assert summary.codes["A001"].safe == 40_000
    assert all(len(c.examples) == EXAMPLES for c in summary.codes.values())
    assert len(summary.top) == TOP_RECORDS
    assert large < small + 200_000, (small, large)

    text = summary.render()
    page = page_of(text)
    assert len(text) < 400_000
    assert page.xpath('//article[@id="rule-A001"]//p[@class="rule-meta"]')[0].text_content() \
        .startswith("40,000 findings")
    assert len(page.xpath('//article[@id="rule-A001"]//tbody/tr')) == EXAMPLES
    # The records listed are those with most findings (4 each), earliest first.
    records = page.xpath('//table[@class="records"]//tbody/tr')
    assert len(records) == TOP_RECORDS
    assert "record 3" in records[0].text_content()


def test_examples_are_a_fair_sample() -> None:
    """Reservoir sampling: late findings are as likely to be shown as early ones."""
    summary = HtmlSummary(RenderOptions())
    for index in range(3000):
        summary.add(RecordChecked("a.jsonl", index, [finding("A001", index)]))
    kept = [e.record for e in summary.codes["A001"].examples]
    assert len(kept) == EXAMPLES
    assert any(r is not None and r >= 1000 for r in kept)


def test_late_findings_count_for_their_record() -> None:
    summary = HtmlSummary(RenderOptions())
    summary.add(RecordChecked("a.jsonl", 0, [finding("A001", 0)]))
    summary.add(RecordChecked("a.jsonl", 1, [finding("A001", 1), finding("B002", 1)]))
    summary.add(FileFinished(FileResult("a.jsonl", records=2)))
    summary.add(LateFindings("a.jsonl", [finding("DUP001", 0), finding("DUP002", 0)]))
    assert summary.findings == 5
    top = sorted(summary.top, reverse=True)
    assert (top[0][0], top[0][3]) == (3, 0)
    assert "DUP001" in top[0][5]


def test_a_finished_report_renders_without_completeness() -> None:
    report = Report([FileResult("a.jsonl", records=1, findings=[finding("A001", 0)])])
    text = REPORTERS["html"](report, RenderOptions())
    page = page_of(text)
    assert "Completeness was not measured" in page.xpath('//section[@id="completeness"]')[0] \
        .text_content()
    assert page.xpath('//article[@id="rule-A001"]')


def test_html_sink_writes_at_the_end() -> None:
    import io

    out = io.StringIO()
    sink = open_reporter("html", out, RenderOptions())
    assert isinstance(sink, HtmlReporter)
    sink.event(FileStarted("a.jsonl"))
    sink.event(RecordChecked("a.jsonl", 0, [finding("A001", 0)]))
    assert out.getvalue() == ""
    sink.event(FileFinished(FileResult("a.jsonl", records=1)))
    sink.close()
    assert out.getvalue().startswith("<!DOCTYPE html>")


# -- the command line -----------------------------------------------------------------------


def test_check_writes_the_html_report_inside_a_gate_run(tmp_path: Path, capsys: Any) -> None:
    data = write_jsonl(tmp_path / "a.jsonl", [seedlike("10.5555/a", DOIUrl=None)])
    out = tmp_path / "site" / "report.html"
    out.parent.mkdir()
    code = main(["check", str(data), "--isolated", "-j", "1", "--output-format", "concise",
                 "--output-format", f"html:{out}"])
    assert code == 1  # the gate's exit code is unchanged
    assert "XREF001" in capsys.readouterr().out
    page = page_of(out.read_text())
    assert page.xpath('//article[@id="rule-XREF001"]')
    assert page.xpath('//svg[@data-chart="heat-profiles"]')  # the census was taken
    assert not list(out.parent.glob(".*"))  # written through a temporary file, renamed


def test_report_reads_stdin_and_keeps_unreadable_files(tmp_path: Path, capsys: Any,
                                                       monkeypatch: Any) -> None:
    (tmp_path / "bad.json").write_bytes(b'{"title": ')
    write_jsonl(tmp_path / "good.jsonl", [seedlike("10.5555/a")])
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path), "-o", str(out), "--isolated", "-j", "1"]) == 0
    page = page_of(out.read_text())
    assert page.xpath('//article[@id="rule-IO003"]')
    assert "wrote" in capsys.readouterr().err

    import io

    class Stdin:
        buffer = io.BytesIO(SEED.read_bytes())

    monkeypatch.setattr(sys, "stdin", Stdin)
    assert main(["report", "-", "--stdin-filename", "seed.json", "-o", str(out),
                 "--isolated"]) == 0
    page = page_of(out.read_text())
    assert page.xpath('//article[@id="rule-XREF001"]')
    assert "seed.json:5:13" in page.xpath('//article[@id="rule-XREF001"]')[0].text_content()


def test_report_refuses_a_compare_file_that_is_not_a_json_report(tmp_path: Path,
                                                                 capsys: Any) -> None:
    write_jsonl(tmp_path / "a.jsonl", [seedlike("10.5555/a")])
    bogus = tmp_path / "prev.json"
    bogus.write_text('{"runs": []}')
    out = tmp_path / "r.html"
    assert main(["report", str(tmp_path / "a.jsonl"), "-o", str(out), "--compare",
                 str(bogus)]) == 2
    assert f"{bogus}: not a biblint JSON report" in capsys.readouterr().err
    assert not out.exists()


def test_compare_shows_a_fixed_and_a_new_defect_in_the_right_columns(tmp_path: Path) -> None:
    """An earlier run had a DOI URL missing (XREF001); since then it was set, and a title
    gained a trailing period (TTL001): one fixed, one new, per code and per file."""
    data = tmp_path / "data.jsonl"
    write_jsonl(data, [seedlike("10.5555/a", DOIUrl=None, title="A plain title"),
                       seedlike("10.5555/b", title="Another plain title")])
    previous = tmp_path / "previous.json"
    main(["check", str(data), "--isolated", "-j", "1", "--exit-zero",
          "--output-format", f"json:{previous}"])
    before = json.loads(previous.read_text())
    assert any(f["code"] == "XREF001" for f in before["findings"])
    assert not any(f["code"] == "TTL001" for f in before["findings"])

    write_jsonl(data, [seedlike("10.5555/a", title="A plain title"),
                       seedlike("10.5555/b", title="Another plain title.")])
    out = tmp_path / "r.html"
    assert main(["report", str(data), "-o", str(out), "--isolated", "-j", "1",
                 "--compare", str(previous)]) == 0
    page = page_of(out.read_text())
    assert page.xpath('//section[@data-section="compare"]')

    def row(table_id: str, key: str) -> dict[str, int]:
        head = [" ".join(th.text_content().split()) for th in
                page.xpath(f'//table[@id="{table_id}"]/thead//th')]
        tr = page.xpath(f'//table[@id="{table_id}"]/tbody/tr[@data-key="{key}"]')[0]
        values = [" ".join(td.text_content().split()) for td in tr.xpath("./td")]
        return {h: int(re.sub(r"[^0-9]", "", v) or 0) * (-1 if v.startswith("−") else 1)
                for h, v in zip(head[1:], values[1:], strict=True)}

    fixed = row("compare-codes", "XREF001")
    assert (fixed["Fixed"], fixed["New"], fixed["Before"], fixed["Now"]) == (1, 0, 1, 0)
    assert fixed["Change"] == -1
    new = row("compare-codes", "TTL001")
    assert (new["Fixed"], new["New"], new["Before"], new["Now"]) == (0, 1, 0, 1)
    assert new["Change"] == 1
    per_file = row("compare-files", str(data))
    assert (per_file["Fixed"], per_file["New"]) == (1, 1)
    # The columns are marked for the eye too, and the examples name each side.
    assert page.xpath('//table[@id="compare-codes"]//td[contains(@class, "col-fixed")]')
    assert "TTL001" in page.xpath('//table[@id="compare-new"]')[0].text_content()
    assert "XREF001" in page.xpath('//table[@id="compare-fixed"]')[0].text_content()
    assert page.xpath('//svg[@data-chart="chart-compare"]//rect[contains(@class, "seg-fixed")]')
    assert page.xpath('//svg[@data-chart="chart-compare"]//rect[contains(@class, "seg-new")]')
    ids = set(page.xpath("//@id"))
    assert {href[1:] for href in page.xpath("//a/@href")} <= ids


def test_comparison_matches_by_file_and_fingerprint_up_to_a_count() -> None:
    previous = {"version": 1, "findings": [
        {"code": "A001", "file": "a.jsonl", "fingerprint": "f1"},
        {"code": "A001", "file": "a.jsonl", "fingerprint": "f1"},
        {"code": "B002", "file": "b.jsonl", "fingerprint": "f2"}]}
    compare = Comparison(previous, "prev.json")
    summary = HtmlSummary(RenderOptions(), compare=compare)
    summary.add(RecordChecked("a.jsonl", 0, [finding("A001", 0, fingerprint="f1")]))
    summary.add(RecordChecked("b.jsonl", 0, [finding("B002", 0, file="b.jsonl",
                                                      fingerprint="f9")]))
    fixed_code, fixed_file, _ = compare.fixed()
    assert fixed_code == {"A001": 1, "B002": 1}
    assert fixed_file == {"a.jsonl": 1, "b.jsonl": 1}
    assert compare.new_code == {"B002": 1}


# -- in a real browser ----------------------------------------------------------------------

VISIBILITY_PROBE = """
<script>
(function () {
  function seen(el) {
    const box = el.getBoundingClientRect();
    const style = getComputedStyle(el);
    return box.width > 0 && box.height > 0 && style.visibility !== "hidden"
      && style.display !== "none" && parseFloat(style.opacity || "1") > 0;
  }
  const out = {sections: {}, charts: {}, marks: {}, width: document.documentElement.scrollWidth};
  document.querySelectorAll("[data-section]").forEach(function (el) {
    out.sections[el.dataset.section] = seen(el);
  });
  document.querySelectorAll("svg[data-chart]").forEach(function (el) {
    out.charts[el.dataset.chart] = seen(el);
    out.marks[el.dataset.chart] = Array.from(el.querySelectorAll("rect")).filter(seen).length;
  });
  const pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>
"""


def chromium_or_skip() -> str:
    for name in (os.environ.get("BIBLINT_CHROMIUM"), "chromium", "chromium-browser",
                 "google-chrome"):
        found = shutil.which(name) if name else None
        if found:
            return found
    pytest.skip("headless Chromium is not installed (Debian: apt-get install chromium; "
                ".ci/run installs it when it runs as root); the browser test needs it")


def chromium(binary: str, profile: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [binary, "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--no-first-run", "--hide-scrollbars", f"--user-data-dir={profile}", *args],
        capture_output=True, text=True, timeout=120, check=False)


def render_in_chromium(tmp_path: Path, source: Path, *, window: int = 1280) -> Path:
    """Write the report of ``source`` with paths as a user gives them, compared with an
    earlier run that had another rule selection (one rule on that is off now, and the other
    way round), so every section shows; open it in Chromium with a probe that measures what
    is laid out, check that every section and chart is visible, and return the page."""
    binary = chromium_or_skip()
    out = tmp_path / "report.html"
    previous = tmp_path / "previous.json"
    cwd = Path.cwd()
    os.chdir(source.parent)  # paths on the page as a user would give them
    try:
        main(["check", source.name, "--isolated", "--exit-zero", "--ignore", "TXT006",
              "--output-format", f"json:{previous}"])
        assert main(["report", source.name, "-o", str(out), "--isolated", "--ignore",
                     "DOI011", "--compare", str(previous)]) == 0
    finally:
        os.chdir(cwd)

    probe = tmp_path / "probe.html"
    probe.write_text(out.read_text().replace("</body>", VISIBILITY_PROBE + "</body>"))
    done = chromium(binary, tmp_path / "profile", f"--window-size={window},1000",
                    "--dump-dom", probe.as_uri())
    assert done.returncode == 0, done.stderr[-2000:]
    dom = lxml_html.document_fromstring(done.stdout)
    result = json.loads(dom.xpath('//pre[@id="probe"]')[0].text_content())
    assert result["sections"] == {name: True for name in (*SECTIONS, "compare")}
    for chart in (*CHARTS, "chart-compare"):
        assert result["charts"].get(chart) is True, chart
        assert result["marks"][chart] > 0, chart
    assert result["width"] <= window  # no horizontal scrolling
    return out


def test_fixture_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    """A small report (the rule fixtures' seed records) in Chromium: every section and chart
    laid out and visible."""
    source = tmp_path / "data"
    (source / "part").mkdir(parents=True)
    write_jsonl(source / "part" / "a.jsonl", [seedlike("10.5555/a", DOIUrl=None)])
    write_jsonl(source / "b.jsonl", [seedlike("10.5555/b", title="SHOUTED TITLE. ",
                                              citationCount="3"),
                                     seedlike("10.5555/c", DOIUrl="http://dx.doi.org/10.5555/c")])
    render_in_chromium(tmp_path, source)


@pytest.mark.slow
@pytest.mark.corpus
def test_corpus_report_renders_in_headless_chromium(tmp_path: Path) -> None:
    """The report of ../shared/corpus in Chromium, every section and chart visible, and the
    screenshot the README shows (docs/report.png, rewritten with
    BIBLINT_UPDATE_SCREENSHOT=1)."""
    chromium_or_skip()
    out = render_in_chromium(tmp_path, corpus_or_skip())
    shot = tmp_path / "report.png"
    done = chromium(chromium_or_skip(), tmp_path / "profile", "--window-size=1280,2300",
                    f"--screenshot={shot}", out.as_uri())
    assert done.returncode == 0 and shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("BIBLINT_UPDATE_SCREENSHOT"):
        shutil.copyfile(shot, ROOT / "docs" / "report.png")


def test_report_to_stdout_and_to_an_unwritable_place(tmp_path: Path, capsys: Any) -> None:
    data = write_jsonl(tmp_path / "a.jsonl", [seedlike("10.5555/a")])
    assert main(["report", str(data), "-o", "-", "--isolated", "-j", "1"]) == 0
    assert capsys.readouterr().out.startswith("<!DOCTYPE html>")
    missing = tmp_path / "no" / "such" / "folder" / "r.html"
    assert main(["report", str(data), "-o", str(missing), "--isolated", "-j", "1"]) == 2
    err = capsys.readouterr().err
    assert "cannot write the html report" in err and str(missing) in err


def test_check_with_a_baseline_still_writes_the_html_report(tmp_path: Path) -> None:
    """A baseline run collects findings, not records: the page says completeness was not
    measured, and shows only the findings that are not in the baseline."""
    data = write_jsonl(tmp_path / "a.jsonl", [seedlike("10.5555/a", DOIUrl=None,
                                                       title="A plain title")])
    baseline = tmp_path / "baseline.json"
    assert main(["check", str(data), "--isolated", "-j", "1",
                 "--write-baseline", str(baseline)]) == 0
    write_jsonl(data, [seedlike("10.5555/a", DOIUrl=None, title="A  plain title")])
    out = tmp_path / "r.html"
    main(["check", str(data), "--isolated", "-j", "1", "--baseline", str(baseline),
          "--output-format", f"html:{out}", "--output-format", "concise"])
    page = page_of(out.read_text())
    assert page.xpath('//article[@id="rule-TXT006"]')
    assert not page.xpath('//article[@id="rule-XREF001"]')
    assert "not measured" in page.xpath('//section[@id="completeness"]')[0].text_content()


@pytest.mark.parametrize("name", ["github-actions-report.yml", "gitlab-ci-report.yml"])
def test_ci_examples_publish_the_report_they_write(name: str, tmp_path: Path,
                                                   monkeypatch: Any, capsys: Any) -> None:
    """The README's CI examples (examples/ci/, shown verbatim): their biblint command runs
    and writes the page that their artifact step publishes, whatever the gate says."""
    import shlex

    import yaml

    example = ROOT / "examples" / "ci" / name
    assert example.read_text().strip() in (ROOT / "README.md").read_text()
    config = yaml.safe_load(example.read_text())
    if "github" in name:
        steps = config["jobs"]["biblint"]["steps"]
        lines = [s["run"] for s in steps if str(s.get("run", "")).startswith("biblint ")]
        [upload] = [s for s in steps if str(s.get("uses", "")).startswith(
            "actions/upload-artifact@")]
        assert upload["if"] == "always()"
        published = [upload["with"]["path"]]
    else:
        job = config["biblint-report"]
        lines = [line for line in job["script"] if line.startswith("biblint ")]
        assert job["artifacts"]["when"] == "always"
        published = job["artifacts"]["paths"]
    [line] = lines
    (tmp_path / "data").mkdir()
    shutil.copy(SEED, tmp_path / "data" / "seed.json")
    monkeypatch.chdir(tmp_path)
    assert main(shlex.split(line)[1:]) == 1  # the seed record's defects fail the gate
    capsys.readouterr()
    [page_file] = published
    page = page_of((tmp_path / page_file).read_text())
    assert page.xpath('//article[@id="rule-XREF001"]')
    assert page.xpath('//svg[@data-chart="heat-profiles"]')
