"""How ``--jobs`` moves results: a bounded window of tasks in flight, events packed in
pickled batches, and the collector relaxed during runs (biblint.parallel, biblint.engine)."""

from __future__ import annotations

import gc
import json
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from biblint import Linter, parallel
from biblint.engine import GC_THRESHOLD, relaxed_gc
from biblint.model import FileFinished, FileResult, FileStarted, RecordChecked
from biblint.parallel import Done, Task, pack

from .conftest import SEED


class FakePool:
    """Runs each task when submitted and records how many were submitted."""

    def __init__(self) -> None:
        self.submitted = 0

    def submit(self, func: Any, args: Any) -> Future[Done]:
        self.submitted += 1
        future: Future[Done] = Future()
        future.set_result(Done([RecordChecked(args[0].path, self.submitted - 1, [])],
                               None, None))
        return future


def test_tasks_in_flight_stay_within_the_window():
    pool = FakePool()
    tasks = [(Task(f"t{n}", f"t{n}"), False, False, False) for n in range(50)]
    workers = 2
    window = workers * (parallel.AHEAD + 1)
    seen = []
    for done in parallel._ordered(pool, iter(tasks), workers):  # type: ignore[arg-type]
        seen.append(next(done.iter_events()).index)
        # Never more than the window submitted beyond what was consumed.
        assert pool.submitted - len(seen) < window
    assert seen == list(range(50)) and pool.submitted == 50


def test_packed_events_come_back_in_order_after_unpacked_ones():
    events = [FileStarted("a", 3)] + [RecordChecked("a", n, []) for n in range(600)] + [
        FileFinished(FileResult("a", records=600))]
    packed = pack(iter(events))
    assert len(packed) == -(-len(events) // parallel.PACK) and all(
        isinstance(blob, bytes) for blob in packed)
    first = RecordChecked("z", None, [])
    done = Done([first], None, None, packed)
    assert list(done.iter_events()) == [first, *events]
    assert list(Done(events, None, None).iter_events()) == events  # the older form


def test_relaxed_gc_nests_and_restores_the_thresholds():
    before = gc.get_threshold()
    with relaxed_gc():
        assert gc.get_threshold()[0] == GC_THRESHOLD
        with relaxed_gc():
            assert gc.get_threshold()[0] == GC_THRESHOLD
        assert gc.get_threshold()[0] == GC_THRESHOLD
    assert gc.get_threshold() == before


def test_iter_check_restores_the_thresholds_even_when_left_early(tmp_path: Path):
    before = gc.get_threshold()
    path = tmp_path / "a.jsonl"
    record = json.loads(SEED.read_text(encoding="utf-8"))
    path.write_text("\n".join(json.dumps(dict(record, doi=f"10.1/{n}")) for n in range(3)),
                    encoding="utf-8")
    events = Linter().iter_check([path], jobs=1)
    next(events)
    assert gc.get_threshold()[0] == GC_THRESHOLD
    events.close()
    assert gc.get_threshold() == before


def test_workers_start_without_fork_when_the_caller_runs_threads(tmp_path: Path, monkeypatch):
    """A library caller with threads (a Dask client, a web server) gets workers from a fork
    server, not a fork of its threaded process, and the same report as one process."""
    import multiprocessing
    import threading

    if threading.active_count() == 1:  # the CLI's case (earlier tests may have left threads)
        assert parallel.start_context() is None  # one thread: the platform's default
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait, daemon=True)
    helper.start()
    try:
        context = parallel.start_context()
        assert context is not None and context.get_start_method() in ("forkserver", "spawn")
        assert context.get_start_method() in multiprocessing.get_all_start_methods()
        files = []
        for n in range(3):
            path = tmp_path / f"{n}.json"
            path.write_bytes(SEED.read_bytes())
            files.append(path)
        used: list[Any] = []
        original = parallel.start_context

        def recorded() -> Any:
            used.append(original())
            return used[-1]

        monkeypatch.setattr(parallel, "start_context", recorded)
        many = Linter().check_paths(files, jobs=2, min_parallel=0)
        assert [c.get_start_method() for c in used] in (["forkserver"], ["spawn"])
    finally:
        stop.set()
        helper.join()
    one = Linter().check_paths(files, jobs=1)
    assert [f.to_dict() for f in many.findings] == [f.to_dict() for f in one.findings]
    assert many.findings
