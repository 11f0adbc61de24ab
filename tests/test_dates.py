"""Date parsing in biblint.domain.dates: examples and properties (Hypothesis), and DATE003's
clock."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

import biblint
from biblint.domain import dates
from biblint.domain.dates import (
    AMBIGUOUS,
    BASIC,
    DATETIME,
    DMY,
    ISO,
    MDY,
    NAMED,
    RANGE,
    SEASON,
    SEPARATED,
    UNKNOWN,
    UNPADDED,
    PartialDate,
    edtf,
    is_edtf,
    parse_date,
    parse_date_parts,
    parse_edtf,
    parse_iso,
)


@pytest.mark.parametrize(
    ("text", "form", "iso"),
    [
        ("2025", ISO, "2025"),
        ("2025-08", ISO, "2025-08"),
        ("2025-08-23", ISO, "2025-08-23"),
        (" 2025-08-23\n", ISO, "2025-08-23"),
        ("2025-8-3", UNPADDED, "2025-08-03"),
        ("2025/08/23", SEPARATED, "2025-08-23"),
        ("2025.8", SEPARATED, "2025-08"),
        ("20250823", BASIC, "2025-08-23"),
        ("2025 Aug 23", NAMED, "2025-08-23"),
        ("2025 Sept", NAMED, "2025-09"),
        ("Aug 23, 2025", NAMED, "2025-08-23"),
        ("23 August 2025", NAMED, "2025-08-23"),
        ("23-Aug-2025", NAMED, "2025-08-23"),
        ("August 2025", NAMED, "2025-08"),
        ("23/08/2025", DMY, "2025-08-23"),
        ("23.08.2025", DMY, "2025-08-23"),
        ("08/23/2025", MDY, "2025-08-23"),
        ("05/05/2025", DMY, "2025-05-05"),
        ("05/06/2025", AMBIGUOUS, "2025-06-05"),
        ("2025-08-23T00:00:00Z", DATETIME, "2025-08-23"),
        ("2025-08-23T22:30:00-05:00", DATETIME, "2025-08-23"),
        ("1998 Dec-1999 Jan", RANGE, "1998-12"),
        ("1993 Sep-Oct", RANGE, "1993-09"),
        ("2001 Jan 15-21", RANGE, "2001-01-15"),
        ("1999-2000", RANGE, "1999"),
        ("2020-05/2020-06", RANGE, "2020-05"),
        ("2000 Spring-Summer", RANGE, "2000"),
        ("2020 Spring", SEASON, "2020"),
        ("Winter 2019", SEASON, "2019"),
        ("n.d.", UNKNOWN, None),
        ("", UNKNOWN, None),
        ("2025 Foo 3", UNKNOWN, None),
        ("2025-02-30", ISO, None),
    ],
)
def test_parse_date_forms(text: str, form: str, iso: str | None) -> None:
    parsed = parse_date(text)
    assert parsed.form == form
    assert parsed.iso() == iso


def test_range_ends() -> None:
    parsed = parse_date("1998 Dec-1999 Jan")
    assert parsed.end == PartialDate(1999, 1)
    assert parse_date("1993 Sep-Oct").end == PartialDate(1993, 10)
    assert parse_date("2001 Jan 15-21").end == PartialDate(2001, 1, 21)


def test_certain_forms() -> None:
    assert parse_date("2025-8-3").certain
    assert parse_date("2025-08-23T00:00:00+00:00").certain
    assert not parse_date("2025-08-23T10:00:00Z").certain
    assert not parse_date("2025-08-23T00:00:00+02:00").certain
    assert not parse_date("23/08/2025").certain


@pytest.mark.parametrize(
    ("date", "problem"),
    [
        (PartialDate(2025, 2, 29), "day 29 of February 2025"),
        (PartialDate(2024, 2, 29), ""),
        (PartialDate(1900, 2, 29), "day 29 of February 1900"),
        (PartialDate(2000, 2, 29), ""),
        (PartialDate(2025, 4, 31), "day 31 of April"),
        (PartialDate(2025, 13), "month 13"),
        (PartialDate(2025, 0, 0), "month 0"),
        (PartialDate(2025, None, 3), "a day without a month"),
        (PartialDate(2025, season=2), ""),
        (PartialDate(2025, None, 3, season=2), "a day or month with a season"),
        (PartialDate(-44, 3, 15), ""),
        (PartialDate(0, 2, 29), ""),
    ],
)
def test_partial_date_problems(date: PartialDate, problem: str) -> None:
    assert date.problem == problem
    assert date.valid is (not problem)


def test_date_parts() -> None:
    assert parse_date_parts({"date-parts": [[None]]}).empty
    assert parse_date_parts({"date-parts": []}).empty
    parts = parse_date_parts({"date-parts": [["2015", 8, 26]]})
    assert parts.strings and parts.dates == (PartialDate(2015, 8, 26),) and not parts.problems
    long = parse_date_parts({"date-parts": [[2018, 10, 21, 13]]})
    assert long.too_long and long.dates == (PartialDate(2018, 10, 21),)
    open_end = parse_date_parts({"date-parts": [["2014", 12, 31], [0]]})
    assert open_end.open_end and open_end.dates == (PartialDate(2014, 12, 31),)
    seasons = parse_date_parts({"date-parts": [["2017", 15], [2017, 24]]})
    assert seasons.dates == (PartialDate(2017, season=3), PartialDate(2017, season=4))
    assert parse_date_parts({"date-parts": [[]]}).problems == ((0, "an empty date"),)
    assert parse_date_parts({"date-parts": [["Spring"]]}).problems
    assert parse_date_parts({"date-parts": [[True]]}).problems
    assert parse_date_parts({"date-parts": "2020"}).problems
    assert parse_date_parts("2020").problems
    assert parse_date_parts({"raw": "2020"}).empty


def test_edtf() -> None:
    assert is_edtf("2020-05/2020-06") and is_edtf("2019?") and is_edtf("-0333")
    assert not is_edtf("Aug 2020")
    assert parse_edtf("2020-21").start == PartialDate(2020, season=1)
    assert parse_edtf("2014-12-31/..").end is None
    assert edtf(parse_date("1998 Dec-1999 Jan")) == "1998-12/1999-01"
    assert edtf(parse_date("Summer 2017")) == "2017-22"


# -- properties ------------------------------------------------------------------------------

_DATEISH = st.from_regex(
    r"\A[ ]?(?:[0-9]{1,4}[-/. ]){0,2}[0-9]{1,4}(?:[ ]?(?:Jan|Sept|May|Spring|[A-Za-z]{1,9}))?"
    r"(?:[-/][0-9]{1,4})?[ ]?\Z"
)
_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=10),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                 max_size=4),
    max_leaves=12,
)


@given(st.one_of(st.text(), _DATEISH, st.integers(), st.none()))
@example("2025-02-30")
@example("0000-00-00")
@example("9999-12-31T23:59:60Z")
@example("1" * 10_000)
def test_parse_date_never_raises(text: Any) -> None:
    parsed = parse_date(text)
    if parsed.start is not None:
        parsed.start.first_day()
        parsed.start.last_day()
        assert isinstance(parsed.start.problem, str)
    iso = parsed.iso()
    if iso is not None:
        again = parse_date(iso)
        assert again.form == ISO and again.iso() == iso  # the ISO form is a fixed point
    parse_edtf(text)


@given(_JSON)
@example({"date-parts": [[2018, 10, 21, 13]]})
@example({"date-parts": [[10**100, -(10**100), 1.5]]})
@example({"date-parts": [["-2012", 13], ["x", None], [1]]})
def test_parse_date_parts_never_raises(value: Any) -> None:
    parts = parse_date_parts(value)
    for date in parts.dates:
        assert isinstance(date.problem, str)
        date.first_day()
        date.iso()
    parse_date_parts({"date-parts": value})


@given(st.integers(1, 9999), st.integers(-2, 40), st.integers(-2, 40))
def test_validity_agrees_with_datetime(year: int, month: int, day: int) -> None:
    try:
        datetime.date(year, month, day)
        exists = True
    except ValueError:
        exists = False
    assert PartialDate(year, month, day).valid is exists


_DATES = st.dates(min_value=datetime.date(1000, 1, 1))
"""Four-digit years (strftime writes year 999 as "999")."""


@given(_DATES)
def test_iso_round_trip(day: datetime.date) -> None:
    date = PartialDate(day.year, day.month, day.day)
    assert parse_iso(date.iso()) == date
    assert date.first_day() == date.last_day() == day
    for text in (day.strftime("%Y/%m/%d"), f"{day.year}-{day.month}-{day.day}",
                 day.strftime("%Y%m%d"), day.strftime("%Y %b %d"), day.strftime("%d %B %Y")):
        parsed = parse_date(text)
        assert parsed.certain and parsed.iso() == day.isoformat(), text


@given(_DATES)
def test_day_month_order_when_unambiguous(day: datetime.date) -> None:
    parsed = parse_date(day.strftime("%d/%m/%Y"))
    if day.day > 12 or day.day == day.month:
        assert parsed.iso() == day.isoformat()
    else:
        assert parsed.form == AMBIGUOUS


@given(st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y %b %d", "%b %d, %Y", "%d/%m/%Y",
                        "%Y-%m-%dT%H:%M:%SZ", "%Y%m%d"]), _DATES)
def test_date001_fix_is_idempotent_and_clears_the_finding(pattern: str,
                                                          day: datetime.date) -> None:
    record = {"publication_date": day.strftime(pattern)}
    config = biblint.Config(select=("DATE001",))
    result = biblint.fix(record, unsafe=True, profile="generic", config=config)
    value = result.record["publication_date"]
    assert parse_date(value).form in (ISO, AMBIGUOUS)
    if parse_date(value).form == ISO:
        assert value == day.isoformat()
    left = biblint.lint(result.record, profile="generic", config=config)
    assert all(f.fix is None for f in left)


# -- DATE003's clock -----------------------------------------------------------------------


def _date003(record: dict[str, Any], **options: Any) -> list[str]:
    config = biblint.Config(select=("DATE003",), rules={"DATE003": options} if options else {})
    return [f.pointer for f in biblint.lint(record, profile="generic", config=config)]


def test_date003_uses_todays_date_by_default(monkeypatch: pytest.MonkeyPatch) -> None:
    record = {"publication_date": "2030-06-01"}
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2025, 1, 1))
    assert _date003(record) == ["/publication_date"]
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2029, 7, 1))
    assert _date003(record) == []


def test_date003_today_option_wins(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dates, "today", lambda: datetime.date(2025, 1, 1))
    assert _date003({"publication_date": "2030-06-01"}, today="2030-01-01") == []


def test_today_is_the_real_date() -> None:
    assert dates.today() == datetime.date.today()
