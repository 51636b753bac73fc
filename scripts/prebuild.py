"""The pre-build step: everything the pages show that the library computes, computed once per version of it.

    python scripts/prebuild.py OUTDIR

imports ``logloss_ref`` from this checkout and writes into OUTDIR:

- ``figures/NAME.svg`` and ``figures/NAME-dark.svg``: every figure of ``logloss_ref.plots.FIGURES``
  in the light and the dark palette, byte-identical from one run to the next;
- ``prebuilt.json``: for each figure, the function that draws it and its size in CSS pixels in
  each palette; the data of each interactive figure (``scripts/interactive_data.py``); the tables
  of the "Other libraries" page as Markdown (``scripts/other_libraries_table.py``); each
  derivation of ``scripts/derivations.py`` as display maths; the library's version.

Nothing here knows MkDocs. The site's hooks call ``prebuilt()``, which returns these outputs for
the library as it is on disk now from a cache folder (``.cache/prebuild/KEY``, KEY a hash of every
file and package version they depend on), running this script in a child process first when they
are not there. A child process, because ``mkdocs serve`` keeps every module it has imported; the
child imports the library as it is now. A page edit finds the outputs in the cache; an edit to
one figure function draws that figure alone (each drawing is cached by its own key too).
"""

from __future__ import annotations

import argparse
import ast
import functools
import hashlib
import importlib.metadata
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SCRIPTS = ROOT / "scripts"
MANIFEST = "prebuilt.json"
THEME_SUFFIX = {"light": "", "dark": "-dark"}
# The files the outputs are computed from; a change to the code of any of them (not to a docstring
# or a comment: `code_of`) computes them again.
SOURCES = ("logloss_ref/**/*.py", "scripts/prebuild.py", "scripts/interactive_data.py", "scripts/other_libraries_table.py",
           "scripts/derivations.py")
# The packages whose versions can change the outputs' bytes (matplotlib's SVG writer, scikit-learn's column).
PACKAGES = ("numpy", "matplotlib", "scikit-learn", "mpmath", "sympy")
# Outputs that do not depend on the library, cached apart (each a JSON file under its own folder),
# so that a library edit does not compute them again: the reference columns of the "Other
# libraries" tables (importing scikit-learn takes longer than the tables) and the derivations'
# display maths (importing SymPy takes about 2 s). Each: (sources, packages) of its own key.
APART = {
    "reference": (("scripts/other_libraries_table.py",), ("scikit-learn", "mpmath")),
    "derivations": (("scripts/derivations.py",), ("sympy",)),
}
# Each figure's drawings, cached by a key of their own (``figure_keys``): ``figures/KEY-light.svg``. A
# drawing depends on the library and this script only, and on plots.py as ``figure_codes`` shows it.
FIGURE_CACHE = "figures"
FIGURE_SOURCES = ("logloss_ref/**/*.py", "scripts/prebuild.py")
# Names through which code can call a function of its module without naming it (``figure_codes``).
INDIRECT = {"FIGURES", "globals", "vars", "getattr", "eval", "exec", "sys", "modules", "importlib", "__import__"}
PLOTS = ROOT / "logloss_ref" / "plots.py"
UNFINISHED = "unfinished-"  # the name's start of a cache entry being written
KEEP = 3  # cache entries kept: the newest, so that undoing an edit under `make serve` finds its outputs
SVG_SIZE = re.compile(rb'<svg[^>]*?width="(?P<w>[\d.]+)pt" height="(?P<h>[\d.]+)pt"')


def figure_path(stem: str, theme: str = "light") -> str:
    """Where a figure's drawing lives, in OUTDIR and on the site: ``figures/sigmoid-dark.svg``."""
    return f"figures/{stem}{THEME_SUFFIX[theme]}.svg"


def cache_root() -> Path:
    """The build's cache folder: ``.cache/`` in the checkout, or ``$LOGLOSS_REF_BUILD_CACHE``."""
    return Path(os.environ.get("LOGLOSS_REF_BUILD_CACHE") or ROOT / ".cache")


# ---------------------------------------------------------------------------------------------
# The outputs, as the hooks (or any other builder) read them


@dataclass(frozen=True)
class Figure:
    function: str  # the logloss_ref.plots function that draws it, e.g. "fig_sigmoid"
    size: dict[str, tuple[int, int]]  # palette -> (width, height) in CSS pixels


@dataclass(frozen=True)
class Prebuilt:
    """The outputs of one run of the pre-build step, in ``folder``."""

    folder: Path
    version: str
    figures: dict[str, Figure]
    interactive: dict[str, dict]
    tables: dict[str, str]
    derivations: dict[str, str]

    @classmethod
    def load(cls, folder: Path) -> Prebuilt:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        figures = {stem: Figure(entry["function"], {theme: tuple(size) for theme, size in entry["size"].items()})
                   for stem, entry in manifest["figures"].items()}
        return cls(folder, manifest["version"], figures, manifest["interactive"], manifest["tables"],
                   manifest["derivations"])

    def svg(self, stem: str, theme: str = "light") -> bytes:
        return (self.folder / figure_path(stem, theme)).read_bytes()


class PrebuildError(RuntimeError):
    pass


def source_key(sources=SOURCES, packages=PACKAGES, *, code: dict[Path, bytes] | None = None) -> str:
    """A hash of everything the outputs depend on: the sources' code (``code[path]`` in place of a
    file's own, where given), the packages' versions, Python's."""
    digest = hashlib.sha256(sys.version.encode())
    for package in packages:
        digest.update(f"\0{package}={importlib.metadata.version(package)}".encode())
    for path in sorted({path for pattern in sources for path in ROOT.glob(pattern)}):
        shown = code[path] if code and path in code else code_of(path.read_bytes())
        digest.update(b"\0" + path.relative_to(ROOT).as_posix().encode() + b"\0" + shown)
    return digest.hexdigest()[:24]


@functools.lru_cache(maxsize=256)
def code_of(source: bytes) -> bytes:
    """Python source's code without its docstrings and comments (its syntax tree, without line numbers).

    An edit to a docstring or a comment leaves the outputs as they are: the API page shows it after
    the site's build alone, without the pre-build step (no output of it reads a docstring). Each
    version of a file is parsed once per process (``mkdocs serve`` rebuilds in one process).
    """
    try:
        return ast.dump(syntax_tree(source)).encode()
    except SyntaxError:  # mid-edit: the pre-build step runs, and reports the error
        return source


def syntax_tree(source: bytes) -> ast.Module:
    """The module's syntax tree without docstrings."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                node.body = node.body[1:] or [ast.Pass()]
    return tree


def figure_codes(source: bytes, figures: set[str]) -> dict[str, bytes]:
    """plots.py's code (``source``) as each figure function of ``figures`` can depend on it.

    The bodies of the other figure functions are left out, except those that it, or any other
    code of the module, names (as a name or an attribute), directly or through another such
    body; their decorators, defaults and annotations, which run on import, stay. Code that could
    reach a function without naming it (``FIGURES[...]``, ``getattr``, ``globals()``, ...) keeps
    every body. A figure's drawing is cached by this code and the rest of the library's: an edit
    to one figure function draws that figure again, and the others come from the cache.
    """
    tree = syntax_tree(source)
    defined = {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef) and node.name in figures}

    def named(nodes) -> set[str]:
        return {node.id if isinstance(node, ast.Name) else node.attr
                for top in nodes for node in ast.walk(top) if isinstance(node, (ast.Name, ast.Attribute))}

    # The registry (FIGURES = {...}) names every figure function: it is not a use of them.
    registry = [node for node in tree.body if isinstance(node, ast.Assign)
                and any(isinstance(target, ast.Name) and target.id == "FIGURES" for target in node.targets)]
    on_import = [node for node in tree.body if node not in registry and node not in defined.values()]
    on_import += [part for node in defined.values() for part in (*node.decorator_list, node.args, node.returns) if part]
    names_in_body = {function: named(node.body) for function, node in defined.items()}
    bodies = {function: node.body for function, node in defined.items()}
    codes = {}
    for name in defined:
        reached = named(on_import)
        kept, todo = set(), [name, *(reached & defined.keys())]
        while todo:
            current = todo.pop()
            if current not in kept:
                kept.add(current)
                reached |= names_in_body[current]
                todo += names_in_body[current] & defined.keys()
        for function, node in defined.items():
            node.body = bodies[function] if function in kept or reached & INDIRECT else [ast.Pass()]
        codes[name] = ast.dump(tree).encode()
    return codes


def prebuilt(cache: Path | None = None) -> Prebuilt:
    """The outputs for the library as it is on disk now: from the cache, else computed into it first."""
    entries = (cache or cache_root()) / "prebuild"
    folder = entries / source_key()
    apart = {name: entries / name / f"{source_key(*key)}.json" for name, key in APART.items()}
    if not (folder / MANIFEST).is_file():
        run_into(folder, apart, entries / FIGURE_CACHE)
    for used in (folder, *apart.values()):
        if used.exists():
            os.utime(used)  # the most recently used entries are the last ones pruned
    prebuilt = Prebuilt.load(folder)
    prune(entries)
    for path in apart.values():
        prune(path.parent)
    prune(entries / FIGURE_CACHE, keep=KEEP * 2 * len(prebuilt.figures))  # as many drawings as KEEP whole versions
    return prebuilt


def run_into(folder: Path, apart: dict[str, Path], figures: Path) -> None:
    """Run this script in a child process, writing to a scratch folder that becomes ``folder`` when complete."""
    folder.parent.mkdir(parents=True, exist_ok=True)
    scratch = Path(tempfile.mkdtemp(prefix=UNFINISHED, dir=folder.parent))
    options = [word for name, path in apart.items() for word in (f"--{name}", str(path))] + ["--figures", str(figures)]
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), str(scratch), *options],
                          cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        shutil.rmtree(scratch, ignore_errors=True)
        raise PrebuildError(f"the pre-build step failed:\n{done.stderr}")
    try:
        scratch.rename(folder)
    except OSError:  # another build of the same sources finished first: the same bytes
        shutil.rmtree(scratch, ignore_errors=True)


def prune(folder: Path, keep: int = KEEP) -> None:
    """Keep the ``keep`` most recently used entries of ``folder``, and unfinished ones younger than an hour (a run in progress)."""
    if not folder.is_dir():  # e.g. pruned away by an older version of this step, as one of its entries
        return
    entries = [path for path in folder.iterdir() if path.name not in (*APART, FIGURE_CACHE)]
    unfinished = [path for path in entries if path.name.startswith(UNFINISHED)]
    finished = sorted((path for path in entries if path not in unfinished), key=lambda path: path.stat().st_mtime)
    for path in finished[:-keep] + [path for path in unfinished if time.time() - path.stat().st_mtime > 3600]:
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# Computing the outputs (in the child process)


def svg_of(draw, theme: str = "light") -> bytes:
    """A figure function's drawing in one palette, as SVG bytes without a date (the same bytes every time)."""
    import matplotlib

    from logloss_ref.plots import THEMES

    buffer = io.BytesIO()
    with matplotlib.rc_context(THEMES[theme]):
        draw().savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def css_size(svg: bytes) -> tuple[int, int]:
    """The drawing's width and height in CSS pixels (matplotlib writes points), for the img tag."""
    size = SVG_SIZE.search(svg)
    return round(float(size["w"]) * 4 / 3), round(float(size["h"]) * 4 / 3)


def run_job(job: tuple) -> object:
    if job[0] == "figure":
        from logloss_ref.plots import FIGURES

        return svg_of(FIGURES[job[1]], job[2])
    from other_libraries_table import reference_values

    return reference_values()


def compute(reference: Path | None = None, derivations: Path | None = None,
            figures: Path | None = None) -> tuple[dict, dict[str, bytes]]:
    """(the manifest, the SVG files by path). The reference values and the derivations' maths are
    read from ``reference`` and ``derivations`` if they exist, else computed and written there;
    each drawing likewise from ``figures`` (by its key, ``figure_keys``). Whatever is drawn is drawn
    on every core."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import logloss_ref
    from interactive_data import FIGURES as INTERACTIVE
    from logloss_ref.plots import FIGURES
    from other_libraries_table import tables

    known = read_json(reference)
    keys = figure_keys(FIGURES) if figures else {}
    cached = {(stem, theme): figures / f"{key}-{theme}.svg" for stem, key in keys.items() for theme in THEME_SUFFIX}
    drawn = {}
    for (stem, theme), path in cached.items():
        if path.is_file():
            drawn[figure_path(stem, theme)] = path.read_bytes()
            os.utime(path)  # used now: the last to be pruned
    figure_jobs = [("figure", stem, theme) for stem in FIGURES for theme in THEME_SUFFIX
                   if figure_path(stem, theme) not in drawn]
    # The reference values first, if needed: the longest job. The workers are forked from this
    # process, so the library and matplotlib are imported once.
    jobs = ([("reference",)] if known is None else []) + figure_jobs
    if "fork" in multiprocessing.get_all_start_methods():
        with ProcessPoolExecutor(os.cpu_count(), mp_context=multiprocessing.get_context("fork")) as pool:
            pending = pool.map(run_job, jobs)
            maths = derivation_maths(derivations)  # meanwhile, here
            results = list(pending)
    else:
        results, maths = [run_job(job) for job in jobs], derivation_maths(derivations)
    if known is None:
        known = results.pop(0)
        if reference:
            write_whole(reference, json.dumps(known).encode())
    for (_, stem, theme), svg in zip(figure_jobs, results):
        drawn[figure_path(stem, theme)] = svg
        if figures:
            write_whole(cached[stem, theme], svg)
    manifest = {
        "version": logloss_ref.__version__,
        "figures": {stem: {"function": draw.__name__,
                           "size": {theme: css_size(drawn[figure_path(stem, theme)]) for theme in THEME_SUFFIX}}
                    for stem, draw in FIGURES.items()},
        "interactive": {name: make() for name, make in INTERACTIVE.items()},
        "tables": tables(known),
        "derivations": maths,
    }
    return manifest, drawn


def figure_keys(figures: dict) -> dict[str, str]:
    """Each figure's key: the library's code as its function can depend on it (``figure_codes``)."""
    rest = source_key(FIGURE_SOURCES, code={PLOTS: b""})  # all but plots.py, read once
    codes = figure_codes(PLOTS.read_bytes(), {draw.__name__ for draw in figures.values()})
    return {stem: hashlib.sha256(f"{stem}\0{rest}\0".encode() + codes[draw.__name__]).hexdigest()[:24]
            for stem, draw in figures.items()}


def read_json(path: Path | None):
    """The cached JSON at ``path``, or None when there is none."""
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None


def derivation_maths(cached: Path | None) -> dict[str, str]:
    """Each derivation of scripts/derivations.py as display maths: read from ``cached``, else rendered and written there."""
    maths = read_json(cached)
    if maths is None:
        from derivations import DERIVATIONS, to_markdown

        maths = {name: to_markdown(name) for name in DERIVATIONS}
        if cached:
            write_whole(cached, json.dumps(maths).encode())
    return maths


def write_whole(path: Path, content: bytes) -> None:
    """Write ``path`` whole or not at all, also with two builds at once."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=path.parent, prefix=UNFINISHED, delete=False) as scratch:
        scratch.write(content)
    os.replace(scratch.name, path)


def write(outdir: Path, manifest: dict, drawn: dict[str, bytes]) -> None:
    for path, svg in drawn.items():
        (outdir / path).parent.mkdir(parents=True, exist_ok=True)
        (outdir / path).write_bytes(svg)
    (outdir / MANIFEST).write_text(json.dumps(manifest, separators=(",", ":")), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path, help="folder to write the figures and prebuilt.json to")
    parser.add_argument("--reference", type=Path, help="JSON file of the tables' reference values: read if it exists, else written")
    parser.add_argument("--derivations", type=Path, help="JSON file of the derivations' maths: read if it exists, else written")
    parser.add_argument("--figures", type=Path, help="folder of drawings by their keys: read where there, else drawn and written")
    args = parser.parse_args()
    # The library of this checkout, even where another copy is installed (a worktree, a copy of the tree).
    sys.path[:0] = [str(ROOT), str(SCRIPTS)]
    args.outdir.mkdir(parents=True, exist_ok=True)
    write(args.outdir, *compute(args.reference, args.derivations, args.figures))


if __name__ == "__main__":
    main()
