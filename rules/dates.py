"""DATE: publication dates."""

from __future__ import annotations

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

from biblint.domain import dates as dateparse
from biblint.domain.dates import (
    AMBIGUOUS,
    DATETIME,
    DMY,
    ISO,
    MDY,
    RANGE,
    SEASON,
    UNKNOWN,
    ParsedDate,
    PartialDate,
    date_parts_value,
    edtf,
    is_edtf,
    parse_date,
    parse_date_parts,
    parse_edtf,
    parse_iso,
)
from biblint.domain.pages import article_number_reason
from biblint.domain.show import shown as _shown
from biblint.domain.spacing import keep_outer_space
from biblint.model import Fix, Violation, split_pointer
from biblint.profiles import Convention, value_at
from biblint.record import Record
from biblint.registry import RECORD, Context, Option, rule

from .pages import record_is_article

YEAR_AS_JANUARY_FIRST = Convention.YEAR_AS_JANUARY_FIRST
"""Profile convention: the shape writes a year-only date as 1 January (OpenAlex's
`publication_date`); only DATE007 speaks of it, as information."""

YEAR_AS_STRING = Convention.YEAR_AS_STRING
"""Profile convention: the year may be a string (DataCite's `publicationYear`)."""

ELECTRONIC_MODELS = frozenset({"Print-Electronic", "Electronic", "Electronic-Print",
                               "Electronic-eCollection"})
"""NLM PubModel values that say the article was published online (with an ArticleDate)."""

ISSUE, EPUB = "issue", "epub"

_STRING_FIELDS = (("publication_date", ISSUE, "publication date"),
                  ("epub_date", EPUB, "epub date"))
_BUDDHIST_ERA = 543
_FIRST_JOURNALS = 1665


@dataclass(frozen=True)
class _DateField:
    """A date value of the record: where, what, how it is written and what it dates."""

    pointer: str
    value: object
    kind: str
    """``string`` (ISO wanted), ``edtf`` (a CSL string date) or ``parts`` (date-parts)."""
    role: str | None
    label: str


@cache
def _label(pointer: str) -> str:
    """How a message names the date at ``pointer``: its key."""
    tokens = split_pointer(pointer)
    return tokens[-1] if tokens else pointer


def _date_fields(record: Record) -> list[_DateField]:
    fields: list[_DateField] = []
    for name, role, label in _STRING_FIELDS:
        found = record.field(name)
        if found is not None and isinstance(found.value, str) and found.value.strip():
            fields.append(_DateField(found.pointer, found.value, "string", role, label))
    found = record.field("issued")
    csl = record.profile.has(Convention.CSL_DATES)
    if found is not None and found.value is not None:
        kind = "edtf" if csl and isinstance(found.value, str) else "parts"
        fields.append(_DateField(found.pointer, found.value, kind, ISSUE, "issued"))
    extra = record.profile.extra_dates
    parts_only = record.profile.has(Convention.DATE_PARTS) and not csl
    if extra and isinstance(record.data, dict):
        for pointer, extra_role in extra:
            value = value_at(record.data, pointer)
            if value is not None:
                kind = ("parts" if not isinstance(value, str) or parts_only
                        else "edtf" if csl else "string")
                fields.append(_DateField(pointer, value, kind, extra_role, _label(pointer)))
    return fields


class _Shown:
    """How a message shows a date: the value as written, or a date's parts as JSON. Made
    into text only when a message is written (most dates have nothing to report); the
    messages interpolate it (``f"{shown}"``)."""

    __slots__ = ("_date", "_text")

    def __init__(self, text: str | None, date: PartialDate | None = None) -> None:
        self._text, self._date = text, date

    def __str__(self) -> str:
        if self._date is not None:
            return json.dumps(self._date.parts())
        return _shown((self._text or "").strip())

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)


def _dates(item: _DateField) -> list[tuple[str, PartialDate, _Shown]]:
    """The dates a field names, each with its pointer and how to show it."""
    out: list[tuple[str, PartialDate, _Shown]] = []
    if item.kind == "parts":
        parts = parse_date_parts(item.value)
        base = f"{item.pointer}/date-parts"
        for index, date in enumerate(parts.dates):
            out.append((f"{base}/{index}", date, _Shown(None, date)))
        return out
    if not isinstance(item.value, str):
        return out
    parsed = parse_edtf(item.value) if item.kind == "edtf" else ParsedDate(UNKNOWN)
    if parsed.form == UNKNOWN:
        parsed = parse_date(item.value)
    if parsed.form in (UNKNOWN, AMBIGUOUS):
        return out
    shown = _Shown(item.value)
    for found in (parsed.start, parsed.end):
        if found is not None:
            out.append((item.pointer, found, shown))
    return out


def _record_fields(record: Record) -> list[_DateField]:
    """:func:`_date_fields`, once per record (five rules read them; read-only)."""
    return record.memo("dates.fields", _date_fields)


def _record_dates(record: Record) -> list[tuple[_DateField, list[tuple[str, PartialDate, _Shown]]]]:
    """Each date field with :func:`_dates` of it, once per record (read-only)."""
    return record.memo("dates.dates",
                       lambda r: [(item, _dates(item)) for item in _record_fields(r)])


def _each_date(record: Record, *, dated_only: bool
               ) -> Iterator[tuple[_DateField, str, PartialDate, _Shown]]:
    """Every date of the record once: a date repeated in another field (Crossref's
    `issued` and `published` copy `published-print` or `published-online`) is given only at
    its first field. ``dated_only`` leaves out fields that do not date the publication."""
    seen: set[PartialDate] = set()
    for item, dates in _record_dates(record):
        if dated_only and item.role is None:
            continue
        for pointer, date, shown in dates:
            if date in seen:
                continue
            seen.add(date)
            yield item, pointer, date, shown





def _year(record: Record) -> tuple[str, int] | None:
    """The year field's pointer and value (a numeric string only where it is the shape's
    convention)."""
    found = record.field("year")
    if found is None:
        return None
    value = found.value
    if isinstance(value, int) and not isinstance(value, bool):
        return found.pointer, value
    if (isinstance(value, str) and YEAR_AS_STRING in record.profile.conventions
            and value.strip().isascii() and value.strip().isdigit() and len(value) < 8):
        return found.pointer, int(value)
    return None


_FORM_PROBLEMS = {
    DATETIME: "a timestamp",
    "basic": "ISO basic format without hyphens",
    "unpadded": "month or day without a leading zero",
    "separated": "another separator than '-'",
    "named": "a month name",
    DMY: "day-month-year order",
    MDY: "month-day-year order",
    AMBIGUOUS: "numbers whose day and month order is ambiguous",
}


@rule("DATE001", "date-format", severity="warning", fix="safe", reads=RECORD)
def date_format(record: Record, ctx: Context) -> Iterator[Violation]:
    """A date is not written as ISO 8601 `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.

    ## What it does
    Checks the publication and epub dates and reports other spellings: `2025-8-23`,
    `2025/08/23`, `20250823`, `2025 Aug 23`, `Aug 23, 2025`, `23/08/2025`, a timestamp
    `2025-08-23T10:00:00Z`, or text that is not a date at all. Also checks date objects:
    `date-parts` that are not a list of one or two dates of at most three numbers
    (`[[2018, 10, 21, 13]]`), numbers written as strings where the shape wants integers
    (Crossref; CSL-JSON allows strings), and, for Crossref, a date written as a string.
    A CSL-JSON date given as a string may use EDTF (`2020-05/2020-06`, `2020-21`, `2019?`).
    Crossref's `[[null]]` (no date known) is its convention and is not reported; date ranges
    and seasons in text (`1998 Dec-1999 Jan`) are DATE009's, impossible dates DATE002's.

    ## Why is this bad?
    Consumers sort, compare and validate dates as ISO 8601 strings (or integer
    date-parts): `2025-8-3` sorts after `2025-12-01`, `05/06/2025` is the 5th of June or
    the 6th of May depending on the reader, and JSON Schema `format: date` rejects all of
    them.

    ## Example
    ```json
    {"publicationDate": "2025/8/23"}
    ```
    Use instead:
    ```json
    {"publicationDate": "2025-08-23"}
    ```

    ## Fix
    Safe when the rewrite is certain: zero padding, hyphens for other separators, the basic
    format, month names, a timestamp at midnight UTC, string date-parts cast to integers, a
    Crossref ISO string turned into date-parts. Unsafe for day-month-year or month-day-year
    order (certain only if the value really is such a date) and for a timestamp whose time
    or offset is dropped, and for date-parts cut to three parts. No fix when day and month
    could be swapped (`05/06/2025`) or the text is not a date.
    """
    csl = record.profile.has(Convention.CSL_DATES)
    for item in _record_fields(record):
        if item.kind == "parts":
            yield from _date_parts_format(item, csl, record.profile.has(Convention.DATE_PARTS))
            continue
        if not isinstance(item.value, str):
            continue
        text = item.value.strip()
        if item.kind == "edtf" and is_edtf(text):
            continue
        parsed = parse_date(text)
        if parsed.form in (ISO, RANGE, SEASON):  # ranges and seasons are DATE009's
            continue
        problem = _FORM_PROBLEMS.get(parsed.form, "text that is not a date")
        fix: Fix | None = None
        iso = parsed.iso()
        if iso is not None and parsed.form != AMBIGUOUS:
            fix = Fix.replace(item.pointer, keep_outer_space(item.value, iso),
                              f"Write the date as {iso}", unsafe=not parsed.certain)
        yield Violation(f"{item.label} {_shown(text)} is not an ISO 8601 date ({problem})",
                        item.pointer, fix)


def _date_parts_format(item: _DateField, csl: bool, parts_only: bool) -> Iterator[Violation]:
    value = item.value
    if isinstance(value, str):
        if not parts_only:
            return
        parsed = parse_date(value)
        fix = None
        if parsed.form == ISO and parsed.valid and parsed.start is not None:
            fix = Fix.replace(item.pointer, {"date-parts": [parsed.start.parts()]},
                              "Write the date as date-parts")
        yield Violation(f"{item.label} is a string ({_shown(value.strip())}), not a "
                        "date-parts object", item.pointer, fix)
        return
    if not isinstance(value, dict) or "date-parts" not in value:
        return
    parts = parse_date_parts(value)
    pointer = f"{item.pointer}/date-parts"
    raw = value["date-parts"]
    if parts.problems:
        fix = None
        only_long = all("parts (at most" in p for _, p in parts.problems)
        if only_long and isinstance(raw, list):
            cut = [d[:3] if isinstance(d, list) else d for d in raw]
            fix = Fix.replace(pointer, cut, "Keep year, month and day", unsafe=True)
        shown = "; ".join(dict.fromkeys(p for _, p in parts.problems))
        yield Violation(f"{item.label} date-parts are malformed ({shown})", pointer, fix)
        return
    if parts.strings and not csl and parts.dates and not parts.open_end:
        fix = Fix.replace(pointer, date_parts_value(parts.dates),
                          "Write the date-parts as integers")
        yield Violation(f"{item.label} date-parts hold numbers as strings", pointer, fix)


@rule("DATE002", "date-impossible", severity="error", reads=RECORD)
def date_impossible(record: Record, ctx: Context) -> Iterator[Violation]:
    """A date does not exist in the calendar (`2025-02-30`, month 13).

    ## What it does
    Reports a publication date, epub date or date object whose month is not 1-12 or whose
    day is not in its month (leap years per the Gregorian calendar, as `datetime.date`
    decides), in any spelling DATE001 reads. In date-parts, the pseudo-months that stand for
    seasons (13-16 in CSL-JSON as citeproc-js and Zotero write them, 21-24 as in EDTF) are
    seasons, not impossible months.

    ## Why is this bad?
    The date cannot be right: a program that builds a real date from it crashes or silently
    moves it (`2025-02-30` becomes 2 March), and the true date is unknown.

    ## Example
    ```json
    {"publicationDate": "2025-02-30"}
    ```
    Use instead (after checking the source):
    ```json
    {"publicationDate": "2025-02"}
    ```

    ## Fix
    None: which part is wrong cannot be known from the record.
    """
    for item, pointer, date, shown in _each_date(record, dated_only=False):
        problem = date.problem
        if problem:
            yield Violation(f"{item.label} {shown} does not exist ({problem})", pointer)


def _today(ctx: Context) -> datetime.date:
    given = ctx.options.get("today")
    if isinstance(given, str):
        parsed = parse_iso(given.strip())
        day = parsed.first_day() if parsed is not None else None
        if day is not None:
            return day
    return dateparse.today()


@rule(
    "DATE003",
    "date-in-future",
    severity="warning",
    options={
        "issue-tolerance-days": Option(
            365, {"type": "integer", "minimum": 0},
            "Days an issue date (publication date, issued, year) may lie ahead of today."),
        "epub-tolerance-days": Option(
            0, {"type": "integer", "minimum": 0},
            "Days an electronic publication date may lie ahead of today."),
        "today": Option(
            None, {"type": ["string", "null"], "format": "date"},
            "The date to compare with (YYYY-MM-DD); today's date when null."),
    },
    reads=RECORD,
)
def date_in_future(record: Record, ctx: Context) -> Iterator[Violation]:
    """A publication date lies in the future, beyond a tolerance.

    ## What it does
    Reports a publication date, issue date (`issued`, Crossref's `published-print`) or year
    whose earliest possible day (1 January for a year, the 1st for a month) is more than
    `issue-tolerance-days` (default 365) after today, and an electronic publication date
    (epub date, Crossref's `published-online` and `posted`) more than `epub-tolerance-days`
    (default 0) after today. Issues are dated ahead (a December issue printed in October,
    next year's volume online-first), articles are not e-published ahead of time. A year
    that is one of the Thai Buddhist era (2549 is 2006) is pointed out as such.

    ## Why is this bad?
    The work cannot have been published yet: the date is mistyped (2052 for 2025), a
    placeholder, or in another calendar. Sorting, embargo checks and "published in the last
    year" filters go wrong.

    ## Example
    ```json
    {"issued": {"date-parts": [[2031, 5]]}}
    ```
    Use instead (after checking the source):
    ```json
    {"issued": {"date-parts": [[2021, 5]]}}
    ```

    ## Fix
    None: the right date needs the source.

    ## Options
    `issue-tolerance-days` (integer, default 365), `epub-tolerance-days` (integer,
    default 0), and `today` (`YYYY-MM-DD`, default null: the date of the run, from
    `biblint.domain.dates.today()`), which makes results reproducible.
    """
    today = _today(ctx)
    tolerance = {ISSUE: int(ctx.options["issue-tolerance-days"]),
                 EPUB: int(ctx.options["epub-tolerance-days"])}
    starts: set[str] = set()
    reported: set[int] = set()
    for item, pointer, date, shown in _each_date(record, dated_only=True):
        if item.pointer in starts or item.role is None or pointer.endswith("/date-parts/1"):
            continue  # the end of a range is not checked: its start is
        starts.add(item.pointer)
        message = _future(date, today, tolerance[item.role])
        if message:
            reported.add(date.year)
            yield Violation(f"{item.label} {shown} {message}", pointer)
    year = _year(record)
    if year is not None and year[1] not in reported:
        message = _future(PartialDate(year[1]), today, tolerance[ISSUE])
        if message:
            yield Violation(f"year {year[1]} {message}", year[0])


def _future(date: PartialDate, today: datetime.date, tolerance: int) -> str:
    if date.year > datetime.MAXYEAR:
        return "is in the future"
    first = date.first_day()
    if first is None or (first - today).days <= tolerance:
        return ""
    days = (first - today).days
    ahead = (f"{days // 365} years" if days >= 730
             else f"{days} day{'s' if days != 1 else ''}")
    hint = ""
    if _FIRST_JOURNALS <= date.year - _BUDDHIST_ERA <= today.year:
        hint = f"; a Buddhist-era year? {date.year} BE is {date.year - _BUDDHIST_ERA} CE"
    return f"lies {ahead} in the future{hint}"


@rule(
    "DATE004",
    "date-implausible",
    severity="warning",
    options={
        "min-year": Option(
            _FIRST_JOURNALS, {"type": "integer"},
            "Earliest plausible year of an article (1665: the first scholarly journals)."),
        "sentinels": Option(
            ["1900-01-01", "1970-01-01"], {"type": "array", "items": {"type": "string"}},
            "Full dates that are placeholders of software rather than publication dates."),
    },
    reads=RECORD,
)
def date_implausible(record: Record, ctx: Context) -> Iterator[Violation]:
    """A date is a placeholder or too early for the work.

    ## What it does
    Reports a year of 0 or below (outside CSL-JSON, where negative years are BC dates and an
    end of `[0]` an open range), a year before `min-year` (default 1665, the first scholarly
    journals) on a record typed as an article, and a full date that software writes when it
    has none (`sentinels`, default `1900-01-01` and `1970-01-01`, the Unix epoch). Checks the
    publication, epub and issue dates and the year. OpenAlex writes a year-only date as
    1 January, so its `1970-01-01` is left alone. Books, datasets and artworks may be old:
    the year check applies to articles only.

    ## Why is this bad?
    A placeholder is not a date: it sorts the work to the start of the collection, makes it
    look digitised from another century, and hides that the real date is unknown.

    ## Example
    ```json
    {"type": "journal-article", "issued": {"date-parts": [[1970, 1, 1]]}}
    ```
    Use instead (when the date is not known):
    ```json
    {"type": "journal-article"}
    ```

    ## Fix
    None: the real date needs the source.

    ## Options
    `min-year` (integer, default 1665) and `sentinels` (list of `YYYY-MM-DD`).
    """
    min_year = int(ctx.options["min-year"])
    sentinels = ctx.options["sentinels"]  # `iso in`: a string only ever equals a string
    csl = record.profile.has(Convention.CSL_DATES)
    january_first = YEAR_AS_JANUARY_FIRST in record.profile.conventions
    article: bool | None = None
    reported: set[int] = set()
    for item, pointer, date, shown in _each_date(record, dated_only=True):
        if not date.valid:
            continue
        if date.year <= 0:
            if not csl:
                reported.add(date.year)
                yield Violation(f"{item.label} {shown} has year {date.year}, a placeholder",
                                pointer)
            continue
        if date.year < min_year:
            article = record_is_article(record) if article is None else article
            if article:
                reported.add(date.year)
                yield Violation(f"{item.label} {shown} is before {min_year}, too early for "
                                "an article", pointer)
            continue
        if date.day is None:
            continue  # a sentinel is a full date
        iso = date.iso()
        if iso in sentinels and not (january_first and iso.endswith("-01-01")):
            yield Violation(f"{item.label} {shown} is a common placeholder date", pointer)
    year = _year(record)
    if year is None or year[1] in reported:
        return
    if year[1] <= 0:
        yield Violation(f"year {year[1]} is a placeholder, not a year", year[0])
    elif year[1] < min_year:
        article = record_is_article(record) if article is None else article
        if article:
            yield Violation(f"year {year[1]} is before {min_year}, too early for an article",
                            year[0])


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@rule("DATE005", "epub-model-inconsistent", severity="warning",
      reads=("doi", "epub_date", "pages", "pub_model"))
def epub_model_inconsistent(record: Record, ctx: Context) -> Iterator[Violation]:
    """The NLM publication model and the epub date contradict each other.

    ## What it does
    For shapes that carry PubMed's `PubModel` and an epub date (the aggregator envelope),
    reports: a model that says the article was published online (`Print-Electronic`,
    `Electronic`, `Electronic-Print`, `Electronic-eCollection`) without an epub date, and an
    empty model with no epub date while the pages are the DOI suffix or an e-locator, the
    mark of an article published online ahead of print. An epub date after the print date
    is DATE008's.

    ## Why is this bad?
    PubMed cites an article by the date its model names: with the electronic date missing
    or contradicting the print date, the citation, embargo and "published ahead of print"
    logic all go wrong, and the record cannot be matched to PubMed's.

    ## Example
    ```json
    {"PubModel": "", "EPubDate": "", "journal": {"pages": "15266028251361770"},
     "doi": "10.1177/15266028251361770"}
    ```
    Use instead (with the dates from PubMed):
    ```json
    {"PubModel": "Print-Electronic", "EPubDate": "2025-08-23",
     "journal": {"pages": null}, "doi": "10.1177/15266028251361770"}
    ```

    ## Fix
    None: the missing date must come from the source.
    """
    if not record.profile.pointers("pub_model") or not record.profile.pointers("epub_date"):
        return
    model_field, epub_field = record.field("pub_model"), record.field("epub_date")
    model = model_field.value if model_field is not None else None
    model_text = model.strip() if isinstance(model, str) else ""
    epub = epub_field.value if epub_field is not None else None
    if model_field is not None and model_text in ELECTRONIC_MODELS:
        if _blank(epub):
            where = epub_field or model_field
            yield Violation(f"PubModel {_shown(model_text)} says the article was published "
                            "online, but there is no epub date", where.pointer)
        return  # an epub date after the print date is DATE008's
    if model_text or not _blank(epub) or model_field is None:
        return
    pages = record.value("pages")
    if isinstance(pages, int) and not isinstance(pages, bool):
        pages = str(pages)
    reason = article_number_reason(pages, record.value("doi"))
    if reason is not None and isinstance(pages, str):
        yield Violation(f"PubModel and epub date are empty, but pages "
                        f"{_shown(pages.strip())} {reason[0]}: the article was published "
                        "online", model_field.pointer)


LATE_ISSUE_MODELS = frozenset({"Electronic-Print", "Electronic-eCollection"})
"""NLM PubModel values under which the issue's cover date may precede the electronic
publication (the article was collected into an issue, or a late print issue, dated
earlier)."""


@rule(
    "DATE008",
    "epub-after-print",
    severity="warning",
    options={
        "min-days": Option(31, {"type": "integer", "minimum": 0},
                           "Days the epub date may follow the end of the print date (none "
                           "under PubModel Print-Electronic, which says online came first)."),
        "max-days": Option(1095, {"type": "integer", "minimum": 1},
                           "Past this many days, a later online date is a digitised back "
                           "issue, not an epub date."),
    },
    reads=RECORD,
)
def epub_after_print(record: Record, ctx: Context) -> Iterator[Violation]:
    """The electronic publication date is months after the print publication date.

    ## What it does
    For shapes whose dates follow NLM's publication model (they carry its `PubModel`: the
    aggregator envelope, PubMed-derived records), compares each date the shape marks as the
    electronic publication (the aggregator's `EPubDate`) with the dates of the issue (its
    `publicationDate`), and reports an epub date more than `min-days` (60) after the end of every
    issue date, read at its precision (an issue date `2020-03` ends on 31 March). Not
    reported: a gap above `max-days` (1095: an online date years after print is the
    digitisation of a back issue), and records whose NLM model says the issue date may
    come first (`Electronic-Print`, `Electronic-eCollection`). Shapes without the model
    (Crossref's `published-online` after `published-print`: a book put online after its
    print edition, an issue dated by its first month) are not compared.

    ## Why is this bad?
    Online publication comes first or with the print issue: an epub date months after the
    print date usually holds another event (a correction, a re-deposit, a later online
    version) or a typing error, and citation, embargo and "published ahead of print" logic
    read the wrong date.

    ## Example
    ```json
    {"PubModel": "Print-Electronic", "publicationDate": "2020-01", "EPubDate": "2020-06-15"}
    ```
    Use instead (with the dates from PubMed):
    ```json
    {"PubModel": "Print-Electronic", "publicationDate": "2020-01", "EPubDate": "2019-12-15"}
    ```

    ## Fix
    None: which date is wrong needs the source.

    ## Options
    - `min-days` (integer, default 31): days an epub date may follow the print date.
    - `max-days` (integer, default 1095): a longer gap is a digitised back issue.
    """
    if not record.profile.pointers("pub_model"):
        return  # dates outside NLM's model: an online date after an issue date is common
    model = record.value("pub_model")
    if isinstance(model, str) and model.strip() in LATE_ISSUE_MODELS:
        return
    issue_ends: list[datetime.date] = []
    epubs: list[tuple[_DateField, str, datetime.date, _Shown]] = []
    for item, dates in _record_dates(record):
        for pointer, date, shown in dates[:1]:  # a range's start
            if item.role == ISSUE:
                end = date.last_day()
                if end is not None:
                    issue_ends.append(end)
            elif item.role == EPUB:
                start = date.first_day()
                if start is not None:
                    epubs.append((item, pointer, start, shown))
    if not issue_ends or not epubs:
        return
    latest = max(issue_ends)
    low, high = ctx.options["min-days"], ctx.options["max-days"]
    if isinstance(model, str) and model.strip() == "Print-Electronic":
        low = 0  # the model itself says the electronic version came first
    for item, pointer, start, shown in epubs:
        gap = (start - latest).days
        if low < gap <= high:
            months = max(1, start.year * 12 + start.month - latest.year * 12 - latest.month)
            yield Violation(f"{item.label} {shown} is {months} month{'s' if months > 1 else ''} "
                            f"after the print date", pointer)


# Reports `issued` and nothing without it (the system dates are read beside it).
@rule("DATE006", "crossref-system-date", severity="warning", reads=("issued",))
def crossref_system_date(record: Record, ctx: Context) -> Iterator[Violation]:
    """Crossref's `issued` is a system date (`created`, `deposited`, `indexed`).

    ## What it does
    For Crossref works, reports an `issued` date given to the day that equals the day the
    DOI record was created, deposited or indexed while no publication date of the work
    (`published`, `published-print`, `published-online`, `posted`, `accepted`, ...) carries
    it. Crossref derives `issued` from the publication dates; an `issued` that only a system
    date explains was filled from the wrong field on the way.

    ## Why is this bad?
    `created`, `deposited` and `indexed` record when Crossref's metadata changed, not when
    the work appeared: a 1997 article deposited in 2013 then looks like a 2013 article
    (SuLab/WikidataIntegrator#191), and every date-based filter is off.

    ## Example
    ```json
    {"DOI": "10.1000/x", "issued": {"date-parts": [[2019, 5, 3]]},
     "created": {"date-parts": [[2019, 5, 3]], "date-time": "2019-05-03T10:00:00Z"}}
    ```
    Use instead (the publication date from the deposit):
    ```json
    {"DOI": "10.1000/x", "issued": {"date-parts": [[2017, 11]]},
     "published-print": {"date-parts": [[2017, 11]]},
     "created": {"date-parts": [[2019, 5, 3]], "date-time": "2019-05-03T10:00:00Z"}}
    ```

    ## Fix
    None: the publication date must come from the source.
    """
    system = record.profile.system_dates
    if not system or not isinstance(record.data, dict):
        return
    found = record.field("issued")
    if found is None:
        return
    issued = parse_date_parts(found.value)
    if len(issued.dates) != 1 or issued.dates[0].day is None:
        return
    day = issued.dates[0]
    data = record.data
    for pointer in record.profile.publication_dates:
        value = value_at(data, pointer)
        if value is not None and day in parse_date_parts(value).dates:
            return
    for pointer in system:
        value = value_at(data, pointer)
        if value is not None and parse_date_parts(value).dates[:1] == (day,):
            key = _label(pointer)
            yield Violation(f"issued {day.iso()} is the {key} date of the DOI record, not a "
                            "publication date", f"{found.pointer}/date-parts/0")
            return


@rule("DATE007", "date-january-first", severity="info", reads=("publication_date",))
def date_january_first(record: Record, ctx: Context) -> Iterator[Violation]:
    """A 1 January publication date may stand for the year only (OpenAlex).

    ## What it does
    For shapes that write a year-only date as 1 January (profile convention
    `year-as-january-first`: OpenAlex's `publication_date` is always `YYYY-MM-DD`), reports
    a publication date of 1 January as information: it may be a real date, or only a year.
    Quiet for every other shape, where 1 January means 1 January.

    ## Why is this bad?
    Nothing is wrong with the record as OpenAlex writes it, but a consumer that reads the
    date as day-precise gets a precision the source does not have: "published in
    January" counts, date-ordered feeds and merges with a source that knows the real day
    (Crossref `[[2009, 6, 15]]`) go wrong.

    ## Example
    ```json
    {"id": "https://openalex.org/W1", "publication_date": "2009-01-01",
     "publication_year": 2009}
    ```
    When merging, prefer a dated source, or keep only the year:
    ```json
    {"publication_year": 2009}
    ```

    ## Fix
    None: OpenAlex's shape requires a full date, and whether the day is real needs another
    source.
    """
    if YEAR_AS_JANUARY_FIRST not in record.profile.conventions:
        return
    found = record.field("publication_date")
    if found is None or not isinstance(found.value, str):
        return
    date = parse_iso(found.value.strip())
    if date is not None and date.month == 1 and date.day == 1:
        yield Violation(f"publication date {date.iso()} may stand for the year {date.year} "
                        "only (written as 1 January)", found.pointer)


@rule("DATE009", "date-free-text", severity="warning", fix="unsafe", reads=RECORD)
def date_free_text(record: Record, ctx: Context) -> Iterator[Violation]:
    """A date field holds a date range or a season in free text (`1998 Dec-1999 Jan`).

    ## What it does
    Reports a publication or epub date written as PubMed's free-text `MedlineDate`
    (`1998 Dec-1999 Jan`, `1993 Sep-Oct`, `2001 Jan 15-21`), a year range (`1999-2000`), an
    interval (`2020-05/2020-06`) or a season (`2020 Spring`, `Winter 2019`), and a CSL-JSON
    string date so written (CSL's EDTF strings `1998-12/1999-01` and `2020-21` are fine).

    ## Why is this bad?
    A single-date field cannot hold a range: ISO parsers reject the value, sorting puts it
    among the text, and the first date (the one citation styles print) is not where
    consumers look for it.

    ## Example
    ```json
    {"publicationDate": "1998 Dec-1999 Jan"}
    ```
    Use instead:
    ```json
    {"publicationDate": "1998-12"}
    ```

    ## Fix
    Unsafe for a single-date field: the value becomes the start of the range (`1998-12`) or
    the year of the season (`2020`), and the rest is lost. Safe for a CSL-JSON string date:
    it becomes the same range or season in EDTF (`1998-12/1999-01`, `2020-21`).
    """
    for item in _record_fields(record):
        if item.kind == "parts" or not isinstance(item.value, str):
            continue
        text = item.value.strip()
        if item.kind == "edtf" and is_edtf(text):
            continue
        parsed = parse_date(text)
        if parsed.form not in (RANGE, SEASON):
            continue
        what = "a season" if parsed.form == SEASON else "a date range"
        fix: Fix | None = None
        if item.kind == "edtf":
            written = edtf(parsed)
            if written is not None:
                fix = Fix.replace(item.pointer, written, f"Write it in EDTF as {written}")
        elif parsed.start is not None and parsed.start.valid:
            start = parsed.start.iso()
            fix = Fix.replace(item.pointer, keep_outer_space(item.value, start),
                              f"Keep the start, {start}", unsafe=True)
        yield Violation(f"{item.label} {_shown(text)} is {what} in free text", item.pointer, fix)
