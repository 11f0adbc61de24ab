"""PAGE: pages, volume, issue."""

from __future__ import annotations

from collections.abc import Iterator

import regex

from biblint.domain.pages import (
    PageRange,
    article_number_reason,
    expand_elided,
    identifier_reason,
    is_page_list,
    normalise_separator,
    parse_pages,
)
from biblint.domain.show import shown as _shown
from biblint.domain.spacing import keep_outer_space
from biblint.model import Applicability, Fix, PatchOp, Violation, resolve_pointer
from biblint.profiles import Convention
from biblint.record import Field, Record
from biblint.registry import Context, Option, rule

S2_PAGE_RANGES = Convention.SPACED_PAGE_RANGES
"""Profile convention: the shape writes a range with a spaced hyphen (Semantic Scholar's
`D480 - D489`); PAGE004 accepts `-` and ` - ` there."""

EN_DASH = Convention.EN_DASH_PAGE_RANGES
"""Profile convention: ranges may use an en dash: CSL processors read `-` and `–` alike, and
Zotero and Better BibTeX write `–` in CSL-JSON on purpose
(retorquere/zotero-better-bibtex#3327). PAGE004 accepts `–` there."""

ARTICLE_TYPES = frozenset({
    "journalarticle", "articlejournal", "article", "review", "conference",
    "proceedingsarticle", "paperconference", "letter", "editorial", "casereport",
    "clinicaltrial", "metaanalysis", "comment", "note", "shortsurvey", "datapaper",
})
"""Work types (lower case, letters only) of articles in the shapes' vocabularies: Crossref
`journal-article`, CSL `article-journal`, OpenAlex `article`, DataCite `JournalArticle`,
PubMed `Journal Article`, Semantic Scholar `JournalArticle`/`Review`/`Conference`."""

BOOK_TYPES = frozenset({
    "book", "booksection", "bookchapter", "chapter", "monograph", "editedbook", "bookpart",
    "booktrack", "bookseries", "bookset", "referencebook", "referenceentry", "dissertation",
    "thesis", "report", "dataset", "manuscript",
})
"""Types that are not articles even when listed beside one."""

_LETTERS_RE = regex.compile(r"[^a-z]+")
_LABEL_RE = regex.compile(
    r"(?P<label>(?:vols?|volume|v|nos?|number|nr|n[°º]|n\.[°º]|núm|num|issues?|iss|heft|bd|"
    r"band|tome|tomo|t|fasc|fascicule|jg|jahrgang|évf|szám|cilt|sayı)\.?)"
    r"[ \t\u00a0]*(?P<rest>\S.*)",
    regex.IGNORECASE,
)
# A volume or issue number with a year in brackets after it: "83 (1999)".
_YEAR_AFTER_RE = regex.compile(r"(?P<rest>[^\s()]{1,20})[ \t\u00a0]*\((?:1[5-9]|20)[0-9]{2}\)")
_SIMPLE_NUMBER_RE = regex.compile(
    r"[A-Za-z]{0,2}[0-9]{1,6}[A-Za-z]?(?:[-/\u2013][A-Za-z]{0,2}[0-9]{1,6}[A-Za-z]?)?"
    r"|[ivxlcdmIVXLCDM]{1,8}"
)
# Labels that are data, not decoration: a supplement or part is a different issue.
_KEEP_LABEL_RE = regex.compile(r"(?:suppl|supplement|part|pt|spec|special|sup)\b", regex.I)




def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _parent_exists(data: object, pointer: str) -> bool:
    try:
        return isinstance(resolve_pointer(data, pointer.rpartition("/")[0]), dict)
    except Exception:
        return False


def _type_keys(record: Record) -> list[str]:
    """The record's work types, lower case, letters only (``journal-article`` ->
    ``journalarticle``)."""
    keys: list[str] = []
    for name in ("type", "publication_types"):
        value = record.value(name)
        items = value if isinstance(value, list) else [value]
        for item in items[:20]:
            if isinstance(item, str) and len(item) <= 60:
                keys.append(_LETTERS_RE.sub("", item.lower()))
    return keys


def record_is_article(record: Record) -> bool:
    """Whether the record is typed as an article (a journal or conference paper) and not
    as a book, chapter, thesis, dataset or report. Untyped records are not articles."""
    keys = _type_keys(record)
    return any(k in ARTICLE_TYPES for k in keys) and not any(k in BOOK_TYPES for k in keys)


def _text(found: Field | None) -> str | None:
    """A page field's string value (an integer is written out), or None."""
    if found is None:
        return None
    value = found.value
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return None



def _pair(record: Record) -> tuple[Field, Field, PageRange] | None:
    """First and last page fields (OpenAlex biblio, DataCite container) read as one range,
    when both hold a single page."""
    first, last = record.field("first_page"), record.field("last_page")
    first_text, last_text = _text(first), _text(last)
    if first is None or last is None or first_text is None or last_text is None:
        return None
    start, end = parse_pages(first_text), parse_pages(last_text)
    if start is None or end is None or start.end is not None or end.end is not None:
        return None
    return first, last, PageRange(f"{start.text}-{end.text}", start.start, end.start,
                                  separator="-")


@rule("PAGE001", "page-range-reversed", severity="warning",
      reads=("first_page", "last_page", "pages"))
def page_range_reversed(record: Record, ctx: Context) -> Iterator[Violation]:
    """A page range ends before it starts.

    ## What it does
    Reports a range whose last page is below its first page once an elided end is expanded
    the way MEDLINE elides (so `123-45` is 123-145 and is not reported here, but `145-123`
    and `129-5` are: 129-125 runs backwards). Also compares a record's separate first and
    last page fields (OpenAlex `biblio`, DataCite `container`). Pages of different numbering
    (`xi-12`, `N110-P5`) or with letter suffixes are not compared.

    ## Why is this bad?
    A backwards range is a typing or conversion error: the pages cannot both be right, page
    counts come out negative, and citation styles print nonsense. Which page is wrong needs
    the article itself.

    ## Example
    ```json
    {"page": "145-123"}
    ```
    Use instead (after checking the article):
    ```json
    {"page": "123-145"}
    ```

    ## Fix
    None: swapping the pages is a guess (the end may be mistyped instead).
    """
    found = record.field("pages")
    text = _text(found)
    if found is not None and text is not None:
        parsed = parse_pages(text)
        if parsed is not None and parsed.reversed:
            yield Violation(f"page range {_shown(parsed.text)} runs backwards", found.pointer)
    pair = _pair(record)
    if pair is not None and pair[2].reversed:
        _first, last, parsed = pair
        yield Violation(f"last page {_shown(parsed.end.text if parsed.end else '')} is before "
                        f"the first page {_shown(parsed.start.text)}", last.pointer)


@rule("PAGE002", "page-range-elided", severity="warning", fix="safe",
      reads=("first_page", "last_page", "pages"))
def page_range_elided(record: Record, ctx: Context) -> Iterator[Violation]:
    """A page range leaves out the leading digits of its last page (`123-45`).

    ## What it does
    Reports a range whose last page has fewer digits than, and is below, its first page,
    when writing the missing leading digits back gives a range that runs forward: MEDLINE's
    elided pagination (NLM: `123-45` is 123-145, `1199-205` is 1199-1205, `12-9` is 12-19).
    Also a separate last page field shorter than the first page field (`1475` / `86`).
    A prefix is kept (`S12-9` is S12-S19 written as `S12-19`).
    MEDLINE's own `MedlinePgn` (PubMed/MEDLINE XML, `elided-page-ranges`) is not reported:
    there elision is the format's rule; records copied from it should write ranges out.

    ## Why is this bad?
    Elision is a print convention of MEDLINE, not data: Crossref, CSL processors and
    page-based matching read `1199-205` as a range from 1199 back to 205, page counts come
    out negative, and two records of one article (`1199-1205` from Crossref) no longer
    match.

    ## Example
    ```json
    {"journal": {"pages": "1199-205"}}
    ```
    Use instead:
    ```json
    {"journal": {"pages": "1199-1205"}}
    ```

    ## Fix
    Safe: the last page is written out in full by taking the missing leading digits from the
    first page; everything else in the value (prefix, dash, spaces) is kept. A range whose
    expansion would still run backwards (`129-5`) is PAGE001's, with no fix.
    """
    found = record.field("pages")
    if record.profile.has(Convention.ELIDED_PAGE_RANGES):
        found = None  # MEDLINE's MedlinePgn: elided by NLM's rule, not a defect
    text = _text(found)
    if found is not None and text is not None and isinstance(found.value, str):
        expanded = expand_elided(text)
        if expanded is not None:
            fixed = keep_outer_space(text, expanded)
            yield Violation(
                f"elided page range {_shown(text.strip())} stands for {_shown(expanded)}",
                found.pointer,
                Fix.replace(found.pointer, fixed, f"Write the range out as {_shown(expanded)}"))
    pair = _pair(record)
    if pair is not None:
        _first, last, parsed = pair
        full = parsed.expanded_end()
        if full is not None and parsed.end is not None and isinstance(last.value, str):
            end = parsed.end
            value = f"{end.prefix}{full}{end.suffix}"
            fixed = keep_outer_space(last.value, value)
            yield Violation(f"last page {_shown(end.text)} is elided: it stands for "
                            f"{_shown(value)}", last.pointer,
                            Fix.replace(last.pointer, fixed, f"Write the last page out as "
                                        f"{_shown(value)}"))
@rule("PAGE003", "pages-article-number", severity="warning", fix="unsafe",
      reads=("article_number", "doi", "pages"))
def pages_article_number(record: Record, ctx: Context) -> Iterator[Violation]:
    """The pages field holds the DOI, the DOI suffix or another identifier, not pages.

    ## What it does
    Reports a pages value that is the record's DOI, its whole DOI suffix (SAGE's
    `15266028251361770` for `10.1177/15266028251361770`), or a number of ten or more digits,
    which no journal uses as a page or an article number. A publisher's own article number
    or e-locator is its pagination and is not reported: PLOS and eLife `e0123456`, PeerJ
    `e6049`, Elsevier's `107382` (the end of `10.1016/j.compbiolchem.2020.107382`), AIP's
    `033101`, Oxford's `fiv167`, the Royal Society's `20170387`; nor are ordinary pages
    (`123`, `123-145`, `D480 - D489`, `S12`). Where the registry's deposit puts the article
    number in the page field too (profile convention `article-number-in-page`: Crossref's
    `page` beside `article-number`), a page equal to the record's own article number is the
    deposit, even when the publisher numbers articles by their DOI suffix.

    ## Why is this bad?
    Online-first articles have no pages yet; PubMed and aggregators then fill the pagination
    with the DOI suffix (CrossRef/rest-api-doc#362), which is no article number either.
    Citation styles print it as a page range ("pp. 15266028251361770"), page-based matching
    and deduplication fail, and the real pages never replace it.

    ## Example
    ```json
    {"doi": "10.1177/15266028251361770", "journal": {"pages": "15266028251361770"}}
    ```
    Use instead:
    ```json
    {"doi": "10.1177/15266028251361770", "journal": {"pages": null}}
    ```

    ## Fix
    Unsafe (the value might, rarely, be meant). When the record's shape has an article-number
    field and the record has none, the value moves there and the pages are cleared.
    Otherwise the pages are cleared only when the value is the DOI or its suffix (it stays
    recoverable from the DOI); a long number that would be lost is reported without a fix.
    """
    found = record.field("pages")
    if found is None:
        return
    value = found.value
    if isinstance(value, str):
        text = value.strip()
    elif isinstance(value, int) and not isinstance(value, bool):
        text = str(value)
    else:
        return
    if not text:
        return
    found_reason = identifier_reason(text, record.value("doi"))
    if found_reason is None or _deposited_article_number(record, text):
        return
    reason, from_doi = found_reason
    yield Violation(f"pages {_shown(text)} {reason}, not a page range", found.pointer,
                    _fix(record, found.pointer, text, from_doi))


def _deposited_article_number(record: Record, text: str) -> bool:
    """Whether the record's own article number is ``text`` in a shape whose deposits put
    the article number in the page field too."""
    if not record.profile.has(Convention.ARTICLE_NUMBER_IN_PAGE):
        return False
    number = record.value("article_number")
    if isinstance(number, int) and not isinstance(number, bool):
        number = str(number)
    return isinstance(number, str) and number.strip().lower() == text.lower()


_SEPARATOR_NAMES = {
    "--": "a double hyphen", "\u2010": "a hyphen (U+2010)", "\u2011": "a non-breaking hyphen",
    "\u2012": "a figure dash", "\u2013": "an en dash", "\u2014": "an em dash",
    "\u2015": "a horizontal bar", "\u2212": "a minus sign",
}


def _separator_problem(parsed: PageRange, spaced_ok: bool, en_dash_ok: bool) -> str:
    """What is off in how a parsed page or range is written, or ``""``."""
    problems: list[str] = []
    if parsed.label:
        problems.append(f"a {_shown(parsed.label.strip())} label")
    separator = parsed.separator
    dash = separator.strip(" \t\u00a0")
    if dash and dash != "-" and not (en_dash_ok and dash == "\u2013"):
        problems.append(_SEPARATOR_NAMES.get(dash, "an unusual dash"))
    if separator and separator != dash:
        spaced = separator == f" {dash} "
        if not (spaced_ok and spaced):
            problems.append("spaces around the dash")
    return " and ".join(problems)


@rule("PAGE004", "page-range-separator", severity="warning", fix="safe",
      reads=("first_page", "last_page", "pages"))
def page_range_separator(record: Record, ctx: Context) -> Iterator[Violation]:
    """A page range is written with another dash than `-`, spaces around it, or `pp.`.

    ## What it does
    Reports a page or page range written with a `pp.`/`p.`/`pages` label, a dash other than
    the hyphen-minus (`--`, en dash `–`, em dash `—`, minus sign `−`, U+2010 hyphens) or
    spaces around the dash (`6 - 13`), in the pages field and in separate first and last
    page fields. Semantic Scholar writes ranges with a spaced hyphen (`D480 - D489`): for
    that shape (profile convention `s2-page-ranges`) ` - ` is accepted. In CSL-JSON the en
    dash is accepted too: CSL processors read `-` and `–` alike, and Zotero and Better
    BibTeX write `–` on purpose. Leading and trailing whitespace is TXT006's.

    ## Why is this bad?
    The JSON shapes write a range as `first-last` with a hyphen-minus (`--` is BibTeX's
    input syntax, the en dash is typography that citation styles add on output). Mixed
    spellings defeat exact comparison and deduplication, and parsers that split on `-` read
    `123–145` as one page.

    ## Example
    ```json
    {"page": "pp. 6 – 13"}
    ```
    Use instead:
    ```json
    {"page": "6-13"}
    ```

    ## Fix
    Safe: the label is removed and the dash becomes a hyphen-minus (a CSL-JSON en dash
    stays), without spaces (with one space each side for Semantic Scholar records that used
    spaces). The pages themselves and outer whitespace are kept.
    """
    spaced_ok = S2_PAGE_RANGES in record.profile.conventions
    en_dash_ok = EN_DASH in record.profile.conventions
    for name in ("pages", "first_page", "last_page"):
        found = record.field(name)
        if found is None or not isinstance(found.value, str):
            continue
        text = found.value
        if not text.strip():
            continue
        parsed = parse_pages(text)
        if parsed is None:
            continue
        problem = _separator_problem(parsed, spaced_ok, en_dash_ok)
        if not problem:
            continue
        written = parsed.separator.strip(" \t\u00a0")
        spaced = spaced_ok and parsed.separator != written
        dash = "\u2013" if en_dash_ok and written == "\u2013" else "-"
        canonical = normalise_separator(text, spaced=spaced, dash=dash)
        if canonical is None:
            continue
        what = "page range" if parsed.end is not None else "page"
        yield Violation(f"{what} {_shown(parsed.text)} is written with {problem}",
                        found.pointer,
                        Fix.replace(found.pointer, keep_outer_space(text, canonical),
                                    f"Write it as {_shown(canonical)}"))


@rule("PAGE005", "page-list", severity="info", reads=("pages",))
def page_list(record: Record, ctx: Context) -> Iterator[Violation]:
    """The pages field lists discontinuous pages or says `passim`.

    ## What it does
    Reports a pages value that is a list of pages or ranges (`34-6, 87-91`, `1-4; 10`,
    MEDLINE's discontinuous pagination) or carries `passim`, `cont'd` or `et seq.`.

    ## Why is this bad?
    Nothing wrong with the article, but the field no longer holds one range: consumers that
    split it into a first and a last page get `34` and `87-91`, page counts are wrong, and
    citation styles print the list verbatim. The data needs a decision (first range only,
    or the list kept in a note).

    ## Example
    ```json
    {"journal": {"pages": "34-6, 87-91"}}
    ```
    Use instead (keep the list elsewhere if it matters):
    ```json
    {"journal": {"pages": "34-36"}}
    ```

    ## Fix
    None: which range to keep is a judgement.
    """
    found = record.field("pages")
    if found is None or not isinstance(found.value, str):
        return
    text = found.value
    if ("," not in text and ";" not in text and "&" not in text
            and not any(c in text for c in "pPcCeE")):
        return
    if parse_pages(text) is None and is_page_list(text):
        yield Violation(f"pages {_shown(text.strip())} are not one range", found.pointer)


@rule(
    "PAGE006",
    "page-implausible",
    severity="warning",
    options={
        "max-span": Option(300, {"type": "integer", "minimum": 1},
                           "Longest page range of an article, in pages."),
        "max-page": Option(100000, {"type": "integer", "minimum": 1},
                           "Highest plausible page number."),
    },
    reads=("doi", "first_page", "last_page", "pages", "publication_types", "type"),
)
def page_implausible(record: Record, ctx: Context) -> Iterator[Violation]:
    """A page number or a page span is implausible.

    ## What it does
    Reports a page above `max-page` (default 100 000) and, for records typed as articles
    (journal or conference papers, not books, chapters or reports), a range longer than
    `max-span` pages (default 300), in the pages field or in separate first and last page
    fields. Values that PAGE003 reports (the DOI suffix, an e-locator, a number of seven or
    more digits) are left to it.

    ## Why is this bad?
    Journals rarely pass a few thousand pages a volume; a page of 123 456 is an article
    number or a typing error, and a 9 000-page article is a mistyped end (`12-9876` for
    `12-98`). Page counts and citation output are wrong either way.

    ## Example
    ```json
    {"type": "journal-article", "page": "12-9876"}
    ```
    Use instead (after checking the article):
    ```json
    {"type": "journal-article", "page": "12-98"}
    ```

    ## Fix
    None: the right value needs the article.

    ## Options
    `max-span` (integer, default 300) and `max-page` (integer, default 100000).
    """
    max_span: int = ctx.options["max-span"]
    max_page: int = ctx.options["max-page"]
    found = record.field("pages")
    text = _text(found)
    doi = record.value("doi")
    if found is not None and text is not None:
        parsed = parse_pages(text)
        if parsed is not None and article_number_reason(text, doi) is None:
            message = _implausible(parsed, max_page, max_span, record)
            if message:
                yield Violation(message, found.pointer)
    pair = _pair(record)
    if pair is None:
        return
    first, last, parsed = pair
    if any(article_number_reason(p.text, doi) for p in (parsed.start, parsed.end) if p):
        return
    high = max(parsed.first, parsed.last or 0)
    if high > max_page:
        yield Violation(f"page {high} is implausibly high (an article number?)",
                        first.pointer if parsed.first == high else last.pointer)
        return
    span = parsed.span
    if span is not None and span > max_span and record_is_article(record):
        joined = article_number_reason(parsed.text, doi)
        why = f"; {_shown(parsed.text)} {joined[0]}" if joined else ""
        yield Violation(f"pages {_shown(parsed.start.text)} to "
                        f"{_shown(parsed.end.text if parsed.end else '')} span {span} "
                        f"pages, more than {max_span} for an article{why}", last.pointer)


def _implausible(parsed: PageRange, max_page: int, max_span: int, record: Record) -> str:
    high = max(parsed.first, parsed.last or 0)
    if high > max_page:
        where = f" in {_shown(parsed.text)}" if parsed.end is not None else ""
        return f"page {high}{where} is implausibly high (an article number?)"
    span = parsed.span
    if span is not None and span > max_span and record_is_article(record):
        return (f"page range {_shown(parsed.text)} spans {span} pages, more than {max_span} "
                "for an article")
    return ""


@rule("PAGE007", "volume-issue-label", severity="warning", fix="unsafe", reads=("issue", "volume"))
def volume_issue_label(record: Record, ctx: Context) -> Iterator[Violation]:
    """The volume or issue carries a label (`Vol. 32`, `No. 3`) or a year (`83 (1999)`).

    ## What it does
    Reports a volume or issue value that starts with a label word (`Vol.`, `Volume`, `No.`,
    `Nr.`, `n°`, `Issue`, `Heft`, `Bd.`, `Núm.`, ...) or ends with a year in brackets
    (`83 (1999)`). Supplements and parts (`Suppl 1`, `Pt 2`) are data and are not reported,
    nor are combined issues and volumes (`3-4`, `1/2`, `199-200`), which are real.

    ## Why is this bad?
    Citation styles add their own labels (`Vol. Vol. 32`), volume and issue no longer compare
    equal across sources, and numeric sorting fails.

    ## Example
    ```json
    {"volume": "Vol. 32", "issue": "No. 3"}
    ```
    Use instead:
    ```json
    {"volume": "32", "issue": "3"}
    ```

    ## Fix
    Unsafe (the label may, rarely, be part of the designation): the label or the bracketed
    year is removed when what remains is a plain number, roman numeral or range.
    """
    for name in ("volume", "issue"):
        found = record.field(name)
        if found is None or not isinstance(found.value, str):
            continue
        text = found.value.strip()
        if not text or len(text) > 60 or _SIMPLE_NUMBER_RE.fullmatch(text):
            continue
        if _KEEP_LABEL_RE.match(text):
            continue
        rest = ""
        what = ""
        match = _LABEL_RE.fullmatch(text)
        if match is not None and not _KEEP_LABEL_RE.match(match["rest"]):
            label = match["label"]
            if label.lower().rstrip(".") in ("v", "t") and not label.endswith("."):
                continue  # "v2", "t 3": a letter, not a label
            rest = match["rest"].strip()
            what = f"a label ({_shown(label)})"
        else:
            year = _YEAR_AFTER_RE.fullmatch(text)
            if year is None:
                continue
            rest = year["rest"]
            what = "a year in brackets"
        fix = None
        if _SIMPLE_NUMBER_RE.fullmatch(rest):
            fix = Fix.replace(found.pointer, rest, f"Keep only {_shown(rest)}", unsafe=True)
        yield Violation(f"{name} {_shown(text)} carries {what}", found.pointer, fix)


def _fix(record: Record, pages: str, text: str, from_doi: bool) -> Fix | None:
    clear = (PatchOp("remove", pages) if record.profile.absent == "omit"
             else PatchOp("replace", pages, None))
    targets = record.profile.pointers("article_number")
    if targets:
        current = record.field("article_number")
        move: PatchOp | None = None
        if current is None:
            if _parent_exists(record.data, targets[0]):
                move = PatchOp("add", targets[0], text)
        elif _blank(current.value):
            move = PatchOp("replace", current.pointer, text)
        elif str(current.value).strip().lower() == text.lower():
            return Fix("Clear the pages (the value is already the article number)", (clear,),
                       Applicability.UNSAFE)
        if move is not None:
            return Fix(f"Move {_shown(text)} to the article number and clear the pages",
                       (move, clear), Applicability.UNSAFE)
    if from_doi:
        return Fix("Clear the pages (the value is recoverable from the DOI suffix)", (clear,),
                   Applicability.UNSAFE)
    return None
