"""Markup detection and stripping in biblint.domain.markup: examples and properties (Hypothesis)."""

from __future__ import annotations

import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from biblint.domain.markup import has_markup, markup_tags, strip_markup, tag_counts, unbalanced_tags

SEED_ABSTRACT = "<p><p>Peripheral artery disease (PAD) is chronic. It progresses.</p>"


@pytest.mark.parametrize(
    "text",
    [
        "<p>x</p>",
        "<P>x</P>",
        "a<br/>b",
        "a<br />b",
        "<jats:p>x</jats:p>",
        "<jats:title>Abstract</jats:title>",
        '<mml:math xmlns:mml="http://www.w3.org/1998/Math/MathML"><mml:mi>x</mml:mi></mml:math>',
        '<p class="lead">x</p>',
        "<i>in vitro</i>",
        "CO<sub>2</sub>",
        "x</sup>",
        '<jats:ext-link ext-link-type="uri" xlink:href="https://x.org/a?b=c">x</jats:ext-link>',
    ],
)
def test_has_markup_known_tags(text: str) -> None:
    assert has_markup(text)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "plain text",
        "p < 0.05 and n > 3",
        "<10 mg",
        "if a<b and c>d then",
        "the <unk> and <pad> tokens",
        "<s> and </s> mark sentences",
        "<foo>unknown</foo>",
        "&lt;p&gt;escaped&lt;/p&gt;",
        "<p",
        "<jats:p",
        "<!-- a comment -->",
    ],
)
def test_has_markup_rejects_text(text: str) -> None:
    assert not has_markup(text)
    assert strip_markup(text) == text


def test_tag_counts_and_unbalanced_seed() -> None:
    assert tag_counts(SEED_ABSTRACT) == {"p": (2, 1)}
    assert unbalanced_tags(SEED_ABSTRACT) == ["p"]
    assert markup_tags(SEED_ABSTRACT) == ["p"]


def test_unbalanced_ignores_void_and_self_closing() -> None:
    assert unbalanced_tags("a<br>b<hr>c<img src='x'><p/>") == []
    assert unbalanced_tags("<jats:p>a<jats:italic>b</jats:italic>") == ["jats:p"]
    assert unbalanced_tags("a</i>") == ["i"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SEED_ABSTRACT, "Peripheral artery disease (PAD) is chronic. It progresses."),
        ("<jats:title>Abstract</jats:title><jats:p>We <jats:italic>did</jats:italic>.</jats:p>",
         "Abstract\nWe did."),
        ("<jats:sec><jats:title>A</jats:title><jats:p>x</jats:p></jats:sec>"
         "<jats:sec><jats:title>B</jats:title><jats:p>y</jats:p><jats:p>z</jats:p></jats:sec>",
         "A\nx\n\nB\ny\n\nz"),
        ("<p>  spaced \n\t out  </p>", "spaced out"),
        ("a<br>b", "a\nb"),
        ("<ul><li>one</li><li>two</li></ul>after", "one\ntwo\n\nafter"),
        ("<p>A &amp;amp; B &lt; C &eacute;</p>", "A &amp; B < C é"),
        ("<p>AT&T and R&registration</p>", "AT&T and R&registration"),
        ("<p>p < 0.05, <10 mg, a<b, <unk></p>", "p < 0.05, <10 mg, a<b, <unk>"),
        ("<p>10<sup>9</sup> cells, 5<sup>th</sup>, CO<sub>2</sub></p>", "10⁹ cells, 5th, CO2"),
        ("<mml:msup><mml:mn>10</mml:mn><mml:mn>−3</mml:mn></mml:msup>", "10⁻³"),
        ("<mml:math><mml:mi>x</mml:mi><mml:annotation>x</mml:annotation></mml:math>", "x"),
        ("<p>a<!-- hidden -->b</p>", "ab"),
        ("<p>&lt;i&gt;double escaped&lt;/i&gt;</p>", "double escaped"),
        ("<p></p>", ""),
        ("<i>" * 2000 + "deep" + "</i>" * 2000, "deep"),
    ],
)
def test_strip_markup_examples(text: str, expected: str) -> None:
    assert strip_markup(text) == expected


def test_strip_markup_odd_characters() -> None:
    # Lone surrogates and NUL cannot reach libxml2; they become U+FFFD, never an exception.
    assert strip_markup("\ud800<p>x</p>") == "\ufffd\n\nx"
    assert strip_markup("<p>a\x00b</p>") == "a\ufffdb"


def test_linear_time_on_long_runs() -> None:
    """Long runs of the characters the tag pattern reacts to: no catastrophic backtracking."""
    n = 100_000
    bodies = [
        "<" * n,
        "<p" * n,
        "<p " * n,
        "<p a=" * n,
        '<p a="' * n,
        "<jats:" * n,
        "</" * n,
        "<p a=b " * n,
        "&" * n,
        "&#" * n,
        "<!--" * n,
        "<" * n + "p>",
        "<i>" * (n // 10),
    ]
    for body in bodies:
        start = time.perf_counter()
        has_markup(body)
        unbalanced_tags(body)
        strip_markup(body)
        assert time.perf_counter() - start < 5, body[:20]


_PIECES = ["<", ">", "/", "&", ";", "#", "=", '"', "'", " ", "\n", "p", "i", "b", "r", "x", "9",
           "jats:", "mml:", "sup", "sec", "title", "amp", "lt", "!--", "-->", "\x00", "\ud800"]
_MARKUPISH = st.lists(st.sampled_from(_PIECES), max_size=60).map("".join)


@given(st.one_of(st.text(max_size=200), _MARKUPISH))
@example("<<<<i>i>i>i>")
@example("<title><p>x")
@example("<p>&amp;lt;p&amp;gt;x</p>")
@example("<td nowrap>x</td>")
def test_strip_markup_never_raises_and_is_idempotent(text: str) -> None:
    once = strip_markup(text)
    assert isinstance(once, str)
    assert not has_markup(once)
    assert strip_markup(once) == once
    assert unbalanced_tags(once) == []


def test_markup_abstract_convention_quiets_abs001() -> None:
    """A shape whose abstract is JATS by specification (a future Crossref profile)."""
    import dataclasses

    import biblint
    from biblint.profiles import GENERIC
    from biblint.rules.abstracts import MARKUP_ABSTRACT

    profile = dataclasses.replace(GENERIC, conventions=frozenset({MARKUP_ABSTRACT}))
    linter = biblint.Linter(biblint.Config(select=("ABS001", "ABS002")))
    assert linter.lint({"abstract": "<jats:p>Fine JATS.</jats:p>"}, profile=profile) == []
    [broken] = linter.lint({"abstract": "<jats:p>Cut JATS."}, profile=profile)
    assert broken.code == "ABS002"
    assert broken.fix is None
