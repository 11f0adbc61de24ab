"""Crash-safe fixing of BibTeX and RIS files: the kill-during-fix test of
tests/test_crash_safety.py on files of these formats. After every SIGKILL each file holds its
old bytes or its fully fixed bytes, never a mix.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_crash_safety import Versions, fixed_versions, kill_trials

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
def versions(tmp_path_factory: pytest.TempPathFactory) -> Versions:
    return fixed_versions(tmp_path_factory, make_files)


def test_every_text_file_is_old_or_new_after_a_kill(versions, tmp_path):
    kill_trials(versions, tmp_path, seed=20261203)


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
