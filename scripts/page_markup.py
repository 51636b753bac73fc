"""How a page asks for what the pre-build step computed, and the Markdown that answers it.

- ``![alt](figures/NAME.svg)`` shows the figure of ``logloss_ref.plots.FIGURES`` named NAME: it
  becomes the light and the dark drawing, each with its width and height so that the page keeps
  their space, and the palette toggle shows one of them (``#only-light``, ``#only-dark``).
- ``<!-- interactive: NAME -->``, on the line after a figure, adds an interactive figure: a hidden
  container holding its data as JSON, which ``docs/assets/interactive/NAME.js`` builds and shows.
- ``<!-- comparison-table -->`` and ``<!-- multiclass-comparison-table -->`` are the tables of the
  "Other libraries" page.
- ``<!-- derivation: NAME -->`` is the derivation NAME of ``scripts/derivations.py``, each step
  printed from the expressions the tests prove equal.

Plain text in, text out, from the outputs of ``scripts/prebuild.py``: nothing here knows MkDocs.
"""

from __future__ import annotations

import json
import posixpath
import re

from prebuild import THEME_SUFFIX, Prebuilt, figure_path

FIGURE_REF = re.compile(r"!\[(?P<alt>[^\]]+)\]\((?P<prefix>(?:\.\./)*)figures/(?P<stem>[\w-]+)\.svg\)")
INTERACTIVE = re.compile(r"<!-- interactive: (?P<name>[\w-]+) -->")
TABLE = re.compile(r"<!-- (?P<name>[\w-]+-table) -->")
DERIVATION = re.compile(r"<!-- derivation: (?P<name>[\w-]+) -->")
TITLE = re.compile(r"^# (?P<title>.+)$", re.M)


class MarkupError(ValueError):
    """A page asks for something the pre-build step did not compute."""


def figures_shown(markdown: str) -> list[str]:
    """The figures a page shows, by name, in page order."""
    return [match["stem"] for match in FIGURE_REF.finditer(markdown)]


def _named(markdown: str, marker, outputs: dict[str, str], kind: str, source: str) -> str:
    """Each ``marker`` replaced by the output it names; an unknown name is an error naming ``source``."""
    def insert(match):
        if match["name"] not in outputs:
            raise MarkupError(f"no {kind} named {match['name']!r} in {source}")
        return outputs[match["name"]]

    return marker.sub(insert, markdown)


def with_tables(markdown: str, prebuilt: Prebuilt) -> str:
    return _named(markdown, TABLE, prebuilt.tables, "table", "scripts/other_libraries_table.py")


def with_derivations(markdown: str, prebuilt: Prebuilt) -> str:
    return _named(markdown, DERIVATION, prebuilt.derivations, "derivation", "scripts/derivations.py")


def with_figures(markdown: str, prebuilt: Prebuilt) -> str:
    def light_and_dark(match):
        stem, alt, prefix = match["stem"], match["alt"], match["prefix"]
        if stem not in prebuilt.figures:
            raise MarkupError(f"no figure named {stem!r} in logloss_ref.plots.FIGURES")
        size = prebuilt.figures[stem].size
        return "".join(
            f'![{alt}]({prefix}{figure_path(stem, theme)}#only-{theme})'
            f'{{ width="{size[theme][0]}" height="{size[theme][1]}" loading="lazy" }}'
            for theme in THEME_SUFFIX
        )

    return FIGURE_REF.sub(light_and_dark, markdown)


def with_interactive_figures(markdown: str, prebuilt: Prebuilt, *, root: str = "") -> str:
    """Each marker as the figure's container: hidden until its script builds it, so that without
    JavaScript the static figure above it is all there is.

    The page loads the figure's script, after the shared ``figure.js``, and no other page does;
    ``root`` is the way from the page up to the site's root (``"../"`` for ``why-not-mse/``).
    """
    loaded = []

    def container(match):
        name = match["name"]
        if name not in prebuilt.interactive:
            raise MarkupError(f"no interactive figure named {name!r} in scripts/interactive_data.py")
        data = json.dumps(prebuilt.interactive[name], separators=(",", ":")).replace("</", "<\\/")
        scripts = [script for script in ("figure", name) if script not in loaded]
        loaded.extend(scripts)
        tags = "".join(f'<script src="{root}assets/interactive/{script}.js" defer></script>' for script in scripts)
        return (f'<div class="interactive" data-figure="{name}" hidden>'
                f'<script type="application/json" class="interactive-data">{data}</script></div>{tags}')

    return INTERACTIVE.sub(container, markdown)


def with_download_links(markdown: str, page_path: str, downloads: dict[str, str]) -> str:
    """The "Run this page" line under the title, linking to the page's notebook and script.

    ``page_path`` is the page's path in docs/; ``downloads`` the two files' paths on the site by
    suffix (``{"ipynb": "downloads/log-loss.ipynb", "py": ...}``).
    """
    folder = posixpath.dirname(page_path) or "."
    href = {suffix: posixpath.relpath(path, folder) for suffix, path in downloads.items()}
    name = {suffix: posixpath.basename(path) for suffix, path in downloads.items()}
    links = (
        f'Run this page: [notebook]({href["ipynb"]}){{ download="{name["ipynb"]}" '
        f'aria-label="Download this page as a Jupyter notebook" }} · '
        f'[script]({href["py"]}){{ download="{name["py"]}" aria-label="Download this page as a Python script" }}\n'
        f"{{: .run-this-page }}"
    )
    title = TITLE.search(markdown)
    if title is None:
        raise MarkupError("the page has no '# ' title")
    return f"{markdown[:title.end()]}\n\n{links}\n{markdown[title.end():]}"
