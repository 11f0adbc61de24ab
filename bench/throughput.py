"""Throughput and memory of biblint against the JSON parser alone, measured in one run.

    python bench/throughput.py [--records 20000] [--repeat 3]

Writes a JSON Lines file of records derived from the seed (half with its defects, half
clean), then times, best of ``--repeat``:

* baseline: ``json.loads`` of every line (what any reader must pay);
* biblint ``check``: reading, profile detection and every rule, findings with positions;
* biblint ``check`` selecting one rule (the cost of the machinery itself);
* library ``biblint.lint`` per parsed record.

Prints records per second, the ratio to the baseline and the peak memory (tracemalloc) of a
check. Figures vary with the machine: compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import copy
import json
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import biblint
from biblint.config import Config
from biblint.engine import Linter

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed" / "seed-record.json"


def make_records(count: int) -> list[dict[str, object]]:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    clean = copy.deepcopy(seed)
    clean.update({"DOIUrl": "https://doi.org/" + seed["doi"], "citationCount": 0,
                  "EPubDate": None, "PubModel": None, "openAccessPdf": None,
                  "publicationTypes": ["Journal Article"], "abstract": "Plain text abstract.",
                  "authors": ["Hao Liang", "Bin Zhao"], "title": seed["title"].rstrip(".")})
    clean["journal"] = {"name": "Journal of Endovascular Therapy", "volume": "32",
                        "pages": "1-10"}
    out = []
    for i in range(count):
        record = copy.deepcopy(seed if i % 2 else clean)
        record["doi"] = f"10.1177/{15266028251361770 + i}"
        out.append(record)
    return out


def best(repeat: int, func) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    records = make_records(args.records)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.jsonl"
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                        encoding="utf-8")
        size = path.stat().st_size
        lines = path.read_bytes().decode("utf-8").splitlines()
        full = Linter()
        one = Linter(Config(select=("XREF001",)))
        rows = [
            ("json.loads per line (baseline)",
             best(args.repeat, lambda: [json.loads(x) for x in lines])),
            ("biblint check, all rules", best(args.repeat, lambda: full.check_paths([path]))),
            ("biblint check, one rule", best(args.repeat, lambda: one.check_paths([path]))),
            ("biblint.lint per parsed record",
             best(args.repeat, lambda: [full.lint(r) for r in records])),
        ]
        tracemalloc.start()
        report = full.check_paths([path])
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    base = rows[0][1]
    print(f"biblint {biblint.__version__}, Python {sys.version.split()[0]}, "
          f"{args.records} records ({size / 1e6:.1f} MB JSONL), "
          f"{len(report.findings)} findings, best of {args.repeat}")
    print(f"{'measure':<34} {'seconds':>8} {'records/s':>11} {'x baseline':>11}")
    for name, seconds in rows:
        print(f"{name:<34} {seconds:>8.3f} {args.records / seconds:>11,.0f} "
              f"{seconds / base:>11.1f}")
    print(f"peak memory of a full check (tracemalloc): {peak / 1e6:.1f} MB "
          f"({peak / size:.1f}x the file)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
