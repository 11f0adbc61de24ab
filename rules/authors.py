"""AUTH: authors."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from typing import Any

import regex

from biblint.domain.casing import is_turkish_caps, lower
from biblint.domain.doi import strip_doi_prefix
from biblint.domain.identifiers import orcid_key
from biblint.domain.names import Author, NamePart, authors_of, name_key
from biblint.domain.show import shown as _shown
from biblint.model import Applicability, Fix, PatchOp, Violation, split_pointer
from biblint.profiles import Convention
from biblint.record import Record
from biblint.registry import RECORD, Context, rule

from .records import is_deleted_doi

# Delimiters between names when there is no `;`: `,` (with an Oxford `, and `), `&`, ` and `.
# The look-behind starts a try only at the start of a run of spaces: linear on long runs.
_COMMA_AND_RE = regex.compile(r"(?<!\s)(?:\s*+[,&]\s*+(?:and\s++)?|\s++and\s++)")
# Anything that separates names: a string holding one is never wrapped as a single name.
_DELIMITER_RE = regex.compile(r"[;,&|\n]|\sand\s")
# An initial: "J", "J.", "JK", "J.-P.", "Ch." is not one (lower-case letters).
_INITIALS_RE = regex.compile(r"(?:\p{Lu}\.?-?){1,3}+")




def split_authors(value: str) -> list[str] | None:
    """The names of a delimited author string, or None when splitting is ambiguous.

    Splits on `;` when there is one, else on `,`, `&` and ` and `. Every name must have at least
    two words and none may be initials only: "Smith, J., Doe, K." (Family, Given pairs) and
    "Smith, John" (one name, inverted) are ambiguous.
    """
    parts = value.split(";") if ";" in value else _COMMA_AND_RE.split(value)
    names = [part for part in map(str.strip, parts) if part]
    if len(names) < 2:
        return None
    for name in names:
        words = name.split()
        if len(words) < 2:
            return None
        ascii_part = name.encode("ascii", "ignore")
        if ascii_part.upper() != ascii_part:
            continue  # an ASCII lower-case letter: its word is no initial (`\p{Lu}` only)
        if all(_INITIALS_RE.fullmatch(w.rstrip(",")) for w in words):
            return None
    return names


@rule("AUTH001", "authors-flattened", severity="error", fix="unsafe", reads=("authors",))
def authors_flattened(record: Record, ctx: Context) -> Iterator[Violation]:
    """The authors field holds one string instead of a list of authors.

    ## What it does
    Reports a non-blank string in the canonical `authors` field, where the record's shape
    keeps a JSON array (one item per author): typically several names joined by `, ` or `;`,
    as in the seed record. Empty and whitespace-only strings are left to TYP002 and TYP003.

    ## Why is this bad?
    Author counts, first-author matching, deduplication and citation formatting all need
    the individual names. A joined string cannot be split back reliably: `"Smith, J., Doe,
    K."` is two inverted names, `"Hao Liang, Bin Zhao"` two direct ones, and tools guess
    differently (bibclean silently corrupted the seed's string; bibtexparser dropped the
    entry).

    ## Example
    ```json
    {"authors": "Hao Liang, Bin Zhao, Yuanyuan Ren, Peng Li, Xiangchen Dai"}
    ```
    Use instead:
    ```json
    {"authors": ["Hao Liang", "Bin Zhao", "Yuanyuan Ren", "Peng Li", "Xiangchen Dai"]}
    ```

    ## Fix
    Unsafe, and only when the split is unambiguous: on `;` when present, else on `,`, `&`
    and ` and `; every resulting name must have at least two words and none may be initials
    only. Otherwise the finding has no fix. A string with no delimiter is one name: the safe
    fix wraps it in a one-item list. A string holding a JSON array is decoded (safe). The
    names are written as the shape writes an author: strings in the aggregator shape,
    `{"authorId": null, "name": ...}` in Semantic Scholar's, `{"literal": ...}` in CSL,
    `{"name": ...}` in DataCite; where a name would have to be split into given and family
    parts (Crossref, OpenAlex) no fix is offered.
    """
    found = record.field("authors")
    if found is None or not isinstance(found.value, str) or not found.value.strip():
        return
    value = found.value
    pointer = found.pointer
    decoded = _json_list(value)
    fix: Fix | None
    if decoded is not None:
        fix = Fix.replace(pointer, decoded, "Decode the JSON-encoded list")
        yield Violation(f"authors stored as JSON text ({_shown(value)})", pointer, fix)
        return
    if not _DELIMITER_RE.search(value):
        items = _author_items(record, [value.strip()])
        fix = (Fix.replace(pointer, items, "Wrap the name in a one-item list", unsafe=False)
               if items is not None else None)
        yield Violation(f"authors is a string, not a list ({_shown(value)})", pointer, fix)
        return
    names = split_authors(value)
    if names is None:
        yield Violation(f"authors flattened into one string; the split is ambiguous "
                        f"({_shown(value)})", pointer)
        return
    items = _author_items(record, names)
    fix = (Fix.replace(pointer, items, f"Split into {len(names)} names", unsafe=True)
           if items is not None else None)
    yield Violation(f"authors flattened into one string of {len(names)} names "
                    f"({_shown(value)})", pointer, fix)


def _author_items(record: Record, names: list[str]) -> list[Any] | None:
    """``names`` as the items of the record's shape: plain strings in the aggregator (and
    generic) shape, S2's ``{"authorId", "name"}``, CSL's ``{"literal"}``, DataCite's
    ``{"name"}``. None where a name cannot be written without guessing its parts (Crossref's
    ``given``/``family``, OpenAlex's authorships): no fix is offered there."""
    style = record.profile.author_style
    items = [style.item(name) for name in names]
    return None if any(item is None for item in items) else items


def _json_list(value: str) -> list[object] | None:
    """The list a string holds as JSON (`'["A B", "C D"]'`), else None."""
    text = value.strip()
    if not (text.startswith("[") and text.endswith("]")):
        return None
    try:
        decoded = json.loads(text)
    except ValueError:
        return None
    return decoded if isinstance(decoded, list) else None


def author_list(record: Record) -> tuple[str, list[object], list[Author]] | None:
    """The pointer, raw list and :class:`Author` views of the record's author list (None
    when the authors field is no non-empty list).

    Read once per record and shared by the AUTH rules and ID006 (:meth:`Record.memo`):
    treat as read-only.
    """
    return record.memo("authors.authors", _read_authors)


_authors = author_list


def _read_authors(record: Record) -> tuple[str, list[object], list[Author]] | None:
    found = record.field("authors")
    if found is None or not isinstance(found.value, list) or not found.value:
        return None
    return found.pointer, found.value, authors_of(found.value, found.pointer)


def _relative(pointer: str, base: str) -> list[str]:
    """The tokens of ``pointer`` below ``base`` (``/author/2/given`` under ``/author``)."""
    return split_pointer(pointer[len(base):])


def _set_in(items: list[Any], tokens: list[str], value: object) -> None:
    """Set the value at ``tokens`` inside a deep copy of an author list."""
    node: Any = items
    for token in tokens[:-1]:
        node = node[int(token)] if isinstance(node, list) else node[token]
    last = tokens[-1]
    if isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


_ET_AL_RE = regex.compile(
    r"(?:et\.?+\s*+al(?:ii|\.)?+|and\s++others|others|u\.\s*+a\.|\(?:etal\)?+|:etal)",
    regex.IGNORECASE,
)
_ET_AL_SUFFIX_RE = regex.compile(
    r"(?<=\S)(?:\s*+,)?+\s++(?:et\.?+\s*+al(?:ii|\.)?+|and\s++others)\s*+\Z", regex.IGNORECASE
)
_DATACITE_ETAL = "(:etal)"


def _may_say_et_al(value: str) -> bool:
    """Whether :data:`_ET_AL_RE` or :data:`_ET_AL_SUFFIX_RE` can match in ``value``: every
    match spells `al` (`et al.`, `etal`), `other` (`and others`) or `u.` (`u. a.`), and on
    ASCII text the patterns' case-insensitive letters are exactly the lower-cased ones. Other
    text (where `ſ` matches `s`) is always searched."""
    if not value.isascii():
        return True
    lower = value.lower()
    return "al" in lower or "other" in lower or "u." in lower


@rule("AUTH002", "et-al-author", severity="warning", fix="unsafe", reads=("authors",))
def et_al_author(record: Record, ctx: Context) -> Iterator[Violation]:
    """An author list contains "et al." or "and others" as if it were an author.

    ## What it does
    Reports an author item whose whole name is `et al.`, `et al`, `and others`, `others`,
    `u. a.` or `(:etal)` (in any case), and a name that ends with `, et al.` or `and others`
    (`"Smith J, et al."`). DataCite documents `(:etal)` as its value for "too numerous to
    list", so that one is not reported in DataCite records.

    ## Why is this bad?
    "et al." is a citation abbreviation, not a person: it is counted as an author, indexed
    as a name, and printed twice by citation styles that add their own "et al.". It also
    hides that the list was cut, which should be said explicitly, not as a fake author.

    ## Example
    ```json
    {"authors": ["Hao Liang", "Bin Zhao", "et al."]}
    ```
    Use instead:
    ```json
    {"authors": ["Hao Liang", "Bin Zhao"]}
    ```

    ## Fix
    Unsafe: removes the "et al." items and the trailing ", et al." from names, in one edit
    of the whole list. Unsafe because the information that the list is incomplete is lost
    with it; record it elsewhere if it matters.
    """
    found = _authors(record)
    if found is None:
        return
    base, items, authors = found
    datacite = record.profile.has(Convention.UNKNOWN_CODES)
    drop: set[int] = set()
    trims: list[tuple[NamePart, str]] = []
    hits: list[tuple[str, str]] = []
    for author in authors:
        for part in author.parts:
            if not _may_say_et_al(part.value):
                continue
            text = part.value.strip()
            if _ET_AL_RE.fullmatch(text):
                if datacite and text.lower() in (_DATACITE_ETAL, ":etal"):
                    continue
                drop.add(int(_relative(author.pointer, base)[0]))
                hits.append((part.pointer, text))
                break
            match = _ET_AL_SUFFIX_RE.search(part.value)
            if match is not None:
                trims.append((part, part.value[: match.start()]))
                hits.append((part.pointer, text))
    if not hits:
        return
    fixed = copy.deepcopy(items)
    for part, trimmed in trims:
        _set_in(fixed, _relative(part.pointer, base), trimmed)
    fixed = [item for index, item in enumerate(fixed) if index not in drop]
    fix = Fix.replace(base, fixed, "Remove \"et al.\" from the author list", unsafe=True)
    for pointer, text in hits:
        yield Violation(f"{_shown(text)} is not an author", pointer, fix)


@rule("AUTH003", "duplicate-author", severity="warning", reads=("authors",))
def duplicate_author(record: Record, ctx: Context) -> Iterator[Violation]:
    """The same author appears twice in one author list.

    ## What it does
    Compares the display names of the record's authors on a key that ignores case, accents,
    punctuation and spacing (`biblint.domain.names.name_key`: "María R. López" = "Maria R Lopez")
    and reports every repeat after the first. Two authors with the same name but different
    ORCID iDs are two people and are not reported; a shared ORCID under different names is
    AUTH007's.

    ## Why is this bad?
    A repeated author inflates author counts and co-authorship networks, shifts the
    positions of the authors after it, and is usually the trace of a merge of two sources
    or of affiliations deposited as authors.

    ## Example
    ```json
    {"author": [{"given": "Peng", "family": "Li"}, {"given": "Peng", "family": "Li"}]}
    ```
    Use instead:
    ```json
    {"author": [{"given": "Peng", "family": "Li"}]}
    ```

    ## Fix
    None: two authors can share a name, and only the source can tell which item is wrong.
    """
    found = _authors(record)
    if found is None or len(found[2]) < 2:
        return
    first: dict[str, Author] = {}
    for author in found[2]:
        key = name_key(author.display)
        if len(key) < 2:
            continue
        earlier = first.get(key)
        if earlier is None:
            first[key] = author
            continue
        mine, theirs = orcid_key(author.orcid), orcid_key(earlier.orcid)
        if mine and theirs and mine != theirs:
            continue
        yield Violation(f"author {_shown(author.display)} appears twice (also at "
                        f"{earlier.pointer})", author.pointer)


# An initial at the start of a family name: "A Light", "M. Horst" (not "O Brien"-like
# spellings of O', D', L').
_FAMILY_INITIAL_RE = regex.compile(r"(?![ODL]\s)\p{Lu}\.?\s++\p{Lu}\p{Ll}")
# A whole name in the family slot: words with an initial among them ("Newell P. Campbell"),
# or an inverted "Family, Given" pair.
_INNER_INITIAL_RE = regex.compile(r"\p{L}{2,}+\s++\p{Lu}\.(?:\s*+\p{Lu}\.)*+\s++\p{Lu}\p{Ll}")
_INVERTED_RE = regex.compile(r"\p{L}{2,}+,\s*+\p{Lu}")
_INITIALS_ONLY_RE = regex.compile(r"(?:\p{Lu}\.?+[\s-]?+){1,3}+")
_WORD_RE = regex.compile(r"\p{Lu}\p{Ll}++")
# A particle pair split between given and family: "Josef Van" + "Der Aa", "Maria de" + "la Cruz".
_SPLIT_PARTICLE_RE = regex.compile(r"(?:^|\s)(?:van|von|de|van de)\Z", regex.IGNORECASE)
_PARTICLE_START_RE = regex.compile(r"(?:der|den|dem|la|las|los|le)\s++\p{L}", regex.IGNORECASE)


def _split_problem(author: Author) -> str | None:
    """What is wrong with an author's given/family split, or None."""
    given, family = author.given, author.family
    if family is None or author.organization:
        return None
    if _FAMILY_INITIAL_RE.match(family):
        return f"family name {_shown(family)} starts with an initial"
    if not given:
        head, comma, tail = family.partition(",")
        if comma and len(head.split()) >= 2 and len(tail.split()) >= 2:
            return f"family name {_shown(family)} holds several names"
        if _INVERTED_RE.search(family):
            return f"family name {_shown(family)} holds an inverted full name"
        if _INNER_INITIAL_RE.search(family):
            return f"family name {_shown(family)} holds a full name; the given name is empty"
        return None
    if _INITIALS_ONLY_RE.fullmatch(family) and _WORD_RE.fullmatch(given):
        return f"given {_shown(given)} and family {_shown(family)} look swapped"
    if _SPLIT_PARTICLE_RE.search(given) and _PARTICLE_START_RE.match(family):
        return (f"the particle is split between given {_shown(given)} and family "
                f"{_shown(family)}")
    return None


@rule("AUTH004", "name-split-wrong", severity="warning", reads=("authors",))
def name_split_wrong(record: Record, ctx: Context) -> Iterator[Violation]:
    """An author's name is split into given and family parts at the wrong place.

    ## What it does
    For shapes that split names (Crossref, CSL, DataCite, PubMed-derived JSON), reports:

    - a family name that starts with an initial: `"A Light"`, `"M. Horst"`;
    - an empty given name with a whole name in the family slot: `"Newell P. Campbell"`,
      or an inverted `"BROWNE, CAROLYN S."`;
    - a given name that is a word while the family name is only initials (swapped parts:
      given `"Smith"`, family `"J."`);
    - a particle pair cut in two: given `"Josef Van"` and family `"Der Aa"`.

    A lower-case particle at the end of the given name (`"André Luiz dos"` + `"Reis"`,
    `"Charles de"` + `"Gaulle"`) is the Portuguese, Spanish, French and Dutch cataloguing
    order (CSL's dropping particle) and is not reported.

    ## Why is this bad?
    The split drives sorting, citation formatting ("Light, A." instead of "A Light"), author
    disambiguation and matching against ORCID or other records. Publisher deposits get it
    wrong (CrossRef/rest-api-doc#541) and every consumer inherits the error.

    ## Example
    ```json
    {"author": [{"given": "Mariana", "family": "M. Vale"}]}
    ```
    Use instead:
    ```json
    {"author": [{"given": "Mariana M.", "family": "Vale"}]}
    ```

    ## Fix
    None: the right split depends on the person's name and culture.
    """
    found = _authors(record)
    if found is None:
        return
    for author in found[2]:
        problem = _split_problem(author)
        if problem is not None:
            pointer = next((p.pointer for p in author.parts if p.role == "family"),
                           author.pointer)
            yield Violation(problem, pointer)


_LETTERS_RE = regex.compile(r"\p{L}++")
_ORG_WORDS_RE = regex.compile(
    r"\b(?:consortium|collaboration|group|team|network|initiative|investigators|committee|"
    r"society|association|institute|university|center|centre|council|foundation|project|"
    r"program|programme|laboratory|agency|office|department|organi[sz]ation|study|working|"
    r"task force|trial)\b",
    regex.IGNORECASE,
)
_TITLE_WORD_RE = regex.compile(r"\p{L}++")


def _title_case(text: str) -> str:
    """Each run of letters capitalised (`"O'NEIL"` -> `"O'Neil"`, `"JEAN-PAUL"` ->
    `"Jean-Paul"`); single letters (initials) stay capitals. Turkish capitals lower the
    Turkish way (`"ÇELİK"` -> `"Çelik"`, `"KILIÇ İNCE"` -> `"Kılıç İnce"`), and İ never
    becomes i plus a combining dot."""
    turkish = is_turkish_caps(text)
    return _TITLE_WORD_RE.sub(lambda m: m.group()[0] + lower(m.group()[1:], turkish=turkish),
                              text)


def _all_caps(part: NamePart) -> bool:
    """Whether a name part is written in capitals (initials do not count)."""
    text = part.value
    if not text.isupper():
        return False
    letters = "".join(_LETTERS_RE.findall(text))
    if len(letters) < 2:
        return False
    if part.role == "family":
        return True
    # Given and display names: a word of four or more letters, so that initials written
    # without periods ("JK", "AFS.") do not count.
    words = text.split()
    if not any(len(w) >= 4 for w in _LETTERS_RE.findall(text)):
        return False
    # A one-word display name is an acronym ("CERN"); an organisation may be in capitals.
    return part.role != "name" or (len(words) >= 2 and not _ORG_WORDS_RE.search(text))


@rule("AUTH005", "name-all-caps", severity="info", fix="unsafe", reads=("authors",))
def name_all_caps(record: Record, ctx: Context) -> Iterator[Violation]:
    """An author's name is written in capital letters.

    ## What it does
    Reports an author whose family name, given name or display name is all capitals:
    family `"HARRIS"`, given `"GEORGE D."`, display `"E. G. STANLEY"`. Initials (`"J. K."`,
    `"AFS."`), one-word display names (acronyms such as `"CERN"`), CSL `literal` names and
    authors a shape marks as organisations are not reported. One finding per author.

    ## Why is this bad?
    Capitals are a typesetting style of some publishers' deposits, not the name: citation
    styles print them as they are ("HARRIS, J."), and exact matching against other
    records and ORCID fails.

    ## Example
    ```json
    {"author": [{"given": "GEORGE D.", "family": "WINTER"}]}
    ```
    Use instead:
    ```json
    {"author": [{"given": "George D.", "family": "Winter"}]}
    ```

    ## Fix
    Unsafe: capitalises the first letter of each word (and after a hyphen or apostrophe)
    and lower-cases the rest. Unsafe because names such as "McDonald", "van der Berg" or
    "DeMarco" need their own capitals.
    """
    found = _authors(record)
    if found is None:
        return
    for author in found[2]:
        if author.organization:
            continue
        caps = [p for p in author.parts if p.role != "literal" and _all_caps(p)]
        if not caps:
            continue
        ops = tuple(PatchOp("replace", p.pointer, _title_case(p.value)) for p in caps)
        fix = Fix("Write the name in mixed case", ops, Applicability.UNSAFE)
        shown = caps[0].value if len(caps) == 1 else author.display
        yield Violation(f"name in capitals ({_shown(shown)})", caps[0].pointer, fix)


_EMAIL_RE = regex.compile(r"[^\s@<>()]++@[\p{L}\p{N}-]++(?:\.[\p{L}\p{N}-]++)++")
_MARKERS = "*†‡§¶‖#^¹²³⁴⁵⁶⁷⁸⁹⁰"
_EDGE_MARKER_RE = regex.compile(
    r"(?:^[" + regex.escape(_MARKERS) + r"]|\p{L}[" + regex.escape(_MARKERS)
    + r"][" + regex.escape(_MARKERS) + r",\s]*+$)"
)
_ORDINAL_RE = regex.compile(r"\b[0-9]++(?:st|nd|rd|th)\b", regex.IGNORECASE)
_DIGIT_RE = re.compile(r"[0-9]")  # the standard library's: a quarter of a regex call
_ROLE_RE = regex.compile(
    r"\((?:eds?|hrsg|coord|comp)\.?\)|,\s*+(?:eds?|editors?|hrsg)\.?\s*+$|\beditors?\b|"
    r"\bph\.\s*+d\.|\bphd\b|^(?:prof|dr)\.\s|\bcorresponding author\b",
    regex.IGNORECASE,
)


_ROLE_WORDS = ("(", ",", "editor", "ph", "prof.", "dr.", "corresponding")
"""What every match of :data:`_ROLE_RE` spells (lower case): an ASCII name holding none of
these has no role in it. (On ASCII text the pattern's case-insensitive letters are exactly
the lower-cased ones; other text, where `ſ` matches `s`, is always searched.)"""
_ROLE_WORD_RE = re.compile("|".join(map(re.escape, _ROLE_WORDS)))
"""Any of :data:`_ROLE_WORDS`: one search in C, not a test per word."""


def _noise(part: NamePart) -> str | None:
    text = part.value
    if "@" in text and _EMAIL_RE.search(text):
        return "an e-mail address"
    plain = text.isascii()
    # In ASCII text a marker of _EDGE_MARKER_RE can only be `*`, `#` or `^`.
    if (not plain or "*" in text or "#" in text or "^" in text) and \
            _EDGE_MARKER_RE.search(text.strip()):
        return "an affiliation or footnote marker"
    if _DIGIT_RE.search(text) and _DIGIT_RE.search(_ORDINAL_RE.sub("", text)):
        return "digits"
    if plain:
        lower = text.lower()
        if _ROLE_WORD_RE.search(lower) is None:
            return None
    if _ROLE_RE.search(text):
        return "a role or title"
    return None


def _noise_reference(text: str) -> str | None:
    """:func:`_noise` without its shortcuts (the reference it is tested against)."""
    if "@" in text and _EMAIL_RE.search(text):
        return "an e-mail address"
    if _EDGE_MARKER_RE.search(text.strip()):
        return "an affiliation or footnote marker"
    if _DIGIT_RE.search(text) and _DIGIT_RE.search(_ORDINAL_RE.sub("", text)):
        return "digits"
    if _ROLE_RE.search(text):
        return "a role or title"
    return None


@rule("AUTH006", "name-noise", severity="warning", reads=("authors",))
def name_noise(record: Record, ctx: Context) -> Iterator[Violation]:
    """An author's name carries an e-mail address, digits, a footnote marker or a role.

    ## What it does
    Reports a name part (display name, given, family, literal) of a person that contains:
    an e-mail address; a footnote or affiliation marker at either end (`*`, `†`, `‡`, `§`,
    `¶`, `#`, superscript digits: `"Smith¹"`); digits other than an ordinal ("3rd"), such as
    life dates (`"Guth, Wilhelm, 1888-1980"`) or an internal id (`"Tom Ottenhoff (64539)"`);
    or a role or title (`"(ed.)"`, `", eds."`, `"editor"`, `"PhD"`, a leading `"Prof."` or
    `"Dr."`, `"corresponding author"`). Authors a shape marks as organisations, and display
    names that read as organisations ("COVID-19 Genomics Consortium"), are not checked for
    digits.

    ## Why is this bad?
    The extra text comes from scraping a title page or a byline, or from a catalogue's
    heading. It breaks name matching and disambiguation, and shows up in every citation.

    ## Example
    ```json
    {"authors": [{"name": "Kbyllofficial@gmail.com"}, {"name": "Tom Ottenhoff (64539)"}]}
    ```
    Use instead:
    ```json
    {"authors": [{"name": "Tom Ottenhoff"}]}
    ```

    ## Fix
    None: what remains of the name, and whether the item is a person at all, needs a look.
    """
    found = _authors(record)
    if found is None:
        return
    for author in found[2]:
        if author.organization:
            continue
        for part in author.parts:
            problem = _noise(part)
            if problem == "digits" and _ORG_WORDS_RE.search(part.value):
                continue
            if problem is not None:
                yield Violation(f"name {_shown(part.value)} contains {problem}", part.pointer)
                break


@rule("AUTH007", "orcid-on-two-authors", severity="error", reads=("authors",))
def orcid_on_two_authors(record: Record, ctx: Context) -> Iterator[Violation]:
    """Two different authors of one record carry the same ORCID iD.

    ## What it does
    Compares the ORCIDs of the record's authors in any written form (URL or bare, `x` or
    `X`) and reports an author whose ORCID an earlier author with another name already has.
    When the names are the same too, the author is repeated: that is AUTH003's.

    ## Why is this bad?
    An ORCID identifies one person. On two authors, at least one attribution is wrong: the
    work is claimed for the wrong researcher in ORCID-based profiles, evaluations and
    search (dissemin#332).

    ## Example
    ```json
    {"author": [{"given": "Ann", "family": "Lee", "ORCID": "https://orcid.org/0000-0002-1825-0097"},
                {"given": "Bo", "family": "Kim", "ORCID": "https://orcid.org/0000-0002-1825-0097"}]}
    ```
    Use instead:
    ```json
    {"author": [{"given": "Ann", "family": "Lee", "ORCID": "https://orcid.org/0000-0002-1825-0097"},
                {"given": "Bo", "family": "Kim"}]}
    ```

    ## Fix
    None: only the authors' ORCID records tell whose iD it is.
    """
    found = _authors(record)
    if found is None or len(found[2]) < 2:
        return
    first: dict[str, Author] = {}
    for author in found[2]:
        key = orcid_key(author.orcid)
        if key is None:
            continue
        earlier = first.setdefault(key, author)
        if earlier is author or name_key(earlier.display) == name_key(author.display):
            continue
        yield Violation(f"ORCID {_hyphenated(key)} is also on {_shown(earlier.display)} "
                        f"({earlier.pointer})", author.orcid_pointer or author.pointer)


def _hyphenated(key: str) -> str:
    return f"{key[0:4]}-{key[4:8]}-{key[8:12]}-{key[12:16]}"


UNSIGNED_PREFIXES = ("10.5860/choice.", "10.1007/s40278-", "10.1007/s40274-")
"""DOI prefixes of content published without authors by design: Choice's book reviews,
Reactions Weekly's case-report digests, PharmacoEconomics & Outcomes News."""

_UNSIGNED_VENUE_RE = regex.compile(
    r"(?:the\s++)?(?:"
    r"reactions(?:\s++weekly)?|inpharma(?:\s++weekly)?|pharmacoeconomics\s*+(?:&|and)\s*+"
    r"outcomes\s++news|(?:nejm\s++)?journal\s++watch(?:\s++\p{L}++)?|acp\s++journal\s++club|"
    r"choice(?:\s*+:\s*+|\s++)?(?:current\s++reviews\s++for\s++academic\s++libraries|"
    r"reviews(?:\s++online)?)?|medical\s++letter(?:\s++on\s++drugs\s++and\s++therapeutics)?|"
    r"prescrire\s++international|drug\s++and\s++therapeutics\s++bulletin|"
    r"weekly\s++epidemiological\s++record|"
    # an abstracting service or digest by its name: "Dental Abstracts", "Nursing Digest"
    r"(?!.*\b(?:meeting|conference|congress|symposium|annual|proceedings)\b)"
    r"(?:[\p{L}&'-]++\s++){0,3}(?:abstracts(?:\s++and\s++reviews)?|digest)"
    r")",
    regex.IGNORECASE,
)
"""Venues whose items are unsigned by design: abstracting services and digests of the
literature (case-report digests, drug-safety digests, journal-watch summaries), and
bulletins written by an editorial board."""

UNSIGNED_TYPES = frozenset({
    "editorial", "news", "newspaper article", "congress", "introductory journal article",
    "published erratum", "retraction of publication", "retraction notice",
    "expression of concern", "lettersandcomments", "letters and comments",
})
"""Work types (PubMed's and Semantic Scholar's, lower case) of pieces an editorial office
publishes unsigned: a record that carries one beside a research type is no research
article."""

_SECTION_TITLE_RE = regex.compile(
    r"(?:research\s++highlights?|highlights?\s++(?:of|from|in)\b|in\s++brief|news\s++in\s++"
    r"brief|(?:news\s++)?(?:and\s++)?notes(?:\s++and\s++news)?$|this\s++week\b|from\s++the\s++"
    r"editors?\b|editors?['’]?s?\s++(?:choice|note|notes|comment|summary|picks?)|"
    r"miscellan(?:y|ea|eous)\b|current\s++literature|recent\s++(?:publications|literature)|"
    r"literature\s++(?:digest|update|watch)|case\s++reports?\s++digest|digest\b|"
    r"society\s++proceedings|proceedings\s++of\s++(?:the\s++)?\p{L}++(?:\s++\p{L}++){0,4}\s++"
    r"society$|meeting\s++(?:report|minutes)|minutes\s++of\b)",
    regex.IGNORECASE,
)
"""Titles of a journal's editorial sections, published unsigned (the section heading as
title: "Research highlights", "In brief", "Editor's choice", "Miscellanea")."""


def unsigned_by_design(record: Record) -> bool:
    """Whether the record is an item published without authors by design: a digest or
    abstracting service's item (by DOI prefix or venue), an editorial-section heading as
    title, or a work typed as an editorial, news item or notice beside its research
    type."""
    doi = record.value("doi")
    if isinstance(doi, str) and strip_doi_prefix(doi).lower().startswith(UNSIGNED_PREFIXES):
        return True
    venue = record.value("container")
    if isinstance(venue, list):
        venue = next((v for v in venue if isinstance(v, str)), None)
    if isinstance(venue, str) and len(venue) < 120 and \
            _UNSIGNED_VENUE_RE.fullmatch(venue.strip().rstrip(".")):
        return True
    if any(t.strip().lower() in UNSIGNED_TYPES for t in _types(record)):
        return True
    title = record.value("title")
    if isinstance(title, list):
        title = title[0] if title and isinstance(title[0], str) else None
    return isinstance(title, str) and _SECTION_TITLE_RE.match(title.strip()) is not None

_PARATEXT_TITLE_RE = regex.compile(
    r"(?:errat(?:um|a)|corrigend(?:um|a)|correction|retraction|editorial|(?:book\s++)?reviews?"
    r"|notices?|index|(?:table\s++of\s++)?contents|front\s++matter|back\s++matter|cover|"
    r"masthead|editorial\s++board|issue\s++information|in\s++this\s++issue|preface|foreword|"
    r"announcements?|news|obituary|acknowledg(?:e)?ments?|(?:list\s++of\s++)?reviewers|"
    r"calendar|correspondence|abstracts|programme|program|addend(?:um|a)|books\s++received|"
    r"suppl(?:emental|ementary)\s++(?:material|data|information)|"
    r"expression\s++of\s++concern)\b",
    regex.IGNORECASE,
)


def _types(record: Record) -> list[str]:
    """The work's type values: the canonical `type`, else the `publication_types` list."""
    kind = record.value("type")
    if isinstance(kind, str):
        return [kind]
    types = record.value("publication_types")
    if isinstance(types, str):
        return [types]
    if isinstance(types, list):
        return [t for t in types if isinstance(t, str)]
    return []


@rule("AUTH008", "research-article-without-authors", severity="warning", reads=RECORD)
def research_article_without_authors(record: Record, ctx: Context) -> Iterator[Violation]:
    """A research article has no authors.

    ## What it does
    Reports a record whose work type is a research article (Crossref `journal-article` or
    `proceedings-article`, CSL `article-journal` or `paper-conference`, OpenAlex `article`,
    `preprint` or `review`, DataCite `JournalArticle`, `ConferencePaper` or `Preprint`,
    Semantic Scholar `JournalArticle`, `Conference`, `Review`...) and whose author list is
    empty or null, or missing in a shape that omits absent keys. Not reported: paratext by
    its title (errata, editorials, book reviews, notices, indexes, tables of contents, issue
    information...), OpenAlex works flagged `is_paratext`, Crossref's listing of deleted
    DOIs and test deposits, content unsigned by design (see below), and partial responses
    (a Crossref record without its `indexed`/`deposited` system dates was fetched with
    `select=`; a missing key in a shape that writes absence as null was not requested).

    Unsigned by design: items of abstracting services and digests of the literature
    (Reactions Weekly's case-report digests, PharmacoEconomics & Outcomes News, Journal
    Watch, ACP Journal Club, Choice's reviews, a venue named "... Abstracts" or
    "... Digest"), bulletins written by an editorial board (The Medical Letter, Prescrire,
    Drug and Therapeutics Bulletin), a journal's editorial sections by their heading as
    title ("Research highlights", "In brief", "Editor's choice", "Miscellanea"), and works
    typed as an editorial, news item or notice beside their research type (PubMed's
    `Editorial`, `News`; Semantic Scholar's `Editorial`).

    ## Why is this bad?
    Every research article has authors. Without them the record cannot be cited, credited,
    deduplicated by first author, or attributed in profiles; the gap usually means a lossy
    conversion or an incomplete deposit.

    ## Example
    ```json
    {"type": "journal-article", "title": ["Skin glue improves outcome"], "author": [],
     "indexed": {"date-parts": [[2024, 1, 1]]}}
    ```
    Use instead:
    ```json
    {"type": "journal-article", "title": ["Skin glue improves outcome"],
     "author": [{"given": "Ann", "family": "Lee"}], "indexed": {"date-parts": [[2024, 1, 1]]}}
    ```

    ## Fix
    None: the authors have to be taken from the source.
    """
    research = record.profile.research_types
    if not research.intersection(_types(record)):
        return
    found = record.field("authors")
    data = record.data
    if not isinstance(data, dict):
        return
    if found is None:
        if record.profile.absent != "omit":
            return  # not requested (a partial response), not missing
        if record.profile.is_partial(data):
            return
        pointer = record.profile.pointers("authors")[0]
    elif found.value is None or found.value == []:
        pointer = found.pointer
    else:
        return
    if data.get("is_paratext") is True or is_deleted_doi(record):
        return
    if unsigned_by_design(record):
        return
    title = record.value("title")
    if isinstance(title, list):
        title = title[0] if title and isinstance(title[0], str) else None
    if isinstance(title, str) and _PARATEXT_TITLE_RE.match(title.strip()):
        return
    kind = next(t for t in _types(record) if t in research)
    yield Violation(f"{_shown(kind)} without authors", pointer)


@rule("AUTH009", "author-list-truncated", severity="info", reads=RECORD)
def author_list_truncated(record: Record, ctx: Context) -> Iterator[Violation]:
    """The source says the author list is incomplete.

    ## What it does
    Reports a record whose source flags its author list as cut short: OpenAlex's
    `is_authors_truncated: true` (list endpoints return at most 100 authorships), and a
    PubMed-derived `AuthorList` whose `CompleteYN` is `"N"`.

    ## Why is this bad?
    The record lists fewer authors than the work has: author counts, last-author
    attribution and co-authorship data built on it are wrong, and the record may be stored
    as if it were complete.

    ## Example
    ```json
    {"id": "https://openalex.org/W1", "authorships": [], "is_authors_truncated": true}
    ```
    Use instead: the full list, fetched from the single-work endpoint
    (`/works/W1`), without the flag.

    ## Fix
    None: the missing authors have to be fetched from the source.
    """
    data = record.data
    if not isinstance(data, dict):
        return
    if data.get("is_authors_truncated") is True:
        yield Violation("the source truncated the author list", "/is_authors_truncated")
        return
    author_list = data.get("AuthorList")
    if isinstance(author_list, dict):
        for key in ("CompleteYN", "@CompleteYN"):
            if author_list.get(key) == "N":
                yield Violation("PubMed marks the author list incomplete (CompleteYN=N)",
                                f"/AuthorList/{key}")


_PINYIN_RE = regex.compile(
    r"(?:zh|ch|sh|[bpmfdtnlgkhjqxrzcsyw])?+"
    r"(?:iang|iong|uang|ueng|ang|eng|ing|ong|uai|uan|ian|iao|üan|ai|ei|ao|ou|an|en|in|un|ün|"
    r"ia|ie|iu|ua|uo|ui|ue|üe|er|a|o|e|i|u|ü|v)",
    regex.IGNORECASE,
)
"""A Chinese syllable in pinyin: a given name repeating the family name ("Li Li", "Wang
Wang") is a real Chinese name, not a copied one."""
_NAME_WORD_RE = regex.compile(r"[\p{L}\p{M}'’.-]++")


def _copied(given: str, family: str) -> bool:
    """Whether a one-word name appears in both parts (``Rino`` / ``Rino``), and is not a
    pinyin syllable (``Li`` / ``Li`` is a Chinese name)."""
    one, two = given.strip(), family.strip()
    if not one or " " in one or one.casefold() != two.casefold():
        return False
    if not _NAME_WORD_RE.fullmatch(one) or len(one.strip(".")) < 2:
        return False
    return _PINYIN_RE.fullmatch(one) is None


@rule("AUTH010", "name-copied-into-both-parts", severity="warning", fix="unsafe",
      reads=("authors",))
def name_copied_into_both_parts(record: Record, ctx: Context) -> Iterator[Violation]:
    """A one-name author's name is copied into both name parts (`Rino Rino`).

    ## What it does
    Reports an author whose given and family parts hold the same single word (`"given":
    "Rino", "family": "Rino"`), or whose display name is one word written twice (`"Rino
    Rino"`). A word that is a Chinese syllable in pinyin (`Li Li`, `Wang Wang`) is a real
    name and is not reported, nor are initials.

    ## Why is this bad?
    People known by one name (common in Indonesia, parts of India and Myanmar) are
    deposited by systems that require both parts, which copy the name into each: citations
    then print "Rino, R." and the person is matched with nobody, since the name they
    publish under is "Rino".

    ## Example
    ```json
    {"author": [{"given": "Rino", "family": "Rino"}]}
    ```
    Use instead:
    ```json
    {"author": [{"family": "Rino"}]}
    ```

    ## Fix
    Unsafe (a person may, rarely, bear one word as both names): the given name is removed
    and the name kept as the family name (the place of a one-name author in Crossref's and
    CSL's schemas), or a display name is written once.
    """
    found = _authors(record)
    if found is None:
        return
    for author in found[2]:
        if author.organization:
            continue
        parts = author.parts
        if len(parts) == 1 and parts[0].role == "name":  # a plain string: no given, no family
            words = parts[0].value.split()
            if len(words) == 2 and _copied(words[0], words[1]):
                yield _written_twice(parts[0], words[0])
            continue
        given = next((p for p in author.parts if p.role == "given"), None)
        family = next((p for p in author.parts if p.role == "family"), None)
        if given is not None and family is not None:
            if _copied(given.value, family.value):
                fix = Fix("Keep the name once, as the family name",
                          (PatchOp("remove", given.pointer),), Applicability.UNSAFE)
                yield Violation(f"one-name author {_shown(family.value.strip())} copied into "
                                "the given and the family name", given.pointer, fix)
            continue
        for part in author.parts:
            if part.role != "name":
                continue
            words = part.value.split()
            if len(words) == 2 and _copied(words[0], words[1]):
                yield _written_twice(part, words[0])
            break


def _written_twice(part: NamePart, word: str) -> Violation:
    """AUTH010's finding for a display name that is one word written twice."""
    fix = Fix.replace(part.pointer, word, f"Write {_shown(word)} once", unsafe=True)
    return Violation(f"one-name author {_shown(word)} written twice", part.pointer, fix)
