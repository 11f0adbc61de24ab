"""Configuration: ``[tool.biblint]`` in pyproject.toml, or a biblint.toml.

The table is validated against schemas/config.schema.json: an unknown key is an error that
names the key and the file. Configuration is data only; nothing in it is executed.
"""

from __future__ import annotations

import fnmatch
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .model import Severity
from .profiles import Profile, ProfileError, load_schema, profile_from_config

if TYPE_CHECKING:
    import jsonschema

CONFIG_FILES = ("biblint.toml", "pyproject.toml")


class ConfigError(Exception):
    """The configuration is invalid; the message names the file and the key."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ("ALL",)
    ignore: tuple[str, ...] = ()
    extend_select: tuple[str, ...] = ()
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    severity: Mapping[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.WARNING
    profile: str | None = None
    exclude: tuple[str, ...] = ()
    unsafe_fixes: bool = False
    rules: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    profiles: tuple[Profile, ...] = ()
    """User-defined profiles (``[tool.biblint.profiles.NAME]``), detected before the installed
    ones."""
    jobs: int | None = None
    """Worker processes for ``check`` (None: the machine's cores; 1: no workers)."""
    root: Path | None = None
    """The folder of the config file: per-file-ignores and exclude patterns are relative to it."""
    source: str | None = None
    """The file the config came from, for messages."""
    census: bool = False
    """Not a configuration key: whether each checked record's :class:`~biblint.model.Census`
    rides on its event (the HTML report's completeness and examples). A run's setting, in
    the config because worker processes build their linter from it."""
    cache: bool = True
    """Whether results are cached (``cache``; ``--no-cache``), in :attr:`cache_dir`."""
    cache_dir: Path | None = None
    """The result cache's folder (:mod:`biblint.cache`; ``cache-dir``, relative to the config
    file), None: no cache. The command line fills it in (``--cache-dir``, else the user's cache
    folder); the library caches nothing unless given one. In the config because worker
    processes build their linter from it."""

    def with_overrides(self, **changes: Any) -> Config:
        return replace(self, **{k: v for k, v in changes.items() if v is not None})

    def ignored_for(self, path: str) -> tuple[str, ...]:
        """The selectors ignored in ``path`` by per-file-ignores."""
        rel = self.relative(path)
        found: list[str] = []
        for pattern, selectors in self.per_file_ignores.items():
            if fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(Path(rel).name, pattern):
                found.extend(selectors)
        return tuple(found)

    def excluded(self, path: str) -> bool:
        rel = self.relative(path)
        parts = Path(rel).parts
        return any(
            fnmatch.fnmatch(rel, pattern) or any(fnmatch.fnmatch(part, pattern) for part in parts)
            for pattern in self.exclude
        )

    def relative(self, path: str) -> str:
        candidate = Path(path)
        if self.root is not None:
            try:
                return candidate.resolve().relative_to(self.root.resolve()).as_posix()
            except (ValueError, OSError):
                pass
        return candidate.as_posix()


def from_mapping(table: Mapping[str, Any], *, source: str = "<config>",
                 root: Path | None = None) -> Config:
    """Validate a ``[tool.biblint]`` table and turn it into a :class:`Config`."""
    import jsonschema  # lazily: one small file should start fast (most runs have no config)

    validator = jsonschema.Draft202012Validator(load_schema("config.schema.json"))
    errors = sorted(validator.iter_errors(dict(table)), key=lambda e: list(e.absolute_path))
    if errors:
        raise ConfigError(f"{source}: {_explain(errors[0])}")
    profiles: list[Profile] = []
    for name, definition in table.get("profiles", {}).items():
        try:
            profiles.append(profile_from_config(name, definition, root=root))
        except ProfileError as exc:
            raise ConfigError(f"{source}: {exc}") from None
    return Config(
        select=tuple(table.get("select", ("ALL",))),
        ignore=tuple(table.get("ignore", ())),
        extend_select=tuple(table.get("extend-select", ())),
        per_file_ignores={k: tuple(v) for k, v in table.get("per-file-ignores", {}).items()},
        severity={k: Severity.parse(v) for k, v in table.get("severity", {}).items()},
        fail_on=Severity.parse(table.get("fail-on", "warning")),
        profile=table.get("profile"),
        exclude=tuple(table.get("exclude", ())),
        unsafe_fixes=bool(table.get("unsafe-fixes", False)),
        rules={k: dict(v) for k, v in table.get("rules", {}).items()},
        profiles=tuple(profiles),
        jobs=table.get("jobs"),
        cache=bool(table.get("cache", True)),
        cache_dir=(root or Path.cwd()) / table["cache-dir"] if "cache-dir" in table else None,
        root=root,
        source=source,
    )


def _explain(error: jsonschema.ValidationError) -> str:
    where = ".".join(str(p) for p in error.absolute_path)
    if error.validator == "additionalProperties":
        schema = error.schema if isinstance(error.schema, dict) else {}
        given = error.instance if isinstance(error.instance, dict) else {}
        extra = sorted(set(given) - set(schema.get("properties", {})))
        if schema.get("properties") is not None and extra:
            prefix = f"[tool.biblint{'.' + where if where else ''}]"
            return f"unknown key {extra[0]!r} in {prefix}"
    value = error.instance
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    return f"invalid value {shown} for {where or 'the table'}: {error.message.split(chr(10))[0]}"


def load_file(path: Path) -> Config | None:
    """The config in ``path``, or None when a pyproject.toml has no [tool.biblint] table."""
    # Imported here: most runs outside a data repository read no TOML (~10 ms of start-up).
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - exercised on 3.10 only
        import tomli as tomllib
    try:
        with path.open("rb") as handle:
            data = tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = data.get("tool", {}).get("biblint")
        if table is None:
            return None
    else:
        table = data.get("tool", {}).get("biblint", data) if "tool" in data else data
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: [tool.biblint] must be a table")
    return from_mapping(table, source=str(path), root=path.parent)


def discover(start: Path) -> Config:
    """The nearest config at or above ``start`` (biblint.toml wins over pyproject.toml)."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder.resolve(), *folder.resolve().parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if path.is_file():
                found = load_file(path)
                if found is not None:
                    return found
    return Config()
