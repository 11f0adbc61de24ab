"""A record's census: what the HTML report needs of it besides its findings.

The report runs over a stream and never holds records, yet it shows how complete each
canonical field is and, for sampled findings, the offending value. Both are taken here, as
each record goes by (:meth:`biblint.Linter.iter_document` calls :func:`take` when
``Config.census`` is set), and ride on the record's
:class:`~biblint.model.RecordChecked` event as a small picklable
:class:`~biblint.model.Census`, so they cross ``--jobs`` worker processes like findings do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from .model import Census, Finding, lookup
from .record import Record

EXCERPT = 120
"""Longest excerpt of a value, in characters (a value may be a whole abstract)."""


def filled(value: Any) -> bool:
    """Whether a value counts as present for completeness: not null, not a blank string,
    not an empty list or object."""
    if value is None:
        return False
    if isinstance(value, str):
        return bool(value.strip())
    if isinstance(value, list | dict):
        return bool(value)
    return True


def take(record: Record, findings: Sequence[Finding]) -> Census:
    """The census of ``record``, with the value excerpts of ``findings`` (its findings)."""
    profile = record.profile
    data = record.data
    fields = tuple(profile.fields)
    # Only the fields the record has at all (computed anyway, for the engine's gating).
    done = frozenset(name for name in record.present()
                     if any(filled(lookup(data, p)) for p in profile.pointers(name)))
    values = {f.fingerprint: excerpt(lookup(data, f.pointer)) for f in findings
              if f.record == record.origin.index and f.pointer}
    return Census(profile.name, fields, done, values)


def excerpt(value: Any, limit: int = EXCERPT) -> str:
    """``value`` as JSON, cut to about ``limit`` characters (containers are cut before they
    are serialised, so a huge value costs no more than a small one)."""
    text = json.dumps(_shallow(value, limit), ensure_ascii=False, default=str)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _shallow(value: Any, limit: int, depth: int = 0) -> Any:
    """A copy of ``value`` small enough to serialise: long strings cut, containers cut to
    their first items and, below two levels, summarised."""
    if isinstance(value, str):
        return value if len(value) <= limit else value[:limit] + "…"
    if isinstance(value, dict):
        if depth >= 2 and value:
            return f"{{{len(value)} keys}}"
        return {str(k): _shallow(v, limit, depth + 1) for k, v in list(value.items())[:8]}
    if isinstance(value, list):
        if depth >= 2 and value:
            return f"[{len(value)} items]"
        return [_shallow(v, limit, depth + 1) for v in value[:8]]
    return value


__all__ = ["EXCERPT", "excerpt", "filled", "take"]
