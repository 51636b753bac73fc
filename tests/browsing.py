"""Driving the built site in a browser, for the browser tests: the site served as GitHub Pages hosts a
project site, a watch on what a page requests and logs, and the steps every such test takes.
The fixtures built on these (the browser's launch, the served site) are in conftest.py.
"""

from __future__ import annotations

import functools
import http.server
import io
import os
import threading
from pathlib import Path
from urllib.parse import urlparse

from site_map import BASE_PATH, ROOT

SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # the Makefile exports it
# Debian's Chromium, not a downloaded one; no background traffic, no proxy, and no host but this
# machine can be reached by name: every other name fails to resolve.
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--no-first-run", "--disable-sync",
                "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1", "--no-proxy-server"]


class ProjectPathHandler(http.server.SimpleHTTPRequestHandler):
    """GitHub Pages for a project site: files under BASE_PATH, 404.html (status 404) for the rest."""

    # Types from the mime-db list that GitHub Pages serves by, not from this machine's /etc/mime.types.
    extensions_map = http.server.SimpleHTTPRequestHandler.extensions_map | {
        ".ipynb": "application/x-ipynb+json",
        ".py": "text/x-python",
    }

    def log_message(self, *args):
        pass

    def send_header(self, keyword, value):
        if keyword.lower() == "content-type":  # what a download was served as (the browser hides it)
            self.server.content_types.append((self.path, value))
        super().send_header(keyword, value)

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(BASE_PATH):
            return ""  # nothing outside the project path
        return super().translate_path("/" + path.removeprefix(BASE_PATH))

    def send_head(self):
        served = self.translate_path(self.path)
        if served and (os.path.isfile(served) or os.path.isfile(os.path.join(served, "index.html"))):
            return super().send_head()
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def serve(directory: Path):
    """Serve a built site under BASE_PATH on a free port; returns (server, the site's URL)."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(ProjectPathHandler, directory=str(directory)))
    server.content_types = []  # (path, Content-Type) of every response, in order
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"


class PageWatch:
    """Console errors, failed requests and requests to other hosts, recorded while a page is open."""

    active: list[PageWatch] = []  # the watches not stopped yet, for `stop_all`

    def __init__(self, page, site_url: str):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        self.failed: list[str] = []
        self.loaded: list[str] = []
        self.page = page
        local = urlparse(site_url).netloc
        # Requests to other hosts are only recorded here: the browser cannot resolve any host but
        # 127.0.0.1 (BROWSER_ARGS), so none leaves the machine. Routing them through Playwright
        # instead would turn the browser's cache off for the page.
        self.handlers = {
            "console": lambda msg: msg.type == "error" and self.errors.append(msg.text),
            "pageerror": lambda exc: self.errors.append(str(exc)),
            "request": lambda request: urlparse(request.url).scheme in ("http", "https")
            and urlparse(request.url).netloc != local and self.foreign.append(request.url),
            "requestfailed": lambda request: self.failed.append(request.url),
            "response": lambda response: (self.failed if response.status >= 400 else self.loaded).append(response.url),
        }
        for event, handler in self.handlers.items():
            page.on(event, handler)
        PageWatch.active.append(self)

    def stop(self):
        """Stop watching (the page lives on, for the next test)."""
        for event, handler in self.handlers.items():
            self.page.remove_listener(event, handler)
        PageWatch.active.remove(self)

    @classmethod
    def stop_all(cls, page):
        """Stop every watch still on ``page``."""
        for watch in [watch for watch in cls.active if watch.page is page]:
            watch.stop()

    def assert_clean(self, where: str, *, expected_failures: tuple[str, ...] = ()):
        failed = [url for url in self.failed if url not in expected_failures]
        assert not failed, f"requests that failed on {where}: {failed}"
        errors = list(self.errors)
        for _ in expected_failures:  # Chromium logs each expected 404 once, without its URL
            if "status of 404" in (errors or [""])[0]:
                errors.pop(0)
        assert not errors, f"console errors on {where}: {errors}"
        assert not self.foreign, f"requests to other hosts from {where}: {self.foreign}"


def page_url(site_url: str, md: str) -> str:
    stem = md.removesuffix(".md")
    return site_url if stem == "index" else f"{site_url}{stem}/"


# Each visible image scrolled into view in turn, as a reader would, so that a lazy one loads,
# and waited for there (scrolling on may leave it unloaded); up to 10 s each, after which the
# callers' checks find it broken. One round trip to the browser, not several per image.
LOAD_FULLY_JS = """async () => {
  for (const img of [...document.images].filter(i => i.offsetParent !== null)) {
    img.scrollIntoView({block: 'center'});
    if (!img.complete) {
      await Promise.race([new Promise(done => { img.onload = img.onerror = done; }),
                          new Promise(done => setTimeout(done, 10000))]);
    }
  }
  await document.fonts.ready;
  window.scrollTo(0, 0);
}"""


def load_fully(page):
    """Wait for the page, each of its visible images (lazy ones brought into view) and its fonts."""
    # Not "networkidle": it waits half a second of silence every time, most of these tests' time.
    page.wait_for_load_state("load")
    page.evaluate(LOAD_FULLY_JS)


def set_palette(page, scheme: str):
    """Click Material's palette toggle until the wanted scheme ('default' or 'slate') is on."""
    current = "document.body.getAttribute('data-md-color-scheme')"
    for _ in range(2):
        if page.evaluate(current) == scheme:
            return
        before = page.evaluate(current)
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_function(f"{current} !== {before!r}")
    assert page.evaluate(current) == scheme


# A stylesheet from another host (its rules unreadable here) counts as one without rules.
UNSTYLED_SHEETS_JS = """[...document.querySelectorAll('link[rel=stylesheet]')]
  .filter(l => { try { return !l.sheet || l.sheet.cssRules.length === 0; } catch (e) { return true; } })
  .map(l => l.href)"""


def assert_styled(page, where: str):
    """Every stylesheet arrived with rules, and Material's layout is in force (not the browser's)."""
    assert not page.evaluate(UNSTYLED_SHEETS_JS), f"stylesheets without rules on {where}"
    assert page.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky", where


CONTRAST_JS = """
(selector) => {
  const parse = (c) => { const m = c.match(/[\\d.]+/g).map(Number); return [m[0], m[1], m[2], m.length > 3 ? m[3] : 1]; };
  const lum = ([r, g, b]) => [r, g, b].map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
                                      .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const over = (top, bottom) => { const a = top[3]; return [0, 1, 2].map(i => top[i] * a + bottom[i] * (1 - a)).concat([1]); };
  const background = (el) => {
    const layers = [];
    for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor);
      if (c[3] > 0) layers.push(c);
      if (c[3] === 1) break;
    }
    return layers.reverse().reduce((below, layer) => over(layer, below), [255, 255, 255, 1]);
  };
  return [...document.querySelectorAll(selector)].filter(e => e.offsetParent !== null && e.textContent.trim()).slice(0, 20).map(e => {
    const bg = background(e);
    const fg = over(parse(getComputedStyle(e).color), bg);
    const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
    return [(hi + 0.05) / (lo + 0.05), e.textContent.trim().slice(0, 30)];
  });
}
"""
