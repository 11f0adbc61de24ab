"""XML readers (issue 10): PubMed/MEDLINE, JATS, Crossref and DataCite XML, streamed, with
positions; hardened parsing (XXE, billion laughs, external DTDs, HTML pages); the PubMed XML
version of the seed record."""

from __future__ import annotations

import gc
import json
import time
from pathlib import Path

import pytest
from lxml import etree

from biblint import Linter
from biblint.readers import READERS, open_path, read_bytes
from biblint.readers.xml import XmlDocument, XmlStream, open_xml, read_xml

from .conftest import FIXTURES, SEED

SEED_XML = FIXTURES / "seed" / "seed-record.pubmed.xml"


def article(pmid: int, title: str = "A title.", extra: str = "") -> str:
    return (f"<PubmedArticle><MedlineCitation Status=\"MEDLINE\"><PMID>{pmid}</PMID>"
            f"<Article PubModel=\"Print\"><Journal><ISSN>0028-0836</ISSN><JournalIssue>"
            f"<Volume>1</Volume><PubDate><Year>2020</Year><Month>Feb</Month></PubDate>"
            f"</JournalIssue><Title>Nature</Title></Journal><ArticleTitle>{title}"
            f"</ArticleTitle>{extra}</Article></MedlineCitation><PubmedData><ArticleIdList>"
            f"<ArticleId IdType=\"pubmed\">{pmid}</ArticleId></ArticleIdList></PubmedData>"
            f"</PubmedArticle>")


def pubmed_set(*articles: str) -> bytes:
    body = "\n".join(articles)
    return f"<?xml version=\"1.0\"?>\n<PubmedArticleSet>\n{body}\n</PubmedArticleSet>\n".encode()


def read_all(data: bytes, name: str) -> XmlDocument:
    """An XML document with its records read (and so its problems complete)."""
    document = read_xml(data, name)
    assert isinstance(document.records, list)
    return document


def codes(result) -> list[str]:
    return sorted(f.code for f in result.findings)


# -- reading --------------------------------------------------------------------------------


def test_pubmed_record_shape_and_profile():
    doc = read_all(pubmed_set(article(7, extra="<Pagination><MedlinePgn>1199-205</MedlinePgn>"
                                               "</Pagination>")), "a.xml")
    (raw,) = doc.records
    assert raw.profile == "pubmed"
    assert raw.data["PMID"] == "7"
    assert raw.data["Article"]["Journal"]["PubDate"] == "2020-02"
    assert raw.data["Article"]["Pagination"]["MedlinePgn"] == "1199-205"
    assert raw.data["PubmedData"]["ArticleIdList"] == {"pubmed": "7"}
    assert doc.problems == []


def test_medline_date_and_season_kept_as_nlm_wrote_them():
    season = article(1).replace("<Month>Feb</Month>", "<Season>Fall</Season>")
    medline = article(2).replace("<Year>2020</Year><Month>Feb</Month>",
                                 "<MedlineDate>1998 Dec-1999 Jan</MedlineDate>")
    doc = read_all(pubmed_set(season, medline), "a.xml")
    dates = [r.data["Article"]["Journal"]["PubDate"] for r in doc.records]
    assert dates == [{"Year": "2020", "Season": "Fall"}, {"MedlineDate": "1998 Dec-1999 Jan"}]
    result = Linter().check_document(doc)
    assert not [f for f in result.findings if f.code.startswith("DATE")]


def test_elided_pages_and_title_period_are_nlm_conventions():
    text = pubmed_set(article(3, "Hospital debt.", "<Pagination><MedlinePgn>1199-205"
                                                   "</MedlinePgn></Pagination>"))
    found = codes(Linter().check_bytes(text, "medline.xml"))
    assert "PAGE002" not in found and "TTL001" not in found


def test_findings_carry_element_line_and_column():
    text = (b"<PubmedArticleSet>\n  <PubmedArticle><MedlineCitation><PMID>1</PMID>\n"
            b"    <Article><Journal><JournalIssue><Volume> </Volume></JournalIssue></Journal>\n"
            b"    <ArticleTitle>T.</ArticleTitle></Article></MedlineCitation></PubmedArticle>\n"
            b"</PubmedArticleSet>\n")
    result = Linter().check_bytes(text, "p.xml")
    (blank,) = [f for f in result.findings if f.code == "TYP003"]
    assert (blank.line, blank.column) == (3, 37)
    assert text.split(b"\n")[2][blank.column - 1:].startswith(b"<Volume>")


def test_column_counts_same_named_elements_on_one_line():
    text = (b"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
            b"<ArticleTitle>T.</ArticleTitle><AuthorList><Author><LastName>Li</LastName>"
            b"</Author><Author><LastName>Li</LastName><ForeName> </ForeName></Author>"
            b"</AuthorList></Article></MedlineCitation></PubmedArticle></PubmedArticleSet>")
    doc = read_all(text, "one-line.xml")
    line, column = doc.locate(0, "/Article/AuthorList/1/LastName")
    assert line == 1
    assert text[column - 1:].startswith(b"<LastName>Li</LastName><ForeName>")


def test_stream_and_memory_readers_agree(tmp_path):
    text = pubmed_set(*(article(i) for i in range(1, 40)))
    path = tmp_path / "set.xml"
    path.write_bytes(text)
    streamed = open_path(path)
    assert isinstance(streamed, XmlStream) and not isinstance(streamed, XmlDocument)
    in_memory = read_bytes(text, str(path))
    assert [r.data for r in streamed.iter_records()] == [r.data for r in in_memory.records]
    assert Linter().check_paths([path]).findings == Linter().check_bytes(text, str(path)).findings


def test_stream_releases_each_record(tmp_path):
    """Bounded memory: while record k is checked, the elements of earlier records are gone."""
    path = tmp_path / "baseline.xml"
    path.write_bytes(pubmed_set(*(article(i) for i in range(1, 501))))
    document = open_xml(path)
    held = []
    for raw in document.iter_records():
        element = document._current.element  # the record's element, kept until the next one
        held.append(sum(1 for _ in element.itersiblings(preceding=True)))
        assert raw.data["PMID"] == str(raw.origin.index + 1)
    assert max(held) <= 1  # earlier records are gone; later ones are the parser's read-ahead
    assert document._window is not None and len(document._window.buffer) < 200_000


def test_book_and_delete_citation_records():
    text = (b"<PubmedArticleSet><PubmedBookArticle><BookDocument><PMID>20821847</PMID>"
            b"<Book><BookTitle>Endocrinology</BookTitle><PubDate><Year>2001</Year></PubDate>"
            b"<Isbn>1859962521</Isbn></Book></BookDocument></PubmedBookArticle>"
            b"<DeleteCitation><PMID>1</PMID></DeleteCitation></PubmedArticleSet>")
    doc = read_all(text, "u.xml")
    assert [r.profile for r in doc.records] == ["pubmed-book", "pubmed-delete"]
    assert doc.records[1].data == {"DeleteCitation": {"PMID": ["1"]}}
    result = Linter().check_document(doc)
    assert "PUB001" in codes(result)


def test_empty_set_is_a_finding_not_a_crash():
    result = Linter().check_bytes(b"<PubmedArticleSet></PubmedArticleSet>", "empty.xml")
    assert codes(result) == ["IO009"] and result.records == 0


def test_jats_crossref_datacite_records():
    jats = (b"<article article-type=\"review-article\"><front><journal-meta>"
            b"<journal-title-group><journal-title>eLife</journal-title></journal-title-group>"
            b"<issn publication-format=\"electronic\">2050-084X</issn></journal-meta>"
            b"<article-meta><article-id pub-id-type=\"doi\">10.7554/eLife.00240</article-id>"
            b"<article-id pub-id-type=\"pmc\">3552424</article-id><title-group><article-title>"
            b"Cell <italic>fate</italic></article-title></title-group>"
            b"<pub-date date-type=\"pub\" publication-format=\"electronic\"><day>22</day>"
            b"<month>01</month><year>2013</year></pub-date><abstract><p>One.</p><p>Two.</p>"
            b"</abstract></article-meta></front><body/></article>")
    (raw,) = read_xml(jats, "e.xml").records
    assert raw.profile == "jats"
    meta = raw.data["article-meta"]
    assert meta["article-title"] == "Cell fate"
    assert meta["pub-date"] == {"pub-electronic": "2013-01-22"}
    assert meta["abstract"] == "One. Two."
    crossref = (b"<doi_records><doi_record><crossref><journal><journal_metadata><full_title>J"
                b"</full_title><issn>00217298</issn></journal_metadata><journal_issue>"
                b"<journal_volume><volume>3</volume></journal_volume></journal_issue>"
                b"<journal_article><titles><title>T</title></titles><doi_data><doi>10.1/x</doi>"
                b"<resource>https://x.org</resource></doi_data><component_list><component>"
                b"<doi_data><doi>10.1/x.s1</doi></doi_data></component></component_list>"
                b"</journal_article></journal></crossref></doi_record></doi_records>")
    (raw,) = read_xml(crossref, "c.xml").records
    assert raw.profile == "crossref-xml"
    assert raw.data["doi_data"]["doi"] == "10.1/x" and raw.data["volume"] == "3"
    datacite = (b"<resource xmlns=\"http://datacite.org/schema/kernel-4\"><identifier "
                b"identifierType=\"DOI\">10.5072/x</identifier><creators><creator><creatorName>"
                b"Miller, E</creatorName></creator></creators><titles><title>T</title></titles>"
                b"<publisher>P</publisher><publicationYear>2014</publicationYear></resource>")
    (raw,) = read_xml(datacite, "d.xml").records
    assert raw.profile == "datacite-xml"
    assert raw.data["creators"] == [{"name": "Miller, E"}]
    assert raw.data["publicationYear"] == "2014"


def test_xml_of_any_name_through_the_readers_table():
    """The content sniffer (textfmt) routes XML content of any suffix via READERS[".xml"]."""
    reader, _ = READERS[".xml"]
    doc = reader(pubmed_set(article(5)), "export.txt", False)
    assert [r.profile for r in doc.records] == ["pubmed"]
    assert READERS[".nxml"][0] is reader


def test_fix_never_writes_xml(tmp_path):
    path = tmp_path / "seed.xml"
    path.write_bytes(SEED_XML.read_bytes())
    before = path.read_bytes()
    report = Linter().check_paths([path], fix=True, unsafe=True)
    assert path.read_bytes() == before
    assert report.errors == [] and report.findings


# -- hardening ------------------------------------------------------------------------------


def test_xxe_is_refused_and_never_read(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    text = (f"<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet [\n<!ENTITY xxe SYSTEM "
            f"\"{secret.as_uri()}\">\n]>\n" + pubmed_set(article(1, "&xxe;")).decode()
            .split("\n", 1)[1]).encode()
    for data in (text, b"\xff\xfe" + text.decode().encode("utf-16-le")):
        doc = read_all(data, "xxe.xml")
        assert [p.code for p in doc.problems] == ["IO007"], doc.problems
        assert doc.records == []
        assert "TOP-SECRET" not in json.dumps([r.data for r in doc.records])


def test_entities_declared_in_an_unscannable_prolog_are_caught_by_the_parser(monkeypatch):
    """The second layer: were the prolog scan fooled, the parsed DTD is still checked."""
    import biblint.readers.xml as xml_module
    from biblint.readers.xmlbase import Prolog

    monkeypatch.setattr(xml_module, "scan_prolog",
                        lambda head: Prolog("PubmedArticleSet", None, False, True, True))
    text = (b"<!DOCTYPE PubmedArticleSet [<!ENTITY a \"AAAA\">]>\n"
            + pubmed_set(article(1, "&a;")).split(b"\n", 1)[1])
    doc = read_all(text, "sneaky.xml")
    assert [p.code for p in doc.problems] == ["IO007"]
    assert doc.records == []


def test_billion_laughs_is_refused_at_once():
    lol = "".join(f"<!ENTITY lol{i} \"{f'&lol{i - 1};' * 10}\">\n" for i in range(1, 10))
    text = (f"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol0 \"lol\">\n{lol}]>\n"
            f"<PubmedArticleSet><PubmedArticle><MedlineCitation><PMID>1</PMID><Article>"
            f"<ArticleTitle>&lol9;</ArticleTitle></Article></MedlineCitation></PubmedArticle>"
            f"</PubmedArticleSet>").encode()
    started = time.perf_counter()
    result = Linter().check_bytes(text, "lol.xml")
    assert time.perf_counter() - started < 2
    assert codes(result) == ["IO007"]
    assert "unsafe XML" in result.findings[0].message


def test_external_dtd_is_never_loaded(tmp_path):
    dtd = tmp_path / "evil.dtd"
    dtd.write_text('<!ENTITY leak "LEAKED-FROM-DTD">')
    text = (f"<?xml version=\"1.0\"?>\n<!DOCTYPE PubmedArticleSet SYSTEM \"{dtd.as_uri()}\">\n"
            + pubmed_set(article(1, "&leak;")).decode().split("\n", 1)[1]).encode()
    doc = read_all(text, "dtd.xml")
    assert "LEAKED" not in json.dumps([r.data for r in doc.records])
    assert [(p.code, p.record) for p in doc.problems] == [("IO008", 0)]  # said, not guessed
    assert "&leak;" in doc.problems[0].message
    plain = (b"<!DOCTYPE PubmedArticleSet PUBLIC \"-//NLM//DTD PubMedArticle//EN\" "
             b"\"http://127.0.0.1:9/pubmed.dtd\">\n" + pubmed_set(article(2)).split(b"\n", 1)[1])
    doc = read_all(plain, "public-dtd.xml")
    assert doc.problems == [] and len(doc.records) == 1  # named, never fetched


def test_html_page_saved_as_xml_is_named():
    page = (b"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            b"<title>PubMed</title></head><body><p>&nbsp;</p></body></html>")
    result = Linter().check_bytes(page, "saved.xml")
    assert codes(result) == ["IO009"]
    assert "an HTML page" in result.findings[0].message
    assert result.findings[0].file == "saved.xml"


def test_not_well_formed_keeps_the_records_before_the_error():
    text = pubmed_set(article(1), article(2), "<PubmedArticle><PMID>3</Broken>")
    result = Linter().check_bytes(text, "cut.xml")
    assert result.records == 2
    (bad,) = [f for f in result.findings if f.code == "IO008"]
    assert bad.line == 5 and "after 2 records" in bad.message


def test_not_well_formed_after_many_reads_keeps_every_record_before_the_error(tmp_path):
    """The records of the parser's last read before the error are kept too, on a file read
    from disk in many chunks (lxml 6.2's ``iterparse`` raised before handing them out)."""
    many = [article(n, "A title that fills the file. " * 20) for n in range(1, 301)]
    path = tmp_path / "cut.xml"
    path.write_bytes(pubmed_set(*many, "<PubmedArticle><PMID>301</Broken>"))
    assert path.stat().st_size > 4 * 64 * 1024
    result = Linter().check_paths([path], jobs=1)
    assert result.records == 300
    (bad,) = [f for f in result.findings if f.code == "IO008"]
    assert "after 300 records" in bad.message


def test_parser_is_not_in_huge_tree_mode():
    """A text node beyond libxml2's default limit (10 MB) is an error, not a huge tree."""
    text = pubmed_set(article(1, "x" * (11 * 1024 * 1024)))
    result = Linter().check_bytes(text, "huge.xml")
    assert "IO008" in codes(result)
    gc.collect()


# -- the seed record in PubMed XML ------------------------------------------------------------

CARRIED = {"ABS001", "ABS002", "ABS003", "ABS004", "TYP002", "TYP003", "PAGE003", "PT002",
           "DATE005"}
"""Defect codes of the JSON seed that PubMed XML can carry (see the fixture's comment)."""
NOT_CARRIED = {
    "TTL001": "NLM ends every ArticleTitle with a period: the format's rule",
    "AUTH001": "AuthorList is a list of Author elements: no flattened string",
    "XREF001": "no DOI URL field", "REC002": "no search-export fields",
    "PT001": "PublicationType is PubMed's own vocabulary",
    "TYP001": "XML has no integers", "TYP005": "a list is a list of elements",
    "ID009": "no platform id",
}


def test_seed_record_in_pubmed_xml_has_the_same_defect_findings():
    json_codes = {f.code for f in Linter().check_bytes(SEED.read_bytes(), str(SEED)).findings}
    xml_result = Linter().check_bytes(SEED_XML.read_bytes(), str(SEED_XML))
    xml_codes = {f.code for f in xml_result.findings}
    assert json_codes == CARRIED | NOT_CARRIED.keys()
    assert xml_codes & CARRIED == json_codes & CARRIED
    assert xml_codes - CARRIED == {"REC001"}  # the seed has no PMID; PubMed XML needs one
    assert all(f.line is not None and f.column is not None for f in xml_result.findings)


def test_seed_xml_findings_point_at_their_elements():
    result = Linter().check_bytes(SEED_XML.read_bytes(), str(SEED_XML))
    lines = SEED_XML.read_bytes().split(b"\n")
    where = {f.code: lines[f.line - 1][f.column - 1:] for f in result.findings}
    assert where["PAGE003"].startswith(b"<MedlinePgn>")
    assert where["ABS003"].startswith(b"<AbstractText>")
    assert where["TYP003"].startswith(b"<Volume>")
    assert where["PT002"].startswith(b"<PublicationTypeList>")
    assert where["DATE005"].startswith(b"<Article ")


@pytest.mark.parametrize("name", ["seed-record.pubmed.xml"])
def test_seed_xml_is_well_formed(name):
    etree.fromstring((FIXTURES / "seed" / name).read_bytes(),
                     etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False))


def test_seed_xml_round_trip_paths(tmp_path: Path):
    copy = tmp_path / "seed.xml"
    copy.write_bytes(SEED_XML.read_bytes())
    streamed = Linter().check_paths([copy])
    assert sorted(f.code for f in streamed.findings) == sorted(
        f.code for f in Linter().check_bytes(SEED_XML.read_bytes(), str(copy)).findings)


def test_bytes_are_streamed_until_the_list_is_asked_for():
    """--fix and --diff read a file as bytes: iterating them must not keep every record."""
    doc = read_xml(pubmed_set(*(article(i) for i in range(1, 300))), "big.xml")
    for raw in doc.iter_records():
        element = doc._current.element
        assert sum(1 for _ in element.itersiblings(preceding=True)) <= 1
        assert doc.locate(raw.origin.index, "/PMID")[0] >= 1
    assert doc._kept == {}
    assert len(doc.records) == 299 and doc.problems == []
    assert doc.locate(0, "/PMID") == doc.locate(0, "/PMID")


def test_looks_like_xml_for_the_content_sniffer():
    from biblint.readers.xml import looks_like_xml

    assert looks_like_xml(SEED_XML.read_bytes()[:4096])
    assert looks_like_xml(b"\n  <PubmedArticleSet></PubmedArticleSet>")
    assert looks_like_xml("<?xml version='1.0'?><resource/>".encode("utf-16"))
    assert looks_like_xml(b"<!DOCTYPE x [<!ENTITY a 'b'>]><x/>")
    assert not looks_like_xml(b'{"title": "<i>A</i>"}')
    assert not looks_like_xml(b"TY  - JOUR\nTI  - <b>x</b>\nER  - \n")
    assert not looks_like_xml(b"@article{key, title={<A>}}")
    assert not looks_like_xml(b"")
