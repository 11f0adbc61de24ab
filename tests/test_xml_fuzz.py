"""Hypothesis fuzzing of the XML readers (issue 10): random bytes, mutated real documents and
structure-aware PubMed, JATS, Crossref and DataCite XML. Readers report, never raise; every
record they yield can be placed; a finding of the whole engine has a line and a column."""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biblint import Linter
from biblint.readers.xml import read_xml
from biblint.readers.xmlbase import scan_prolog

from .conftest import FIXTURES

SEED_XML = (FIXTURES / "seed" / "seed-record.pubmed.xml").read_bytes()
LINTER = Linter()

_text = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
                max_size=40)
_xml_text = _text.map(lambda t: "".join(c for c in t if c in "\t\n\r" or ord(c) >= 0x20))


def _element(name: str, children: st.SearchStrategy[str] | None = None,
             attributes: tuple[str, ...] = ()) -> st.SearchStrategy[str]:
    inner = children if children is not None else _xml_text.map(escape)
    attrs = st.lists(st.tuples(st.sampled_from(attributes or ("x",)), _xml_text),
                     max_size=2 if attributes else 0, unique_by=lambda a: a[0])
    return st.tuples(inner, attrs).map(lambda p: (
        f"<{name}" + "".join(f" {k}={quoteattr(v)}" for k, v in p[1]) + f">{p[0]}</{name}>"))


def _many(*parts: st.SearchStrategy[str], most: int = 4) -> st.SearchStrategy[str]:
    return st.lists(st.one_of(*parts), max_size=most).map("".join)


_date = _many(_element("Year"), _element("Month"), _element("Day"), _element("Season"),
              _element("MedlineDate"), _element("year"), _element("month"), _element("day"))
_author = _element("Author", _many(_element("LastName"), _element("ForeName"),
                                   _element("CollectiveName"), _element("Initials"),
                                   _element("Identifier", attributes=("Source",))))
_pubmed_article = _element("PubmedArticle", _many(
    _element("MedlineCitation", _many(
        _element("PMID"),
        _element("Article", _many(
            _element("Journal", _many(_element("ISSN"), _element("Title"), _element(
                "JournalIssue", _many(_element("Volume"), _element("PubDate", _date))))),
            _element("ArticleTitle"),
            _element("Pagination", _element("MedlinePgn")),
            _element("ELocationID", attributes=("EIdType", "ValidYN")),
            _element("Abstract", _many(_element("AbstractText", attributes=("Label",)))),
            _element("AuthorList", _many(_author)),
            _element("PublicationTypeList", _many(_element("PublicationType"))),
            _element("ArticleDate", _date),
        ), attributes=("PubModel",)))),
    _element("PubmedData", _element("ArticleIdList", _many(
        _element("ArticleId", attributes=("IdType",))))),
    _element("DeleteCitation", _many(_element("PMID"))),
))
_pubmed = _many(_pubmed_article, _element("DeleteCitation", _many(_element("PMID"))),
                most=3).map(lambda body: f"<PubmedArticleSet>{body}</PubmedArticleSet>")
_jats = _element("article", _element("front", _many(
    _element("journal-meta", _many(_element("journal-title"), _element(
        "issn", attributes=("pub-type",)))),
    _element("article-meta", _many(
        _element("article-id", attributes=("pub-id-type",)),
        _element("title-group", _element("article-title")),
        _element("pub-date", _date, attributes=("pub-type", "date-type")),
        _element("contrib-group", _many(_element("contrib", _element("name", _many(
            _element("surname"), _element("given-names"))), attributes=("contrib-type",)))),
        _element("abstract", _many(_element("p"))),
        _element("permissions", _element("copyright-year")),
    )))), attributes=("article-type",))
_crossref = _element("doi_records", _many(_element("doi_record", _element("crossref", _element(
    "journal", _many(
        _element("journal_metadata", _many(_element("full_title"), _element("issn"))),
        _element("journal_issue", _element("issue")),
        _element("journal_article", _many(
            _element("titles", _element("title")),
            _element("contributors", _many(_element("person_name", _many(
                _element("given_name"), _element("surname"))))),
            _element("doi_data", _many(_element("doi"), _element("resource"))),
            _element("publication_date", _date, attributes=("media_type",)),
        ))))))))
_datacite = _element("resource", _many(
    _element("identifier", attributes=("identifierType",)),
    _element("creators", _many(_element("creator", _many(_element(
        "creatorName", attributes=("nameType",)), _element("givenName"))))),
    _element("titles", _many(_element("title", attributes=("titleType",)))),
    _element("publisher"), _element("publicationYear"),
    _element("resourceType", attributes=("resourceTypeGeneral",)),
    _element("descriptions", _many(_element("description", attributes=("descriptionType",)))),
))
_documents = st.one_of(_pubmed, _jats, _crossref, _datacite)


def _check_document(data: bytes) -> None:
    document = read_xml(data, "fuzz.xml")
    for raw in document.records:
        assert raw.profile in {"pubmed", "pubmed-book", "pubmed-delete", "jats",
                               "crossref-xml", "datacite-xml"}
        line, column = document.locate(raw.origin.index, "")
        assert line >= 1 and column >= 1
    for problem in document.problems:
        assert problem.code.startswith("IO") and problem.message


@given(st.binary(max_size=2000))
def test_random_bytes_never_raise(data):
    _check_document(data)
    scan_prolog(data)


@given(st.binary(max_size=300), st.integers(0, len(SEED_XML)), st.integers(0, 64))
def test_mutated_seed_never_raises(noise, at, cut):
    _check_document(SEED_XML[:at] + noise + SEED_XML[at + cut:])


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(_documents, st.sampled_from(["", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                                    "<!DOCTYPE x PUBLIC \"-//X//EN\" \"http://127.0.0.1:9/x.dtd\">\n"]))
def test_structured_documents_read_and_lint(body, prolog):
    data = (prolog + body).encode("utf-8")
    document = read_xml(data, "fuzz.xml")
    assert isinstance(document.records, list)
    assert all(p.code != "IO007" for p in document.problems)
    result = LINTER.check_bytes(data, "fuzz.xml")
    assert result.errors == []
    for finding in result.findings:
        assert finding.line is not None and finding.line >= 1
        assert finding.column is not None and finding.column >= 1


@given(_documents, st.sampled_from(["utf-16", "utf-16-le", "utf-8-sig"]))
def test_other_encodings_read_alike(body, encoding):
    prolog = f"<?xml version=\"1.0\" encoding=\"{encoding.split('-sig')[0].upper()}\"?>"
    data = (prolog + body).encode(encoding)
    if encoding == "utf-16-le":
        data = b"\xff\xfe" + data
    plain = read_xml(body.encode("utf-8"), "a.xml")
    other = read_xml(data, "b.xml")
    assert [r.data for r in other.records] == [r.data for r in plain.records]


@given(_documents, st.sampled_from(['<!ENTITY a "x">', '<!ENTITY a SYSTEM "file:///etc/hostname">',
                                    '<!ENTITY % p SYSTEM "http://127.0.0.1:9/p">']))
def test_any_entity_declaration_is_refused(body, declaration):
    root = body[1:body.index(">")].split()[0]
    data = f"<!DOCTYPE {root} [{declaration}]>\n{body}".encode()
    document = read_xml(data, "x.xml")
    assert document.records == []
    assert [p.code for p in document.problems] == ["IO007"]
