"""Schema findings: a record checked against its profile's JSON Schema, one clear finding per
problem.

jsonschema's own messages echo the whole offending value (a 3 kB abstract) and, under
``anyOf``, say only that nothing matched. :func:`schema_problems` reduces each error to the
most specific cause (the branch whose type fits the value), names it briefly, and offers a fix
where the correction keeps the meaning: ``"12"`` -> ``12`` where an integer is expected,
``"false"`` -> ``false`` where a boolean is, a blank string -> null where null is allowed.

Validation passes the validator's ``FORMAT_CHECKER``: without it jsonschema does not assert
``format`` at all, and ``"2025-02-30"`` would pass as a date.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

import jsonpatch
import jsonschema
import regex
from jsonschema.exceptions import ValidationError, best_match

from .model import Fix, join_pointer, split_pointer
from .profiles import load_schema

if TYPE_CHECKING:
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


def schema_problems(record: Any, schema_file: str) -> Iterator[SchemaProblem]:
    """The problems of ``record`` against the schema, in document order."""
    validator = validator_for(schema_file)
    errors = sorted(validator.iter_errors(record), key=lambda e: [str(p) for p in e.path])
    for error in errors:
        absence = _absence(error)
        if absence is not None:
            yield absence
        elif (specific := _specific(error)) is not None:
            yield _explain(specific)


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
        error = best_match(fitting)
    return None if error.validator in IGNORED else error


def _absence(error: ValidationError) -> SchemaProblem | None:
    """A blank string where the schema allows null: the shape's way to say "no value" is
    null, so that is the finding (and the fix), not the pattern the string also fails."""
    value: Any = error.instance
    if not isinstance(value, str) or value.strip():
        return None
    rule: Any = error.validator_value
    allowed = (None in rule if error.validator == "enum"
               else "null" in _allowed_types(error))
    if not allowed:
        return None
    what = "an empty string" if not value else "a blank string"
    return SchemaProblem(join_pointer("", *error.absolute_path),
                         f"{what} where the schema writes no value as null",
                         _fix(join_pointer("", *error.absolute_path), None))


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


def _explain(error: ValidationError) -> SchemaProblem:
    pointer = join_pointer("", *error.absolute_path)
    value: Any = error.instance
    rule: Any = error.validator_value
    kind = error.validator
    if kind in ("type", "anyOf", "oneOf") and (types := _allowed_types(error)):
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
        missing = error.message.split("'")[1] if "'" in error.message else "a property"
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
        return SchemaProblem(pointer, error.message.split(" were unexpected")[0]
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


def record_problems(record: Record) -> list[SchemaProblem]:
    """The schema problems of a record being linted, validated once for all the rules that
    ask (REC003 reports them; the blank-value rules check their fixes against them)."""
    schema = record.profile.schema
    if not schema:
        return []
    return record.memo("schema.problems", lambda r: list(schema_problems(r.data, schema)))


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
    if not _valid_here(schema_file, node, value):
        # A scalar broken before: its one break is at the pointer, so the fix adds none. A
        # container's breaks may lie below it, which the fix moves up: not judged here.
        return True if not isinstance(value, (dict, list)) else None
    if op.op == "remove":
        required: Any = parent_schema.get("required", ())
        return tokens[-1] not in required
    return _valid_here(schema_file, node, op.value)


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
    verdict = bool(validator_for(schema_file).evolve(schema=node).is_valid(value))
    if key is not None:
        if len(_SCALAR_VERDICTS) >= 4096:
            _SCALAR_VERDICTS.clear()
        _SCALAR_VERDICTS[key] = verdict
    return verdict


_REQUIRED = regex.compile(r"required property '(.*)' is missing")
