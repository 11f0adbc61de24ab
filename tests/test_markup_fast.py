"""The markup stripper's path without lxml (``markup._strip_simple``) against lxml itself.

``_strip_simple`` claims to give what libxml2's recovering HTML parser gives, through
``_TextTarget``, for every text whose markup is simple (block and plain inline tags, no
character reference, comment or character the parser alters), and to decline any other
text. Held here to ``markup._parse_once`` (the lxml parse) on generated markup built to hit
libxml2's recovery (stray and unbalanced closing tags, auto-closed paragraphs, prefixed
names it does not know, attributes, self-closing tags, a `<` that opens no tag, odd
whitespace, any Unicode) and on every string with a `<` in the rule fixtures and the corpus.
Run against libxml2 2.12 (lxml 5.3), 2.13 (lxml 5.4) and 2.14 (lxml 6.2) when written.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from biblint.domain import markup
from biblint.domain.markup import _parse_once, _strip_simple
from biblint.readers import read_path

from .conftest import FIXTURES, corpus_or_skip, json_strings

NAMES = sorted(markup._SIMPLE_BLOCKS | markup._SIMPLE_INLINE)
TAG_NAMES = [*NAMES, *(f"jats:{n}" for n in NAMES), "P", "Div", "JATS:P", "mml:mi",
             "sup", "br", "title", "li", "html", "body", "head", "table", "td"]
TAGS = st.builds(
    lambda close, name, attrs, end: f"<{close}{name}{attrs}{end}>",
    st.sampled_from(["", "/"]),
    st.sampled_from(TAG_NAMES),
    st.sampled_from(["", ' class="x"', " id=a", " lang='en' dir=\"ltr\"", "  ", "\n"]),
    st.sampled_from(["", "/", " /"]),
)
TEXT_BITS = st.sampled_from([
    "a", "b", "Word", " ", "  ", "\t", "\n", "\r\n", "\r", "\x0c", "\xa0", "\u2009", "\u2028",
    "é", "文", "\U0001f600", "<", ">", "/", "=", '"', "'", "p < 0.05", "<i", "<x>", "<unk>",
    "</", "<p", "&", "&amp;", "&lt;i&gt;", ";", "<!--", "-->", "<!-- c -->", "<!DOCTYPE html>",
    "<?xml?>", "<![CDATA[x]]>", "\x00", "\x01", "\x85", "\ud800", "\ufffe", "\ufdd0",
])
MARKUP = st.lists(st.one_of(TAGS, TAGS, TEXT_BITS, st.text(max_size=3)),
                  max_size=24).map("".join)


def _agree(text: str) -> bool:
    """Whether the path without lxml gave lxml's text (or declined); False if declined."""
    fast = _strip_simple(text)
    if fast is None:
        return False
    assert fast == _parse_once(text), text
    return True


@settings(max_examples=3000)
@given(MARKUP)
def test_simple_markup_strips_as_lxml_does(text):
    _agree(text)


@pytest.mark.parametrize("text, expected", [
    ("<p><p>Peripheral artery disease.</p>", "Peripheral artery disease."),
    ("<jats:p>We report <jats:italic>in vivo</jats:italic> data.</jats:p>",
     "We report in vivo data."),
    ("<p>One</p>\n<p>Two <i>x</i></p>", "One\n\nTwo x"),
    ("A<div>B</div><p>C", "A\n\nB\n\nC"),
])
def test_common_markup_takes_the_simple_path(text, expected):
    assert _strip_simple(text) == expected == _parse_once(text)


@pytest.mark.parametrize("text", [
    "a</div>b",  # libxml2 ignores a closing tag with nothing open to close
    "<p>A</p>B",  # a closing tag alone between two runs: left to lxml
    "</b>a",  # a closing tag first: libxml2 before 2.14 drops the text after it
    " \n</jats:p>a<p>b",
    "<p>a &amp; b</p>",  # a character reference
    "<p>a<!-- c -->b</p>",  # a comment
    "<p>10<sup>9</sup></p>",  # a superscript (written with Unicode superscripts)
    "<jats:title>Methods</jats:title><jats:p>x</jats:p>",  # a heading
    "<p>a\x00b</p>",  # a character libxml2 replaces
    "<i>x</i>" * (markup.MAX_SIMPLE_TAGS // 2 + 1),
])
def test_other_markup_is_left_to_lxml(text):
    assert _strip_simple(text) is None




def _marked_up(values: Iterator[str]) -> list[str]:
    return sorted({v for v in values if "<" in v})


def test_simple_markup_strips_as_lxml_does_on_the_fixtures():
    found = []
    for path in sorted((FIXTURES / "rules").glob("*.yml")):
        found.extend(json_strings(yaml.safe_load(path.read_text(encoding="utf-8"))))
    texts = _marked_up(iter(found))
    assert sum(_agree(t) for t in texts) > 10


@pytest.mark.slow
def test_simple_markup_strips_as_lxml_does_on_the_corpus():
    corpus = corpus_or_skip()
    found: list[str] = []
    for path in sorted(p for p in Path(corpus).rglob("*") if p.is_file()):
        if path.suffix in {".md", ".tsv"}:
            continue
        for raw in read_path(path).iter_records():
            found.extend(json_strings(raw.data))
    texts = _marked_up(iter(found))
    taken = sum(_agree(t) for t in texts)
    assert taken > 100, (taken, len(texts))


@given(st.text(max_size=30) | st.lists(TEXT_BITS, max_size=8).map("".join))
def test_parser_sensitive_is_the_pattern(text):
    assert markup._parser_sensitive(text) == (
        markup._PARSER_SENSITIVE_RE.search(text) is not None)


@pytest.mark.parametrize("char", ["&", "\x00", "\x1f", "\x7f", "\x85", "\x9f", "\ud800",
                                  "\udfff", "\ufdd0", "\ufdef", "\ufffe", "\uffff"])
def test_parser_sensitive_characters(char):
    for text in (char, f"a{char}b", f"é{char}", f"\u00a0{char}\u00a0"):
        assert markup._parser_sensitive(text)


TAGGY = st.one_of(MARKUP, st.text(alphabet="<>/ ab=\"'p:-_.1\u00e9\u0301\t", max_size=30))


@given(TAGGY)
def test_plain_tag_pattern_matches_as_the_tag_pattern(text):
    for start in (i for i, c in enumerate(text) if c == "<"):
        plain = markup._PLAIN_TAG_RE.match(text, start)
        if plain is not None:
            full = markup.TAG_RE.match(text, start)
            assert full is not None
            assert (plain.span(), plain.group(1, 2, 3)) == (
                full.span(), (full["close"], full["name"], full["selfclose"]))


@given(TAGGY)
def test_tags_are_the_tag_patterns_known_matches(text):
    expected = [(m.span(), m["name"], m["close"], m["selfclose"], m.group())
                for m in markup.TAG_RE.finditer(text) if markup.is_known_tag(m["name"])]
    assert [(t.span(), t.name, t.close, t.selfclose, t.source)
            for t in markup.known_tags(text)] == expected
