"""Seed-shaped records for the benchmarks: the seed record's keys and defects, varied content.

Half of the records carry the seed's defects (a null DOI URL, markup in the abstract, a count
stored as a string, empty strings for null, the DOI suffix as pages...), half are clean. Every
record gets its own DOI, title, authors, abstract and dates, drawn from a seeded generator, so
that no cache keyed by a value (a title, an abstract) can make a run look faster than it would
be on real data, and so that the duplicate rules do not see one work twenty thousand times.
"""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed" / "seed-record.json"

_WORDS = (
    "stem", "cells", "jelly", "mesenchymal", "ischemia", "limb", "critical", "therapy",
    "vascular", "peripheral", "artery", "disease", "outcomes", "randomized", "trial",
    "cohort", "analysis", "model", "learning", "network", "graph", "protein", "expression",
    "cancer", "tumour", "immune", "response", "climate", "soil", "carbon", "river", "basin",
    "policy", "health", "children", "adults", "survey", "meta", "review", "systematic",
    "inflammation", "kidney", "liver", "cardiac", "neural", "imaging", "signal", "sensor",
    "robot", "control", "optimisation", "language", "corpus", "translation", "evidence",
)
_GIVEN = (
    "Hao", "Bin", "Yuanyuan", "Peng", "Xiangchen", "Maria", "Jonas", "Aisha", "Kenji", "Olga",
    "Pedro", "Fatima", "Lars", "Chen", "Amara", "Tomás", "Ingrid", "Ravi", "Sofia", "Mateus",
)
_FAMILY = (
    "Liang", "Zhao", "Ren", "Li", "Dai", "Garcia", "Müller", "Okafor", "Tanaka", "Ivanova",
    "Silva", "Haddad", "Nilsson", "Wang", "Diallo", "Novák", "Berg", "Sharma", "Rossi",
    "Costa",
)


def _sentence(rng: random.Random, words: int) -> str:
    picked = [rng.choice(_WORDS) for _ in range(words)]
    return " ".join(picked).capitalize() + "."


def _abstract(rng: random.Random, sentences: int) -> str:
    return " ".join(_sentence(rng, rng.randint(12, 24)) for _ in range(sentences))


def _names(rng: random.Random) -> list[str]:
    return [f"{rng.choice(_GIVEN)} {rng.choice(_FAMILY)}" for _ in range(rng.randint(1, 8))]


def make_records(count: int, *, seed: int = 1) -> list[dict[str, Any]]:
    """``count`` seed-shaped records (odd indexes carry the seed's defects)."""
    rng = random.Random(seed)
    base = json.loads(SEED.read_text(encoding="utf-8"))
    out = []
    for i in range(count):
        record = copy.deepcopy(base)
        doi = f"10.{1000 + i % 9000}/bench.{i}.{rng.randrange(10**6)}"
        title = _sentence(rng, rng.randint(6, 16))
        names = _names(rng)
        abstract = _abstract(rng, rng.randint(5, 10))
        date = f"{rng.randint(1990, 2025)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        record.update({"doi": doi, "publicationDate": date})
        if i % 2:  # the seed's defects, on varied values
            record.update({
                "title": title,
                "authors": ", ".join(names),
                "abstract": f"<p><p>{abstract} This review aims to summarise.Clinical "
                            f"ImpactThis review establishes {rng.choice(_WORDS)}.</p>",
                "citationCount": str(rng.randint(0, 500)),
            })
            record["journal"] = dict(base["journal"], pages=doi.split("/", 1)[1])
            record["ListUrlMain"] = "https://doi.org/" + doi
        else:  # the same shape without the defects
            record.update({
                "title": title.rstrip("."),
                "authors": names,
                "DOIUrl": "https://doi.org/" + doi,
                "url": "https://doi.org/" + doi,
                "abstract": abstract,
                "citationCount": rng.randint(0, 500),
                "EPubDate": None, "PubModel": None, "openAccessPdf": None,
                "publicationTypes": ["Review"],
            })
            first = rng.randint(1, 900)
            record["journal"] = {"name": base["journal"]["name"], "volume": str(rng.randint(1, 60)),
                                 "pages": f"{first}-{first + rng.randint(1, 30)}"}
            record["ListUrlMain"] = "https://doi.org/" + doi
        out.append(record)
    return out


def write_jsonl(path: Path, records: list[dict[str, Any]]) -> int:
    """Write ``records`` as JSON Lines; the file's size in bytes."""
    with path.open("w", encoding="utf-8") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")
    return path.stat().st_size
