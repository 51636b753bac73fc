"""The site as it is built and hosted, for the tests that read it: its pages, where each page's HTML
lands, its address under the project path, and a small HTML reader."""

from __future__ import annotations

import html.parser
from pathlib import Path
from urllib.parse import urlparse

from mkdocs.utils.yaml import yaml_load

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CONFIG = yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))  # MkDocs' loader: !ENV resolved
SITE_URL = CONFIG["site_url"]  # where the site is hosted, under a project path
BASE_PATH = urlparse(SITE_URL).path  # "/logloss_ref/"
PAGES = sorted(p for p in DOCS.rglob("*.md"))


class _Collector(html.parser.HTMLParser):
    """Gathers the tags, attributes and visible text of an HTML page."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.meta: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if tag == "meta" and "name" in attrs:
            self.meta[attrs["name"]] = attrs.get("content", "")


def parse(html_file: Path) -> _Collector:
    collector = _Collector()
    collector.feed(html_file.read_text(encoding="utf-8"))
    return collector


def nav_pages() -> list[str]:
    """Every page of mkdocs.yml's nav, sections flattened."""

    def walk(entries):
        for entry in entries:
            for value in entry.values():
                yield from walk(value) if isinstance(value, list) else [value]

    return list(walk(CONFIG["nav"]))


def pages_with_examples() -> list[str]:
    """The pages of the nav with ``pycon`` examples: those with a notebook and a script."""
    return [md for md in nav_pages() if "```pycon" in (DOCS / md).read_text(encoding="utf-8")]


def html_path(site: Path, md: str) -> Path:
    stem = md.removesuffix(".md")
    return site / ("index.html" if stem == "index" else f"{stem}/index.html")


def hosted_url(md: str) -> str:
    """The page's address on the hosted site."""
    stem = md.removesuffix(".md")
    return SITE_URL if stem == "index" else f"{SITE_URL}{stem}/"
