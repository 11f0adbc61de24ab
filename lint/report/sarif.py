"""``sarif``: a SARIF 2.1.0 log (GitHub code scanning, Azure DevOps, IDE viewers).

One run whose ``tool.driver`` lists every rule that has a finding (id = code, name, the
summary as ``shortDescription``, the docstring as ``fullDescription`` and ``help``, the
default severity as ``defaultConfiguration.level``). Each finding is a result with its level
(error -> ``error``, warning -> ``warning``, info -> ``note``), a physical location (the file
as given; a relative path gets ``uriBaseId`` ``%SRCROOT%``, and the region is left out when the
finding has no line), a logical location (``record N`` + the JSON Pointer) and
``partialFingerprints["biblintFingerprint/v1"]``, the finding's stable fingerprint, so code
scanning keeps tracking a finding when lines move. Columns count Unicode code points
(``columnKind``).

Fixes are not SARIF ``fixes``: those are byte or line/column replacements in the artifact,
and a finding's fix is a JSON Patch against the parsed record. Turning it into replacements
means re-serialising the value the way the fixer does when it writes the file, which a
reporter cannot do from the report alone. The fix (applicability, title and patch operations)
goes in ``result.properties.fix`` instead, where a consumer that understands it can apply it.

Internal errors (a crashing rule, a fix that could not be written) are
``invocations[0].toolExecutionNotifications``, and ``executionSuccessful`` is false when there
are any.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ..model import Finding, Report, Severity
from ..registry import Registry, RegistryError, Rule, default_registry
from .jsontext import dumps_indented

if TYPE_CHECKING:
    from . import RenderOptions

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
SARIF_VERSION = "2.1.0"
INFORMATION_URI = "https://pypi.org/project/biblint/"
SRCROOT = "%SRCROOT%"
FINGERPRINT_KEY = "biblintFingerprint/v1"
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def _registry() -> Registry | None:
    try:
        return default_registry()
    except RegistryError:
        return None


def _rule_descriptor(code: str, rule: Rule | None, finding: Finding) -> dict[str, Any]:
    if rule is None:  # a finding whose rule is not installed here: describe what we know
        return {
            "id": code,
            "name": finding.name,
            "shortDescription": {"text": finding.name},
            "defaultConfiguration": {"level": LEVELS[finding.severity]},
        }
    tags = [rule.family]
    if rule.fix is not None:
        tags.append(f"{rule.fix.label}-fix")
    doc = rule.doc or rule.summary or rule.name
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary or rule.name},
        "fullDescription": {"text": doc},
        "help": {"text": doc, "markdown": doc},
        "defaultConfiguration": {"level": LEVELS[rule.severity]},
        "properties": {"tags": tags},
    }


def artifact_location(path: str) -> dict[str, str]:
    """The file as given: a relative URI against ``%SRCROOT%``, or a ``file:`` URI."""
    given = Path(path)
    if given.is_absolute():
        return {"uri": given.as_uri()}
    return {"uri": quote(given.as_posix(), safe="/"), "uriBaseId": SRCROOT}


def _location(finding: Finding, artifacts: dict[str, dict[str, str]]) -> dict[str, Any]:
    """The finding's location; ``artifacts`` keeps each file's artifact location (one per
    file, not per finding: building it parses the path), copied into each result."""
    location: dict[str, Any] = {}
    if finding.file is not None:
        artifact = artifacts.get(finding.file)
        if artifact is None:
            artifact = artifacts[finding.file] = artifact_location(finding.file)
        physical: dict[str, Any] = {"artifactLocation": dict(artifact)}
        if finding.line is not None:
            region = {"startLine": finding.line}
            if finding.column is not None:
                region["startColumn"] = finding.column
            physical["region"] = region
        location["physicalLocation"] = physical
    if finding.record is not None:
        location["logicalLocations"] = [{
            "fullyQualifiedName": f"record {finding.record}{finding.pointer}",
            "kind": "member",
        }]
    return location


def _result(finding: Finding, rule_index: int,
            artifacts: dict[str, dict[str, str]]) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": finding.code,
        "ruleIndex": rule_index,
        "level": LEVELS[finding.severity],
        "message": {"text": finding.message},
    }
    location = _location(finding, artifacts)
    if location:
        result["locations"] = [location]
    result["partialFingerprints"] = {FINGERPRINT_KEY: finding.fingerprint}
    properties: dict[str, Any] = {"name": finding.name, "pointer": finding.pointer}
    if finding.record is not None:
        properties["record"] = finding.record
    if finding.fix is not None:
        properties["fix"] = finding.fix.to_dict()
    result["properties"] = properties
    return result


def as_dict(report: Report, options: RenderOptions) -> dict[str, Any]:
    from .. import __version__

    findings = report.findings
    registry = _registry()
    examples: dict[str, Finding] = {}
    for f in findings:
        examples.setdefault(f.code, f)

    def lookup(code: str) -> Rule | None:
        return registry.by_code.get(code) if registry is not None else None

    def order(code: str) -> tuple[str, str]:
        rule = lookup(code)
        return (rule.family if rule else code.rstrip("0123456789"), code)

    codes = sorted(examples, key=order)
    artifacts: dict[str, dict[str, str]] = {}
    index = {code: i for i, code in enumerate(codes)}
    errors = report.errors
    invocation: dict[str, Any] = {"executionSuccessful": not errors}
    if errors:
        invocation["toolExecutionNotifications"] = [
            {"level": "error", "message": {"text": error}} for error in errors
        ]
    return {
        "$schema": SCHEMA_URI,
        "version": SARIF_VERSION,
        "runs": [{
            "tool": {
                "driver": {
                    "name": "biblint",
                    "version": __version__,
                    "informationUri": INFORMATION_URI,
                    "rules": [_rule_descriptor(c, lookup(c), examples[c]) for c in codes],
                },
            },
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": [_result(f, index[f.code], artifacts) for f in findings],
        }],
    }


def render(report: Report, options: RenderOptions) -> str:
    return dumps_indented(as_dict(report, options)) + "\n"
