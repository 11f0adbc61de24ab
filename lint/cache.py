"""The result cache: a record (or file) checked once with the same settings is not checked again.

A data repository's CI re-checks every record on every push, though a push changes a handful;
a pre-commit hook re-checks the files it is given. ruff's ``.ruff_cache`` and mypy's cache are
the model: results are kept on disk, keyed by what decides them, and reused when nothing that
decides them changed. The reference research lists "a content-hash cache" as the next
performance step after ``--jobs``.

**What is a key.** A BLAKE2b digest of the *settings* (everything but the input that decides a
finding: biblint's own files, every plugin rule module, the installed distributions and their
versions, the Python version, and the resolved configuration with the contents of user
profiles' schemas: see :func:`settings_digest`) and of the input itself:

- a line of a JSON Lines file is cached on its own (its bytes, the per-file ignores that apply
  to it and the profile forced on it), so a push that changes one record of a million-line
  file checks one record. A hit gives the record's findings (positions are within the line:
  the line number is the record's line now) and its run-scope keys, which go into the run
  as if the record had been checked; the run-scope rules (duplicates...) then judge the whole
  run as always.
- any other file is cached whole (its bytes and the name it is shown by): its records'
  findings, counts and run-scope keys.

**What is not cached.** ``--fix`` and ``--diff`` (they rewrite files), a run taking a census
(the HTML report), a run with a rule of the older stateful run form (its findings depend on
the records before), a record whose check crashed a rule, and any value the cache cannot store
exactly (then that record is simply checked each time).

**Never wrong, never in the way.** Entries are JSON, not pickles: a cache folder is data, and
reading one runs no code. Every error of the cache (an unwritable folder, a corrupt or locked
database, a full disk) turns the cache off for the rest of the run, silently: the check goes
on and finds what it would have found. Writes are SQLite transactions, so a run killed
mid-write leaves the database as it was. Worker processes (``--jobs``) each open the database
and write their own entries.

The folder is ``$XDG_CACHE_HOME/biblint`` (``~/.cache/biblint``) by default, not the data
repository: nothing is written among the user's files, and a cache cannot arrive with a pull
request. ``cache-dir`` (config), ``--cache-dir`` or ``BIBLINT_CACHE_DIR`` move it (CI keeps it
between runs with its own cache step), ``--no-cache`` turns it off. The library API
(:func:`biblint.lint`, :class:`~biblint.engine.Linter`) caches nothing unless its
:class:`~biblint.config.Config` names a folder.
"""

from __future__ import annotations

import dataclasses
import enum
import hashlib
import math
import os
import sys
from collections.abc import Iterable, Mapping
from contextlib import suppress
from importlib.util import find_spec
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from .model import Applicability, Finding, Fix, PatchOp, Severity, make_finding

if TYPE_CHECKING:
    import sqlite3

    from .config import Config
    from .registry import Rule

FORMAT = 1
"""The layout of entries: a change of it starts a new database file."""

MAX_BYTES = 2 * 1024**3
"""A database larger than this is emptied before a run, and a run stops adding to one that
has grown past it: a bound on the disk a cache takes (entries of records that have since
changed are never read again; a run over more records than fit keeps the first ones)."""

FLUSH_EVERY = 500
"""Entries written in one transaction, at most: bounded memory on a long file."""

CAPTURE_LIMIT = 50_000
"""Records of one whole-file entry, at most: a larger file that is not JSON Lines is checked
each time rather than held in memory to be cached."""

def default_dir() -> Path:
    """``$BIBLINT_CACHE_DIR``, else ``$XDG_CACHE_HOME/biblint``, else ``~/.cache/biblint``."""
    named = os.environ.get("BIBLINT_CACHE_DIR")
    if named:
        return Path(named)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "biblint"


class CacheUnusable(Exception):
    """A value the cache cannot store exactly (the record is checked each time instead)."""


# -- settings -----------------------------------------------------------------------------------

def settings_digest(config: Config, rules: Iterable[Rule]) -> bytes:
    """What decides a finding besides the input, as a digest (see the module's docstring).

    Today's date is part of them, since whether a date lies in the future depends on it.
    Code is identified so that a cache survives a fresh install of the same versions (a CI
    run installs biblint anew each time) but not an edit: by the names of every installed
    distribution (``*.dist-info``: name and version); biblint's own files by its wheel's
    ``RECORD`` (a hash of each file), or in a development checkout by each file's size and
    time of change; a plugin's rule module by its content."""
    from .domain.dates import today

    h = hashlib.blake2b(digest_size=20)
    h.update(f"biblint-cache {FORMAT} {sys.version} {sys.platform}\n".encode())
    # A date in the future (DATE003) is one compared with today: results are reused the same
    # day only.
    h.update(f"today {today().isoformat()}\n".encode())
    for folder in sys.path:
        try:
            names = sorted(n for n in os.listdir(folder or ".")
                           if n.endswith((".dist-info", ".egg-info")))
        except OSError:
            continue
        h.update("\n".join(names).encode("utf-8", "surrogateescape"))
    _digest_package(h, Path(__file__).resolve().parent)
    rules = list(rules)
    h.update(" ".join(sorted(rule.code for rule in rules)).encode())
    modules = {getattr(getattr(rule, "check", None), "__module__", "") or "" for rule in rules}
    files: set[Path] = set()
    for module in modules:  # biblint's own are in _digest_package; a plugin's, by content
        file = getattr(sys.modules.get(module), "__file__", None)
        if file is not None and module != "biblint" and not module.startswith("biblint."):
            files.add(Path(file).resolve())
    for file in sorted(files):
        _digest_file(h, file, file.name)
    profiles = tuple(dataclasses.replace(p, schema=_content(p.schema)) for p in config.profiles)
    h.update(orjson.dumps(_canonical(dataclasses.replace(
        config, jobs=None, source=None, census=False, cache=True, cache_dir=None, root=None,
        profiles=profiles))))
    return h.digest()


def _digest_package(h: Any, package: Path) -> None:
    """biblint's own files: its wheel's ``RECORD`` when installed from one, else (a
    development checkout, an editable install) the name, size and time of change of each."""
    records = sorted(package.parent.glob("biblint-*.dist-info/RECORD"))
    if records:
        for record in records:
            _digest_file(h, record, record.parent.name)
        return
    roots = [package]
    rules = find_spec("biblint.rules")
    if rules is not None and rules.origin:
        roots.append(Path(rules.origin).resolve().parent)
    for root in roots:
        entries = []
        for folder, dirs, names in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__" and not d.startswith("."))
            for name in names:
                if name.endswith((".py", ".json", ".toml", ".so", ".pyd", ".txt")):
                    path = os.path.join(folder, name)
                    try:
                        st = os.stat(path)
                    except OSError:
                        continue
                    entries.append(f"{os.path.relpath(path, root)} {st.st_size} "
                                   f"{st.st_mtime_ns}")
        entries.sort()
        h.update(f"tree {root.name}\n".encode())
        h.update("\n".join(entries).encode("utf-8", "surrogateescape"))


def _digest_file(h: Any, path: Path, label: str) -> None:
    try:
        h.update(f"file {label} ".encode() + hashlib.sha256(path.read_bytes()).digest())
    except OSError:
        h.update(f"file {label} missing\n".encode())


def _content(schema: str | None) -> str | None:
    """A user profile's schema file as the hash of its content (its folder does not matter)."""
    if not schema:
        return schema
    path = Path(schema.split("#", 1)[0])
    try:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() \
            else schema
    except OSError:
        return schema


def _canonical(value: Any) -> Any:
    """``value`` as JSON whose text does not depend on hash order or object identity."""
    if isinstance(value, enum.Enum):
        return f"{type(value).__name__}.{value.name}"
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, Path):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return [type(value).__qualname__,
                {f.name: _canonical(getattr(value, f.name)) for f in dataclasses.fields(value)}]
    if isinstance(value, Mapping):
        return sorted(([_key_text(k), _canonical(v)] for k, v in value.items()),
                      key=lambda kv: kv[0])
    if isinstance(value, (frozenset, set)):
        return sorted((_canonical(v) for v in value), key=_key_text)
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if callable(value):
        return f"{getattr(value, '__module__', '?')}.{getattr(value, '__qualname__', '?')}"
    return repr(value)


def _key_text(value: Any) -> str:
    return orjson.dumps(_canonical(value)).decode() if not isinstance(value, str) else value


# -- values -------------------------------------------------------------------------------------

def _encode(value: Any) -> Any:
    """A run-scope key or payload as JSON: a tuple as an array (keys hold no lists: a list is
    not hashable), bytes as ``{"b": base64}``; anything else cannot be kept exactly."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return value
    if kind is tuple:
        return [_encode(v) for v in value]
    if kind is float:
        if not math.isfinite(value):
            raise CacheUnusable("a float that JSON cannot hold")
        return value
    if kind is bytes:
        import base64  # lazily: few keys are bytes, and start-up should not pay for it

        return {"b": base64.b64encode(value).decode("ascii")}
    raise CacheUnusable(f"a {kind.__name__} in a run-scope key")


def _decode(value: Any) -> Any:
    if type(value) is list:
        return tuple([_decode(v) if type(v) is list or type(v) is dict else v for v in value])
    if type(value) is dict:
        import base64

        return base64.b64decode(value["b"])
    return value


def _json_value(value: Any) -> Any:
    """A fix's value, checked to come back from JSON equal (no tuple, NaN or huge integer)."""
    kind = type(value)
    if kind is str or kind is bool or value is None:
        return value
    if kind is int:
        if -(2**63) <= value < 2**64:
            return value
    elif kind is float:
        if math.isfinite(value):
            return value
    elif kind is list:
        return [_json_value(v) for v in value]
    elif kind is dict and all(type(k) is str for k in value):
        return {k: _json_value(v) for k, v in value.items()}
    raise CacheUnusable("a fix value that JSON cannot hold exactly")


def _encode_fix(fix: Fix | None) -> Any:
    if fix is None:
        return None
    return [fix.title, int(fix.applicability),
            [[op.op, op.path, _json_value(op.value)] for op in fix.ops]]


_APPLICABILITY = {int(a): a for a in Applicability}


def _decode_fix(data: Any) -> Fix:
    title, applicability, ops = data
    return Fix(title, tuple([PatchOp(op, path, value) for op, path, value in ops]),
               _APPLICABILITY[applicability])


def encode_findings(findings: Iterable[Finding], *, in_file: bool) -> list[Any]:
    """Findings as JSON rows, without what the settings decide (a rule's name and severity).
    ``in_file`` True (a whole file): each row keeps its line and record index. False (a JSON
    Lines record): the line is only flagged, since it is the record's line wherever the record
    moves, and the index is the record's."""
    rows = []
    for f in findings:
        row = [f.code, f.message, f.pointer, _encode_fix(f.fix),
               f.line if in_file else f.line is not None, f.column, f.fingerprint]
        if in_file:
            row.append(f.record)
        rows.append(row)
    return rows


def decode_findings(rows: Iterable[Any], rules: Mapping[str, tuple[str, Severity]],
                    file: str | None, record: int | None, line: int | None) -> list[Finding]:
    """The findings of :func:`encode_findings`; ``rules`` gives each code's name and
    severity; ``line`` is the record's line (JSON Lines), None for rows that carry their own.
    Raises KeyError for a code no selected rule has (an entry the settings no longer make)."""
    out = []
    for row in rows:
        code, message, pointer, fix, at, column, fingerprint = row[:7]
        name, severity = rules[code]
        if line is not None:
            at = line if at else None
            index = record
        else:
            index = row[7]
        out.append(make_finding(code, name, severity, message, pointer,
                                None if fix is None else _decode_fix(fix), file, index, at,
                                column, fingerprint))
    return out


_SCALARS = (str, int, bool, type(None))


def encode_keys(captured: Iterable[tuple[Any, ...]]) -> list[Any]:
    """Run-scope keys as :meth:`biblint.engine.Linter` captured them: ``(index, record key,
    [(code, [(key, payload)...])...], hidden pointers)`` per record. A rule's keys that are all
    flat tuples of strings and numbers (TYP008's two dozen per record) are marked so: they come
    back with one ``tuple()`` each."""
    out = []
    for index, record_key, keyed, hidden in captured:
        rules = []
        for code, pairs in keyed:
            flat = all(type(k) is tuple and type(p) is tuple
                       and all(type(v) in _SCALARS for v in k)
                       and all(type(v) in _SCALARS for v in p) for k, p in pairs)
            if flat:
                rules.append([code, [[list(k), list(p)] for k, p in pairs], 1])
            else:
                rules.append([code, [[_encode(k), _encode(p)] for k, p in pairs]])
        out.append([index, record_key, rules, list(hidden)])
    return out


def decode_keys(rows: Iterable[Any]) -> list[Any]:
    """The records' keys of :func:`encode_keys`, as :data:`biblint.engine.Captured` tuples."""
    decode = _decode
    out = []
    for index, record_key, rules, hidden in rows:
        keyed = []
        for rule in rules:
            if len(rule) == 3:
                keyed.append((rule[0], [(tuple(k), tuple(p)) for k, p in rule[1]]))
            else:
                keyed.append((rule[0], [(decode(k), decode(p)) for k, p in rule[1]]))
        out.append((index, record_key, keyed, tuple(hidden)))
    return out


# -- the store ----------------------------------------------------------------------------------

class ResultCache:
    """One SQLite database of entries under a folder; every failure turns it off (see the
    module's docstring). Entries are read at once and written in batches."""

    def __init__(self, folder: Path, settings: bytes) -> None:
        self.folder = folder
        self.settings = settings
        self.enabled = True
        self.hits = 0
        self.misses = 0
        self._db: sqlite3.Connection | None = None
        self._pending: list[tuple[bytes, bytes]] = []
        self._reading = False
        """Whether a read transaction is open: lookups in one are twice as fast (SQLite
        takes its snapshot once); it ends before a write and at :meth:`flush`."""
        self.full = False
        """Whether the database has reached :data:`MAX_BYTES`: entries are still read, no
        more are written."""

    @property
    def path(self) -> Path:
        return self.folder / f"results-v{FORMAT}.sqlite3"

    def _connect(self) -> sqlite3.Connection | None:
        if self._db is None and self.enabled:
            try:
                import sqlite3  # lazily: a run without a cache does not pay for it

                self.folder.mkdir(parents=True, exist_ok=True)
                _mark(self.folder)
                db = sqlite3.connect(self.path, timeout=30, isolation_level=None,
                                     check_same_thread=False)
                db.execute("PRAGMA journal_mode=WAL")
                db.execute("PRAGMA synchronous=NORMAL")
                # Entries go at the end of the table in the order they come (a rowid table),
                # found by a small index of their keys: a write touches a few pages, not one
                # at random per entry (keys are hashes). Measured on 20,000 seed-shaped
                # entries against a table keyed by the hash itself: 47 against 123-176 µs a
                # write, 10 against 26-44 µs a read.
                db.execute("CREATE TABLE IF NOT EXISTS entries (id INTEGER PRIMARY KEY, "
                           "key BLOB NOT NULL UNIQUE, value BLOB NOT NULL)")
                self._db = db
            except Exception:  # an unwritable folder, not a database...: no cache this run
                self.enabled = False
        return self._db

    def key(self, *parts: bytes | str) -> bytes:
        h = hashlib.blake2b(self.settings, digest_size=20)
        for part in parts:
            data = part.encode("utf-8", "surrogatepass") if isinstance(part, str) else part
            h.update(len(data).to_bytes(8, "little"))
            h.update(data)
        return h.digest()

    def get(self, key: bytes) -> Any:
        """The entry under ``key`` (decoded JSON), or None."""
        db = self._connect()
        if db is None:
            return None
        try:
            if not self._reading:
                db.execute("BEGIN")
                self._reading = True
            row = db.execute("SELECT value FROM entries WHERE key = ?", (key,)).fetchone()
            if row is None:
                self.misses += 1
                return None
            value = orjson.loads(row[0])
        except Exception:  # a corrupt database or entry: the record is checked instead
            self.misses += 1
            self._off()
            return None
        self.hits += 1
        return value

    def put(self, key: bytes, value: Any) -> None:
        if not self.enabled or self.full:
            return
        try:
            data = orjson.dumps(value)
        except (TypeError, ValueError):
            return  # not exactly storable: checked each time
        self._pending.append((key, data))
        if len(self._pending) >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        """Write the pending entries, and end the read transaction."""
        pending, self._pending = self._pending, []
        db = self._connect() if pending else self._db
        if db is None:
            return
        try:
            if self._reading:
                self._reading = False
                db.execute("COMMIT")
            if not pending:
                return
            if self._size() >= MAX_BYTES:
                self.full = True
                return
            db.execute("BEGIN IMMEDIATE")
            db.executemany("INSERT OR REPLACE INTO entries (key, value) VALUES (?, ?)", pending)
            db.execute("COMMIT")
        except Exception:  # locked for too long, a full disk...: no more caching this run
            with suppress(Exception):
                db.execute("ROLLBACK")
            self._off()

    def _size(self) -> int:
        return _size(self.path)

    def _off(self) -> None:
        self.enabled = False
        self._reading = False
        self._pending = []
        if self._db is not None:
            with suppress(Exception):
                self._db.close()
            self._db = None

    def close(self) -> None:
        self.flush()
        self._off()


def _mark(folder: Path) -> None:
    """A ``.gitignore`` and a ``CACHEDIR.TAG`` in a new cache folder (as ruff and pytest do),
    so that a cache placed inside a repository is never committed or backed up."""
    ignore = folder / ".gitignore"
    if not ignore.exists():
        ignore.write_text("# Created by biblint automatically.\n*\n", encoding="utf-8")
    tag = folder / "CACHEDIR.TAG"
    if not tag.exists():
        tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n"
                       "# This file is a cache directory tag created by biblint.\n",
                       encoding="utf-8")


def prune(folder: Path, limit: int | None = None) -> None:
    """Empty the database in ``folder`` when it has grown to ``limit`` bytes (default
    :data:`MAX_BYTES`; called once per run by the command line, before any worker starts)."""
    path = folder / f"results-v{FORMAT}.sqlite3"
    try:
        if _size(path) < (MAX_BYTES if limit is None else limit):
            return
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
    except OSError:
        pass


def _size(path: Path) -> int:
    """A database's bytes on disk, its write-ahead log included."""
    size = 0
    for suffix in ("", "-wal"):
        with suppress(OSError):
            size += os.stat(f"{path}{suffix}").st_size
    return size
