"""Schema findings: a record checked against its profile's JSON Schema, one clear finding per
problem.

jsonschema's own messages echo the whole offending value (a 3 kB abstract) and, under
``anyOf``, say only that nothing matched. :func:`schema_problems` reduces each error to the
most specific cause (the branch whose type fits the value), names it briefly, and offers a fix
where the correction keeps the meaning: ``"12"`` -> ``12`` where an integer is expected,
``"false"`` -> ``false`` where a boolean is, a blank string -> null where null is allowed.

Validation passes the validator's ``FORMAT_CHECKER``: without it jsonschema does not assert
``format`` at all, and ``"2025-02-30"`` would pass as a date.

A compiled validator (jsonschema-rs, see "The fast path" below) answers first whether a
record, or a value against a node of the schema, is valid; python-jsonschema runs only to
explain the values it does not pass, so the findings are python-jsonschema's, exactly.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

import jsonpatch
import regex

from .model import Fix, PatchOp, join_pointer, split_pointer
from .profiles import load_schema

if TYPE_CHECKING:  # python-jsonschema is imported when a value needs explaining
    from jsonschema.exceptions import ValidationError

    from .record import Record

_INTEGER_RE = regex.compile(r"[+-]?[0-9]{1,18}+")
_NUMBER_RE = regex.compile(r"[+-]?(?:[0-9]++\.?[0-9]*+|\.[0-9]++)(?:[eE][+-]?[0-9]++)?")
_TYPE_NAMES = {"null": "null", "boolean": "a boolean", "integer": "an integer",
               "number": "a number", "string": "a string", "array": "a list",
               "object": "an object"}


IGNORED = frozenset({"additionalProperties", "unevaluatedProperties"})
"""Unknown keys are not schema findings: every shape carries extensions in the wild (Crossref's
CSL adds ``ORCID`` and ``affiliation`` to names, Better BibTeX adds ``citation-key``), and
consumers ignore keys they do not know. Keys that are a defect are REC002's."""

_EXTENDED_JSON = {"$numberLong": int, "$numberInt": int, "$numberDouble": float}
"""MongoDB extended JSON wrappers (``{"$numberLong": "1508768117199"}``) that dumps leave in
place of plain numbers."""


@dataclass(frozen=True)
class SchemaProblem:
    """One way a record breaks its schema: where, what, and the fix when there is one."""

    pointer: str
    message: str
    fix: Fix | None = None


@cache
def validator_for(schema_file: str) -> Any:
    """A compiled validator (with its format checker) for a schema in schemas/.

    Local ``$ref``s are followed once, here, rather than at every value of every record
    (the lookup through ``referencing`` was a quarter of the validation time); the errors
    are the same, since a ``$ref``, like the ``allOf`` that stands in for one with sibling
    keywords, reports the errors of its target as they are.
    """
    import jsonschema  # lazily: a run whose records all pass the fast path never needs it

    schema = load_schema(schema_file)
    cls = jsonschema.validators.validator_for(schema)
    return cls(_inline_refs(schema), format_checker=cls.FORMAT_CHECKER)


def _inline_refs(root: dict[str, Any]) -> dict[str, Any]:
    """``root`` with each local, non-recursive ``$ref`` replaced by a copy of its target."""

    def walk(node: Any, within: frozenset[str]) -> Any:
        if isinstance(node, list):
            return [walk(item, within) for item in node]
        if not isinstance(node, dict):
            return node
        ref = node.get("$ref")
        target = _local_target(root, ref) if isinstance(ref, str) else None
        if target is None or ref in within:
            return {key: walk(value, within) for key, value in node.items()}
        assert isinstance(ref, str)
        inlined = walk(target, within | {ref})
        rest = {key: walk(value, within) for key, value in node.items() if key != "$ref"}
        return {"allOf": [inlined], **rest} if rest else inlined

    inlined: dict[str, Any] = walk(root, frozenset())
    return inlined


def _local_target(root: dict[str, Any], ref: str) -> Any:
    """The subschema a ``#/...`` reference points at, or None (another document, no target)."""
    if not ref.startswith("#"):
        return None
    target: Any = root
    for token in split_pointer(ref[1:]):
        if not isinstance(target, dict) or token not in target:
            return None
        target = target[token]
    return target if isinstance(target, (dict, bool)) else None


def schema_problems(record: Any, schema_file: str,
                    skip: frozenset[str] = frozenset()) -> Iterator[SchemaProblem]:
    """The problems of ``record`` against the schema, in document order.

    The compiled validator (:func:`fast_valid`) answers first; python-jsonschema runs only
    where it says no, and only on the values that fail (see :func:`_problems_at`), so a
    valid record costs a few microseconds and an invalid one the explanation of its bad
    values. The problems are the same as :func:`slow_schema_problems` gives (the
    differential test in tests/test_schema_fast.py holds them equal).

    ``skip``: pointers whose problems the caller does not want (REC003: where other rules
    report). The problems of a scalar value at such a pointer may be left out unexplained
    (never worked out, which is the point); any other problem comes as without ``skip``.
    """
    validator = validator_for(schema_file)
    verdict = fast_valid(schema_file, validator.schema, record)
    if verdict is True:
        return iter(())
    if verdict is None:
        return slow_schema_problems(record, schema_file)
    if skip:
        fast = _fast(schema_file)
        assert fast is not None
        rest = _with_skipped_replaced(fast, validator.schema, record, skip)
        if rest is not None and _is_valid(fast, validator.schema, rest):
            return iter(())  # every problem is at a skipped pointer
    return iter(_problems_at(schema_file, validator.schema, record, (), skip))


def _with_skipped_replaced(fast: _Fast, root: Any, record: Any, skip: frozenset[str]
                           ) -> Any | None:
    """A copy of ``record`` (copied only along the way) where each scalar at a pointer in
    ``skip`` is replaced by a value valid at its node of the schema, if the values above it
    are objects and their nodes decomposable (see :func:`_problems_at`); None when no value
    is replaced.

    Under decomposable nodes a member's problems depend on the member alone (a node's own
    keywords see which keys there are, not their values), and a scalar's problems are all
    at its pointer: so the copy is valid exactly when the record's problems are all at
    skipped pointers, which one validation of the copy tells, instead of one per member.
    """
    if type(record) is not dict:
        return None  # routes lead through objects only
    copied: dict[tuple[str, ...], Any] = {}  # the record and its objects copied, by keys
    routes = fast.routes
    for pointer in skip:
        route = routes.get(pointer, _NO_ROUTE)
        if route is _NO_ROUTE:
            if len(routes) >= 4096:
                routes.clear()
            route = routes[pointer] = _route(fast, root, pointer)
        if route is None:
            continue
        keys, exemplar = route
        value: Any = record
        for key in keys:
            if type(value) is not dict or key not in value:
                break
            value = value[key]
        else:
            kind = type(value)
            if kind is dict or kind is list:
                continue  # not a scalar: its problems may lie below it
            target = copied.get(())
            if target is None:
                target = copied[()] = dict(record)
            for depth in range(1, len(keys)):
                inner = copied.get(keys[:depth])
                if inner is None:
                    inner = copied[keys[:depth]] = dict(target[keys[depth - 1]])
                    target[keys[depth - 1]] = inner
                target = inner
            target[keys[-1]] = exemplar
    return copied.get(())


_NO_ROUTE: Any = object()


def _route(fast: _Fast, root: Any, pointer: str) -> tuple[tuple[str, ...], Any] | None:
    """The keys of ``pointer`` and a value valid at its node, if the pointer leads through
    objects under decomposable nodes to a node with such a value (:func:`_exemplar`)."""
    keys = tuple(_pointer_tokens(pointer))
    node = root
    for key in keys:
        if _shallow(fast, node) is None:
            return None
        node = node.get("properties", {}).get(key, node.get("additionalProperties", True))
        if not isinstance(node, dict):
            return None  # true: the member is never a problem; false is not decomposable
    exemplar = _exemplar(fast, node) if keys else ()
    return (keys, exemplar[0]) if exemplar else None


def _pointer_tokens(pointer: str) -> list[str]:
    """The unescaped reference tokens of a JSON Pointer (as :func:`split_pointer`, without
    building a ``jsonpointer`` object); none for one that is not a pointer."""
    if not pointer.startswith("/"):
        return []
    tokens = pointer.split("/")[1:]
    if "~" in pointer:
        tokens = [t.replace("~1", "/").replace("~0", "~") for t in tokens]
    return tokens


_EXEMPLARS: tuple[Any, ...] = (None, "", 0, False, [], {})


def _exemplar(fast: _Fast, node: Any) -> tuple[Any, ...]:
    """A value valid at ``node`` (in a one-item tuple), the first of :data:`_EXEMPLARS`
    the compiled validator passes; empty when none is."""
    found = fast.exemplars.get(id(node))
    if found is None:
        found = next(((value,) for value in _EXEMPLARS if _is_valid(fast, node, value)), ())
        fast.exemplars[id(node)] = found
    return found


def slow_schema_problems(record: Any, schema_file: str) -> Iterator[SchemaProblem]:
    """:func:`schema_problems` by python-jsonschema alone, over the whole record: the
    reference the fast path is held to."""
    yield from _explained(validator_for(schema_file).iter_errors(record))


def _explained(errors: Iterable[ValidationError]) -> Iterator[SchemaProblem]:
    """Problems from errors: sorted by instance path (a stable sort, so errors at one path
    keep the validator's order), each reduced to its most specific cause."""
    for error in sorted(errors, key=lambda e: [str(p) for p in e.path]):
        specific = _specific(error)
        problem = _problem(_cause(error), error.instance,
                           join_pointer("", *error.absolute_path),
                           None if specific is None else _cause(specific),
                           None if specific is None else specific.instance,
                           "" if specific is None else join_pointer("", *specific.absolute_path))
        if problem is not None:
            yield problem


class _Cause(NamedTuple):
    """What a problem's message and fix need of a python-jsonschema error, besides the value
    and its pointer: for a scalar value these depend on the schema node, the value's type
    and which of the node's keywords the value passes, never on the value itself (see
    :func:`_leaf_problems`)."""

    kind: Any
    """The keyword (``error.validator``; None for a ``false`` schema)."""
    rule: Any
    """The keyword's value in the schema (``error.validator_value``)."""
    types: tuple[str, ...]
    """The types the schema allows here (:func:`_allowed_types`)."""
    message: str
    """python-jsonschema's message, kept only where it is read: ``required`` (it names the
    key) and ``additionalProperties``."""


def _cause(error: ValidationError) -> _Cause:
    return _Cause(error.validator, error.validator_value, tuple(_allowed_types(error)),
                  error.message if error.validator in ("required", "additionalProperties")
                  else "")


def _problem(top: _Cause, top_value: Any, top_pointer: str, specific: _Cause | None,
             value: Any, pointer: str) -> SchemaProblem | None:
    """The problem of one error (``top``, with the value and pointer it is about), from its
    most specific cause (see :func:`_specific`; None: no problem, unless a blank string)."""
    absence = _absence(top, top_value, top_pointer)
    if absence is not None:
        return absence
    return None if specific is None else _explain(specific, value, pointer)


def shown(value: Any, limit: int = 40) -> str:
    """A short JSON rendering of a value for a message (never a whole abstract)."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _specific(error: ValidationError) -> ValidationError | None:
    """Under ``anyOf``/``oneOf``, the error of the branch that fits the value's type; None
    when the value fits a branch but for extension keys (see :data:`IGNORED`).

    ``{"anyOf": [{"type": "null"}, {"type": "string", "pattern": "^PMC"}]}`` on ``"123"``
    fails both branches; the useful one is the pattern, not "is not null".
    """
    while error.validator in ("anyOf", "oneOf") and error.context:
        branches: dict[Any, list[ValidationError]] = {}
        for sub in error.context:
            branches.setdefault(sub.schema_path[0] if sub.schema_path else None, []).append(sub)
        if any(all(sub.validator in IGNORED for sub in subs) for subs in branches.values()):
            return None
        fitting = [e for e in error.context if e.validator != "type" and
                   e.validator not in IGNORED]
        if not fitting:
            return error
        from jsonschema.exceptions import best_match

        error = best_match(fitting)
    return None if error.validator in IGNORED else error


def _absence(cause: _Cause, value: Any, pointer: str) -> SchemaProblem | None:
    """A blank string where the schema allows null: the shape's way to say "no value" is
    null, so that is the finding (and the fix), not the pattern the string also fails."""
    if not isinstance(value, str) or value.strip():
        return None
    allowed = (None in cause.rule if cause.kind == "enum" else "null" in cause.types)
    if not allowed:
        return None
    what = "an empty string" if not value else "a blank string"
    return SchemaProblem(pointer, f"{what} where the schema writes no value as null",
                         _fix(pointer, None))


def _allowed_types(error: ValidationError) -> list[str]:
    if error.validator == "type":
        value: Any = error.validator_value
        return [value] if isinstance(value, str) else list(value)
    found: list[str] = []
    for sub in error.context or ():
        if sub.validator == "type" and not sub.relative_path:
            for name in _allowed_types(sub):
                if name not in found:
                    found.append(name)
    return found


def _explain(cause: _Cause, value: Any, pointer: str) -> SchemaProblem:
    rule: Any = cause.rule
    kind = cause.kind
    if kind in ("type", "anyOf", "oneOf") and (types := list(cause.types)):
        expected = " or ".join(_TYPE_NAMES.get(t, t) for t in types)
        return SchemaProblem(pointer, f"{shown(value)} is {_type_of(value)}; the schema expects "
                                      f"{expected}", _type_fix(pointer, value, types))
    if kind == "format":
        return SchemaProblem(pointer, f"{shown(value)} is not a valid {rule}")
    if kind == "pattern":
        return SchemaProblem(pointer, f"{shown(value)} does not match the pattern "
                                      f"{rule}")
    if kind == "enum":
        options = list(rule)
        choices = ", ".join(shown(v, 30) for v in options[:8]) + (", …" if len(options) > 8
                                                                 else "")
        return SchemaProblem(pointer, f"{shown(value)} is not one of {choices}")
    if kind == "required":
        missing = cause.message.split("'")[1] if "'" in cause.message else "a property"
        return SchemaProblem(pointer, f"required property {missing!r} is missing")
    if kind in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
        bound = {"minimum": "less than the minimum", "maximum": "more than the maximum",
                 "exclusiveMinimum": "not above", "exclusiveMaximum": "not below"}[kind]
        return SchemaProblem(pointer, f"{shown(value)} is {bound} {rule}")
    if kind in ("minLength", "maxLength", "minItems", "maxItems"):
        what = "characters" if kind.endswith("Length") else "items"
        limit = "at least" if kind.startswith("min") else "at most"
        return SchemaProblem(pointer, f"{shown(value)} has {len(value)} {what}; the schema "
                                      f"expects {limit} {rule}")
    if kind == "not":
        excluded = rule
        form = (f"the pattern {excluded['pattern']}" if isinstance(excluded, dict)
                and "pattern" in excluded else "a form")
        return SchemaProblem(pointer, f"{shown(value)} matches {form}, which the schema "
                                      "excludes")
    if kind == "additionalProperties":
        return SchemaProblem(pointer, cause.message.split(" were unexpected")[0]
                             .replace("Additional properties are not allowed", "unexpected keys"))
    return SchemaProblem(pointer, f"{shown(value)} breaks the schema ({kind})")


def _type_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "an empty string" if not value.strip() else "a string"
    return "a list" if isinstance(value, list) else "an object"


def _type_fix(pointer: str, value: Any, types: list[str]) -> Fix | None:
    """The meaning-preserving conversion of ``value`` to an allowed type, if there is one."""
    if isinstance(value, dict) and len(value) == 1:
        (key, inner), = value.items()
        convert = _EXTENDED_JSON.get(key)
        if convert is not None and isinstance(inner, str):
            wanted = "integer" if convert is int else "number"
            if wanted in types or "number" in types:
                try:
                    number = convert(inner)
                except ValueError:
                    return None
                return _fix(pointer, number) if math.isfinite(number) else None
        return None
    if not isinstance(value, str):
        if isinstance(value, float) and "integer" in types and value.is_integer():
            return _fix(pointer, int(value))
        return None
    text = value.strip()
    if not text:
        return _fix(pointer, None) if "null" in types else None
    if "integer" in types and _INTEGER_RE.fullmatch(text):
        return _fix(pointer, int(text))
    if "number" in types and _NUMBER_RE.fullmatch(text):
        number = float(text)
        return _fix(pointer, int(number) if number.is_integer() and "." not in text
                    and "e" not in text.lower() else number)
    if "boolean" in types and text in ("true", "false"):
        return _fix(pointer, text == "true")
    if "null" in types and text == "null":
        return _fix(pointer, None)
    return None


def _fix(pointer: str, new: Any) -> Fix:
    return Fix.replace(pointer, new, f"Write {shown(new)}")


def record_problems(record: Record, skip: frozenset[str] = frozenset()
                    ) -> list[SchemaProblem]:
    """The schema problems of a record being linted, validated once for all the rules that
    ask (REC003 reports them; the blank-value rules check their fixes against them).

    With ``skip`` (see :func:`schema_problems`), unless the whole list is known already,
    the problems of the scalars at those pointers may be missing, and the list is not kept:
    a rule asking later without ``skip`` (the blank-value fixes' ``breaks``) needs them all.
    """
    schema = record.profile.schema
    if not schema:
        return []
    kept = record.memo("schema.problems", _no_problems_yet)
    if kept:
        return kept[0]
    if skip:
        return list(schema_problems(record.data, schema, skip))
    problems = list(schema_problems(record.data, schema))
    kept.append(problems)
    return problems


def _no_problems_yet(record: Record) -> list[list[SchemaProblem]]:
    """The box :func:`record_problems` keeps a record's whole list of problems in, once
    worked out (empty until then: a list with ``skip`` is never kept)."""
    return []


def breaks(record: Any, schema_file: str,
           problems: list[SchemaProblem] | None = None) -> set[str]:
    """Pointers where ``record`` breaks the schema; a missing required key counts at the
    key's own pointer, so removing a key that is required shows up where the key was."""
    found = set()
    for problem in problems if problems is not None else schema_problems(record, schema_file):
        name = _REQUIRED.fullmatch(problem.message)
        found.add(join_pointer(problem.pointer, name[1]) if name else problem.pointer)
    return found


def fix_keeps_schema(record: Any, fix: Fix, schema_file: str,
                     before: Callable[[], set[str]] | None = None) -> bool:
    """Whether applying ``fix`` to ``record`` breaks nothing of the schema that held before
    (a blank required key must not become a missing one, nor null where null is not allowed).

    A one-operation fix on a path whose enclosing schemas are plain (``properties``,
    ``items``, ``required``, ``type``, local ``$ref`` once inlined: no combinator or
    conditional that could make siblings matter) is judged locally, from the schema of that
    one value: a few microseconds instead of validating the whole record twice. Otherwise
    the record is validated before and after; ``before`` gives ``breaks(record,
    schema_file)`` when the caller keeps it.
    """
    verdict = _local_verdict(record, fix, schema_file)
    if verdict is not None:
        return verdict
    fixed = jsonpatch.apply_patch(record, [op.to_dict() for op in fix.ops], in_place=False)
    held = before() if before is not None else breaks(record, schema_file)
    return breaks(fixed, schema_file) <= held


_PLAIN = frozenset({"$schema", "$id", "$defs", "definitions", "$comment", "title",
                    "description", "default", "examples", "type", "properties", "required",
                    "additionalProperties", "items", "minItems", "maxItems"})
"""Keywords of an enclosing schema under which one member's errors depend on that member
alone (``required`` is looked at separately, for removals)."""


def _local_verdict(record: Any, fix: Fix, schema_file: str) -> bool | None:
    """:func:`fix_keeps_schema` decided from the schema of the fixed value alone, or None
    when the path's enclosing schemas are not plain enough to do so."""
    if len(fix.ops) != 1 or fix.ops[0].op not in ("replace", "remove"):
        return None
    op = fix.ops[0]
    route = _LOCAL_ROUTES.get((schema_file, op.path))
    if route is None:
        route = _local_route(schema_file, op.path)
        if len(_LOCAL_ROUTES) >= 4096:
            _LOCAL_ROUTES.clear()
        _LOCAL_ROUTES[schema_file, op.path] = route
    tokens, node, parent_schema = route
    value: Any = record
    for token in tokens:  # the way the route takes, if the record's values are objects
        if not isinstance(value, dict) or token not in value:
            return _local_verdict_walked(record, op, schema_file)
        value = value[token]
    if node is None:
        return None
    return _verdict_at(schema_file, op, tokens, node, parent_schema, value)


_LOCAL_ROUTES: dict[tuple[str, str], tuple[list[str], Any, Any]] = {}
""":func:`_local_route` by schema and pointer: blank-value fixes ask about the same few
pointers in record after record."""


def _local_route(schema_file: str, pointer: str) -> tuple[list[str], Any, Any]:
    """The tokens of ``pointer``, and the nodes :func:`_local_verdict_walked` reaches for
    the value there and for its container when every value on the way is an object (the
    nodes then depend on the tokens alone): (None, None) where it gives no verdict."""
    tokens = split_pointer(pointer)
    node: Any = validator_for(schema_file).schema
    parent_schema: Any = None
    for token in tokens:
        if not isinstance(node, dict) or not _PLAIN.issuperset(node):
            return tokens, None, None
        parent_schema = node
        props = node.get("properties", {})
        node = props[token] if token in props else node.get("additionalProperties", True)
        if node is False:
            return tokens, None, None
    return tokens, (node if tokens else None), parent_schema


def _local_verdict_walked(record: Any, op: PatchOp, schema_file: str) -> bool | None:
    """:func:`_local_verdict` of a one-operation fix, the schema walked along the record."""
    tokens = split_pointer(op.path)
    if not tokens:
        return None
    node: Any = validator_for(schema_file).schema  # local $refs already inlined
    value: Any = record
    for token in tokens:
        if not isinstance(node, dict) or not _PLAIN.issuperset(node):
            return None
        parent_schema = node
        if isinstance(value, dict) and token in value:
            props = node.get("properties", {})
            node = props[token] if token in props else node.get("additionalProperties", True)
            value = value[token]
        elif isinstance(value, list) and token.isdigit() and int(token) < len(value):
            node = node.get("items", True)
            value = value[int(token)]
        else:
            return None
        if node is False:
            return None
    return _verdict_at(schema_file, op, tokens, node, parent_schema, value)


def _verdict_at(schema_file: str, op: PatchOp, tokens: list[str], node: Any,
                parent_schema: Any, value: Any) -> bool | None:
    """:func:`_local_verdict` from the node of the fixed value and of its container."""
    if not _valid_here(schema_file, node, value):
        # A scalar broken before: its one break is at the pointer, so the fix adds none. A
        # container's breaks may lie below it, which the fix moves up: not judged here.
        return True if not isinstance(value, (dict, list)) else None
    if op.op == "remove":
        required: Any = parent_schema.get("required", ())
        return tokens[-1] not in required
    return _valid_here(schema_file, node, op.value)


_NODE_VALIDATORS: dict[tuple[str, int], tuple[Any, Any]] = {}
"""python-jsonschema validators of single nodes of a schema, with the node (so its id is not
reused): ``evolve`` builds a validator object, a tenth of the cost of explaining a value."""


def _node_validator(schema_file: str, node: Any) -> Any:
    """The python validator of ``schema_file`` evolved to validate against ``node`` (its
    ``$ref``s still resolved against the whole document)."""
    key = (schema_file, id(node))
    found = _NODE_VALIDATORS.get(key)
    if found is None or found[0] is not node:
        found = (node, validator_for(schema_file).evolve(schema=node))
        if len(_NODE_VALIDATORS) >= 4096:
            _NODE_VALIDATORS.clear()
        _NODE_VALIDATORS[key] = found
    return found[1]


_SCALAR_VERDICTS: dict[tuple[str, int, type, Any], bool] = {}
"""Whether a short scalar is valid against a node of a validator's schema (kept alive by
:func:`validator_for`'s cache, so its id is stable): blank-value fixes ask the same few
questions ("is null allowed at /journal/volume?") for every record of a run."""


def _valid_here(schema_file: str, node: Any, value: Any) -> bool:
    """Whether ``value`` is valid against the subschema ``node`` of ``schema_file``
    (``$ref`` in it resolved against the whole document)."""
    short = value is None or isinstance(value, (bool, int, float)) or (
        isinstance(value, str) and len(value) <= 256)
    key = (schema_file, id(node), type(value), value) if short else None
    if key is not None and key in _SCALAR_VERDICTS:
        return _SCALAR_VERDICTS[key]
    verdict = fast_valid(schema_file, node, value)
    if verdict is not True:
        verdict = bool(_node_validator(schema_file, node).is_valid(value))
    if key is not None:
        if len(_SCALAR_VERDICTS) >= 4096:
            _SCALAR_VERDICTS.clear()
        _SCALAR_VERDICTS[key] = verdict
    return verdict


_REQUIRED = regex.compile(r"required property '(.*)' is missing")


# The fast path ------------------------------------------------------------------------------
#
# jsonschema-rs validates a record in a few microseconds where python-jsonschema takes
# hundreds. It is trusted only to say "valid": every "invalid" (and every question it cannot
# answer) goes to python-jsonschema, which alone writes the problems. So a record passes the
# fast path only if python-jsonschema would pass it too; to make that hold by construction
# rather than by luck, the questions on which the two libraries differ are not asked of Rust:
#
# - ``pattern``: Rust's regex dialect is not Python's (``\S`` and ``$`` differ, ``\b`` around
#   combining marks differs), so each pattern becomes a custom format whose check is
#   python-jsonschema's own ``re.search``; except that a pattern written in the plain subset
#   of regex syntax that means the same to both (:func:`_portable`) is matched by Rust on
#   strings of printable ASCII, where the dialects agree, and by Python on the others;
# - ``format``: which formats python-jsonschema asserts depends on the optional packages
#   installed (``uri`` needs rfc3987), so each format it asserts becomes a custom format
#   whose check is the python validator's own ``FORMAT_CHECKER`` function, and a format it
#   does not assert is left out (python-jsonschema passes any value);
# - keywords whose details differ or that these schemas do not use (``multipleOf``'s float
#   arithmetic, ``uniqueItems``' equality, ``patternProperties``' regexes, dynamic and remote
#   references...): a schema holding one has no fast path at all;
# - values that are not plain JSON (a tuple is an array to Rust and not to python-jsonschema,
#   a Decimal an integer to one and not the other): validated by python-jsonschema.
#
# What remains (types, enum, const, required, properties, items, bounds, lengths and the
# combinators) is held to python-jsonschema by tests/test_schema_fast.py.

_UNSUPPORTED = frozenset({
    "patternProperties", "unevaluatedProperties", "unevaluatedItems", "$dynamicRef",
    "$dynamicAnchor", "$recursiveRef", "$recursiveAnchor", "$anchor", "$vocabulary",
    "multipleOf", "uniqueItems", "contentEncoding", "contentMediaType", "contentSchema",
    "dependencies", "dependentSchemas", "additionalItems", "contains", "minContains",
    "maxContains", "prefixItems",
})
"""Keywords the fast path does not take on (see the notes above); none is in the shipped
profile schemas."""

_SCHEMA_MAPS = frozenset({"properties", "$defs", "definitions"})
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})
_SCHEMA_ONE = frozenset({"not", "if", "then", "else", "additionalProperties", "propertyNames",
                         "items"})
_ANNOTATIONS = frozenset({"$schema", "$id", "$defs", "definitions", "$comment", "title",
                          "description", "default", "examples", "deprecated", "readOnly",
                          "writeOnly"})
_MEMBERS = frozenset({"properties", "additionalProperties", "items"})
_DECOMPOSABLE = _ANNOTATIONS | _MEMBERS | {"type", "required", "minProperties",
                                           "maxProperties", "minItems", "maxItems"}
"""Keywords of a node whose errors :func:`_problems_at` can gather member by member: those
of ``_MEMBERS`` descend into one member each (python-jsonschema reports them at the member's
path); the others look at the node's value as a whole (reported at the node's path)."""


_PRINTABLE = "^[ -~]*$"
"""Strings of printable ASCII (no control character, so no newline for ``$`` to differ on)."""

_PORTABLE_TOKEN = regex.compile(r"""
    (?P<quantifier> [*+?] | \{[0-9]{1,4}(?:,[0-9]{0,4})?\} )
  | (?P<atom>
        \\[dDsSwW]                        # classes: Unicode-aware in both, same on ASCII
      | \\b                               # word boundary: same \w on ASCII
      | \\[.\\/+*?()\[\]{}|^$-]            # escaped punctuation: the character itself
      | [A-Za-z0-9 _,:;'"!#%&=@<>~`/-]      # literal characters
      | \.                                 # any character but a newline, in both
      | \[\^?(?:[A-Za-z0-9 _,:;'"!#%&=@<>~`/.*+?()|{}^$-]|\\[dDsSwW.\\/+*?()\[\]{}|^$-])+\]
    )
  | (?P<syntax> [(|)^$] )
""", regex.VERBOSE)
"""The tokens of a pattern that Python's ``re`` and Rust's regex read alike: no flags,
lookaround, backreferences, named or non-capturing groups (``(?``), escapes of letters
other than the classes, possessive or lazy quantifiers, nested sets or set operations."""


def _portable(pattern: str) -> bool:
    """Whether ``pattern`` is made only of :data:`_PORTABLE_TOKEN`s, each quantifier
    following an atom or a group, and no set holding Rust's set operators."""
    position, previous = 0, "syntax"
    while position < len(pattern):
        token = _PORTABLE_TOKEN.match(pattern, position)
        if token is None or (token.group() == "(" and pattern.startswith("(?", position)):
            return False
        kind = token.lastgroup or ""
        if kind == "quantifier" and not (previous == "atom" or
                                         pattern[position - 1:position] == ")"):
            return False
        if kind == "atom" and token.group().startswith("[") and any(
                op in token.group() for op in ("&&", "--", "~~", "[:", "[]", "[^]")):
            return False
        position, previous = token.end(), kind
    return True


class _Unsupported(Exception):
    """A schema the fast path does not take on."""


@dataclass
class _Fast:
    """A schema translated for jsonschema-rs, with validators compiled per node on demand."""

    root: int
    """The id of the python validator's schema (compiled as it is; other nodes with the
    root's definitions beside them)."""
    shared: dict[str, Any]
    """``$schema`` and the definitions, added to each node compiled on its own."""
    definitions_standalone: bool
    """Whether the definitions refer only into the definitions (see :func:`_standalone`)."""
    nodes: dict[int, Any]
    """The translated copy of each node of the python validator's schema, by the node's id
    (the python schema is kept alive by :func:`validator_for`'s cache)."""
    formats: dict[str, Callable[[str], bool]]
    compiled: dict[int, Any]
    shallow: dict[int, dict[str, Any] | None]
    exemplars: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    """A value valid at a node, by the node's id (see :func:`_exemplar`)."""
    routes: dict[str, tuple[tuple[str, ...], Any] | None] = field(default_factory=dict)
    """The way to a pointer's node, for :func:`_with_skipped_replaced` (see :func:`_route`)."""


@cache
def _fast(schema_file: str) -> _Fast | None:
    """The fast path for a schema, built on first use (importing biblint compiles nothing);
    None when the schema holds something the fast path does not take on."""
    validator = validator_for(schema_file)
    try:
        return _translate(validator.schema, validator.format_checker)
    except (_Unsupported, re.error):
        return None


def _translate(root: dict[str, Any], checker: Any) -> _Fast:
    """The translated copy of ``root``: each ``pattern`` and ``format`` becomes a custom
    format (``{"allOf": [{"format": "biblint-..."}]}``) checked by Python."""
    nodes: dict[int, Any] = {}
    formats: dict[str, Callable[[str], bool]] = {}
    draft = str(root.get("$schema", ""))
    legacy = any(f"draft-0{n}" in draft for n in (3, 4, 6, 7))
    native = "draft-07" in draft or not legacy  # if/then/else came with draft 7
    patterns: dict[str, int] = {}

    def pattern_check(pattern: str) -> Callable[[str], bool]:
        compiled = re.compile(pattern)
        return lambda text: compiled.search(text) is not None

    def format_check(name: str) -> Callable[[str], bool]:
        # FormatChecker.check, without its lookups: the checker's own function, and its
        # declared exceptions counting as "does not conform".
        function, raises = checker.checkers[name]

        def conforms(text: str) -> bool:
            try:
                return bool(function(text))
            except raises:
                return False

        return conforms

    def schema(node: Any, at_root: bool = False) -> Any:
        if isinstance(node, bool):
            return node
        if not isinstance(node, dict):
            raise _Unsupported(repr(node)[:40])
        out: dict[str, Any] = {}
        checks: list[dict[str, Any]] = []
        for key, value in node.items():
            if key in _UNSUPPORTED or (key == "$id" and not at_root):
                raise _Unsupported(key)
            if key == "$ref":
                if not isinstance(value, str) or not value.startswith("#"):
                    raise _Unsupported(key)
                if legacy and not _ANNOTATIONS.issuperset(set(node) - {"$ref"}):
                    raise _Unsupported("$ref with siblings before draft 2019-09")
                out[key] = value
            elif key in _SCHEMA_MAPS:
                if not isinstance(value, dict):
                    raise _Unsupported(key)
                out[key] = {name: schema(sub) for name, sub in value.items()}
            elif key in _SCHEMA_LISTS or (key == "items" and isinstance(value, list)):
                if not isinstance(value, list):
                    raise _Unsupported(key)
                out[key] = [schema(sub) for sub in value]
            elif key in _SCHEMA_ONE:
                out[key] = schema(value)
            elif key == "pattern":
                if not isinstance(value, str):
                    raise _Unsupported(key)
                name = f"biblint-pattern-{patterns.setdefault(value, len(patterns))}"
                formats[name] = pattern_check(value)
                python: dict[str, Any] = {"format": name}
                checks.append({"if": {"pattern": _PRINTABLE}, "then": {"pattern": value},
                               "else": python} if native and _portable(value) else python)
            elif key == "format":
                if not isinstance(value, str):
                    raise _Unsupported(key)
                if value not in checker.checkers:
                    continue  # python-jsonschema asserts nothing for it (see above)
                name = f"biblint-format-{value}"
                formats[name] = format_check(value)
                checks.append({"format": name})
            else:
                out[key] = value
        if checks:
            out["allOf"] = [*out.get("allOf", ()), *checks]
        nodes[id(node)] = out
        return out

    translated = schema(root, at_root=True)
    shared = {key: translated[key] for key in ("$schema", "$defs", "definitions")
              if key in translated}
    definitions = [shared.get("$defs", {}), shared.get("definitions", {})]
    return _Fast(id(root), shared, _into_definitions(_refs(definitions)), nodes, formats, {},
                 {})


def _compiled(fast: _Fast, node: Any) -> Any:
    """The jsonschema-rs validator of one node of the python schema (None if it has none)."""
    key = id(node)
    try:
        return fast.compiled[key]
    except KeyError:
        pass
    translated = fast.nodes.get(key)
    compiled = None
    if isinstance(translated, dict) and (key == fast.root or _standalone(fast, translated)):
        import jsonschema_rs  # here, not at import: a linter that never validates skips it

        try:
            compiled = jsonschema_rs.validator_for(
                {**fast.shared, **translated}, formats=fast.formats, validate_formats=True,
                ignore_unknown_formats=False)
        except Exception:  # a node Rust cannot compile is python's to judge
            compiled = None
    fast.compiled[key] = compiled
    return compiled


def _standalone(fast: _Fast, node: dict[str, Any]) -> bool:
    """Whether a node below the root means the same compiled on its own (with the root's
    definitions beside it): it has no definitions of its own, and either no ``$ref`` or only
    ``$ref``s into the definitions, which themselves refer only into the definitions.
    ``#`` or ``#/properties/x`` would name the node itself, or a part of it, rather than
    the root's."""
    if "$defs" in node or "definitions" in node:
        return False
    refs = _refs(node)
    return not refs or (fast.definitions_standalone and _into_definitions(refs))


def _refs(node: Any) -> list[Any]:
    """Every ``$ref`` value below a translated node."""
    found: list[Any] = []
    stack: list[Any] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if "$ref" in item:
                found.append(item["$ref"])
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def _into_definitions(refs: list[Any]) -> bool:
    return all(isinstance(ref, str) and ref.startswith(("#/$defs/", "#/definitions/"))
               for ref in refs)


def fast_valid(schema_file: str, node: Any, value: Any, *, plain: bool = False) -> bool | None:
    """Whether ``value`` is valid against ``node`` (the python validator's schema, or a
    node of it) by the compiled validator: True only where python-jsonschema says valid
    too; False where the compiled validator says invalid; None where it cannot say (a
    schema or node without a fast path, a value that is not plain JSON). ``plain``: the
    caller has checked already that the value is plain JSON."""
    if isinstance(node, bool):
        return node
    fast = _fast(schema_file)
    if fast is None:
        return None
    compiled = _compiled(fast, node)
    if compiled is None or not (plain or _plain_json(value)):
        return None
    try:
        return bool(compiled.is_valid(value))
    except Exception:  # input Rust cannot convert is python's to judge
        return None


def _plain_json(value: Any) -> bool:
    """Whether ``value`` is built of exactly dict (with string keys), list, str, int, float,
    bool and None, with no NaN or infinity (which JSON has not: Rust takes infinity for no
    number at all)."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or value is None:
        return True
    if kind is dict:
        if not all(type(key) is str for key in value):
            return False
        items: Iterable[Any] = value.values()
    elif kind is list:
        items = value
    else:
        return kind is float and math.isfinite(value)
    for item in items:
        kind = type(item)
        if not (kind is str or kind is int or kind is bool or item is None
                or _plain_json(item)):
            return False
    return True


def _problems_at(schema_file: str, node: Any, value: Any, path: tuple[str | int, ...],
                 skip: frozenset[str] = frozenset(), where: str = "") -> list[SchemaProblem]:
    """The problems of a plain-JSON ``value`` at ``path`` that the fast path found invalid
    against ``node``, as :func:`slow_schema_problems` gives them for the whole record.

    Where the node only describes its members one by one (``properties``, ``items``, with
    ``type``, ``required`` and the like about the value as a whole), each member the fast
    path finds invalid is explained on its own, and python-jsonschema never sees the valid
    ones. The order is the whole-record one: python-jsonschema's errors are sorted by path,
    and a node's own errors (at its path) come before its members', which come in the
    order of their keys as strings (``"10"`` before ``"2"``).

    A scalar member at a pointer in ``skip`` is not looked at: its problems would all be at
    its own pointer (python-jsonschema descends into no scalar, and ``required``, the one
    problem reported below its value's pointer, is about objects), which the caller does
    not want. ``where`` is the pointer of ``path``, kept only while ``skip`` has any.
    """
    fast = _fast(schema_file)
    assert fast is not None
    shallow = _shallow(fast, node)
    members: list[tuple[str | int, Any, Any]] = []
    if shallow is None:
        return _leaf_problems(schema_file, node, value, path)
    if isinstance(value, dict) and ("properties" in node or "additionalProperties" in node):
        properties = node.get("properties", {})
        # An extra key breaking ``additionalProperties: false`` is reported at the node, as
        # an additionalProperties error, which is never a problem (IGNORED).
        extra = node.get("additionalProperties", True)
        for key in sorted(value):
            sub = properties.get(key, extra)
            if isinstance(sub, dict):
                members.append((key, sub, value[key]))
    elif isinstance(value, list) and isinstance(node.get("items"), dict):
        members = [(index, node["items"], value[index])
                   for index in sorted(range(len(value)), key=str)]
    else:
        return _leaf_problems(schema_file, node, value, path)
    found = ([] if _is_valid(fast, shallow, value)
             else _leaf_problems(schema_file, shallow, value, path))
    for key, sub, item in members:
        inner = ""
        if skip:
            inner = _child_pointer(where, key)
            kind = type(item)
            if kind is not dict and kind is not list and inner in skip:
                continue
        if not _is_valid(fast, sub, item):
            found.extend(_problems_at(schema_file, sub, item, (*path, key), skip, inner))
    return found


def _child_pointer(where: str, key: str | int) -> str:
    """``join_pointer(where, key)``, without escaping the keys that need none (most)."""
    token = str(key)
    if "~" in token or "/" in token:
        return join_pointer(where, token)
    return f"{where}/{token}"


def _is_valid(fast: _Fast, node: Any, value: Any) -> bool:
    """:func:`fast_valid` of a plain-JSON value, False for "cannot say" (the member loop of
    :func:`_problems_at`, where a member is looked at closer unless known valid)."""
    compiled = fast.compiled.get(id(node))
    if compiled is None:
        if isinstance(node, bool):
            return node
        compiled = _compiled(fast, node)
        if compiled is None:
            return False
    try:
        return bool(compiled.is_valid(value))
    except Exception:  # input Rust cannot convert is python's to judge
        return False


def _shallow(fast: _Fast, node: Any) -> dict[str, Any] | None:
    """``node`` without the keywords that descend into members, if its errors can be
    gathered member by member (see :data:`_DECOMPOSABLE`), else None. Kept for the run with
    its translated copy, so the compiled validator of it is built once.

    A member whose schema is ``false`` is reported by python-jsonschema at the node's path,
    in the order of the node's keywords: such a node is explained whole.
    """
    key = id(node)
    if key in fast.shallow:
        return fast.shallow[key]
    found = None
    if (isinstance(node, dict) and _DECOMPOSABLE.issuperset(node)
            and all(sub is not False for sub in node.get("properties", {}).values())):
        found = {name: value for name, value in node.items() if name not in _MEMBERS}
        translated = fast.nodes.get(key)
        if isinstance(translated, dict):  # nothing left refers to definitions or $id
            fast.nodes[id(found)] = {name: value for name, value in translated.items()
                                     if name not in _MEMBERS
                                     and name not in ("$defs", "definitions", "$id")}
    fast.shallow[key] = found
    return found


_LEAF_PROBLEMS: dict[tuple[str, int, tuple[str | int, ...], type, Any],
                    tuple[SchemaProblem, ...]] = {}
"""The problems of a short scalar at a node and path, kept for the run: the same few bad
values (``""``, ``"0"``, ``" "``) recur in record after record. Floats are not kept
(``-0.0 == 0.0``, but the messages show them differently)."""


def _leaf_problems(schema_file: str, node: Any, value: Any,
                   path: tuple[str | int, ...]) -> list[SchemaProblem]:
    """python-jsonschema's problems of ``value`` against ``node``, reported as if found by
    validating the whole record (the errors' paths start with ``path``)."""
    kind = type(value)
    key = None
    if value is None or kind is bool or kind is int or (kind is str and len(value) <= 256):
        key = (schema_file, id(node), path, kind, value)
        cached = _LEAF_PROBLEMS.get(key)
        if cached is not None:
            return list(cached)
    atoms = (_atoms(schema_file, node)
             if value is None or kind is str or kind is int or kind is bool else None)
    if atoms is not None:
        problems = _scalar_problems(schema_file, node, atoms, value, path)
    else:
        problems = _validated_problems(schema_file, node, value, path)
    if key is not None:
        if len(_LEAF_PROBLEMS) >= 4096:
            _LEAF_PROBLEMS.clear()
        _LEAF_PROBLEMS[key] = tuple(problems)
    return problems


def _validated_problems(schema_file: str, node: Any, value: Any,
                        path: tuple[str | int, ...]) -> list[SchemaProblem]:
    """:func:`_leaf_problems` by python-jsonschema itself: its errors of ``value`` against
    ``node``, their paths starting with ``path``, explained."""
    errors = list(_node_validator(schema_file, node).iter_errors(value))
    for error in errors:
        error.path.extendleft(reversed(path))
    return list(_explained(errors))


# Explaining a scalar without python-jsonschema --------------------------------------------
#
# A record's bad scalars mostly differ from record to record (a count "273" here, "12"
# there, an author list as one string), and explaining each with python-jsonschema costs
# tens of microseconds. But against a node made only of keywords that look at a scalar
# (``type``, ``pattern``, ``format``, ``enum``, bounds...) and of the combinators over them,
# python-jsonschema's errors for a string, an integer, a boolean or null are decided by
# which of those keywords the value passes, and by its type; never by the value otherwise:
# each such keyword yields one error or none, a combinator's errors follow from which of
# its branches hold, and best_match ranks errors by keyword, path (empty below a scalar)
# and whether the value's type is the error's schema's type. The message and fix then
# take the value itself (``_problem``). So the causes are kept by (node, type, which
# keywords pass), the passing judged by python-jsonschema's own keyword functions, and
# any value of that class is explained from them: "273" and "12" alike. Floats are left
# out: whether one is an "integer" depends on its value (``1.0`` is one), not its type.

_SCALAR_KEYWORDS = frozenset({"enum", "const", "pattern", "format", "minLength",
                              "maxLength", "minimum", "maximum", "exclusiveMinimum",
                              "exclusiveMaximum", "multipleOf"})
"""Keywords whose check of a scalar yields one error or none, decided by the value (``type``
is decided by the value's type: see :func:`_atoms`)."""

CONTAINER_KEYWORDS = frozenset({
    "properties", "patternProperties", "additionalProperties", "propertyNames", "required",
    "minProperties", "maxProperties", "dependentRequired", "dependentSchemas", "dependencies",
    "unevaluatedProperties", "items", "prefixItems", "additionalItems", "contains",
    "minContains", "maxContains", "minItems", "maxItems", "uniqueItems", "unevaluatedItems"})
"""Keywords python-jsonschema checks only on an object or an array: none yields an error for
a scalar (tests/test_schema_fast.py holds each function of them to it)."""

_Atom = tuple[Callable[..., Iterable[Any]], Any, Any, dict[str, Any]]
"""A scalar keyword of a node: python-jsonschema's function for it, the validator, the
keyword's value and the (sub)schema holding it (draft 4's ``minimum`` reads its sibling)."""

_ATOMS: dict[tuple[str, int], tuple[Any, tuple[_Atom, ...] | None]] = {}
_CAUSES: dict[tuple[str, int, type, int], tuple[tuple[_Cause, _Cause | None], ...]] = {}
"""The causes of the errors of a scalar, by schema, node, type and the keywords it fails
(bounded: a node has few such classes, a run few nodes)."""


def _atoms(schema_file: str, node: Any) -> tuple[_Atom, ...] | None:
    """The scalar keywords of ``node`` and of its combinators' branches, in a fixed order,
    but ``type`` (for a string, an integer, a boolean or null, python-jsonschema's type
    checker answers by the Python type alone: ``int`` is an "integer" and a "number",
    ``bool`` neither); None when the node holds a keyword of another kind (a ``$ref``,
    which the inlining left for recursion, or one this module does not know)."""
    key = (schema_file, id(node))
    found = _ATOMS.get(key)
    if found is not None and found[0] is node:
        return found[1]
    validator = validator_for(schema_file)
    keywords = validator.VALIDATORS
    atoms: list[_Atom] = []

    def walk(sub: Any) -> None:
        if isinstance(sub, bool):
            return  # true passes anything, false nothing: the same for every value
        if not isinstance(sub, dict):
            raise _Unsupported(repr(sub)[:40])
        for name, rule in sub.items():
            function = keywords.get(name)
            if function is None or name in CONTAINER_KEYWORDS:
                continue  # an annotation, then/else (read with if), or not for scalars
            if name in ("allOf", "anyOf", "oneOf"):
                if not isinstance(rule, list):
                    raise _Unsupported(name)
                for branch in rule:
                    walk(branch)
            elif name == "not":
                walk(rule)
            elif name == "if":
                walk(rule)
                walk(sub.get("then", True))
                walk(sub.get("else", True))
            elif name == "type" and (isinstance(rule, str) or (
                    isinstance(rule, list) and all(isinstance(t, str) for t in rule))):
                continue  # decided by the value's type, which the causes are kept by
            elif name in _SCALAR_KEYWORDS:
                atoms.append((function, validator, rule, sub))
            else:
                raise _Unsupported(name)

    try:
        walk(node)
        result: tuple[_Atom, ...] | None = tuple(atoms)
    except _Unsupported:
        result = None
    if len(_ATOMS) >= 4096:
        _ATOMS.clear()
    _ATOMS[key] = (node, result)
    return result


def _failing(atoms: tuple[_Atom, ...], value: Any) -> int:
    """Which of ``atoms`` ``value`` fails, as bits."""
    bits = 0
    for index, (function, validator, rule, schema) in enumerate(atoms):
        for _error in function(validator, rule, value, schema):
            bits |= 1 << index
            break
    return bits


def _scalar_problems(schema_file: str, node: Any, atoms: tuple[_Atom, ...], value: Any,
                     path: tuple[str | int, ...]) -> list[SchemaProblem]:
    """:func:`_leaf_problems` of a string, an integer, a boolean or null against a node
    made of scalar keywords (see the notes above)."""
    key = (schema_file, id(node), type(value), _failing(atoms, value))
    causes = _CAUSES.get(key)
    if causes is None:
        causes = _causes(schema_file, node, value)
        if causes is None:  # not as expected: python-jsonschema explains this one
            return _validated_problems(schema_file, node, value, path)
        if len(_CAUSES) >= 4096:
            _CAUSES.clear()
        _CAUSES[key] = causes
    pointer = join_pointer("", *path)
    found = []
    for top, specific in causes:
        problem = _problem(top, value, pointer, specific, value, pointer)
        if problem is not None:
            found.append(problem)
    return found


def _causes(schema_file: str, node: Any, value: Any
            ) -> tuple[tuple[_Cause, _Cause | None], ...] | None:
    """The causes of python-jsonschema's errors of the scalar ``value`` against ``node``,
    each error's with its most specific one's; None if an error is about another value
    than ``value`` itself (never, below a scalar: a guard for the reasoning above)."""
    found = []
    for error in _node_validator(schema_file, node).iter_errors(value):
        specific = _specific(error)
        for about in (error, specific):
            if about is not None and (about.instance is not value or about.path):
                return None
        found.append((_cause(error), None if specific is None else _cause(specific)))
    return tuple(found)
