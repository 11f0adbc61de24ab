"""CPU time of the schema rule (REC003) alone, with and without the compiled validator.

    python bench/schema_rule.py [--records 2000] [--repeat 3]

On the records of bench/throughput.py (half the seed with its defects, half clean), times
REC003's check, best of ``--repeat``, two ways in one process: "python" validates whole
records with python-jsonschema (lint/schema.py's ``slow_schema_problems``, the path before
the compiled validator); "compiled" is what REC003 runs (jsonschema-rs first,
python-jsonschema only on the values that fail). The findings of both are compared.

A third figure, "last", is REC003 as the engine runs it: last, handed the pointers the
record's other findings are at (whose values it need not explain: the engine drops its
findings there); its findings are compared with the compiled ones less those pointers.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import biblint.schema as schema
from biblint.config import Config
from biblint.engine import Linter
from biblint.profiles import detect_profile
from biblint.record import Record
from biblint.registry import Context
from biblint.rules.records import schema_violation

sys.path.insert(0, str(Path(__file__).resolve().parent))
from throughput import make_records


def timed(records: list[dict[str, object]],
          problems: Callable[..., Iterator[schema.SchemaProblem]],
          repeat: int, explained: list[frozenset[str]] | None = None
          ) -> tuple[float, list[list[Any]]]:
    """Best CPU seconds per record of REC003 over ``records``, and its violations per
    record (``explained``: each record's pointers handed to it, as the engine does)."""
    real = schema.schema_problems
    schema.schema_problems = problems  # record_problems looks it up at each call
    try:
        best, found = float("inf"), []
        for _ in range(repeat):
            prepared = [Record(data, detect_profile(data)) for data in records]
            contexts = [Context(options={}, profile=r.profile) for r in prepared]
            for index, context in enumerate(contexts):
                if explained is not None:
                    context.state["explained"] = explained[index]
            gc.collect()
            start = time.process_time()
            found = [list(schema_violation.check(r, c))
                     for r, c in zip(prepared, contexts, strict=True)]
            best = min(best, time.process_time() - start)
        return best / len(records), found
    finally:
        schema.schema_problems = real


def explained_by_others(records: list[dict[str, object]]) -> list[frozenset[str]]:
    """The pointers of each record's findings of every rule but REC003."""
    linter = Linter(Config(ignore=("REC003",)))
    return [frozenset(f.pointer for f in linter.lint(data)) for data in records]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    records = make_records(args.records)
    compiled = schema.schema_problems
    for label, part in (("all", records), ("clean", records[0::2]), ("seed", records[1::2])):
        timed(part[:20], compiled, 1)  # compile the schema before timing
        before, old = timed(part, schema.slow_schema_problems, args.repeat)
        after, new = timed(part, compiled, args.repeat)
        assert old == new, "the compiled path changed REC003's findings"
        others = explained_by_others(part)
        last, kept = timed(part, compiled, args.repeat, others)
        assert kept == [[v for v in vs if v.pointer not in e]
                        for vs, e in zip(new, others, strict=True)]
        print(f"REC003 {label:5s} records: python {before * 1e6:7.1f} us/record, "
              f"compiled {after * 1e6:6.1f} us/record ({before / after:4.1f}x), "
              f"{sum(map(len, new))} findings; last {last * 1e6:6.1f} us/record, "
              f"{sum(map(len, kept))} findings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
