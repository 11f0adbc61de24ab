"""DOI: DOI syntax and normalisation.

Every rule here reads the canonical `doi` field and one shared analysis,
:func:`biblint.domain.doi.analyse_doi`, which tags each defect of a value with its kind;
:data:`CODES` says which rule reports each kind: a value with several defects gets one
finding per defect, never two for one.
Two profile conventions shape the analysis: `doi-as-url` (OpenAlex keeps the DOI as a
`https://doi.org/` URL, which is then no defect) and `doi-registered` (Crossref and DataCite
records are the registration agency's own: their DOI is registered as written, so only the
mechanical defects, DOI003, DOI004 and DOI006, can occur).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

import regex

from biblint.domain.doi import (
    DoiAnalysis,
    DoiProblem,
    analyse_doi,
    canonical_doi_url,
    doi_key,
    is_doi,
    is_short_doi,
)
from biblint.domain.doi import DoiDefect as D
from biblint.domain.show import codepoints, shown
from biblint.model import Fix, Violation
from biblint.profiles import Convention
from biblint.record import Field, Record
from biblint.registry import Context, Option, rule

URL_FIELDS = ("doi_url", "landing_url", "url")
"""Canonical fields that may hold a DOI resolver URL (DOI011)."""

_CROSSREF_CHAR_RE = regex.compile(r"[^-._;()/:A-Za-z0-9]")
_BAD_CHAR_RE = regex.compile(r'[\p{White_Space}\p{C}"\\{}|^`]')


CODES: Mapping[D, str] = {
    D.NOT_A_DOI: "DOI001", D.SHORT_DOI: "DOI001",
    D.MALFORMED_PREFIX: "DOI002", D.PREFIX_WHITESPACE: "DOI002",
    D.RESOLVER_PREFIX: "DOI003",
    D.WHITESPACE: "DOI004", D.INVISIBLE: "DOI004",
    D.ENCLOSED: "DOI005", D.TRAILING: "DOI005",
    D.PERCENT_ENCODED: "DOI006", D.HTML_ESCAPED: "DOI006",
    D.SECOND_DOI: "DOI007", D.TEXT_AFTER: "DOI007",
    D.PLACEHOLDER: "DOI009", D.PREFIX_ONLY: "DOI009", D.PLACEHOLDER_PREFIX: "DOI009",
    D.PLACEHOLDER_SUFFIX: "DOI009", D.ISSN_SUFFIX: "DOI009", D.JOURNAL_ISSN_SUFFIX: "DOI009",
    D.JOURNAL_CODE_SUFFIX: "DOI009",
    D.LOOKALIKE: "DOI010",
}
"""The rule that reports each kind of DOI defect (:func:`biblint.domain.doi.analyse_doi`)."""

_KINDS: Mapping[str, frozenset[D]] = {
    code: frozenset(kind for kind, owner in CODES.items() if owner == code)
    for code in set(CODES.values())
}

_MESSAGES: Mapping[D, Callable[[str], str]] = {
    D.NOT_A_DOI: lambda d: f"not a DOI ({shown(d, 30)}): no 10.xxxx/ prefix",
    D.SHORT_DOI: lambda d: f"short DOI {shown(d, 24)} is an alias, not the DOI",
    D.MALFORMED_PREFIX: lambda d: f"malformed DOI prefix {shown(d, 20)}",
    D.PREFIX_WHITESPACE: lambda d: "whitespace after the DOI prefix",
    D.RESOLVER_PREFIX: lambda d: f"DOI stored with the prefix {shown(d, 24)}",
    D.WHITESPACE: lambda d: "whitespace around the DOI",
    D.INVISIBLE: lambda d: f"invisible character in the DOI ({codepoints(d)})",
    D.ENCLOSED: lambda d: f"DOI enclosed in {d}",
    D.TRAILING: lambda d: f"trailing {shown(d, 8)} after the DOI",
    D.PERCENT_ENCODED: lambda d: "DOI is percent-encoded",
    D.HTML_ESCAPED: lambda d: "DOI is HTML-escaped",
    D.SECOND_DOI: lambda d: "another DOI after the DOI",
    D.TEXT_AFTER: lambda d: f"text after the DOI ({shown(d, 20)})",
    D.PLACEHOLDER: lambda d: f"placeholder {shown(d, 16)} instead of a DOI",
    D.PREFIX_ONLY: lambda d: f"DOI prefix {shown(d, 20)} without a suffix",
    D.PLACEHOLDER_PREFIX: lambda d: f"placeholder prefix {shown(d, 12)}",
    D.PLACEHOLDER_SUFFIX: lambda d: f"placeholder suffix {shown(d, 16)}",
    D.ISSN_SUFFIX: lambda d: f"suffix {shown(d, 12)} is only an ISSN",
    D.JOURNAL_ISSN_SUFFIX: lambda d: f"suffix {shown(d, 12)} is only the journal's ISSN",
    D.JOURNAL_CODE_SUFFIX: lambda d: f"suffix {shown(d, 20)} is a journal code without an "
                                     "article part",
    D.LOOKALIKE: lambda d: f"non-ASCII look-alike character in the DOI ({codepoints(d)})",
}


def doi_message(problem: DoiProblem) -> str:
    """The finding message of a DOI defect."""
    return _MESSAGES[problem.kind](problem.detail)


def _doi(record: Record) -> tuple[Field, DoiAnalysis] | None:
    """The DOI field and its analysis, when the DOI is a non-blank string: analysed once per
    record for all the DOI rules."""
    return record.memo("doi.analysis", _analyse)


def _analyse(record: Record) -> tuple[Field, DoiAnalysis] | None:
    found = record.field("doi")
    if found is None or not isinstance(found.value, str) or not found.value.strip():
        return None
    conventions = record.profile.conventions
    analysis = analyse_doi(found.value, url_form=Convention.DOI_AS_URL in conventions,
                           registered=Convention.DOI_REGISTERED in conventions)
    return found, analysis


def _violations(record: Record, code: str, title: str, *,
                unsafe: bool = False) -> Iterator[Violation]:
    """The findings of ``code`` in the DOI field, each with its fix when there is one."""
    got = _doi(record)
    if got is None:
        return
    found, analysis = got
    if not analysis.problems:
        return
    for problem in analysis.of(_KINDS[code]):
        fix = None
        if problem.fixed is not None and problem.fixed != found.value:
            fix = Fix.replace(found.pointer, problem.fixed,
                              f"{title}: {shown(problem.fixed)}", unsafe=unsafe)
        yield Violation(doi_message(problem), found.pointer, fix)


@rule("DOI001", "doi-syntax", severity="warning",
      options={"strict": Option(False, {"type": "boolean"},
                                "Also report DOIs outside Crossref's recommended pattern "
                                "`^10.\\d{4,9}/[-._;()/:A-Z0-9]+$` (SICIs, DataCite suffixes "
                                "with `+`, `*`, `#`, non-ASCII letters)."),
               "short-doi": Option(False, {"type": "boolean"},
                                   "Accept short DOIs (`10/gfzxgh`) as DOIs.")}, reads=("doi",))
def doi_syntax(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI field holds something that is not a DOI.

    ## What it does
    Checks what is left of the DOI once the defects the other DOI rules report are set aside
    (prefixes, whitespace, encoding, trailing punctuation, look-alikes...) and reports a
    value with no `10.xxxx/` prefix at all (`"15266028251361770"`, `"PMC123/4"`), or a suffix
    holding characters that no registration agency issues and that mark a damaged value: TeX
    escapes and BibTeX braces (`10.1000/abc\\_def`, `10.1000/{ABC}`), quotes, `|`, `^`, a
    backtick, control or private-use characters. By default the DOI Handbook's syntax is the
    measure (any printable character in the suffix), so Wiley SICIs such as
    `10.1002/(SICI)1097-4636(199706)35:4<419::AID-JBM3>3.0.CO;2-E` and DataCite suffixes with
    `+` or `*` pass. Also reports short DOIs (`10/gfzxgh`, from shortdoi.org), which
    resolve but are aliases, not the DOI. Quiet for the registration agency's own records
    (profile convention `doi-registered`: Crossref, DataCite), whose DOI is registered as
    written.

    ## Why is this bad?
    A value that is not a DOI cannot be resolved, matched or deduplicated, and every consumer
    that builds a `https://doi.org/` link from it produces a dead link. A short DOI does
    resolve, but never matches the full DOI of the same work in another record.

    ## Example
    ```json
    {"doi": "10.1000/j.abc\\_2020.01"}
    ```
    Use instead:
    ```json
    {"doi": "10.1000/j.abc_2020.01"}
    ```

    ## Fix
    None: what the value should have been needs a person (or the registry).

    ## Options
    `strict` (default false): judge the DOI by Crossref's recommended pattern
    `^10.\\d{4,9}/[-._;()/:A-Z0-9]+$` (case-insensitive) instead, which about 0.7 % of
    registered DOIs (early Wiley SICIs, some DataCite suffixes) fail; for datasets that
    should hold only Crossref-style DOIs. `short-doi` (default false): accept short DOIs,
    for a library that stores them on purpose (Better BibTeX can export them).
    """
    got = _doi(record)
    if got is None or record.profile.has(Convention.DOI_REGISTERED):
        return
    found, analysis = got
    if ctx.options.get("short-doi", False) and is_short_doi(found.value):
        return
    for problem in analysis.of(_KINDS["DOI001"]):
        yield Violation(doi_message(problem), found.pointer)
    candidate = analysis.candidate
    if candidate is None:
        return
    strict = bool(ctx.options.get("strict", False))
    if is_doi(candidate, strict=strict):
        return
    suffix = candidate.partition("/")[2]
    bad = (_CROSSREF_CHAR_RE if strict else _BAD_CHAR_RE).search(suffix)
    if bad is None:
        yield Violation(f"DOI {shown(candidate)} does not match the DOI syntax", found.pointer)
        return
    char = bad.group()
    what = shown(char) if char.isprintable() else f"U+{ord(char):04X}"
    if strict:
        message = f"character {what} is outside Crossref's recommended DOI pattern"
    else:
        message = f"character {what} in the DOI {shown(candidate, 30)} is not part of a DOI"
    yield Violation(message, found.pointer)


@rule("DOI002", "doi-prefix-invalid", severity="error", fix="unsafe", reads=("doi",))
def doi_prefix_invalid(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI prefix is not `10.` followed by a registrant code of four or more digits.

    ## What it does
    Reports a DOI whose part before the first slash is not `10.` + 4 to 9 digits (with
    optional `.digits` subdivisions): a letter for a digit (`10.320l/eid1408.071304`), a
    comma for the dot, spaces inside the prefix or after its slash (`10. 1016/...`,
    `10.1016/ S0140...`), or a too short registrant code (`10.123/x`). Short DOIs
    (`10/gfzxgh`) are DOI001's; a value with no `10` prefix at all is not a DOI (DOI001).

    ## Why is this bad?
    The prefix names the registrant; a malformed one resolves nowhere (CrossRef/rest-api-doc
    #62, #100 show such values deposited and served) and never matches the real DOI.

    ## Example
    ```json
    {"doi": "10.320l/eid1408.071304"}
    ```
    Use instead:
    ```json
    {"doi": "10.3201/eid1408.071304"}
    ```

    ## Fix
    Unsafe: removes spaces inside the prefix and after its slash, and reads `l`/`I` as `1`,
    `O`/`o` as `0` and `,` as `.` in the prefix, when the result is a valid prefix. A judgement
    (the registry can confirm it), so it needs `--unsafe-fixes`. No fix for a prefix that
    cannot be read.
    """
    yield from _violations(record, "DOI002", "Repair the DOI prefix", unsafe=True)


@rule("DOI003", "doi-resolver-prefix", severity="warning", fix="safe", reads=("doi",))
def doi_resolver_prefix(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI field holds a resolver URL or a scheme prefix instead of the bare DOI.

    ## What it does
    Reports a DOI stored with `https://doi.org/`, `http://dx.doi.org/`, `doi.org/`,
    `hdl.handle.net/`, `doi:`, `DOI: `, `DOI 10.…`, `info:doi/` or `urn:doi:` in front. For a
    shape that keeps its DOI as a URL by convention (`doi-as-url`: OpenAlex's
    `https://doi.org/10.…`), a resolver URL is the form, and only the scheme prefixes
    (`doi:`, `info:doi/`, `urn:doi:`) are reported; an old resolver host there is DOI011's.

    ## Why is this bad?
    The DOI field is the identifier, not a link (Crossref's display guidelines put the link
    in its own field). Prefixed values compare unequal to the bare DOI, so exact-match
    deduplication (bibtex-tidy's, for one) misses them, and link builders produce
    `https://doi.org/https://doi.org/10.…`.

    ## Example
    ```json
    {"doi": "https://doi.org/10.1177/15266028251361770"}
    ```
    Use instead:
    ```json
    {"doi": "10.1177/15266028251361770"}
    ```

    ## Fix
    Safe: removes the prefix, leaving the bare DOI as written (case kept); in a `doi-as-url`
    shape, writes `https://doi.org/` + the bare DOI.
    """
    yield from _violations(record, "DOI003", "Store the bare DOI")


@rule("DOI004", "doi-whitespace", severity="warning", fix="safe", reads=("doi",))
def doi_whitespace(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI has whitespace around it, or invisible characters inside.

    ## What it does
    Reports leading or trailing whitespace (spaces, tabs, newlines, no-break spaces) and,
    anywhere in the value, invisible characters: zero-width space U+200B, zero-width
    (non-)joiners, word joiner U+2060, byte-order mark U+FEFF, soft hyphen U+00AD,
    direction marks, control characters and no-break spaces. Ordinary spaces inside the
    value are DOI002's (in the prefix) or DOI007's (between values).

    ## Why is this bad?
    The characters are invisible in every display, yet `"10.1/x "` and `"10.1/x\\u200b"`
    are different strings from `10.1/x`: exact matching and deduplication fail, and links
    built from them break or resolve to an error page.

    ## Example
    ```json
    {"doi": " 10.1177/15266028251361770\\u200b"}
    ```
    Use instead:
    ```json
    {"doi": "10.1177/15266028251361770"}
    ```

    ## Fix
    Safe: strips the surrounding whitespace and removes the invisible characters.
    """
    yield from _violations(record, "DOI004", "Remove the whitespace and invisible characters")


@rule("DOI005", "doi-trailing-punctuation", severity="warning", fix="unsafe", reads=("doi",))
def doi_trailing_punctuation(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI ends with punctuation, an unbalanced bracket, or is enclosed in brackets.

    ## What it does
    Reports a DOI ending with `.`, `,`, `;` or `:`, or with a `)`, `]` or `>` that closes
    nothing (`10.1016/S0140-6736(20)30183-5)`), and a DOI enclosed in brackets or quotes
    (`(10.1/x)`, `"10.1/x"`, `<10.1/x>`). Balanced brackets inside a DOI are its own
    (`10.1016/S0140-6736(20)30183-5`, Wiley SICIs). Quiet for the registration agency's
    own records (`doi-registered`), whose DOI is registered as written.

    ## Why is this bad?
    The punctuation comes from the sentence or the reference list the DOI was copied out
    of, and the resolver treats it as part of the DOI: the link is dead and the value never
    matches the real DOI.

    ## Example
    ```json
    {"doi": "10.1177/15266028251361770."}
    ```
    Use instead:
    ```json
    {"doi": "10.1177/15266028251361770"}
    ```

    ## Fix
    Unsafe: removes the trailing characters or the enclosing pair. A few registered DOIs do
    end with a `.` or `)`, so only the registry can confirm it.
    """
    yield from _violations(record, "DOI005", "Remove the punctuation", unsafe=True)


@rule("DOI006", "doi-encoded", severity="warning", fix="safe", reads=("doi",))
def doi_encoded(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI is percent-encoded or HTML-escaped.

    ## What it does
    Reports a DOI holding URL percent-encoding (`10.1177%2F15266028251361770`,
    `10.1002/%28SICI%29…`) or HTML character references (`&lt;`, `&gt;`, `&amp;`, `&#59;`).
    For a shape that keeps its DOI as a URL (`doi-as-url`), percent-encoding is the URL's own
    business and only an encoded first slash (`https://doi.org/10.1177%2F…`) is reported.

    ## Why is this bad?
    The encoding belongs to the URL or the HTML page the value was taken from, not to the
    identifier: `10.1177%2F…` is no DOI at all (it has no slash), and escaped values never
    match the same DOI written plainly.

    ## Example
    ```json
    {"doi": "10.1177%2F15266028251361770"}
    ```
    Use instead:
    ```json
    {"doi": "10.1177/15266028251361770"}
    ```

    ## Fix
    Safe: decodes the value (percent-encoding as UTF-8, HTML references once) when the
    result is a DOI. A value whose decoding is no DOI is reported without a fix.
    """
    yield from _violations(record, "DOI006", "Decode the DOI")


@rule("DOI007", "doi-multiple-values", severity="error", fix="unsafe", reads=("doi",))
def doi_multiple_values(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI field holds more than one value: several DOIs, or the DOI and more text.

    ## What it does
    Reports a DOI followed by whitespace and more text (`10.31857/S0026898423030163, EDN:
    CHWIKZ`, PubMed's `10.1016/j.x.2020.01.001 [doi]`), and two DOIs joined by a comma, a
    semicolon or a bar (`10.1/a, 10.1/b`). Semicolons inside a DOI (`…3.0.CO;2-E`) are the
    DOI's own.

    ## Why is this bad?
    A DOI has no spaces, so the whole value resolves nowhere; a consumer that takes it as
    one identifier links and deduplicates on garbage (allenai/s2-folks#118 shows such
    values served by an API).

    ## Example
    ```json
    {"doi": "10.31857/S0026898423030163, EDN: CHWIKZ"}
    ```
    Use instead:
    ```json
    {"doi": "10.31857/S0026898423030163"}
    ```

    ## Fix
    Unsafe: keeps the first value when it is a DOI. The rest may be a second identifier
    worth keeping elsewhere, so it needs `--unsafe-fixes` and a look.
    """
    yield from _violations(record, "DOI007", "Keep the first DOI", unsafe=True)


@rule("DOI009", "doi-placeholder", severity="error", reads=("doi",))
def doi_placeholder(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI is a placeholder or has been cut short.

    ## What it does
    Reports placeholder values (`n/a`, `none`, `-`, `unknown`, `tbd`, `10.xxxx/...`,
    `10.1177/xxxxx`, `10.1000/0000`), a prefix without a suffix (`10.1177`, `10.1177/`), and
    suffixes that lost their article part: an ISSN alone (`10.1177/1526-6028`, or for SAGE
    and Taylor & Francis, whose DOIs start with the ISSN, `10.1177/15266028`), or a journal
    code alone (`10.21105/joss`, `10.1371/journal.pone`). Quiet for the registration agency's
    own records (`doi-registered`).

    ## Why is this bad?
    Such a value looks like an identifier but names no work, or the journal instead of the
    article (openjournals/joss-papers#5717): links go to an error page or to the wrong
    place, and every record with the same placeholder looks like a duplicate of the others.

    ## Example
    ```json
    {"doi": "10.21105/joss"}
    ```
    Use instead:
    ```json
    {"doi": "10.21105/joss.05717"}
    ```

    ## Fix
    None: the missing part cannot be guessed. Look the DOI up, or set the field to null.
    """
    yield from _violations(record, "DOI009", "")


@rule("DOI010", "doi-lookalike-characters", severity="error", fix="unsafe", reads=("doi",))
def doi_lookalike_characters(record: Record, ctx: Context) -> Iterator[Violation]:
    """The DOI contains non-ASCII characters that imitate ASCII ones.

    ## What it does
    Reports en and em dashes, the minus sign and Unicode hyphens where `-` belongs, fraction
    and division slashes, fullwidth forms (`１０.１１７７／…`), ideographic full stops, and
    Cyrillic or Greek letters that look Latin (`а`, `е`, `о`, `р`, `с`, `Α`, `Ο`...). Other
    non-ASCII characters are legal in a DOI and are not reported. Quiet for the registration
    agency's own records (`doi-registered`).

    ## Why is this bad?
    DOIs compare by ASCII case folding only (DOI Handbook): `10.1000/abc–123` with an en
    dash is a different DOI from `10.1000/abc-123`, so it resolves nowhere and never matches.
    Such characters come from word processors (auto-replaced hyphens), PDF extraction and
    East Asian input methods.

    ## Example
    ```json
    {"doi": "10.1000/abc–123"}
    ```
    Use instead:
    ```json
    {"doi": "10.1000/abc-123"}
    ```

    ## Fix
    Unsafe: replaces each look-alike with the ASCII character it imitates. Almost always
    right, but a DOI may legally hold any Unicode character, so the registry has the last
    word.
    """
    yield from _violations(record, "DOI010", "Replace the look-alike characters", unsafe=True)


def _own_doi_url(record: Record, url: str) -> bool:
    """Whether ``url`` (a https://doi.org/ URL) is the URL of the record's own DOI."""
    doi = record.value("doi")
    return isinstance(doi, str) and doi_key(url) == doi_key(doi)


@rule("DOI011", "doi-url-legacy", severity="info", fix="safe",
      reads=("doi", "doi_url", "landing_url", "url"))
def doi_url_legacy(record: Record, ctx: Context) -> Iterator[Violation]:
    """A DOI URL uses `http://` or the old `dx.doi.org` / `www.doi.org` host.

    ## What it does
    Checks the DOI URL field (the aggregator's `DOIUrl`, Crossref's `URL`), the landing and
    URL fields, and the DOI field of a shape that keeps the DOI as a URL (`doi-as-url`:
    OpenAlex), and reports a value starting with `http://doi.org/`, `http://dx.doi.org/`,
    `https://dx.doi.org/` or `(https|http)://www.doi.org/`. Where the registry writes the
    DOI URL field itself (profile convention `registry-doi-url`: Crossref's `URL`, which was
    `http://dx.doi.org/` + DOI in responses of its older API), that field holding the
    record's own DOI is the registry's form at the time and is left alone; the other URL
    fields are still checked.

    ## Why is this bad?
    Crossref's display guidelines ask for `https://doi.org/` + DOI: `http` links are
    redirected (a mixed-content warning on secure pages, one more round trip) and `dx.` is
    a legacy host. Two spellings of one link also defeat exact comparison of URLs.

    ## Example
    ```json
    {"URL": "http://dx.doi.org/10.1037/0003-066x.59.1.29"}
    ```
    Use instead:
    ```json
    {"URL": "https://doi.org/10.1037/0003-066x.59.1.29"}
    ```

    ## Fix
    Safe: rewrites the resolver part to `https://doi.org/` and keeps the rest as written.
    """
    fields = [*URL_FIELDS, "doi"] if record.profile.has(Convention.DOI_AS_URL) else URL_FIELDS
    registry_form = record.profile.has(Convention.REGISTRY_DOI_URL)
    seen: set[str] = set()
    for name in fields:
        found = record.field(name)
        if found is None or found.pointer in seen or not isinstance(found.value, str):
            continue
        seen.add(found.pointer)
        target = canonical_doi_url(found.value)
        if target is None:
            continue
        if registry_form and name == "doi_url" and _own_doi_url(record, target):
            continue
        host = found.value[: len(found.value) - len(target) + len("https://doi.org/")]
        fix = Fix.replace(found.pointer, target, "Use https://doi.org/")
        yield Violation(f"DOI URL uses the legacy resolver {shown(host, 24)}", found.pointer,
                        fix)
