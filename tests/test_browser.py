"""The built site as a reader's browser sees it: Debian's Chromium driven by Playwright.

The site is served from 127.0.0.1 on a free port under its project path (/logloss_ref/), the way
GitHub Pages hosts it: a missing path gets 404.html with status 404 (tests/browsing.py). Every
request to any other host is recorded (Chromium can resolve no other host, so none is sent), and
every failed request is an error. A screenshot of each page's first screen (light palette; the
palette test shows the dark one) goes to test-artifacts/screenshots/.
"""

from __future__ import annotations

import io
import re
import shutil
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest
from browsing import CONTRAST_JS, SCREENSHOTS, UNSTYLED_SHEETS_JS, PageWatch, assert_styled, load_fully, page_url, serve, set_palette
from PIL import Image
from site_map import BASE_PATH, nav_pages

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("md", nav_pages())
def test_page_loads_cleanly_offline(page, site_url, md):
    watch = PageWatch(page, site_url)
    response = page.goto(page_url(site_url, md))
    assert response.status == 200
    load_fully(page)
    assert_styled(page, md)
    broken = page.evaluate(
        "[...document.images].filter(i => i.offsetParent !== null && i.naturalWidth === 0).map(i => i.src)"
    )
    assert not broken, f"images that did not load: {broken}"
    # The fonts a page preloads are the ones its formulas use (an unused preload wastes the bytes).
    preloaded = page.locator("link[rel=preload][as=font]").evaluate_all("links => links.map(l => l.href)")
    used = page.evaluate("async () => { await document.fonts.ready; return [...document.fonts]"
                         ".filter(f => f.status === 'loaded').map(f => [f.family, f.style, f.weight]); }")
    faces = {"Regular": ["normal", "400"], "Italic": ["italic", "400"], "Bold": ["normal", "700"], "BoldItalic": ["italic", "700"]}
    for href in preloaded:
        family, face = href.rsplit("/", 1)[1].removesuffix(".woff2").split("-")  # KaTeX_Main-Regular.woff2
        assert [family, *faces[face]] in used, f"{md} preloads {href}, which it does not use ({used})"
    visible_text = page.evaluate("document.querySelector('article').innerText")
    for raw in ("\\frac", "\\(", "\\)", "\\[", "$$"):
        assert raw not in visible_text, f"raw TeX {raw!r} visible on {md}"
    # Material's search worker fetched the index from under the project path.
    index = f"{site_url}search/search_index.json"
    for _ in range(100):
        if index in watch.loaded or index in watch.failed:
            break
        page.wait_for_timeout(100)
    assert index in watch.loaded, f"no search index on {md}"
    # The dark palette's figures, hidden until it is chosen, are there under the project path
    # (test_palette_toggle_... shows them on screen).
    for src in page.locator("img[src*='#only-dark']").evaluate_all("images => images.map(i => i.src)"):
        fetched = page.request.get(src)
        assert fetched.status == 200 and fetched.headers["content-type"] == "image/svg+xml", (md, src)
    # The first screen in the light palette: a whole page (the API page is ~30,000 px tall) took
    # most of this test's time, for pictures nobody reads. JPEG: faster to encode than PNG.
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{md.removesuffix('.md')}-default.jpeg", type="jpeg", quality=85)
    watch.assert_clean(md)


def test_a_missing_page_two_levels_deep_gets_the_styled_404_page(page, site_url):
    watch = PageWatch(page, site_url)
    missing = f"{site_url}no/such-page/"
    response = page.goto(missing)
    assert response.status == 404
    load_fully(page)
    assert_styled(page, "404.html")
    assert "404" in page.locator("article").inner_text()
    # Its links lead back into the site: the home page and every page of the navigation.
    hrefs = page.locator("nav.md-nav--primary a.md-nav__link[href]").evaluate_all("links => links.map(a => a.href)")
    home = page.locator("a.md-header__button.md-logo").get_attribute("href")
    assert {hosted_page for hosted_page in hrefs if not hosted_page.endswith("#")} >= {page_url(site_url, md) for md in nav_pages()}
    for href in {page.evaluate("h => new URL(h, location.href).href", home), *hrefs}:
        assert page.request.get(href).status == 200, href
    watch.assert_clean("the 404 page", expected_failures=(missing,))
    shot = SCREENSHOTS / "404-default.png"
    shot.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=shot)


def test_an_absolute_asset_link_fails_under_the_project_path(page, built_site, tmp_path):
    # The planted defect these tests exist for: a link that works at / but not under /logloss_ref/.
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    index = site / "index.html"
    planted, count = re.subn(r'href="assets/stylesheets/site', 'href="/assets/stylesheets/site', index.read_text(encoding="utf-8"))
    assert count == 1, "the site's stylesheet link is not where this test plants its defect"
    # and a stylesheet from another host, as a theme's web fonts would be
    planted = planted.replace("</head>", '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto"></head>')
    index.write_text(planted, encoding="utf-8")
    server, url = serve(site)
    try:
        watch = PageWatch(page, url)
        page.goto(url)
        page.wait_for_load_state("networkidle")
        # The root-relative stylesheet, outside the project path, fails and leaves its sheet empty
        # (the planted foreign stylesheet would fail both checks too, so each defect is named).
        root_relative = f"{urlparse(url).scheme}://{urlparse(url).netloc}/assets/stylesheets/site"
        with pytest.raises(AssertionError, match="requests that failed"):
            watch.assert_clean("the planted page")
        assert any(failed.startswith(root_relative) for failed in watch.failed), watch.failed
        assert watch.foreign == ["https://fonts.googleapis.com/css?family=Roboto"]  # recorded, and never sent
        with pytest.raises(AssertionError, match="stylesheets without rules"):
            assert_styled(page, "the planted page")
        assert any(href.startswith(root_relative) for href in page.evaluate(UNSTYLED_SHEETS_JS))
    finally:
        server.shutdown()


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
    watch.assert_clean("the search")


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
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=SCREENSHOTS / f"palette-{scheme}.jpeg", type="jpeg", quality=85)  # the first screen
        background = page.evaluate("getComputedStyle(document.querySelector('.md-main')).backgroundColor")
        assert background, scheme
    # Text, ticks and lines must stand out (>= 4.5:1) from the page in both palettes.
    assert shares["default"] > 0.01 and shares["slate"] > 0.01, shares
    # And the light figure would *not* be readable on the dark page: the check can fail.
    page.locator("article img[src*='figures/sigmoid.svg']").evaluate("img => img.style.setProperty('display', 'inline', 'important')")
    wrong = readable_ink_share(page.locator("article img[src*='figures/sigmoid.svg']").screenshot())
    assert wrong < shares["slate"] / 2, (wrong, shares)
    watch.assert_clean("sigmoid.md")


def test_small_text_has_at_least_4_5_to_1_contrast_in_both_palettes(page, site_url):
    # The spots where Material's defaults fell short: doctest output, code comments, the footer;
    # and the collapsed answers of "Check your understanding", opened as a reader would.
    selectors = (".highlight .go", ".highlight .c1", ".highlight .ow", ".highlight .o", ".md-copyright",
                 ".md-footer__direction", "article p", ".run-this-page a", "details.question .highlight .go",
                 "details.question summary")
    matched = set()
    for md in ("why-not-mse.md", "sigmoid.md"):
        page.goto(page_url(site_url, md))
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        for scheme in ("default", "slate"):
            set_palette(page, scheme)
            # colours fade to the palette's: measure once every transition is done
            page.evaluate("Promise.all(document.getAnimations().map(a => a.finished))")
            for selector in selectors:
                measured = page.evaluate(CONTRAST_JS, selector)
                matched |= {selector} if measured else set()
                low = [(round(ratio, 2), text) for ratio, text in measured if ratio < 4.5]
                assert not low, f"{scheme}, {md}: {selector} below 4.5:1: {low}"
    assert matched == set(selectors), f"nothing matched {set(selectors) - matched}"


DOWNLOAD_TYPES = {".ipynb": {"application/x-ipynb+json", "application/json"}, ".py": {"text/x-python", "text/plain"}}


@pytest.mark.parametrize("md", ["index.md", "log-loss.md"])  # at the root of the site and one level down
def test_run_this_page_links_download_the_notebook_and_the_script(page, site_server, built_site, md):
    # Both links clicked as a reader would, by mouse and by keyboard, under the project path. Every
    # other page's two links are the same markup (tests/test_page_downloads.py reads them all).
    server, site_url = site_server
    watch = PageWatch(page, site_url)
    page.goto(page_url(site_url, md))
    links = page.locator(".run-this-page a[download]")
    assert links.all_inner_texts() == ["notebook", "script"], md
    for link, keyboard in zip(links.all(), (False, True)):
        assert link.get_attribute("aria-label").startswith("Download this page as a"), md
        with page.expect_download() as download:
            if keyboard:  # reachable by keyboard too
                link.focus()
                page.keyboard.press("Enter")
            else:
                link.click()
        url = download.value.url
        path = urlparse(url).path
        assert path.startswith(f"{BASE_PATH}downloads/") and download.value.failure() is None, url
        content_type = dict(server.content_types)[path]  # a download raises no "response" event
        assert content_type.split(";")[0] in DOWNLOAD_TYPES[Path(path).suffix], (url, content_type)
        assert download.value.suggested_filename == Path(path).name
        saved = Path(download.value.path()).read_bytes()
        assert saved == (built_site / "downloads" / download.value.suggested_filename).read_bytes(), md
    watch.assert_clean(md)
