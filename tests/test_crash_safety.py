"""Crash-safe fixing: kill ``biblint check --fix`` at random moments, many times.

After every kill each file must hold either its old bytes or its fully fixed bytes, never a
mix, and must still read. Temporary files may be left behind by a SIGKILL (nothing can run
after it); they are hidden, named ``.<file>.*.biblint-tmp``, and never walked.

BIBLINT_KILL_TRIALS sets the number of trials (the fuzz environment runs more).
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import SEED

pytestmark = pytest.mark.slow

TRIALS = int(os.environ.get("BIBLINT_KILL_TRIALS", "12"))
FILES = 4
RECORDS = 60  # per file: enough that writing takes a while


def make_files(folder: Path) -> None:
    seed = json.loads(SEED.read_text(encoding="utf-8"))
    for n in range(FILES):
        records = []
        for i in range(RECORDS):
            record = dict(seed, doi=f"10.1177/{n:02d}{i:06d}", title=f"Record {n}-{i}.")
            records.append(record)
        if n % 2:
            text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
            (folder / f"part{n}.jsonl").write_text(text, encoding="utf-8")
        else:
            text = json.dumps(records, ensure_ascii=False, indent=2)
            (folder / f"part{n}.json").write_text(text, encoding="utf-8")


def fix(folder: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "biblint", "check", "--fix", "--exit-zero",
                             "--isolated", str(folder)], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


Versions = tuple[Path, dict[str, bytes], dict[str, bytes], float]


def fixed_versions(tmp_path_factory: pytest.TempPathFactory,
                   make: Callable[[Path], None]) -> Versions:
    """The files ``make`` writes, their old and fully fixed bytes, and how long a full fix
    takes (shared with the other formats' kill test, tests/test_textformats_crash.py)."""
    original = tmp_path_factory.mktemp("original")
    make(original)
    fixed = tmp_path_factory.mktemp("fixed")
    shutil.copytree(original, fixed, dirs_exist_ok=True)
    start = time.monotonic()
    assert fix(fixed).wait() == 0
    duration = time.monotonic() - start
    old = {p.name: p.read_bytes() for p in original.iterdir()}
    new = {p.name: p.read_bytes() for p in fixed.iterdir()}
    assert all(old[name] != new[name] for name in old)
    return original, old, new, duration


def kill_trials(versions: Versions, tmp_path: Path, seed: int) -> None:
    """Kill a fix at random moments: each file holds its old or its new bytes, never a mix,
    and only the fixer's own temporary files are left behind."""
    original, old, new, duration = versions
    rng = random.Random(seed)
    outcomes = {"old": 0, "new": 0}
    for trial in range(TRIALS):
        work = tmp_path / f"trial{trial}"
        shutil.copytree(original, work)
        process = fix(work)
        time.sleep(rng.uniform(0.0, duration))
        process.send_signal(signal.SIGKILL)
        process.wait()
        for name in old:
            data = (work / name).read_bytes()
            assert data in (old[name], new[name]), f"trial {trial}: {name} is a mix"
            outcomes["old" if data == old[name] else "new"] += 1
        leftovers = [p.name for p in work.iterdir() if p.name not in old]
        assert all(n.startswith(".") and n.endswith(".biblint-tmp") for n in leftovers)
        shutil.rmtree(work)
    # The kills landed before, during and after the writes: both outcomes were seen.
    assert outcomes["old"] and outcomes["new"], outcomes


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    """The original files, their old and fully fixed bytes, and how long a full fix takes."""
    return fixed_versions(tmp_path_factory, make_files)


def test_every_file_is_old_or_new_after_a_kill(versions, tmp_path):
    kill_trials(versions, tmp_path, seed=20261125)
