"""MkDocs hooks of the logloss_ref site (declared under ``hooks:`` in mkdocs.yml).

- ``on_config``: forget any imported ``logloss_ref``, so that each ``mkdocs serve`` rebuild
  uses the library as it is now, not as it was at the first build.
- ``on_files``: draw every figure of ``logloss_ref.plots.FIGURES`` as SVG, once per palette, in
  child processes (again only when the library changed), and add KaTeX's stylesheet and fonts,
  all as generated files (nothing is written to docs/).
- ``on_page_markdown``: turn ``![alt](figures/NAME.svg)`` into a light and a dark image, and
  ``<!-- comparison-table -->`` into the table of ``logloss_ref.conventions`` (scikit-learn live).
- ``on_page_content``: render every ``\\( \\)`` and ``$$ $$`` formula to HTML + MathML with
  KaTeX under Node; a formula KaTeX rejects fails the build.
- ``on_post_page``: give Material's search dialog an accessible name.
"""

from __future__ import annotations

import hashlib
import html
import json
import pickle
import re
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
KATEX_RENDERER = ROOT / "scripts" / "katex_render.mjs"
FIGURE_DRAWER = ROOT / "scripts" / "draw_figures.py"
THEME_SUFFIX = {"light": "", "dark": "-dark"}

FIGURE_REF = re.compile(r"!\[(?P<alt>[^\]]+)\]\((?P<prefix>(?:\.\./)*)figures/(?P<stem>[\w-]+)\.svg\)")
MATH = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.S)
SVG_SIZE = re.compile(rb'<svg[^>]*?width="(?P<w>[\d.]+)pt" height="(?P<h>[\d.]+)pt"')

COMPARISON_TABLE = "<!-- comparison-table -->"

_figure_sizes: dict[str, tuple[int, int]] = {}
_drawn: dict = {}  # {"fingerprint": ..., "svgs": {file name: bytes}} of the last drawing
_rendered: dict[tuple[str, bool], str] = {}  # KaTeX output by (TeX, display mode)


def on_config(config):
    # The figures are drawn in child processes; the comparison table imports the library here.
    for name in [m for m in sys.modules if m == "logloss_ref" or m.startswith("logloss_ref.")]:
        del sys.modules[name]
    if not KATEX_DIST.is_dir():
        raise PluginError("KaTeX is missing: run `npm ci` (the Makefile's `make serve` does).")
    return config


def draw_figures() -> dict[str, bytes]:
    """Every figure in both palettes, keyed by file name.

    One child process per palette (scripts/draw_figures.py): the two draw in parallel, and each
    imports the library as it is on disk now, which is what `mkdocs serve` needs after an edit.
    """
    children = [
        subprocess.Popen([sys.executable, str(FIGURE_DRAWER), theme], stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        for theme in THEME_SUFFIX
    ]
    svgs = {}
    for child in children:
        out, err = child.communicate()
        if child.returncode != 0:
            raise PluginError(f"drawing the figures failed:\n{err.decode()}")
        for theme, drawn in pickle.loads(out).items():
            svgs |= {f"{stem}{THEME_SUFFIX[theme]}.svg": svg for stem, svg in drawn.items()}
    return svgs


def library_fingerprint() -> str:
    """A hash of every file the figures depend on: the package and the drawing script."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "logloss_ref").rglob("*.py")) + [FIGURE_DRAWER]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def on_files(files, config):
    # MkDocs loads this module once per process, so under `mkdocs serve` the figures are
    # redrawn only when the library changed, and an edit to a page rebuilds in seconds.
    fingerprint = library_fingerprint()
    if _drawn.get("fingerprint") != fingerprint:
        _drawn.update(fingerprint=fingerprint, svgs=draw_figures())
    _figure_sizes.clear()
    for name, svg in _drawn["svgs"].items():
        size = SVG_SIZE.search(svg)
        # pt -> CSS px, so the <img> reserves its space before the file arrives
        _figure_sizes[name] = (round(float(size["w"]) * 4 / 3), round(float(size["h"]) * 4 / 3))
        files.append(File.generated(config, f"figures/{name}", content=svg))
    # font-display: swap variant; only the woff2 fonts are shipped, so drop the other formats.
    css = (KATEX_DIST / "katex-swap.min.css").read_text(encoding="utf-8")
    css = re.sub(r',url\(fonts/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    files.append(File.generated(config, "assets/katex/katex.min.css", content=css))
    for font in sorted((KATEX_DIST / "fonts").glob("*.woff2")):
        files.append(File.generated(config, f"assets/katex/fonts/{font.name}", abs_src_path=str(font)))
    return files


def on_page_markdown(markdown, page, config, files):
    def light_and_dark(match):
        stem, alt, prefix = match["stem"], match["alt"], match["prefix"]
        if f"{stem}.svg" not in _figure_sizes:
            raise PluginError(f"{page.file.src_uri}: no figure named {stem!r} in logloss_ref.plots.FIGURES")
        images = []
        for theme, suffix in THEME_SUFFIX.items():
            width, height = _figure_sizes[f"{stem}{suffix}.svg"]
            images.append(
                f'![{alt}]({prefix}figures/{stem}{suffix}.svg#only-{theme})'
                f'{{ width="{width}" height="{height}" loading="lazy" }}'
            )
        return "".join(images)

    markdown = FIGURE_REF.sub(light_and_dark, markdown)
    if COMPARISON_TABLE in markdown:
        from logloss_ref.conventions import comparison_markdown

        markdown = markdown.replace(COMPARISON_TABLE, comparison_markdown())
    return markdown


def render_maths(formulas: list[dict]) -> list[str]:
    """KaTeX's HTML for each formula; formulas rendered before in this process come from memory."""
    key = lambda formula: (formula["tex"], formula["display"])  # noqa: E731
    new = list({key(f): f for f in formulas if key(f) not in _rendered}.values())
    if new:
        result = subprocess.run(
            ["node", str(KATEX_RENDERER)], input=json.dumps(new), capture_output=True, text=True, cwd=ROOT
        )
        if result.returncode != 0:
            raise PluginError(result.stderr.strip())
        _rendered.update(zip(map(key, new), json.loads(result.stdout)))
    return [_rendered[key(f)] for f in formulas]


def on_page_content(content, page, config, files):
    matches = list(MATH.finditer(content))
    formulas = []
    for match in matches:
        tex = html.unescape(match["tex"]).strip()
        display = match["tag"] == "div"
        formulas.append({"tex": tex[2:-2].strip(), "display": display})
    rendered = iter(render_maths(formulas))
    return MATH.sub(lambda m: next(rendered), content)


def on_post_page(output, page, config):
    # Material's search overlay is role="dialog" without a name; screen readers need one.
    unnamed = 'data-md-component="search" role="dialog"'
    if unnamed not in output:
        raise PluginError("Material's search dialog markup changed: update on_post_page in scripts/mkdocs_hooks.py")
    return output.replace(unnamed, f'{unnamed} aria-label="Search this site"', 1)
