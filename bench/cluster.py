"""biblint on Dask: records/s with 1 and 2 worker processes, and what that means for a snapshot.

    python bench/cluster.py [--records 10000] [--files 4] [--blocksize 4MiB] [--workers 1,2]
                         [--snapshot 250000000] [--quick]

Writes ``--records`` seed-shaped records (bench/records.py) as JSON Lines over ``--files``
files (large enough to be split into ``--blocksize`` blocks) and lints them with every default
rule on a LocalCluster of N worker processes (one thread each), for each N of ``--workers``:

* **part files**: ``--output-format jsonl:DIR/`` as a snapshot run would use it (the workers
  write one findings file per partition, the client gets counts);
* **report**: the events streamed to the client (what every other output format needs).

Wall time is measured from submitting the run to its end, with the cluster already started
and each worker's linter already built (a long run pays those once). A single-process run of
the same files (``Linter.iter_check``, jobs=1) is the reference. The table ends with the time a
``--snapshot``-record dataset would take per worker count, from the per-worker throughput
measured with the most workers (coordination overhead included) and assuming workers scale
linearly beyond this machine (the judgement shuffle of the run-scope keys is a small share of
the work: one small entry per record and rule).

Figures vary with the machine and its load; on a shared machine, 2 workers cannot use more
than the cores the other processes leave (the client process needs some CPU too).
"""

from __future__ import annotations

import argparse
import importlib.util
import logging
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

# bench/records.py is loaded by its file name (this file is a script, not a package).
HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("bench_records", HERE / "records.py")
assert _spec is not None and _spec.loader is not None
records_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(records_module)
make_records, write_jsonl = records_module.make_records, records_module.write_jsonl

from biblint import Linter  # noqa: E402
from biblint.dask import DaskLinter, prepare_folder  # noqa: E402


def write_files(folder: Path, records: int, files: int) -> list[str]:
    """``records`` seed-shaped records over ``files`` JSON Lines files."""
    made = make_records(records)
    per = -(-records // files)
    paths = []
    for n in range(files):
        path = folder / f"part-{n:03d}.jsonl"
        write_jsonl(path, made[n * per:(n + 1) * per])
        paths.append(str(path))
    return paths


def single_process(paths: list[str]) -> tuple[float, float]:
    """Wall and CPU seconds of a run in this process (after a warm-up, as the workers)."""
    for _ in Linter().iter_check(paths[:1], jobs=1):
        pass
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in Linter().iter_check(paths, jobs=1):
        pass
    return time.perf_counter() - wall, time.process_time() - cpu


def _cpu() -> float:
    return time.process_time()


def on_cluster(paths: list[str], workers: int, blocksize: int, scratch: Path
               ) -> tuple[tuple[float, float], tuple[float, float]]:
    """(wall seconds, CPU seconds of the workers) of a run into part files and of a run
    streamed to the client."""
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None, silence_logs=logging.CRITICAL) as cluster, \
            Client(cluster) as client:
        warm = scratch / f"warm-{workers}.jsonl"
        write_jsonl(warm, make_records(40 * workers, seed=9))
        for _ in range(2):  # every worker builds its linter and warms its caches (once a run)
            for _ in DaskLinter(client=client).iter_check([str(warm)]):
                pass
        folder = prepare_folder(str(scratch / f"out-{workers}") + "/")
        linter = DaskLinter(client=client, blocksize=blocksize, folder=folder)
        cpu = sum(client.run(_cpu).values())
        start = time.perf_counter()
        linter.check_into_folder(paths)
        parts = time.perf_counter() - start, sum(client.run(_cpu).values()) - cpu
        cpu = sum(client.run(_cpu).values())
        start = time.perf_counter()
        for _ in DaskLinter(client=client, blocksize=blocksize).iter_check(paths):
            pass
        streamed = time.perf_counter() - start, sum(client.run(_cpu).values()) - cpu
    return parts, streamed


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 3 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--files", type=int, default=4)
    parser.add_argument("--blocksize", default="4MiB")
    parser.add_argument("--workers", default="1,2")
    parser.add_argument("--snapshot", type=int, default=250_000_000)
    parser.add_argument("--quick", action="store_true", help="a tenth of the records")
    args = parser.parse_args()
    from dask.utils import parse_bytes

    records = args.records // 10 if args.quick else args.records
    blocksize = int(parse_bytes(args.blocksize))
    counts = [int(n) for n in args.workers.split(",")]
    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
          f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f}")
    scratch = Path(tempfile.mkdtemp(prefix="biblint-bench-dask-"))
    try:
        paths = write_files(scratch, records, args.files)
        size = sum(Path(p).stat().st_size for p in paths)
        print(f"input: {records:,} seed-shaped records, {len(paths)} files, "
              f"{size / 1e6:.1f} MB, blocks of {blocksize / 2**20:.0f} MiB")
        wall, cpu = single_process(paths)
        print(f"\n{'run':<34} {'wall':>7} {'records/s':>10} {'per worker':>11} "
              f"{'per CPU s':>10}")
        print(f"{'one process (--jobs 1)':<34} {wall:>6.1f}s {records / wall:>10,.0f} "
              f"{records / wall:>11,.0f} {records / cpu:>10,.0f}")
        rates: dict[int, float] = {}
        per_cpu: dict[int, float] = {}
        for workers in counts:
            parts, streamed = on_cluster(paths, workers, blocksize, scratch)
            rates[workers] = records / parts[0] / workers
            per_cpu[workers] = records / parts[1]
            for label, (wall, cpu) in ((f"dask, {workers} worker(s), part files", parts),
                                       (f"dask, {workers} worker(s), report", streamed)):
                print(f"{label:<34} {wall:>6.1f}s {records / wall:>10,.0f} "
                      f"{records / wall / workers:>11,.0f} {records / cpu:>10,.0f}")
        most = max(counts)
        if len(counts) > 1 and counts[0] == 1:
            print(f"\nscaling 1 -> {most} workers (part files, wall): "
                  f"{rates[most] * most / rates[1]:.2f}x")
        print("(per CPU s: records per CPU second of the worker processes, what a worker with "
              "a core of its own gives)")
        per_worker = per_cpu[most]
        print(f"\n{args.snapshot:,} records at {per_worker:,.0f} records/s per worker "
              f"(workers' CPU, measured with {most}; wall-clock here: {rates[most]:,.0f}):")
        for workers in (1, 2, 8, 32, 64, 128, 256, 512):
            print(f"  {workers:>4} workers: {duration(args.snapshot / per_worker / workers)}")
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
