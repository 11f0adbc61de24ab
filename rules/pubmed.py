"""PUB: PubMed/MEDLINE XML records (issue 10): what only this format can get wrong.

These rules read the record shape of :mod:`biblint.readers.pubmedxml` (``Article``,
``AbstractText`` sections, ``DeleteCitation``); on any other shape they are quiet. Their
findings are report-only: biblint never writes into XML. That an article saying it is a
review lacks the `Review` publication type is PT002's, through the PubMed profile's type
vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterator

import regex

from biblint.domain.show import shown
from biblint.model import Violation
from biblint.record import Record
from biblint.registry import RECORD, Context, rule


@rule("PUB001", "deleted-citation", severity="info", reads=RECORD)
def deleted_citation(record: Record, ctx: Context) -> Iterator[Violation]:
    """A MEDLINE update file's `DeleteCitation` block: PMIDs this file deletes.

    ## What it does
    Reports each `DeleteCitation` block of a PubMed/MEDLINE update file once, with the
    number of PMIDs it deletes and the first of them.

    ## Why is this bad?
    It is not bad in itself, but it is not a citation: a pipeline that loads update files
    as records must delete these PMIDs instead, or it keeps articles NLM has withdrawn
    (duplicates, records merged into others). The finding makes the block visible where a
    plain count of records would hide it.

    ## Example
    ```xml
    <DeleteCitation><PMID Version="1">29424689</PMID><PMID Version="1">29424690</PMID>
    </DeleteCitation>
    ```

    ## Fix
    None: apply the deletions downstream.
    """
    data = record.data
    if not isinstance(data, dict):
        return
    block = data.get("DeleteCitation")
    if not isinstance(block, dict):
        return
    pmids = [p for p in block.get("PMID") or [] if isinstance(p, str)]
    first = f" ({shown(pmids[0])}{', …' if len(pmids) > 1 else ''})" if pmids else ""
    yield Violation(f"DeleteCitation: this update file deletes {len(pmids)} PMID"
                    f"{'' if len(pmids) == 1 else 's'}{first}", "/DeleteCitation")


_HEADINGS = (
    r"BACKGROUNDS?|INTRODUCTION|OBJECTIVES?|AIMS?(?:\s++AND\s++OBJECTIVES?)?|PURPOSES?|"
    r"CONTEXT|RATIONALE|HYPOTHESIS|DESIGNS?|SETTINGS?|PARTICIPANTS|PATIENTS|SUBJECTS|"
    r"INTERVENTIONS?|MAIN\s++OUTCOME\s++MEASURES?|OUTCOMES?|MATERIALS?\s++AND\s++METHODS|"
    r"METHODS?|METHODOLOGY|STUDY\s++DESIGN|RESULTS?|FINDINGS|INTERPRETATION|DISCUSSION|"
    r"CONCLUSIONS?|CONCLUSIONS?\s++AND\s++RELEVANCE|IMPLICATIONS|LIMITATIONS|"
    r"TRIAL\s++REGISTRATION|SIGNIFICANCE|CASE\s++PRESENTATION|CASE\s++REPORT|SUMMARY|"
    r"Background|Introduction|Objectives?|Aims?|Purpose|Methods?|Results?|Findings|"
    r"Discussion|Conclusions?|Interpretation|Significance"
)
_HEADING_RE = regex.compile(
    r"(?:^|(?<=[.!?:;)\]]\s{0,3}+))(?P<heading>" + _HEADINGS + r")\s*+:\s*+(?=\S)")


@rule("PUB002", "abstract-sections-unlabelled", severity="warning", reads=("abstract",))
def abstract_sections_unlabelled(record: Record, ctx: Context) -> Iterator[Violation]:
    """A structured abstract written into one `AbstractText` without `Label`s.

    ## What it does
    In a PubMed/MEDLINE XML record whose abstract is a single `AbstractText` with no
    `Label` attribute, reports a text that carries at least two section headings inline
    (`BACKGROUND: … METHODS: … RESULTS: …`, `Background: … Conclusions: …`), each at the
    start of the text or after a sentence end, followed by a colon. A heading glued to the
    text without space or colon (`ImpactThis`) is ABS003's.

    ## Why is this bad?
    PubMed XML labels the sections of a structured abstract: one `AbstractText` per
    section, with `Label` and `NlmCategory` (BACKGROUND, METHODS, RESULTS, CONCLUSIONS).
    Flattened into one text, the structure is lost to search filters (`[Title/Abstract]`
    by section), to text mining that reads conclusions, and to every display that renders
    labelled sections; the headings become words of the abstract.

    ## Example
    ```xml
    <Abstract><AbstractText>BACKGROUND: Limb ischemia ... METHODS: We reviewed ...
    RESULTS: ...</AbstractText></Abstract>
    ```
    Use instead:
    ```xml
    <Abstract><AbstractText Label="BACKGROUND" NlmCategory="BACKGROUND">Limb ischemia
    ...</AbstractText><AbstractText Label="METHODS" NlmCategory="METHODS">We reviewed
    ...</AbstractText></Abstract>
    ```

    ## Fix
    None (report-only): splitting the text into elements is not a byte-minimal edit, and
    biblint does not write into XML files.
    """
    found = record.field("abstract")
    if found is None or not isinstance(found.value, str):
        return
    sections = _at_parent_list(record, found.pointer)
    if sections is None or len(sections) != 1:
        return
    section = sections[0]
    if not isinstance(section, dict) or section.get("Label"):
        return
    headings = [m["heading"] for m in _HEADING_RE.finditer(found.value)]
    distinct = list(dict.fromkeys(" ".join(h.upper().split()) for h in headings))
    if len(distinct) < 2:
        return
    listed = ", ".join(f"{h}:" for h in distinct[:4]) + (", …" if len(distinct) > 4 else "")
    yield Violation(f"structured abstract in one AbstractText without Label ({listed})",
                    found.pointer)


def _at_parent_list(record: Record, pointer: str) -> list[object] | None:
    """The list of ``AbstractText`` sections holding the abstract at ``pointer`` (a
    ``.../AbstractText/0/text`` pointer of the PubMed XML shape), or None."""
    tokens = pointer.split("/")
    if len(tokens) < 4 or tokens[-1] != "text" or tokens[-3] != "AbstractText":
        return None
    node: object = record.data
    for token in tokens[1:-2]:
        if isinstance(node, dict):
            node = node.get(token)
        else:
            return None
    return node if isinstance(node, list) else None
