"""ABS: abstracts."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import NamedTuple

import regex

from biblint.domain.language import language_switch
from biblint.domain.markup import (
    comparable,
    has_markup,
    markup_tags,
    strip_markup,
    tag_counts,
    unbalanced_in,
)
from biblint.domain.show import excerpt, shown
from biblint.model import Fix, Violation, join_pointer, lookup
from biblint.profiles import Convention
from biblint.record import Record
from biblint.registry import RECORD, Context, rule

MARKUP_ABSTRACT = Convention.ABSTRACT_MARKUP
"""Profile convention: the shape keeps its abstract as markup by specification (Crossref's
JATS `abstract`). ABS001 is quiet for records of such a shape; ABS002 still reports markup
that does not balance, without the plain-text fix."""

HEADINGS = (
    "Background", "Objective", "Objectives", "Aim", "Aims", "Purpose", "Introduction",
    "Methods", "Materials and Methods", "Patients and Methods", "Design", "Setting",
    "Participants", "Interventions", "Measurements", "Main Outcome Measures", "Results",
    "Findings", "Conclusion", "Conclusions", "Discussion", "Limitations", "Clinical Impact",
    "Clinical Relevance", "Significance", "Implications", "Importance", "Context",
    "Evidence Acquisition", "Evidence Synthesis", "Data Sources", "Study Selection",
    "Data Extraction", "Trial Registration", "Key Points", "Highlights", "Level of Evidence",
    "Observations", "Relevance", "Summary",
    # Emerald's structured abstract.
    "Design/Methodology/Approach", "Research Limitations/Implications", "Practical Implications",
    "Social Implications", "Originality/Value", "Peer Review",
    # Cochrane reviews and BMC case reports.
    "Search Methods", "Selection Criteria", "Data Collection and Analysis", "Main Results",
    "Authors' Conclusions", "Case Presentation",
)
"""Structured-abstract headings (NLM's common labels, JAMA's sections, Emerald's, Cochrane's
and BMC's), in Title Case; Sentence case and ALL CAPS forms are derived."""

_TITLE_FORMS = sorted({f for h in HEADINGS for f in (h, h[0] + h[1:].lower())},
                      key=lambda h: (-len(h), h))
_UPPER_FORMS = sorted({h.upper() for h in HEADINGS}, key=lambda h: (-len(h), h))
# A heading at the start of the text or of a line, right after a tag's `>`, or after a
# sentence end (with or without spaces), glued to the capital that starts the next word.
# An ALL-CAPS heading must be followed by a capital and a lower-case letter ("RESULTSThe"),
# so that all-caps prose does not match. Linear: each try starts at a boundary and reads
# one heading (a bounded alternation, tried only before a capital) and one or two letters.
# The definition: :func:`_glued_at` matches it by hand (this pattern, a long alternation,
# takes ``regex`` 10 ms to compile), and tests hold the two together.
_GLUED_HEADING_RE = regex.compile(
    r"(?:(?P<punct>[.!?])(?P<space>[ \t]*+)|(?P<line>^|(?<=[\n>])))(?=[A-Z])"
    r"(?P<heading>(?:" + "|".join(regex.escape(h) for h in _TITLE_FORMS) + r")(?=\p{Lu})"
    r"|(?:" + "|".join(regex.escape(h) for h in _UPPER_FORMS) + r")(?=\p{Lu}\p{Ll}))"
)
_TITLE_BY_PREFIX = {
    prefix: tuple(f for f in _TITLE_FORMS if f.startswith(prefix))
    for prefix in {f[:3] for f in _TITLE_FORMS}
}
_UPPER_BY_PREFIX = {
    prefix: tuple(f for f in _UPPER_FORMS if f.startswith(prefix))
    for prefix in {f[:3] for f in _UPPER_FORMS}
}
"""The heading forms by their first three letters (every form has three at least), in the
pattern's order (longest first)."""
_HEADING_PREFIXES = frozenset(_TITLE_BY_PREFIX) | frozenset(_UPPER_BY_PREFIX)
_UPPER_RE = regex.compile(r"\p{Lu}")
_UPPER_LOWER_RE = regex.compile(r"\p{Lu}\p{Ll}")


class _Glued(NamedTuple):
    """A glued heading: what a match of ``_GLUED_HEADING_RE`` tells."""

    start: int
    end: int
    punct: str | None
    space: str | None
    line: str | None
    heading: str
    heading_start: int

    def span(self) -> tuple[int, int]:
        return self.start, self.end

    def groupdict(self) -> dict[str, str | None]:
        return {"punct": self.punct, "space": self.space, "line": self.line,
                "heading": self.heading}


def _glued_at(text: str, position: int) -> _Glued | None:
    """``_GLUED_HEADING_RE.match(text, position)``, read by hand: the punctuation and its
    (possessive) spaces, or a line start (the start of the text, or after `\\n` or `>`; at a
    punctuation this branch cannot match, its capital being the punctuation); a capital;
    then the first form, in the pattern's order, that follows and is itself followed by what
    its branch looks ahead for (a Title or Sentence case form by a capital; only then an
    ALL-CAPS form, by a capital and a lower-case letter)."""
    punct = space = line = None
    heading = position
    char = text[position:position + 1]
    if char in _SENTENCE_ENDS:
        heading += 1
        while text[heading:heading + 1] in _SPACE_OR_TAB:
            heading += 1
        punct, space = char, text[position + 1:heading]
    elif position == 0 or text[position - 1] in "\n>":
        line = ""
    else:
        return None
    if not "A" <= text[heading:heading + 1] <= "Z":
        return None
    prefix = text[heading:heading + 3]
    for forms, after in ((_TITLE_BY_PREFIX.get(prefix), _UPPER_RE),
                         (_UPPER_BY_PREFIX.get(prefix), _UPPER_LOWER_RE)):
        for form in forms or ():
            end = heading + len(form)
            if text.startswith(form, heading) and after.match(text, end) is not None:
                return _Glued(position, end, punct, space, line, form, heading)
    return None


_SENTENCE_ENDS = (".", "!", "?")
_SPACE_OR_TAB = (" ", "\t")
_GLUE_CHARS = ((".", 0), ("!", 0), ("?", 0), ("\n", 1), (">", 1))
"""Where a glued heading's match can start: at its punctuation, or right after a line break
or a tag's `>`."""
# A sentence end glued to the next sentence: a lower-case letter or `)`, the punctuation,
# then a capital followed by a lower-case letter ("(CLI).This", "ischemia.Clinical").
_MISSING_SPACE_RE = regex.compile(r"(?<=[\p{Ll})])[.!?](?=\p{Lu}\p{Ll})")
_WORD_BEFORE_RE = regex.compile(r"[\p{L}.]{1,12}+$")
_WORD_AFTER_RE = regex.compile(r"\p{L}*+")
# Abbreviations after which a capital follows without being a new sentence.
_ABBREVIATIONS = frozenset(
    {
        "al", "approx", "ca", "cf", "co", "corp", "dept", "dr", "ed", "eds", "eq", "eqs", "etc",
        "fig", "figs", "inc", "jr", "ltd", "mr", "mrs", "ms", "mt", "no", "nos", "ph", "pp", "prof",
        "ref", "refs", "resp", "sp", "spp", "sr", "ssp", "st", "subsp", "univ", "var", "viz", "vol",
        "vs", "cv"
    }
)
_DOTTED_RE = regex.compile(r"\p{L}\.\p{L}")
_URLISH_RE = regex.compile(r"://|(?<![\p{L}\p{N}])www\.|@|10\.[0-9]{4,9}/|[_=\\]",
                           regex.IGNORECASE)
# What may follow the glued word in prose: space, end, or sentence punctuation other than a
# period. Anything else (`-`, `(`, digits, `/`) means a notation: `Pvalb.Cre-ER`,
# `obj.Method(`; and a period means a chain of abbreviations, `Cryst.Struct.`, `Phys.Rev.`
# (a one-word sentence glued to the previous one is too rare to tell from them).
_PROSE_AFTER_RE = regex.compile(r"(?:$|[\s,;:!?)\]\"'’”]|-\p{Ll})")
_WHITESPACE_RE = regex.compile(r"\s++")


def _abstract(record: Record) -> tuple[str, str] | None:
    """The abstract's pointer and text, when it is a non-blank string (found once per
    record: every ABS rule asks)."""
    return record.memo("abstracts.abstract", _find_abstract)


def _find_abstract(record: Record) -> tuple[str, str] | None:
    found = record.field("abstract")
    if found is None or not isinstance(found.value, str) or not found.value.strip():
        return None
    return found.pointer, found.value


@rule("ABS001", "abstract-markup", severity="error", fix="safe", reads=("abstract",))
def abstract_markup(record: Record, ctx: Context) -> Iterator[Violation]:
    """The abstract holds HTML or JATS markup.

    ## What it does
    Reports an abstract that contains known HTML tags (`<p>`, `<i>`, `<sup>`, `<br/>`, ...),
    JATS tags as Crossref serves them (`<jats:p>`, `<jats:title>`, `<jats:italic>`, ...) or
    MathML (`<mml:math>`). Only known tag names count: `p < 0.05 and n > 3`, `<10 mg` or a
    `<unk>` token are text, not markup. Quiet for a shape whose abstract is markup by
    specification (profile convention `abstract-markup`, for Crossref's JATS).

    ## Why is this bad?
    The canonical abstract is plain text. Tags show up verbatim in search results, citation
    managers and exports, break exact-text deduplication, and inflate length limits.
    Semantic Scholar strips markup from its abstracts; an aggregator that keeps it mixes two
    conventions in one field.

    ## Example
    ```json
    {"abstract": "<jats:p>We report <jats:italic>in vivo</jats:italic> data.</jats:p>"}
    ```
    Use instead:
    ```json
    {"abstract": "We report in vivo data."}
    ```

    ## Fix
    Safe: replaces the abstract with its text as parsed by lxml's recovering HTML parser.
    Block elements (`p`, `div`, `sec`, `jats:p`, `jats:sec`, ...) become paragraphs separated
    by a blank line, a `title`/`jats:title` heading is followed by a newline, entities are
    decoded once, whitespace inside a paragraph collapses to one space, and the result has no
    leading or trailing whitespace. The same fix as ABS002, so the two converge.
    """
    found = _abstract(record)
    if found is None or "<" not in found[1]:
        return
    pointer, text = found
    if MARKUP_ABSTRACT in record.profile.conventions or not has_markup(text):
        return
    tags = markup_tags(text)
    shown = ", ".join(f"<{t}>" for t in tags[:3]) + (", …" if len(tags) > 3 else "")
    fix = Fix.replace(pointer, _stripped(text), "Replace the markup with plain text")
    yield Violation(f"abstract contains markup ({shown})", pointer, fix)


@rule("ABS002", "abstract-unbalanced-markup", severity="error", fix="safe", reads=("abstract",))
def abstract_unbalanced_markup(record: Record, ctx: Context) -> Iterator[Violation]:
    """The abstract's markup does not balance: a tag is opened more often than closed.

    ## What it does
    Counts the opening and closing tags of every known HTML/JATS/MathML tag name in the
    abstract and reports the names whose counts differ, such as the seed's two `<p>` and one
    `</p>`. Self-closing tags (`<p/>`) and void tags (`br`, `hr`, `img`, `wbr`, `col`) are
    left out.

    ## Why is this bad?
    Unbalanced markup is a sign that the text was cut or concatenated from fragments on its
    way (a wrapper added twice, a closing tag lost). A consumer that parses the field as XML
    fails outright, and one that renders it as HTML swallows or nests the following text.

    ## Example
    ```json
    {"abstract": "<p><p>Peripheral artery disease is a chronic condition.</p>"}
    ```
    Use instead:
    ```json
    {"abstract": "Peripheral artery disease is a chronic condition."}
    ```

    ## Fix
    Safe: the same plain-text replacement as ABS001 (lxml's HTML parser recovers the
    intended structure), so fixing either finding clears both. No fix for a shape whose
    abstract is markup by specification (profile convention `abstract-markup`).
    """
    found = _abstract(record)
    if found is None or "<" not in found[1]:
        return
    pointer, text = found
    counts = tag_counts(text)
    names = unbalanced_in(counts)
    if not names:
        return
    shown = "; ".join(
        f"{counts[n][0]} <{n}> but {counts[n][1]} </{n}>" for n in names[:3]
    ) + ("; …" if len(names) > 3 else "")
    fix = None
    if MARKUP_ABSTRACT not in record.profile.conventions:
        fix = Fix.replace(pointer, _stripped(text), "Replace the markup with plain text")
    yield Violation(f"unbalanced markup in the abstract ({shown})", pointer, fix)


@functools.lru_cache(maxsize=16)
def _glued_headings(text: str) -> list[_Glued]:
    """Glued headings, but a label that starts the abstract (`SummaryThe ...`: ABS005's).

    The matches of ``_GLUED_HEADING_RE.finditer``, found without running its long
    alternation at every position: a match starts at a `.`, `!` or `?` (then spaces and
    tabs), at 0, or after a line break or a `>` (one scan in C finds those), and its heading
    starts with one of a few three-letter prefixes (a set lookup): only where both hold is it
    tried (:func:`_glued_at`), so the matches are the same, in the same order.
    Cached: ABS003 and ABS004 ask about the same abstract (callers must not change the
    list).
    """
    found: list[_Glued] = []
    end = 0
    tried = -1
    for position in _glue_points(text):
        if position < end or position == tried:
            continue
        tried = position
        heading = position
        if text[position:position + 1] in _SENTENCE_ENDS:
            heading += 1
            while text[heading:heading + 1] in _SPACE_OR_TAB:
                heading += 1
        if text[heading:heading + 3] not in _HEADING_PREFIXES:
            continue  # no heading form starts here (spares the call)
        match = _glued_at(text, position)
        if match is not None:
            end = match.end
            if not (match.start == 0 and match.heading.lower() in _LABEL_WORDS):
                found.append(match)
    return found


def _glue_points(text: str) -> list[int]:
    """Where a glued heading's match may start, in order: 0, each `.`, `!` and `?`, and
    right after each line break and `>` (``str.find`` scans in C, much faster than a
    pattern for a character class)."""
    points = [0] if text else []
    for char, after in _GLUE_CHARS:
        found = text.find(char)
        while found >= 0:
            points.append(found + after)
            found = text.find(char, found + 1)
    points.sort()
    return points


def _unglue(text: str, matches: list[_Glued]) -> str:
    """``text`` with each glued heading on its own: `end.\\n\\nHeading: Next`."""
    out: list[str] = []
    pos = 0
    for match in matches:
        out.append(text[pos : match.start])
        if match.punct:
            out.append(match.punct + "\n\n")
        out.append(match.heading + ": ")
        pos = match.end
    out.append(text[pos:])
    return "".join(out)


@rule("ABS003", "abstract-glued-heading", severity="warning", fix="unsafe", reads=("abstract",))
def abstract_glued_heading(record: Record, ctx: Context) -> Iterator[Violation]:
    """A structured-abstract heading is glued to the text around it.

    ## What it does
    Looks for a known structured-abstract heading (Background, Objective(s), Methods,
    Materials and Methods, Results, Conclusion(s), Clinical Impact, Trial Registration, Key
    Points, Emerald's Design/methodology/approach and Originality/value, ...; in Title Case,
    Sentence case or ALL CAPS) that starts the text, a line or a tag's content, or follows a
    sentence end with or without a space, and runs straight into the capital of the next
    word: `ischemia.Clinical ImpactThis review`. One finding per glued heading.

    ## Why is this bad?
    The heading was a separate element (PubMed's `AbstractText@Label`, a JATS `<title>`)
    that a flattening step joined without a separator. The result reads as a garbled word
    ("ImpactThis"), hides the structure of the abstract, and defeats tokenisation, search
    and sentence splitting.

    ## Example
    ```json
    {"abstract": "... in critical limb ischemia.Clinical ImpactThis review establishes ..."}
    ```
    Use instead:
    ```json
    {"abstract": "... in critical limb ischemia.\\n\\nClinical Impact: This review establishes ..."}
    ```

    ## Fix
    Unsafe: starts a new paragraph before a heading that follows a sentence end and puts
    `": "` after every glued heading. Every finding's fix repairs all glued headings of the
    abstract at once. Unsafe because a camel-cased name that begins with a heading word (a
    product such as "DesignBuilder") looks the same.
    """
    found = _abstract(record)
    if found is None:
        return
    pointer, text = found
    matches = _glued_headings(text)
    if not matches:
        return
    fix = Fix.replace(pointer, _unglue(text, matches), "Separate the glued headings",
                      unsafe=True)
    for match in matches:
        context = excerpt(text, match.heading_start, match.end, before=10, after=6)
        yield Violation(f'heading "{match.heading}" glued to the text ({context})',
                        pointer, fix)


def _missing_spaces(text: str) -> list[int]:
    """Positions of sentence-end punctuation glued to the next sentence."""
    dots = _glued_dots(text)
    if not dots:
        return []
    headings = {m.heading_start for m in _glued_headings(text)}
    spots: list[int] = []
    token: _Token | None = None
    for dot in dots:
        if token is None or dot >= token.end:
            token = _Token(text, dot, token.end if token is not None else 0)
        if dot + 1 not in headings and token.allows(dot) and _is_sentence_end(text, dot):
            spots.append(dot)
    return spots


def _glued_dots(text: str) -> list[int]:
    """Where ``_MISSING_SPACE_RE`` matches (its matches are one character long): the
    pattern is tried only at a `.`, `!` or `?` followed by something other than a space
    (found with ``str.find``), not at every position of the text."""
    dots: list[int] = []
    for char in _SENTENCE_ENDS:
        found = text.find(char)
        while found >= 0:
            after = text[found + 1:found + 2]
            if after and not after.isspace() and _MISSING_SPACE_RE.match(text, found):
                dots.append(found)
            found = text.find(char, found + 1)
    dots.sort()
    return dots


class _Token:
    """The whitespace-delimited token around a spot, analysed once for all its spots."""

    __slots__ = ("dotted", "end", "slash", "urlish")

    def __init__(self, text: str, dot: int, floor: int) -> None:
        left = dot
        while left > floor and not text[left - 1].isspace():
            left -= 1
        right = dot + 1
        while right < len(text) and not text[right].isspace():
            right += 1
        self.end = right
        # URLs, DOIs, e-mail, paths and code are no sentences.
        self.urlish = _URLISH_RE.search(text[left:right]) is not None
        self.slash = text.rfind("/", left, right)
        dotted = _DOTTED_RE.search(text, left, right)
        self.dotted = dotted.start() if dotted is not None else right

    def allows(self, dot: int) -> bool:
        """No URL-like token, no path continuing after the spot, and no dotted chain before
        it ("www.nature.Com", "java.lang.String")."""
        return not self.urlish and self.slash < dot and self.dotted >= dot - 1


def _is_sentence_end(text: str, dot: int) -> bool:
    """Whether the punctuation at ``dot`` (glued to a capitalised word) ends a sentence."""
    # The word before: a single letter ("e.g", "a.m") or a known abbreviation is no end.
    before = _WORD_BEFORE_RE.search(text, max(0, dot - 12), dot)
    if before is not None:
        word = before.group().rpartition(".")[2]
        if len(word) == 1 or word.lower() in _ABBREVIATIONS:
            return False
    # The word after: CamelCase (`obj.GetType`) or a notation that continues (`Pvalb.Cre-ER`).
    after = _WORD_AFTER_RE.match(text, dot + 1)
    assert after is not None
    word = after.group()
    if any(c.isupper() for c in word[1:]):
        return False
    return _PROSE_AFTER_RE.match(text, after.end()) is not None


@rule("ABS004", "abstract-missing-sentence-space", severity="warning", fix="unsafe",
      reads=("abstract",))
def abstract_missing_sentence_space(record: Record, ctx: Context) -> Iterator[Violation]:
    """A sentence ends and the next begins with no space between them.

    ## What it does
    Looks for a lower-case letter or `)` followed by `.`, `!` or `?` and a capitalised word
    with no space between: `(CLI).This review`. Not reported: decimals (`1.5`), initials and
    abbreviations (`e.g.`, `U.S.A.`, `J.Smith`, `et al.`, `Fig.`) and chains of them
    (`Z.Kristallogr.-New Cryst.Struct.`, `Phys.Rev.`), URLs, domains, DOIs,
    e-mail addresses and file paths (`10.1000/Abc.Def`), dotted or camel-cased code
    (`java.lang.String`, `obj.GetType`), notations that continue after the word
    (`Pvalb.Cre-ER`), and a glued structured-abstract heading, which is ABS003's. One finding
    per occurrence.

    ## Why is this bad?
    Sentence splitters, tokenisers and search indexes see one word ("(CLI).This"), so the
    following sentence is lost to them; readers see a typo. The glue comes from joining
    sentences or paragraphs that were separate elements in the source.

    ## Example
    ```json
    {"abstract": "... for end-stage critical limb ischemia (CLI).This review pioneers ..."}
    ```
    Use instead:
    ```json
    {"abstract": "... for end-stage critical limb ischemia (CLI). This review pioneers ..."}
    ```

    ## Fix
    Unsafe: inserts one space after the punctuation. Every finding's fix repairs all
    occurrences in the abstract at once. Unsafe because an unusual abbreviation or notation
    may still look like a sentence end.
    """
    found = _abstract(record)
    if found is None:
        return
    pointer, text = found
    spots = _missing_spaces(text)
    if not spots:
        return
    parts: list[str] = []
    pos = 0
    for dot in spots:
        parts.append(text[pos : dot + 1])
        parts.append(" ")
        pos = dot + 1
    parts.append(text[pos:])
    fix = Fix.replace(pointer, "".join(parts), "Insert the missing spaces", unsafe=True)
    for dot in spots:
        context = excerpt(text, dot, dot + 1, before=10, after=10)
        yield Violation(f"missing space after a sentence end ({context})", pointer, fix)


ABSTRACT_LABELS = (
    "Abstract", "Summary", "Résumé", "Resumen", "Resumo", "Zusammenfassung", "Riassunto",
    "Samenvatting", "Аннотация",
)
"""Labels that name the whole abstract (from a `<jats:title>` or a PDF), in Title Case; the
ALL CAPS forms are derived."""
_LABEL_WORDS = frozenset(label.lower() for label in ABSTRACT_LABELS)
_LABEL_FORMS = sorted({f for label in ABSTRACT_LABELS for f in (label, label.upper())},
                      key=lambda f: (-len(f), f))
_STARTERS = sorted({"We", "This", "The", "These", "In", "Our", "Here", "To", "A", "An", "It",
                    "Many", "Most", "Recent", "Although", "Despite", *HEADINGS},
                   key=lambda w: (-len(w), w))
# A label at the start, then: a colon or period, a spaced dash, a line break, a capital glued
# to it ("AbstractBackground"), a space and a capital after an ALL-CAPS label ("ABSTRACT We",
# "ABSTRACT COVID-19 pandemic"; a lower-case letter must follow within 40 characters, so
# that an abstract written all in capitals is not cut), or a space and a word that starts
# sentences or sections ("Abstract We", "Summary Background"). "Abstract art is", "Summary
# statistics" and "Abstracts of the congress" are prose. Linear: one bounded try at the start.
_LABEL_RE = regex.compile(
    r"\s*+(?P<label>" + "|".join(regex.escape(f) for f in _LABEL_FORMS) + r")"
    r"(?:[ \t]*+[:.][ \t\n]*+|[ \t]++[-–—][ \t]++|[ \t]*+[–—][ \t]*+|[ \t]*+\n\s*+"
    r"|(?=\p{Lu}\p{Ll})|(?<=\p{Lu}{4})[ \t]++(?=\p{Lu}[^\p{Ll}\n]{0,40}+\p{Ll})"
    r"|[ \t]++(?=(?:" + "|".join(regex.escape(w) for w in _STARTERS) + r")\b))"
)
_LETTER_RE = regex.compile(r"[\p{L}\p{N}]")
_LABEL_STARTS = tuple(_LABEL_FORMS)


@rule("ABS005", "abstract-leading-label", severity="warning", fix="safe", reads=("abstract",))
def abstract_leading_label(record: Record, ctx: Context) -> Iterator[Violation]:
    """The abstract starts with the label `Abstract` or `Summary`.

    ## What it does
    Reports an abstract whose text begins with a label naming the whole abstract (`Abstract`,
    `ABSTRACT`, `Summary`, `Résumé`, `Resumen`, `Resumo`, `Zusammenfassung`, `Riassunto`,
    `Samenvatting`, `Аннотация`) followed by a colon or period, a dash, a line break, the
    glued capital of the next word (`AbstractBackground`), or a word that starts sentences
    and sections (`Abstract We ...`, `Summary Background ...`; after an ALL-CAPS label any
    capital, unless the text goes on in capitals). Prose that begins with the word (`Abstract
    art is ...`, `Summary statistics ...`, an abstract all in capitals such as `SUMMARY
    STATISTICS OF ...`) is not reported, nor is an abstract that holds markup (the label is
    then a `<jats:title>`, ABS001's business first).

    ## Why is this bad?
    The label is a heading of the page the abstract came from (a `<jats:title>` flattened
    into the text), not part of the abstract: it ends up in snippets, search indexes and
    exports, and glued to the first word it creates a non-word (`AbstractBackground`).

    ## Example
    ```json
    {"abstract": "Abstract\\nWe report the first ..."}
    ```
    Use instead:
    ```json
    {"abstract": "We report the first ..."}
    ```

    ## Fix
    Safe: removes the label and the separator after it. An abstract that is only the label
    is ABS006's.
    """
    found = _abstract(record)
    if found is None:
        return
    pointer, text = found
    # A match starts with the label after whitespace; every character of ``regex``'s `\s` is
    # whitespace to ``str.lstrip`` and none starts a label, so this test is necessary (and
    # spares most runs compiling the pattern's long alternation).
    if not text.lstrip().startswith(_LABEL_STARTS):
        return
    match = _LABEL_RE.match(text)
    if match is None:
        return
    rest = text[match.end():].lstrip()
    if not _LETTER_RE.search(rest[:200]) or ("<" in text and has_markup(text)):
        return
    fix = Fix.replace(pointer, rest, f"Remove the label {shown(match['label'])}")
    yield Violation(f"abstract starts with the label {shown(match['label'])} "
                    f"({excerpt(text, match.start('label'), match.end(), 0, 12)})", pointer, fix)


_ABOUT = r"(?: for this (?:article|item|paper|publication|record|content|chapter|work))?"
_PLACEHOLDER_RE = regex.compile(
    r"(?:(?:abstract|summary) )?(?:"
    r"(?:no|without) (?:an )?abstract(?: is)?(?: (?:available|provided|supplied|given))?"
    + _ABOUT
    + r"|(?:the )?abstract(?: is)? (?:not available|unavailable|not provided|not supplied"
    r"|missing|to come|forthcoming|not applicable)" + _ABOUT
    + r"|(?:abstract|summary|not available|no summary available)"
    r"|there is no abstract(?: available)?" + _ABOUT
    + r"|this (?:article|item|paper|chapter) (?:has no|does not have an) abstract)"
)
"""Placeholder abstracts, matched whole against the abstract's comparison key (lower case,
no punctuation): `No abstract available.`, `[Abstract not available]`, `Abstract`, and the
same after the label (`Abstract: Not available`)."""
_PREVIEW_PLACEHOLDER = "an abstract is not available for this content"
"""Cambridge Core's placeholder: "An abstract is not available for this content so a
preview has been provided. ..." """


def _absent_fix(record: Record, pointer: str, title: str) -> Fix | None:
    """Null, or no key when the shape writes absence so; None inside an array."""
    parent_pointer, _, key = pointer.rpartition("/")
    parent = lookup(record.data, parent_pointer)
    if not isinstance(parent, dict) or not key:
        return None
    if record.profile.absent == "omit":
        return Fix.remove(pointer, f"{title} (remove the key)")
    return Fix.replace(pointer, None, f"{title} (null)")


@rule("ABS006", "abstract-placeholder", severity="warning", fix="safe", reads=("abstract",))
def abstract_placeholder(record: Record, ctx: Context) -> Iterator[Violation]:
    """The abstract is a placeholder such as "No abstract available".

    ## What it does
    Reports an abstract whose whole text (without markup, case and punctuation) says that
    there is no abstract: `No abstract available`, `[Abstract not available]`, `Abstract
    not available for this article`, `There is no abstract`, a bare `Abstract` or `Summary`,
    each also after the label (`Abstract: No abstract available.`), and Cambridge Core's
    `An abstract is not available for this content so a preview has been provided...`.
    Generic sentinels (`N/A`, `null`, `-`) are TYP004's.

    ## Why is this bad?
    The placeholder looks like an abstract to a program: coverage statistics count it,
    search indexes it, and deduplication by abstract finds thousands of "identical"
    abstracts. Absence should be written as absence.

    ## Example
    ```json
    {"abstract": "[Abstract not available]"}
    ```
    Use instead:
    ```json
    {"abstract": null}
    ```

    ## Fix
    Safe: replaces the abstract with null, or removes the key when the record's profile
    writes absence by omission (Crossref, CSL).
    """
    found = _abstract(record)
    if found is None or len(found[1]) > 400:
        return
    pointer, text = found
    key = comparable(text)
    if not (_PLACEHOLDER_RE.fullmatch(key) or key.startswith(_PREVIEW_PLACEHOLDER)):
        return
    fix = _absent_fix(record, pointer, "Remove the placeholder")
    yield Violation(f"placeholder abstract ({shown(text, 40)})", pointer, fix)


_FUNCTION_WORDS = frozenset(
    {
        "a", "an", "and", "are", "as", "at", "between", "by", "for", "from", "in", "into",
        "is", "its", "of", "on", "or", "than", "that", "the", "their", "these", "this", "to",
        "was", "were", "which", "with",
    }
)
"""Words no abstract ends with: ending on one means the text was cut."""
TRUNCATION_LENGTHS = frozenset(
    {255, 256, 499, 500, 511, 512, 999, 1000, 1023, 1024, 1999, 2000, 2047, 2048, 3999, 4000,
     4095, 4096, 4999, 5000, 8000, 8191, 8192, 9999, 10000, 32767}
)
"""Lengths that are database and API field limits: an abstract of exactly such a length that
stops without final punctuation was cut there."""
_CLOSERS = " \t\n\r)]}\"'”’»"
_LAST_WORD_RE = regex.compile(r"\p{L}++$")


def _plain_abstract(record: Record) -> tuple[str, str, str] | None:
    """The abstract's pointer, raw text and plain text (markup stripped when it has some)."""
    found = _abstract(record)
    if found is None:
        return None
    pointer, text = found
    plain = _stripped(text) if "<" in text and has_markup(text) else text
    return pointer, text, plain


@functools.lru_cache(maxsize=64)
def _stripped(text: str) -> str:
    """:func:`strip_markup`, cached: ABS007, ABS008 and ABS010 read the same abstract."""
    return strip_markup(text)


@rule("ABS007", "abstract-truncated", severity="warning", reads=("abstract",))
def abstract_truncated(record: Record, ctx: Context) -> Iterator[Violation]:
    """The abstract looks cut off.

    ## What it does
    Reports an abstract (its text, without markup) that
    - ends with an ellipsis, `...` or `…` (also `[...]`), as snippets and previews do;
    - stops on a word no sentence ends with (`the`, `of`, `and`, `with`, ...) and no final
      punctuation;
    - is exactly as long as a common field limit (255, 256, 500, 512, 1000, 1024, 2000,
      2048, 4000, 4096, ... characters) and stops without final punctuation.

    ## Why is this bad?
    A truncated abstract misrepresents the work (its conclusion is usually what is lost)
    and spreads: every consumer that copies it copies the cut (Langenscheiss/bibitnow#56).

    ## Example
    ```json
    {"abstract": "We studied the overproduction of cytokines in the ..."}
    ```
    Use instead: the full abstract from the source.

    ## Fix
    None: the missing text has to come from the source.
    """
    found = _plain_abstract(record)
    if found is None:
        return
    pointer, _, plain = found
    end = plain.rstrip(_CLOSERS)
    if len(end) < 20:
        return
    if end.endswith(("...", "…")):
        yield Violation(f"abstract ends with an ellipsis ({shown('…' + end[-25:], 30)})", pointer)
        return
    if not end[-1].isalpha():
        return
    word = _LAST_WORD_RE.search(end[-40:])
    if word is not None and word.group() in _FUNCTION_WORDS:
        yield Violation(f"abstract stops mid-sentence ({shown('…' + end[-25:], 30)})", pointer)
    elif len(plain) in TRUNCATION_LENGTHS:
        yield Violation(f"abstract is exactly {len(plain)} characters and stops without "
                        f"final punctuation", pointer)


# A copyright statement: `©`, `(c) 2020`, `Copyright © 2020` / `Copyright 2020 The
# Authors` / `Crown Copyright © 2020`, `This article is protected by copyright`, APA's
# `(PsycINFO Database Record`.
_COPYRIGHT_RE = regex.compile(
    r"©|\((?P<c>[cC])\)\s*+(?:19|20)[0-9]{2}"
    r"|\b(?:Crown\s++)?Copyright\s*+(?:©|\([cC]\))?\s*+(?:(?:19|20)[0-9]{2}|[Tt]he [Aa]uthor|by\b)"
    r"|\bCOPYRIGHT\b|This article is protected by copyright"
    r"|\(Psyc(?:INFO|Info) Database Record"
)
_BOILERPLATE_EVIDENCE_RE = regex.compile(
    r"(?:19|20)[0-9]{2}|rights reserved|protected by copyright|PsycINFO|PsycInfo",
    regex.IGNORECASE,
)
MAX_BOILERPLATE = 400
"""Characters a trailing copyright statement may span (from its start to the end)."""


def _may_hold_copyright(tail: str) -> bool:
    """False only when no match of ``_COPYRIGHT_RE`` can lie in ``tail``: every alternative
    holds a `©`, `(c)` or `(C)`, `(Psyc`, `Copyright`, `COPYRIGHT` or `copyright` (a few
    scans in C; a bare `(`, in most abstracts, no longer compiles and runs the pattern)."""
    return ("\u00a9" in tail or "opyright" in tail or "COPYRIGHT" in tail
            or ("(" in tail and ("(c)" in tail or "(C)" in tail or "(Psyc" in tail)))


def _boilerplate_start(text: str) -> int | None:
    """Where a copyright statement that runs to the end of the text starts, or None."""
    floor = max(40, len(text) - MAX_BOILERPLATE)
    if not _may_hold_copyright(text[floor:]):
        return None
    for match in _COPYRIGHT_RE.finditer(text, floor):
        pos = match.start()
        before = text[:pos].rstrip()
        if not before:
            continue
        if not match.group().startswith("(Psyc") and before[-1] not in ".!?)]\"”’:;" \
                and "\n" not in text[len(before): pos]:
            continue
        if match["c"] and f"({chr(ord(match['c']) - 1)})" in text[:pos]:
            continue  # the third item of a list, "(a) 2018 census; (b) ...; (c) 2020 survey"
        if _BOILERPLATE_EVIDENCE_RE.search(text, pos) is not None:
            return pos
    return None


@rule("ABS008", "abstract-copyright-boilerplate", severity="warning", fix="unsafe",
      reads=("abstract",))
def abstract_copyright_boilerplate(record: Record, ctx: Context) -> Iterator[Violation]:
    """The abstract ends with a copyright statement or publisher boilerplate.

    ## What it does
    Reports an abstract whose last 400 characters hold a copyright statement that starts a
    sentence or line and runs to the end: `© 2025 The Author(s). Published by ...`,
    `Copyright © 2020 Elsevier Ltd. All rights reserved.`, `Crown Copyright © 2020
    Published by Elsevier Ltd.`, `(c) 2019 Wiley Periodicals, Inc.`, Wiley's `This article
    is protected by copyright. All rights reserved.`, APA's `(PsycINFO Database Record (c)
    2019 APA, all rights reserved)`. The statement must show a year or `rights reserved`; a
    sentence about copyright law is not a statement, nor is the third item of a list, `(a)
    ...; (b) ...; (c) 2020 survey data`.

    ## Why is this bad?
    The statement is the publisher's (PubMed keeps it apart, in `CopyrightInformation`), not
    the authors' summary: it inflates the text, shows up in snippets, and makes abstracts of
    one publisher look alike to similarity measures.

    ## Example
    ```json
    {"abstract": "We found no effect. © 2020 Elsevier Ltd. All rights reserved."}
    ```
    Use instead:
    ```json
    {"abstract": "We found no effect."}
    ```

    ## Fix
    Unsafe: cuts the abstract where the statement starts. No fix for an abstract that holds
    markup.
    """
    found = _plain_abstract(record)
    if found is None:
        return
    pointer, text, plain = found
    start = _boilerplate_start(plain)
    if start is None:
        return
    fix = None
    if plain is text:
        fix = Fix.replace(pointer, text[:start].rstrip(), "Remove the copyright statement",
                          unsafe=True)
    yield Violation(f"copyright statement at the end of the abstract "
                    f"({shown(plain[start:], 40)})", pointer, fix)


@rule("ABS009", "inverted-index-positions", severity="warning", reads=RECORD)
def inverted_index_positions(record: Record, ctx: Context) -> Iterator[Violation]:
    """An OpenAlex `abstract_inverted_index` does not hold each position 0..n-1 exactly once.

    ## What it does
    For an OpenAlex work (profile `openalex`), reads `abstract_inverted_index`, which maps
    each token to the list of its positions in the abstract, and reports: a token whose
    value is not a list of non-negative integers, a position used by two tokens (or twice),
    and positions missing from `0` to the largest one. A null index (no abstract) is fine.

    ## Why is this bad?
    The abstract is rebuilt by placing every token at its positions: a gap leaves a hole in
    the text, a duplicate makes two words fight for one place, and a bad value makes the
    rebuild fail. Any of them means the index was damaged on its way (hand edits, a merge
    of two indexes, truncation) or tokens were lost when it was built: OpenAlex's own API
    serves some indexes with gaps (`efforts to address ___ change`), and the rebuilt
    abstract then lacks those words.

    ## Example
    ```json
    {"abstract_inverted_index": {"Stem": [0], "cells": [1], "heal": [3]}}
    ```
    Use instead:
    ```json
    {"abstract_inverted_index": {"Stem": [0], "cells": [1], "heal": [2]}}
    ```

    ## Fix
    None: which word belongs in the gap cannot be known.
    """
    found = record.field("abstract_index")
    if found is None:
        return
    index = found.value
    if not isinstance(index, dict) or not index:
        return
    base = found.pointer
    total = 0
    largest = -1
    for token, positions in index.items():
        if not isinstance(positions, list) or not all(
            type(p) is int and p >= 0 for p in positions
        ):
            yield Violation(f"token {shown(token, 20)} has positions that are not a list of "
                            f"non-negative integers", join_pointer(base, token))
            return
        total += len(positions)
        if positions:
            largest = max(largest, max(positions))
    if total == largest + 1 and len({p for ps in index.values() for p in ps}) == total:
        return  # the common case, decided without a per-position map
    seen: dict[int, str] = {}
    duplicate: tuple[int, str] | None = None
    for token, positions in index.items():
        for position in positions:
            if position in seen and duplicate is None:
                duplicate = (position, token)
            seen[position] = token
    if duplicate is not None:
        position, token = duplicate
        yield Violation(f"position {position} is used twice (token {shown(token, 20)})",
                        join_pointer(base, token))
    missing = largest + 1 - len(seen)
    if missing > 0:
        first = next(i for i in range(largest + 1) if i not in seen)
        yield Violation(f"{missing} position{'s' if missing > 1 else ''} missing from 0-"
                        f"{largest} (first: {first})", base)


_LANGUAGE_NAMES = {
    "en": "English", "fr": "French", "de": "German", "es": "Spanish", "pt": "Portuguese",
    "it": "Italian", "nl": "Dutch", "cjk": "Chinese/Japanese/Korean", "cyrillic": "Cyrillic",
    "greek": "Greek", "arabic": "Arabic",
}


@rule("ABS010", "abstract-two-languages", severity="warning", reads=("abstract",))
def abstract_two_languages(record: Record, ctx: Context) -> Iterator[Violation]:
    """The abstract holds two languages one after the other.

    ## What it does
    Splits the abstract (without markup) at sentence ends and reports it when some split
    leaves two blocks that each clearly read as one language, and the two differ: a block
    mostly in a non-Latin script (Cyrillic, Greek, Arabic, Chinese/Japanese/Korean) of at
    least 40 letters, or a block of at least 25 words whose function words are at least 80 %
    English, French, German, Spanish, Portuguese, Italian or Dutch (words shared between
    these languages do not count). A foreign phrase, a quotation or Latin terms (`in vivo`,
    `et al.`) do not make a block.

    ## Why is this bad?
    Journals publish the abstract in two languages and a conversion joined them into one
    field (pkp/jatsTemplate#1): language detection, search, summaries and text mining all
    misread a field that holds two languages, and the translation should be a separate,
    language-tagged abstract.

    ## Example
    ```json
    {"abstract": "We studied the effect of ... in all patients. Nous avons étudié l'effet de ..."}
    ```
    Use instead: one abstract per language, the second where the shape keeps translations
    (DataCite `descriptions` with `lang`, for example).

    ## Fix
    None: where the translation belongs depends on the shape.
    """
    found = _plain_abstract(record)
    if found is None or len(found[2]) < 200:
        return
    pointer, _, plain = found
    switch = language_switch(plain)
    if switch is None:
        return
    first, second, offset = switch
    yield Violation(f"abstract switches from {_LANGUAGE_NAMES.get(first, first)} to "
                    f"{_LANGUAGE_NAMES.get(second, second)} "
                    f"({excerpt(plain, offset, offset + 20, 0, 0)})", pointer)


@rule("ABS011", "abstract-equals-title", severity="warning", reads=("abstract", "title"))
def abstract_equals_title(record: Record, ctx: Context) -> Iterator[Violation]:
    """The abstract is the title again.

    ## What it does
    Reports an abstract that, without markup, case and punctuation, is the record's title.
    An identical abstract in another record is DUP005's (a run-wide rule).

    ## Why is this bad?
    A copy of the title carries no abstract, but looks like one to coverage counts, search
    and text mining; it is a common filler of sources that require the field.

    ## Example
    ```json
    {"title": "Stem cells in limb ischemia", "abstract": "Stem cells in limb ischemia."}
    ```
    Use instead:
    ```json
    {"title": "Stem cells in limb ischemia", "abstract": null}
    ```

    ## Fix
    None: whether to drop the copy or find the real abstract is the curator's call.
    """
    found = _abstract(record)
    if found is None:
        return
    title = record.value("title")
    if not isinstance(title, str) or not title.strip():
        return
    pointer, text = found
    if len(text) > 3 * len(title) + 100:
        return
    key = comparable(title)
    if key and comparable(text) == key:
        yield Violation(f"abstract repeats the title ({shown(text, 30)})", pointer)
