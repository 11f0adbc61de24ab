"""biblint on a MEDLINE baseline-sized PubMed XML file, next to a bare lxml iterparse loop.

    python bench/medline.py [--articles 30000] [--keep FILE] [--jobs 1]

Generates a MEDLINE-baseline-style file (``PubmedArticleSet``, ``--articles`` articles shaped
like baseline records: journal, dates, structured and plain abstracts, 1-12 authors with
affiliations, MeSH headings, keywords, article ids, references, some elided page ranges,
``MedlineDate`` and ``ELocationID``s; a few defects), then prints:

* records/s of ``biblint check`` (every default rule, a fresh process, ``--jobs`` workers,
  ``--statistics`` output to /dev/null), from wall and CPU time;
* records/s of an lxml ``iterparse`` loop over the same file that only reads the
  ``PubmedArticle`` elements and clears each one (what any streaming reader pays);
* the ratio, and the peak RSS of the ``biblint check`` process (issue 10's target: under
  300 MB for 30,000 articles).

Figures vary with the machine and its load; the two loops run side by side on one file.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path
from xml.sax.saxutils import escape

from stdnum import issn
from throughput import run_child  # one way to measure a child process, shared

WORDS = ["cell", "tissue", "patient", "cohort", "randomised", "trial", "outcome", "mortality",
         "therapy", "receptor", "expression", "protein", "kinase", "signalling", "pathway",
         "inflammation", "vascular", "ischemia", "limb", "stem", "mesenchymal", "regeneration",
         "clinical", "safety", "efficacy", "analysis", "model", "mouse", "human", "dose",
         "response", "risk", "factor", "association", "incidence", "prevalence"]
JOURNALS = [(f"{base[:4]}-{base[4:]}{issn.calc_check_digit(base)}", f"Journal of {w.title()}")
            for base, w in ((f"{1000 + 37 * n:04d}{n:03d}", w) for n, w in enumerate(WORDS))]
"""One journal per title, each with a valid ISSN (python-stdnum computes its check digit)."""
SURNAMES = [w.title() + end for w in WORDS for end in ("", "son", "berg", "ez", "ska")]
LABELS = ("BACKGROUND", "METHODS", "RESULTS", "CONCLUSIONS")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
MESH = ("Humans", "Animals", "Mice", "Female", "Male", "Adult", "Aged", "Middle Aged",
        "Ischemia", "Stem Cells", "Treatment Outcome", "Risk Factors", "Cohort Studies")


def sentence(rng: random.Random, words: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def article(rng: random.Random, pmid: int) -> str:
    year = rng.randint(1975, 2024)
    first = rng.randint(1, 1800)
    last = str(first + rng.randint(2, 14))
    if rng.random() < 0.6:  # MEDLINE's elided range: the leading digits both share dropped
        shared = next((i for i, (a, b) in enumerate(zip(str(first), last, strict=False)) if a != b),
                      len(last) - 1)
        pages = f"{first}-{last[shared:]}" if len(last) == len(str(first)) else f"{first}-{last}"
    else:
        pages = f"{first}-{last}"
    if rng.random() < 0.05:
        pubdate = f"<MedlineDate>{year} {MONTHS[rng.randrange(11)]}-{MONTHS[11]}</MedlineDate>"
    else:
        pubdate = (f"<Year>{year}</Year><Month>{rng.choice(MONTHS)}</Month>"
                   f"<Day>{rng.randint(1, 28)}</Day>")
    if rng.random() < 0.35:
        abstract = "".join(
            f'<AbstractText Label="{label}" NlmCategory="{label}">'
            f"{' '.join(sentence(rng, rng.randint(8, 25)) for _ in range(rng.randint(1, 3)))}"
            f"</AbstractText>" for label in LABELS)
    else:
        abstract = ("<AbstractText>"
                    + " ".join(sentence(rng, rng.randint(8, 25)) for _ in range(rng.randint(3, 9)))
                    + "</AbstractText>")
    if rng.random() < 0.01:  # a defect now and then: escaped markup in an abstract
        abstract = abstract.replace("<AbstractText>", "<AbstractText>&lt;p&gt;", 1)
    issn, journal = rng.choice(JOURNALS)
    authors = "".join(
        f'<Author ValidYN="Y"><LastName>{escape(surname)}</LastName>'
        f"<ForeName>{rng.choice(WORDS).title()}</ForeName><Initials>X</Initials>"
        f"<AffiliationInfo><Affiliation>Department of {rng.choice(WORDS).title()}, "
        f"University of {rng.choice(WORDS).title()}, City, Country.</Affiliation>"
        f"</AffiliationInfo></Author>" for surname in rng.sample(SURNAMES, rng.randint(1, 12)))
    doi = f"10.{rng.randint(1000, 9999)}/j.{rng.choice(WORDS)}.{year}.{pmid:07d}"
    elocation = (f'<ELocationID EIdType="doi" ValidYN="Y">{doi}</ELocationID>'
                 if rng.random() < 0.5 else "")
    mesh = "".join(f'<MeshHeading><DescriptorName UI="D{rng.randint(1, 99999):06d}" '
                   f'MajorTopicYN="N">{term}</DescriptorName></MeshHeading>'
                   for term in rng.sample(MESH, rng.randint(3, 10)))
    references = "".join(f"<Reference><Citation>{sentence(rng, 12)} {year - 3};12:1-9."
                         f"</Citation></Reference>" for _ in range(rng.randint(0, 8)))
    return f"""<PubmedArticle>
  <MedlineCitation Status="MEDLINE" Owner="NLM">
    <PMID Version="1">{pmid}</PMID>
    <DateCompleted><Year>{year}</Year><Month>06</Month><Day>01</Day></DateCompleted>
    <Article PubModel="Print">
      <Journal>
        <ISSN IssnType="Print">{issn}</ISSN>
        <JournalIssue CitedMedium="Print">
          <Volume>{rng.randint(1, 400)}</Volume>
          <Issue>{rng.randint(1, 12)}</Issue>
          <PubDate>{pubdate}</PubDate>
        </JournalIssue>
        <Title>{journal}</Title>
        <ISOAbbreviation>{journal.replace("Journal of", "J")}</ISOAbbreviation>
      </Journal>
      <ArticleTitle>{sentence(rng, rng.randint(6, 18))}</ArticleTitle>
      <Pagination><MedlinePgn>{pages}</MedlinePgn></Pagination>
      {elocation}
      <Abstract>{abstract}</Abstract>
      <AuthorList CompleteYN="Y">{authors}</AuthorList>
      <Language>eng</Language>
      <PublicationTypeList><PublicationType UI="D016428">Journal Article</PublicationType>
      </PublicationTypeList>
    </Article>
    <MedlineJournalInfo><Country>England</Country><MedlineTA>{journal}</MedlineTA>
      <NlmUniqueID>0410462</NlmUniqueID><ISSNLinking>{issn}</ISSNLinking>
    </MedlineJournalInfo>
    <MeshHeadingList>{mesh}</MeshHeadingList>
  </MedlineCitation>
  <PubmedData>
    <PublicationStatus>ppublish</PublicationStatus>
    <ArticleIdList><ArticleId IdType="pubmed">{pmid}</ArticleId>
      <ArticleId IdType="doi">{doi}</ArticleId></ArticleIdList>
    <ReferenceList>{references}</ReferenceList>
  </PubmedData>
</PubmedArticle>
"""


def write_baseline(path: Path, articles: int, seed: int = 10) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE PubmedArticleSet PUBLIC '
                  '"-//NLM//DTD PubMedArticle, 1st January 2025//EN" '
                  '"https://dtd.nlm.nih.gov/ncbi/pubmed/out/pubmed_250101.dtd">\n'
                  "<PubmedArticleSet>\n")
        for pmid in range(1, articles + 1):
            out.write(article(rng, 30_000_000 + pmid))
        out.write("</PubmedArticleSet>\n")


def iterparse_loop(path: Path) -> tuple[int, float, float]:
    """(articles, wall seconds, CPU seconds) of a bare lxml iterparse over the articles."""
    from lxml import etree

    wall, cpu = time.perf_counter(), time.process_time()
    count = 0
    for _, element in etree.iterparse(str(path), events=("end",), tag="PubmedArticle",
                                      resolve_entities=False, no_network=True, load_dtd=False):
        count += 1
        element.clear(keep_tail=False)
        parent = element.getparent()
        while element.getprevious() is not None:
            del parent[0]
    return count, time.perf_counter() - wall, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=30_000)
    parser.add_argument("--keep", type=Path, help="write the generated file here and keep it")
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="biblint-medline-"))
    try:
        path = args.keep or folder / "pubmed25n0001.xml"
        started = time.perf_counter()
        write_baseline(path, args.articles)
        size = path.stat().st_size
        print(f"generated {args.articles} articles, {size / 1e6:.0f} MB, in "
              f"{time.perf_counter() - started:.0f} s: {path}")
        exe = shutil.which("biblint", path=str(Path(sys.executable).parent)) or "biblint"
        wall, cpu, rss = run_child([exe, "check", "--exit-zero", "--statistics",
                                    "--jobs", str(args.jobs), str(path)])
        count, loop_wall, loop_cpu = iterparse_loop(path)
        assert count == args.articles, count
        print(f"{'':32}{'records/s (wall)':>18}{'records/s (CPU)':>18}")
        print(f"{'biblint check (all rules)':32}{args.articles / wall:>18,.0f}"
              f"{args.articles / cpu:>18,.0f}")
        print(f"{'lxml iterparse loop':32}{count / loop_wall:>18,.0f}"
              f"{count / loop_cpu:>18,.0f}")
        print(f"{'ratio (loop / biblint)':32}{wall / loop_wall:>18.1f}{cpu / loop_cpu:>18.1f}")
        print(f"peak RSS of biblint check: {rss / 2**20:.0f} MB (target: under 300 MB)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
