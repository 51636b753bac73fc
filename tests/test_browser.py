"""The built site as a reader's browser sees it: Debian's Chromium driven by Playwright.

The site is served from 127.0.0.1 on a free port; every request to any other host is recorded
and aborted. A screenshot of each page in each palette goes to test-artifacts/screenshots/.
"""

from __future__ import annotations

import functools
import http.server
import io
import threading
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from PIL import Image

from test_site import nav_pages

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, not a downloaded one; no background traffic to other hosts.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"],
    }


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=built_site))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


class PageWatch:
    """Console errors and requests to other hosts, recorded while a page is open."""

    def __init__(self, page, site_url: str):
        self.errors: list[str] = []
        self.foreign: list[str] = []
        local = urlparse(site_url).netloc
        page.on("console", lambda msg: msg.type == "error" and self.errors.append(msg.text))
        page.on("pageerror", lambda exc: self.errors.append(str(exc)))

        def route(route):
            if urlparse(route.request.url).netloc == local:
                route.continue_()
            else:
                self.foreign.append(route.request.url)
                route.abort()

        page.route("**/*", route)


def page_url(site_url: str, md: str) -> str:
    stem = md.removesuffix(".md")
    return site_url if stem == "index" else f"{site_url}{stem}/"


def load_fully(page):
    """Scroll each visible image into view, as a reader would, so lazy ones load; wait for all."""
    for image in page.locator("img:visible").all():
        image.scroll_into_view_if_needed()
    page.wait_for_load_state("networkidle")
    page.evaluate("window.scrollTo(0, 0)")
    page.wait_for_function(
        "[...document.images].filter(i => i.offsetParent !== null).every(i => i.complete)", timeout=10_000
    )


def set_palette(page, scheme: str):
    """Click Material's palette toggle until the wanted scheme ('default' or 'slate') is on."""
    for _ in range(2):
        if page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme:
            return
        page.locator("form[data-md-component=palette] label:visible").first.click()
        page.wait_for_timeout(100)
    assert page.evaluate("document.body.getAttribute('data-md-color-scheme')") == scheme


@pytest.mark.parametrize("md", nav_pages())
def test_page_loads_cleanly_offline(page, site_url, md):
    watch = PageWatch(page, site_url)
    response = page.goto(page_url(site_url, md))
    assert response.status == 200
    load_fully(page)
    broken = page.evaluate(
        "[...document.images].filter(i => i.offsetParent !== null && i.naturalWidth === 0).map(i => i.src)"
    )
    assert not broken, f"images that did not load: {broken}"
    visible_text = page.evaluate("document.querySelector('article').innerText")
    for raw in ("\\frac", "\\(", "\\)", "\\[", "$$"):
        assert raw not in visible_text, f"raw TeX {raw!r} visible on {md}"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    name = md.removesuffix(".md")
    for scheme in ("default", "slate"):
        set_palette(page, scheme)
        load_fully(page)
        page.screenshot(path=SCREENSHOTS / f"{name}-{scheme}.png", full_page=True)
    assert not watch.errors, f"console errors on {md}: {watch.errors}"
    assert not watch.foreign, f"requests to other hosts from {md}: {watch.foreign}"


def test_search_works_offline(page, site_url):
    watch = PageWatch(page, site_url)
    page.goto(site_url)
    page.locator("label.md-search__icon, .md-search__input").first.click()
    box = page.locator("input.md-search__input")
    box.press_sequentially("corrected", delay=60)  # Material listens to key events
    results = page.locator(".md-search-result__item a")
    results.first.wait_for(timeout=10_000)
    hrefs = results.evaluate_all("links => links.map(a => a.href)")
    assert any("/log-loss/" in href for href in hrefs), hrefs
    assert not watch.foreign and not watch.errors


def relative_luminance(rgb: np.ndarray) -> np.ndarray:
    c = rgb / 255.0
    c = np.where(c <= 0.03928, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)
    return c @ np.array([0.2126, 0.7152, 0.0722])


def readable_ink_share(png: bytes) -> float:
    """Share of pixels with a contrast of at least 4.5:1 against the image's commonest colour."""
    pixels = np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).reshape(-1, 3).astype(float)
    colours, counts = np.unique(pixels, axis=0, return_counts=True)
    background = relative_luminance(colours[np.argmax(counts)])
    lum = relative_luminance(pixels)
    contrast = (np.maximum(lum, background) + 0.05) / (np.minimum(lum, background) + 0.05)
    return float((contrast >= 4.5).mean())


def test_palette_toggle_swaps_figures_and_both_are_readable(page, site_url):
    watch = PageWatch(page, site_url)
    page.goto(page_url(site_url, "sigmoid.md"))
    shares = {}
    for scheme, shown, hidden in (("default", "sigmoid.svg", "sigmoid-dark.svg"), ("slate", "sigmoid-dark.svg", "sigmoid.svg")):
        set_palette(page, scheme)
        load_fully(page)
        visible = page.locator(f"article img[src*='figures/{shown}']")
        assert visible.is_visible() and not page.locator(f"article img[src*='figures/{hidden}']").is_visible()
        assert visible.evaluate("img => img.naturalWidth") > 0
        shares[scheme] = readable_ink_share(visible.screenshot())
        background = page.evaluate("getComputedStyle(document.querySelector('.md-main')).backgroundColor")
        assert background, scheme
    # Text, ticks and lines must stand out (>= 4.5:1) from the page in both palettes.
    assert shares["default"] > 0.01 and shares["slate"] > 0.01, shares
    # And the light figure would *not* be readable on the dark page: the check can fail.
    page.locator("article img[src*='figures/sigmoid.svg']").evaluate("img => img.style.setProperty('display', 'inline', 'important')")
    wrong = readable_ink_share(page.locator("article img[src*='figures/sigmoid.svg']").screenshot())
    assert wrong < shares["slate"] / 2, (wrong, shares)
    assert not watch.foreign and not watch.errors


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


@pytest.mark.parametrize("scheme", ["default", "slate"])
def test_small_text_has_at_least_4_5_to_1_contrast(page, site_url, scheme):
    # The spots where Material's defaults fell short: doctest output, code comments, the footer.
    page.goto(page_url(site_url, "log-loss.md"))
    set_palette(page, scheme)
    for selector in (".highlight .go", ".highlight .c1", ".md-copyright", ".md-footer__direction", "article p"):
        measured = page.evaluate(CONTRAST_JS, selector)
        assert measured, f"nothing matched {selector}"
        low = [(round(ratio, 2), text) for ratio, text in measured if ratio < 4.5]
        assert not low, f"{scheme}: {selector} below 4.5:1: {low}"
