"""MkDocs hooks of the logloss_ref site (declared under ``hooks:`` in mkdocs.yml).

They insert what the pre-build step computed (scripts/prebuild.py) and render the maths; none of
them computes a number of the library.

- ``on_pre_build``: the pre-build step's outputs for the library as it is on disk now (from its
  cache, or computed in a child process); dates the build by the last commit (the sitemap's
  ``<lastmod>``), so that the same commit builds the same bytes.
- ``on_files``: the figures, from the pre-build step's folder, and KaTeX's fonts, as generated
  files (nothing is written to docs/); the site's one stylesheet: Material's, mkdocstrings', KaTeX's
  and ours in one file.
- ``on_page_markdown``: the tables, figures and interactive figures a page asks for
  (scripts/page_markup.py); a page with ``pycon`` examples also gets its notebook and script
  (scripts/page_downloads.py) and a "Run this page" line under its title.
- ``on_pre_build`` and ``on_env``: mkdocstrings' and the theme's templates are compiled once and
  kept in the build cache (Jinja's bytecode cache): under ``mkdocs serve`` every rebuild makes new
  template environments, which compiled ~80 templates again (0.3 s of each rebuild).
- ``on_post_page``: every formula rendered by KaTeX (scripts/maths.py; a bad one fails the build),
  after Material's search plugin has indexed the page: it indexes a formula by its TeX source, and
  does not parse KaTeX's markup (about a third of the tags of the site; 0.4 s of each rebuild).
  Material's search dialog gets an accessible name.
- ``on_serve``: edits are looked for every 0.1 s instead of 0.5 s.

MkDocs imports this file, and with it the modules of scripts/ it uses, once per process: under
``mkdocs serve`` an edit to them shows after a restart. The library and the pre-build step's own
code (prebuild.py, interactive_data.py, other_libraries_table.py) run in a new process each time
they change.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import re
import subprocess
from pathlib import Path
from urllib.parse import urljoin

import jinja2
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File
from watchdog.observers.polling import PollingObserver

import maths
import page_downloads
import page_markup
import prebuild

ROOT = Path(__file__).resolve().parent.parent
_SOURCE_DATE_EPOCH = os.environ.get("SOURCE_DATE_EPOCH")  # as the caller set it, if at all
SERVE_POLL_SECONDS = 0.1
# The one stylesheet: assets/stylesheets/site.HASH.css (a new name for new content, as Material's
# own), linked by overrides/main.html through config.stylesheet.
STYLESHEET_FOLDER = "assets/stylesheets"
THEME_STYLESHEET = re.compile(r"assets/stylesheets/[a-z]+\.[0-9a-f]+\.min\.css")
CSS_URL = re.compile(r"""url\(\s*(?:"(?P<double>[^"]*)"|'(?P<single>[^']*)'|(?P<bare>[^"'()\s]+))\s*\)""", re.I)
CHARSET = re.compile(r"""@charset\s+["'][^"']*["']\s*;""", re.I)


def last_commit_epoch() -> str | None:
    """The commit time of HEAD in seconds since the epoch, or None outside a git checkout."""
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else None


def on_pre_build(config):
    if not maths.KATEX_DIST.is_dir():
        raise PluginError("KaTeX is missing: run `npm ci` (the Makefile's `make serve` does).")
    # MkDocs dates every page (the sitemap's <lastmod>) by the build day unless SOURCE_DATE_EPOCH is set.
    epoch = _SOURCE_DATE_EPOCH or last_commit_epoch()
    if epoch:
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    # mkdocstrings renders the API page before on_env: its templates' cache is set here.
    config.plugins["mkdocstrings"].handlers.get_handler("python").env.bytecode_cache = _template_cache()
    # The one piece of state of a build: every hook receives the config, so it travels there.
    try:
        config.prebuilt = prebuild.prebuilt()
    except prebuild.PrebuildError as error:
        raise PluginError(str(error)) from None


def on_files(files, config):
    prebuilt = config.prebuilt
    for stem in prebuilt.figures:
        for theme in prebuild.THEME_SUFFIX:
            path = prebuild.figure_path(stem, theme)
            files.append(File.generated(config, path, abs_src_path=str(prebuilt.folder / path)))
    # font-display: swap variant; only the woff2 fonts are shipped, so drop the other formats.
    katex = (maths.KATEX_DIST / "katex-swap.min.css").read_text(encoding="utf-8")
    katex = re.sub(r',url\(fonts/[\w-]+\.(?:woff|ttf)\) format\("(?:woff|truetype)"\)', "", katex)
    for font in sorted((maths.KATEX_DIST / "fonts").glob("*.woff2")):
        files.append(File.generated(config, f"assets/katex/fonts/{font.name}", abs_src_path=str(font)))
    css = one_stylesheet(files, config, katex)
    config.stylesheet = f"{STYLESHEET_FOLDER}/site.{hashlib.sha256(css.encode()).hexdigest()[:8]}.css"
    files.append(File.generated(config, config.stylesheet, content=css))
    return files


def one_stylesheet(files, config, katex: str) -> str:
    """Material's two stylesheets, then those of extra_css in order, as one (overrides/main.html links it).

    Empties extra_css, so that Material's template links none of them. On a phone's connection as
    Lighthouse simulates it, five stylesheets kept the first paint ~0.3 s later than one.
    """
    theme = sorted(file.src_uri for file in files if THEME_STYLESHEET.fullmatch(file.src_uri))
    if [posixpath.basename(path).split(".")[0] for path in theme] != ["main", "palette"]:
        raise PluginError(f"Material's stylesheets changed ({theme}): update one_stylesheet in scripts/mkdocs_hooks.py")
    mkdocstrings = config.plugins["mkdocstrings"]
    generated = {"assets/katex/katex.min.css": katex,
                 mkdocstrings.css_filename: mkdocstrings.handlers.get_handler("python").extra_css}
    parts = []
    for path in [*theme, *config.extra_css]:
        if path in generated:
            text = generated[path]
        elif (file := files.get_file_from_path(path)) is not None:
            text = Path(file.abs_src_path).read_text(encoding="utf-8")
        else:
            raise PluginError(f"extra_css: {path} is no file of the site")
        if re.search(r"@import\b", text, re.I):
            raise PluginError(f"{path} imports another stylesheet: one_stylesheet cannot combine it")
        parts.append(f"/* {path} */\n" + rebased(CHARSET.sub("", text), posixpath.dirname(path)))
    config.extra_css.clear()
    return '@charset "UTF-8";\n' + "\n".join(parts)


def rebased(css: str, folder: str) -> str:
    """``css`` from the site's ``folder``, its relative url()s rewritten for STYLESHEET_FOLDER."""
    def rebase(match: re.Match) -> str:
        quote = '"' if match["double"] is not None else "'" if match["single"] is not None else ""
        target = match["double"] if quote == '"' else match["single"] if quote else match["bare"]
        if re.match(r"[a-z][a-z0-9+.-]*:|/|#", target, re.I):  # data:, another host, root-relative or a fragment
            return match[0]
        return f"url({quote}{posixpath.relpath(posixpath.join(folder, target), STYLESHEET_FOLDER)}{quote})"

    return CSS_URL.sub(rebase, css)


def on_page_markdown(markdown, page, config, files):
    prebuilt = config.prebuilt
    try:
        # tables and derivations first: the page's notebook shows them too
        markdown = page_markup.with_derivations(page_markup.with_tables(markdown, prebuilt), prebuilt)
        root = "../" * page.url.count("/")  # from the page's folder up to the site's root
        shown = page_markup.with_figures(page_markup.with_interactive_figures(markdown, prebuilt, root=root), prebuilt)
        if page_downloads.PYCON_BLOCK.search(markdown):
            shown = add_downloads(markdown, shown, page, config, files)
    except ValueError as error:  # page_markup.MarkupError, or a page page_downloads cannot read
        raise PluginError(f"{page.file.src_uri}: {error}") from None
    return shown


def add_downloads(markdown: str, shown: str, page, config, files) -> str:
    """Add the page's notebook and script to the site, and link to them from ``shown``, the page as shown."""
    def absolute(target: str) -> str:
        path, hash_mark, anchor = target.partition("#")
        if not path:
            return page.canonical_url + hash_mark + anchor
        linked = files.get_file_from_path(posixpath.normpath(posixpath.join(posixpath.dirname(page.file.src_uri), path)))
        if linked is None:
            raise ValueError(f"the link {target!r} leads to no file of the site")
        return urljoin(config.site_url, linked.url) + hash_mark + anchor

    prebuilt = config.prebuilt
    parts = page_downloads.page_parts(markdown, link=absolute)
    common = {"title": page_downloads.page_title(markdown), "url": page.canonical_url, "version": prebuilt.version,
              "functions": {stem: figure.function for stem, figure in prebuilt.figures.items()}}
    paths = {suffix: page_downloads.download_path(page.file.src_uri, suffix) for suffix in ("ipynb", "py")}
    svgs = {stem: prebuilt.svg(stem) for stem in page_markup.figures_shown(markdown)}
    contents = {"ipynb": page_downloads.notebook(parts, svgs=svgs, **common),
                "py": page_downloads.script(parts, filename=posixpath.basename(paths["py"]), **common)}
    for suffix, path in paths.items():
        files.append(File.generated(config, path, content=contents[suffix]))
    return page_markup.with_download_links(shown, page.file.src_uri, paths)


def on_env(env, config, files):
    env.bytecode_cache = _template_cache()
    return env


def _template_cache() -> jinja2.BytecodeCache:
    folder = prebuild.cache_root() / "jinja"
    folder.mkdir(parents=True, exist_ok=True)
    return jinja2.FileSystemBytecodeCache(str(folder))


def on_post_page(output, page, config):
    try:
        output = maths.render(output, cache=prebuild.cache_root())
    except maths.MathsError as error:
        raise PluginError(f"{page.file.src_uri}: {error}") from None
    # Material's search overlay is role="dialog" without a name; screen readers need one.
    unnamed = 'data-md-component="search" role="dialog"'
    if unnamed not in output:
        raise PluginError("Material's search dialog markup changed: update on_post_page in scripts/mkdocs_hooks.py")
    return output.replace(unnamed, f'{unnamed} aria-label="Search this site"', 1)


def on_serve(server, config, builder):
    # `mkdocs serve` looks for edits every 0.5 s, a third of the time a page edit takes to show.
    # Its observer is a plain attribute of the server: swap in one that polls the few dozen watched
    # files every 0.1 s, and move the watches serve has set so far (docs/, mkdocs.yml, the theme's
    # folders with --watch-theme) onto it; mkdocs.yml's `watch:` entries are set after this hook.
    moved = []
    for path in (config.docs_dir, config.config_file_path, *config.theme.dirs):
        try:
            server.unwatch(path)
        except KeyError:  # not watched
            continue
        moved.append(path)
    server.observer = PollingObserver(timeout=SERVE_POLL_SECONDS)
    for path in moved:
        server.watch(path)
    return server
