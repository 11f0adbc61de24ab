"""The text rules' prefilters against the paths they skip: the same findings, always.

A prefilter is a cheap test that proves a value cannot hold what a rule (or a step of it)
looks for, so the expensive step is skipped. Each one here is held to its rule run with the
prefilter disabled (it then lets everything through), on the rule fixtures, the corpus and
Hypothesis-generated values with markup, entities, TeX, odd whitespace and non-ASCII letters.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from biblint.config import Config
from biblint.domain import language, markup
from biblint.engine import Linter
from biblint.rules import abstracts, text, titles

from .conftest import FIXTURES, corpus_or_skip


@contextmanager
def _unfiltered() -> Iterator[None]:
    """Every prefilter of this module disabled: each lets everything through."""
    with ExitStack() as stack:
        stack.enter_context(mock.patch.object(titles, "_may_open_with", lambda *a: True))
        stack.enter_context(mock.patch.object(titles, "_may_split", lambda *a: True))
        stack.enter_context(mock.patch.object(abstracts, "_may_hold_copyright",
                                              lambda *a: True))
        # A backtick in the record's text: TXT012 then walks every string.
        stack.enter_context(mock.patch.object(text, "_all_text", lambda record: "`"))
        # Not all printable, and not all ASCII: TXT005, TXT006 and the non-ASCII rules then
        # walk every string.
        stack.enter_context(mock.patch.object(text, "_all_printable", lambda record: False))
        stack.enter_context(mock.patch.object(text, "_find_non_ascii", lambda record: [
            (p, v) for p, v in record.strings() if not v.isascii()]))
        yield


CODES = ("TTL001", "TTL004", "TTL007", "TXT001", "TXT002", "TXT003", "TXT004", "TXT005",
         "TXT006", "TXT007", "TXT008", "TXT011", "TXT012", "ABS008", "ABS010")


def _findings(linter: Linter, record: Any) -> list[tuple[Any, ...]]:
    return [(f.code, f.pointer, f.message, f.fix) for f in linter.lint(record)]


def _same_with_and_without(records: list[Any]) -> None:
    linter = Linter(Config(select=CODES))
    fast = [_findings(linter, r) for r in records]
    with _unfiltered():
        slow = [_findings(linter, r) for r in records]
    assert fast == slow


def _fixture_records() -> list[Any]:
    found = []
    for path in sorted((FIXTURES / "rules").glob("*.yml")):
        if not path.name.startswith(("TTL", "TXT", "ABS")):
            continue
        for case in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]:
            found += [r for r in [case.get("record"), case.get("fixed")] if isinstance(r, dict)]
            found += [r for r in case.get("records", []) if isinstance(r, dict)]
    return found


def test_prefilters_change_nothing_on_the_fixtures():
    records = _fixture_records()
    assert len(records) > 100
    _same_with_and_without(records)


@pytest.mark.slow
def test_prefilters_change_nothing_on_the_corpus():
    corpus = corpus_or_skip()
    linter = Linter(Config(select=CODES))

    def run() -> list[tuple[Any, ...]]:
        report = linter.check_paths([corpus])
        return [(f.code, f.pointer, f.message, f.fix, f.file, f.record) for f in report.findings]

    fast = run()
    with _unfiltered():
        slow = run()
    assert fast == slow


# Pieces of titles and abstracts: the title's own words (so that the abstract can open with
# the title), markup that splits words or hides letters (tags, comments, attributes,
# superscripts, MathML annotations), character references, TeX, odd whitespace, non-ASCII
# letters and the backtick and spacing accents TXT012 looks for.
WORDS = ["Stem", "cells", "in", "limb", "ischemia", "stem", "CELLS", "of", "the", "and", "les",
         "des", "der", "und", "el", "het"]
NOISE = ["<p>", "</p>", "<i>", "</i>", "<sup>", "</sup>", "<jats:title>", "</jats:title>",
         "<!-- stem -->", '<span class="limb">', "</span>", "<mml:annotation>",
         "</mml:annotation>", "<br/>", "&amp;", "&#83;", "&#x73;", "&eacute;", "&lt;i&gt;",
         "<", ">", "&", ".", "?", "!", " ", "  ", "\n", "\t", "\u00a0", "é", "Ü", "ﬁ",
         "`", "´", "¨", "Garc´ıa", "O`Brien", "\\'{e}", "$x^2$", "St", "em", "9", "10",
         "ß", "İ", "\u0301", "©", "(c) 2020", "Copyright 2019 The Authors.", "(C)",
         "COPYRIGHT", "This article is protected by copyright.", "(PsycINFO Database Record",
         "All rights reserved."]
PIECES = st.sampled_from(WORDS + NOISE)
TEXTS = st.lists(PIECES, max_size=30).map(" ".join) | st.lists(PIECES, max_size=30).map(
    "".join) | st.text(max_size=40)
TITLES = st.lists(st.sampled_from(WORDS), min_size=3, max_size=8).map(" ".join) | TEXTS


@settings(max_examples=300)
@given(TITLES, TEXTS, TEXTS)
def test_prefilters_change_nothing_on_generated_records(title, opening, rest):
    # The abstract often opens with the title (TTL004's case), wrapped in noise.
    records = [
        {"title": title, "abstract": opening + title + ". " + rest, "doi": "10.1/x"},
        {"title": title, "abstract": opening + rest, "authors": [opening, rest]},
        {"title": opening + rest, "abstract": rest * 3, "note": title},
    ]
    _same_with_and_without(records)


# --- the prefilters of pure functions, against the plain computation ----------------------


def _repeated_block_reference(words: list[str]) -> int | None:
    count = min(len(words), 60)
    for size in range(count // 2, 2, -1):
        for start in range(0, count - 2 * size + 1):
            if words[start: start + size] == words[start + size: start + 2 * size]:
                return start
    return None


@given(st.lists(st.sampled_from(["a", "b", "c", "d", "of", "the"]), max_size=70)
       | st.lists(st.text(max_size=2), max_size=12))
def test_repeated_block_prefilter(words):
    assert titles._repeated_block(words) == _repeated_block_reference(words)


ASCII_WORDY = st.lists(st.sampled_from(
    ["the", "of", "and", "les", "des", "der", "und", "el", "los", "het", "een", "il", "della",
     "study", "We", "THE", "Les", ".", ",", "\n", "l'", "1", "_", "-"]), max_size=120).map(" ".join)


@given(ASCII_WORDY)
def test_language_prefilter_is_necessary(text_):
    """When the distinct words hold stop words of fewer than two languages, fewer than two
    languages have eight hits (so language_switch may return None at once)."""
    words = language._ascii_words(text_)
    present = {language._STOPWORD_LANG_BYTES[w] for w in language._STOPWORD_BYTES & set(words)}
    clear = [lang for lang, hits in language._sentence_block(text_).votes.items() if hits >= 8]
    if len(present) < 2:
        assert len(clear) < 2


def _prepare_reference(text_: str) -> str:
    """``markup._prepare`` with both substitutions made unconditionally."""
    text_ = markup._SURROGATE_RE.sub("\ufffd", text_)
    text_ = markup._STRAY_AMP_RE.sub("&amp;", text_)
    out: list[str] = []
    pos = 0
    for match in markup._scan_tags(text_):
        out.append(markup._escape_lt(text_[pos: match.start]))
        out.append(match.source)
        pos = match.end
    out.append(markup._escape_lt(text_[pos:]))
    return "".join(out)


@given(TEXTS | st.text(alphabet="<>&;#ap/ \ud800x", max_size=30))
def test_prepare_skips_only_substitutions_that_cannot_match(text_):
    assert markup._prepare(text_) == _prepare_reference(text_)


@given(TEXTS)
def test_cached_tag_scan_is_the_scan(text_):
    assert [m.span() for m in markup.known_tags(text_)] == [
        m.span() for m in markup._scan_tags(text_)]
    assert markup.has_markup(text_) == (next(markup._scan_tags(text_), None) is not None)


@given(TEXTS, TITLES)
def test_may_open_with_is_necessary(text_, title):
    """Whenever the first sentence of the plain text has the title's key, the prefilter says
    it may (the statement TTL004 relies on)."""
    key = markup.comparable(title)
    sentence = titles._FIRST_SENTENCE_RE.match(titles._plain(text_))
    if key and sentence is not None and markup.comparable(sentence["sentence"]) == key:
        assert titles._may_open_with(text_, key)


@given(TEXTS | st.text(alphabet=" \t\n\u00a0.:-\u2013\u2014a<>i&#;58", max_size=20))
def test_may_split_is_necessary(title):
    if not titles._may_split(title):
        assert len(titles._SEGMENT_RE.split(titles._plain(title))) == 1


@given(TEXTS | st.text(alphabet="abUSA. \u00e9", max_size=20))
def test_dotted_token_needs_two_periods(title):
    if title.count(".") < 2:
        assert titles._DOTTED_TOKEN_RE.search(title) is None


COPYRIGHTS = st.lists(st.sampled_from(
    ["©", "(", ")", "c", "C", "2020", " ", "Crown", "Copyright", "COPYRIGHT", "copyright",
     "This article is protected by", "(Psyc", "INFO Database Record", "the author", "by",
     ".", "\n", "x"]), max_size=12).map("".join)


@given(COPYRIGHTS | st.text(max_size=20))
def test_may_hold_copyright_is_necessary(tail):
    if not abstracts._may_hold_copyright(tail):
        assert abstracts._COPYRIGHT_RE.search(tail) is None


@given(st.lists(st.text(alphabet=" a\u00a0\t", max_size=5), max_size=6))
def test_two_spaces_in_the_spaced_strings_mean_a_string_txt006_looks_at(strings):
    record = Linter(Config()).make_record({f"k{i}": s for i, s in enumerate(strings)})
    if text._all_printable(record):
        looked_at = any(s and (s[0] in text._SPACE_CHARS or s[-1] in text._SPACE_CHARS
                               or "  " in s or not s.isprintable()) for s in strings)
        assert ("  " in text._all_spaced(record)) == looked_at
