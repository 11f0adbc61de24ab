"""Per-rule cost on seed-shaped records: where the rule time goes, and the engine loop.

    python bench/rules.py [--records 2000] [--top 25] [--exclude REC003]

Times, per record, each rule's ``check`` alone (the generator created and drained, with the
rule's context set up as the engine does: CPU time of the thread, one pass), and
``Linter.lint_record`` as a whole (rules, gating and the loop itself: CPU time, best of
``--repeat`` passes over fresh records, so that nothing a record memoised is reused).
Prints µs per record: the total of all rules except the excluded ones, the heaviest rules,
and lint_record without the excluded rules. Records come from :func:`records.make_records`
(varied values, the seed's defects in half of them), so no cache keyed by a value can
flatter the figures.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from records import make_records

from biblint.config import Config
from biblint.engine import Linter


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exclude", default="REC003", help="comma-separated rule codes")
    args = parser.parse_args(argv)
    excluded = [c for c in args.exclude.split(",") if c]
    data = make_records(args.records)

    linter = Linter(Config(ignore=tuple(excluded)))
    state = linter.new_run()
    spent: dict[str, float] = defaultdict(float)
    clock = time.thread_time  # CPU time: the machine may be shared
    # What one start/stop pair costs by itself, subtracted from every measurement.
    pairs = []
    for _ in range(2000):
        start = clock()
        pairs.append(clock() - start)
    overhead = sorted(pairs)[len(pairs) // 2]
    for raw in data:
        record = linter.make_record(raw)
        for item in linter._checks:
            context = state.contexts[item.code]
            context.profile = record.profile
            start = clock()
            list(item.check(record, context))
            spent[item.code] += clock() - start - overhead
    n = len(data)
    total = sum(spent.values())
    print(f"{n} records, {len(linter._checks)} rules (excluding {', '.join(excluded) or '-'})")
    print(f"all rules, each called on every record: {total / n * 1e6:8.1f} µs/record")
    for code, seconds in sorted(spent.items(), key=lambda kv: -kv[1])[: args.top]:
        print(f"  {code:8} {seconds / n * 1e6:7.1f}")

    loops = []
    for _ in range(args.repeat):  # best of: the machine is shared
        state = linter.new_run()
        records = [linter.make_record(raw) for raw in data]
        start = time.process_time()
        for record in records:
            linter.lint_record(record, state)
        loops.append(time.process_time() - start)
    print(f"lint_record (gating + rules + loop), CPU, best of {args.repeat}: "
          f"{min(loops) / n * 1e6:8.1f} µs/record")


if __name__ == "__main__":
    main()
