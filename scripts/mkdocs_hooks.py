"""MkDocs hooks of the logloss_ref site (declared under ``hooks:`` in mkdocs.yml).

- ``on_config``: forget any imported ``logloss_ref`` so that ``mkdocs serve`` draws each
  rebuild's figures with the library as it is now, not as it was at the first build.
- ``on_files``: draw every figure of ``logloss_ref.plots.FIGURES`` as SVG, once per palette,
  and add KaTeX's stylesheet and fonts, all as generated files (nothing is written to docs/).
- ``on_page_markdown``: turn ``![alt](figures/NAME.svg)`` into a light and a dark image.
- ``on_page_content``: render every ``\\( \\)`` and ``$$ $$`` formula to HTML + MathML with
  KaTeX under Node; a formula KaTeX rejects fails the build.
- ``on_post_page``: give Material's search dialog an accessible name.
"""

from __future__ import annotations

import html
import io
import json
import re
import subprocess
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
KATEX_RENDERER = ROOT / "scripts" / "katex_render.mjs"
THEME_SUFFIX = {"light": "", "dark": "-dark"}

FIGURE_REF = re.compile(r"!\[(?P<alt>[^\]]+)\]\((?P<prefix>(?:\.\./)*)figures/(?P<stem>[\w-]+)\.svg\)")
MATH = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.S)
SVG_SIZE = re.compile(rb'<svg[^>]*?width="(?P<w>[\d.]+)pt" height="(?P<h>[\d.]+)pt"')

_figure_sizes: dict[str, tuple[int, int]] = {}


def on_config(config):
    for name in [m for m in sys.modules if m == "logloss_ref" or m.startswith("logloss_ref.")]:
        del sys.modules[name]
    if not KATEX_DIST.is_dir():
        raise PluginError("KaTeX is missing: run `npm ci` (the Makefile's `make serve` does).")
    return config


def draw_figures() -> dict[str, bytes]:
    """Every figure as SVG bytes, keyed by file name; byte-identical from build to build."""
    import matplotlib

    from logloss_ref.plots import FIGURES, THEMES

    svgs = {}
    for stem, draw in FIGURES.items():
        for theme, suffix in THEME_SUFFIX.items():
            with matplotlib.rc_context(THEMES[theme]):
                figure = draw()
                buffer = io.BytesIO()
                figure.savefig(buffer, format="svg", metadata={"Date": None})
            svgs[f"{stem}{suffix}.svg"] = buffer.getvalue()
    return svgs


def on_files(files, config):
    _figure_sizes.clear()
    for name, svg in draw_figures().items():
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

    return FIGURE_REF.sub(light_and_dark, markdown)


def render_maths(formulas: list[dict]) -> list[str]:
    if not formulas:
        return []
    result = subprocess.run(
        ["node", str(KATEX_RENDERER)], input=json.dumps(formulas), capture_output=True, text=True, cwd=ROOT
    )
    if result.returncode != 0:
        raise PluginError(result.stderr.strip())
    return json.loads(result.stdout)


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
