"""Which files ``biblint check`` reads.

* A file named on the command line is always read, whatever .gitignore says; the config's
  ``exclude`` patterns apply to it only with ``force_exclude`` (``--force-exclude``: pre-commit
  passes every staged file explicitly, and ``exclude`` must still hold there).
* A folder is walked for the files that have a reader (see ``readers.walkable``), skipping
  hidden folders and anything matched by ``exclude``. Inside a git work tree the walk honours
  .gitignore (and .git/info/exclude, and the global excludes file): the candidates are the
  files that ``git ls-files --cached --others --exclude-standard`` lists, so tracked files are
  read even when a pattern would ignore them, as git itself does. Without git, outside a work
  tree, or when git fails, the folder is walked on disk instead. A folder that git ignores
  as a whole but that was named explicitly is walked on disk too: naming it is asking for it.

Only bibliographic data is read (:func:`not_data`):

* Well-known files and folders that are not data are never walked into: package manifests
  and lock files, tsconfig/jsconfig, editor and tool settings, JSON Schema files
  (``*.schema.json``), dependency and build folders (``node_modules``, ``venv``, ``build``,
  ``dist``, ``site-packages``...): :data:`DEFAULT_EXCLUDE_FILES`,
  :data:`DEFAULT_EXCLUDE_DIRS`. A folder named on the command line is walked even so (naming
  it is asking for it); with ``force_exclude``, files named explicitly are held to the list.
* A walked ``.json`` file whose content holds no bibliographic record (a JSON Schema, a
  baseline, a report, JSONC settings, any object without the fields of a record) is skipped
  and counted in :class:`Skipped`, so it is neither reported nor ever changed by ``--fix``.
* A walked XML file whose root element is no kind of bibliographic XML (a Maven ``pom.xml``,
  IDE settings, an SVG) is skipped and counted the same way; bibliographic XML of a kind
  biblint does not read (EndNote, MODS, dblp...) is read and reported as such (IO009).
* A walked file in a bibliographic format biblint has no reader for (:data:`DATA_SUFFIXES`
  less the suffixes of :data:`biblint.readers.READERS`) is named in :class:`Skipped`: a gate
  must not pass silently on data it never read. A reader registered for the suffix makes the
  files read.

Files come out in a stable order: per folder, its files by name, then its subfolders by name
(``os.walk`` order), whichever way they were found.
"""

from __future__ import annotations

import fnmatch
import json
import os
import stat
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import regex

from .config import Config
from .readers import READERS, walkable

Discovered = tuple[Path, str]
"""A file to check and the name it is shown under (the path as given or as walked)."""

# Variables that git exports while it runs hooks and that would point `git ls-files` at the
# wrong repository or index (pre-commit drops the same ones before it calls git).
_GIT_ENV_KEPT = frozenset({
    "GIT_EXEC_PATH", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSL_CAINFO", "GIT_SSL_NO_VERIFY",
    "GIT_CONFIG_COUNT", "GIT_HTTP_PROXY_AUTHMETHOD", "GIT_ALLOW_PROTOCOL", "GIT_ASKPASS",
})


DEFAULT_EXCLUDE_DIRS: frozenset[str] = frozenset({
    "node_modules", "bower_components", "jspm_packages", "venv", ".venv", "env", ".env",
    "virtualenv", "site-packages", "dist-packages", "__pypackages__", "build", "dist",
    "__pycache__", ".tox", ".nox", ".git", ".hg", ".svn", ".vscode", ".idea", ".devcontainer",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".cache", ".yarn", ".pnpm-store",
    ".next", ".nuxt", ".angular", ".terraform",
})
"""Folders that hold tools, dependencies or build output, never bibliographic data (and
editor settings folders: ``.vscode`` holds JSON with comments)."""

DEFAULT_EXCLUDE_FILES: tuple[str, ...] = (
    "package.json", "package-lock.json", "npm-shrinkwrap.json", "composer.json", "bower.json",
    "lerna.json", "nx.json", "turbo.json", "deno.json", "deno.jsonc", "biome.json",
    "vercel.json", "netlify.json", "firebase.json", "app.json", "manifest.json",
    "tsconfig.json", "tsconfig.*.json", "jsconfig.json", "jsconfig.*.json",
    ".eslintrc.json", ".babelrc.json", ".prettierrc.json", ".stylelintrc.json",
    ".markdownlint.json", "renovate.json", ".renovaterc.json", "devcontainer.json",
    ".devcontainer.json", "launch.json", "settings.json", "extensions.json", "tasks.json",
    "*.schema.json", "*.code-workspace", "pyrightconfig.json", "cspell.json", ".cspell.json",
    "Pipfile.lock", "*.sarif.json",
)
"""Names (glob patterns) of well-known files that are not data: package manifests and lock
files, compiler and editor settings, JSON Schemas."""

DATA_SUFFIXES: frozenset[str] = frozenset({
    ".json", ".jsonl", ".ndjson", ".bib", ".bibtex", ".biblatex", ".ris", ".nbib",
    ".medline", ".enw", ".ciw", ".xml", ".rdf", ".mods", ".marc", ".mrc", ".marcxml", ".csv",
    ".tsv", ".gz", ".bz2", ".xz", ".zst", ".zip",
})
"""Suffixes of files that may hold bibliographic records: a walked file with one of them
and no reader (:data:`biblint.readers.READERS`) is named as not read."""

STRUCTURE_KEYS = frozenset({
    "dependencies", "devDependencies", "peerDependencies", "scripts", "require",
    "require-dev", "compilerOptions", "extends", "include", "exclude", "lockfileVersion",
    "packages", "workspaces", "main", "module", "bin", "engines", "private", "properties",
    "definitions", "$defs", "$ref", "allOf", "anyOf", "oneOf", "items", "openapi", "swagger",
    "paths", "components", "runs", "files", "settings", "rules", "plugins",
})
"""Keys of configuration, manifests and schemas: an object that has one of them and at most
one field of a record is not a record."""

IDENTIFIER_FIELDS = ("doi", "doi_url", "pmid", "pmcid", "arxiv", "isbn", "issn")
RECORD_FIELDS = ("title", "authors", "container", "container_alt", "volume", "issue",
                 "pages", "first_page", "abstract", "publication_date", "year", "issued",
                 "publisher", "epub_date", "publication_types", "article_number")
"""Canonical fields that make an object a bibliographic record (with an identifier, or two
of these); ``type``, ``url`` and ids are too common in other JSON to count."""

JSONC_MAX = 256 * 1024
"""Largest file tried as JSON with comments (the JSON5 parser is pure Python)."""
SNIFF_MAX = 32 * 1024 * 1024
"""Largest ``.json`` file whose content is checked for records; larger ones are data."""


@dataclass
class Skipped:
    """Files a walk passed without reading them: those in a format biblint has no reader
    for (``unread``), and ``.json`` files that hold no bibliographic record (``no_records``),
    as shown (walk order)."""

    unread: list[str] = field(default_factory=list)
    no_records: list[str] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.unread or self.no_records)

    def unread_suffixes(self) -> list[str]:
        return sorted({Path(name).suffix.lower() for name in self.unread})

    def to_dict(self) -> dict[str, list[str]]:
        """As the JSON report's ``summary.skipped`` (schemas/report.schema.json)."""
        return {"unread": list(self.unread), "no_records": list(self.no_records)}


def default_excluded(path: Path, *, parents: bool = True) -> bool:
    """Whether ``path`` is a well-known non-data file, or (with ``parents``) lies in a
    well-known non-data folder."""
    name = path.name
    if any(fnmatch.fnmatch(name, pattern) for pattern in DEFAULT_EXCLUDE_FILES):
        return True
    return parents and any(_excluded_dir(part) for part in path.parent.parts)


def _excluded_dir(name: str) -> bool:
    return name in DEFAULT_EXCLUDE_DIRS or name.endswith(".egg-info")


def discover(paths: Iterable[str | Path], config: Config, *, force_exclude: bool = False,
             use_git: bool = True, skipped: Skipped | None = None) -> Iterator[Discovered]:
    """Files to check: files as given, folders walked (see the module docstring). A file
    reached twice (named and walked, or under two given folders) is checked once.

    ``skipped`` (if given) collects the walked files that were not read; with
    ``force_exclude`` files named explicitly are treated as walked ones (pre-commit names
    every staged file)."""
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found: Iterable[Discovered] = walk(path, config, use_git=use_git, skipped=skipped)
        elif force_exclude and (excluded_with_parents(config, path)
                                or default_excluded(path)):
            continue
        elif force_exclude:
            found = _data_only([(path, str(given))], config, skipped, named=True)
        else:
            found = [(path, str(given))]
        for item in found:
            key = os.path.normpath(os.path.abspath(item[0]))
            if key not in seen:
                seen.add(key)
                yield item


def _data_only(found: Iterable[Discovered], config: Config, skipped: Skipped | None, *,
               named: bool = False) -> Iterator[Discovered]:
    """``found`` less the files that are not data: those in a data format without a reader
    are named in ``skipped.unread``, ``.json`` files without records in
    ``skipped.no_records``. A file ``named`` on the command line with a suffix that is
    neither is kept (it is read as JSON, sniffed, as before)."""
    for path, shown in found:
        suffix = path.suffix.lower()
        if suffix not in READERS:
            if suffix in DATA_SUFFIXES:
                if skipped is not None:
                    skipped.unread.append(shown)
                continue
            if not named:
                continue
        if not_data(path, config) is not None:
            if skipped is not None:
                skipped.no_records.append(shown)
            continue
        yield path, shown


def walk(folder: Path, config: Config, *, use_git: bool = True,
         skipped: Skipped | None = None) -> Iterator[Discovered]:
    """The readable data files under ``folder`` (gitignore-aware inside a git work tree);
    ``skipped`` collects the others that may hold data (see :func:`_data_only`)."""
    yield from _data_only(_walk_candidates(folder, config, use_git=use_git), config, skipped)


def _candidate(path: Path) -> bool:
    """Whether a walk looks at ``path``: a reader reads it (by suffix, or for ``.txt`` by
    content), or it has a data suffix without a reader (to be named as not read)."""
    suffix = path.suffix.lower()
    return walkable(path) or (suffix in DATA_SUFFIXES and suffix not in READERS)


def _walk_candidates(folder: Path, config: Config, *, use_git: bool = True
                     ) -> Iterator[Discovered]:
    """Files under ``folder`` with a data suffix, less the excluded ones."""
    listed = git_files(folder) if use_git else None
    if listed is None:
        yield from walk_disk(folder, config, accept=_candidate)
        return
    excluded_dirs: dict[tuple[str, ...], bool] = {}

    def dir_excluded(parts: tuple[str, ...]) -> bool:
        if not parts:
            return False
        known = excluded_dirs.get(parts)
        if known is None:
            known = (parts[-1].startswith(".") or _excluded_dir(parts[-1])
                     or dir_excluded(parts[:-1])
                     or config.excluded(str(folder.joinpath(*parts))))
            excluded_dirs[parts] = known
        return known

    chosen: list[tuple[tuple[str, ...], Path]] = []
    for name in listed:
        relative = Path(name)
        candidate = folder / relative
        if dir_excluded(relative.parts[:-1]) or default_excluded(relative, parents=False) \
                or not _candidate(candidate):
            continue
        if not os.path.lexists(candidate) or candidate.is_dir():
            continue  # deleted but still in the index, or a symlink to a folder
        if config.excluded(str(candidate)):
            continue
        chosen.append((relative.parts, candidate))
    chosen.sort(key=lambda item: _walk_order(item[0]))
    for _, candidate in chosen:
        yield candidate, str(candidate)


def walk_disk(folder: Path, config: Config, *, accept: Callable[[Path], bool] | None = None
              ) -> Iterator[Discovered]:
    """The plain walk: every file under ``folder`` that ``accept`` takes (default: those a
    reader reads, :func:`biblint.readers.walkable`) and that ``exclude`` and the default
    exclusions keep."""
    accept = accept or walkable
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        here = Path(root)
        try:
            stat = here.stat()
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen:  # a symlink loop
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not _excluded_dir(d)
                         and not config.excluded(str(here / d)))
        for name in sorted(files):
            candidate = here / name
            if (accept(candidate) and not default_excluded(candidate, parents=False)
                    and not config.excluded(str(candidate))):
                yield candidate, str(candidate)


def git_files(folder: Path) -> list[str] | None:
    """Paths (relative to ``folder``) that git tracks or would track under ``folder``.

    None when git is missing, ``folder`` is not inside a work tree, git fails, or git
    ignores ``folder`` as a whole (then the caller walks it on disk).
    """
    listing = _git(folder, "ls-files", "--cached", "--others", "--exclude-standard", "-z",
                   "--", ".")
    if listing is None:
        return None
    names = list(dict.fromkeys(os.fsdecode(n) for n in listing.split(b"\0") if n))
    if not names and _git(folder, "check-ignore", "-q", ".") is not None:
        return None  # the folder itself is ignored, and it was asked for by name
    return names


def not_data(path: Path, config: Config | None = None) -> str | None:
    """Why the ``.json`` or XML file at ``path`` holds no bibliographic record (a short phrase
    for a message), or None when it may: when it holds a record, is neither, is too large to
    sniff, cannot be read or decoded, or is broken JSON (the reader reports those). XML is
    judged by its root element (:func:`_xml_not_data`).

    A record is an object that a profile (installed, or the config's own) recognises, or that
    has an identifier (DOI, PMID, PMCID, arXiv, ISBN, ISSN) or two fields of a record (title,
    authors, journal, year...) at any profile's pointers, or one such field and none of the
    keys of manifests, configuration and schemas (:data:`STRUCTURE_KEYS`). An object with a
    JSON Schema ``$schema`` is a schema. A file that is not JSON but parses as JSON with
    comments (or JSON5) is configuration when it holds no record."""
    suffix = path.suffix.lower()
    if suffix in XML_SUFFIXES:
        return _xml_not_data(path)
    if suffix != ".json":
        return None
    try:
        info = path.stat()
        # Only regular files: a FIFO or a device would block or never end (the reader
        # reports them).
        if not stat.S_ISREG(info.st_mode) or info.st_size > SNIFF_MAX or info.st_size == 0:
            return None
        data = path.read_bytes()
        text = data.decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    try:
        parsed: Any = orjson.loads(text)
    except orjson.JSONDecodeError:  # also what orjson refuses and json reads (huge ints)
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            parsed = _jsonc(text)
            if parsed is _BROKEN:
                return None
            return _why_not_records(parsed, True, config or Config())
    except RecursionError:
        return None
    return _why_not_records(parsed, False, config or Config())


XML_SUFFIXES = frozenset({".xml", ".nxml"})
"""Suffixes read as XML: a walked one whose root is no bibliographic XML is not data."""


def _xml_not_data(path: Path) -> str | None:
    """Why a walked XML file holds no records (a Maven pom, IDE settings, an SVG), from its
    root element; None for bibliographic XML, HTML pages saved as XML, unsafe or broken XML,
    which the reader reports."""
    from .readers.xml import foreign_root
    from .readers.xmlbase import PROLOG_LIMIT

    try:
        with path.open("rb") as handle:
            head = handle.read(PROLOG_LIMIT)
    except OSError:
        return None
    root = foreign_root(head)
    return None if root is None else f"XML with root <{root}>, not bibliographic XML"


_BROKEN = object()
_JSONC_HINT_RE = regex.compile(r"//|/\*|,\s*+[\]}]")


def _jsonc(text: str) -> Any:
    """``text`` parsed as JSON with comments (or JSON5), or ``_BROKEN``. Tried only on a
    small text with a comment or a trailing comma in it: broken data is the reader's."""
    if len(text) > JSONC_MAX or not _JSONC_HINT_RE.search(text):
        return _BROKEN
    import json5  # only for the rare file that is not JSON

    try:
        return json5.loads(text)
    except Exception:  # json5 raises ValueError, and others on odd input: broken JSON
        return _BROKEN


def _why_not_records(parsed: Any, jsonc: bool, config: Config) -> str | None:
    from .profiles import installed_profiles
    from .readers.jsonfile import _unwrap

    profiles = installed_profiles().with_user(config.profiles) if config.profiles \
        else installed_profiles()
    unwrapped = _unwrap(parsed)
    if not jsonc and isinstance(parsed, dict) and (not unwrapped or unwrapped[0][0]):
        return None  # a known wrapper (Crossref, OpenAlex, DataCite), even an empty list
    values = [value for _, value in unwrapped]
    objects = [value for value in values if isinstance(value, dict)]
    if not jsonc and len(objects) < len(values):
        return None  # values that are not records: the reader reports each one (IO004)
    schema = False
    for value in objects:
        if _is_schema(value):
            schema = True
            continue
        # A record, or an envelope around one (Zotero's {"key", "links", "data": {...}}).
        if _is_record(value, profiles) or any(
                _is_record(child, profiles) for child in value.values()
                if isinstance(child, dict) and not _is_schema(child)):
            return None
    if jsonc:
        return "JSON with comments (editor or tool settings), not records"
    if schema:
        return "a JSON Schema, not records"
    if not objects:
        return "no records in it"
    return "no object in it has the fields of a bibliographic record"


def _has_value(found: Any) -> bool:
    """A field holds a value of a record: a non-empty string, a number or a non-empty list
    (an object does not count: in a schema, ``"title": {"type": "string"}``)."""
    if isinstance(found, str):
        return bool(found.strip())
    if isinstance(found, list):
        return bool(found)
    return isinstance(found, (int, float)) and not isinstance(found, bool)


def _is_schema(value: dict[str, Any]) -> bool:
    marker = value.get("$schema")
    return isinstance(marker, str) and "json-schema" in marker


_DOI_VALUE_RE = regex.compile(r"(?:https?://(?:dx\.)?doi\.org/|doi:\s*+)?10\.[0-9]{4,9}/\S",
                              regex.IGNORECASE)


def _is_record(value: dict[str, Any], profiles: Any) -> bool:
    from .model import lookup

    context = value.get("@context")
    if isinstance(context, str) and "schema.org" in context:
        return True  # schema.org JSON-LD (ScholarlyArticle, Dataset...)
    if any(isinstance(item, str) and _DOI_VALUE_RE.match(item) for item in value.values()):
        return True  # a DOI as a value, under whatever key
    for profile in profiles:
        if profile is not profiles.fallback and profile.detect(value):
            return True
    found: set[str] = set()
    for profile in profiles:
        for name in (*IDENTIFIER_FIELDS, *RECORD_FIELDS):
            if name in found:
                continue
            if any(_has_value(lookup(value, pointer))
                   for pointer in profile.fields.get(name, ())):
                if name in IDENTIFIER_FIELDS:
                    return True
                found.add(name)
    if len(found) >= 2:
        return True
    return len(found) == 1 and not STRUCTURE_KEYS.intersection(value)


def git_toplevel(folder: Path) -> Path | None:
    """The top folder of the git work tree holding ``folder``, or None outside one."""
    out = _git(folder, "rev-parse", "--show-toplevel")
    text = os.fsdecode(out).strip() if out else ""
    return Path(text) if text else None


def _git(folder: Path, *args: str) -> bytes | None:
    """stdout of ``git args`` run in ``folder``, or None if it cannot run or fails."""
    import subprocess  # here: a run on named files starts no git (2 ms of start-up)

    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GIT_") or k in _GIT_ENV_KEPT
           or k.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))}
    try:
        done = subprocess.run(["git", *args], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def excluded_with_parents(config: Config, path: Path) -> bool:
    """Whether ``exclude`` matches ``path`` or one of the folders it names."""
    if config.excluded(str(path)):
        return True
    return any(config.excluded(str(parent)) for parent in path.parents
               if parent.name and parent != Path("."))


def _walk_order(parts: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """``os.walk`` order with sorted names: a folder's files, then its subfolders."""
    return (*((1, part) for part in parts[:-1]), (0, parts[-1]))


__all__ = ["DATA_SUFFIXES", "DEFAULT_EXCLUDE_DIRS", "DEFAULT_EXCLUDE_FILES", "Discovered",
           "Skipped", "default_excluded", "discover", "excluded_with_parents", "git_files",
           "git_toplevel", "not_data", "walk", "walk_disk"]
