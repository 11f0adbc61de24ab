"""``github``: GitHub Actions workflow commands, shown as annotations on the pull request.

::

    ::error file=data/a.json,line=5,col=13,title=biblint (XREF001)::DOI URL is null ... (at /DOIUrl)

``error``, ``warning`` and ``notice`` follow the finding's severity (error, warning, info). A
finding without a line is put on line 1, so GitHub still attaches it to the file. Values are
escaped as the Actions toolkit does (``toCommandValue`` / ``escapeProperty``): ``%``, CR and
LF everywhere, and also ``:`` and ``,`` in properties. Internal errors become ``::error``
lines without a file, after the findings. Streamed: each annotation is written as its
record is checked.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..model import Finding, Report, Severity
from .common import pointed
from .stream import StreamReporter, render_with

if TYPE_CHECKING:
    from . import RenderOptions

COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def escape_data(text: str) -> str:
    """The message part of a workflow command."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A property value (``file=``, ``title=``) of a workflow command."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(finding: Finding) -> str:
    props: list[tuple[str, str]] = []
    if finding.file is not None:
        props.append(("file", finding.file))
        props.append(("line", str(finding.line or 1)))
        if finding.line is not None and finding.column is not None:
            props.append(("col", str(finding.column)))
    props.append(("title", f"biblint ({finding.code})"))
    head = ",".join(f"{key}={escape_property(value)}" for key, value in props)
    return f"::{COMMANDS[finding.severity]} {head}::{escape_data(pointed(finding))}"


class GitHubReporter(StreamReporter):
    """Annotations as findings come; internal errors at the end."""

    def write_findings(self, found: Sequence[Finding]) -> None:
        self.out.write("".join(command(f) + "\n" for f in found))

    def end(self) -> None:
        self.out.write("".join(
            f"::error title={escape_property('biblint (internal error)')}::"
            f"{escape_data(error)}\n" for error in self.totals.errors))


def render(report: Report, options: RenderOptions) -> str:
    return render_with(GitHubReporter, report, options)
