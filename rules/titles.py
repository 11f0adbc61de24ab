"""TTL: titles."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import regex

from biblint.domain.casing import ACRONYMS, SMALL_WORDS, titlecase
from biblint.domain.language import STOPWORDS
from biblint.domain.markup import comparable, has_markup, known_tags, strip_markup
from biblint.domain.show import quoted, shown
from biblint.model import Fix, Violation
from biblint.profiles import Convention
from biblint.record import Record
from biblint.registry import RECORD, Context, Option, rule

TITLE_ABBREVIATIONS = frozenset(
    {
        "al", "approx", "bros", "bzw", "ca", "cf", "co", "comb", "corp", "dept", "dr", "ed", "eds",
        "eq", "etc", "fig", "figs", "ft", "gen", "inc", "jr", "ltd", "mr", "mrs", "ms", "mt", "no",
        "nos", "nov", "pp", "prof", "pt", "rev", "ser", "sp", "spp", "sr", "ssp", "st", "subsp",
        "suppl", "univ", "usw", "var", "vol", "vols", "vs"
    }
)
"""Words (lower case, without the period) whose period is part of the word: `et al.`,
`Inc.`, `Ltd.`, `Co.`, `vs.`, `etc.`, `St.`, `No.`, `Vol.`, `sp.`, `spp.`, `var.`, ..."""

# The last word of the title, with the trailing period: letters only (a word such as "al").
_LAST_WORD_RE = regex.compile(r"(?<![\p{L}\p{N}])(\p{L}++)\.$")
# A token with internal periods between short letter groups: "U.S.", "U.S.A.", "Ph.D.".
_DOTTED_TOKEN_RE = regex.compile(r"(?<![\p{L}\p{N}.])(?:\p{L}{1,4}+\.){2,}+$")


def _abbreviated_elsewhere(title: str, word: str, end: int) -> bool:
    """Whether ``word`` also occurs with a period earlier in the title: an abbreviation, such
    as the botanical author in "Riccardia latifrons (Lindb.) Lindb."."""
    start = title.find(word + ".")
    while 0 <= start < end:
        if start == 0 or not (title[start - 1].isalnum()):
            return True
        start = title.find(word + ".", start + 1)
    return False


@rule("TTL001", "title-trailing-period", severity="warning", fix="safe", reads=("title",))
def title_trailing_period(record: Record, ctx: Context) -> Iterator[Violation]:
    """The title ends with a period.

    ## What it does
    Reports a title (a string; list-valued titles are not checked yet) that ends with exactly
    one period, as PubMed's `ArticleTitle` does. Not reported: an ellipsis (`...`, `…`), a
    final abbreviation whose period belongs to it (`et al.`, `Inc.`, `Ltd.`, `Co.`, `vs.`,
    `etc.`, `St.`, `No.`, `Vol.`, `sp.`, `spp.`, `var.`, ...), a single-letter initial
    (`Escherichia coli K.`), a token with internal periods (`U.S.`, `U.S.A.`, `Ph.D.`), or a
    word that the title also abbreviates earlier (the botanical author in
    `Riccardia latifrons (Lindb.) Lindb.`).
    PubMed/MEDLINE XML itself is not reported (`nlm-title-period`): there the period is
    NLM's rule for `ArticleTitle`, and it is data copied from PubMed that should drop it.

    ## Why is this bad?
    Titles are not sentences: Crossref, Semantic Scholar and citation styles give them
    without a final period (a style adds its own punctuation, giving `Ischemia..`). Exact-
    title deduplication and title matching across sources miss the same work with and
    without the period.

    ## Example
    ```json
    {"title": "Application of Wharton's Jelly Mesenchymal Stem Cells in Critical Limb Ischemia."}
    ```
    Use instead:
    ```json
    {"title": "Application of Wharton's Jelly Mesenchymal Stem Cells in Critical Limb Ischemia"}
    ```

    ## Fix
    Safe: removes the final period (and any whitespace before it). The guards above keep
    periods that belong to a word.
    """
    found = record.field("title")
    if found is None or not isinstance(found.value, str):
        return
    if record.profile.has(Convention.NLM_TITLE_PERIOD):
        return  # PubMed/MEDLINE XML: NLM ends every ArticleTitle with a period
    title = found.value
    if not title.endswith(".") or title[-2:-1] in (".", "…"):
        return
    stripped = title[:-1].rstrip()
    if not stripped:
        return
    word = _LAST_WORD_RE.search(title)
    if word is not None and (
        len(word[1]) == 1
        or word[1].lower() in TITLE_ABBREVIATIONS
        or _abbreviated_elsewhere(title, word[1], word.start())
    ):
        return
    if title.count(".") >= 2 and _DOTTED_TOKEN_RE.search(title):
        return  # (each of the token's two groups or more ends with a period)
    fix = Fix.replace(found.pointer, stripped, "Remove the trailing period")
    yield Violation("title ends with a period", found.pointer, fix)


def _title(record: Record) -> tuple[str, str] | None:
    """The title's pointer and text, when it is a non-blank string (found once per record:
    every TTL rule asks)."""
    return record.memo("titles.title", _find_title)


def _find_title(record: Record) -> tuple[str, str] | None:
    found = record.field("title")
    if found is None or not isinstance(found.value, str) or not found.value.strip():
        return None
    return found.pointer, found.value


def _plain(text: str) -> str:
    return strip_markup(text) if "<" in text else text


@rule(
    "TTL002",
    "title-all-caps",
    severity="warning",
    fix="unsafe",
    options={
        "ratio": Option(0.8, {"type": "number", "minimum": 0, "maximum": 1},
                        "Share of upper-case letters among cased letters above which a title "
                        "counts as ALL CAPS."),
        "min-length": Option(20, {"type": "integer", "minimum": 0},
                             "Titles of at most this many characters are not checked."),
    },
    reads=("title",),
)
def title_all_caps(record: Record, ctx: Context) -> Iterator[Violation]:
    """The title is written in ALL CAPS.

    ## What it does
    Reports a title longer than `min-length` characters (20) in which more than `ratio`
    (0.8) of the cased letters are upper case, in any cased script (Latin, Greek,
    Cyrillic...). Markup is left out of the count. Short titles made of acronyms and titles
    in scripts without case are not reported. Under a title that is not in capitals, a
    subtitle in capitals is reported too: the part after the title's `: `, and the
    subtitle fields a shape keeps (Crossref's `subtitle`, DataCite's titles typed
    `Subtitle`), when it has two words of four or more letters that are no known acronyms.

    ## Why is this bad?
    ALL CAPS comes from old catalogue cards, database exports and some publishers'
    deposits (PDB entries, conference proceedings). It reads as shouting, citation styles
    cannot apply their own casing to it, and it defeats case-sensitive matching with the
    same title in normal case.

    ## Example
    ```json
    {"title": "EFFECTS OF WHARTON'S JELLY STEM CELLS ON LIMB ISCHEMIA"}
    ```
    Use instead:
    ```json
    {"title": "Effects of Wharton's Jelly Stem Cells on Limb Ischemia"}
    ```

    ## Fix
    Unsafe: rewrites the title in Title Case: small words (`of`, `and`, `the`, ...) in
    lower case except at the start and after a colon, tokens with a digit (`COVID-19`,
    `BRCA1`), Roman numerals, a few well-known acronyms (`DNA`, `HIV`, `USA`) and acronyms
    in parentheses (`(AI)`) kept as they are. Other acronyms and proper names cannot be told
    from ordinary words in ALL CAPS, so the result needs review. No fix for a title that holds
    markup, nor for one that does not read as English (no English function word such as
    `of` or `the` in a title with letters beyond ASCII, or at least as many function words
    of another language: `da`, `der`, `des`): other languages write titles in sentence case,
    which cannot be told from the capitals.

    ## Options
    - `ratio` (number, default 0.8): the upper-case share above which a title is ALL CAPS.
    - `min-length` (integer, default 20): shorter titles are not checked.
    """
    ratio: float = ctx.options["ratio"]
    found = _title(record)
    if found is None:
        return
    pointer, title = found
    if len(title) > ctx.options["min-length"] and _shouting(title, ratio):
        fix = None
        if not has_markup(title) and _reads_as_english(title):
            cased_title = _title_case(title)
            if cased_title != title:
                fix = Fix.replace(pointer, cased_title, "Rewrite in Title Case", unsafe=True)
        yield Violation(f"title is in ALL CAPS ({shown(title, 30)})", pointer, fix)
        return
    # A subtitle in capitals under a title that is not: after the title's colon, or in the
    # subtitle fields the shape keeps (Crossref's subtitle[], DataCite's typed titles).
    head, colon, tail = title.partition(": ")
    parts = [(pointer, tail, head + colon)] if colon and not _shouting(head, ratio) else []
    parts += [(where, text, "") for where, text in _subtitles(record)]
    for where, text, before in parts:
        if not _subtitle_shouting(text, ratio):
            continue
        fix = None
        if not has_markup(text) and _reads_as_english(text):
            cased = _title_case(text)
            cased = cased[:1].upper() + cased[1:]
            if cased != text:
                fix = Fix.replace(where, before + cased, "Rewrite the subtitle in Title Case",
                                  unsafe=True)
        yield Violation(f"subtitle is in ALL CAPS ({shown(text.strip(), 30)})", where, fix)


def _shouting(text: str, ratio: float) -> bool:
    """Whether more than ``ratio`` of the cased letters of ``text`` (markup left out, at
    least ten) are capitals."""
    plain = _plain(text)
    upper, lower = _case_counts(plain)
    cased = upper + lower
    return cased >= 10 and upper > ratio * cased


_NOT_UPPER = bytes(c for c in range(128) if not 65 <= c <= 90)
_NOT_LOWER = bytes(c for c in range(128) if not 97 <= c <= 122)


def _case_counts(text: str) -> tuple[int, int]:
    """How many characters of ``text`` are upper case, and how many lower case."""
    if text.isascii():
        # Of ASCII characters only A-Z are upper and a-z lower case: the bytes left once the
        # others are deleted (a table lookup per byte, no call per character).
        data = text.encode("ascii")
        return len(data.translate(None, _NOT_UPPER)), len(data.translate(None, _NOT_LOWER))
    # Counted in C (a character is never both upper and lower case).
    return sum(map(str.isupper, text)), sum(map(str.islower, text))


def _subtitle_shouting(text: str, ratio: float) -> bool:
    """:func:`_shouting`, for a subtitle with two words of four or more letters that are no
    known acronyms (`COVID-19 AND SARS` is acronyms, `A SYSTEMATIC REVIEW` is capitals)."""
    if not _shouting(text, ratio):
        return False
    words = _TITLE_WORD_RE.findall(_plain(text))
    return sum(1 for word in words if len(word) >= 4 and word not in ACRONYMS) >= 2


_ENGLISH_WORDS = (SMALL_WORDS | STOPWORDS["en"]) - frozenset().union(
    *(words for lang, words in STOPWORDS.items() if lang != "en"))
_FOREIGN_WORDS = frozenset().union(
    *(words for lang, words in STOPWORDS.items() if lang != "en")) - _ENGLISH_WORDS
_TITLE_WORD_RE = regex.compile(r"\p{L}++")
# An acronym in parentheses, `(AI)`, `(IA’S)`: kept in capitals by the Title Case fix.
_BRACKETED_ACRONYM_RE = regex.compile(r"(?<=\()[\p{Lu}\p{N}&\-]{2,8}+(?=[)'’])")
# A small word capitalised after a dotted abbreviation (`U.S. And`), which is no sentence end.
_AFTER_DOTTED_RE = regex.compile(r"(?<=(?<![\p{L}.])(?:\p{Lu}\.){2,6}+[ ]{1,3}+)\p{Lu}\p{Ll}*+\b")


def _reads_as_english(title: str) -> bool:
    """Whether an ALL-CAPS title reads as English: more English function words than
    function words of the other languages, or none of either in a plain ASCII title
    (`AFRICAN-AMERICAN ENGLISH`). Cyrillic or Portuguese capitals do not."""
    english = foreign = 0
    for word in _TITLE_WORD_RE.findall(title.lower()):
        if word in _ENGLISH_WORDS:
            english += 1
        elif word in _FOREIGN_WORDS:
            foreign += 1
    return english > foreign or (english == foreign == 0 and title.isascii())


def _title_case(title: str) -> str:
    """:func:`titlecase`, keeping acronyms in parentheses and the small word after a
    dotted abbreviation (`U.S. and`) as they should be."""
    cased = titlecase(title)
    if len(cased) != len(title):  # a case mapping changed the length: no span mapping
        return cased
    chars = list(cased)
    for match in _BRACKETED_ACRONYM_RE.finditer(title):
        chars[match.start(): match.end()] = match.group()
    cased = "".join(chars)
    return _AFTER_DOTTED_RE.sub(
        lambda m: m.group().lower() if m.group().lower() in SMALL_WORDS else m.group(), cased)


CSL_RICH_TEXT = Convention.CSL_RICH_TEXT
"""Profile convention: text fields are CSL rich text (`<i>`, `<b>`, `<sup>`, `<sub>`, and
`<span>` for small caps and `nocase`)."""

_CSL_ALLOWED = frozenset({"i", "b", "sup", "sub", "span"})
_CROSSREF_ALLOWED = frozenset({"i", "b", "u", "sup", "sub", "scp", "tt", "ovl", "font"})
"""Crossref's face markup, which its deposit schema allows in titles (with MathML)."""
_TAG_MAP = {
    "em": "i", "italic": "i", "jats:italic": "i", "cite": "i", "var": "i",
    "strong": "b", "bold": "b", "jats:bold": "b",
    "jats:sup": "sup", "jats:sub": "sub", "sc": "scp", "jats:sc": "scp",
    "underline": "u", "jats:underline": "u", "jats:monospace": "tt", "monospace": "tt",
    "code": "tt",
}
_SMALL_CAPS_OPEN = '<span style="font-variant:small-caps;">'


def _allowed_markup(record: Record) -> frozenset[str]:
    """The tags a shape's titles may hold by its own convention."""
    if CSL_RICH_TEXT in record.profile.conventions:
        return _CSL_ALLOWED
    if record.profile.has(Convention.TITLE_FACE_MARKUP):
        return _CROSSREF_ALLOWED
    return frozenset()


def _is_allowed(name: str, allowed: frozenset[str]) -> bool:
    lower = name.lower()
    if lower.startswith("mml:"):
        return "font" in allowed  # Crossref's titles may carry MathML
    return lower in allowed


def _convert_markup(title: str, allowed: frozenset[str]) -> str | None:
    """The title with its tags mapped to the shape's allowed set (`<em>` -> `<i>`) and
    other inline tags dropped; None when a tag cannot be converted (MathML outside
    Crossref, a block element)."""
    out: list[str] = []
    pos = 0
    for match in known_tags(title):
        out.append(title[pos: match.start])
        pos = match.end
        name = match.name.lower()
        if _is_allowed(name, allowed):
            out.append(match.source)
            continue
        target = _TAG_MAP.get(name)
        if target == "scp" and "scp" not in allowed:
            if "span" not in allowed:
                return None
            out.append("</span>" if match.close else _SMALL_CAPS_OPEN)
        elif target is not None and target in allowed:
            out.append(f"<{match.close}{target}>")
        elif name.startswith("mml:") or name in ("p", "div", "jats:p", "br", "sec", "title"):
            return None
        # other inline tags (span without meaning, a, font, small...) are dropped
    out.append(title[pos:])
    return "".join(out)


@rule("TTL003", "title-markup", severity="warning", fix="unsafe", reads=("title",))
def title_markup(record: Record, ctx: Context) -> Iterator[Violation]:
    """The title holds HTML, JATS or MathML markup its shape does not allow.

    ## What it does
    Reports known tags in the title (`<i>`, `<sub>`, `<jats:italic>`, `<mml:math>`, ...;
    the same set as ABS001). What the shape allows by convention is not reported: CSL rich
    text (`<i>`, `<b>`, `<sup>`, `<sub>`, `<span>` for small caps and `nocase`; profile
    convention `csl-rich-text`) and Crossref's face markup (`<i>`, `<b>`, `<u>`, `<sup>`,
    `<sub>`, `<scp>`, `<tt>`, `<ovl>`, `<font>` and MathML). Text such as `p < 0.05` is no
    markup.

    ## Why is this bad?
    A title is shown, indexed and compared as text: tags show up verbatim in reference
    lists and exports, and the same title with and without `<i>` fails to deduplicate.
    Semantic Scholar strips such markup (allenai/s2-folks#95); an aggregator that keeps it
    mixes conventions.

    ## Example
    ```json
    {"title": "Growth of <jats:italic>Escherichia coli</jats:italic> in CO<sub>2</sub>"}
    ```
    Use instead (a plain-text shape):
    ```json
    {"title": "Growth of Escherichia coli in CO2"}
    ```

    ## Fix
    Unsafe, as formatting that carries meaning (a species name in italics, a chemical
    formula) is lost or changed: for a shape without title markup, the title's plain text
    (as ABS001 makes it); for CSL and Crossref, the tags mapped to the allowed set
    (`<em>`/`<jats:italic>` -> `<i>`, `<strong>` -> `<b>`, `<jats:sc>` -> small caps) and
    other inline tags dropped, with no fix when a tag has no counterpart (MathML in CSL).
    """
    found = _title(record)
    if found is None or "<" not in found[1]:
        return
    pointer, title = found
    allowed = _allowed_markup(record)
    names = list(dict.fromkeys(m.name.lower() for m in known_tags(title)
                               if not _is_allowed(m.name, allowed)))
    if not names:
        return
    if allowed:
        converted = _convert_markup(title, allowed)
        fix = None if converted is None else Fix.replace(
            pointer, converted, "Convert the markup to the allowed tags", unsafe=True)
    else:
        fix = Fix.replace(pointer, strip_markup(title), "Replace the markup with plain text",
                          unsafe=True)
    tags = ", ".join(f"<{n}>" for n in names[:3]) + (", …" if len(names) > 3 else "")
    yield Violation(f"title contains markup ({tags})", pointer, fix)


PLACEHOLDER_TITLES = frozenset(
    {
        "untitled", "no title", "no title available", "not available", "title not available",
        "title unavailable", "without title", "unknown title", "title", "tbd", "tba",
    }
)
"""Titles (compared case-folded, punctuation removed) that stand for no title: PubMed's
`[Not Available].`, `[No title available]`."""
_SENTINELS = frozenset({"null", "none", "n a", "nan"})
_DASHES = frozenset({"-", "--", "–", "—"})
"""Sentinel strings TYP004 reports in every field (`null`, `N/A`, `-`): left to it."""
_SENTENCE_BREAK_RE = regex.compile(r"[.!?](?=\s++\p{Lu}\p{Ll})")
# The first sentence of a text, and more text after it.
_FIRST_SENTENCE_RE = regex.compile(r"\s*+(?P<sentence>[^.!?]++[.!?]++)\s++\S")


@rule(
    "TTL004",
    "title-implausible",
    severity="warning",
    options={
        "max-length": Option(500, {"type": "integer", "minimum": 1},
                             "Titles longer than this that hold two or more sentences, and "
                             "titles longer than twice this, are reported."),
    },
    reads=("abstract", "title"),
)
def title_implausible(record: Record, ctx: Context) -> Iterator[Violation]:
    """The title is empty in substance, implausibly long, or the start of the abstract.

    ## What it does
    Reports a title that
    - holds no letter or digit (`"."`, `"-"`, `"<i></i>"`) or is a placeholder
      (`Untitled`, `No title`, PubMed's `[Not Available].` or `[No title available]`);
    - is longer than `max-length` characters (500) and reads as prose of several sentences,
      or is longer than twice that, as when an abstract or a whole citation landed in the
      title (the long one-sentence titles of old books, transcribed from their title pages,
      are genuine);
    - is the first sentence of the abstract (compared without markup, case and
      punctuation; four words at least) and the abstract goes on, as when a scraper took
      the first sentence of the abstract for the title. An abstract that merely begins with
      the title's words (`The Computational Theory of Mind says that ...`) is fine, and so is
      a question title that the abstract opens by asking again (`Does X improve Y?`).

    Empty, blank and sentinel strings (`""`, `" "`, `"null"`, `"N/A"`) are TYP002's, TYP003's
    and TYP004's; a title equal to the whole abstract is ABS011's.

    ## Why is this bad?
    The title is how people and programs recognise a work: a placeholder or an abstract in
    its place breaks citation, search and title-based deduplication (placeholders make
    unrelated works look alike).

    ## Example
    ```json
    {"title": "[Not Available].", "abstract": "..."}
    ```
    Use instead: the real title from the source, or null:
    ```json
    {"title": null, "abstract": "..."}
    ```

    ## Fix
    None: the real title has to come from the source.

    ## Options
    - `max-length` (integer, default 500): longer titles of several sentences, and titles
      longer than twice this, are reported.
    """
    found = _title(record)
    if found is None:
        return
    pointer, title = found
    key = comparable(title)
    if not key:
        if title.strip() not in _DASHES:
            yield Violation(f"title has no letters or digits ({shown(title, 20)})", pointer)
        return
    if key in _SENTINELS:
        return
    if key in PLACEHOLDER_TITLES:
        yield Violation(f"placeholder title ({shown(title, 30)})", pointer)
        return
    limit = ctx.options["max-length"]
    if len(title) > limit and (len(title) > 2 * limit
                               or len(_SENTENCE_BREAK_RE.findall(title)) >= 2):
        yield Violation(f"title is {len(title)} characters long (more than "
                        f"{ctx.options['max-length']}): {shown(title, 30)}", pointer)
        return
    abstract = record.value("abstract")
    if not isinstance(abstract, str) or key.count(" ") < 3 or title.rstrip().endswith("?"):
        return
    prefix = abstract[: len(title) * 3 + 200]
    if not _may_open_with(prefix, key):
        return  # spares the markup parse of the abstract's start, or the sentence match
    sentence = _FIRST_SENTENCE_RE.match(_plain(prefix))
    if sentence is not None and comparable(sentence["sentence"]) == key:
        yield Violation("title is the first sentence of the abstract", pointer)


def _may_open_with(text: str, key: str) -> bool:
    """False only when the first sentence of ``text``'s plain form (:func:`_plain`) cannot
    have the comparison key ``key``; True when that cannot be told this cheaply.

    For an ASCII text without `&`, the letters and digits of the plain form are those of
    the text (it is the text itself when it holds no markup), in order, with some left out
    (tags, attributes, comments and MathML annotations go; no character reference can make
    one; a superscript digit reads as the digit again in :func:`comparable`). The key's
    letters and digits are those of the first sentence, which starts the plain form: so
    they must occur, in order, in the lower-cased text (a subsequence test, in C: ``c in
    iterator`` consumes the iterator). Without markup, exactly: the text's own key must
    start with ``key``, token for token.
    """
    if "&" in text or not text.isascii() or not key.isascii():
        return True
    if "<" not in text:
        # The plain form is the text itself, and the first sentence ends with punctuation, so
        # no letter-and-digit run crosses its end: its key is the first tokens of the text's.
        whole = comparable(text)
        return whole.startswith(key) and whole[len(key):len(key) + 1] in ("", " ")
    chars = iter(text.lower())
    return all(char in chars for char in key.replace(" ", ""))


# The whole (stripped) title in brackets, with an optional period. Greedy, not possessive:
# the inner part gives back the final `]` and `.` (a possessive `.++` never matched).
_BRACKETED_RE = regex.compile(r"\[(?P<inner>.+)\](?P<period>\.?)", regex.DOTALL)


def _from_pubmed(record: Record) -> bool:
    """Whether the record comes from PubMed: it has a PMID, or the aggregator shape."""
    if record.profile.has(Convention.PUBMED_DERIVED):
        return True
    pmid = record.value("pmid")
    if isinstance(pmid, str):
        return bool(pmid.strip())
    return isinstance(pmid, int) and not isinstance(pmid, bool)


def _bracketed(title: str) -> regex.Match[str] | None:
    """The match when the whole title is one bracketed text (`[...]` or `[...].`), the first
    `[` closing at the last `]`."""
    match = _BRACKETED_RE.fullmatch(title.strip())
    if match is None:
        return None
    depth = 0
    inner = match["inner"]
    for char in inner:
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth < 0:
                return None  # "[18F]FDG ... [11C]choline]": the first bracket closes early
    return match if depth == 0 else None


@rule("TTL005", "title-translated-brackets", severity="info", fix="unsafe", reads=("pmid", "title"))
def title_translated_brackets(record: Record, ctx: Context) -> Iterator[Violation]:
    """The title is wrapped in square brackets, PubMed's mark of a translated title.

    ## What it does
    Reports a title that is one bracketed text, `[...]` or `[...].`, where the first `[`
    closes at the final `]`, in a record that comes from PubMed: one with a PMID, or in the
    aggregator shape (built on PubMed's fields). MEDLINE writes the English translation of a
    non-English title so (the original goes to `VernacularTitle`). Not reported: titles that
    merely start with a bracket (`[18F]FDG PET in ...`), placeholders such as `[Not
    Available].` (TTL004's), and bracketed titles of records without a PMID: elsewhere
    brackets mark a title supplied by a cataloguer (a digitised poem known by its first line,
    `[Müssen wir des Glücks uns schämen?]` on DataCite), which is information to keep.

    ## Why is this bad?
    The brackets are a PubMed cataloguing convention, not part of the title: outside
    PubMed they show up in citations, and the same work from another source (without
    brackets) fails to match. The fact they encode, that the title is a translation, is
    better kept in a field of its own.

    ## Example
    ```json
    {"pmid": "31393839", "title": "[Ischemic stroke in young adults]."}
    ```
    Use instead:
    ```json
    {"pmid": "31393839", "title": "Ischemic stroke in young adults."}
    ```
    (TTL001 then removes the PubMed period.)

    ## Fix
    Unsafe: removes the brackets, keeping a final period for TTL001. The record then no
    longer says that the title is a translation: keep that elsewhere if it matters.
    """
    found = _title(record)
    if found is None or not found[1].lstrip().startswith("[") or not _from_pubmed(record):
        return
    pointer, title = found
    match = _bracketed(title)
    if match is None or comparable(match["inner"]) in PLACEHOLDER_TITLES:
        return
    inner = match["inner"].strip()
    if not inner:
        return
    fixed = inner + match["period"]
    fix = Fix.replace(pointer, fixed, "Remove the brackets", unsafe=True)
    yield Violation("title in square brackets (PubMed's translated-title mark)", pointer, fix)


PARATEXT_WORDS = frozenset(
    {
        "preface", "foreword", "contents", "index", "cover", "masthead", "calendar",
        "announcements", "advertisement", "advertisements", "frontmatter", "backmatter",
    }
)
"""Paratext titles that must match whole (`Index`, not `Index of dispersion ...`)."""
PARATEXT_PHRASES = (
    "front matter", "back matter", "cover image", "cover picture", "cover art",
    "editorial board", "table of contents", "issue information", "title page",
    "copyright page", "blank page", "author index", "subject index", "information for authors",
    "instructions for authors", "guide for authors", "reviewer acknowledgement",
    "reviewer acknowledgements", "reviewer acknowledgment", "reviewer acknowledgments",
    "acknowledgement to reviewers", "acknowledgment to reviewers",
    "acknowledgement of reviewers", "acknowledgment of reviewers", "in this issue",
    "editorial board and contents", "ifc editorial board", "ibc editorial board",
)
"""Paratext titles that may be followed by a qualifier (`Issue Information - TOC`,
`Front Matter 12`, `Cover Image: ...`)."""
_PARATEXT_RE = regex.compile(
    r"(?:" + "|".join(regex.escape(p) for p in sorted(PARATEXT_PHRASES, key=len, reverse=True))
    + r")(?:\s*+[:\-–—(,0-9].*+)?+",
    regex.IGNORECASE,
)
ARTICLE_TYPES = frozenset(
    {
        "journal-article", "article-journal", "article", "journalarticle", "journal article",
        "research-article", "research article", "proceedings-article", "paper-conference",
        "review", "review-article",
    }
)
"""Type values (lower-cased) that say "a research article" in the supported shapes."""


def _typed_as_article(record: Record) -> bool:
    for name in ("type", "publication_types"):
        value = record.value(name)
        values = value if isinstance(value, list) else [value]
        if any(isinstance(v, str) and v.strip().lower() in ARTICLE_TYPES for v in values):
            return True
    return False


SIGNED_PARATEXT = frozenset({"preface", "foreword"})
"""Paratext titles of texts that have authors: quiet when the record names them."""


def _has_authors(record: Record) -> bool:
    authors = record.value("authors")
    return isinstance(authors, list) and any(authors)


def _is_paratext(title: str) -> bool:
    text = _plain(title).strip().rstrip(".").strip()
    key = comparable(text)
    if key in PARATEXT_WORDS:
        return True
    if text.isascii() and not text.lower().startswith(PARATEXT_PHRASES):
        return False  # a match starts with a phrase (lower-case ASCII, matched ignoring case)
    return _PARATEXT_RE.fullmatch(text) is not None


@rule("TTL006", "title-paratext", severity="warning", reads=RECORD)
def title_paratext(record: Record, ctx: Context) -> Iterator[Violation]:
    """A paratext title (front matter, cover, editorial board, contents) is typed as an
    article.

    ## What it does
    Reports a record typed as a research article (Crossref `journal-article`, CSL
    `article-journal`, OpenAlex `article`, S2 `JournalArticle`, PubMed `Journal Article`,
    DataCite `JournalArticle`) whose whole title is a paratext title: `Front Matter`,
    `Back Matter`, `Cover Image`, `Editorial Board`, `Table of Contents`, `Issue
    Information`, `Masthead`, `Title Page`, `Author Index`, `Instructions for Authors`,
    `Reviewer Acknowledgements`, `In This Issue`, or exactly `Preface`, `Foreword`,
    `Contents`, `Index`, `Cover`. Notices (`Erratum`, `Correction to`, `Retraction`) are
    PT003's. Quiet for an OpenAlex record that marks itself `is_paratext: true`, for a
    record without a type, and for a `Preface` or `Foreword` that names its authors: a
    signed text by the issue's editors, not a page of the issue's furniture.

    ## Why is this bad?
    Counted as articles, these pages inflate publication and citation counts, pollute
    search results, and make unrelated records look like duplicates of each other by title
    (dissemin/dissemin#14).

    ## Example
    ```json
    {"type": "journal-article", "title": ["Issue Information"]}
    ```
    Use instead: the record typed as what it is, or left out of an article collection:
    ```json
    {"type": "other", "title": ["Issue Information"]}
    ```

    ## Fix
    None: which type fits depends on the vocabulary and on what the item really is.
    """
    found = _title(record)
    if found is None or len(found[1]) > 80:
        return
    pointer, title = found
    if not _is_paratext(title) or not _typed_as_article(record):
        return
    if comparable(title) in SIGNED_PARATEXT and _has_authors(record):
        return
    if record.value("is_paratext") is True:
        return
    yield Violation(f"paratext title {shown(title, 30)} typed as an article", pointer)


def _subtitles(record: Record) -> list[tuple[str, str]]:
    """The subtitles the shape keeps beside the title: Crossref's `subtitle[]`, DataCite's
    titles with `titleType` Subtitle."""
    data = record.data
    if not isinstance(data, dict):
        return []
    found: list[tuple[str, str]] = []
    if record.profile.has(Convention.SUBTITLE_ARRAY):
        subtitles = data.get("subtitle")
        if isinstance(subtitles, list):
            found = [(f"/subtitle/{i}", s) for i, s in enumerate(subtitles)
                     if isinstance(s, str) and s.strip()]
    elif record.profile.has(Convention.TYPED_TITLES):
        base, attributes = ("/attributes", data["attributes"]) if isinstance(
            data.get("attributes"), dict) else ("", data)
        titles = attributes.get("titles")
        if isinstance(titles, list):
            found = [(f"{base}/titles/{i}/title", t["title"]) for i, t in enumerate(titles)
                     if isinstance(t, dict) and t.get("titleType") == "Subtitle"
                     and isinstance(t.get("title"), str) and t["title"].strip()]
    return found


def _repeated_block(words: list[str]) -> int | None:
    """Where a block of three or more words repeats straight after itself, or None."""
    count = min(len(words), 60)
    if len(set(words[:count])) == count:
        return None  # a repeated block starts with a word that occurs twice in the first 60
    for size in range(count // 2, 2, -1):
        for start in range(0, count - 2 * size + 1):
            if words[start] == words[start + size] and \
                    words[start: start + size] == words[start + size: start + 2 * size]:
                return start
    return None


# A separator: a colon, a spaced dash or a full stop before a space, with the spaces around
# it. Each alternative starts only where a whitespace run starts ((?<!\s)), so a long run of
# spaces is scanned once, not once from each of its positions (quadratic: 50,000 spaces
# before a letter took 7 s); possessive runs never give back what they took.
_SEGMENT_RE = regex.compile(r"(?<!\s)(?:\s*+:|\s++[-–—](?=\s)|\s*+\.(?=\s))\s*+")


def _may_split(title: str) -> bool:
    """False only when ``_SEGMENT_RE`` cannot split the plain title: each of its separators
    holds a `:`, a dash (`-`, `–`, `—`) or a `.` followed by whitespace (so not the last
    character); without markup (`<`) the plain title is the title itself, and only a
    markup parse could make one of them (from an entity)."""
    return ("<" in title or ":" in title or "-" in title or "\u2013" in title
            or "\u2014" in title or "." in title[:-1])


@rule("TTL007", "title-duplicated-part", severity="warning", reads=RECORD)
def title_duplicated_part(record: Record, ctx: Context) -> Iterator[Violation]:
    """The title repeats itself, or its subtitle repeats the title.

    ## What it does
    Reports
    - a subtitle kept beside the title (Crossref's `subtitle`, a DataCite title of type
      `Subtitle`) that equals the title, or that the title already contains (`Mapping the
      global state of invasive alien species: patterns ...` with the subtitle `Mapping the
      global state of invasive alien species`), also when glued to it without a separator;
    - a title in which a run of three or more words repeats straight after itself
      (`Title Of Paper Title Of Paper: Sub`), or two of its parts around `:` or ` - ` are the
      same.

    Texts are compared without case, markup and punctuation; a contained subtitle needs
    three words or fifteen characters.

    ## Why is this bad?
    Consumers join title and subtitle (`Title: Subtitle`), so a subtitle that repeats the
    title, or a running head deposited as the subtitle, prints it twice; a title with a
    repeated part comes from concatenating two copies of the same field. Both spoil
    citations and title matching.

    ## Example
    ```json
    {"title": ["Global state of sunscreens"], "subtitle": ["Global state of sunscreens"]}
    ```
    Use instead:
    ```json
    {"title": ["Global state of sunscreens"], "subtitle": []}
    ```

    ## Fix
    None: which copy is right (and whether the subtitle is a running head) needs a look at
    the source.
    """
    found = _title(record)
    if found is None:
        return
    pointer, title = found
    key = comparable(title)
    for sub_pointer, subtitle in _subtitles(record):
        sub = comparable(subtitle)
        if not sub:
            continue
        if sub == key:
            yield Violation(f"subtitle repeats the title ({shown(subtitle, 30)})", sub_pointer)
        elif (sub.count(" ") >= 2 or len(sub) >= 15) and (
            f" {sub} " in f" {key} " or key.endswith(sub)
        ):
            yield Violation(f"the title already contains the subtitle ({shown(subtitle, 30)})",
                            sub_pointer)
    words = key.split()
    start = _repeated_block(words) if len(words) >= 6 else None
    if start is not None:
        yield Violation(f"title repeats words ({quoted(' '.join(words[start:start + 4]))}…)",
                        pointer)
        return
    if not _may_split(title):
        return
    parts = [comparable(p) for p in _SEGMENT_RE.split(_plain(title))]
    parts = [p for p in parts if p.count(" ") >= 1 or len(p) >= 15]
    for first, second in itertools.pairwise(parts):
        if first == second:
            yield Violation(f"title repeats a part ({shown(first, 30)})", pointer)
            return


_ROMAN_NUMBER = r"(?=[IVXLC])(?:L?X{0,3}+)(?:IX|IV|V?I{0,3}+)"
_NUMBERED_TITLE_RE = regex.compile(
    r"(?P<prefix>"
    r"(?:chapter|chap\.|section|sect\.|lecture|kapitel|cap[ií]tulo|chapitre|capitolo)"
    r"[ \t]++(?:[0-9]{1,3}+|" + _ROMAN_NUMBER + r")[ \t]*+[.:\u2013\u2014-][ \t]*+"
    r"|[0-9]{1,3}+(?:\.[1-9][0-9]{0,2}+){0,3}+\.[ \t]++"
    r"|(?=[IVXL]{2})" + _ROMAN_NUMBER + r"\.[ \t]++"  # one letter: an initial ("L. Smith")
    r")(?-i:(?=[\"'“‘(]?+\p{Lu}))",
    regex.IGNORECASE,
)
"""A chapter or section number before the title's first capital: `16. `, `2.3. `,
`XVI. `, `Chapter 3: `, `Section 2 - `. A number without its period (`3 Steps to...`,
`1.5 T MRI`, `16S rRNA`) is part of a title."""
_NUMBERED_STARTS = frozenset("0123456789cslkCSLKivxlIVXL")
"""The ASCII characters a match of ``_NUMBERED_TITLE_RE`` can start with: a digit, the
first letter of a label (`chapter`, `section`, `lecture`, `kapitel`...) or of a Roman
numeral of two letters or more, in either case (an ASCII letter's other case is ASCII, but
for the Kelvin sign and long s, which are not ASCII and so are left to the pattern)."""


def _german(title: str) -> bool:
    """Whether the title reads as German, where an ordinal is a number with a period (`1. FC
    Köln`, `19. Jahrhundert`)."""
    words = set(_TITLE_WORD_RE.findall(title.lower()))
    return bool(words & STOPWORDS["de"]) and not words & STOPWORDS["en"]


@rule("TTL008", "title-numbered", severity="warning", fix="unsafe", reads=("title",))
def title_numbered(record: Record, ctx: Context) -> Iterator[Violation]:
    """A chapter or section number is glued to the start of the title (`16. Marketing...`).

    ## What it does
    Reports a title that starts with a chapter or section number: a number with a period
    (`16. `, `2.3. `), a Roman numeral of two or more letters with a period (`XVI. `; `V.`
    or `L.` may be an initial), or a chapter or section
    label with its number (`Chapter 3: `, `Section 2 - `), before a capital letter. Not
    reported: a number without its period that belongs to the title (`3 Steps to...`,
    `1.5 T MRI`, `16S rRNA`, `2019 novel coronavirus`), and German titles, where a number
    with a period is an ordinal (`1. FC Köln`, `19. Jahrhundert`).

    ## Why is this bad?
    The number is the chapter's place in a book or a table of contents, copied with the
    title from the PDF or the publisher's page. It is no part of the title: citations
    print it, and the same chapter in another edition or source no longer matches.

    ## Example
    ```json
    {"type": "book-chapter", "title": ["16. Marketing the Arts"]}
    ```
    Use instead:
    ```json
    {"type": "book-chapter", "title": ["Marketing the Arts"]}
    ```

    ## Fix
    Unsafe (the number may, rarely, be part of the title): removes the number and what
    separates it from the title.
    """
    found = _title(record)
    if found is None:
        return
    pointer, title = found
    text = title.lstrip()
    if text[:1] not in _NUMBERED_STARTS and text[:1].isascii():
        return  # spares the pattern (and its compiling) for most titles
    match = _NUMBERED_TITLE_RE.match(text)
    if match is None or len(text) - match.end() < 3 or _german(text):
        return
    prefix = match["prefix"]
    rest = title[: len(title) - len(text)] + text[match.end():]
    fix = Fix.replace(pointer, rest, f"Remove {shown(prefix.strip())}", unsafe=True)
    yield Violation(f"title starts with the number {shown(prefix.strip())}", pointer, fix)
