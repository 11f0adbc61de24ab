"""Crash-safe fixing of BibTeX and RIS files: the kill-during-fix test of
tests/test_crash_safety.py on files of these formats. After every SIGKILL each file holds its
old bytes or its fully fixed bytes, never a mix.
"""

from __future__ import annotations

import random
import shutil
import signal
import time
from pathlib import Path

import pytest

from .test_crash_safety import TRIALS, fix

pytestmark = pytest.mark.slow

ENTRIES = 400  # per file: enough that fixing takes a while


def make_files(folder: Path) -> None:
    for n in range(2):
        bib = "".join(
            f"@article{{k{n}x{i},\n  title = {{Record {n}-{i}: the {{DNA}} of G{{\\\"o}}del.}},"
            f"\n  author = {{Doe, Jane and Roe, R.}},\n  journal = {{J}},\n  year = 2020,\n"
            f"  pages = {{{100 + i}--{i % 10 + 1}0{i % 10}}},\n"
            f"  doi = {{https://doi.org/10.1177/{n:02d}{i:06d}}}\n}}\n\n"
            for i in range(ENTRIES))
        (folder / f"part{n}.bib").write_text(bib, encoding="utf-8")
        ris = "".join(
            f"TY  - JOUR\nTI  - Record {n}-{i}.\nAU  - Doe, Jane\nT2  - J\nPY  - 2020\n"
            f"SP  - {100 + i}–{200 + i}\nDO  - https://doi.org/10.1177/{n:02d}{i:06d}\n"
            "ER  - \n\n" for i in range(ENTRIES))
        (folder / f"part{n}.ris").write_text(ris, encoding="utf-8")


@pytest.fixture(scope="module")
def versions(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, bytes],
                                                               dict[str, bytes], float]:
    original = tmp_path_factory.mktemp("original")
    make_files(original)
    fixed = tmp_path_factory.mktemp("fixed")
    shutil.copytree(original, fixed, dirs_exist_ok=True)
    start = time.monotonic()
    assert fix(fixed).wait() == 0
    duration = time.monotonic() - start
    old = {p.name: p.read_bytes() for p in original.iterdir()}
    new = {p.name: p.read_bytes() for p in fixed.iterdir()}
    assert all(old[name] != new[name] for name in old)
    return original, old, new, duration


def test_every_text_file_is_old_or_new_after_a_kill(versions, tmp_path):
    original, old, new, duration = versions
    rng = random.Random(20261203)
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
    assert outcomes["old"] and outcomes["new"], outcomes


def test_fixed_text_files_change_only_fixed_values(versions):
    _original, old, new, _duration = versions
    for name in old:
        before, after = old[name].decode().split("\n"), new[name].decode().split("\n")
        assert len(before) == len(after)
        for a, b in zip(before, after, strict=True):
            if a != b:  # only the title, pages and DOI lines, and only their values
                assert a.lstrip().startswith(("title", "pages", "doi", "TI", "SP", "DO")), a
                key = a.split("=", 1)[0] if name.endswith(".bib") else a[:6]
                assert b.startswith(key)
