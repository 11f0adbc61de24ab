"""biblint's speed, memory and start-up, each next to a baseline measured in the same run.

    python bench/throughput.py [--records 20000] [--large 200000] [--jobs-records 100000]
                               [--repeat 3] [--quick]

Prints one table:

* records/s (CPU time of this process) of a full ``biblint check`` with every default rule,
  on seed-shaped records (bench/records.py) and on the real Semantic Scholar records of
  ../shared/corpus (skipped when the corpus is absent);
* an orjson parse loop and a ``json.loads`` loop over the same lines (what any reader pays);
* check-jsonschema validating the same records against schemas/aggregator.schema.json alone
  (one JSON array, the fastest way to feed it; CPU time of its process);
* the ratios of biblint to those baselines;
* peak RSS of ``biblint check`` (a fresh process, ``--output-format concise``, stdout to /dev/null)
  at ``--records`` and at ``--large`` records;
* wall time of ``--jobs 1`` against ``--jobs 2`` on ``--jobs-records`` records;
* cold start: wall and CPU time of ``biblint check`` on one small file against
  check-jsonschema on the same file and schema (best of ``--repeat``);
* the result cache (biblint.cache): a first run over ``--records`` records that fills it and
  an unchanged re-run that finds every record in it (the CI of a data repository after a
  push), its size on disk, and the cold start on one file found in it (a pre-commit hook).

Every other figure is taken without the cache (``--no-cache``): records checked, not
remembered.

``--quick`` shrinks every size tenfold (a smoke run). Figures vary with the machine and its
load: read the ratios, which are measured side by side.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from records import SEED, make_records, write_jsonl

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = ROOT / "schemas" / "aggregator.schema.json"
S2_CORPUS = ROOT.parent / "shared" / "corpus" / "s2-json" / "semanticscholar" / "papers.jsonl"


def cpu_best(repeat: int, func: Callable[[], object]) -> float:
    """The least CPU time (of this process) that ``func`` took over ``repeat`` runs."""
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times)


def run_child(argv: Sequence[str]) -> tuple[float, float, int]:
    """Run a command in a fresh process: (wall seconds, CPU seconds, peak RSS in bytes).

    A small Python wrapper runs the command so that RUSAGE_CHILDREN covers that one command
    only (its peak RSS, its user+system time)."""
    wrapper = (
        "import resource, subprocess, sys, time, json\n"
        "t = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
        "w = time.perf_counter() - t\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print(json.dumps([w, u.ru_utime + u.ru_stime, u.ru_maxrss * 1024]))\n"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, *argv], capture_output=True,
                         text=True, check=True)
    wall, cpu, rss = json.loads(out.stdout)
    return wall, cpu, rss


def biblint_argv(*args: str, cache: Path | None = None) -> list[str]:
    """``biblint check`` with ``args``: without the result cache unless ``cache`` names its
    folder (every figure but the cache's own is of records checked, not remembered)."""
    exe = shutil.which("biblint", path=str(Path(sys.executable).parent)) or "biblint"
    if cache is not None:
        return [exe, "check", "--exit-zero", "--cache-dir", str(cache), *args]
    return [exe, "check", "--exit-zero", *_NO_CACHE, *args]


def _help() -> str:
    exe = shutil.which("biblint", path=str(Path(sys.executable).parent)) or "biblint"
    return subprocess.run([exe, "check", "--help"], capture_output=True, text=True).stdout


_HELP = _help()
_NO_CACHE = ["--no-cache"] if "--no-cache" in _HELP else []


def check_jsonschema_argv(instance: Path, schema: Path) -> list[str] | None:
    exe = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    exe = exe or shutil.which("check-jsonschema")
    return [exe, "--schemafile", str(schema), str(instance)] if exe else None


def supports_jobs() -> bool:
    return "--jobs" in _HELP


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20000)
    parser.add_argument("--large", type=int, default=200000)
    parser.add_argument("--jobs-records", type=int, default=100000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="every size divided by ten")
    args = parser.parse_args()
    if args.quick:
        args.records, args.large, args.jobs_records = (
            max(200, args.records // 10), max(200, args.large // 10),
            max(200, args.jobs_records // 10))

    import orjson

    import biblint
    from biblint.engine import Linter

    rows: list[tuple[str, str, str]] = []

    def row(name: str, value: str, note: str = "") -> None:
        rows.append((name, value, note))
        print(f"{name:<52} {value:>16}  {note}", flush=True)

    print(f"biblint {biblint.__version__}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} cores, {platform.platform()}")
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        records = make_records(args.records)
        path = tmp / "records.jsonl"
        size = write_jsonl(path, records)
        lines = path.read_bytes().splitlines()
        n = len(records)
        print(f"{n} seed-shaped records, {size / 1e6:.1f} MB of JSON Lines; "
              f"best of {args.repeat}; CPU time unless said otherwise")

        t_orjson = cpu_best(args.repeat, lambda: [orjson.loads(x) for x in lines])
        t_json = cpu_best(args.repeat, lambda: [json.loads(x) for x in lines])
        linter = Linter()
        linter.check_paths([path], jobs=1)  # warm: schemas compiled, caches of constants built
        t_check = cpu_best(args.repeat, lambda: linter.check_paths([path], jobs=1))
        findings = len(linter.check_paths([path], jobs=1).findings)
        row("orjson.loads per line", f"{n / t_orjson:,.0f} rec/s")
        row("json.loads per line", f"{n / t_json:,.0f} rec/s")
        row("biblint check, all default rules (seed-shaped)", f"{n / t_check:,.0f} rec/s",
            f"{t_check / t_orjson:.0f}x orjson; {findings / n:.1f} findings/record")

        array = tmp / "records.json"
        array.write_text(json.dumps(records, ensure_ascii=False), encoding="utf-8")
        wrapper = tmp / "array.schema.json"
        wrapper.write_text(json.dumps({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "type": "array", "items": {"$ref": SCHEMA.as_uri()}}), encoding="utf-8")
        cj = check_jsonschema_argv(array, wrapper)
        if cj:
            _, cj_cpu, _ = min((run_child(cj) for _ in range(args.repeat)),
                               key=lambda r: r[1])
            row("check-jsonschema, same records and schema", f"{n / cj_cpu:,.0f} rec/s",
                f"biblint is {cj_cpu / t_check:.1f}x check-jsonschema")
        else:
            row("check-jsonschema", "not installed", "pip install check-jsonschema")

        if S2_CORPUS.exists():
            s2_lines = S2_CORPUS.read_bytes().splitlines()
            t_s2 = cpu_best(args.repeat, lambda: linter.check_paths([S2_CORPUS], jobs=1))
            t_s2_parse = cpu_best(args.repeat, lambda: [orjson.loads(x) for x in s2_lines])
            row("biblint check, real Semantic Scholar records",
                f"{len(s2_lines) / t_s2:,.0f} rec/s",
                f"{len(s2_lines)} records; {t_s2 / t_s2_parse:.0f}x orjson")
        else:
            row("biblint check, real Semantic Scholar records", "skipped", "no corpus")

        for count in (args.records, args.large):
            big = tmp / f"rss-{count}.jsonl"
            big_size = write_jsonl(big, records if count == n else make_records(count))
            # stdout goes to /dev/null through the wrapper (never "-o /dev/null": biblint
            # before the streaming reporters renamed a temporary file over the target).
            _wall, cpu, rss = run_child(biblint_argv("--output-format", "concise", str(big)))
            row(f"peak RSS, {count:,} records ({big_size / 1e6:.0f} MB)", f"{rss / 1e6:,.0f} MB",
                f"{rss / big_size:.2f}x the input; {count / cpu:,.0f} rec/s CPU")
            if count != n:
                big.unlink()

        if "--cache-dir" in _HELP:
            # A data repository's CI re-checking its records after a push: the first run fills
            # the result cache, the second finds every record in it. Then one record changed.
            cache = tmp / "cache"
            big = tmp / f"rss-{n}.jsonl"
            argv = biblint_argv("--jobs", "1", "--output-format", "concise", str(big),
                                cache=cache)
            _, cold_cpu, _ = run_child(argv)
            _, warm_cpu, warm_rss = min((run_child(argv) for _ in range(args.repeat)),
                                        key=lambda r: r[1])
            row(f"result cache, first run, {n:,} records", f"{n / cold_cpu:,.0f} rec/s",
                "CPU of the whole command; fills the cache")
            row(f"result cache, unchanged re-run, {n:,} records", f"{n / warm_cpu:,.0f} rec/s",
                f"{cold_cpu / warm_cpu:.1f}x the first run; peak RSS {warm_rss / 1e6:,.0f} MB; "
                f"{sum(f.stat().st_size for f in cache.iterdir()) / n:,.0f} bytes/record "
                "on disk")
            big.unlink()
        else:
            row("result cache", "not supported by this build")

        if supports_jobs():
            jpath = tmp / "jobs.jsonl"
            write_jsonl(jpath, make_records(args.jobs_records, seed=2))
            walls = {}
            for jobs in (1, 2):
                walls[jobs] = run_child(biblint_argv("--jobs", str(jobs), "--output-format",
                                                     "concise", str(jpath)))[0]
                row(f"--jobs {jobs}, {args.jobs_records:,} records (wall)",
                    f"{args.jobs_records / walls[jobs]:,.0f} rec/s")
            row("--jobs 2 against --jobs 1", f"{walls[1] / walls[2]:.2f}x")
        else:
            row("--jobs", "not supported by this build")

        # As after a wheel install (pip byte-compiles): the start-up measured is biblint's,
        # not the compiler's, even where PYTHONDONTWRITEBYTECODE is set.
        compileall.compile_dir(str(Path(biblint.__file__).parent), quiet=1)
        small = tmp / "one.json"
        small.write_bytes(SEED.read_bytes())
        starts = [run_child(biblint_argv(str(small))) for _ in range(args.repeat)]
        best_wall = min(s[0] for s in starts)
        best_cpu = min(s[1] for s in starts)
        row("cold start, biblint on one record", f"{best_wall * 1000:,.0f} ms wall",
            f"{best_cpu * 1000:,.0f} ms CPU; without the result cache")
        if "--cache-dir" in _HELP:  # the pre-commit hook on a file it checked before
            argv = biblint_argv(str(small), cache=tmp / "cache-one")
            run_child(argv)
            cached = [run_child(argv) for _ in range(args.repeat)]
            row("cold start, one record in the result cache",
                f"{min(s[0] for s in cached) * 1000:,.0f} ms wall",
                f"{min(s[1] for s in cached) * 1000:,.0f} ms CPU")
        cj = check_jsonschema_argv(small, SCHEMA)
        if cj:
            cj_starts = [run_child(cj) for _ in range(args.repeat)]
            cj_wall = min(s[0] for s in cj_starts)
            row("cold start, check-jsonschema on the same record",
                f"{cj_wall * 1000:,.0f} ms wall",
                f"{min(s[1] for s in cj_starts) * 1000:,.0f} ms CPU; "
                f"biblint/check-jsonschema {best_wall / cj_wall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
