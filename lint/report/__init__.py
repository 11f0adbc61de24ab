"""Reporters: render a :class:`~biblint.model.Report` as text. One small module per format.

Results are kept apart from rendering (check-jsonschema's design): a reporter is a function
``render(report, options) -> str`` registered by name in :data:`REPORTERS`. For a streamed
run, :func:`open_reporter` gives the format's event sink (see :mod:`biblint.report.stream`):
``text``, ``concise``, ``jsonl`` and ``github`` write each finding as it comes
(:data:`STREAMING`); the other formats hold findings (never records) and render at the end.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TextIO, TypeVar

from ..model import Report
from .stream import HeldReporter, StreamReporter

if TYPE_CHECKING:
    from ..discovery import Skipped


@dataclass(frozen=True)
class RenderOptions:
    """What reporters may need besides the findings."""

    unsafe_fixes: bool = False
    """Unsafe fixes count as applicable (marked ``[*]``) when true."""
    color: bool = False
    show_fixes: bool = False
    fixing: bool = False
    """The run applied fixes: the report shows what remains."""
    diff: bool = False
    """``--diff``: nothing was written; the text report shows the diffs and what they would
    fix, not the findings."""
    skipped: Skipped | None = None
    """Files the run walked past without reading them (no reader for their format, or no
    records in them), for the summary: a gate must not pass silently on data it never read."""


Reporter = Callable[[Report, RenderOptions], str]

V = TypeVar("V")


class _Lazy(Mapping[str, V]):
    """A registry by name whose entries are attributes of this package's modules, imported
    when first asked for: one small file checked in the text format does not pay for
    importing the HTML report (its templates), JUnit's XML or SARIF (cold start)."""

    def __init__(self, entries: dict[str, str]) -> None:
        self._entries = entries  # name -> "module.attribute"

    def __getitem__(self, name: str) -> V:
        module, attribute = self._entries[name].split(".")
        found: Any = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
        return found  # type: ignore[no-any-return]

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)


REPORTERS: Mapping[str, Reporter] = _Lazy({
    "text": "text.render",
    "concise": "concise.render",
    "json": "json.render",
    "jsonl": "jsonl.render",
    "github": "github.render",
    "sarif": "sarif.render",
    "gitlab": "gitlab.render",
    "junit": "junit.render",
    "html": "html.render",
})
"""Output formats by name (``--format``)."""

STREAMING: Mapping[str, Callable[[TextIO, RenderOptions], StreamReporter]] = _Lazy({
    "text": "text.TextReporter",
    "concise": "concise.ConciseReporter",
    "jsonl": "jsonl.JsonLinesReporter",
    "github": "github.GitHubReporter",
})
"""The formats written as findings come, by name."""

SUMMARISED: Mapping[str, Callable[[TextIO, RenderOptions], StreamReporter]] = _Lazy({
    "html": "html.HtmlReporter",
})
"""The formats written at the end but built from the events as they come: bounded summaries
instead of held findings, and the records' census (completeness) that a finished report
lacks."""


def open_reporter(name: str, out: TextIO,
                  options: RenderOptions) -> StreamReporter | HeldReporter:
    """The event sink of format ``name`` writing to ``out``: streamed when the format
    allows, summarised as the events come (``html``), else held and rendered by
    :meth:`HeldReporter.close`."""
    factory = STREAMING.get(name) or SUMMARISED.get(name)
    if factory is not None:
        return factory(out, options)
    return HeldReporter(out, options, REPORTERS[name])
