"""Per-rule cost on seed-shaped records: where the rule time goes, and the engine loop.

    python bench/rules.py [--records 2000] [--top 25] [--exclude REC003] [--engine]

Times, per record, each rule's ``check`` alone (the generator created and drained, with the
rule's context set up as the engine does: CPU time of the thread, one pass), and
``Linter.lint_record`` as a whole (rules, gating and the loop itself: CPU time, best of
``--repeat`` passes over fresh records, so that nothing a record memoised is reused).
Prints µs per record: the total of all rules except the excluded ones, the heaviest rules,
and lint_record without the excluded rules. Records come from :func:`records.make_records`
(varied values, the seed's defects in half of them), so no cache keyed by a value can
flatter the figures.

``--engine`` times, besides, the engine alone around the rules: a ``--jobs 1`` check of the
records written as a JSON Lines file, with every rule replaced by a replay of what it yielded
on that record, so what remains is reading, profile detection, gating, the loop, findings
(positions, fingerprints), run-scope keys and sorting (plus a replay's few calls per rule);
and the floor, every rule replaced by a call that yields nothing: what a record costs before
any rule does any work.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from records import make_records, write_jsonl

from biblint.config import Config
from biblint.engine import Linter, relaxed_gc
from biblint.model import RecordChecked
from biblint.record import Record
from biblint.registry import Context


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=2000)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--exclude", default="REC003", help="comma-separated rule codes")
    parser.add_argument("--engine", action="store_true",
                        help="also time the engine alone (rules replayed), all rules selected")
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
    if args.engine:
        engine_alone(data, args.repeat)


def engine_alone(data: list[dict[str, Any]], repeat: int) -> None:
    """CPU of a ``--jobs 1`` check of ``data`` with the rules replayed (see the docstring)."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "records.jsonl"
        write_jsonl(path, data)
        recording, replaying = Linter(Config()), Linter(Config())
        said: dict[tuple[int, str], list[Any]] = {}

        def recorder(check: Any, code: str) -> Any:
            def record_it(record: Record, context: Context) -> Iterator[Any]:
                out = said[record.origin.index, code] = list(check(record, context))
                return iter(out)
            return record_it

        def replayer(code: str) -> Any:
            def replay(record: Record, context: Context) -> Iterator[Any]:
                return iter(said.get((record.origin.index, code), ()))
            return replay

        originals = {item.code: item.check for item in recording._checks}
        for item in recording._checks:  # Rule is frozen: its check is swapped for the bench
            object.__setattr__(item, "check", recorder(item.check, item.code))
        for _ in recording.iter_check([path], jobs=1):
            pass
        for item in replaying._checks:
            object.__setattr__(item, "check", replayer(item.code))
        times, found = [], 0
        for _ in range(repeat):
            with relaxed_gc():
                start = time.process_time()
                found = sum(len(event.findings) for event in replaying.iter_check([path], jobs=1)
                            if isinstance(event, RecordChecked))
                times.append(time.process_time() - start)
        # The floor: every rule a call that yields nothing (reading, detection, gating and
        # the ~120 calls of the record loop; no finding, no key).
        for item in replaying._checks:
            object.__setattr__(item, "check", _nothing)
        floor = []
        for _ in range(repeat):
            with relaxed_gc():
                start = time.process_time()
                for _event in replaying.iter_check([path], jobs=1):
                    pass
                floor.append(time.process_time() - start)
        # The rules' objects are shared by every Linter of the process: put them back.
        for item in replaying._checks:
            object.__setattr__(item, "check", originals[item.code])
    n = len(data)
    print(f"engine alone (read, detect, loop, findings, positions, keys, sort), CPU, best of "
          f"{repeat}: {min(times) / n * 1e6:8.1f} µs/record ({found / n:.1f} findings/record)")
    print(f"the floor: every rule called and yielding nothing, CPU, best of {repeat}: "
          f"{min(floor) / n * 1e6:8.1f} µs/record ({len(replaying._checks)} rules)")


def _nothing(record: Record, context: Context) -> tuple[()]:
    return ()


if __name__ == "__main__":
    main()
