"""Every formula of a rendered page as KaTeX's HTML + MathML, so that pages need no JavaScript for maths.

``render(html)`` replaces each ``\\( \\)`` and ``$$ $$`` formula that pymdownx.arithmatex left
in the page (``<span class="arithmatex">``, ``<div class="arithmatex">``) with KaTeX's output,
rendered under Node by ``scripts/katex_render.mjs``; a formula KaTeX rejects raises
``MathsError``. A page's formulas are rendered once: the result is cached on disk, keyed by the
formulas and KaTeX's version, so a page edit that leaves the maths alone asks Node for nothing.
One Node process renders every page of a build (and of every rebuild under ``mkdocs serve``):
starting one per page took about 2.5 s of a build from an empty cache.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import subprocess
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
KATEX_DIST = ROOT / "node_modules" / "katex" / "dist"
RENDERER = ROOT / "scripts" / "katex_render.mjs"
MATH = re.compile(r'<(?P<tag>span|div) class="arithmatex">(?P<tex>.*?)</(?P=tag)>', re.S)
KEEP = 500  # cached pages' formulas: a few kilobytes each


class MathsError(ValueError):
    pass


def render(page_html: str, *, cache: Path) -> str:
    matches = list(MATH.finditer(page_html))
    if not matches:
        return page_html
    # arithmatex keeps the delimiters: \( \) or \[ \] around the TeX, HTML-escaped.
    formulas = [{"tex": html.unescape(m["tex"]).strip()[2:-2].strip(), "display": m["tag"] == "div"} for m in matches]
    rendered = iter(_rendered(formulas, cache / "katex"))
    return MATH.sub(lambda m: next(rendered), page_html)


def _rendered(formulas: list[dict], folder: Path) -> list[str]:
    request = json.dumps(formulas)
    key = hashlib.sha256(_katex_version().encode() + RENDERER.read_bytes() + request.encode()).hexdigest()[:24]
    cached = folder / f"{key}.json"
    if cached.is_file():
        return json.loads(cached.read_text(encoding="utf-8"))
    answer = _Renderer.shared().ask(request)
    if "error" in answer:
        raise MathsError(answer["error"])
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile("w", dir=folder, suffix=".tmp", delete=False, encoding="utf-8") as scratch:
        scratch.write(json.dumps(answer["rendered"]))
    os.replace(scratch.name, cached)  # whole or not at all, also with two builds at once
    entries = sorted(folder.glob("*.json"), key=lambda p: p.stat().st_mtime)
    for old in entries[:-KEEP]:
        old.unlink(missing_ok=True)
    return answer["rendered"]


class _Renderer:
    """``scripts/katex_render.mjs`` running under Node: one request line in, one answer line out."""

    _shared: _Renderer | None = None

    def __init__(self) -> None:
        self.source = self.identity()
        # Node's own messages, if it ever fails, go to the build's log.
        self.process = subprocess.Popen(["node", str(RENDERER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8", cwd=ROOT)

    @staticmethod
    def identity() -> bytes:
        """What the running renderer's answers depend on: its script and KaTeX's version."""
        return RENDERER.read_bytes() + _katex_version().encode()

    @classmethod
    def shared(cls) -> _Renderer:
        """The running renderer; a new one if there is none, it stopped, or its script or KaTeX changed."""
        current = cls._shared
        if current is None or current.process.poll() is not None or current.source != cls.identity():
            if current is not None:
                current.process.kill()
            cls._shared = current = cls()
        return current

    def ask(self, request: str) -> dict:
        self.process.stdin.write(request.replace("\n", " ") + "\n")  # JSON escapes newlines in strings
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise MathsError("the KaTeX renderer stopped (its message, if any, is above)")
        return json.loads(line)


def _katex_version() -> str:
    return json.loads((KATEX_DIST.parent / "package.json").read_text(encoding="utf-8"))["version"]
