"""JATS: the front matter of JATS articles (issue 10): dates and identifiers that disagree.

These rules read the record shape of :mod:`biblint.readers.jatsxml` (``article-meta`` with
``pub-date`` and ``article-id`` objects keyed by type, a repeat kept as ``doi#2``); on any
other shape they are quiet. Their findings are report-only: biblint never writes into XML.
"""

from __future__ import annotations

from collections.abc import Iterator

from biblint.domain.doi import doi_match_key
from biblint.domain.show import shown
from biblint.model import Violation
from biblint.record import Record
from biblint.registry import RECORD, Context, rule


def _meta(record: Record) -> dict[str, object] | None:
    data = record.data
    if not isinstance(data, dict):
        return None
    meta = data.get("article-meta")
    return meta if isinstance(meta, dict) else None


def _year(value: object) -> int | None:
    if isinstance(value, str) and len(value) >= 4 and value[:4].isdigit():
        return int(value[:4])
    if isinstance(value, dict):
        year = value.get("year")
        if isinstance(year, str) and year.strip().isdigit():
            return int(year.strip())
    return None


@rule("JATS001", "pub-date-inconsistent", severity="warning", reads=RECORD)
def pub_date_inconsistent(record: Record, ctx: Context) -> Iterator[Violation]:
    """A JATS `pub-date` that is empty, has no year, is given twice differently, or no
    `pub-date` year near the copyright year.

    ## What it does
    Checks the `pub-date` elements of a JATS article's `article-meta`, and reports:

    - an empty `pub-date` (`<pub-date pub-type="epub"/>`) or one with a month or day but no
      year;
    - the same kind of date (`pub-type`, or `date-type` with `publication-format`) given
      twice with different values;
    - a `copyright-year` more than one year away from every `pub-date`'s year.

    ## Why is this bad?
    Indexers (PMC, Crossref, Europe PMC) take the publication date from `pub-date`; an
    empty or yearless one is read as no date, two values for one kind are read
    differently by each consumer, and a copyright year far from the publication dates means
    one of them was taken from another article or another version.

    ## Example
    ```xml
    <pub-date pub-type="epub"><day>20</day><month>7</month></pub-date>
    <permissions><copyright-year>2007</copyright-year></permissions>
    ```

    ## Fix
    None (report-only): the right date must come from the publisher, and biblint does not
    write into XML files.
    """
    meta = _meta(record)
    if meta is None:
        return
    dates = meta.get("pub-date")
    years: list[int] = []
    if isinstance(dates, dict):
        for kind, value in dates.items():
            pointer = f"/article-meta/pub-date/{kind.replace('~', '~0').replace('/', '~1')}"
            base, _, repeat = kind.partition("#")
            if repeat:
                first = dates.get(base)
                if first is not None and first != value:
                    yield Violation(f"pub-date {base} given twice: {shown(_show(first))} and "
                                    f"{shown(_show(value))}", pointer)
                continue
            year = _year(value)
            if year is not None:
                years.append(year)
            elif value == {} or value == "":
                yield Violation(f"pub-date {base} is empty", pointer)
            elif isinstance(value, dict) and not value.get("season") \
                    and not value.get("string-date"):
                yield Violation(f"pub-date {base} has no year ({shown(_show(value))})", pointer)
    copyright_year = meta.get("copyright-year")
    stated = _year(copyright_year) if isinstance(copyright_year, str) else None
    if stated is not None and years and all(abs(stated - y) > 1 for y in years):
        listed = ", ".join(str(y) for y in sorted(set(years)))
        yield Violation(f"copyright-year {stated} is far from every pub-date year ({listed})",
                        "/article-meta/copyright-year")


def _show(value: object) -> str:
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


@rule("JATS002", "article-id-inconsistent", severity="error", reads=RECORD)
def article_id_inconsistent(record: Record, ctx: Context) -> Iterator[Violation]:
    """A JATS article gives one kind of `article-id` twice with different values, or an
    empty one.

    ## What it does
    Checks the `article-id` elements of a JATS article's `article-meta` and reports a
    `pub-id-type` (`doi`, `pmid`, `pmc`, `publisher-id`...) that occurs twice with values
    that differ (DOIs compared as DOIs, case-insensitively), and an `article-id` with no
    value.

    ## Why is this bad?
    An article has one DOI, one PMID, one PMCID: two different values of one kind mean
    that one was copied from another article (a template, a related article) or from
    another version, and each consumer keeps a different one. An empty `article-id` is
    read as "no identifier" by some and as an error by others.

    ## Example
    ```xml
    <article-id pub-id-type="doi">10.7554/eLife.00240</article-id>
    <article-id pub-id-type="doi">10.7554/eLife.00270</article-id>
    ```

    ## Fix
    None (report-only): which identifier is right needs the registry, and biblint does
    not write into XML files.
    """
    meta = _meta(record)
    if meta is None:
        return
    ids = meta.get("article-id")
    if not isinstance(ids, dict):
        return
    for kind, value in ids.items():
        pointer = f"/article-meta/article-id/{kind.replace('~', '~0').replace('/', '~1')}"
        base, _, repeat = kind.partition("#")
        if not isinstance(value, str):
            continue
        if not value.strip():
            yield Violation(f"article-id {base} is empty", pointer)
            continue
        if not repeat:
            continue
        first = ids.get(base)
        if not isinstance(first, str):
            continue
        if base == "doi":
            same = doi_match_key(first) == doi_match_key(value) is not None
        else:
            same = first.strip() == value.strip()
        if not same:
            yield Violation(f"article-id {base} given twice: {shown(first)} and "
                            f"{shown(value)}", pointer)
