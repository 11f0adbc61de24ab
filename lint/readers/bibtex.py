"""BibTeX files, through bibtexparser 2, with write-back that touches one value's bytes.

bibtexparser's splitter finds the blocks (entries, ``@string`` macros, preambles, comments)
and their lines, and reports what it cannot parse as failed blocks: each of those becomes an
IO010 finding at its line (an entry whose fields repeat a key is still checked, from the
first value of each key, and reported). bibtexparser keeps no character offsets, so each
entry's text is scanned again here for the offset of every field value: that gives findings
their line and column, and lets ``--fix`` replace the bytes of one value and nothing else.

A record is the entry as text, for the rules (the ``bibtex`` profile maps it): field names
lower-cased, ``ENTRYTYPE`` and ``ID`` (the citation key), each value with its macros
resolved (``@string`` definitions, month names, ``#`` concatenation) and its TeX decoded
where the decoding is certain (``G{\\"o}del`` -> ``Gödel``, ``\\&`` -> ``&``, braces that
protect case dropped, ``--`` -> en dash, or a hyphen in ``pages``; whitespace runs, which
BibTeX collapses, read as one space). Names (``author``, ``editor``) become a list, split
at ``and`` as BibTeX does, unless a name has more commas than BibTeX allows: then the value
stays one string, the defect AUTH001 reports. Verbatim fields (``doi``, ``url``,
``eprint``...) are read as written. The file itself keeps the macros and the TeX: a fix is
mapped back through the decoding onto the raw characters it changes and re-encoded in the
file's own way (``--`` in page ranges, ``\\&``), and refused when it would cut through a
construct or a macro.
"""

from __future__ import annotations

import bisect
import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from ..domain.tex import TEX_ACCENTS, TEX_LETTERS, TEX_TEXT_COMMANDS
from ..model import JSONValue, Origin, join_pointer
from . import RawRecord, ReadProblem, WriteBackError
from .textbase import Spans, TextDocument, common_edit, decode_text

INVALID_BIBTEX = "IO010"
UNBALANCED = "BIB003"

VERBATIM = frozenset({"doi", "url", "eprint", "file", "pdf", "urldate", "isbn", "issn",
                      "pmid", "pmcid", "arxiv", "archiveprefix", "howpublished_url",
                      "bdsk-url-1", "bdsk-url-2", "bdsk-file-1", "local-url", "mrnumber",
                      "zbl", "biburl", "bibsource", "timestamp", "ids", "crossref", "keywords"})
"""Fields read as written: identifiers and links, where TeX decoding would corrupt."""
NAMES = frozenset({"author", "editor", "translator", "bookauthor"})
"""Fields holding ``and``-separated name lists."""
PAGES = frozenset({"pages"})

MONTHS = {m: n for m, n in zip(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    ("January", "February", "March", "April", "May", "June", "July", "August",
     "September", "October", "November", "December"), strict=True)}
"""BibTeX's predefined month macros and the text the standard styles give them."""

_COMMAND = re.compile(r"[A-Za-z]+")
_SPACES = re.compile(r"\s{2,}|[^\S ]|^ | $")
"""Whitespace that BibTeX reads differently from as written: runs, line breaks and tabs (one
space), a space at either end (none). A single space inside stays where it is."""
_PLAIN = re.compile(r"[^{}\\~$\-]+")
"""Characters that decode to themselves (a hyphen may start ``--``)."""
_ACCENT_SYMBOLS = "'`^\"~=."
_ACCENT_LETTERS = "uvHckr"
_ESCAPES = "&%$#_{} "


@dataclass
class Decoded:
    """Decoded text with, per character, the raw offsets it came from (-1: a macro's text,
    which has no bytes in the value) and the brace depth it sat at."""

    text: list[str] = field(default_factory=list)
    starts: list[int] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)
    depth: list[int] = field(default_factory=list)

    def add(self, chars: str, start: int, end: int, depth: int) -> None:
        """Characters that come from one raw span (a construct, or a macro's text at -1)."""
        n = len(chars)
        self.text.extend(chars)
        self.starts.extend([start] * n)
        self.ends.extend([end] * n)
        self.depth.extend([depth] * n)

    def add_run(self, chars: str, start: int, depth: int) -> None:
        """Characters written as they are, each at its own raw offset (at C speed)."""
        n = len(chars)
        self.text.extend(chars)
        self.starts.extend(range(start, start + n))
        self.ends.extend(range(start + 1, start + n + 1))
        self.depth.extend([depth] * n)

    def extend(self, other: Decoded, lo: int = 0, hi: int | None = None) -> None:
        hi = len(other.text) if hi is None else hi
        self.text.extend(other.text[lo:hi])
        self.starts.extend(other.starts[lo:hi])
        self.ends.extend(other.ends[lo:hi])
        self.depth.extend(other.depth[lo:hi])

    @property
    def string(self) -> str:
        return "".join(self.text)

    def squeezed(self) -> Decoded:
        """Whitespace runs as one space, none at the ends (as BibTeX reads a value)."""
        string = self.string
        matches = list(_SPACES.finditer(string))
        if not matches:
            return self
        out = Decoded()
        cursor = 0
        gap: tuple[int, int] | None = None  # the whitespace run before the next segment
        for match in [*matches, None]:
            lo, hi = match.span() if match is not None else (len(string), len(string))
            if lo > cursor:
                if gap is not None and out.text:
                    out.add(" ", self.starts[gap[0]], self.ends[gap[1] - 1], self.depth[gap[0]])
                out.extend(self, cursor, lo)
            gap, cursor = (lo, hi), hi
        return out

    def raw_span(self, lo: int, hi: int) -> tuple[int, int] | None:
        """Raw offsets covering decoded characters ``lo:hi`` (an empty range: the point
        before character ``lo``); None when a boundary cuts a construct or a macro."""
        n = len(self.text)
        if lo < n and lo > 0 and self.starts[lo] == self.starts[lo - 1]:
            return None
        if hi < n and hi > 0 and self.starts[hi] == self.starts[hi - 1]:
            return None
        if lo == hi:
            if lo < n:
                where = self.starts[lo]
            elif n:
                where = self.ends[n - 1]
            else:
                return None
            return None if where < 0 else (where, where)
        start, end = self.starts[lo], self.ends[hi - 1]
        if start < 0 or end < 0 or any(s < 0 for s in self.starts[lo:hi]):
            return None
        return start, end


def decode_literal(raw: str, base: int, kind: str, out: Decoded) -> None:
    """Decode the inside of one ``{...}`` or ``"..."`` part (its text ``raw`` at offset
    ``base``) into ``out``."""
    if kind == "verbatim":  # as written, without its grouping braces (`\{` is kept)
        for i, char in enumerate(raw):
            if char not in "{}" or (i and raw[i - 1] == "\\"):
                out.add(char, base + i, base + i + 1, 0)
        return
    i, n, depth = 0, len(raw), 0
    while i < n:
        char = raw[i]
        at = base + i
        if char == "{":
            depth += 1
            i += 1
        elif char == "}":
            depth = max(0, depth - 1)
            i += 1
        elif char == "\\" and i + 1 < n:
            i = _command(raw, i, base, depth, out)
        elif char == "~":
            out.add(" ", at, at + 1, depth)
            i += 1
        elif char == "-" and raw.startswith("--", i):
            length = 3 if raw.startswith("---", i) else 2
            text = "-" if kind == "pages" else ("—" if length == 3 else "–")
            out.add(text, at, at + length, depth)
            i += length
        elif char == "$":
            close = raw.find("$", i + 1)
            end = n if close < 0 else close + 1
            for j in range(i, end):  # math stays as written, character by character
                out.add(raw[j], base + j, base + j + 1, depth)
            i = end
        else:
            plain = _PLAIN.match(raw, i)
            if plain is None:  # a single hyphen
                out.add(char, at, at + 1, depth)
                i += 1
            else:
                out.add_run(plain.group(), at, depth)
                i = plain.end()


def _command(raw: str, i: int, base: int, depth: int, out: Decoded) -> int:
    """Decode the TeX command at ``raw[i]`` (a backslash) into ``out``; the next index."""
    n = len(raw)
    nxt = raw[i + 1]
    at = base + i
    if nxt in _ESCAPES:
        out.add(nxt, at, at + 2, depth)
        return i + 2
    if nxt in _ACCENT_SYMBOLS or (nxt in _ACCENT_LETTERS and i + 2 < n
                                  and raw[i + 2] in "{ "):
        j = i + 2
        if j < n and raw[j] == " " and nxt in _ACCENT_LETTERS:
            j += 1
        braced = j < n and raw[j] == "{"
        k = j + 1 if braced else j
        letter = None
        if raw.startswith("\\i", k) or raw.startswith("\\j", k):
            letter, k = raw[k + 1], k + 2
        elif k < n and raw[k].isalpha():
            letter, k = raw[k], k + 1
        if letter is not None and (not braced or (k < n and raw[k] == "}")):
            k = k + 1 if braced else k
            composed = unicodedata.normalize("NFC", letter + TEX_ACCENTS[nxt])
            out.add(composed if len(composed) == 1 else composed[0], at, base + k, depth)
            return k
    match = _COMMAND.match(raw, i + 1)
    if match is not None:
        name = match.group()
        end = match.end()
        if name in TEX_LETTERS:
            if raw.startswith("{}", end):
                end += 2
            elif end < n and raw[end] == " ":
                end += 1
            out.add(TEX_LETTERS[name], at, base + end, depth)
            return end
        if name in TEX_TEXT_COMMANDS and end < n and raw[end] == "{":
            return end  # the argument's braces are skipped, its text kept
        if name in ("it", "em", "bf", "sc", "tt", "rm", "sf", "sl", "itshape", "bfseries",
                    "scshape", "relax", "noopsort") and depth > 0:
            if end < n and raw[end] == " ":
                end += 1
            if name == "noopsort" and end < n and raw[end] == "{":  # {\noopsort{key}}
                close = raw.find("}", end)
                end = n if close < 0 else close + 1
            return end
    out.add("\\", at, at + 1, depth)  # an unknown command stays as written
    return i + 1


@dataclass
class FieldText:
    """A field as written: its key, where its key and value are, and the value parsed."""

    key: str
    key_start: int
    start: int
    end: int
    parts: list[tuple[str, int, int]]
    """(kind, start, end) of each ``#``-joined part: ``brace``, ``quote``, ``word``."""


class _Scan:
    """Scans the text of one entry for its fields' offsets (bibtexparser keeps lines only)."""

    def __init__(self, text: str, start: int, end: int) -> None:
        self.text, self.pos, self.end = text, start, end

    def skip_space(self) -> None:
        text = self.text
        while self.pos < self.end and text[self.pos].isspace():
            self.pos += 1

    def fields(self, keyed: bool = True) -> tuple[str, list[FieldText], str] | None:
        """The citation key (``keyed``: an entry, not a ``@string``), the fields and the
        closing delimiter; None when the text does not scan."""
        text = self.text
        at = text.find("@", self.pos, self.end)
        if at < 0:
            return None
        opener = min((p for p in (text.find("{", at, self.end), text.find("(", at, self.end))
                      if p >= 0), default=-1)
        if opener < 0:
            return None
        closer = "}" if text[opener] == "{" else ")"
        key = ""
        self.pos = opener + 1
        if keyed:
            comma = text.find(",", opener, self.end)
            if comma < 0:
                return text[opener + 1:self.end].strip().rstrip(closer).strip(), [], closer
            key = text[opener + 1:comma].strip()
            self.pos = comma + 1
        found: list[FieldText] = []
        while True:
            self.skip_space()
            while self.pos < self.end and text[self.pos] == ",":
                self.pos += 1
                self.skip_space()
            if self.pos >= self.end or text[self.pos] == closer:
                return key, found, closer
            key_start = self.pos
            equals = text.find("=", self.pos, self.end)
            if equals < 0:
                return None
            name = text[key_start:equals].strip()
            self.pos = equals + 1
            self.skip_space()
            start = self.pos
            parts = self._value(closer)
            if parts is None:
                return None
            found.append(FieldText(name, key_start, start, parts[-1][2] if parts else start,
                                   parts))

    def _value(self, closer: str) -> list[tuple[str, int, int]] | None:
        text = self.text
        parts: list[tuple[str, int, int]] = []
        while True:
            self.skip_space()
            if self.pos >= self.end:
                return None
            char = text[self.pos]
            start = self.pos
            if char == "{":
                depth = 0
                while self.pos < self.end:
                    c = text[self.pos]
                    if c == "\\":
                        self.pos += 2
                        continue
                    if c == "{":
                        depth += 1
                    elif c == "}":
                        depth -= 1
                        if depth == 0:
                            break
                    self.pos += 1
                if self.pos >= self.end:
                    return None
                self.pos += 1
                parts.append(("brace", start, self.pos))
            elif char == '"':
                self.pos += 1
                depth = 0
                inner_quote = -1  # a quote inside braces: the end if the braces never close
                while self.pos < self.end:
                    c = text[self.pos]
                    if c == "\\":
                        self.pos += 2
                        continue
                    if c == "{":
                        depth += 1
                    elif c == "}":
                        depth -= 1
                    elif c == '"' and depth <= 0:
                        break
                    elif c == '"' and inner_quote < 0:
                        inner_quote = self.pos
                    self.pos += 1
                if self.pos >= self.end:
                    if inner_quote < 0:
                        return None
                    self.pos = inner_quote  # as bibtexparser reads it: BIB003 reports it
                self.pos += 1
                parts.append(("quote", start, self.pos))
            else:
                while (self.pos < self.end and text[self.pos] not in ",#" + closer
                       and not text[self.pos].isspace()):
                    self.pos += 1
                if self.pos == start:
                    return None
                parts.append(("word", start, self.pos))
            self.skip_space()
            if self.pos < self.end and text[self.pos] == "#":
                self.pos += 1
                continue
            return parts


def kind_of(key: str) -> str:
    if key in VERBATIM:
        return "verbatim"
    if key in PAGES:
        return "pages"
    return "names" if key in NAMES else "text"


class BibtexDocument(TextDocument):
    """A read BibTeX file (see the module docstring)."""

    def __init__(self, path: str, text: str, encoding: str, bom: bytes) -> None:
        super().__init__(path, text, encoding, bom)
        self.macros: dict[str, Decoded] = {}
        self.fields: list[dict[str, tuple[FieldText, Decoded]]] = []
        self.closers: list[str] = []
        self.whole: list[bool] = []
        """Per record: whether every field could be mapped to the text (else no write)."""

    # -- values -----------------------------------------------------------------------
    def value_of(self, item: FieldText, kind: str) -> Decoded:
        out = Decoded()
        text = self.text
        for part, start, end in item.parts:
            if part in ("brace", "quote"):
                decode_literal(text[start + 1:end - 1], start + 1, kind, out)
            else:
                word = text[start:end]
                macro = self.macros.get(word.lower())
                if word.isdigit():
                    out.add(word, start, end, 0)
                elif macro is not None:
                    out.add(macro.string, -1, -1, 0)
                elif word.lower() in MONTHS:
                    out.add(MONTHS[word.lower()], -1, -1, 0)
                else:  # an undefined macro: BibTeX warns and uses nothing; shown as written
                    out.add(word, start, end, 0)
        return out.squeezed()

    def record_value(self, key: str, decoded: Decoded) -> JSONValue:
        if kind_of(key) != "names":
            return decoded.string
        names, _others = name_parts(decoded)
        if names and all(_commas(name) <= 2 for name in names):
            return [name.string for name in names]
        return decoded.string

    # -- write-back ---------------------------------------------------------------------
    def _read_back(self, text: str) -> BibtexDocument:
        return read_bibtex_text(self.path, text, self.encoding, self.bom)

    def _as_read_back(self, value: JSONValue) -> JSONValue:
        # BibTeX reads a whitespace run as one space: a fix's line break (ABS003's paragraph)
        # is a space in the file, the same value to every BibTeX reader.
        return _squeeze(_present(value))

    def _record_edits(self, index: int, new: JSONValue) -> list[tuple[int, int, str]]:
        old = self.records[index].data
        if not isinstance(old, dict) or not isinstance(new, dict) or not self.whole[index]:
            raise WriteBackError(f"{self.path}: entry {index} cannot be written back")
        if old.get("ENTRYTYPE") != new.get("ENTRYTYPE") or old.get("ID") != new.get("ID"):
            raise WriteBackError(f"{self.path}: the type or key of entry {index} would change")
        fields = self.fields[index]
        edits: list[tuple[int, int, str]] = []
        order = list(fields)
        for key, value in old.items():
            if key in ("ENTRYTYPE", "ID") or new.get(key, _GONE) == value:
                continue
            item, decoded = fields[key]
            if key not in new or new[key] is None:
                position = order.index(key)
                start = (fields[order[position - 1]][0].end if position
                         else _after_key(self.text, item.key_start))
                edits.append((start, item.end, ""))
                continue
            edits.extend(self._value_edits(key, item, decoded, value, new[key]))
        added = [k for k in new if k not in old and new[k] is not None]
        if added:
            edits.append(self._added(index, {k: new[k] for k in added}))
        return edits

    def _value_edits(self, key: str, item: FieldText, decoded: Decoded, old: JSONValue,
                     new: JSONValue) -> list[tuple[int, int, str]]:
        kind = kind_of(key)
        if isinstance(new, (int, float)) and not isinstance(new, bool):
            new = str(new)
        if isinstance(new, list) and isinstance(old, list) and len(old) == len(new) and all(
                isinstance(n, str) for n in new):
            names, _others = name_parts(decoded)
            out: list[tuple[int, int, str]] = []
            for part, a, b in zip(names, old, new, strict=True):
                if a != b:
                    assert isinstance(b, str)
                    out.append(self._text_edit(part, str(a), b, "text"))
            return out
        if isinstance(new, list) and all(isinstance(n, str) for n in new):
            others = name_parts(decoded)[1] and isinstance(old, list)
            joined = " and ".join([*(encode_text(str(n), "text") for n in new),
                                   *(["others"] if others else [])])
            return [self._whole_value(item, joined)]
        if not isinstance(new, str) or not isinstance(old, str):
            raise WriteBackError(f"{self.path}: field {key!r} cannot hold {type(new).__name__}")
        return [self._text_edit(decoded, old, new, kind)]

    def _text_edit(self, decoded: Decoded, old: str, new: str, kind: str
                   ) -> tuple[int, int, str]:
        start, end, middle = common_edit(old, new)
        span = decoded.raw_span(start, end)
        if span is None:
            raise WriteBackError(f"{self.path}: the fix would cut through TeX or a macro")
        return span[0], span[1], encode_text(middle, kind)

    def _whole_value(self, item: FieldText, inner: str) -> tuple[int, int, str]:
        first = item.parts[0]
        if len(item.parts) == 1 and first[0] == "quote":
            return first[1] + 1, first[2] - 1, inner
        if len(item.parts) == 1 and first[0] == "brace":
            return first[1] + 1, first[2] - 1, inner
        return item.start, item.end, "{" + inner + "}"

    def _added(self, index: int, values: dict[str, JSONValue]) -> tuple[int, int, str]:
        fields = list(self.fields[index].values())
        if not fields:
            raise WriteBackError(f"{self.path}: entry {index} has no field to add after")
        last = fields[-1][0]
        lead = "\n  "
        if len(fields) >= 2:
            between = self.text[fields[-2][0].end:last.key_start]
            lead = between.lstrip(",") or " "
        parts = []
        for key, value in values.items():
            if isinstance(value, list):
                text = " and ".join(encode_text(str(v), "text") for v in value)
            elif isinstance(value, (str, int, float)) and not isinstance(value, bool):
                text = encode_text(str(value), kind_of(key))
            else:
                raise WriteBackError(f"{self.path}: field {key!r} cannot hold this value")
            parts.append(f",{lead}{key} = {{{text}}}")
        return last.end, last.end, "".join(parts)


_GONE = object()


def _after_key(text: str, key_start: int) -> int:
    """The offset just after the comma that ends the citation key before ``key_start``."""
    return text.rfind(",", 0, key_start) + 1


def _present(value: JSONValue) -> JSONValue:
    """A record without its null fields: a null is written as no field."""
    if isinstance(value, dict):
        return {key: item for key, item in value.items() if item is not None}
    return value


def _squeeze(value: JSONValue) -> JSONValue:
    """``value`` as BibTeX reads it back: whitespace runs in strings as one space, none at
    the ends."""
    if isinstance(value, str):
        return " ".join(value.split())
    if isinstance(value, list):
        return [_squeeze(item) for item in value]
    if isinstance(value, dict):
        return {key: _squeeze(item) for key, item in value.items()}
    return value


def encode_text(text: str, kind: str) -> str:
    """``text`` as BibTeX writes it in a field of ``kind`` (a whitespace run as a space,
    which is how BibTeX reads it anyway)."""
    if text.count("{") != text.count("}"):
        raise WriteBackError("a fix would leave unbalanced braces")
    text = re.sub(r"\s+", " ", text)
    if kind == "verbatim":
        return text
    if kind == "pages":
        text = re.sub(r"[-–](?=\S)", "--", text)
    return re.sub(r"(?<!\\)([&%#])", r"\\\1", text)


def split_names(decoded: Decoded) -> list[Decoded]:
    """A name list split at ``and`` (whitespace around it, outside braces), as BibTeX."""
    names: list[Decoded] = []
    text = decoded.string
    last = 0
    for match in re.finditer(r"\s(and)\s", text, re.IGNORECASE):
        if decoded.depth[match.start(1)] > 0:
            continue
        names.append(_slice(decoded, last, match.start()))
        last = match.end()
    names.append(_slice(decoded, last, len(text)))
    return [name for name in names if name.text]


def name_parts(decoded: Decoded) -> tuple[list[Decoded], bool]:
    """The names of a name list, without a final ``others`` (BibTeX's "et al.", which the
    styles print as such: it is no author), and whether there was one."""
    names = split_names(decoded)
    if len(names) > 1 and names[-1].string.lower() == "others":
        return names[:-1], True
    return names, False


def _slice(decoded: Decoded, lo: int, hi: int) -> Decoded:
    part = Decoded()
    part.extend(decoded, lo, hi)
    return part.squeezed()


def _commas(name: Decoded) -> int:
    return sum(1 for char, depth in zip(name.text, name.depth, strict=True)
               if char == "," and depth == 0)


def read_bibtex(data: bytes, path: str, lines: bool = False) -> BibtexDocument:
    """Read BibTeX bytes; never raises on bad input."""
    text, encoding, bom, problem = decode_text(data)
    document = read_bibtex_text(path, text, encoding, bom)
    if problem is not None:
        document.problems.insert(0, problem)
    return document


def read_bibtex_text(path: str, text: str, encoding: str, bom: bytes) -> BibtexDocument:
    from bibtexparser import model
    from bibtexparser.splitter import Splitter

    document = BibtexDocument(path, text, encoding, bom)
    log = logging.getLogger("bibtexparser")
    level = log.level
    log.setLevel(logging.CRITICAL + 1)  # its failed blocks are findings, not log lines
    try:
        library = Splitter(text).split()
    except Exception as exc:  # bibtexparser's own bug: the file is reported, not a crash
        document.problems.append(ReadProblem(
            INVALID_BIBTEX, f"BibTeX parser failed: {exc.__class__.__name__}", 1, 1))
        return document
    finally:
        log.setLevel(level)
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    entries: list[tuple[Any, list[str]]] = []
    block_lines = sorted({b.start_line or 0 for b in library.blocks
                          if not isinstance(b, model.ImplicitComment)})
    block: Any
    for block in library.blocks:
        if isinstance(block, model.DuplicateBlockKeyBlock):
            # A citation key or macro name used twice: still an entry (BIB002 reports the
            # key), or a macro (BibTeX warns and takes the later definition).
            block = block.ignore_error_block
        if isinstance(block, model.String):
            item = _block_fields(document, block, line_starts, keyed=False)
            if item is not None:
                _key, fields, _closer = item
                for found in fields:
                    document.macros[found.key.lower()] = document.value_of(found, "text")
        elif isinstance(block, model.DuplicateFieldKeyBlock):
            duplicate: Any = block
            entries.append((duplicate.ignore_error_block, sorted(duplicate.duplicate_keys)))
        elif isinstance(block, model.ParsingFailedBlock):
            line = (block.start_line or 0) + 1
            # The block's text runs to the next block (its raw stops where parsing did).
            after = bisect.bisect_right(block_lines, line - 1)
            stop = (line_starts[block_lines[after]] if after < len(block_lines)
                    and block_lines[after] < len(line_starts) else None)
            begin = line_starts[line - 1] if line - 1 < len(line_starts) else len(text)
            balance = brace_balance(text[begin:stop])
            if balance:
                document.problems.append(ReadProblem(
                    UNBALANCED, f"BibTeX entry does not parse: {abs(balance)} more "
                    f"{'{' if balance > 0 else '}'} than {'}' if balance > 0 else '{'}",
                    line, 1))
                continue
            error = block.error
            reason = str(getattr(error, "abort_reason", "") or getattr(error, "message", "")
                         or error)
            reason = " ".join(reason.split())[:120] or "syntax error"
            document.problems.append(ReadProblem(
                INVALID_BIBTEX, f"BibTeX block does not parse: {reason}", line, 1))
        elif isinstance(block, model.Entry):
            entries.append((block, []))
    entries.sort(key=lambda item: item[0].start_line or 0)
    for entry, repeated in entries:
        _add_entry(document, entry, repeated, line_starts)
    return document


def brace_balance(raw: str) -> int:
    """Unescaped ``{`` minus unescaped ``}`` in ``raw``."""
    return (len(re.findall(r"(?<!\\)\{", raw)) - len(re.findall(r"(?<!\\)\}", raw)))


def _block_fields(document: BibtexDocument, block: Any, line_starts: list[int],
                  keyed: bool = True) -> tuple[str, list[FieldText], str] | None:
    line = block.start_line or 0
    start = line_starts[line] if line < len(line_starts) else 0
    raw = block.raw or ""
    begin = document.text.find(raw, start) if raw else -1
    if begin < 0:
        return None
    return _Scan(document.text, begin, begin + len(raw)).fields(keyed)


def _add_entry(document: BibtexDocument, entry: Any, repeated: list[str],
               line_starts: list[int]) -> None:
    index = len(document.records)
    line = entry.start_line or 0
    start = line_starts[line] if line < len(line_starts) else 0
    text = document.text
    at = text.find("@", start)
    spans = Spans(at if at >= 0 else start)
    data: dict[str, JSONValue] = {"ENTRYTYPE": str(entry.entry_type).lower()}
    if str(entry.key).strip():  # an entry without a key has no ID (BIB001 reports it)
        data["ID"] = str(entry.key)
    scanned = _block_fields(document, entry, line_starts)
    fields: dict[str, tuple[FieldText, Decoded]] = {}
    whole = scanned is not None and not repeated
    if scanned is not None:
        _key, found, closer = scanned
        document.closers.append(closer)
        for item in found:
            key = item.key.lower()
            if key in fields or key in ("entrytype", "id"):
                whole = False
                continue
            decoded = document.value_of(item, kind_of(key))
            fields[key] = (item, decoded)
            for part, begin, finish in item.parts:
                balance = brace_balance(text[begin + 1:finish - 1]) if part == "quote" else 0
                if balance:
                    line_no, column = document.position(item.key_start)
                    document.problems.append(ReadProblem(
                        UNBALANCED, f"the braces of field {key!r} do not balance "
                        f"({abs(balance)} more {'{' if balance > 0 else '}'})", line_no,
                        column, index, join_pointer("", key)))
            data[key] = document.record_value(key, decoded)
            pointer = join_pointer("", key)
            spans.values[pointer] = item.key_start
            value = data[key]
            if isinstance(value, list):
                for n, name in enumerate(name_parts(decoded)[0]):
                    if name.starts and name.starts[0] >= 0:
                        spans.values[f"{pointer}/{n}"] = name.starts[0]
    else:
        document.closers.append("}")
        for item in entry.fields:  # what bibtexparser read, at its lines; never written
            key = str(item.key).lower()
            if key not in data:
                value = str(item.value)
                if value[:1] in "{\"" and len(value) > 1:
                    value = value[1:-1]
                data[key] = " ".join(value.split())
                line = item.start_line
                if line is not None and 0 <= line < len(line_starts):
                    spans.values[join_pointer("", key)] = line_starts[line]
    spans.values["/ID"] = spans.start
    spans.values["/ENTRYTYPE"] = spans.start
    document.records.append(RawRecord(data, Origin(document.path, index), profile="bibtex"))
    document.spans.append(spans)
    document.fields.append(fields)
    document.whole.append(whole)
    for key in repeated:
        line_no, column = document.locate(index, join_pointer("", key.lower()))
        document.problems.append(ReadProblem(
            INVALID_BIBTEX, f"field {key!r} appears more than once in entry "
            f"{entry.key!r}: BibTeX keeps the first, other tools the last", line_no, column,
            index, join_pointer("", key.lower())))
