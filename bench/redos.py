"""Growth of every rule's time on pathological text: the ReDoS check.

    python bench/redos.py [--sizes 100000,1000000] [--top 10] [--repeat 3] [--runs spaces,...]

Each input is a **run** of what regular expressions react to (spaces, letters, digits, dots
after letters, hyphens, tags, entities, DOI prefixes, mojibake...) followed by a
**terminator** that is not part of the run (a letter after spaces, a ``!`` after letters),
inside ordinary text: ``"A study of " + run + terminator + " in practice."``. Ordinary text
around it defeats ``^``/``$`` anchoring and the terminator defeats trimming: a bare run, or
one that ends the field, is removed by ``strip()`` or matched once by an anchored pattern
before any quadratic search sees it. Every text field of every installed profile gets the
input at once (a record per profile and input; the fields differ by a prefix, so that rules
comparing fields do not stop at "equal"), the strings of the profile's field map included,
so a profile added later is covered too.

The check is the growth of time with length: each record is linted with every rule at two
lengths ten times apart (best of ``--repeat`` runs each, against noise on a shared machine).
Linear work grows about 10x, a quadratic pattern 100x. The bench prints the inputs with the
worst growth, then, for the worst input, each rule alone at both lengths: the slowest rule and
its growth ratio. tests/test_redos.py runs the same inputs and fails on superlinear growth.
"""

from __future__ import annotations

import argparse
import copy
import gc
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any

from biblint.config import Config
from biblint.engine import Linter
from biblint.profiles import CANONICAL_FIELDS, AuthorStyle, Profile, installed_profiles
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
    "colons": ":",
    "commas": ", ",
    "semicolons": ";",
    "author": "Smith, J., ",
    "initials": "J. ",
    "mojibake": "\u00c3\u00a9",
    "latex": "\\'{",
    "dollar": "$",
    "nbsp": "\u00a0",
    "tabs-newlines": "\t\n",
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

PREFIX, SUFFIX = "A study of ", " in practice."
"""The ordinary text around each run."""


def terminator(unit: str) -> str:
    """A character that ends the run without continuing it: a letter after a run without
    letters, else ``!`` (neither is trimmed, and each makes a pattern that consumed the run
    look for more and fail)."""
    return "!" if any(c.isalpha() for c in unit) else "x"


# Hand-made records for what a profile's field map does not say (authors in the shape's
# own form, keys rules read beside the canonical ones: subtitles, article numbers...).
BASES: dict[str, dict[str, Any]] = {
    "aggregator": {"title": "", "authors": "", "doi": "", "DOIUrl": "", "url": "",
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
    "s2": {"paperId": "", "externalIds": {"DOI": "", "PubMed": "", "PubMedCentral": "",
                                          "ArXiv": ""},
           "title": "", "abstract": "", "venue": "", "year": 2020,
           "authors": [{"authorId": "1", "name": ""}],
           "journal": {"name": "", "volume": "", "pages": ""}, "publicationDate": "",
           "publicationTypes": [""], "isOpenAccess": True, "openAccessPdf": {"url": ""}},
    "datacite": {"id": "", "type": "dois",
                 "attributes": {"doi": "", "titles": [{"title": ""},
                                                      {"title": "", "titleType": "Subtitle"}],
                                "descriptions": [{"description": "",
                                                  "descriptionType": "Abstract"}],
                                "creators": [{"name": "", "nameType": "Personal"}],
                                "publisher": "", "publicationYear": "2020",
                                "container": {"title": "", "volume": "", "issue": "",
                                              "firstPage": "", "lastPage": ""},
                                "types": {"resourceTypeGeneral": "JournalArticle"},
                                "url": ""}},
}


def _set(record: dict[str, Any], pointer: str, value: Any) -> None:
    """Put ``value`` at ``pointer``, creating objects (and lists, for numeric tokens) on the
    way; an existing value is left alone."""
    tokens = [t.replace("~1", "/").replace("~0", "~") for t in pointer.split("/")[1:]]
    node: Any = record
    for token, following in zip(tokens, [*tokens[1:], None], strict=True):
        fresh: Any = value if following is None else ([] if following.isdigit() else {})
        if isinstance(node, list):
            if not token.isdigit():
                return
            index = int(token)
            while len(node) <= index:
                node.append(copy.deepcopy(fresh) if len(node) == index else "")
            node = node[index]
        elif isinstance(node, dict):
            node = node.setdefault(token, fresh)
        else:
            return


def base_record(profile: Profile) -> dict[str, Any]:
    """A record of ``profile`` with an empty string in every text field: the hand-made base,
    plus every string-valued canonical field at its first pointer, plus one author."""
    record = copy.deepcopy(BASES.get(profile.name, {}))
    for name, pointers in profile.fields.items():
        if CANONICAL_FIELDS.get(name, "").startswith("string") and pointers:
            _set(record, pointers[0], "")
    authors = profile.fields.get("authors")
    if authors:
        item = AuthorStyle(profile.author_style).item("")
        _set(record, authors[0], [item if item is not None else {"given": "", "family": ""}])
    return record


@cache
def profiles() -> tuple[Profile, ...]:
    return tuple(installed_profiles())


@dataclass(frozen=True)
class Case:
    profile: str
    run: str

    @property
    def name(self) -> str:
        return f"{self.profile}/{self.run}"


def cases() -> list[Case]:
    return [Case(p.name, run) for p in profiles() for run in RUNS]


def text_for(run: str, length: int) -> str:
    """``length`` characters of the run, its terminator, inside ordinary text."""
    unit = RUNS[run]
    body = (unit * (length // len(unit) + 1))[:length]
    return PREFIX + body + terminator(unit) + SUFFIX


def record_for(case: Case, length: int, salt: int = 0) -> dict[str, Any]:
    """The case's record with every empty string field set to the case's text; each field
    gets a prefix of its own (its position, and ``salt``), so that no two fields are equal
    and no two timings of a case see the same strings (rules cache analyses by value: a
    repeated timing would measure a cache hit)."""
    profile = next(p for p in profiles() if p.name == case.profile)
    text = text_for(case.run, length)
    counter = iter(range(1, 1000))

    def fill(value: Any) -> Any:
        if isinstance(value, dict):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return f"Part {next(counter)}.{salt}: {text}" if value == "" else value

    filled: dict[str, Any] = fill(base_record(profile))
    return filled


def pathological(length: int) -> Iterator[tuple[Case, dict[str, Any]]]:
    for case in cases():
        yield case, record_for(case, length)


@cache
def all_rules() -> Linter:
    return Linter(Config(select=("ALL",)))


@cache
def one_rule(code: str) -> Linter:
    return Linter(Config(select=(code,)))


def rule_codes() -> list[str]:
    """Every rule that checks records (run rules included; input rules read no records)."""
    return [r.code for r in default_registry() if r.scope != "input"]


_salts = iter(range(1, 1 << 62))


def best_time(linter: Linter, case: Case, length: int, repeat: int) -> float:
    """The best of ``repeat`` timings of linting the case's record of ``length`` (a fresh
    record each time, so that no cache answers; garbage collection off while timing, so that
    a collection triggered by other work is not charged to the rule)."""
    best = float("inf")
    for _ in range(repeat):
        record = record_for(case, length, next(_salts))
        gc.collect()
        gc.disable()
        try:
            start = time.perf_counter()
            linter.lint(record, profile=case.profile)
            best = min(best, time.perf_counter() - start)
        finally:
            gc.enable()
    return best


@dataclass(frozen=True)
class Growth:
    case: Case
    small: float
    large: float

    @property
    def ratio(self) -> float:
        return self.large / self.small if self.small > 0 else float("inf")


def growth(case: Case, sizes: tuple[int, int], repeat: int, linter: Linter | None = None
           ) -> Growth:
    """Time of ``linter`` (every rule) on the case at both sizes."""
    linter = linter or all_rules()
    small = large = float("inf")
    for _ in range(repeat):  # interleaved, so that a change of load hits both lengths
        small = min(small, best_time(linter, case, sizes[0], 1))
        large = min(large, best_time(linter, case, sizes[1], 1))
    return Growth(case, small, large)


def superlinear(result: Growth, *, limit: float, floor: float) -> bool:
    """Whether the growth is beyond what linear work and noise give: a ratio over ``limit``
    (linear: the size ratio) while the larger time is over ``floor`` seconds (below it, timer
    noise and fixed costs dominate)."""
    return result.large > floor and result.ratio > limit


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100000,1000000",
                        help="two lengths of the run, comma-separated (default 10^5,10^6)")
    parser.add_argument("--top", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=1,
                        help="timings per size, the best kept (default 1)")
    parser.add_argument("--runs", help="only these runs (comma-separated names of RUNS)")
    args = parser.parse_args()
    chosen = set(args.runs.split(",")) if args.runs else set(RUNS)
    small, large = (int(s) for s in args.sizes.split(","))
    sizes = (small, large)
    start = time.perf_counter()
    results = [growth(case, sizes, args.repeat) for case in cases() if case.run in chosen]
    print(f"every rule on {len(results)} inputs ({len(chosen)} runs x {len(profiles())} "
          f"profiles) at {small:,} and {large:,} characters a field: "
          f"{time.perf_counter() - start:.0f} s")
    print(f"{'small s':>9} {'large s':>9} {'ratio':>6}  input")
    results.sort(key=lambda g: (g.ratio, g.large), reverse=True)
    for g in results[: args.top]:
        print(f"{g.small:9.3f} {g.large:9.3f} {g.ratio:6.1f}  {g.case.name}")
    slowest = max(results, key=lambda g: g.large)
    worst = [slowest] + [g for g in results[:1] if g.case != slowest.case]
    for g in worst:
        per_rule = sorted(((growth(g.case, sizes, args.repeat, one_rule(code)), code)
                           for code in rule_codes()), key=lambda item: item[0].large,
                          reverse=True)
        top, code = per_rule[0]
        print(f"slowest rule on {g.case.name}: {code}, {top.small:.3f} s -> {top.large:.3f} s "
              f"(growth x{top.ratio:.1f} for x{large / small:.0f} the length)")


if __name__ == "__main__":
    main()
