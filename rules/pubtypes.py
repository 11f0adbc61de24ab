"""PT: publication types.

Each profile keeps the work type in its own vocabulary: Semantic Scholar's
`publicationTypes` (`JournalArticle`, `Review`...; the aggregator's `publicationTypes` slot
comes from it), Crossref's `type` (`journal-article`), CSL's `type` (`article-journal`),
OpenAlex's `type` (`article`), DataCite's `resourceTypeGeneral` (`JournalArticle`). PubMed's
publication types (`Journal Article`) are a seventh vocabulary that leaks into the others.
The tables below are the vocabularies and the equivalences between them.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache

import regex

from biblint.domain.doi import strip_doi_prefix
from biblint.domain.show import shown as _shown
from biblint.model import Fix, Violation
from biblint.profiles import Convention, load_schema
from biblint.record import Record
from biblint.registry import Context, rule

PUBMED_TYPES = frozenset({
    "Adaptive Clinical Trial", "Address", "Autobiography", "Bibliography", "Biography",
    "Case Reports", "Classical Article", "Clinical Conference", "Clinical Study",
    "Clinical Trial", "Clinical Trial Protocol", "Clinical Trial, Phase I",
    "Clinical Trial, Phase II", "Clinical Trial, Phase III", "Clinical Trial, Phase IV",
    "Clinical Trial, Veterinary", "Collected Work", "Comment", "Comparative Study", "Congress",
    "Consensus Development Conference", "Consensus Development Conference, NIH",
    "Controlled Clinical Trial", "Corrected and Republished Article", "Dataset", "Dictionary",
    "Directory", "Duplicate Publication", "Editorial", "Electronic Supplementary Materials",
    "English Abstract", "Equivalence Trial", "Evaluation Study", "Expression of Concern",
    "Festschrift", "Government Publication", "Guideline", "Historical Article",
    "Interactive Tutorial", "Interview", "Introductory Journal Article", "Journal Article",
    "Lecture", "Legal Case", "Legislation", "Letter", "Meta-Analysis", "Multicenter Study",
    "News", "Newspaper Article", "Observational Study", "Observational Study, Veterinary",
    "Overall", "Patient Education Handout", "Periodical Index", "Personal Narrative",
    "Portrait", "Practice Guideline", "Pragmatic Clinical Trial", "Preprint",
    "Published Erratum", "Randomized Controlled Trial",
    "Randomized Controlled Trial, Veterinary",
    "Research Support, American Recovery and Reinvestment Act",
    "Research Support, N.I.H., Extramural", "Research Support, N.I.H., Intramural",
    "Research Support, Non-U.S. Gov't", "Research Support, U.S. Gov't, Non-P.H.S.",
    "Research Support, U.S. Gov't, P.H.S.", "Retracted Publication",
    "Retraction of Publication", "Review", "Scientific Integrity Review", "Scoping Review",
    "Systematic Review", "Technical Report", "Twin Study", "Validation Study",
    "Video-Audio Media", "Webcast",
})
"""NLM's PublicationType vocabulary (MEDLINE/PubMed)."""

S2_TYPES = frozenset({
    "Review", "JournalArticle", "CaseReport", "ClinicalTrial", "Conference", "Dataset",
    "Editorial", "LettersAndComments", "MetaAnalysis", "News", "Study", "Book", "BookSection",
})
"""Semantic Scholar's `publicationTypes` vocabulary (Graph API documentation)."""

CROSSREF_TYPES = frozenset({
    "book", "book-chapter", "book-part", "book-section", "book-series", "book-set",
    "book-track", "component", "database", "dataset", "dissertation", "edited-book", "grant",
    "journal", "journal-article", "journal-issue", "journal-volume", "monograph", "other",
    "peer-review", "posted-content", "proceedings", "proceedings-article",
    "proceedings-series", "reference-book", "reference-entry", "report", "report-component",
    "report-series", "standard", "standard-series",
})
"""Crossref's work types (api.crossref.org/types)."""

OPENALEX_TYPES = frozenset({
    "article", "book", "book-chapter", "conference-paper", "dataset", "dissertation",
    "editorial", "erratum", "grant", "letter", "libguides", "other", "paratext", "peer-review",
    "preprint", "reference-entry", "report", "retraction", "review", "standard",
    "supplementary-materials",
})
"""OpenAlex's work types (since mid-2023; older records used Crossref's, see `host_venue`)."""

DATACITE_TYPES = frozenset({
    "Audiovisual", "Award", "Book", "BookChapter", "Collection", "ComputationalNotebook",
    "ConferencePaper", "ConferenceProceeding", "DataPaper", "Dataset", "Dissertation", "Event",
    "Film", "Image", "Instrument", "InteractiveResource", "Journal", "JournalArticle", "Model",
    "OutputManagementPlan", "PeerReview", "PhysicalObject", "Preprint", "Project", "Report",
    "Service", "Software", "Sound", "Standard", "StudyRegistration", "Text", "Workflow",
    "Other",
})
"""DataCite's `resourceTypeGeneral` (schema 4.6; `Film` from schema 3)."""


@cache
def csl_types() -> frozenset[str]:
    """CSL's `type` vocabulary, from the bundled csl-data schema."""
    enum: list[str] = load_schema("csl-data.json")["items"]["properties"]["type"]["enum"]
    return frozenset(enum)


VOCABULARY_NAMES = {
    "pubmed": "PubMed", "s2": "Semantic Scholar", "crossref": "Crossref", "csl": "CSL",
    "openalex": "OpenAlex", "datacite": "DataCite",
}


def vocabulary(name: str) -> frozenset[str]:
    """The type vocabulary called ``name`` (``pubmed``, ``s2``, ``crossref``, ``csl``,
    ``openalex``, ``datacite``)."""
    if name == "csl":
        return csl_types()
    return {
        "pubmed": PUBMED_TYPES, "s2": S2_TYPES, "crossref": CROSSREF_TYPES,
        "openalex": OPENALEX_TYPES, "datacite": DATACITE_TYPES,
    }[name]


# The same kind of work in each vocabulary that has a term for it (exact equivalents only).
EQUIVALENTS: tuple[Mapping[str, str], ...] = (
    {"pubmed": "Journal Article", "s2": "JournalArticle", "crossref": "journal-article",
     "csl": "article-journal", "openalex": "article", "datacite": "JournalArticle"},
    {"pubmed": "Review", "s2": "Review", "openalex": "review"},
    {"pubmed": "Case Reports", "s2": "CaseReport"},
    {"pubmed": "Clinical Trial", "s2": "ClinicalTrial"},
    {"pubmed": "Meta-Analysis", "s2": "MetaAnalysis"},
    {"pubmed": "Editorial", "s2": "Editorial", "openalex": "editorial"},
    {"pubmed": "News", "s2": "News"},
    {"pubmed": "Dataset", "s2": "Dataset", "crossref": "dataset", "csl": "dataset",
     "openalex": "dataset", "datacite": "Dataset"},
    {"s2": "Book", "crossref": "book", "csl": "book", "openalex": "book", "datacite": "Book"},
    {"s2": "BookSection", "crossref": "book-chapter", "csl": "chapter",
     "openalex": "book-chapter", "datacite": "BookChapter"},
    {"s2": "Conference", "crossref": "proceedings-article", "csl": "paper-conference",
     "datacite": "ConferencePaper"},
    {"pubmed": "Preprint", "openalex": "preprint", "datacite": "Preprint"},
    {"crossref": "dissertation", "csl": "thesis", "openalex": "dissertation",
     "datacite": "Dissertation"},
    {"pubmed": "Technical Report", "crossref": "report", "csl": "report", "openalex": "report",
     "datacite": "Report"},
    {"crossref": "standard", "csl": "standard", "openalex": "standard", "datacite": "Standard"},
    {"crossref": "peer-review", "openalex": "peer-review", "datacite": "PeerReview"},
    {"pubmed": "Letter", "openalex": "letter"},
    {"pubmed": "Published Erratum", "openalex": "erratum"},
    {"pubmed": "Retraction of Publication", "openalex": "retraction"},
    {"crossref": "reference-entry", "csl": "entry", "openalex": "reference-entry"},
    {"csl": "software", "datacite": "Software"},
)
"""Exact equivalents between vocabularies: PT001's safe fix maps a term through them."""

BROADER_S2: Mapping[str, str] = {
    "Letter": "LettersAndComments", "Comment": "LettersAndComments",
    "Systematic Review": "Review", "Scoping Review": "Review",
    "Randomized Controlled Trial": "ClinicalTrial", "Controlled Clinical Trial": "ClinicalTrial",
    "Clinical Trial, Phase I": "ClinicalTrial", "Clinical Trial, Phase II": "ClinicalTrial",
    "Clinical Trial, Phase III": "ClinicalTrial", "Clinical Trial, Phase IV": "ClinicalTrial",
    "Pragmatic Clinical Trial": "ClinicalTrial", "Adaptive Clinical Trial": "ClinicalTrial",
    "Equivalence Trial": "ClinicalTrial", "Observational Study": "Study",
    "Comparative Study": "Study", "Multicenter Study": "Study", "Evaluation Study": "Study",
    "Validation Study": "Study", "Twin Study": "Study",
}
"""PubMed terms with only a broader Semantic Scholar term: PT001's unsafe fix (precision is
lost)."""

_KEY_RE = regex.compile(r"[^a-z0-9]++")


def _key(term: str) -> str:
    return _KEY_RE.sub("", term.lower())


@cache
def _spellings(name: str) -> Mapping[str, str]:
    """Vocabulary ``name`` by spelling key (case and separators ignored) -> its term."""
    return {_key(term): term for term in vocabulary(name)}




def _type_values(record: Record, name: str) -> Iterator[tuple[str, str]]:
    """(pointer, value) of each string in the canonical type field ``name``."""
    found = record.field(name)
    if found is None:
        return
    if isinstance(found.value, str):
        if found.value.strip():
            yield found.pointer, found.value
    elif isinstance(found.value, list):
        for index, item in enumerate(found.value):
            if isinstance(item, str) and item.strip():
                yield f"{found.pointer}/{index}", item


def _mapped(value: str, target: str) -> tuple[str | None, str, bool] | None:
    """(term, source vocabulary, safe) for a value of another vocabulary (term None when
    the target vocabulary has no equivalent), or None for a value of no vocabulary."""
    for source in VOCABULARY_NAMES:
        if source == target or value not in vocabulary(source):
            continue
        for group in EQUIVALENTS:
            if group.get(source) == value and target in group:
                return group[target], source, True
        if source == "pubmed" and target == "s2" and value in BROADER_S2:
            return BROADER_S2[value], source, False
        return None, source, False
    return None


@cache
def _targets(target: str) -> tuple[tuple[str, ...], frozenset[str]]:
    """The vocabularies a ``+``-joined target names, and their terms together (built once
    per target, not per record)."""
    targets = tuple(target.split("+"))
    return targets, frozenset().union(*(vocabulary(t) for t in targets))


def _expected_vocabulary(record: Record) -> tuple[str, str] | None:
    profile = record.profile
    if profile.type_vocabulary is None:
        return None
    data = record.data
    if (profile.has(Convention.LEGACY_CROSSREF_TYPES) and isinstance(data, dict)
            and "host_venue" in data):
        return profile.type_field, "openalex+crossref"  # OpenAlex before mid-2023
    return profile.type_field, profile.type_vocabulary


# Reads the shape's type field (`type` or `publication_types`) and nothing without it (an
# OpenAlex record's `host_venue` only widens the vocabulary): gated on the two.
@rule("PT001", "publication-type-vocabulary", severity="warning", fix="safe",
      reads=("publication_types", "type"))
def publication_type_vocabulary(record: Record, ctx: Context) -> Iterator[Violation]:
    """A work type is not a term of the vocabulary its shape uses.

    ## What it does
    Checks the work type against its shape's vocabulary: Semantic Scholar's
    `publicationTypes` (also the aggregator's, which is built on it), Crossref's, CSL's,
    OpenAlex's and DataCite's `type` (see the tables in `biblint.rules.pubtypes`). Reports a
    term of another vocabulary (PubMed's `"Journal Article"` where Semantic Scholar's
    `JournalArticle` belongs, Crossref's `journal-article` in a CSL item), a misspelt term
    (`"journal_article"`, `"legal-case"`), and a value that belongs to no vocabulary.
    OpenAlex records in the old shape (with `host_venue`) may use Crossref's types.

    ## Why is this bad?
    Filters and mappings compare type values exactly. A foreign term is silently dropped
    by a consumer that expects the shape's vocabulary (a CSL processor falls back to a
    generic style for `journal-article`), and mixing vocabularies in one dataset splits one
    kind of work into several.

    ## Example
    ```json
    {"publicationTypes": ["Journal Article"]}
    ```
    Use instead:
    ```json
    {"publicationTypes": ["JournalArticle"]}
    ```

    ## Fix
    Safe when the term has an exact equivalent in the expected vocabulary (PubMed `Journal
    Article` = Semantic Scholar `JournalArticle` = Crossref `journal-article` = CSL
    `article-journal` = OpenAlex `article` = DataCite `JournalArticle`, and so on for
    reviews, case reports, books, chapters, datasets...) or differs from a term only in case
    and separators. Unsafe when the expected vocabulary has only a broader term (PubMed
    `Randomized Controlled Trial` -> Semantic Scholar `ClinicalTrial`, `Letter` ->
    `LettersAndComments`). No fix otherwise.
    """
    expected = _expected_vocabulary(record)
    if expected is None:
        return
    name, target = expected
    targets, known = _targets(target)
    label = VOCABULARY_NAMES[targets[0]]
    for pointer, value in _type_values(record, name):
        if value in known:
            continue
        fix: Fix | None = None
        mapped = _mapped(value, targets[0])
        if mapped is not None:
            term, source, safe = mapped
            message = f"{VOCABULARY_NAMES[source]} type {_shown(value)} where a {label} type " \
                      f"is expected"
            if term is not None:
                fix = Fix.replace(pointer, term, f"Use the {label} type {_shown(term)}",
                                  unsafe=not safe)
        else:
            term = _spellings(targets[0]).get(_key(value))
            if term is not None:
                message = (f"type {_shown(value)} is a misspelling of the {label} type "
                           f"{_shown(term)}")
                fix = Fix.replace(pointer, term, f"Write the type as {_shown(term)}")
            else:
                message = f"type {_shown(value)} is not a {label} type"
        yield Violation(message, pointer, fix)


REVIEW_TERMS = frozenset({"Review", "Systematic Review", "Scoping Review", "Meta-Analysis",
                          "MetaAnalysis", "review"})
CASE_REPORT_TERMS = frozenset({"Case Reports", "CaseReport"})
# Profile -> the claims its vocabulary can express.
_REVIEW_KINDS = (r"(?:(?:systematic|scoping|narrative|literature|critical|comprehensive|umbrella"
                 r"|integrative|rapid|mini|brief|short|updated|state-of-the-art)[\s-]++){0,2}+")
_ABSTRACT_REVIEW_RE = regex.compile(
    r"\b(?:this|the\s++present|the\s++current|our|in\s++this)\s++" + _REVIEW_KINDS
    + r"(?:review|meta-analysis)\b"
    r"(?!\s++(?:of\s++(?:the\s++)?(?:\p{L}++\s++)?(?:records?|charts?|files?|cases?|"
    r"notes?|databases?|registr(?:y|ies))|board|process|committee|panel|period)\b)"
    r"|\b(?:here,?\s++)?we\s++(?:briefly\s++|critically\s++|systematically\s++)?review\s++"
    r"(?:the|recent|current|existing|available|what|how|key)\b",
    regex.IGNORECASE,
)
_TITLE_REVIEW_RE = regex.compile(
    r"(?:^|[:.?]\s*+|[-–—]\s++)(?:an?\s++)?" + _REVIEW_KINDS
    + r"(?:review|meta-analysis|overview)\b(?!\s++(?:board|process|committee)\b)",
    regex.IGNORECASE,
)
_CASE_REPORT_RE = regex.compile(
    r"(?:^|[:.?]\s*+|[-–—]\s++)(?:an?\s++)?(?:rare\s++|unusual\s++)?case\s++report\b"
    r"|\bwe\s++(?:report|present|describe)\s++(?:a|an|the)\s++(?:rare\s++|unusual\s++|"
    r"unique\s++|novel\s++)?case\s++of\b",
    regex.IGNORECASE,
)


def _claim(record: Record, kind: str) -> tuple[str, str] | None:
    """(where, the words) when the title or abstract says the work is a ``kind``."""
    for where, text, lower in record.memo("pubtypes.claim_texts", _claim_texts):
        if kind == "review":
            pattern = _TITLE_REVIEW_RE if where == "title" else _ABSTRACT_REVIEW_RE
        else:
            pattern = _CASE_REPORT_RE
        if lower is not None:
            if not _could_claim(lower, kind):
                continue
            if pattern is _ABSTRACT_REVIEW_RE:
                match = _review_claim(text, lower)
                if match is not None:
                    return where, match.group().strip(" :.?-–—")
                continue
        match = pattern.search(text)
        if match is not None:
            return where, match.group().strip(" :.?-–—")
    return None


def _claim_texts(record: Record) -> list[tuple[str, str, str | None]]:
    """(where, text, its lower case when ASCII) of the title and the abstract: both claim
    kinds read them."""
    texts = []
    for where in ("title", "abstract"):
        text = record.value(where)
        if isinstance(text, str):
            texts.append((where, text, text.lower() if text.isascii() else None))
    return texts


_CLAIM_BREAK_RE = regex.compile(r"[^\w\s,-]", regex.REVERSE)
_CLAIM_START_RE = regex.compile(r"\b(?:this|the|our|in|here|we)\b", regex.IGNORECASE)
_REVIEW_WORDS = ("review", "meta-analysis")


def _review_claim(text: str, lower: str) -> regex.Match[str] | None:
    """``_ABSTRACT_REVIEW_RE.search(text)`` for an ASCII ``text`` (``lower`` its lower case),
    trying the pattern only where a match can start.

    Why it finds the same first match: every match holds `review` or `meta-analysis`, and
    what it spells before that word (`this`, `the present`, `in this`, `here, we`, the review
    kinds, `briefly`...) is word characters, whitespace, `-` and `,` only, starting with one
    of the words of :data:`_CLAIM_START_RE` at a word boundary. So a match starts at such a
    word between the last other character before an occurrence of the two words and that
    occurrence; those places are tried in order, and the first that matches is where the
    search would have stopped (``match`` at a position sees the characters before it, as the
    search does, so ``\b`` is judged the same).
    """
    pattern = _ABSTRACT_REVIEW_RE
    done = 0  # candidates before this have been tried
    for word in _REVIEW_WORDS:
        if word in lower:
            break
    else:
        return None
    for found in _occurrences(lower):
        if not _may_end_claim(lower, found):
            done = found  # no match ends here, nor starts before here and ends later
            continue
        brk = _CLAIM_BREAK_RE.search(text, done, found)
        begin = max(done, 0 if brk is None else brk.end())
        for start in _CLAIM_START_RE.finditer(text, begin, found):
            match = pattern.match(text, start.start())
            if match is not None:
                return match
        done = found
    return None


_CLAIM_SEPARATORS = " \t\n\v\f\r\x1c\x1d\x1e\x1f-"
"""What :data:`_ABSTRACT_REVIEW_RE` spells between the word before `review` or
`meta-analysis` and it (``[\\s-]``, on ASCII text; with \\x1c-\\x1f, which ``\\s`` does not
match: more is stripped, never less)."""
_WORDS_BEFORE_CLAIM = frozenset({
    "this", "present", "current", "our", "we", "briefly", "critically", "systematically",
    "systematic", "scoping", "narrative", "literature", "critical", "comprehensive",
    "umbrella", "integrative", "rapid", "mini", "brief", "short", "updated", "art",
})
"""The words that can stand right before `review` or `meta-analysis` in a match of
:data:`_ABSTRACT_REVIEW_RE`: the last word of its openings (`this`, `the present`, `the
current`, `our`, `in this`, `we`, `we briefly`...) and of its review kinds (`art` of
`state-of-the-art`); at most 14 letters."""
_NOT_LETTER = str.maketrans({c: " " for c in map(chr, range(128)) if not c.isalpha()})


def _may_end_claim(lower: str, found: int) -> bool:
    """Whether a match of :data:`_ABSTRACT_REVIEW_RE` can end in the `review` or
    `meta-analysis` at ``found`` of the lower-cased ASCII ``lower``: every match spells
    ``[\\s-]++`` and, before that, a word of :data:`_WORDS_BEFORE_CLAIM` preceded by no
    letter (a `\\b`, a space or a hyphen). Most occurrences in a text about reviews follow
    another word, and are set aside without a regular expression."""
    head = lower[max(0, found - 32):found]
    stripped = head.rstrip(_CLAIM_SEPARATORS)
    if len(stripped) == len(head):
        return False  # no separator before the word
    if len(stripped) < 15 < found:  # a long run of separators: look further back
        stripped = lower[:found].rstrip(_CLAIM_SEPARATORS)
    tail = stripped[-15:]  # a run of 15 letters is longer than every word of the set
    if not tail[-1:].isalpha():
        return False
    return tail.translate(_NOT_LETTER).rsplit(None, 1)[-1] in _WORDS_BEFORE_CLAIM


def _occurrences(lower: str) -> list[int]:
    """Where `review` and `meta-analysis` occur in ``lower``, in order."""
    found = []
    for word in _REVIEW_WORDS:
        at = lower.find(word)
        while at >= 0:
            found.append(at)
            at = lower.find(word, at + 1)
    return sorted(found)


def _could_claim(lower: str, kind: str) -> bool:
    """Whether the lower-cased ASCII ``lower`` holds the word every match of the claim's
    patterns spells out (`review`, `overview` or `meta-analysis`; `case`): most texts do
    not, and the case-insensitive patterns are slow to run over a whole abstract. On ASCII
    text the patterns' case-insensitive letters are exactly the lower-cased ones."""
    if kind == "review":
        return "view" in lower or "meta-analysis" in lower  # review, overview
    return "case" in lower


@rule("PT002", "publication-type-contradicts-text", severity="warning",
      reads=("abstract", "publication_types", "title", "type"))
def publication_type_contradicts_text(record: Record, ctx: Context) -> Iterator[Violation]:
    """The title or abstract says the work is a review or a case report; its types do not.

    ## What it does
    For shapes whose type vocabulary can say it (Semantic Scholar and the aggregator:
    `Review`, `MetaAnalysis`, `CaseReport`; OpenAlex: `review`), reports a record whose
    types lack the kind of work its own text claims:

    - a review or meta-analysis: the abstract speaks of "this review", "in this systematic
      review", "the present meta-analysis", "we review the ...", or the title ends in
      ": a systematic review" (a retrospective review of records or charts, a review board
      and the review process do not count);
    - a case report: "a case report" in the title, or "we report a case of" in the
      abstract.

    A record with no types at all is not reported, nor an OpenAlex work whose single type
    is anything but `article` (a review published as a book chapter is a `book-chapter`).

    ## Why is this bad?
    Reviews and case reports are filtered in or out of evidence syntheses, citation
    analyses and reading lists by their type. Typed as plain journal articles, they slip
    into counts of original research and out of searches for reviews.

    ## Example
    ```json
    {"abstract": "This review aims to summarize ...", "publicationTypes": ["JournalArticle"]}
    ```
    Use instead:
    ```json
    {"abstract": "This review aims to summarize ...",
     "publicationTypes": ["JournalArticle", "Review"]}
    ```

    ## Fix
    None: the text may describe the field rather than the work; a person decides.
    """
    claims = record.profile.type_claims
    if not claims or record.profile.type_vocabulary is None:
        return
    name = record.profile.type_field
    found = record.field(name)
    types = [value for _, value in _type_values(record, name)]
    if found is None or not types:
        return
    if record.profile.has(Convention.SINGLE_TYPE) and types != ["article"]:
        return  # one type per work: a review typed as a book chapter is a chapter
    for kind in claims:
        terms = REVIEW_TERMS if kind == "review" else CASE_REPORT_TERMS
        if terms.intersection(types):
            continue
        claim = _claim(record, kind)
        if claim is not None:
            where, words = claim
            yield Violation(f"{where} says {_shown(words, 30)} but the types lack "
                            f"{'Review' if kind == 'review' else 'CaseReport'}", found.pointer)


ARTICLE_TERMS = frozenset({"JournalArticle", "Journal Article", "article", "journal-article",
                           "article-journal"})
"""Plain research-article types, in every vocabulary."""

NOTICE_TITLES: Mapping[str, regex.Pattern[str]] = {
    "erratum": regex.compile(
        r"(?:errat(?:um|a)|corrigend(?:um|a)|correction(?:\s++to)?|publisher\s*+correction|"
        r"author\s*+correction|notice\s++of\s++correction)\b\s*+(?:[:.\-–—]|to\b|$)",
        regex.IGNORECASE),
    "retraction": regex.compile(
        r"(?:retraction(?:\s++(?:note|notice|statement))?|notice\s++of\s++retraction)\b"
        r"\s*+(?:[:.\-–—]|of\b|$)",
        regex.IGNORECASE),
    "comment": regex.compile(
        r"(?:comment(?:ary)?\s++on|reply\s++to|in\s++reply|authors?'?\s++reply|re\s*+:)",
        regex.IGNORECASE),
}
"""Title prefixes of notices: errata, retractions, comments and replies."""

NOTICE_TYPES: Mapping[str, Mapping[str, frozenset[str]]] = {
    "erratum": {"pubmed": frozenset({"Published Erratum"}),
                "openalex": frozenset({"erratum"})},
    "retraction": {"pubmed": frozenset({"Retraction of Publication"}),
                   "openalex": frozenset({"retraction"})},
    "comment": {"pubmed": frozenset({"Comment", "Letter"}),
                "s2": frozenset({"LettersAndComments"}),
                "openalex": frozenset({"letter", "editorial"})},
}
"""Notice kind -> vocabulary -> the types that say it. Crossref, CSL and DataCite have none:
a notice typed as an article is as right as those vocabularies allow."""


@rule("PT003", "notice-typed-as-article", severity="warning",
      reads=("publication_types", "title", "type"))
def notice_typed_as_article(record: Record, ctx: Context) -> Iterator[Violation]:
    """An erratum, retraction notice or comment is typed as a research article.

    ## What it does
    Reports a record whose title starts as a notice (`Erratum`, `Corrigendum`,
    `Correction to ...`, `Publisher Correction`, `Retraction: ...`, `Retraction Note`,
    `Notice of Retraction`, `Comment on ...`, `Reply to ...`, `In reply`) while its types
    are a plain article (`JournalArticle`, `Journal Article`, OpenAlex `article`) and none of
    the notice types its vocabulary has: PubMed `Published Erratum`, `Retraction of
    Publication`, `Comment`, `Letter`; Semantic Scholar `LettersAndComments`; OpenAlex
    `erratum`, `retraction`, `letter`. Crossref, CSL and DataCite have no such types and
    are not checked; a title beginning "Retracted:" marks a retracted article, not a notice.

    ## Why is this bad?
    Notices are not research: typed as articles they inflate publication and citation
    counts, appear in searches for original work, and, for retractions, can be mistaken for
    the retracted paper itself.

    ## Example
    ```json
    {"id": "https://openalex.org/W1", "title": "Correction to: Wharton's jelly MSCs",
     "type": "article"}
    ```
    Use instead:
    ```json
    {"id": "https://openalex.org/W1", "title": "Correction to: Wharton's jelly MSCs",
     "type": "erratum"}
    ```

    ## Fix
    None: the notice type has to be set from the source.
    """
    if record.profile.type_vocabulary is None or not record.profile.has(Convention.INFERRED_TYPES):
        return
    title = record.value("title")
    if not isinstance(title, str):
        return
    name = record.profile.type_field
    types = [value for _, value in _type_values(record, name)]
    if not ARTICLE_TERMS.intersection(types):
        return
    stripped = title.strip().lstrip("[")
    for kind, pattern in NOTICE_TITLES.items():
        if not pattern.match(stripped):
            continue
        by_vocabulary = NOTICE_TYPES[kind]
        in_use = {source for source in VOCABULARY_NAMES
                  if any(t in vocabulary(source) for t in types)}
        usable = [terms for source, terms in by_vocabulary.items() if source in in_use]
        if not usable or any(terms.intersection(types) for terms in usable):
            return
        found = record.field(name)
        pointer = found.pointer if found is not None else ""
        yield Violation(f"title {_shown(title, 30)} reads as a notice ({kind}) but the "
                        f"types say article", pointer)
        return


PREPRINT_PREFIXES = ("10.21203/", "10.48550/", "10.2139/", "10.20944/", "10.31234/",
                     "10.31219/", "10.26434/", "10.31235/", "10.31222/", "10.36227/",
                     "10.22541/", "10.32388/")
"""DOI prefixes of preprint servers: Research Square, arXiv, SSRN, Preprints.org, PsyArXiv,
OSF Preprints, ChemRxiv, SocArXiv, MetaArXiv, TechRxiv, Authorea, Qeios."""
_BIORXIV_RE = regex.compile(r"10\.1101/(?:[0-9]{4}\.[0-9]{2}\.[0-9]{2}\.[0-9]++|[0-9]{6})"
                            r"(?:v[0-9]++)?\Z")
_PREPRINT_VENUE_RE = regex.compile(
    r"rxiv|research\s*+square|ssrn|social\s++science\s++research\s++network|preprint|"
    r"\bosf\b|open\s++science\s++framework|cold\s++spring\s++harbor|authorea|qeios|"
    r"zenodo|figshare|ejournal|\(topic\)|^[A-Z]{2,6}+:\s",
    regex.IGNORECASE,
)
"""Venue names of preprint servers, and SSRN's subject networks ("ERN: Credit Risk
(Topic)", "... eJournal")."""


def preprint_doi(doi: str) -> bool:
    """Whether a DOI belongs to a preprint server (bioRxiv/medRxiv only with their own
    suffixes: Cold Spring Harbor's journals share the prefix 10.1101)."""
    bare = strip_doi_prefix(doi).lower()
    return bare.startswith(PREPRINT_PREFIXES) or _BIORXIV_RE.fullmatch(bare) is not None


@rule("PT004", "preprint-doi-journal-venue", severity="warning", reads=("container", "doi"))
def preprint_doi_journal_venue(record: Record, ctx: Context) -> Iterator[Violation]:
    """A preprint server's DOI sits in a record that names a journal as its venue.

    ## What it does
    Reports a record whose DOI has a preprint server's prefix (Research Square 10.21203,
    arXiv 10.48550, SSRN 10.2139, Preprints.org 10.20944, PsyArXiv 10.31234, OSF 10.31219,
    ChemRxiv 10.26434, and others; bioRxiv and medRxiv's 10.1101 only with their
    date-style or six-digit suffixes, since Cold Spring Harbor's journals share the prefix)
    while its container names a venue that is no preprint server (anything without
    "arXiv", "bioRxiv", "Research Square", "SSRN", "preprint", "OSF"..., and none of SSRN's
    subject networks such as "ERN: Credit Risk (Topic)" or "... eJournal").

    ## Why is this bad?
    The record merges two versions of a work: the preprint's DOI with the journal's
    venue (allenai/s2-folks#71). Citations then point at the preprint while claiming the
    journal, the version of record is lost, and deduplication sees two works where there
    is one, or one where there are two.

    ## Example
    ```json
    {"DOI": "10.21203/rs.3.rs-123456/v1", "container-title": ["PLOS ONE"],
     "title": ["A study"], "type": "journal-article"}
    ```
    Use instead: the version-of-record DOI with the journal, or the preprint with its
    server as the venue.

    ## Fix
    None: which version the record describes has to be decided at the source.
    """
    doi = record.value("doi")
    if not isinstance(doi, str) or not preprint_doi(doi):
        return
    container = record.field("container")
    if container is None or not isinstance(container.value, str):
        return
    venue = container.value.strip()
    if not venue or _PREPRINT_VENUE_RE.search(venue):
        return
    yield Violation(f"preprint DOI {_shown(strip_doi_prefix(doi), 30)}, but the venue is "
                    f"{_shown(venue, 30)}", container.pointer)


_PREPRINT_SERVER_RE = regex.compile(
    r"rxiv|research\s*+square|\bssrn\b|social\s++science\s++research\s++network|"
    r"\bpreprints?\b|\bosf\b|open\s++science\s++framework|authorea|qeios|zenodo|figshare",
    regex.IGNORECASE,
)
"""Names of preprint servers (arXiv, bioRxiv, medRxiv, ChemRxiv, PsyArXiv, TechRxiv...,
SSRN, Research Square, Preprints.org, OSF): stricter than :data:`_PREPRINT_VENUE_RE`, which
also takes SSRN's subject networks (`"ERN: ..."`) for the preprint side."""


@rule("PT005", "preprint-venue-mismatch", severity="warning", reads=("container", "venue"))
def preprint_venue_mismatch(record: Record, ctx: Context) -> Iterator[Violation]:
    """The record's venue is a preprint server and its journal name a journal, or the
    reverse.

    ## What it does
    For shapes that keep the source's own venue beside the journal name (Semantic
    Scholar's `venue` next to `journal.name`), reports a record where one of the two names
    a preprint server (arXiv, bioRxiv, medRxiv, SSRN, Research Square, Preprints.org,
    OSF...) and the other a venue that is no preprint server: `venue` "arXiv.org" with
    `journal.name` "Nature", or `journal.name` "ArXiv" with `venue` "Conference on
    Empirical Methods in Natural Language Processing". Two spellings of one server
    (`arXiv.org` / `ArXiv`), two names of one journal, and an empty value (`""` is the
    API's "unknown") are not reported.

    ## Why is this bad?
    The record merges a preprint with its published version: the identifiers, dates and
    pages of one sit beside the venue of the other (allenai/s2-folks#71), so citations
    name the wrong version and deduplication against the journal's record fails.

    ## Example
    ```json
    {"venue": "arXiv.org", "journal": {"name": "Nature Communications", "volume": "12"}}
    ```
    Use instead: the venue of the version the record describes in both fields.

    ## Fix
    None: which version the record describes has to be decided at the source.
    """
    venue = record.field("venue")
    journal = record.field("container")
    if venue is None or journal is None or venue.pointer == journal.pointer:
        return
    one, two = venue.value, journal.value
    if not isinstance(one, str) or not isinstance(two, str):
        return
    one, two = one.strip(), two.strip()
    if not one or not two or len(one) > 300 or len(two) > 300:
        return
    one_preprint = _PREPRINT_SERVER_RE.search(one) is not None
    two_preprint = _PREPRINT_SERVER_RE.search(two) is not None
    if one_preprint == two_preprint:
        return
    server, other = (one, two) if one_preprint else (two, one)
    yield Violation(f"preprint server {_shown(server, 30)} beside the venue "
                    f"{_shown(other, 30)}: a preprint merged with its published version",
                    venue.pointer)
