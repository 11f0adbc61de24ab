"""Regular expressions compiled when first used, not when their module is imported.

The rule modules and the domain library compile about 200 patterns at import (most with the
``regex`` module, whose parser is pure Python): about 100 ms of a cold start, though linting
one small file uses a third of them. :func:`deferred_compiles` makes ``regex.compile`` return
a :class:`LazyPattern` while the package imports its own modules (``biblint/__init__.py``) and
while the registry imports the rule modules (and what they import; the
standard library's ``re`` is left alone: its compiles are cheap, and other libraries import
while the window is open); a lazy pattern compiles on first use and then binds the compiled
pattern's methods on itself, so later calls (``PATTERN.search(text)``) cost what they cost on
the compiled pattern. Patterns compiled once the imports are done are ordinary patterns.

Nothing changes for the code that declares the patterns: it calls ``regex.compile`` as
before and uses the result through its methods and attributes. A pattern passed as an
argument of a module-level function (``regex.sub(PATTERN, ...)``) would not work; no module
does that, and a test imports every rule module this way and runs the whole suite on it.
Patterns of modules outside ``biblint`` (plugins loaded through the same entry points) are
compiled at once, as their code expects.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import regex

_METHODS = ("search", "match", "fullmatch", "finditer", "findall", "sub", "subn", "split",
            "splititer", "scanner")


class LazyPattern:
    """A compiled pattern in waiting: compiled on the first attribute asked of it."""

    def __init__(self, compile_: Callable[..., Any], args: tuple[Any, ...],
                 kwargs: dict[str, Any]) -> None:
        self._compile, self._args, self._kwargs = compile_, args, kwargs
        self._compiled: Any = None

    def compiled(self) -> Any:
        """The compiled pattern (compiled now if it was not yet)."""
        found = self._compiled
        if found is None:
            found = self._compiled = self._compile(*self._args, **self._kwargs)
            # The methods as instance attributes: found before __getattr__ is consulted.
            for name in _METHODS:
                method = getattr(found, name, None)
                if method is not None:
                    self.__dict__[name] = method
        return found

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.compiled(), name)

    def __repr__(self) -> str:
        return f"LazyPattern({self._args[0]!r})" if self._args else "LazyPattern()"


_lock = threading.Lock()
_depth = 0


@contextmanager
def deferred_compiles() -> Iterator[None]:
    """While active, ``regex.compile`` returns :class:`LazyPattern` objects (nested uses
    are fine; the original comes back when the outermost ends)."""
    global _depth
    with _lock:
        if _depth == 0:
            _patch()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0:
                _unpatch()


_ORIGINALS: dict[str, Callable[..., Any]] = {}


def _patch() -> None:
    original = regex.compile
    _ORIGINALS["regex"] = original

    def lazy(*args: Any, **kwargs: Any) -> Any:
        # Only biblint's own modules: a plugin's patterns (loaded through the same entry
        # points) are compiled as their code expects.
        if not str(sys._getframe(1).f_globals.get("__name__", "")).startswith("biblint."):
            return original(*args, **kwargs)
        return LazyPattern(original, args, kwargs)

    regex.compile = lazy


def _unpatch() -> None:
    regex.compile = _ORIGINALS.pop("regex")


__all__ = ["LazyPattern", "deferred_compiles"]
