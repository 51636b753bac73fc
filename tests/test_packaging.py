"""The package as people install it: the sdist and the wheel, built, checked and installed.

`uv build` makes the sdist from the tree and then the wheel from the sdist, so a file that the
sdist leaves out breaks the wheel. The wheel goes into a new venv outside the checkout, where the
console script and every public name must work: a module that exists in the tree but not in the
wheel fails here, not on a user's machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import sysconfig
import tarfile
import zipfile
from pathlib import Path

import pytest
from uv import find_uv_bin

import logloss_ref
from logloss_ref import case_study_table

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = Path(sysconfig.get_path("scripts"))
UV = find_uv_bin()  # the locked uv of this environment
# Only the test's own settings: no venv, no user PATH, no bytecode switch from the caller.
CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH", "PYTHONDONTWRITEBYTECODE"}}
CLEAN_ENV |= {"PATH": os.defpath, "UV_SYSTEM_CERTS": "1"}  # the machine's certificates, as in the Makefile


def run(*command, cwd, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=CLEAN_ENV, capture_output=True, text=True, **kwargs)
    assert done.returncode == 0, f"{command} failed:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def dist(tmp_path_factory) -> dict[str, Path]:
    """The sdist and the wheel, and what building them printed."""
    out = tmp_path_factory.mktemp("dist")
    # No build isolation: the backend is the locked setuptools, so the build needs no download.
    done = run(UV, "build", "--no-build-isolation", "--python", sys.executable, "--out-dir", out, cwd=ROOT)
    (sdist,), (wheel,) = out.glob("*.tar.gz"), out.glob("*.whl")
    return {"sdist": sdist, "wheel": wheel, "log": done.stdout + done.stderr}


def test_the_build_prints_no_warning(dist):
    noisy = [line for line in dist["log"].splitlines() if re.search(r"warn|deprecat", line, re.I)]
    assert not noisy, "\n".join(noisy)


def test_twine_check_passes_on_both(dist):
    done = run(SCRIPTS / "twine", "check", "--strict", dist["sdist"], dist["wheel"], cwd=ROOT)
    assert done.stdout.count("PASSED") == 2, done.stdout


def test_both_ship_the_licence_and_every_module(dist):
    # Every module, subpackages (logloss_ref/io/) included, by its path in the package.
    modules = {p.relative_to(ROOT).as_posix() for p in (ROOT / "logloss_ref").rglob("*.py")}
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        names = wheel.namelist()
        metadata = wheel.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert {n for n in names if n.startswith("logloss_ref/")} == modules
    assert "License-Expression: MIT" in metadata
    with tarfile.open(dist["sdist"]) as sdist:
        in_sdist = {n.split("/", 1)[1] for n in sdist.getnames() if "/" in n}  # without the top folder
    assert {"LICENSE", "pyproject.toml", "README.md"} | modules <= in_sdist


def test_numpy_is_the_only_requirement_and_matplotlib_comes_with_the_plots_extra(dist):
    with zipfile.ZipFile(dist["wheel"]) as wheel:
        metadata = wheel.read(next(n for n in wheel.namelist() if n.endswith(".dist-info/METADATA"))).decode()
    requires = [line.removeprefix("Requires-Dist: ") for line in metadata.splitlines() if line.startswith("Requires-Dist: ")]
    assert [r for r in requires if "extra ==" not in r] == ["numpy>=1.26"], requires
    assert 'matplotlib>=3.8; extra == "plots"' in requires, requires


# Imported in the venv without extras: the library itself, every module of the package, and what
# each brought with it. Only logloss_ref.plots may fail, and its message must say how to get it.
IMPORT_PROBE = """
import importlib, json, pkgutil, sys
HEAVY = {"sklearn", "mpmath", "matplotlib", "scipy"}
import logloss_ref
heavy_after_import = sorted(HEAVY & {name.split(".")[0] for name in sys.modules})
loss = logloss_ref.log_loss([0, 1], [0.1, 0.94])
failed = {}
for module in pkgutil.iter_modules(logloss_ref.__path__):
    if not module.name.startswith("__"):
        try:
            importlib.import_module("logloss_ref." + module.name)
        except ImportError as error:
            failed[module.name] = str(error)
heavy_after_all = sorted(HEAVY & {name.split(".")[0] for name in sys.modules})
print(json.dumps({"heavy_after_import": heavy_after_import, "heavy_after_all": heavy_after_all, "loss": loss,
                  "failed": failed}))
"""


def test_the_wheel_works_in_a_clean_venv_outside_the_checkout(dist, tmp_path):
    venv = tmp_path / "venv"
    run(UV, "venv", "--quiet", "--python", sys.executable, venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    run(UV, "pip", "install", "--quiet", "--python", python, dist["wheel"], cwd=tmp_path)

    shown = run(venv / "bin" / "logloss-ref", "example", cwd=tmp_path).stdout
    assert shown.strip() == case_study_table().worked_table()
    # Reading files needs the optional pyarrow; without it the command says how to get it.
    (tmp_path / "p.csv").write_text("label,p\n1,0.9\n")
    done = subprocess.run([venv / "bin" / "logloss-ref", "score", "p.csv", "--label", "label", "--prob", "p"],
                          cwd=tmp_path, capture_output=True, text=True)
    assert done.returncode == 2 and "pip install 'logloss_ref[cli]'" in done.stderr, done.stderr

    probe = (
        "import json, logloss_ref\n"
        "missing = [n for n in logloss_ref.__all__ if not hasattr(logloss_ref, n)]\n"
        "print(json.dumps({'file': logloss_ref.__file__, 'names': logloss_ref.__all__, 'missing': missing}))\n"
    )
    seen = json.loads(run(python, "-I", "-c", probe, cwd=tmp_path).stdout)
    assert Path(seen["file"]).is_relative_to(venv), seen["file"]  # the wheel's copy, not this tree
    assert seen["names"] == list(logloss_ref.__all__) and not seen["missing"]

    # No extras: numpy is all there is, and nothing importable reaches for more.
    imported = json.loads(run(python, "-I", "-c", IMPORT_PROBE, cwd=tmp_path).stdout)
    assert imported["heavy_after_import"] == [] and imported["heavy_after_all"] == [], imported
    assert imported["loss"] == logloss_ref.log_loss([0, 1], [0.1, 0.94])
    assert list(imported["failed"]) == ["plots"], imported["failed"]
    assert "pip install 'logloss_ref[plots]'" in imported["failed"]["plots"], imported["failed"]["plots"]
