"""Fast paths of the field rules (DOI, XREF, DATE, PAGE, AUTH, DUP, PT...) against the full
computations they shortcut: same results, always.

Each shortcut (a pattern that proves a value clean, an analysis shared through
``Record.memo``, a narrower search) is held here to the plain computation it stands for, on
values built to hit the edges (Hypothesis), on every string of the corpus and the rule
fixtures, and on the seed-shaped bench records.
"""

from __future__ import annotations

import json
import sys
import unicodedata
from functools import cache

import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from biblint.domain import dates, doi, names, pages
from biblint.rules import authors, pubtypes, xref

from .conftest import CORPUS, ROOT, json_strings

sys.path.insert(0, str(ROOT / "bench"))
from records import make_records


@cache
def real_strings() -> tuple[str, ...]:
    """Every string value of the bench records, the rule fixtures and the corpus."""
    found: set[str] = set()
    for record in make_records(200):
        found.update(json_strings(record))
    for folder in (ROOT / "fixtures", CORPUS):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix not in {".json", ".jsonl"} or path.stat().st_size > 20_000_000:
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            lines = text.splitlines() if path.suffix == ".jsonl" else [text]
            for line in lines:
                try:
                    found.update(json_strings(json.loads(line)))
                except ValueError:
                    continue
    return tuple(sorted(found))


# -- DOI ---------------------------------------------------------------------------------------

DOI_PIECES = st.sampled_from([
    "10.", "10.1000", "10.1177", "10.12345", "10.1234567890", "10.1000.5", "10/", "1O.", "/",
    "abc", "ABC", "x", "xxxx", "0000", "1526-6028", "15266028", "joss", "journal.pone", "2020",
    ".", ",", ";", ":", "(", ")", "[", "]", "<", ">", "-", "_", "+", "*", "#", "%2F", "%",
    "&amp;", "&lt;", " ", "\t", "\n", "\u00a0", "\u200b", "\u2013", "\uff10", "а", "é",
    "https://doi.org/", "http://dx.doi.org/", "doi:", "DOI ", "https://doi.org//", "{", "\\_",
    "\"", "'", "S0140-6736(20)30183-5", "(SICI)1097-4636(199706)35:4<419::AID-JBM3>3.0.CO;2-E",
    "n/a", "EDN: CHWIKZ", "10.1000/a, 10.1000/b", "|", "HTTP://DX.DOI.ORG/", "https://www.doi.org/",
    "http://doi.org/", "https://dx.doi.org/", "https://doi.org", "h", "H",
])
DOIS = st.one_of(st.lists(DOI_PIECES, max_size=8).map("".join),
                 st.text(alphabet="10./abcXZ-_();:,% ", max_size=24), st.text(max_size=20))


def _doi_values() -> list[str]:
    return [s for s in real_strings() if len(s) <= 300 and ("10." in s or "doi" in s.lower())]


def _check_doi_value(value: str) -> None:
    for url_form in (False, True):
        for registered in (False, True):
            assert doi.analyse_doi.__wrapped__(value, url_form=url_form, registered=registered) \
                == doi._analyse_doi(value, url_form=url_form, registered=registered), value
    assert doi.normalise_doi(value) == doi._normalise_doi.__wrapped__(value), value
    assert doi.doi_from_url(value) == doi._doi_from_url(value), value
    assert doi.doi_match_key(value) == doi._doi_match_key(value), value
    assert doi.strip_doi_prefix(value) == doi._strip_doi_prefix(value), value
    assert doi.canonical_doi_url(value) == doi._canonical_doi_url(value), value
    assert doi.doi_key(value) == doi._strip_doi_prefix(value).translate(doi._ASCII_LOWER)


@settings(max_examples=400)
@given(DOIS)
def test_doi_shortcuts_give_the_full_analysis(value):
    _check_doi_value(value)
    _check_doi_value("https://doi.org/" + value)


def test_doi_shortcuts_on_real_values():
    values = _doi_values()
    assert len(values) > 100
    for value in values:
        _check_doi_value(value)


def test_clean_doi_shortcut_is_taken():
    """The shortcut does fire on an ordinary DOI (else the tests above prove nothing)."""
    assert doi._clean_analysis("10.1177/15266028251361770", False) is not None
    assert doi._clean_analysis("https://doi.org/10.1177/abc.1", True) is not None
    assert doi._clean_analysis("10.1177/abc.", False) is None


# -- PT002: the review claim searched from the sentence of its first keyword -------------------

CLAIM_PIECES = st.sampled_from([
    "This", "this", "the present", "The current", "our", "In this", "here,", "Here", "we",
    "We", "briefly", "systematic", "scoping", "state-of-the-art", "mini", "review", "Review",
    "REVIEW", "meta-analysis", "overview", "of the records", "board", "process", "the", "how",
    "key", " ", "  ", "\t", "\n", ".", ",", "-", ";", ":", "(", ")", "5", "_", "x", "<p>",
    "reviews", "preview", "This review aims to summarise.", "we review the", "1.5",
    "\x1c", "critically", "art", "umbrella", "xsystematic", "Systematically", " " * 40,
    "-" * 20, "a" * 16, "- \n", "comprehensive", "In",
])
CLAIM_TEXTS = st.one_of(st.lists(CLAIM_PIECES, max_size=20).map("".join),
                        st.text(alphabet="Thisrevw -,.5_\n", max_size=40))


def _check_claim_window(text: str) -> None:
    if not text.isascii():
        return
    full = pubtypes._ABSTRACT_REVIEW_RE.search(text)
    fast = pubtypes._review_claim(text, text.lower())
    assert (full and (full.span(), full.group())) == (fast and (fast.span(), fast.group())), text


@settings(max_examples=500)
@given(CLAIM_TEXTS)
def test_review_claim_is_the_first_match(text):
    _check_claim_window(text)


@settings(max_examples=500)
@given(CLAIM_TEXTS)
def test_every_review_claim_ends_where_the_word_filter_allows(text):
    """:func:`pubtypes._may_end_claim` is a necessary condition: it holds at the `review` or
    `meta-analysis` of every match, wherever the match starts."""
    if not text.isascii():
        return
    lower = text.lower()
    for start in range(len(text)):
        match = pubtypes._ABSTRACT_REVIEW_RE.match(text, start)
        if match is None:
            continue
        words = [m.start() for m in regex.finditer("review|meta-analysis", match.group().lower())]
        assert pubtypes._may_end_claim(lower, start + words[0]), text


def test_every_opening_and_kind_passes_the_word_filter():
    """Each way a claim can open, with each review kind, meets the filter."""
    kinds = regex.search(r"\(\?:\(\?:([^)]*)\)", pubtypes._REVIEW_KINDS)
    assert kinds is not None
    openings = ["this", "The present", "the  current", "our", "In this", "we", "Here, we",
                "we briefly", "we critically", "We systematically"]
    for opening in openings:
        for kind in ["", *kinds.group(1).split("|")]:
            for word in ("review", "meta-analysis"):
                text = f"x. {opening} {kind}{'-' if kind else ''}\t{word} of x"
                match = pubtypes._ABSTRACT_REVIEW_RE.search(text)
                if match is None:
                    continue  # "we <kind> review" is no claim
                lower = text.lower()
                assert pubtypes._may_end_claim(lower, lower.index(word)), text


def test_the_word_filter_sets_occurrences_aside():
    """The filter does reject the usual occurrence (else the test above proves nothing)."""
    lower = "the jelly review of the ischemia. this  systematic review"
    assert not pubtypes._may_end_claim(lower, lower.index("review"))
    assert pubtypes._may_end_claim(lower, lower.rindex("review"))


def test_review_claim_on_real_texts():
    texts = [s for s in real_strings() if "review" in s.lower() or "meta-analysis" in s.lower()]
    assert len(texts) > 20
    texts += [r["abstract"] for r in make_records(50)]
    for text in texts:
        _check_claim_window(text)


@settings(max_examples=300)
@given(st.lists(st.sampled_from(["x", "X", "0", "1", ".", "-", "/", "a", "joss", "tbd", "n/a",
                                 "1526-6028", "15266028", "pone"]), max_size=6).map("".join),
       st.sampled_from(["10.1000/", "10.1177/", "10.1080/", "10.12345.6/"]))
def test_clean_suffixes_are_not_truncated(suffix, prefix):
    """The mixed-suffix shortcut skips _truncated: only where it has nothing to say."""
    value = prefix + suffix
    if doi._CLEAN_MIXED_DOI_RE.match(value):
        assert doi._truncated(value) is None
    _check_doi_value(value)


# -- PAGE: patterns run by the standard library's re, parse and reason cached ------------------

PAGE_PIECES = st.sampled_from([
    "1", "12", "123", "45", "1199", "205", "S12", "D480", "e30", "e0123456", "123a", "xii",
    "XIV", "iv", "M", "-", "--", "\u2013", "\u2014", "\u2212", " ", "\t", "\u00a0", "pp.",
    "p.", "pages ", "pg.", ",", ";", "&", "passim", "et seq.", "a", "Z", "\n", "0",
    "15266028251361770", "bench.17.123456", "ǅ", "١٢", "K",
])
PAGE_TEXTS = st.one_of(st.lists(PAGE_PIECES, max_size=8).map("".join), st.text(max_size=12))


def _groups(match):
    return match and (match.span(), match.groups())


PAGE_PATTERNS = [(fast, regex.compile(fast.pattern)) for fast in (
    pages._RANGE_RE, pages._PAGE_PARTS_RE, pages._ELOCATOR_RE, pages._LONG_NUMBER_RE)]
HAS_DIGIT = regex.compile(pages._HAS_DIGIT_RE.pattern)


def _check_pages(text: str) -> None:
    for fast, slow in PAGE_PATTERNS:
        assert _groups(fast.fullmatch(text)) == _groups(slow.fullmatch(text)), (fast, text)
    assert _groups(pages._HAS_DIGIT_RE.search(text)) == _groups(HAS_DIGIT.search(text))
    assert pages.parse_pages(text) == pages._parse_pages.__wrapped__(text)
    for doi_value in (None, "10.1000/bench.17.123456", "10.1177/15266028251361770", 5):
        assert pages.article_number_reason(text, doi_value) == \
            pages._article_number_reason.__wrapped__(
                text, doi_value if isinstance(doi_value, str) else None)


@settings(max_examples=400)
@given(PAGE_TEXTS)
def test_page_patterns_mean_what_regex_means(text):
    _check_pages(text)


def test_page_patterns_on_real_values():
    for text in real_strings():
        if len(text) <= 80:
            _check_pages(text)


# -- DATE: numeric patterns run by re, parse_date cached ----------------------------------------

DATE_PIECES = st.sampled_from([
    "2025", "1998", "0000", "-", "08", "8", "23", "3", "/", ".", "T", "t", " ", "10:00",
    ":00", ".123", ",5", "Z", "z", "+02:00", "-0500", "+02", "Aug", "Dec", "Spring", "?", "~",
    "%", "..", "21", "13", "\u00a0", "\u2013", "st", "1", "12", "99999", "٢٠٢٥", "\n",
])
DATE_TEXTS = st.one_of(st.lists(DATE_PIECES, max_size=8).map("".join), st.text(max_size=12))
DATE_PATTERNS = [(fast, regex.compile(fast.pattern)) for fast in (
    dates._ISO_RE, dates._DATETIME_RE, dates._BASIC_RE, dates._YEAR_FIRST_RE, dates._NUMERIC_RE,
    dates._EDTF_RE, dates._EDTF_DATE_RE)]


def _check_dates(text: str) -> None:
    for fast, slow in DATE_PATTERNS:
        assert _groups(fast.fullmatch(text)) == _groups(slow.fullmatch(text)), (fast, text)
    assert dates.parse_date(text) == dates._parse_date.__wrapped__(text)


@settings(max_examples=400)
@given(DATE_TEXTS)
def test_date_patterns_mean_what_regex_means(text):
    _check_dates(text)


def test_date_patterns_on_real_values():
    for text in real_strings():
        if len(text) <= 80:
            _check_dates(text)


# -- XREF007: a journal name is a variant of itself ------------------------------------------


@given(st.text(max_size=40))
def test_a_container_name_is_the_same_container(name):
    assert xref._same_words(name, name)


def test_container_names_on_real_values():
    for name in real_strings()[:20000]:
        assert xref._same_words(name, name)


# -- AUTH: name keys and name noise ------------------------------------------------------------

NAME_PIECES = st.sampled_from([
    "Hao", "Liang", "María", "López-Díaz", "O'Brien", " ", "  ", ",", ".", "J.", "(ed.)",
    ", eds.", "editor", "Editors", "PhD", "Ph. D.", "Prof. ", "Dr. ", "dr.", "corresponding author",
    "Corresponding", "*", "#", "^", "†", "¹", "1", "2nd", "1888-1980", "(64539)", "@", "a@b.org",
    "ſ", "ß", "İ", "K", "ǅ", "\t", "\n", "-", "x", "DR.", "PROF. ", "ph", "(", "eds",
    "et al.", "Et Al", "etal", "(:etal)", ":etal", "and others", "others", "u. a.", "U.A.",
    "et alii", "et. al", "AL", "Others",
])
NAMES = st.one_of(st.lists(NAME_PIECES, max_size=8).map("".join), st.text(max_size=16))


def _check_name(text: str) -> None:
    assert names.name_key(text) == names._name_key(text), text
    part = names.NamePart("name", "/authors/0", text)
    assert authors._noise(part) == authors._noise_reference(text), text
    if not authors._may_say_et_al(text):
        assert authors._ET_AL_RE.fullmatch(text.strip()) is None, text
        assert authors._ET_AL_SUFFIX_RE.search(text) is None, text


@settings(max_examples=500)
@given(NAMES)
def test_name_shortcuts_give_the_full_computation(text):
    _check_name(text)


def test_name_shortcuts_on_real_values():
    for text in real_strings():
        if len(text) <= 60:
            _check_name(text)


@given(DATE_TEXTS)
def test_dates_are_shown_as_before(text):
    """The lazily shown date gives the text the messages were built from before."""
    from biblint.domain.show import shown
    from biblint.rules import dates as date_rules

    assert f"{date_rules._Shown(text)}" == shown(text.strip())
    parsed = dates.parse_date(text)
    if parsed.start is not None:
        assert f"{date_rules._Shown(None, parsed.start)}" == json.dumps(parsed.start.parts())


# -- DUP: the ASCII title key ----------------------------------------------------------------

TITLE_PIECES = st.sampled_from([
    "Deep", "learning", "A", "z", "0", " ", "  ", "    ", "\t", "\n", "\r\n", "\x0b", "\x0c",
    "\x1c", "\x1d", "\x1f", ".", ". ", ",", "-", "--", ":", "(", ")", "'", "_", "<p>", "</p>",
    "&amp;", "\x00", "\x7f",
])


@settings(max_examples=400)
@given(st.lists(TITLE_PIECES, max_size=30).map("".join))
def test_title_key_is_the_full_normalisation(title):
    """The ASCII shortcut of the title key on runs of whitespace, control characters and
    punctuation (the key DUP002, DUP004 and DUP005 share across records)."""
    from biblint.rules import duplicates

    plain = duplicates.strip_markup(title) if duplicates.has_markup(title) else title
    plain = unicodedata.normalize("NFKC", plain).casefold()
    full = duplicates._SPACE.sub(" ", duplicates._PUNCT.sub(" ", plain)).strip()
    assert duplicates.normalise_title(title) == full



# -- Gating: field rules that report nothing without their fields are skipped without them -----

def test_field_rules_are_gated_on_the_fields_they_need():
    """PT001, DATE006 and JRN001 read the raw record only beside their canonical fields:
    the engine skips them for records without those fields (test_gating proves that no
    finding is lost)."""
    from biblint import Linter
    from biblint.registry import default_registry

    registry = default_registry()
    assert registry.get("PT001").reads == {"publication_types", "type"}
    assert registry.get("DATE006").reads == {"issued"}
    assert registry.get("JRN001").reads == {"container", "issn", "type"}
    for code in ("PT001", "DATE006", "JRN001"):
        assert registry.get(code).gated
    record = Linter().make_record(make_records(1)[0])  # aggregator-shaped: no `issued`
    assert not registry.get("DATE006").reads & record.present()


# -- AUTH001: names with an ASCII lower-case letter are not read as initials --------------------

AUTHOR_PIECES = st.sampled_from([
    "J.", "JK", "J.-P.", "Ch.", "A", "Smith", "SMITH", "Hao Liang", "Tomás", "Ö.", "ÉK", "Ł",
    "王", "伟", ", ", ",", "; ", " and ", " & ", " ", "  ", "\t", "-", ".", "j.", "1", "Ǆ",
    "ǅ", "K", "\u212a", "Dr",
])
AUTHOR_STRINGS = st.one_of(st.lists(AUTHOR_PIECES, max_size=12).map("".join),
                           st.text(max_size=30))


def _split_authors_plain(value: str) -> list[str] | None:
    """:func:`authors.split_authors` as it was: every word tried as initials."""
    parts = value.split(";") if ";" in value else authors._COMMA_AND_RE.split(value)
    found = [part.strip() for part in parts if part.strip()]
    if len(found) < 2:
        return None
    for name in found:
        words = name.split()
        if len(words) < 2 or all(authors._INITIALS_RE.fullmatch(w.rstrip(",")) for w in words):
            return None
    return found


@settings(max_examples=500)
@given(AUTHOR_STRINGS)
def test_split_authors_is_the_plain_split(value):
    assert authors.split_authors(value) == _split_authors_plain(value), value


def test_split_authors_on_real_values():
    for text in real_strings():
        if len(text) < 2000:
            assert authors.split_authors(text) == _split_authors_plain(text), text
    assert authors.split_authors("J. K., M. N.") is None  # initials only: ambiguous
    assert authors.split_authors("Hao Liang, Bin Zhao") == ["Hao Liang", "Bin Zhao"]


# -- JRN003: a digit found by one search in ASCII text ------------------------------------------

@given(st.text(max_size=30))
def test_has_digit_is_any_isdigit(text):
    from biblint.rules import journals

    assert journals._has_digit(text) == any(c.isdigit() for c in text)
    ascii_text = text.encode("ascii", "ignore").decode()
    assert journals._has_digit(ascii_text) == any(c.isdigit() for c in ascii_text)


def test_has_digit_on_real_values():
    from biblint.rules import journals

    for text in real_strings():
        assert journals._has_digit(text) == any(c.isdigit() for c in text), text
