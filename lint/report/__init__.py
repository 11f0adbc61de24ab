"""Reporters: render a :class:`~biblint.model.Report` as text. One small module per format.

Results are kept apart from rendering (check-jsonschema's design): a reporter is a function
``render(report, options) -> str`` registered by name in :data:`REPORTERS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..model import Report
from . import concise, github, gitlab, json, jsonl, junit, sarif, text


@dataclass(frozen=True)
class RenderOptions:
    """What reporters may need besides the findings."""

    unsafe_fixes: bool = False
    """Unsafe fixes count as applicable (marked ``[*]``) when true."""
    color: bool = False
    show_fixes: bool = False
    fixing: bool = False
    """The run applied fixes: the report shows what remains."""


Reporter = Callable[[Report, RenderOptions], str]

REPORTERS: dict[str, Reporter] = {
    "text": text.render,
    "concise": concise.render,
    "json": json.render,
    "jsonl": jsonl.render,
    "github": github.render,
    "sarif": sarif.render,
    "gitlab": gitlab.render,
    "junit": junit.render,
}
"""Output formats by name (``--format``)."""
