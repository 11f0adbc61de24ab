"""Dates as bibliographic records write them: parsing for the DATE rules.

Covers ISO 8601 calendar dates (``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD``) and the other spellings
met in records (``2025-8-3``, ``2025/08/23``, ``20250823``, ``2025 Aug 23``, ``23/08/2025``,
timestamps), PubMed's free-text ``MedlineDate`` (``1998 Dec-1999 Jan``, ``1993 Sep-Oct``) and
seasons (``2020 Spring``), and the ``date-parts`` of Crossref and CSL-JSON (``[[2025, 8, 23]]``,
``[[null]]``, strings inside, ranges, CSL's season months 13-16 and EDTF's 21-24).

Validity is decided by :class:`datetime.date` (never by a fuzzy parser). Every function is pure
and never raises, whatever string or JSON value it is given; regexes are anchored, bounded and
linear-time.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

import regex

from .show import shown

MONTHS: dict[str, int] = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3, "apr": 4,
    "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7, "aug": 8, "august": 8,
    "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10, "nov": 11,
    "november": 11, "dec": 12, "december": 12,
}
"""English month names and abbreviations (PubMed writes ``Jan``...``Dec``), lower case."""

SEASONS: dict[str, int] = {"spring": 1, "summer": 2, "autumn": 3, "fall": 3, "winter": 4}
"""Season names and their CSL numbers (``"season": 1`` is spring ... 4 winter)."""

SEASON_MONTHS: dict[int, int] = {13: 1, 14: 2, 15: 3, 16: 4, 21: 1, 22: 2, 23: 3, 24: 4}
"""Pseudo-months that stand for a season in date-parts: 13-16 (citeproc-js, Zotero/Better
BibTeX) and 21-24 (EDTF, Crossref's deposit schema). Not impossible months."""

MAX_TEXT = 64
"""Longer strings are not dates: they are reported as unknown without further work."""

# Forms of a date string (ParsedDate.form).
ISO = "iso"
"""``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``: the form every rule wants."""
DATETIME = "datetime"
"""An ISO 8601 date with a time: ``2025-08-23T10:00:00Z``."""
BASIC = "basic"
"""ISO 8601 basic format: ``20250823``."""
UNPADDED = "unpadded"
"""Hyphens without zero padding: ``2025-8-3``."""
SEPARATED = "separated"
"""Year first with another separator: ``2025/08/23``, ``2025.8.23``."""
NAMED = "named"
"""A month name: ``2025 Aug 23``, ``Aug 23, 2025``, ``23 August 2025``, ``August 2025``."""
DMY = "dmy"
"""Day first, unambiguous because the day is over 12: ``23/08/2025``."""
MDY = "mdy"
"""Month first, unambiguous because the day is over 12: ``08/23/2025``."""
AMBIGUOUS = "ambiguous"
"""Day and month could be swapped: ``05/06/2025``."""
RANGE = "range"
"""Two dates: MedlineDate ``1998 Dec-1999 Jan``, ``1993 Sep-Oct``, ``1999-2000``, or an ISO
interval ``2020-05/2020-06``."""
SEASON = "season"
"""A season: ``2020 Spring``, ``Winter 2019``."""
UNKNOWN = "unknown"
"""Anything else."""

_FIXED_FORMS = frozenset({ISO, BASIC, UNPADDED, SEPARATED, NAMED})
"""Forms whose ISO spelling is certain: rewriting them is meaning-preserving."""


@dataclass(frozen=True)
class PartialDate:
    """A date of year, year-month or year-month-day precision, or a season of a year.

    The parts are kept as read, so an impossible date (``2025-02-30``) can be represented and
    reported; :attr:`valid` says whether it exists in the (proleptic Gregorian) calendar.
    """

    year: int
    month: int | None = None
    day: int | None = None
    season: int | None = None
    """1 spring, 2 summer, 3 autumn, 4 winter (CSL's numbering); ``month`` is then None."""

    @property
    def precision(self) -> str:
        if self.day is not None:
            return "day"
        if self.month is not None:
            return "month"
        return "season" if self.season is not None else "year"

    @property
    def valid(self) -> bool:
        """Whether the date exists: a month 1-12, a day within its month, a season 1-4."""
        return not self.problem

    @property
    def problem(self) -> str:
        """Why the date does not exist (``"month 13"``, ``"day 30 of February"``), or ``""``."""
        if self.season is not None:
            if not 1 <= self.season <= 4:
                return f"season {self.season}"
            if self.month is not None or self.day is not None:
                return "a day or month with a season"
            return ""
        if self.month is None:
            return "a day without a month" if self.day is not None else ""
        if not 1 <= self.month <= 12:
            return f"month {self.month}"
        if self.day is None:
            return ""
        last = days_in_month(self.year, self.month)
        if not 1 <= self.day <= last:
            return f"day {self.day} of {_MONTH_NAMES[self.month - 1]}" + (
                f" {self.year}" if self.month == 2 else "")
        return ""

    def iso(self) -> str:
        """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (a season gives its year)."""
        year = f"{self.year:04d}" if self.year >= 0 else f"-{-self.year:04d}"
        if self.month is None:
            return year
        if self.day is None:
            return f"{year}-{self.month:02d}"
        return f"{year}-{self.month:02d}-{self.day:02d}"

    def parts(self) -> list[int]:
        """The date as date-parts (``[2025, 8]``); a season keeps only its year."""
        out = [self.year]
        if self.month is not None:
            out.append(self.month)
            if self.day is not None:
                out.append(self.day)
        return out

    def first_day(self) -> datetime.date | None:
        """The earliest day the date can mean (a year: 1 January; a season: 1 January, as
        a winter may begin the year), or None when invalid or outside years 1-9999."""
        if not self.valid or not datetime.MINYEAR <= self.year <= datetime.MAXYEAR:
            return None
        return datetime.date(self.year, self.month or 1, self.day or 1)

    def last_day(self) -> datetime.date | None:
        """The latest day the date can mean, or None when invalid or out of range."""
        if not self.valid or not datetime.MINYEAR <= self.year <= datetime.MAXYEAR:
            return None
        if self.month is None:
            return datetime.date(self.year, 12, 31)
        return datetime.date(self.year, self.month,
                             self.day or days_in_month(self.year, self.month))


_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def days_in_month(year: int, month: int) -> int:
    """Days of ``month`` (1-12) in ``year`` (any integer: proleptic Gregorian leap rule)."""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


@dataclass(frozen=True)
class ParsedDate:
    """What a date string is: its form, and the date(s) it names (None when unknown)."""

    form: str
    start: PartialDate | None = None
    end: PartialDate | None = None
    """The second date of a range."""
    exact_time: bool = True
    """For a timestamp: False when its time or offset carries information (not midnight
    UTC), so dropping it is a judgement."""

    @property
    def valid(self) -> bool:
        """A date was read and every date read exists in the calendar."""
        return (self.start is not None and self.start.valid
                and (self.end is None or self.end.valid))

    def iso(self) -> str | None:
        """The ISO 8601 form of the (start) date, or None when there is none or it is invalid."""
        return self.start.iso() if self.start is not None and self.start.valid else None

    @property
    def certain(self) -> bool:
        """Whether rewriting the value as :meth:`iso` keeps its meaning exactly."""
        if self.form in _FIXED_FORMS:
            return True
        return self.form == DATETIME and self.exact_time


_WS = r"[ \t\u00a0]"
# The numeric patterns are the standard library's ``re`` (a call costs a quarter of a
# ``regex`` call): explicit ASCII classes and literals only, no flags, so they mean there
# what they mean to ``regex`` (a test holds them to it); they see at most MAX_TEXT characters.
_ISO_RE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")
_DATETIME_RE = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})[Tt ]([0-9]{2}):([0-9]{2})"
    r"(?::([0-9]{2})(?:[.,]([0-9]{1,9}))?)?"
    r"(Z|z|[+-][0-9]{2}(?::?[0-9]{2})?)?"
)
_BASIC_RE = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
_YEAR_FIRST_RE = re.compile(r"([0-9]{4})([-/.])([0-9]{1,2})(?:\2([0-9]{1,2}))?")
_NUMERIC_RE = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]{4})")
_WORD = r"\p{L}{3,9}\.?"
_DAY = r"[0-9]{1,2}(?:st|nd|rd|th)?"
_NAMED_RE = regex.compile(
    rf"(?:(?P<y1>[0-9]{{4}}),?{_WS}+(?P<w1>{_WORD})(?:{_WS}+(?P<d1>{_DAY}))?"
    rf"|(?P<w2>{_WORD})(?:{_WS}+(?P<d2>{_DAY}))?,?(?:{_WS}+|-)(?P<y2>[0-9]{{4}})"
    rf"|(?P<d3>{_DAY})(?:{_WS}+|[-.])(?P<w3>{_WORD})(?:,?{_WS}+|[-.])(?P<y3>[0-9]{{4}}))",
    regex.IGNORECASE,
)
# A MedlineDate range: the left side is "1998", "1998 Dec", "1998 Dec 28" or "Spring 1998";
# the right side "1999", "1999 Jan", "Jan", "Jan 3", "Oct 2001" or a day ("2001 Jan 15-21").
_LEFT = (rf"(?P<ly>[0-9]{{4}})(?:{_WS}+(?P<lw>{_WORD})(?:{_WS}+(?P<ld>{_DAY}))?)?"
         rf"|(?P<lw2>{_WORD}){_WS}+(?P<ly2>[0-9]{{4}})")
_RIGHT = (rf"(?P<ry>[0-9]{{4}})(?:{_WS}+(?P<rw>{_WORD})(?:{_WS}+(?P<rd>{_DAY}))?)?"
          rf"|(?P<rw2>{_WORD})(?:{_WS}+(?P<rd2>{_DAY}))?(?:{_WS}+(?P<ry2>[0-9]{{4}}))?"
          rf"|(?P<rd3>[0-9]{{1,2}})")
_RANGE_RE = regex.compile(
    rf"(?:{_LEFT}){_WS}*[-\u2010-\u2014/]{_WS}*(?:{_RIGHT})", regex.IGNORECASE
)
_SEASON_RE = regex.compile(
    rf"(?:(?P<y1>[0-9]{{4}}),?{_WS}+(?P<s1>\p{{L}}{{4,6}})|(?P<s2>\p{{L}}{{4,6}}),?{_WS}+"
    rf"(?P<y2>[0-9]{{4}}))",
    regex.IGNORECASE,
)
_EDTF_RE = re.compile(
    r"-?[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?[?~%]?"
    r"(?:/(?:\.\.|-?[0-9]{4}(?:-[0-9]{2}(?:-[0-9]{2})?)?[?~%]?)?)?"
)
"""The EDTF subset CSL-JSON allows for a date given as a string (``2020-05``, ``2020-21``
(a season), ``2019?``, ``2020-05/2020-06``, ``2014-12-31/..``)."""


def today() -> datetime.date:
    """Today's date. Rules call this at check time: tests may monkeypatch it."""
    return datetime.date.today()


def parse_iso(text: object) -> PartialDate | None:
    """The date of a strict ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` (validity not checked)."""
    if not isinstance(text, str) or len(text) > 10:
        return None
    match = _ISO_RE.fullmatch(text)
    if match is None:
        return None
    return PartialDate(int(match[1]), _int(match[2]), _int(match[3]))


def parse_date(text: object) -> ParsedDate:
    """What the string ``text`` is as a date (see the form constants). Never raises."""
    if not isinstance(text, str):
        return ParsedDate(UNKNOWN)
    return _parse_date(text)


@lru_cache(maxsize=1024)
def _parse_date(text: str) -> ParsedDate:
    """:func:`parse_date` of a string, cached (a pure function; the result is frozen): the
    DATE rules parse the same values of a record again and again."""
    value = text.strip()
    if not value or len(value) > MAX_TEXT:
        return ParsedDate(UNKNOWN)
    iso = parse_iso(value)
    if iso is not None:
        return ParsedDate(ISO, iso)
    for parse in (_parse_datetime, _parse_numeric, _parse_named, _parse_range, _parse_season):
        parsed = parse(value)
        if parsed is not None:
            return parsed
    return ParsedDate(UNKNOWN)


def is_edtf(text: object) -> bool:
    """Whether ``text`` is in the EDTF subset a CSL-JSON string date may use."""
    return (isinstance(text, str) and len(text) <= MAX_TEXT
            and _EDTF_RE.fullmatch(text) is not None)


_EDTF_DATE_RE = re.compile(r"(-?[0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?[?~%]?")


def parse_edtf(text: object) -> ParsedDate:
    """A CSL-JSON string date (the EDTF subset of :func:`is_edtf`): form ``iso`` for one
    date, ``range`` for an interval (an open end ``..`` gives no end); months 21-24 are
    seasons. Form ``unknown`` when ``text`` is not in the subset. Never raises."""
    if not isinstance(text, str) or not is_edtf(text):
        return ParsedDate(UNKNOWN)
    first, slash, second = text.partition("/")
    start = _edtf_date(first)
    if not slash:
        return ParsedDate(ISO, start)
    end = _edtf_date(second) if second and second != ".." else None
    return ParsedDate(RANGE, start, end)


def _edtf_date(text: str) -> PartialDate | None:
    match = _EDTF_DATE_RE.fullmatch(text)
    if match is None:
        return None
    year, month, day = int(match[1]), _int(match[2]), _int(match[3])
    if month is not None and day is None and month in SEASON_MONTHS:
        return PartialDate(year, season=SEASON_MONTHS[month])
    return PartialDate(year, month, day)


def edtf(parsed: ParsedDate) -> str | None:
    """A range or season as a CSL/EDTF string (``1998-12/1999-01``, ``2020-21``), or None
    when a date is missing or invalid."""
    dates = [d for d in (parsed.start, parsed.end) if d is not None]
    if not dates or not all(d.valid for d in dates):
        return None
    return "/".join(_edtf_text(d) for d in dates)


def _edtf_text(date: PartialDate) -> str:
    if date.season is not None:
        return f"{date.iso()}-{20 + date.season}"
    return date.iso()


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def _day(text: str | None) -> int | None:
    if not text:
        return None
    digits = text.rstrip("stndrhSTNDRH")
    return int(digits) if digits.isdigit() else None


def _parse_datetime(value: str) -> ParsedDate | None:
    match = _DATETIME_RE.fullmatch(value)
    if match is None:
        return None
    date = PartialDate(int(match[1]), int(match[2]), int(match[3]))
    midnight = match[4] == "00" and match[5] == "00" and (match[6] or "00") == "00" and not (
        match[7] and match[7].strip("0"))
    utc = match[8] is None or match[8] in ("Z", "z") or not match[8][1:].replace(":", "").strip("0")
    return ParsedDate(DATETIME, date, exact_time=midnight and utc)


def _parse_numeric(value: str) -> ParsedDate | None:
    match = _BASIC_RE.fullmatch(value)
    if match is not None:
        return ParsedDate(BASIC, PartialDate(int(match[1]), int(match[2]), int(match[3])))
    match = _YEAR_FIRST_RE.fullmatch(value)
    if match is not None:
        form = UNPADDED if match[2] == "-" else SEPARATED
        return ParsedDate(form, PartialDate(int(match[1]), int(match[3]), _int(match[4])))
    match = _NUMERIC_RE.fullmatch(value)
    if match is None:
        return None
    first, second, year = int(match[1]), int(match[3]), int(match[4])
    if first == second or (first > 12 and second <= 12):
        return ParsedDate(DMY, PartialDate(year, second, first))
    if second > 12 and first <= 12:
        return ParsedDate(MDY, PartialDate(year, first, second))
    if first <= 12 and second <= 12:
        return ParsedDate(AMBIGUOUS, PartialDate(year, second, first))
    return None


def _month(word: str | None) -> int | None:
    if not word:
        return None
    return MONTHS.get(word.rstrip(".").lower())


def _season(word: str | None) -> int | None:
    if not word:
        return None
    return SEASONS.get(word.rstrip(".").lower())


def _parse_named(value: str) -> ParsedDate | None:
    match = _NAMED_RE.fullmatch(value)
    if match is None:
        return None
    for year, word, day in (("y1", "w1", "d1"), ("y2", "w2", "d2"), ("y3", "w3", "d3")):
        if match[year] is None:
            continue
        month = _month(match[word])
        if month is None:
            return None
        return ParsedDate(NAMED, PartialDate(int(match[year]), month, _day(match[day])))
    return None


def _parse_season(value: str) -> ParsedDate | None:
    match = _SEASON_RE.fullmatch(value)
    if match is None:
        return None
    year = match["y1"] or match["y2"]
    season = _season(match["s1"] or match["s2"])
    if season is None or year is None:
        return None
    return ParsedDate(SEASON, PartialDate(int(year), season=season))


def _side(year: str | None, word: str | None, day: str | None) -> PartialDate | None:
    """One side of a range; a word is a month or a season."""
    if year is None:
        return None
    if word is None:
        return PartialDate(int(year), None, _day(day))
    month = _month(word)
    if month is not None:
        return PartialDate(int(year), month, _day(day))
    season = _season(word)
    if season is not None and day is None:
        return PartialDate(int(year), season=season)
    return None


def _parse_range(value: str) -> ParsedDate | None:
    if "/" in value:
        first, _, second = value.partition("/")
        if "/" in second:
            return None
        start, end = parse_date(first), parse_date(second)
        if start.form in (ISO, DATETIME) and end.form in (ISO, DATETIME):
            return ParsedDate(RANGE, start.start, end.start)
        if not (start.form == ISO and end.form == UNKNOWN and second.strip() in ("", "..")):
            return None
        return ParsedDate(RANGE, start.start, None)
    match = _RANGE_RE.fullmatch(value)
    if match is None:
        return None
    if match["ly"] is not None:
        left = _side(match["ly"], match["lw"], match["ld"])
    else:
        left = _side(match["ly2"], match["lw2"], None)
    if left is None:
        return None
    if match["ry"] is not None:
        right = _side(match["ry"], match["rw"], match["rd"])
    elif match["rw2"] is not None:
        right = _side(match["ry2"] or str(left.year), match["rw2"], match["rd2"])
    else:  # a day: "2001 Jan 15-21"
        if left.day is None or left.month is None:
            return None
        right = PartialDate(left.year, left.month, _day(match["rd3"]))
    if right is None:
        return None
    if "season" in (left.precision, right.precision) and left.precision != right.precision:
        return None
    return ParsedDate(RANGE, left, right)


# -- date-parts -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DateParts:
    """A ``{"date-parts": [[Y, M, D], [Y, M, D]]}`` value as read.

    ``dates`` holds the one or two dates read (CSL's open end ``[0]`` is left out and sets
    ``open_end``); ``problems`` says what is malformed, each with the index of its date.
    """

    dates: tuple[PartialDate, ...] = ()
    empty: bool = False
    """No date: ``[[null]]`` (Crossref's way of saying unknown), ``[]`` or no date-parts."""
    strings: bool = False
    """Some part is a number written as a string (``[["2015", 8]]``)."""
    open_end: bool = False
    problems: tuple[tuple[int, str], ...] = ()
    too_long: bool = False
    """Some date has more than three parts (``[[2018, 10, 21, 13]]``)."""


def _part(value: object) -> tuple[int | None, str]:
    """A date part as an integer, and a problem (``""`` when none)."""
    if isinstance(value, bool):
        return None, f"part {shown(value)} is not a number"
    if isinstance(value, int):
        return value, ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e6:
            return int(value), f"part {shown(value)} is not an integer"
        return None, "part is not an integer"
    if isinstance(value, str):
        text = value.strip()
        body = text[1:] if text.startswith("-") else text
        if body.isascii() and body.isdigit() and len(body) <= 6:
            return int(text), ""
        return None, f"part {shown(value, 20)} is not a number"
    return None, f"part of type {type(value).__name__} is not a number"


def parse_date_parts(value: object) -> DateParts:
    """Read a date object with ``date-parts``. Never raises."""
    if not isinstance(value, dict):
        return DateParts(problems=((0, "not a date object"),))
    parts = value.get("date-parts")
    if parts is None:
        return DateParts(empty=True)
    if not isinstance(parts, list):
        return DateParts(problems=((0, "date-parts is not a list"),))
    if not parts:
        return DateParts(empty=True)
    dates: list[PartialDate] = []
    problems: list[tuple[int, str]] = []
    strings = open_end = too_long = False
    empty = True
    for index, item in enumerate(parts[:3]):
        if index == 2:
            problems.append((index, "more than two dates"))
            break
        if not isinstance(item, list):
            problems.append((index, "a date is not a list"))
            continue
        if not item:
            problems.append((index, "an empty date"))
            continue
        if len(item) > 3:
            too_long = True
            problems.append((index, f"{len(item)} parts (at most year, month, day)"))
        numbers: list[int] = []
        bad = ""
        for raw in item[:3]:
            if raw is None:
                break
            number, problem = _part(raw)
            if problem:
                bad = bad or problem
            if number is None:
                break
            strings = strings or isinstance(raw, str)
            numbers.append(number)
        if bad:
            problems.append((index, bad))
        if not numbers:
            continue
        empty = False
        if index == 1 and numbers == [0]:
            open_end = True  # citeproc-js: an end of [0] is an open range ("2014-")
            continue
        dates.append(_from_parts(numbers))
    return DateParts(tuple(dates), empty and not problems, strings, open_end, tuple(problems),
                     too_long)


def _from_parts(numbers: Sequence[int]) -> PartialDate:
    year = numbers[0]
    month = numbers[1] if len(numbers) > 1 else None
    day = numbers[2] if len(numbers) > 2 else None
    if month is not None and month in SEASON_MONTHS:
        return PartialDate(year, None, day, season=SEASON_MONTHS[month])
    return PartialDate(year, month, day)


def date_parts_value(dates: Sequence[PartialDate]) -> list[list[int]]:
    """``dates`` as a date-parts list (``[[1998, 12], [1999, 1]]``)."""
    return [d.parts() for d in dates]
