"""Worst-case time of every rule on pathological text: the ReDoS check.

    python bench/redos.py [--length 100000] [--top 15]

Each text field of a record of every profile (title, abstract, authors, pages, DOI, dates,
journal...) is filled with a long run of the characters regular expressions react to (dots
after letters, spaces, digits and hyphens, tags, entities, DOI prefixes, mojibake bytes...),
and every rule is run alone on each such record. Prints the slowest rule/input pairs and, for
the slowest, the time at a quarter of the length: a linear rule takes about 4x as long on 4x
the text, a quadratic one 16x. Figures vary with the machine; the ratio is what matters.

tests/test_redos.py runs the same inputs at a smaller length as a hang guard.
"""

from __future__ import annotations

import argparse
import copy
import time
from collections.abc import Iterator
from typing import Any

from biblint.config import Config
from biblint.engine import Linter
from biblint.registry import default_registry

# Runs of what the patterns of lint/ and rules/ are sensitive to; each is repeated to length.
RUNS: dict[str, str] = {
    "spaces": " ",
    "space-letter": " a",
    "letters": "a",
    "capitals": "A",
    "capital-dot": "A.",
    "word-dot": "ab.",
    "sentence-glue": "ischemia.This",
    "digits": "1",
    "digit-hyphen": "1-",
    "digit-dot": "1.",
    "digit-comma": "1,",
    "page-range": "D480 - ",
    "doi-prefix": "10.",
    "doi-ish": "10.1000/",
    "slashes": "/",
    "url": "https://",
    "tags": "<",
    "open-tag": "<p",
    "tag-attr": '<p a="',
    "jats": "<jats:",
    "closing": "</",
    "entity": "&",
    "numeric-entity": "&#",
    "comment": "<!--",
    "brackets": "[",
    "parens": "(",
    "commas": ", ",
    "semicolons": ";",
    "author": "Smith, J., ",
    "initials": "J. ",
    "mojibake": "\u00c3\u00a9",
    "latex": "\\'{",
    "dollar": "$",
    "nbsp": "\u00a0",
    "zero-width": "\u200b",
    "combining": "e\u0301",
    "heading": "Background",
    "label": "Abstract",
    "quotes": '"',
    "apostrophes": "'",
    "dashes": "\u2013",
    "orcid": "0000-",
    "isbn": "978-",
    "pmc": "PMC",
    "date": "2025-",
}

BASES: dict[str, dict[str, Any]] = {
    "aggregator": {"title": "", "authors": "", "doi": "", "DOIUrl": None, "url": None,
                   "abstract": "", "journal": {"name": "", "volume": "", "pages": ""},
                   "publicationDate": "", "publicationTypes": "", "citationCount": "",
                   "PMCID": "", "EPubDate": "", "PubModel": "", "platform": "",
                   "PeriodicalName": "", "JCR": "Q1", "ListUrlMain": ""},
    "crossref": {"DOI": "", "type": "journal-article", "title": [""], "subtitle": [""],
                 "container-title": [""], "page": "", "volume": "", "issue": "",
                 "abstract": "", "ISSN": [""], "ISBN": [""], "author": [{"given": "",
                                                                        "family": ""}],
                 "issued": {"date-parts": [[2020]]}, "URL": "", "article-number": ""},
    "openalex": {"id": "https://openalex.org/W1", "doi": "", "title": "", "display_name": "",
                 "publication_date": "", "authorships": [{"author": {"display_name": "",
                                                                     "orcid": ""}}],
                 "biblio": {"volume": "", "issue": "", "first_page": "", "last_page": ""},
                 "ids": {"pmid": "", "pmcid": ""}},
    "csl": {"id": "x", "type": "article-journal", "title": "", "author": [{"literal": ""}],
            "container-title": "", "page": "", "DOI": "", "ISSN": "", "abstract": "",
            "issued": {"raw": ""}, "PMCID": "", "note": ""},
}


def pathological(length: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(profile, run name, record with every empty string field set to the run)."""
    for profile, base in BASES.items():
        for name, unit in RUNS.items():
            text = (unit * (length // len(unit) + 1))[:length]
            yield profile, name, _filled(copy.deepcopy(base), text)


def _filled(value: Any, text: str) -> Any:
    if isinstance(value, dict):
        return {k: _filled(v, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_filled(v, text) for v in value]
    return text if value == "" else value


def linters() -> dict[str, Linter]:
    """One linter per rule that checks records (run rules included)."""
    return {r.code: Linter(Config(select=(r.code,)))
            for r in default_registry() if r.scope != "input"}


def time_rule(linter: Linter, profile: str, record: dict[str, Any]) -> float:
    start = time.perf_counter()
    linter.lint(record, profile=profile)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--length", type=int, default=100_000)
    parser.add_argument("--top", type=int, default=15)
    args = parser.parse_args()
    rules = linters()
    timings: list[tuple[float, str, str, str]] = []
    for profile, name, record in pathological(args.length):
        for code, linter in rules.items():
            timings.append((time_rule(linter, profile, record), code, profile, name))
    timings.sort(reverse=True)
    total = sum(t for t, *_ in timings)
    print(f"{len(rules)} rules x {len(RUNS)} runs x {len(BASES)} profiles "
          f"({len(timings)} checks) at {args.length:,} characters a field: {total:.1f} s")
    print(f"{'seconds':>8} {'x4 ratio':>8}  rule     profile     input")
    quarter = {(p, n): r for p, n, r in pathological(args.length // 4)}
    for seconds, code, profile, name in timings[: args.top]:
        small = time_rule(rules[code], profile, quarter[(profile, name)])
        ratio = seconds / small if small > 0 else float("nan")
        print(f"{seconds:8.3f} {ratio:8.1f}  {code:<8} {profile:<11} {name}")


if __name__ == "__main__":
    main()
