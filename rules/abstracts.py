"""ABS: abstracts."""

from __future__ import annotations

import json
from collections.abc import Iterator

import regex

from biblint.model import Fix, Violation
from biblint.record import Record
from biblint.registry import Context, rule
from biblint.text import has_markup, markup_tags, strip_markup, tag_counts, unbalanced_in

MARKUP_ABSTRACT = "abstract-markup"
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
_GLUED_HEADING_RE = regex.compile(
    r"(?:(?P<punct>[.!?])(?P<space>[ \t]*+)|(?P<line>^|(?<=[\n>])))(?=[A-Z])"
    r"(?P<heading>(?:" + "|".join(regex.escape(h) for h in _TITLE_FORMS) + r")(?=\p{Lu})"
    r"|(?:" + "|".join(regex.escape(h) for h in _UPPER_FORMS) + r")(?=\p{Lu}\p{Ll}))"
)
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
# What may follow the glued word in prose: space, end, or sentence punctuation. Anything
# else (`-`, `(`, digits, `/`, `.` + letter) means a notation: `Pvalb.Cre-ER`, `obj.Method(`.
_PROSE_AFTER_RE = regex.compile(r"(?:$|[\s,;:!?)\]\"'’”]|\.(?!\p{L})|-\p{Ll})")
_WHITESPACE_RE = regex.compile(r"\s++")


def _shown(text: str, start: int, end: int, before: int = 10, after: int = 10) -> str:
    """``text[start:end]`` quoted with a little context: never the whole text."""
    left = max(0, start - before)
    right = min(len(text), end + after)
    snippet = _WHITESPACE_RE.sub(" ", text[left:right])
    prefix = "…" if left > 0 else ""
    suffix = "…" if right < len(text) else ""
    return json.dumps(prefix + snippet + suffix, ensure_ascii=False)


def _abstract(record: Record) -> tuple[str, str] | None:
    """The abstract's pointer and text, when it is a non-blank string."""
    found = record.field("abstract")
    if found is None or not isinstance(found.value, str) or not found.value.strip():
        return None
    return found.pointer, found.value


@rule("ABS001", "abstract-markup", severity="error", fix="safe")
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
    fix = Fix.replace(pointer, strip_markup(text), "Replace the markup with plain text")
    yield Violation(f"abstract contains markup ({shown})", pointer, fix)


@rule("ABS002", "abstract-unbalanced-markup", severity="error", fix="safe")
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
        fix = Fix.replace(pointer, strip_markup(text), "Replace the markup with plain text")
    yield Violation(f"unbalanced markup in the abstract ({shown})", pointer, fix)


def _glued_headings(text: str) -> list[regex.Match[str]]:
    return list(_GLUED_HEADING_RE.finditer(text))


def _unglue(text: str, matches: list[regex.Match[str]]) -> str:
    """``text`` with each glued heading on its own: `end.\\n\\nHeading: Next`."""
    out: list[str] = []
    pos = 0
    for match in matches:
        out.append(text[pos : match.start()])
        if match["punct"]:
            out.append(match["punct"] + "\n\n")
        out.append(match["heading"] + ": ")
        pos = match.end()
    out.append(text[pos:])
    return "".join(out)


@rule("ABS003", "abstract-glued-heading", severity="warning", fix="unsafe")
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
        context = _shown(text, match.start("heading"), match.end(), after=6)
        yield Violation(f'heading "{match["heading"]}" glued to the text ({context})',
                        pointer, fix)


def _missing_spaces(text: str) -> list[int]:
    """Positions of sentence-end punctuation glued to the next sentence."""
    if not _MISSING_SPACE_RE.search(text):
        return []
    headings = {m.start("heading") for m in _glued_headings(text)}
    spots: list[int] = []
    token: _Token | None = None
    for match in _MISSING_SPACE_RE.finditer(text):
        dot = match.start()
        if token is None or dot >= token.end:
            token = _Token(text, dot, token.end if token is not None else 0)
        if dot + 1 not in headings and token.allows(dot) and _is_sentence_end(text, dot):
            spots.append(dot)
    return spots


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


@rule("ABS004", "abstract-missing-sentence-space", severity="warning", fix="unsafe")
def abstract_missing_sentence_space(record: Record, ctx: Context) -> Iterator[Violation]:
    """A sentence ends and the next begins with no space between them.

    ## What it does
    Looks for a lower-case letter or `)` followed by `.`, `!` or `?` and a capitalised word
    with no space between: `(CLI).This review`. Not reported: decimals (`1.5`), initials and
    abbreviations (`e.g.`, `U.S.A.`, `J.Smith`, `et al.`, `Fig.`), URLs, domains, DOIs,
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
        yield Violation(f"missing space after a sentence end ({_shown(text, dot, dot + 1)})",
                        pointer, fix)
