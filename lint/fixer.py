"""Applying fixes: in memory (JSON Patch), then back to the file (text edits, atomically).

In memory, fixes that do not overlap apply together; the record is linted again until no
applicable fix remains. Fixes that undo each other or change nothing (a state repeats) raise
:class:`FixError`, as does going past :data:`MAX_PASSES`. The input is never mutated.

On disk, the document re-renders only the values that changed (see
:meth:`biblint.readers.jsonfile.JsonDocument.render`) and the file is replaced atomically:
a temporary file in the same folder, fsync, rename, with the original mode kept. A file that
changed on disk since it was read is not overwritten, and a file that did not parse is never
written.
"""

from __future__ import annotations

import contextlib
import copy
import difflib
import hashlib
import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import jsonpatch

from .model import Applicability, Finding, JSONValue
from .readers import BOMS

MAX_PASSES = 100
"""A hard stop; a fix that undoes another is caught earlier, when a state repeats."""


class FixError(Exception):
    """Fixes did not converge, or a fix could not be applied to its record."""


@dataclass
class FixResult:
    """The fixed copy of a record, the findings the fixes removed, and what remains."""

    record: JSONValue
    fixed: list[Finding] = field(default_factory=list)
    remaining: list[Finding] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.fixed)


def applicable(finding: Finding, unsafe: bool) -> bool:
    return finding.fix is not None and (
        finding.fix.applicability is Applicability.SAFE or unsafe
    )


def _overlaps(path: str, taken: list[str]) -> bool:
    return any(
        path == other or path.startswith(other + "/") or other.startswith(path + "/")
        for other in taken
    )


def converge(
    data: JSONValue, lint: Callable[[JSONValue], list[Finding]], *, unsafe: bool = False
) -> FixResult:
    """Fix ``data`` until no applicable fix remains; ``lint`` gives a record's findings."""
    first = lint(data)
    findings = first
    current = data
    seen = {_state(current)}
    for _ in range(MAX_PASSES):
        todo = sorted((f for f in findings if applicable(f, unsafe)),
                      key=lambda f: (f.pointer, f.code))
        if not todo:
            break
        ops: list[dict[str, JSONValue]] = []
        taken: list[str] = []
        for finding in todo:
            assert finding.fix is not None
            paths = [op.path for op in finding.fix.ops]
            if any(_overlaps(p, taken) for p in paths):
                continue  # applied in a later pass if still needed
            taken.extend(paths)
            ops.extend(op.to_dict() for op in finding.fix.ops)
        try:
            current = jsonpatch.apply_patch(current, ops, in_place=False)
        except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
            codes = ", ".join(sorted({f.code for f in todo}))
            raise FixError(f"a fix of {codes} does not apply: {exc}") from None
        state = _state(current)
        if state in seen:
            codes = ", ".join(sorted({f.code for f in todo}))
            raise FixError(f"fixes of {codes} undo each other or change nothing")
        seen.add(state)
        findings = lint(current)
    else:
        if any(applicable(f, unsafe) for f in findings):
            codes = ", ".join(sorted({f.code for f in findings if applicable(f, unsafe)}))
            raise FixError(f"fixes did not converge after {MAX_PASSES} passes ({codes})")
    # Fixed: the original findings beyond what remains of each (code, pointer).
    left = Counter((f.code, f.pointer) for f in findings)
    fixed: list[Finding] = []
    for finding in first:
        key = (finding.code, finding.pointer)
        if left[key]:
            left[key] -= 1
        else:
            fixed.append(finding)
    if current is data:  # nothing applied: still a copy, never the caller's own object
        current = copy.deepcopy(data)
    return FixResult(current, fixed, findings)


def _state(data: JSONValue) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=repr)




def _lines(data: bytes) -> list[str]:
    """The text's lines, split at "\n" only: ``str.splitlines`` would also split inside JSON
    strings (at U+2028, U+0085, form feeds...) and make the diff lie about line counts."""
    encoding, bom = "utf-8", b""
    for mark, name in BOMS:
        if data.startswith(mark):
            encoding, bom = name, mark
            break
    parts = data[len(bom):].decode(encoding, "replace").split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def unified_diff(path: str, old: bytes, new: bytes) -> str:
    lines = difflib.unified_diff(_lines(old), _lines(new), f"a/{path}", f"b/{path}")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


class StaleFileError(FixError):
    """The file changed on disk after it was read: it is left alone."""


def write_atomic(path: Path, data: bytes, expected: bytes) -> None:
    """Replace ``path`` with ``data`` atomically, if it still holds ``expected``."""
    try:
        current = path.read_bytes()
    except OSError as exc:
        raise FixError(f"cannot re-read {path} before writing: {exc.strerror}") from None
    if current != expected:
        raise StaleFileError(f"{path} changed on disk while it was being fixed; not written")
    replace_atomic(path, data, mode=path.stat().st_mode & 0o7777)


def replace_atomic(path: Path, data: bytes, mode: int | None = None) -> None:
    """Write ``path`` through a temporary file in its folder: fsync, then rename over it.

    A reader (or a crash) sees the old file or the new one, never a mix. ``mode`` defaults to
    what a new file gets under the umask.
    """
    with AtomicFile(path, mode) as out:
        out.write(data)
        out.commit()


def file_digest(path: Path) -> bytes:
    """SHA-256 of a file's bytes, read in blocks (bounded memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.digest()


class AtomicFile:
    """A temporary file in the folder of ``path`` that :meth:`commit` renames over it.

    Written as the caller goes (a streamed ``--fix`` or report never holds the whole file),
    then flushed, fsynced, given ``mode`` and renamed; the folder is fsynced so the rename
    itself is durable. Leaving the ``with`` block without :meth:`commit` (an error, a file
    that turned out unreadable) deletes the temporary file. Temporary files are hidden and
    named ``.<name>.*.biblint-tmp``; a SIGKILL may leave one behind, never a half-written
    ``path``.
    """

    def __init__(self, path: Path, mode: int | None = None) -> None:
        self.path = path
        if mode is None:
            umask = os.umask(0)
            os.umask(umask)
            mode = 0o666 & ~umask
        self.mode = mode
        self.temp = ""
        self._handle: IO[bytes] | None = None
        self.committed = False

    def __enter__(self) -> AtomicFile:
        handle, self.temp = tempfile.mkstemp(prefix=f".{self.path.name}.",
                                             suffix=".biblint-tmp", dir=self.path.parent)
        self._handle = os.fdopen(handle, "wb")
        return self

    @property
    def handle(self) -> IO[bytes]:
        assert self._handle is not None
        return self._handle

    def write(self, data: bytes) -> None:
        self.handle.write(data)

    def commit(self, expected_digest: bytes | None = None) -> None:
        """Replace the file; with ``expected_digest``, only if the file still has it (else
        :class:`StaleFileError`, and the file is left alone)."""
        out = self.handle
        out.flush()
        os.fsync(out.fileno())
        out.close()
        os.chmod(self.temp, self.mode)
        if expected_digest is not None:
            try:
                current = file_digest(self.path)
            except OSError as exc:
                raise FixError(f"cannot re-read {self.path} before writing: "
                               f"{exc.strerror}") from None
            if current != expected_digest:
                raise StaleFileError(
                    f"{self.path} changed on disk while it was being fixed; not written")
        os.replace(self.temp, self.path)
        self.committed = True
        try:  # make the rename itself durable
            folder = os.open(self.path.parent, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(folder)
        except OSError:
            pass
        finally:
            os.close(folder)

    def __exit__(self, *exc: object) -> None:
        if self._handle is not None and not self._handle.closed:
            self._handle.close()
        if not self.committed and self.temp:
            with contextlib.suppress(OSError):
                os.unlink(self.temp)
