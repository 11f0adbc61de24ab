"""Hypothesis on the text-format readers: they report, never raise, and their write-back
either writes exactly the fix (read back) or refuses.

Random bytes, and structure-aware input built from the pieces these formats are made of
(entry heads, braces, quotes, macros, TeX commands; tag lines, continuations, ``ER``).
"""

from __future__ import annotations

import gzip

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from biblint.readers import WriteBackError, read_bytes, sniff
from biblint.readers.bibtex import read_bibtex
from biblint.readers.gz import read_gzip
from biblint.readers.medline import read_medline
from biblint.readers.ris import read_ris

READERS = {"bib": read_bibtex, "ris": read_ris, "nbib": read_medline}

BIB_PIECES = st.sampled_from([
    "@article{", "@book(", "@string{", "@comment{", "@preamble{", "key,", " title = ",
    "author = ", "{", "}", "(", ")", '"', "#", ",", "=", " and ", "others", "\\'e", '{\\"o}',
    "\\&", "--", "~", "$\\alpha$", "\\textit{", "jan", "2020", "\n", " ", "x", "Ü", "%", "\\",
    "@", "pages = {1--2}", "doi = {10.1000/a\\_b}",
])
RIS_PIECES = st.sampled_from([
    "TY  - JOUR\n", "ER  - \n", "ER  -\n", "AU  - Smith, J.\n", "TI  - A title.\n",
    "T2  - J\n", "SP  - 1-2\n", "DO  - 10.1/x\n", "XX  - ?\n", "continued\n", "\n", "1.\n",
    "TY - BOOK\n", "AB  - <p>x</p>\n", "  \n", "AU  - A, B, C, D\n", "KW  - k\n", "\r\n",
])
MED_PIECES = st.sampled_from([
    "PMID- 1\n", "TI  - T.\n", "      more\n", "AU  - X Y\n", "FAU - X, Y\n",
    "AID - 10.1/x [doi]\n", "IS  - 1234-5678 (Print)\n", "\n", "junk\n", "PG  - 1-9\n",
    "LID - 10.1/y [doi]\n", "AB  - text\n",
])


def _check(document) -> None:
    for problem in document.problems:
        assert problem.code and problem.message
        assert problem.line is None or problem.line >= 1
    for index, raw in enumerate(document.records):
        assert raw.origin.index == index
        line, column = document.locate(index, "")
        assert line >= 1 and column >= 1
        if isinstance(raw.data, dict):
            for key in raw.data:
                line, column = document.locate(index, "/" + key.replace("~", "~0")
                                               .replace("/", "~1"))
                assert line >= 1 and column >= 1


@given(st.binary(max_size=400), st.sampled_from(sorted(READERS)))
def test_random_bytes_never_raise(data, kind):
    _check(READERS[kind](data, f"x.{kind}"))
    _check(read_bytes(data, "x.txt"))
    sniff(data)


@given(st.lists(BIB_PIECES, max_size=40))
def test_bibtex_structure_never_raises(pieces):
    _check(read_bibtex("".join(pieces).encode(), "x.bib"))


@given(st.lists(RIS_PIECES, max_size=40))
def test_ris_structure_never_raises(pieces):
    _check(read_ris("".join(pieces).encode(), "x.ris"))


@given(st.lists(MED_PIECES, max_size=40))
def test_medline_structure_never_raises(pieces):
    _check(read_medline("".join(pieces).encode(), "x.nbib"))


@given(st.binary(max_size=200), st.booleans())
def test_gzip_never_raises(data, packed):
    payload = gzip.compress(data) if packed else data
    _check(read_gzip(payload, "x.json.gz"))


TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=30)


def _edits(document, data) -> dict[int, dict]:
    """Random changes of the string values of the records."""
    fixed = {}
    for index, raw in enumerate(document.records):
        if not isinstance(raw.data, dict) or not data.draw(st.booleans()):
            continue
        new = dict(raw.data)
        for key, value in raw.data.items():
            if key in ("ENTRYTYPE", "ID", "TY"):
                continue
            if isinstance(value, str) and data.draw(st.booleans()):
                choice = data.draw(st.sampled_from(["replace", "append", "trim", "drop"]))
                if choice == "replace":
                    new[key] = data.draw(TEXT)
                elif choice == "append":
                    new[key] = value + data.draw(TEXT)
                elif choice == "trim":
                    new[key] = value[:-1]
                else:
                    del new[key]
        fixed[index] = new
    return fixed


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(BIB_PIECES, max_size=30), st.data())
def test_bibtex_write_back_is_exact_or_refused(pieces, data):
    text = "@article{k, title = {A {B} title.}, pages = {1--9}, note = \"x\"}\n"
    document = read_bibtex(("".join(pieces) + "\n" + text).encode(), "x.bib")
    _write_back(document, data, read_bibtex)


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(RIS_PIECES, max_size=30), st.data())
def test_ris_write_back_is_exact_or_refused(pieces, data):
    document = read_ris(("TY  - JOUR\nTI  - A.\nAU  - X\nER  - \n" + "".join(pieces))
                        .encode(), "x.ris")
    _write_back(document, data, read_ris)


def _write_back(document, data, reader) -> None:
    if not document.writable:
        return
    fixed = _edits(document, data)
    if not fixed:
        return
    try:
        new = document.render(fixed)
    except WriteBackError:
        return
    again = reader(new, document.path)
    assert again.writable
    got = [r.data for r in again.records]
    assert len(got) == len(document.records)
    for index, record in enumerate(got):
        want = fixed.get(index, document.records[index].data)
        # Both formats write a value on one line; BibTeX also reads whitespace runs as one
        # space: compare as they read.
        assert _norm(record) == _norm(want)


def _norm(value):
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_norm(v) for v in value]
    if isinstance(value, dict):
        return {k: _norm(v) for k, v in value.items() if v is not None}
    return value
