"""MkDocs hooks of the logloss_ref site (declared under ``hooks:`` in mkdocs.yml).

- ``on_config``: forget any imported ``logloss_ref``, so that each ``mkdocs serve`` rebuild
  uses the library as it is now, not as it was at the first build; date the build (the
  sitemap's ``<lastmod>``) by the last commit, so the same commit builds the same bytes.
- ``on_files``: start drawing every figure of ``logloss_ref.plots.FIGURES`` as SVG, once per
  palette, in child processes (again only when the library's code changed), and add KaTeX's
  stylesheet and fonts as generated files (nothing is written to docs/).
- ``on_page_markdown``: turn ``![alt](figures/NAME.svg)`` into a light and a dark image, and
  ``<!-- comparison-table -->`` (and ``<!-- multiclass-comparison-table -->``) into the tables
  of ``logloss_ref.conventions`` (scikit-learn live).
  A page with ``pycon`` examples also gets a "Run this page" line under its title, linking to
  the page as a notebook and as a script (scripts/page_downloads.py makes both).
- ``on_env``: every page is converted; collect the figures, add them as generated files, and
  fail on a page that shows a figure the library does not draw; write each page's notebook and
  script (a notebook saves its figures' drawings as outputs).
- ``on_page_content``: render every ``\\( \\)`` and ``$$ $$`` formula to HTML + MathML with
  KaTeX under Node; a formula KaTeX rejects fails the build.
- ``on_serve``: poll for edits every 0.1 s instead of 0.5 s.
- ``on_post_page``: give Material's search dialog an accessible name, and fill in each figure's
  width and height (known once the drawing is done), so the page reserves their space.
"""

from __future__ import annotations

import ast
import hashlib
import html
import importlib.util
import json
import os
import pickle
import posixpath
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urljoin

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parent.parent
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
KATEX_RENDERER = ROOT / "scripts" / "katex_render.mjs"
FIGURE_DRAWER = ROOT / "scripts" / "draw_figures.py"
PAGE_DOWNLOADS = ROOT / "scripts" / "page_downloads.py"
INTERACTIVE_DATA = ROOT / "scripts" / "interactive_data.py"
DERIVATIONS = ROOT / "scripts" / "derivations.py"
DERIVATION = re.compile(r"<!-- derivation: (?P<name>[\w-]+) -->")
INTERACTIVE = re.compile(r"<!-- interactive: (?P<name>[\w-]+) -->")
DATA_SLOT = "interactive-data:{}"  # an interactive figure's JSON, filled in by on_post_page
DATA_SLOT_RE = re.compile(r"interactive-data:(?P<name>[\w-]+)")
DOWNLOADS = "downloads"  # the folder of the site that holds the page notebooks and scripts
THEME_SUFFIX = {"light": "", "dark": "-dark"}

FIGURE_REF = re.compile(r"!\[(?P<alt>[^\]]+)\]\((?P<prefix>(?:\.\./)*)figures/(?P<stem>[\w-]+)\.svg\)")
MATH = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.S)
SVG_SIZE = re.compile(rb'<svg[^>]*?width="(?P<w>[\d.]+)pt" height="(?P<h>[\d.]+)pt"')

COMPARISON_TABLE = "<!-- comparison-table -->"
MULTICLASS_TABLE = "<!-- multiclass-comparison-table -->"

_figure_sizes: dict[str, dict[str, int]] = {}  # {"sigmoid-dark": {"w": 640, "h": 480}}, in CSS px
_figures_used: dict[str, str] = {}  # figure stem -> the first page that shows it, in this build
# The last drawing: {"fingerprint": ..., "drawing": FigureDrawing} while it runs, then "svgs".
_drawn: dict = {}
SIZE_SLOT = "figure-size:{}:{}"  # a figure's width or height, filled in by on_post_page
SIZE_SLOT_RE = re.compile(r"figure-size:(?P<name>[\w-]+):(?P<dim>[wh])")
_rendered: dict[tuple[str, bool], str] = {}  # KaTeX output by (TeX, display mode)
_SOURCE_DATE_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")  # as the caller set it, if at all
_downloads: dict[str, dict] = {}  # page src_uri -> its parts, title, URL and the two placeholder Files


def load_script(name: str, path: Path):
    """A module of scripts/ as it is on disk now (scripts/ is not a package; serve reloads it)."""
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def load_page_downloads():
    return load_script("page_downloads", PAGE_DOWNLOADS)


page_downloads = load_page_downloads()


def last_commit_epoch() -> str | None:
    """The commit time of HEAD in seconds since the epoch, or None outside a git checkout."""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def on_config(config):
    global page_downloads
    page_downloads = load_page_downloads()
    # The figures are drawn in child processes; the comparison table imports the library here.
    for name in [m for m in sys.modules if m == "logloss_ref" or m.startswith("logloss_ref.")]:
        del sys.modules[name]
    # The library beside this file, even when another checkout's copy is installed (a worktree,
    # a copy of the tree): the same one mkdocstrings documents (`paths: [.]` in mkdocs.yml).
    if sys.path[0] != str(ROOT):
        sys.path.insert(0, str(ROOT))
    # MkDocs dates every page (the sitemap's <lastmod>) by the build day unless SOURCE_DATE_EPOCH is set.
    epoch = _SOURCE_DATE_EPOCH or last_commit_epoch()
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    if not KATEX_DIST.is_dir():
        raise PluginError("KaTeX is missing: run `npm ci` (the Makefile's `make serve` does).")
    return config


class FigureDrawing:
    """Every figure in both palettes, being drawn while MkDocs renders the pages.

    One child process per palette (scripts/draw_figures.py): the two draw in parallel, and each
    imports the library as it is on disk now, which is what `mkdocs serve` needs after an edit.
    """

    def __init__(self) -> None:
        self.children = [
            subprocess.Popen([sys.executable, str(FIGURE_DRAWER), theme], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             cwd=ROOT, env=os.environ | {"PYTHONPATH": str(ROOT)})
            for theme in THEME_SUFFIX
        ]

    def result(self) -> tuple[dict[str, bytes], dict[str, str], dict]:
        """The SVG files keyed by file name, and the function drawing each figure (waits for the children)."""
        svgs, interactive = {}, {}
        for child in self.children:
            out, err = child.communicate()
            if child.returncode != 0:
                raise PluginError(f"drawing the figures failed:\n{err.decode()}")
            drawn = pickle.loads(out)
            for theme, theme_svgs in drawn["svgs"].items():
                svgs |= {f"{stem}{THEME_SUFFIX[theme]}.svg": svg for stem, svg in theme_svgs.items()}
            interactive |= drawn["interactive"]
        return svgs, drawn["functions"], interactive


def code_fingerprint(source: bytes) -> bytes:
    """The code of a module without its docstrings and comments (its AST), or the bytes if it does not parse.

    A docstring edit then redraws no figure (no figure draws a docstring), so it is served as fast
    as a page edit.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return source
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                and isinstance(body[0].value.value, str):
            body[0] = ast.Pass()
    return ast.dump(tree).encode()


def library_fingerprint() -> str:
    """A hash of the code the figures depend on: the package, the drawing script, the interactive data."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "logloss_ref").rglob("*.py")) + [FIGURE_DRAWER, INTERACTIVE_DATA]:
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + code_fingerprint(path.read_bytes()))
    return digest.hexdigest()


def on_files(files, config):
    # MkDocs loads this module once per process, so under `mkdocs serve` the figures are
    # redrawn only when the library's code changed, and an edit to a page rebuilds in seconds.
    # The drawing runs while the pages render; on_env collects it.
    fingerprint = library_fingerprint()
    if _drawn.get("fingerprint") != fingerprint:
        _drawn.clear()
        _drawn.update(fingerprint=fingerprint, drawing=FigureDrawing())
    _figures_used.clear()
    _downloads.clear()
    # font-display: swap variant; only the woff2 fonts are shipped, so drop the other formats.
    css = (KATEX_DIST / "katex-swap.min.css").read_text(encoding="utf-8")
    css = re.sub(r',url\(fonts/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", css)
    files.append(File.generated(config, "assets/katex/katex.min.css", content=css))
    for font in sorted((KATEX_DIST / "fonts").glob("*.woff2")):
        files.append(File.generated(config, f"assets/katex/fonts/{font.name}", abs_src_path=str(font)))
    return files


def download_name(src_uri: str) -> str:
    """The file name, without suffix, of a page's notebook and script: ``loss-curves``, ``home``."""
    stem = src_uri.removesuffix(".md")
    return "home" if stem == "index" else stem.replace("/", "-")


def add_downloads(markdown, page, config, files) -> str:
    """Register the page's notebook and script, and link to them under the page's title."""
    def absolute(target: str) -> str:
        path, hash_mark, anchor = target.partition("#")
        if not path:
            return page.canonical_url + hash_mark + anchor
        linked = files.get_file_from_path(posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), path)))
        if linked is None:
            raise PluginError(f"{page.file.src_uri}: the link {target!r} leads to no file of the site")
        return urljoin(config.site_url, linked.url) + hash_mark + anchor

    name = download_name(page.file.src_uri)
    try:
        parts = page_downloads.page_parts(markdown, link=absolute)
        title = page_downloads.page_title(markdown)
    except ValueError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from None
    placeholders = {}
    for suffix in ("ipynb", "py"):
        placeholders[suffix] = File.generated(config, f"{DOWNLOADS}/{name}.{suffix}", content=b"")
        files.append(placeholders[suffix])
    _downloads[page.file.src_uri] = {"parts": parts, "title": title, "url": page.canonical_url, "files": placeholders}
    folder = posixpath.dirname(page.file.src_uri) or "."
    href = {suffix: posixpath.relpath(f"{DOWNLOADS}/{name}.{suffix}", folder) for suffix in placeholders}
    links = (
        f'Run this page: [notebook]({href["ipynb"]}){{ download="{name}.ipynb" '
        f'aria-label="Download this page as a Jupyter notebook" }} · '
        f'[script]({href["py"]}){{ download="{name}.py" aria-label="Download this page as a Python script" }}\n'
        f"{{: .run-this-page }}"
    )
    title_line = page_downloads.TITLE.search(markdown)
    return f"{markdown[:title_line.end()]}\n\n{links}\n{markdown[title_line.end():]}"


def write_downloads(functions: dict[str, str], svgs: dict[str, bytes]) -> None:
    """Fill in each page's notebook and script, now that the figures are drawn."""
    light = {name.removesuffix(".svg"): svg for name, svg in svgs.items()}
    version = _library_version()
    for src_uri, page in _downloads.items():
        name = download_name(src_uri)
        common = {"title": page["title"], "url": page["url"], "version": version, "functions": functions}
        page["files"]["ipynb"].content_string = page_downloads.notebook(page["parts"], svgs=light, **common)
        page["files"]["py"].content_string = page_downloads.script(page["parts"], filename=f"{name}.py", **common)


def _library_version() -> str:
    """``logloss_ref.__version__`` as the source says, without importing the package."""
    for node in ast.parse((ROOT / "logloss_ref" / "__init__.py").read_bytes()).body:
        if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "__version__" for t in node.targets):
            return node.value.value
    raise PluginError("logloss_ref/__init__.py sets no __version__")


def on_page_markdown(markdown, page, config, files):
    def light_and_dark(match):
        stem, alt, prefix = match["stem"], match["alt"], match["prefix"]
        _figures_used.setdefault(stem, page.file.src_uri)
        for suffix in THEME_SUFFIX.values():
            # Known to MkDocs before the page is converted, so its links resolve; on_env fills it.
            if files.get_file_from_path(f"figures/{stem}{suffix}.svg") is None:
                files.append(File.generated(config, f"figures/{stem}{suffix}.svg", content=b""))
        # The size is filled in by on_post_page, once the drawing is done.
        return "".join(
            f'![{alt}]({prefix}figures/{stem}{suffix}.svg#only-{theme})'
            f'{{ width="{SIZE_SLOT.format(stem + suffix, "w")}" height="{SIZE_SLOT.format(stem + suffix, "h")}" loading="lazy" }}'
            for theme, suffix in THEME_SUFFIX.items()
        )

    if DERIVATION.search(markdown):  # first, so that the page's notebook shows the maths too
        derivations = load_script("derivations", DERIVATIONS)
        markdown = DERIVATION.sub(lambda m: derivations.to_markdown(m["name"]), markdown)
    if COMPARISON_TABLE in markdown or MULTICLASS_TABLE in markdown:
        from logloss_ref.conventions import comparison_markdown, multiclass_comparison_rows

        markdown = markdown.replace(COMPARISON_TABLE, comparison_markdown())
        markdown = markdown.replace(MULTICLASS_TABLE, comparison_markdown(multiclass_comparison_rows()))
    if page_downloads.PYCON_BLOCK.search(markdown):
        markdown = add_downloads(markdown, page, config, files)
    if INTERACTIVE.search(markdown):
        markdown = INTERACTIVE.sub(lambda m: interactive_figure(m["name"], page), markdown)
    return FIGURE_REF.sub(light_and_dark, markdown)


def interactive_figure(name: str, page) -> str:
    """The container of an interactive figure, with a slot for its data (filled by on_post_page).

    The data is computed by the library in the figure-drawing process (scripts/draw_figures.py
    and scripts/interactive_data.py). The container stays hidden until its script
    (docs/assets/interactive/NAME.js) builds it, so without JavaScript the static figure above
    it is all there is.
    """
    return (f'<div class="interactive" data-figure="{name}" hidden>'
            f'<script type="application/json" class="interactive-data">{DATA_SLOT.format(name)}</script></div>')


def on_env(env, config, files):
    # Every page is converted: the figures are needed now (static files are copied next).
    if "drawing" in _drawn:
        _drawn["svgs"], _drawn["functions"], _drawn["interactive"] = _drawn.pop("drawing").result()
    drawn = _drawn["svgs"]
    for stem, src_uri in _figures_used.items():
        if f"{stem}.svg" not in drawn:
            raise PluginError(f"{src_uri}: no figure named {stem!r} in logloss_ref.plots.FIGURES")
    _figure_sizes.clear()
    for name, svg in drawn.items():
        size = SVG_SIZE.search(svg)
        # pt -> CSS px, so the <img> reserves its space before the file arrives
        _figure_sizes[name.removesuffix(".svg")] = {"w": round(float(size["w"]) * 4 / 3), "h": round(float(size["h"]) * 4 / 3)}
        placeholder = files.get_file_from_path(f"figures/{name}")
        if placeholder is None:
            files.append(File.generated(config, f"figures/{name}", content=svg))
        else:
            placeholder.content_bytes = svg
    write_downloads(_drawn["functions"], drawn)
    return env


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
    output = output.replace(unnamed, f'{unnamed} aria-label="Search this site"', 1)
    output = SIZE_SLOT_RE.sub(lambda m: str(_figure_sizes[m["name"]][m["dim"]]), output)
    return DATA_SLOT_RE.sub(lambda m: interactive_json(m["name"], page), output)


def interactive_json(name: str, page) -> str:
    data = _drawn["interactive"].get(name)
    if data is None:
        raise PluginError(f"{page.file.src_uri}: no interactive figure named {name!r} in {INTERACTIVE_DATA.name}")
    return json.dumps(data, separators=(",", ":")).replace("</", "<\\/")


SERVE_POLL_SECONDS = 0.1


def on_serve(server, config, builder):
    # `mkdocs serve` polls the watched files every 0.5 s, a third of the time a page edit takes to
    # show. They are a few dozen files (docs/, the package, scripts/, mkdocs.yml), so polling them
    # every 0.1 s costs nothing. watchdog keeps the interval in `_timeout` (the observer's for
    # watches added later, each emitter's for those added already); if that ever changes, serve
    # is only slower, never wrong.
    observer = server.observer
    observer._timeout = SERVE_POLL_SECONDS
    for emitter in observer.emitters:
        emitter._timeout = SERVE_POLL_SECONDS
    return server
