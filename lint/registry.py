"""Rules: the ``@rule`` decorator, the registry, and rule selection.

A rule is a generator function ``check(record, ctx)`` yielding :class:`~biblint.model.Violation`
objects, declared with :func:`rule`, which gives it a stable code (family prefix + three
digits), a kebab-case name, a default severity and its fix applicability. Its docstring is its
documentation, with the headings *What it does*, *Why is this bad?*, *Example* and *Fix*.

A rule that compares records (``scope="run"``) is declared with a ``judge`` and is then
two-phase (:mod:`biblint.runscope`): its function only extracts small picklable keys from each
record, and the judge reports over the keys of the whole run once they are merged, so its
findings do not depend on the order of records and the run can be split over processes.

Rules reach the registry through the ``biblint.rules`` entry-point group, built-in ones
included (``builtin = "biblint.rules:RULES"``); a third-party package adds rules the same way.
Only installed packages are loaded: never a file from the current directory.
"""

from __future__ import annotations

import functools
import inspect
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import EntryPoint, distributions
from types import ModuleType
from typing import Any, Literal

from .model import Applicability, Severity, Violation
from .profiles import CANONICAL_FIELDS, Profile
from .record import Record
from .runscope import Judge, Keep, Key

ENTRY_POINT_GROUP = "biblint.rules"
CODE_RE = re.compile(r"^[A-Z]{2,5}[0-9]{3}$")
NAME_RE = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
DOC_HEADINGS = ("What it does", "Why is this bad?", "Example", "Fix")

STRINGS = "<strings>"
"""``reads`` marker: the rule walks every string value of the record (the TXT rules)."""
MEMBERS = "<members>"
"""``reads`` marker: the rule walks every member of the record (keys, numbers, nulls too)."""
RECORD = "<record>"
"""``reads`` marker: the rule reads the record beyond its canonical fields (keys a profile
does not map, such as OpenAlex's ``abstract_inverted_index``), or reports a field's absence
(``REC001``): no canonical field's presence can tell that it has nothing to say."""
WHOLE = frozenset({STRINGS, MEMBERS, RECORD})
"""The markers that make a rule run on every record."""


@dataclass
class Context:
    """What a rule gets besides the record: its options and, for run rules, shared state."""

    options: Mapping[str, Any]
    profile: Profile
    state: dict[str, Any] = field(default_factory=dict)
    """Per-run memory of a ``scope="run"`` rule (e.g. the DOIs seen so far)."""


Check = Callable[[Record, Context], Iterable[Violation]]
"""A record rule, or the extract step of a two-phase run rule (which also yields ``Key``)."""
Extract = Callable[[Record, Context], Iterable[Violation | Key]]


@dataclass(frozen=True)
class Option:
    """A rule option: its default, a JSON Schema for valid values, and what it means."""

    default: Any
    schema: Mapping[str, Any]
    description: str


@dataclass(frozen=True)
class Rule:
    code: str
    name: str
    severity: Severity
    fix: Applicability | None
    check: Check | Extract
    doc: str
    scope: Literal["record", "run", "input"] = "record"
    """``record``: sees one record; ``run``: also keeps state across the records of a run;
    ``input``: reported by the readers (unreadable input), cannot be deselected."""
    options: Mapping[str, Option] = field(default_factory=dict)
    source: str = "builtin"
    fallback: bool = False
    """A catch-all (the schema rule): its finding is dropped where another rule reported at
    the same pointer, so one defect gives one finding, from the rule that explains it best.
    The engine runs it after the record's other rules, with their pointers in
    ``ctx.state[biblint.engine.EXPLAINED]`` so that it may skip working those out; its
    findings keep the place of its turn."""
    reads: frozenset[str] | None = None
    """The canonical fields the rule reads (and the markers :data:`STRINGS`, :data:`MEMBERS`,
    :data:`RECORD`): the engine calls it only for records that have at least one of these
    fields, or for every record when it names a marker. None (a plugin that does not say):
    every record."""

    @property
    def gated(self) -> bool:
        """Whether the engine may skip the rule for a record that lacks all its fields."""
        return self.reads is not None and not (self.reads & WHOLE)

    judge: Judge | None = None
    """A two-phase run rule's judgement (see :mod:`biblint.runscope`): ``check`` is then its
    extract step. A ``scope="run"`` rule without one keeps state in ``Context.state`` and sees
    the records of a run in order, in one process (``--jobs`` then runs serially)."""
    keep: Keep | None = None
    max_keys: int | None = None
    """The key limit of a two-phase rule without a ``max-keys`` option."""
    alone: bool = False
    """Whether a two-phase rule's extract step also yields violations a record shows on its
    own (JRN005's code without a label): only then does it run when there is nothing to
    compare (``biblint.lint`` of one record, the passes of ``--fix``)."""

    @property
    def two_phase(self) -> bool:
        return self.judge is not None

    @property
    def family(self) -> str:
        return self.code.rstrip("0123456789")

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else ""

    def default_options(self) -> dict[str, Any]:
        return {name: opt.default for name, opt in self.options.items()}


def rule(
    code: str,
    name: str,
    *,
    severity: str = "warning",
    fix: str | None = None,
    scope: Literal["record", "run", "input"] = "record",
    options: Mapping[str, Option] | None = None,
    fallback: bool = False,
    judge: Judge | None = None,
    keep: Keep | None = None,
    max_keys: int | None = None,
    alone: bool = False,
    reads: Iterable[str] | None = None,
) -> Callable[[Check | Extract], Rule]:
    """Declare a rule. ``fix`` is the applicability of the fixes it usually offers.

    A rule declared ``fix="safe"`` may still offer an unsafe fix for a harder case (ruff's
    "sometimes fixable"); a rule declared without ``fix`` offers none.

    A ``scope="run"`` rule given a ``judge`` is two-phase (:mod:`biblint.runscope`): the
    decorated function is its pure extract step, yielding :class:`~biblint.runscope.Key`
    items (and violations a record shows on its own), and ``judge(key, entries, options)``
    reports over the merged keys; ``keep`` and ``max_keys`` bound its memory, and ``alone``
    says that the extract step also yields violations of a record on its own (otherwise it
    is skipped when there is nothing to compare). Findings of a two-phase rule do not depend
    on the order of records, and it runs over ``--jobs`` workers. A run rule without
    ``judge`` (the older form, ``Context.state``) still works, in one process.

    ``reads`` names the canonical fields the rule reads (``reads=("doi", "doi_url")``), or
    :data:`STRINGS` / :data:`MEMBERS` / :data:`RECORD` for a rule that walks the whole
    record. The engine skips a rule for a record that has none of its fields (most records
    lack most fields of most shapes), so a rule must report nothing on such a record: a rule
    that reports a field's absence reads :data:`RECORD`. Undeclared (None): every record.
    """
    if (judge is not None or keep is not None) and scope != "run":
        raise ValueError(f"rule {code}: only a scope='run' rule takes judge or keep")
    if not CODE_RE.match(code):
        raise ValueError(f"rule code {code!r} must be 2-5 capital letters and 3 digits")
    if not NAME_RE.match(name):
        raise ValueError(f"rule name {name!r} must be kebab-case")
    declared = None if reads is None else frozenset(
        (reads,) if isinstance(reads, str) else reads)
    if declared is not None:
        unknown = sorted(declared - WHOLE - CANONICAL_FIELDS.keys())
        if unknown or not declared:
            raise ValueError(f"rule {code} reads {unknown or 'nothing'}: name canonical fields "
                             f"or STRINGS, MEMBERS, RECORD")

    def decorate(func: Check | Extract) -> Rule:
        return Rule(
            code=code,
            name=name,
            severity=Severity.parse(severity),
            fix=Applicability.parse(fix) if fix else None,
            check=func,
            doc=inspect.cleandoc(func.__doc__ or ""),
            scope=scope,
            options=dict(options or {}),
            source=func.__module__,
            fallback=fallback,
            reads=declared,
            judge=judge,
            keep=keep,
            max_keys=max_keys,
            alone=alone,
        )

    return decorate


def collect(*modules: ModuleType) -> list[Rule]:
    """The rules defined in ``modules``, in definition order (for a package's ``RULES``)."""
    return [obj for module in modules for obj in vars(module).values() if isinstance(obj, Rule)]


class RegistryError(Exception):
    """A plugin failed to load, or two rules claim one code or name."""


class Registry:
    """Every known rule, by code and by name."""

    def __init__(self, rules: Iterable[Rule]) -> None:
        self.by_code: dict[str, Rule] = {}
        self.by_name: dict[str, Rule] = {}
        for item in rules:
            for index, key in ((self.by_code, item.code), (self.by_name, item.name)):
                other = index.get(key)
                if other is not None and other is not item:
                    raise RegistryError(
                        f"rule {key!r} is defined twice ({other.source} and {item.source})"
                    )
                index[key] = item

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self.by_code.values(), key=lambda r: (r.family, r.code)))

    def __len__(self) -> int:
        return len(self.by_code)

    def get(self, key: str) -> Rule:
        """A rule by code (case-insensitive) or name."""
        found = self.by_code.get(key.upper()) or self.by_name.get(key)
        if found is None:
            raise KeyError(f"unknown rule {key!r}")
        return found

    def matching(self, selector: str) -> list[Rule]:
        """Rules a selector names: ``ALL``, a code, a code prefix (``DOI``, ``DOI0``), a name."""
        if selector == "ALL":
            return list(self)
        if selector in self.by_name:
            return [self.by_name[selector]]
        upper = selector.upper()
        return [r for r in self if r.code.startswith(upper)]

    def select(
        self,
        select: Sequence[str] = ("ALL",),
        ignore: Sequence[str] = (),
        extend_select: Sequence[str] = (),
    ) -> list[Rule]:
        """The rules that run. Input rules always run; an unknown selector is an error."""
        chosen: dict[str, Rule] = {}
        for selector in (*select, *extend_select):
            for item in self._require(selector):
                chosen[item.code] = item
        for selector in ignore:
            for item in self._require(selector):
                chosen.pop(item.code, None)
        for item in self:
            if item.scope == "input":
                chosen[item.code] = item
        return [r for r in self if r.code in chosen]

    def _require(self, selector: str) -> list[Rule]:
        found = self.matching(selector)
        if not found:
            raise ValueError(f"unknown rule selector {selector!r}: no rule code, prefix or name")
        return found

    @classmethod
    def from_entry_points(cls) -> Registry:
        """Load every rule registered under the ``biblint.rules`` entry-point group."""
        from .lazyre import deferred_compiles

        rules: list[Rule] = []
        for ep in _installed_entry_points():
            try:
                with deferred_compiles():  # patterns compiled when first used
                    loaded = ep.load()
            except Exception as exc:
                raise RegistryError(
                    f"plugin {ep.name!r} ({ep.value}) failed to load: {exc}"
                ) from exc
            found = _rules_of(loaded)
            if not found:
                raise RegistryError(f"plugin {ep.name!r} ({ep.value}) provides no rules")
            rules.extend(found)
        return cls(rules)


def _rules_of(obj: Any) -> list[Rule]:
    if isinstance(obj, Rule):
        return [obj]
    if isinstance(obj, ModuleType):
        return collect(obj)
    if isinstance(obj, (list, tuple)):
        return [item for item in obj if isinstance(item, Rule)]
    return []


_DEFAULT: Registry | None = None


def default_registry() -> Registry:
    """The registry of installed rules, loaded once per process."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Registry.from_entry_points()
    return _DEFAULT


def _installed_entry_points(group: str = ENTRY_POINT_GROUP) -> Iterator[EntryPoint]:
    """The entry points of ``group`` (``biblint.rules``, or ``biblint.profiles``) of installed
    distributions.

    ``python -m biblint`` and ``python -c`` put the working directory first on ``sys.path``; a
    ``*.dist-info`` folder in a checked-out data repository is not an installed package, so the
    working directory is left out of the search (a plugin is code that runs: only what the user
    installed may register rules). The first distribution of a name wins, as in
    :func:`importlib.metadata.entry_points`.
    """
    cwd = os.path.realpath(os.getcwd())
    paths = tuple(p for p in sys.path if p and os.path.realpath(p) != cwd)
    yield from (ep for ep in _biblint_entry_points(paths) if ep.group == group)


@functools.lru_cache(maxsize=4)
def _biblint_entry_points(paths: tuple[str, ...]) -> tuple[EntryPoint, ...]:
    """The ``biblint.*`` entry points of the distributions on ``paths``: one scan of the
    installed distributions serves the rules and the profiles (the scan is most of a
    cold start's registry cost)."""
    seen: set[str] = set()
    found: list[EntryPoint] = []
    for dist in distributions(path=list(paths)):
        # The name from the dist-info folder, as entry_points() itself dedupes: reading
        # every distribution's METADATA (an email parser) cost a cold start ~20 ms.
        raw = getattr(dist, "_normalized_name", None) or dist.metadata["Name"] or ""
        name = re.sub(r"[-_.]+", "-", raw).lower()
        if name in seen:
            continue
        seen.add(name)
        found.extend(ep for ep in dist.entry_points if ep.group.startswith("biblint."))
    return tuple(found)


def missing_doc_headings(item: Rule) -> list[str]:
    """Doc headings a rule lacks (a test fails for any rule that lacks one)."""
    lines = {line.strip().lstrip("#").strip().rstrip(":") for line in item.doc.splitlines()}
    return [heading for heading in DOC_HEADINGS if heading not in lines]
