"""``junit``: JUnit XML, for CI systems that show test reports (GitLab, Jenkins, Azure).

``<testsuites>`` holds one ``<testsuite>`` per checked file. Each finding is a ``<testcase>``
with a ``<failure>`` (type = the rule code, message = the finding's message, text = where it
is and what it is). A file without findings gets one passing test case, so the report shows
the file was checked; an internal error (a crashing rule, a fix that could not be written) is a
test case with an ``<error>``. The tree is built with lxml, which escapes text and attributes;
characters that XML 1.0 cannot carry at all (control characters) are written as ``\\uXXXX``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from lxml import etree

from ..model import FileResult, Finding, Report
from .common import location

if TYPE_CHECKING:
    from . import RenderOptions

_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` with the characters XML 1.0 forbids replaced by ``\\uXXXX``."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _where(finding: Finding) -> str:
    where = f"record {finding.record}" if finding.record is not None else "the file"
    return where + (f" at {finding.pointer}" if finding.pointer else "")


def _finding_case(suite: Any, result: FileResult, finding: Finding) -> None:
    case = etree.SubElement(suite, "testcase")
    case.set("classname", xml_text(result.path))
    case.set("name", xml_text(f"{finding.code} {_where(finding)}"))
    case.set("file", xml_text(result.path))
    if finding.line is not None:
        case.set("line", str(finding.line))
    failure = etree.SubElement(case, "failure")
    failure.set("type", finding.code)
    failure.set("message", xml_text(finding.message))
    lines = [
        f"{location(finding)}: {finding.code} {finding.message}",
        f"{_where(finding)} ({finding.severity.label}, {finding.name})",
    ]
    if finding.fix is not None:
        lines.append(f"{finding.fix.applicability.label} fix: {finding.fix.title}")
    failure.text = xml_text("\n".join(lines))


def _suite(parent: Any, result: FileResult) -> tuple[int, int, int]:
    suite = etree.SubElement(parent, "testsuite")
    suite.set("name", xml_text(result.path))
    for finding in result.findings:
        _finding_case(suite, result, finding)
    for error in result.errors:
        case = etree.SubElement(suite, "testcase")
        case.set("classname", xml_text(result.path))
        case.set("name", "internal error")
        element = etree.SubElement(case, "error")
        element.set("type", "internal-error")
        element.set("message", xml_text(error))
        element.text = xml_text(error)
    if not result.findings and not result.errors:
        case = etree.SubElement(suite, "testcase")
        case.set("classname", xml_text(result.path))
        case.set("name", "biblint")
        case.set("file", xml_text(result.path))
    tests = max(1, len(result.findings) + len(result.errors))
    failures, errors = len(result.findings), len(result.errors)
    suite.set("tests", str(tests))
    suite.set("failures", str(failures))
    suite.set("errors", str(errors))
    suite.set("skipped", "0")
    return tests, failures, errors


def render(report: Report, options: RenderOptions) -> str:
    root = etree.Element("testsuites")
    root.set("name", "biblint")
    totals = [0, 0, 0]
    for result in report.files:
        for i, count in enumerate(_suite(root, result)):
            totals[i] += count
    for name, count in zip(("tests", "failures", "errors"), totals, strict=True):
        root.set(name, str(count))
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8",
                                 pretty_print=True)
    return data.decode("utf-8")
