"""Third-party rules load through the ``biblint.rules`` entry point, and only through it.

A real wheel is built by hand (zipfile), installed with pip into a folder, and a fresh Python
process with that folder on PYTHONPATH must see the plugin's rule in the default registry and
report it from :func:`biblint.lint`. A module that merely sits in the current directory must not
be loaded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

DIST = "biblint_plugin_demo"
VERSION = "0.1"

PLUGIN_SOURCE = textwrap.dedent('''
    """A demo biblint plugin."""

    import biblint


    @biblint.rule("DEMO001", "demo-title-missing", severity="error")
    def demo_title_missing(record, ctx):
        """The record has no title.

        ## What it does
        Reports records without a `title` key.

        ## Why is this bad?
        A record without a title cannot be shown.

        ## Example
        `{"doi": "10.1/x"}`

        ## Fix
        None.
        """
        if isinstance(record.data, dict) and "title" not in record.data:
            yield biblint.Violation("the record has no title", "")


    RULES = [demo_title_missing]
''')

ENTRY_POINTS = "[biblint.rules]\ndemo = biblint_plugin_demo:RULES\n"

PROBE = textwrap.dedent('''
    import json
    import biblint
    from biblint.registry import default_registry

    registry = default_registry()
    found = registry.by_code.get("DEMO001")
    out = {"loaded": found is not None, "builtin": len(registry) > 0}
    if found is not None:
        out.update(
            name=found.name,
            severity=found.severity.label,
            source=found.source,
            missing=[(f.code, f.pointer, f.message) for f in biblint.lint({"doi": "10.1/x"})
                     if f.code.startswith("DEMO")],
            present=[f.code for f in biblint.lint({"title": "T"}) if f.code.startswith("DEMO")],
            selected=[f.code for f in biblint.Linter(biblint.Config(select=("DEMO",)))
                      .lint({"doi": "10.1/x"})],
            by_name=[r.code for r in registry.matching("demo-title-missing")],
        )
    print(json.dumps(out))
''')


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path) -> Path:
    """A minimal, valid py3-none-any wheel holding the demo plugin."""
    info = f"{DIST}-{VERSION}.dist-info"
    files = {
        f"{DIST}.py": PLUGIN_SOURCE.encode(),
        f"{info}/METADATA": (
            "Metadata-Version: 2.1\n"
            "Name: biblint-plugin-demo\n"
            f"Version: {VERSION}\n"
            "Summary: A demo biblint plugin\n"
            "Requires-Dist: biblint\n"
        ).encode(),
        f"{info}/WHEEL": (
            b"Wheel-Version: 1.0\n"
            b"Generator: biblint-tests (by hand)\n"
            b"Root-Is-Purelib: true\n"
            b"Tag: py3-none-any\n"
        ),
        f"{info}/entry_points.txt": ENTRY_POINTS.encode(),
        f"{info}/top_level.txt": f"{DIST}\n".encode(),
    }
    record = "".join(_record_line(n, d) + "\n" for n, d in files.items())
    record += f"{info}/RECORD,,\n"
    wheel = folder / f"{DIST}-{VERSION}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
        archive.writestr(f"{info}/RECORD", record)
    return wheel


def clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONSTARTUP", "PYTHONHOME")}
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.update(extra)
    return env


def probe(cwd: Path, **env: str) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-c", PROBE], cwd=cwd, env=clean_env(**env),
                          capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo wheel, installed with pip (no index, no dependencies) into a folder."""
    root = tmp_path_factory.mktemp("plugin")
    wheel = build_wheel(root)
    target = root / "site"
    done = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index",
         "--disable-pip-version-check", "--no-cache-dir", "--quiet", "--target", str(target),
         str(wheel)],
        capture_output=True, text=True, timeout=300, check=False, env=clean_env(),
    )
    if done.returncode != 0 and "No module named pip" in done.stderr:
        pytest.skip("pip is not available in this environment")
    assert done.returncode == 0, done.stderr
    return target


def test_wheel_is_well_formed(tmp_path):
    wheel = build_wheel(tmp_path)
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        record = archive.read(f"{DIST}-{VERSION}.dist-info/RECORD").decode()
        for line in record.splitlines():
            name, digest, _size = line.rsplit(",", 2)
            assert name in names
            if digest:
                assert line == _record_line(name, archive.read(name))


def test_installed_plugin_is_loaded_through_its_entry_point(installed, tmp_path):
    info = installed / f"{DIST}-{VERSION}.dist-info"
    assert (installed / f"{DIST}.py").is_file()
    assert (info / "entry_points.txt").read_text() == ENTRY_POINTS
    result = probe(tmp_path, PYTHONPATH=str(installed))
    assert result["loaded"] is True
    assert result["builtin"] is True
    assert result["name"] == "demo-title-missing"
    assert result["severity"] == "error"
    assert result["source"] == DIST
    assert result["missing"] == [["DEMO001", "", "the record has no title"]]
    assert result["present"] == []
    assert result["selected"] == ["DEMO001"]
    assert result["by_name"] == ["DEMO001"]


def test_without_the_install_the_plugin_is_absent(tmp_path):
    result = probe(tmp_path)
    assert result == {"loaded": False, "builtin": True}


def test_module_in_the_working_directory_is_not_loaded(tmp_path):
    """A module named like a plugin, importable from the current directory, is not a plugin:
    only an entry point registers rules."""
    (tmp_path / f"{DIST}.py").write_text(PLUGIN_SOURCE)
    (tmp_path / "biblint_rules.py").write_text(PLUGIN_SOURCE)
    result = probe(tmp_path)
    assert result == {"loaded": False, "builtin": True}


def test_dist_info_in_the_working_directory_is_not_loaded(tmp_path):
    """`python -m biblint` puts the working directory on sys.path; a *.dist-info folder in a
    checked-out data repository must still not register (and run) a plugin."""
    (tmp_path / f"{DIST}.py").write_text(PLUGIN_SOURCE)
    info = tmp_path / f"{DIST}-{VERSION}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: biblint-plugin-demo\nVersion: {VERSION}\n")
    (info / "entry_points.txt").write_text(ENTRY_POINTS)
    result = probe(tmp_path)
    assert result == {"loaded": False, "builtin": True}
