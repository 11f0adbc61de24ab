"""JRN: journals and journal metrics."""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Collection, Hashable, Iterator, Mapping, Sequence
from typing import Any

import regex

from biblint.domain.identifiers import format_issn, valid_issn
from biblint.domain.show import shown as _shown
from biblint.model import Violation
from biblint.profiles import Convention
from biblint.record import Record
from biblint.registry import RECORD, Context, rule
from biblint.runscope import Entry, Key, reference

from .records import is_deleted_doi

MAX_TRACKED = 100_000
"""Run-scope memory bound: ISSNs (JRN001) or category codes (JRN005) remembered per run.
Past it, new keys are no longer compared (no finding is invented, some may be missed)."""

_SPACE_RE = regex.compile(r"\s++")




def _issns(record: Record) -> list[str]:
    """The record's valid ISSNs, formatted."""
    value = record.value("issn")
    values = value if isinstance(value, list) else regex.split(r"[,;\s]+", value) \
        if isinstance(value, str) else []
    found: list[str] = []
    for item in values:
        if not isinstance(item, str):
            continue
        compact = item.strip().replace("-", "").upper()
        if len(compact) == 8 and valid_issn(compact):
            formatted = format_issn(compact)
            if formatted not in found and compact != "00000000":
                found.append(formatted)
    return found


def _judge_names(key: Hashable, entries: Sequence[Entry], options: Mapping[str, Any]
                 ) -> Iterator[tuple[Entry, Violation]]:
    first = reference(entries, _first_value)
    usual = first.payload[0]
    number = key[1] if isinstance(key, tuple) else key
    for entry in entries:
        name, pointer = entry.payload
        if name != usual:
            yield entry, Violation(f"journal {_shown(name, 30)} for ISSN {number} is "
                                   f"{_shown(usual, 30)} in {first.where}", pointer)


def _first_value(entry: Entry) -> Hashable:
    value: str = entry.payload[0]
    return value


@rule("JRN001", "journal-name-varies", severity="info", scope="run", judge=_judge_names,
      # No ISSN, no key: the fields it reads (the raw record only for tombstones) gate it.
      max_keys=MAX_TRACKED, reads=("container", "issn", "type"))
def journal_name_varies(record: Record, ctx: Context) -> Iterator[Key]:
    """One ISSN goes with different journal names across the records of a run.

    ## What it does
    Collects, for each ISSN of the run, the container names of the records of one shape
    that carry it (sources name journals their own way: Crossref's full title and Semantic
    Scholar's abbreviation are not compared). The name most of these records use is the
    reference (a tie: the name of the record whose key sorts first; never a choice by
    position), and each record whose container name for the same ISSN differs is reported
    (once, whatever the number of its ISSNs):
    an abbreviation (`"J Endovasc Ther"` for `"Journal of Endovascular Therapy"`), another
    case, another spelling, or another journal altogether. Whitespace differences and
    Unicode normalisation forms are ignored. For Crossref and CSL only journal articles
    count (a book series shares its ISSN across volumes with different titles); the
    placeholder ISSN `0000-0000`, Crossref's test deposits and deleted-DOI listing are
    ignored. Memory is bounded: at most 100,000 ISSNs per
    run are remembered.

    ## Why is this bad?
    Grouping by journal (per-journal counts, impact metrics, venue filters) splits one
    journal into several, or merges two journals when an ISSN is wrong. Within a dataset,
    one journal should be named one way.

    ## Example
    Two records of one run:
    ```json
    {"ISSN": ["1526-6028"], "container-title": ["Journal of Endovascular Therapy"]}
    {"ISSN": ["1526-6028"], "container-title": ["J Endovasc Ther"]}
    ```
    Use instead: the same name in both (the full title, with the abbreviation in
    `short-container-title`).

    ## Fix
    None: which name is right (full title, ISO 4 abbreviation) is a choice for the dataset.
    """
    # Where the container may be a book or a series, only some types name a journal (a book
    # series shares its ISSN across volumes with different titles): the profile's journal_types.
    numbers = _issns(record)
    if not numbers:  # no key to give: the checks below would be spent for nothing
        return
    kinds = record.profile.journal_types
    if kinds is not None and not _is_one_of(record.value("type"), kinds):
        return
    if is_deleted_doi(record):
        return
    container = record.field("container")
    if container is None or not isinstance(container.value, str):
        return
    name = _SPACE_RE.sub(" ", unicodedata.normalize("NFC", container.value)).strip()
    if not name:
        return
    for number in numbers:
        yield Key((record.profile.name, number), (name, container.pointer))


# A citation inside a container title: "Nature 2020;580:1-5", "J Sci 15(1-2):Doc10",
# "Vol. 32, No. 3", "pp. 1-5", "Nature 580:1-5", "The Astrophysical Journal 208(2)", and an
# issue label instead of a title ("№249 (2018)"). Linear: each branch reads digits and a few
# separators once; no quantified group repeats another quantifier.
_CITATION_RE = regex.compile(
    r"\b(?:1[6-9]|20)[0-9]{2}+\s*+;\s*+[0-9]"
    r"|[0-9]\s*+\(\s*+[0-9]++(?:\s*+[-–]\s*+[0-9]++)?+\s*+\)\s*+(?::\s*+\S++)?+\s*+\.?+\s*+\Z"
    r"|\bvol(?:ume)?+\.?+\s*+[0-9]++\s*+[,;]?+\s*+(?:no|nr|issue|iss)\.?+\s*+[0-9]"
    r"|\bpp?+\.\s*+[0-9]++\s*+[-–]\s*+[0-9]"
    r"|:\s*+[0-9]++\s*+[-–]\s*+[0-9]++\s*+\.?+\s*+\Z"
    r"|\A\s*+(?:№|n[o°º]\.)\s*+[0-9]",
    regex.IGNORECASE,
)


@rule("JRN003", "container-title-has-citation", severity="warning", reads=("container",))
def container_title_has_citation(record: Record, ctx: Context) -> Iterator[Violation]:
    """The container title carries volume, issue, year or pages.

    ## What it does
    Reports a container (journal) title that holds citation details: a Vancouver-style
    `year;volume` (`"Nature 2020;580:1-5"`), a trailing `volume(issue)` with or without
    pages (`"The Astrophysical Journal 208(2)"`, `"GMS Med Bibl Inf; 15(1-2):Doc10"`),
    `Vol. N, No. M`, a `pp.` page range, a trailing `:first-last` page range, or an issue
    label instead of a title (`"№249 (2018)"`). A year alone (`"2020 IEEE International
    Conference on ..."`), a volume alone (`"LIPIcs, Volume 22, TQC 2013"`) and version
    numbers (`"Pro jQuery 2.0"`) are names, not citations, and are not reported.

    ## Why is this bad?
    The container no longer matches the journal's name anywhere else: grouping by journal,
    ISSN lookups by title and citation formatting (which adds volume and pages again) all
    go wrong, and the details it holds are missing from their own fields.

    ## Example
    ```json
    {"journal": {"name": "J Endovasc Ther. 2025;32(4):1123-1131", "volume": null}}
    ```
    Use instead:
    ```json
    {"journal": {"name": "J Endovasc Ther", "volume": "32", "pages": "1123-1131"}}
    ```

    ## Fix
    None: splitting the citation into its fields is a judgement left to a person.
    """
    container = record.field("container")
    if container is None or not isinstance(container.value, str):
        return
    text = container.value
    if len(text) > 2000 or not _has_digit(text):
        return
    match = _CITATION_RE.search(text)
    if match is not None:
        yield Violation(f"container title {_shown(text)} carries citation details "
                        f"({_shown(match.group().strip(), 20)})", container.pointer)


def _has_digit(text: str) -> bool:
    """Whether a character of ``text`` is a digit (``str.isdigit``: superscripts too). In
    ASCII text only 0-9 are, and one search in C finds them."""
    if text.isascii():
        return _ASCII_DIGIT_RE.search(text) is not None
    return any(c.isdigit() for c in text)


_ASCII_DIGIT_RE = re.compile("[0-9]")

QUARTILES = frozenset({"Q1", "Q2", "Q3", "Q4"})
REGION_ZONES = range(1, 5)
IF_RANGE = (0.0, 500.0)
"""Plausible journal impact factors (the highest JCR values are in the low hundreds)."""
METRIC_KEYS = ("PeriodicalIF", "JCR", "RegionNum")
"""The aggregator's journal metrics: JCR impact factor, JCR quartile, CAS zone."""
_METRIC_YEAR_KEY_RE = regex.compile(
    r"(?:if|jcr|metric|metrics|region|cas|quartile|impact)_?+year|year_?+(?:if|jcr|metric)",
    regex.IGNORECASE,
)


def _number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str):
        try:
            number = float(value.strip())
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, str) and not value.strip())


@rule("JRN004", "journal-metric-invalid", severity="warning", reads=RECORD)
def journal_metric_invalid(record: Record, ctx: Context) -> Iterator[Violation]:
    """A journal metric of the aggregator is out of range, or has no year.

    ## What it does
    Checks the aggregator's journal-metric fields: `JCR` must be one of `Q1`-`Q4`,
    `RegionNum` (the CAS journal zone) a number from 1 to 4, and `PeriodicalIF` (the JCR
    impact factor) a number from 0 to 500. When any of them is given, the record must also
    say which year the metrics are for (a key such as `IFYear`, `JCRYear` or
    `MetricYear`); without one, a single finding is reported at the first metric. A shape
    that has no key for the year (profile convention `undated-metrics`: the aggregator
    export, whose metrics are the current ones) is not asked for one.

    ## Why is this bad?
    Impact factors, quartiles and zones change every year. A metric without its year is
    compared across years as if it were one value, and silently goes stale in a stored
    record. An out-of-range value is a mapping error (a rank stored as a quartile, a
    percentage as an impact factor).

    ## Example
    ```json
    {"PeriodicalIF": 1.5, "JCR": "Q3", "RegionNum": 2}
    ```
    Use instead:
    ```json
    {"PeriodicalIF": 1.5, "JCR": "Q3", "RegionNum": 2, "MetricYear": 2024}
    ```

    ## Fix
    None: the metric year has to come from the source of the metrics.
    """
    data = record.data
    if not record.profile.has(Convention.JOURNAL_METRICS) or not isinstance(data, dict):
        return
    present = [key for key in METRIC_KEYS if _present(data.get(key))]
    if not present:
        return
    quartile = data.get("JCR")
    if "JCR" in present and (not isinstance(quartile, str) or quartile not in QUARTILES):
        yield Violation(f"JCR quartile {_shown(quartile)} is not one of Q1-Q4", "/JCR")
    zone = _number(data.get("RegionNum"))
    if "RegionNum" in present and (zone is None or zone not in REGION_ZONES):
        yield Violation(f"CAS zone {_shown(data.get('RegionNum'))} is not 1-4", "/RegionNum")
    impact = _number(data.get("PeriodicalIF"))
    if "PeriodicalIF" in present and (impact is None or not
                                      IF_RANGE[0] <= impact <= IF_RANGE[1]):
        yield Violation(f"impact factor {_shown(data.get('PeriodicalIF'))} is not a number "
                        f"from 0 to 500", "/PeriodicalIF")
    if record.profile.has(Convention.UNDATED_METRICS):
        return  # the shape has no key for the year: asking for one would flag every record
    # Every match spells `year` (no other letters fold to y, e, a, r): most keys need no regex.
    if not any(_METRIC_YEAR_KEY_RE.fullmatch(key) for key in data if "year" in key.lower()):
        names = ", ".join(present)
        yield Violation(f"journal metrics ({names}) without the year they are for",
                        f"/{present[0]}")


CATEGORY_CODE, CATEGORY_LABEL = "FirstCategoryId", "RegionCategory"


def _category(data: dict[str, Any], key: str) -> str | None:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return None
    text = str(value).strip()
    return text or None


def _judge_categories(key: Hashable, entries: Sequence[Entry], options: Mapping[str, Any]
                      ) -> Iterator[tuple[Entry, Violation]]:
    kind, value = key if isinstance(key, tuple) else ("", key)
    first = reference(entries, _first_value)
    usual = first.payload[0]
    for entry in entries:
        other = entry.payload[0]
        if other == usual:
            continue
        if kind == "code":
            yield entry, Violation(f"category {value} is {_shown(other)} here but "
                                   f"{_shown(usual)} in {first.where}", f"/{CATEGORY_LABEL}")
        else:
            yield entry, Violation(f"category {_shown(value)} has code {other} here but "
                                   f"{usual} in {first.where}", f"/{CATEGORY_CODE}")


@rule("JRN005", "journal-category-inconsistent", severity="warning", scope="run",
      judge=_judge_categories, max_keys=MAX_TRACKED, alone=True, reads=RECORD)
def journal_category_inconsistent(record: Record, ctx: Context) -> Iterator[Violation | Key]:
    """The aggregator's subject-category code and label disagree.

    ## What it does
    Checks the aggregator's pair `FirstCategoryId` (the site's code of the CAS major
    category) and `RegionCategory` (its label, such as `"医学"`, medicine): reports a code
    without a label or a label without a code in one record, and, across the records of a
    run, a code that goes with two labels or a label that goes with two codes: the label
    most records give a code (or the code most records give a label; a tie: that of the
    record whose key sorts first, never a choice by position) is the reference, and the
    other records are reported. Memory is bounded by the number of categories.

    ## Why is this bad?
    The code and the label are two spellings of one fact. When they drift apart, filtering
    by code and by label gives different sets of journals, and per-category statistics
    (CAS zones are assigned within a category) are computed against the wrong peers.

    ## Example
    Two records of one run:
    ```json
    {"FirstCategoryId": "3", "RegionCategory": "医学", "JCR": "Q3"}
    {"FirstCategoryId": "3", "RegionCategory": "生物学", "JCR": "Q2"}
    ```
    Use instead: one label per code, in every record.

    ## Fix
    None: the site's category table decides which one is right.
    """
    data = record.data
    if not record.profile.has(Convention.JOURNAL_METRICS) or not isinstance(data, dict):
        return
    if CATEGORY_CODE not in data and CATEGORY_LABEL not in data:
        return
    code, label = _category(data, CATEGORY_CODE), _category(data, CATEGORY_LABEL)
    if code is None and label is None:
        return
    if code is None or label is None:
        missing, given = ((CATEGORY_CODE, CATEGORY_LABEL) if code is None
                          else (CATEGORY_LABEL, CATEGORY_CODE))
        yield Violation(f"{given} is set but {missing} is not", f"/{missing}")
        return
    yield Key(("code", code), (label,))
    yield Key(("label", label), (code,))


def _is_one_of(value: object, kinds: Collection[str]) -> bool:
    """Whether a record's value is one of ``kinds`` (a list or object never is)."""
    return isinstance(value, str) and value in kinds
