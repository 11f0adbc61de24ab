"""Fast paths of the rules against the plain forms they replace: same results, always.

Each hot rule's shortcut (a scan that finds where a pattern can match before trying it, a
cheap test that proves a value cannot hold a defect) is held here to the straightforward
computation it stands for, on texts built to hit the edges (Hypothesis) and on the seed-shaped
bench records.
"""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st

from biblint.rules import abstracts

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "bench"))
from records import make_records

BENCH_TEXTS = [value for record in make_records(60) for value in record.values()
               if isinstance(value, str)]

# Pieces that make glued headings, sentence ends and their look-alikes.
PIECES = st.sampled_from([
    "Results", "RESULTS", "Methods", "Background", "Clinical Impact", "Key Points", "Aim",
    "Summary", "SUMMARY", "Abstract", "Conclusions", "CONCLUSIONS", "Design/Methodology/Approach",
    ".", "!", "?", " ", "\t", "\n", ">", "<p>", "The", "This", "Él", "É", "a", "x.", "e.g.",
    "1.5", ")", "Th", "..", ">R", "\nA", "ab", "Ab", "ǅa", "www.", "/", "Co",
])
TEXTS = st.one_of(st.lists(PIECES, max_size=16).map("".join), st.text(max_size=40))


def _glued_reference(text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    return [(m.span(), m.groupdict()) for m in abstracts._GLUED_HEADING_RE.finditer(text)
            if not (m.start() == 0 and m["heading"].lower() in abstracts._LABEL_WORDS)]


def _glued_fast(text: str) -> list[tuple[tuple[int, int], dict[str, str | None]]]:
    abstracts._glued_headings.cache_clear()
    return [(m.span(), m.groupdict()) for m in abstracts._glued_headings(text)]


@given(TEXTS)
def test_glued_headings_are_the_patterns_matches(text):
    assert _glued_fast(text) == _glued_reference(text)


@given(TEXTS)
def test_glued_dots_are_the_patterns_matches(text):
    expected = [m.start() for m in abstracts._MISSING_SPACE_RE.finditer(text)]
    assert abstracts._glued_dots(text) == expected


def test_fast_paths_agree_on_bench_texts():
    for text in BENCH_TEXTS:
        assert _glued_fast(text) == _glued_reference(text)
        assert abstracts._glued_dots(text) == [
            m.start() for m in abstracts._MISSING_SPACE_RE.finditer(text)]


def _fresh_strip_once(text: str) -> str:
    """``markup._strip_once`` as it was: a new parser and target for every text."""
    from lxml import etree

    from biblint.domain import markup

    target = markup._TextTarget()
    parser = etree.HTMLParser(target=target, recover=True, no_network=True,
                              remove_comments=True, remove_pis=True, default_doctype=False)
    parser.feed(markup._prepare(text))
    result = parser.close()
    return result if isinstance(result, str) else ""


MARKUP = st.lists(st.sampled_from([
    "<p>", "</p>", "<i>", "</i>", "<sup>", "</sup>", "<jats:title>", "</jats:title>", "<br/>",
    "<mml:msup>", "</mml:msup>", "<mml:mi>", "</mml:mi>", "&amp;", "&eacute;", "&", "<", ">",
    "<!--", "-->", "text ", "10", "\n", "  ", "<div>", "</div>", "<li>", "<script>", "x",
]), max_size=20).map("".join)


@given(st.lists(MARKUP, min_size=1, max_size=4))
def test_reused_parser_strips_as_a_fresh_one(texts):
    from biblint.domain import markup

    for text in texts:  # several texts in a row: nothing of one leaks into the next
        assert markup._strip_once(text) == _fresh_strip_once(text)


@given(st.text(alphabet=" \t\n\r\f\v\xa0\u2009ab", max_size=12))
def test_collapse_html_space_is_the_pattern(text):
    from biblint.domain import markup

    assert markup.collapse_html_space(text) == markup._SPACE_RE.sub(" ", text)


WORDY = st.lists(st.sampled_from([
    "the", "of", "and", "les", "des", "der", "und", "el", "los", "het", "een", "il", "della",
    "que", "não", "study", "We", "THE", "Les", ".", ",", " ", "\n", "l'", "1", "_", "-",
]), max_size=60).map(" ".join)


@given(WORDY)
def test_ascii_votes_are_the_sentence_blocks_votes(text):
    from biblint.domain import language

    if text.isascii():
        assert language._ascii_votes(text) == language._sentence_block(text).votes


def _normalise_title_reference(title: str) -> str:
    import unicodedata

    from biblint.domain.markup import has_markup, strip_markup
    from biblint.rules import duplicates

    if has_markup(title):
        title = strip_markup(title)
    text = unicodedata.normalize("NFKC", title).casefold()
    text = duplicates._PUNCT.sub(" ", text)
    return duplicates._SPACE.sub(" ", text).strip()


@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=127), max_size=30),
                 st.text(max_size=20), MARKUP))
def test_normalise_title_fast_path_is_the_plain_one(title):
    from biblint.rules import duplicates

    assert duplicates.normalise_title(title) == _normalise_title_reference(title)


def test_normalise_title_on_bench_texts():
    from biblint.rules import duplicates

    for text in BENCH_TEXTS:
        assert duplicates.normalise_title(text) == _normalise_title_reference(text)


CLAIMS = st.lists(st.sampled_from([
    "This", "this", "REVIEW", "review", "Review", "systematic", "meta-analysis", "Meta-Analysis",
    "overview", "We", "we", "case", "CASE", "report", "Report", "of", "a", "the", "present",
    ":", ".", " ", "\n", "-", "records", "board", "rare", "ré", "K", "\u212a",
]), max_size=14).map(" ".join)


@given(CLAIMS)
def test_claim_prefilter_never_hides_a_match(text):
    from biblint.rules import pubtypes

    for kind, patterns in (("review", (pubtypes._ABSTRACT_REVIEW_RE, pubtypes._TITLE_REVIEW_RE)),
                           ("case report", (pubtypes._CASE_REPORT_RE,))):
        if text.isascii() and not pubtypes._could_claim(text.lower(), kind):
            assert all(p.search(text) is None for p in patterns)


def test_no_codepoint_is_both_upper_and_lower_case():
    """TTL002 counts upper- and lower-case letters with two ``map`` passes."""
    assert not [c for c in map(chr, range(0x110000)) if c.isupper() and c.islower()]


def _comparable_reference(text: str) -> str:
    import unicodedata

    from biblint.domain import markup

    if "<" in text:
        text = markup.strip_markup(text)
    folded = unicodedata.normalize("NFKC", text).casefold()
    return markup._NON_ALNUM_RE.sub(" ", folded).strip()


@given(st.one_of(st.text(alphabet=st.characters(max_codepoint=127), max_size=30),
                 st.text(max_size=20), MARKUP))
def test_comparable_fast_path_is_the_plain_one(text):
    from biblint.domain.markup import comparable

    assert comparable(text) == _comparable_reference(text)


def test_comparable_on_bench_texts():
    from biblint.domain.markup import comparable

    for text in BENCH_TEXTS:
        assert comparable(text) == _comparable_reference(text)


@given(st.one_of(st.text(max_size=12), st.lists(st.sampled_from(
    ["if", "IF", "jcr", "_", "year", "YEAR", "Year", "metric", "cas", "ſ", "K", "\u212a", "x"]),
    max_size=4).map("".join)))
def test_metric_year_keys_spell_year(key):
    from biblint.rules import journals

    if journals._METRIC_YEAR_KEY_RE.fullmatch(key):
        assert "year" in key.lower()


@given(st.one_of(MARKUP, st.text(alphabet="<>/ ab=\"'p:-", max_size=30)))
def test_known_tags_are_the_patterns_matches(text):
    from biblint.domain import markup

    expected = [m.span() for m in markup.TAG_RE.finditer(text)
                if markup.is_known_tag(m["name"])]
    assert [m.span() for m in markup.known_tags(text)] == expected


@given(TEXTS)
def test_glued_heading_read_by_hand_is_the_patterns_match(text):
    for position in range(len(text) + 1):
        match = abstracts._GLUED_HEADING_RE.match(text, position)
        expected = None if match is None else (match.span(), match.groupdict(),
                                               match.start("heading"))
        glued = abstracts._glued_at(text, position)
        assert expected == (None if glued is None else (glued.span(), glued.groupdict(),
                                                        glued.heading_start))


def test_regex_whitespace_is_whitespace_to_lstrip():
    """ABS005's prefilter strips with ``str.lstrip``: every character of ``regex``'s `\\s`
    must be one it strips, and no label may start with one."""
    import regex

    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert all(c.isspace() for c in regex.findall(r"\s", every))
    assert not any(form[0].isspace() for form in abstracts._LABEL_STARTS)


LABELLED = st.lists(st.sampled_from([
    "Abstract", "ABSTRACT", "Summary", "Résumé", "Аннотация", "abstract", " ", "\t", "\n",
    "\u2003", "\x1c", "\x85", ":", ".", " - ", "We", "Background", "The", "x", "COVID",
]), max_size=8).map("".join)


@given(LABELLED | st.text(max_size=20))
def test_label_prefilter_is_necessary(text):
    if abstracts._LABEL_RE.match(text) is not None:
        assert text.lstrip().startswith(abstracts._LABEL_STARTS)


NUMBERED = st.lists(st.sampled_from([
    "16", ". ", "2.3", "XVI", "xvi", "IV", "Chapter", "CHAPTER", "chap.", "Section", "sect.",
    "Lecture", "Kapitel", "capítulo", "\u212a", "\u017f", "ı", "İ", " ", ": ", "-", "The",
    "Marketing", "\"", "(",
]), max_size=6).map("".join)


@given(NUMBERED | st.text(max_size=12))
def test_numbered_title_prefilter_is_necessary(text):
    from biblint.rules import titles

    if titles._NUMBERED_TITLE_RE.match(text) is not None:
        assert text[:1] in titles._NUMBERED_STARTS or not text[:1].isascii()


PARATEXT = st.lists(st.sampled_from([
    "Front Matter", "FRONT MATTER", "cover image", "Editorial Board", "In this issue", " ",
    ": ", "12", "(", "\u212a", "x", "Issue Information", " - TOC",
]), max_size=4).map("".join)


@given(PARATEXT | st.text(max_size=12))
def test_paratext_prefilter_is_necessary(text):
    from biblint.rules import titles

    if titles._PARATEXT_RE.fullmatch(text) is not None and text.isascii():
        assert text.lower().startswith(titles.PARATEXT_PHRASES)


def test_heading_forms_have_three_letters():
    """ABS003 looks its forms up by their first three letters."""
    assert min(len(f) for f in (*abstracts._TITLE_FORMS, *abstracts._UPPER_FORMS)) >= 3


@given(st.text(alphabet="aZ19 .-\u00e9\u00c9\u00aa\u01c5", max_size=30) | st.text(max_size=30))
def test_case_counts_are_the_characters_cases(text):
    from biblint.rules import titles

    assert titles._case_counts(text) == (sum(c.isupper() for c in text),
                                         sum(c.islower() for c in text))
