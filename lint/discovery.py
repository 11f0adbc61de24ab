"""Which files ``biblint check`` reads.

* A file named on the command line is always read, whatever .gitignore says; the config's
  ``exclude`` patterns apply to it only with ``force_exclude`` (``--force-exclude``: pre-commit
  passes every staged file explicitly, and ``exclude`` must still hold there).
* A folder is walked for the files that have a reader (see ``readers.walkable``), skipping
  hidden folders and anything matched by ``exclude``. Inside a git work tree the walk honours
  .gitignore (and .git/info/exclude, and the global excludes file): the candidates are the
  files that ``git ls-files --cached --others --exclude-standard`` lists, so tracked files are
  read even when a pattern would ignore them, as git itself does. Without git, outside a work
  tree, or when git fails, the folder is walked on disk instead. A folder that git ignores
  as a whole but that was named explicitly is walked on disk too: naming it is asking for it.

Files come out in a stable order: per folder, its files by name, then its subfolders by name
(``os.walk`` order), whichever way they were found.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from .config import Config
from .readers import walkable

Discovered = tuple[Path, str]
"""A file to check and the name it is shown under (the path as given or as walked)."""

# Variables that git exports while it runs hooks and that would point `git ls-files` at the
# wrong repository or index (pre-commit drops the same ones before it calls git).
_GIT_ENV_KEPT = frozenset({
    "GIT_EXEC_PATH", "GIT_SSH", "GIT_SSH_COMMAND", "GIT_SSL_CAINFO", "GIT_SSL_NO_VERIFY",
    "GIT_CONFIG_COUNT", "GIT_HTTP_PROXY_AUTHMETHOD", "GIT_ALLOW_PROTOCOL", "GIT_ASKPASS",
})


def discover(paths: Iterable[str | Path], config: Config, *, force_exclude: bool = False,
             use_git: bool = True) -> Iterator[Discovered]:
    """Files to check: files as given, folders walked (see the module docstring). A file
    reached twice (named and walked, or under two given folders) is checked once."""
    seen: set[str] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found: Iterable[Discovered] = walk(path, config, use_git=use_git)
        elif force_exclude and excluded_with_parents(config, path):
            continue
        else:
            found = [(path, str(given))]
        for item in found:
            key = os.path.normpath(os.path.abspath(item[0]))
            if key not in seen:
                seen.add(key)
                yield item


def walk(folder: Path, config: Config, *, use_git: bool = True) -> Iterator[Discovered]:
    """The readable files under ``folder`` (gitignore-aware inside a git work tree)."""
    listed = git_files(folder) if use_git else None
    if listed is None:
        yield from walk_disk(folder, config)
        return
    excluded_dirs: dict[tuple[str, ...], bool] = {}

    def dir_excluded(parts: tuple[str, ...]) -> bool:
        if not parts:
            return False
        known = excluded_dirs.get(parts)
        if known is None:
            known = (parts[-1].startswith(".") or dir_excluded(parts[:-1])
                     or config.excluded(str(folder.joinpath(*parts))))
            excluded_dirs[parts] = known
        return known

    chosen: list[tuple[tuple[str, ...], Path]] = []
    for name in listed:
        relative = Path(name)
        candidate = folder / relative
        if dir_excluded(relative.parts[:-1]) or not walkable(candidate):
            continue
        if not os.path.lexists(candidate) or candidate.is_dir():
            continue  # deleted but still in the index, or a symlink to a folder
        if config.excluded(str(candidate)):
            continue
        chosen.append((relative.parts, candidate))
    chosen.sort(key=lambda item: _walk_order(item[0]))
    for _, candidate in chosen:
        yield candidate, str(candidate)


def walk_disk(folder: Path, config: Config) -> Iterator[Discovered]:
    """The plain walk: every readable file under ``folder`` that ``exclude`` keeps."""
    seen: set[tuple[int, int]] = set()
    for root, dirs, files in os.walk(folder, followlinks=True):
        here = Path(root)
        try:
            stat = here.stat()
        except OSError:
            continue
        if (stat.st_dev, stat.st_ino) in seen:  # a symlink loop
            dirs[:] = []
            continue
        seen.add((stat.st_dev, stat.st_ino))
        dirs[:] = sorted(d for d in dirs if not d.startswith(".")
                         and not config.excluded(str(here / d)))
        for name in sorted(files):
            candidate = here / name
            if walkable(candidate) and not config.excluded(str(candidate)):
                yield candidate, str(candidate)


def git_files(folder: Path) -> list[str] | None:
    """Paths (relative to ``folder``) that git tracks or would track under ``folder``.

    None when git is missing, ``folder`` is not inside a work tree, git fails, or git
    ignores ``folder`` as a whole (then the caller walks it on disk).
    """
    listing = _git(folder, "ls-files", "--cached", "--others", "--exclude-standard", "-z",
                   "--", ".")
    if listing is None:
        return None
    names = list(dict.fromkeys(os.fsdecode(n) for n in listing.split(b"\0") if n))
    if not names and _git(folder, "check-ignore", "-q", ".") is not None:
        return None  # the folder itself is ignored, and it was asked for by name
    return names


def _git(folder: Path, *args: str) -> bytes | None:
    """stdout of ``git args`` run in ``folder``, or None if it cannot run or fails."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("GIT_") or k in _GIT_ENV_KEPT
           or k.startswith(("GIT_CONFIG_KEY_", "GIT_CONFIG_VALUE_"))}
    try:
        done = subprocess.run(["git", *args], cwd=folder, env=env, stdin=subprocess.DEVNULL,
                              capture_output=True, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def excluded_with_parents(config: Config, path: Path) -> bool:
    """Whether ``exclude`` matches ``path`` or one of the folders it names."""
    if config.excluded(str(path)):
        return True
    return any(config.excluded(str(parent)) for parent in path.parents
               if parent.name and parent != Path("."))


def _walk_order(parts: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    """``os.walk`` order with sorted names: a folder's files, then its subfolders."""
    return (*((1, part) for part in parts[:-1]), (0, parts[-1]))


__all__ = ["Discovered", "discover", "excluded_with_parents", "git_files", "walk", "walk_disk"]
