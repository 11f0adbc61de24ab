"""Author items of every shape (biblint.domain.names), and the identifier helpers the ID and AUTH
rules use (ORCID, PMID, arXiv, scheme guessing in biblint.domain.identifiers): examples and
properties."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from stdnum.iso7064 import mod_11_2

from biblint.domain.identifiers import (
    ORCID_RE,
    PMID_RE,
    check_arxiv,
    check_orcid,
    identifier_scheme,
    normalise_pmid,
    orcid_key,
)
from biblint.domain.names import Author, author_of, authors_of, name_key
from biblint.model import resolve_pointer
from biblint.rules.ids import arxiv_message, orcid_message

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.sampled_from([
        "name", "given", "family", "literal", "ORCID", "orcid", "author", "display_name",
        "raw_author_name", "givenName", "familyName", "nameType", "nameIdentifiers",
        "nameIdentifier", "nameIdentifierScheme", "schemeUri", "@id", "id", "@type", "type",
        "LastName", "ForeName", "CollectiveName", "Initials", "suffix", "sequence",
        "non-dropping-particle", "dropping-particle",
    ]) | st.text(max_size=8), inner, max_size=6),
    max_leaves=20,
)
NAME = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1,
               max_size=30).filter(lambda s: s.strip() and s == " ".join(s.split()))


# -- the shapes ---------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("item", "display", "given", "family", "orcid", "orcid_pointer", "organization"),
    [
        ("Hao Liang", "Hao Liang", None, None, None, None, False),
        ({"authorId": "1", "name": "Hao Liang"}, "Hao Liang", None, None, None, None, False),
        ({"given": "Hao", "family": "Liang", "ORCID": "http://orcid.org/0000-0002-1825-0097",
          "sequence": "first", "affiliation": []},
         "Hao Liang", "Hao", "Liang", "http://orcid.org/0000-0002-1825-0097", "/a/0/ORCID",
         False),
        ({"name": "OLYMPUS Collaboration", "sequence": "additional", "affiliation": []},
         "OLYMPUS Collaboration", None, None, None, None, True),
        ({"family": "Beethoven", "given": "Ludwig", "non-dropping-particle": "van"},
         "Ludwig van Beethoven", "Ludwig", "Beethoven", None, None, False),
        ({"literal": "Arfon M Smith"}, "Arfon M Smith", None, None, None, None, False),
        ({"author_position": "first",
          "author": {"id": "https://openalex.org/A1", "display_name": "Heather Piwowar",
                     "orcid": "https://orcid.org/0000-0003-1613-5981"},
          "raw_author_name": "H. Piwowar"},
         "Heather Piwowar", None, None, "https://orcid.org/0000-0003-1613-5981",
         "/a/0/author/orcid", False),
        ({"author": {"display_name": None, "orcid": None}, "raw_author_name": "H. Piwowar"},
         "H. Piwowar", None, None, None, None, False),
        ({"name": "Fenner, Martin", "nameType": "Personal", "givenName": "Martin",
          "familyName": "Fenner", "nameIdentifiers": [
              {"nameIdentifier": "122894715", "nameIdentifierScheme": "GND"},
              {"nameIdentifier": "https://orcid.org/0000-0003-1419-2405",
               "nameIdentifierScheme": "ORCID"}]},
         "Martin Fenner", "Martin", "Fenner", "https://orcid.org/0000-0003-1419-2405",
         "/a/0/nameIdentifiers/1/nameIdentifier", False),
        ({"name": "Statistique Canada", "nameType": "Organizational", "nameIdentifiers": []},
         "Statistique Canada", None, None, None, None, True),
        ({"type": "Person", "id": "http://orcid.org/0000-0003-1419-2405",
          "name": "Fenner, Martin", "givenName": "Martin", "familyName": "Fenner"},
         "Martin Fenner", "Martin", "Fenner", "http://orcid.org/0000-0003-1419-2405",
         "/a/0/id", False),
        ({"@type": "Organization", "name": "The GTEx Consortium"},
         "The GTEx Consortium", None, None, None, None, True),
        ({"LastName": "Liang", "ForeName": "Hao", "Initials": "H"},
         "Hao Liang", "Hao", "Liang", None, None, False),
        ({"CollectiveName": "WHO Study Group"}, "WHO Study Group", None, None, None, None,
         True),
    ],
)
def test_author_of_each_shape(item: object, display: str, given: str | None,
                              family: str | None, orcid: str | None,
                              orcid_pointer: str | None, organization: bool) -> None:
    author = author_of(item, "/a/0")
    assert author is not None
    assert (author.display, author.given, author.family, author.orcid) == (
        display, given, family, orcid)
    assert author.pointer == "/a/0"
    assert author.orcid_pointer == orcid_pointer
    assert author.organization is organization


def test_parts_point_at_their_strings() -> None:
    record = {"author": [{"given": "GEORGE D.", "family": "WINTER", "ORCID": ""}]}
    author = authors_of(record["author"], "/author")[0]
    assert [(p.role, p.pointer, p.value) for p in author.parts] == [
        ("given", "/author/0/given", "GEORGE D."), ("family", "/author/0/family", "WINTER")]
    assert author.orcid is None  # an empty ORCID is no ORCID


@pytest.mark.parametrize("item", [None, 3, 2.5, True, [], ["Hao Liang"], {}, {"x": 1},
                                  {"affiliation": []}])
def test_no_author(item: object) -> None:
    assert author_of(item, "/a/0") is None


def test_authors_of_skips_non_items_and_keeps_positions() -> None:
    found = authors_of(["Ann Lee", None, {"name": "Bo Kim"}, 3], "/authors")
    assert [(a.display, a.pointer) for a in found] == [("Ann Lee", "/authors/0"),
                                                        ("Bo Kim", "/authors/2")]
    assert authors_of("Ann Lee, Bo Kim", "/authors") == []
    assert authors_of(None, "/authors") == []


@given(JSON)
def test_author_of_never_raises_and_points_inside_the_item(item: object) -> None:
    author = author_of(item, "/a/0")
    if author is None:
        return
    assert isinstance(author, Author)
    assert isinstance(author.display, str)
    record = {"a": [item]}
    for part in author.parts:
        assert part.pointer.startswith("/a/0")
        assert resolve_pointer(record, part.pointer) == part.value
    if author.orcid_pointer is not None:
        assert resolve_pointer(record, author.orcid_pointer) == author.orcid


@given(JSON)
def test_authors_of_never_raises(value: object) -> None:
    for author in authors_of(value, "/authors"):
        assert author.pointer.startswith("/authors/")


@given(NAME, NAME)
def test_split_names_round_trip(given_name: str, family: str) -> None:
    for item in ({"given": given_name, "family": family},
                 {"givenName": given_name, "familyName": family, "nameType": "Personal"},
                 {"ForeName": given_name, "LastName": family}):
        author = author_of(item, "/a/0")
        assert author is not None
        assert (author.given, author.family) == (given_name, family)
        assert author.display == f"{given_name} {family}"


@given(NAME)
def test_display_names_round_trip(name: str) -> None:
    for item in (name, {"name": name}, {"author": {"display_name": name}},
                 {"literal": name}):
        author = author_of(item, "/a/0")
        assert author is not None
        assert author.display == name


# -- name keys ----------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("a", "b"),
    [("María  R. López-Díaz", "maria r lopez diaz"), ("O'Neil", "ONEIL"),
     ("Jürgen", "JURGEN"), ("Straße", "STRASSE")],
)
def test_name_key_equal(a: str, b: str) -> None:
    assert name_key(a) == name_key(b)


def test_name_key_keeps_letters_of_every_script() -> None:
    assert name_key("李 明") == "李明"
    assert name_key("Li, Peng") != name_key("Li, Ping")


@given(st.text())
@example("İstanbul")
@example("ǅ")
@example("ﬁ")
def test_name_key_is_idempotent(text: str) -> None:
    key = name_key(text)
    assert name_key(key) == key
    assert key == key.strip()


# -- ORCID --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "problem", "fixed"),
    [
        ("https://orcid.org/0000-0002-1825-0097", None, None),
        ("http://orcid.org/0000-0002-1825-0097", None, None),
        ("0000-0002-1825-0097", None, None),
        ("0000-0001-5109-3700", None, None),
        ("https://orcid.org/0000-0002-1694-233X", None, None),
        ("https://orcid.org/0000-0002-1694-233x", "lower-case x",
         "https://orcid.org/0000-0002-1694-233X"),
        ("0000000218250097", "hyphens", "0000-0002-1825-0097"),
        (" ORCID: 0000-0002-1825-0097", "label", "0000-0002-1825-0097"),
        ("https://www.orcid.org/0000-0002-1825-0097", "www", "https://orcid.org/0000-0002-1825-0097"),
        ("orcid.org/0000-0002-1825-0097", "https://", "https://orcid.org/0000-0002-1825-0097"),
        ("https://orcid.org/0000-0002-1825-0097/", "slash",
         "https://orcid.org/0000-0002-1825-0097"),
        ("https://sandbox.orcid.org/0000-0002-1825-0097", "sandbox", None),
        ("ftp://orcid.org/0000-0002-1825-0097", "scheme", None),
        ("0000-0002-1825-0098", "check character", None),
        ("0000-0002-1825-009", "15 characters", None),
        ("0000-000X-1825-0097", "last character", None),
        ("Josiah Carberry", "not an ORCID", None),
    ],
)
def test_check_orcid(value: str, problem: str | None, fixed: str | None) -> None:
    checked = check_orcid(value)
    if problem is None:
        assert checked.defects == ()
    else:
        assert checked.defects and problem in orcid_message(checked)
    assert checked.fixed == fixed


@given(st.text(max_size=60))
@example("https://orcid.org/")
@example("https:///0000")
@example("ORCID 0")
def test_check_orcid_never_raises_and_fixes_are_clean(value: str) -> None:
    checked = check_orcid(value)
    if checked.fixed is not None:
        assert check_orcid(checked.fixed).defects == ()
        assert orcid_key(checked.fixed) == checked.key
    if checked.key is not None:
        assert len(checked.key) == 16


@given(st.integers(min_value=0, max_value=10**15 - 1), st.sampled_from(
    ["", "https://orcid.org/", "http://orcid.org/"]))
def test_every_valid_orcid_passes(number: int, prefix: str) -> None:
    body = f"{number:015d}"
    key = body + mod_11_2.calc_check_digit(body)
    hyphenated = f"{key[0:4]}-{key[4:8]}-{key[8:12]}-{key[12:16]}"
    assert ORCID_RE.fullmatch(hyphenated)
    assert check_orcid(prefix + hyphenated).defects == ()
    assert orcid_key(prefix + hyphenated) == key
    assert check_orcid(prefix + key).fixed == prefix + hyphenated


# -- PMID ---------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "expected"),
    [("40849737", "40849737"), (" PMID: 40849737 ", "40849737"), ("pmid40849737", "40849737"),
     ("PubMed ID 123", "123"), ("000123", "123"), (40849737, "40849737"),
     ("https://pubmed.ncbi.nlm.nih.gov/17435989/", "17435989"),
     ("https://www.ncbi.nlm.nih.gov/pubmed/17435989", "17435989"),
     ("0", None), (0, None), (-5, None), (True, None), ("1234567890", None), ("12a", None),
     ("PMC123", None), ("١٢٣", None), (None, None), (1.5, None)],
)
def test_normalise_pmid(value: object, expected: str | None) -> None:
    assert normalise_pmid(value) == expected


@given(st.one_of(st.text(max_size=40), st.integers(), st.none(), st.floats()))
def test_normalise_pmid_is_idempotent(value: object) -> None:
    result = normalise_pmid(value)
    if result is not None:
        assert PMID_RE.fullmatch(result)
        assert normalise_pmid(result) == result


# -- arXiv --------------------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "problem", "fixed"),
    [
        ("2405.19561", None, None), ("0704.0001", None, None), ("1412.7878v2", None, None),
        ("hep-th/9901001", None, None), ("math.AG/0309136v3", None, None),
        ("arXiv:2405.19561", "prefix", "2405.19561"),
        ("https://arxiv.org/abs/2405.19561v1", "prefix", "2405.19561v1"),
        ("https://arxiv.org/pdf/2405.19561.pdf", "prefix", "2405.19561"),
        ("1412.78781", "4-digit", None), ("2501.1234", "5-digit", None),
        ("0703.1234", "April 2007", None), ("2313.12345", "month 13", None),
        ("hep-th/5001001", "1991", None), ("10.48550/arXiv.2405.19561", "form", None),
    ],
)
def test_check_arxiv(value: str, problem: str | None, fixed: str | None) -> None:
    found, repaired = check_arxiv(value)
    if problem is None:
        assert found is None
    else:
        assert found is not None and problem in arxiv_message(found)
    assert repaired == fixed


@given(st.text(max_size=60))
def test_check_arxiv_never_raises_and_fixes_are_clean(value: str) -> None:
    problem, fixed = check_arxiv(value)
    if fixed is not None:
        assert problem is not None
        assert check_arxiv(fixed) == (None, None)


# -- identifier schemes -------------------------------------------------------------------

@pytest.mark.parametrize(
    ("value", "scheme"),
    [("10.1177/15266028251361770", "doi"), ("https://doi.org/10.1177/1", "doi"),
     ("PMC1234567", "pmcid"), ("2405.19561", "arxiv"), ("arXiv:2405.19561", "arxiv"),
     ("0000-0002-1825-0097", "orcid"), ("1526-6028", "issn"), ("978-3-16-148410-0", "isbn"),
     ("085359027X", None), ("8535902775", "isbn"), ("40849737", "pmid"),
     ("38346273", "pmid"),  # passes the ISSN check digit, but has no hyphen: a PMID
     ("1526-6027", None), ("Journal of Endovascular Therapy", None), ("", None)],
)
def test_identifier_scheme(value: str, scheme: str | None) -> None:
    assert identifier_scheme(value) == scheme


@given(st.one_of(st.text(max_size=80), st.integers(), st.none(), st.lists(st.text())))
def test_identifier_scheme_never_raises(value: object) -> None:
    assert identifier_scheme(value) in (None, "doi", "pmcid", "arxiv", "orcid", "issn", "isbn",
                                        "pmid")


def test_author_shapes_of_the_corpus_are_read() -> None:
    """Every author item in the shared corpus's JSON records is read without error."""
    from .conftest import corpus_or_skip

    corpus = corpus_or_skip()
    seen = 0
    for path in sorted(corpus.glob("*-json/**/*.json"))[:200]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (ValueError, UnicodeDecodeError):
            continue
        items = data.get("author") or data.get("authors") or data.get("authorships") \
            if isinstance(data, dict) else None
        for author in authors_of(items, "/author"):
            assert isinstance(author.display, str)
            seen += 1
    assert seen > 0
