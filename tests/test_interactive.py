"""The interactive figures in a browser: driven by keyboard, mouse and touch, checked against the library.

Each figure's script only looks up data the build computed with logloss_ref; these tests set
its controls (the extremes included), read what the page displays, and compare it with the
library called here, to the digits shown. Planted defects (the script 1% off, the data stale)
must fail the same check.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil

import numpy as np
import pytest

from browsing import CONTRAST_JS, SCREENSHOTS, PageWatch, page_url, serve, set_palette
from interactive_data import probability_grid

from logloss_ref import log_loss, log_loss_logits_gradient, logit

pytestmark = pytest.mark.browser

GRID = probability_grid()
FIGURE = ".interactive[data-figure='loss-curves']"


@contextlib.contextmanager
def planted(built_site, tmp_path, page, md: str, figure: str, edit):
    """The page of a copy of the built site, served, after ``edit(site)`` planted a defect in it."""
    site = tmp_path / "site"
    shutil.copytree(built_site, site)
    edit(site)
    server, url = serve(site)
    try:
        page.goto(page_url(url, md))
        page.locator(figure).wait_for(state="visible")
        yield page
    finally:
        server.shutdown()


def replace_in(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, f"{old!r} is not in {path.name}: update the planted defect"
    path.write_text(text.replace(old, new))


def shown_number(text: str) -> tuple[float, float]:
    """A displayed number and half a unit of its last digit (what the display can promise)."""
    text = text.strip().replace("−", "-")
    value = float(text)
    mantissa, _, exponent = text.lower().partition("e")
    decimals = len(mantissa.split(".")[1]) if "." in mantissa else 0
    return value, 0.5 * 10.0 ** (-decimals + (int(exponent) if exponent else 0)) * (1 + 1e-9)


def expected_p_text(p: float) -> str:
    if p < 1e-3:
        return f"{p:.0e}".replace("e-0", "e-")
    if p > 1 - 1e-3:
        return f"1 − {1 - p:.0e}".replace("e-0", "e-")
    return f"{p:.2f}"


# What a figure displays, read in one round trip to the browser; SWEEP_JS moves a slider through
# positions and reads the display at each, as set_slider and a read would one by one.
SHOWN_LOSS_CURVES_JS = """(figure) => ({
  index: figure.querySelector('input').value,
  p: figure.querySelector('.interactive-p').innerText,
  rows: Object.fromEntries([...figure.querySelectorAll('tr[data-label]')].map(tr => [tr.dataset.label,
    {loss: tr.querySelector('.loss').innerText, gradient: tr.querySelector('.gradient').innerText}])),
})"""
SWEEP_JS = """(figure, [read, selector, indices]) => indices.map(i => {
  const slider = figure.querySelector(selector);
  slider.value = i;
  slider.dispatchEvent(new Event('input'));
  return eval(read)(figure);
})"""


def check_loss_curves(page, index: int) -> None:
    """The figure shows grid point ``index``, and every number equals the library's at that p."""
    check_loss_curves_shown(page.locator(FIGURE).evaluate(SHOWN_LOSS_CURVES_JS), index)


def check_loss_curves_shown(shown: dict, index: int) -> None:
    p = float(GRID[index])
    assert shown["index"] == str(index)
    assert shown["p"] == expected_p_text(p)
    for label in (1, 0):
        loss, tolerance = shown_number(shown["rows"][str(label)]["loss"])
        assert abs(loss - log_loss([label], [p])) <= tolerance, (p, label, loss)
        gradient, tolerance = shown_number(shown["rows"][str(label)]["gradient"])
        assert abs(gradient - float(log_loss_logits_gradient([label], [logit(p)])[0])) <= tolerance, (p, label, gradient)


def set_slider(page, selector: str, index: int) -> None:
    """Move a slider to a position, as a drag would (the value, then an input event)."""
    page.locator(selector).evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", index)


def sweep(page, figure: str, read_js: str, indices: list[int]) -> list[dict]:
    """What the figure displays at each of ``indices`` of its slider, moved there in turn."""
    return page.locator(figure).evaluate(SWEEP_JS, [read_js, "input", indices])


def set_index(page, index: int) -> None:
    set_slider(page, f"{FIGURE} input", index)


def opened(page, site_url, md: str, figure: str):
    """The page with its interactive figure built; afterwards, nothing failed or left the host."""
    watch = PageWatch(page, site_url)
    page.goto(page_url(site_url, md))
    page.locator(figure).wait_for(state="visible")
    yield page
    watch.assert_clean(md)


@pytest.fixture
def loss_curves(page, site_url):
    yield from opened(page, site_url, "loss-curves.md", FIGURE)


def test_it_starts_where_the_static_page_does_and_matches_the_library_everywhere(loss_curves):
    page = loss_curves
    start = int(list(GRID).index(0.5))
    check_loss_curves(page, start)  # the page's prose: the curves cross at p = 0.5, at ln 2
    assert not page.locator(".interactive-replaced img:visible").count()  # the static figure gives way
    positions = list(range(len(GRID)))  # every position, the extremes 1e-12 and 1 - 1e-12 included
    for index, shown in zip(positions, sweep(page, FIGURE, SHOWN_LOSS_CURVES_JS, positions), strict=True):
        check_loss_curves_shown(shown, index)


def test_keyboard(loss_curves):
    page = loss_curves
    slider = page.locator(f"{FIGURE} input")
    slider.focus()
    page.keyboard.press("Home")
    check_loss_curves(page, 0)
    assert slider.get_attribute("aria-valuetext") == "p(jacket) = 1e-12"
    page.keyboard.press("ArrowRight")
    check_loss_curves(page, 1)
    page.keyboard.press("End")
    check_loss_curves(page, len(GRID) - 1)
    page.keyboard.press("Tab")  # on to the reset button, which brings back the start
    page.keyboard.press("Enter")
    check_loss_curves(page, int(list(GRID).index(0.5)))


def test_mouse_drag_on_the_curves(loss_curves):
    page = loss_curves
    page.locator(f"{FIGURE} svg").scroll_into_view_if_needed()
    box = page.locator(f"{FIGURE} svg").bounding_box()
    scale = box["width"] / 640
    at = lambda p: box["x"] + (52 + p * (640 - 52 - 16)) * scale  # noqa: E731  (the figure's own axis)
    page.mouse.move(at(0.5), box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(at(0.2), box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    check_loss_curves(page, int(list(GRID).index(0.2)))


def test_touch_at_phone_width(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(page_url(site_url, "loss-curves.md"))
    page.locator(FIGURE).wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows the page
    box = page.locator(f"{FIGURE} svg").bounding_box()
    scale = box["width"] / 640
    page.touchscreen.tap(box["x"] + (52 + 0.8 * (640 - 52 - 16)) * scale, box["y"] + box["height"] / 2)
    check_loss_curves(page, int(list(GRID).index(0.8)))
    slider = page.locator(f"{FIGURE} input").bounding_box()
    assert slider["height"] >= 44 and slider["width"] >= 300  # large enough for a finger
    page.locator(FIGURE).screenshot(path=str(SCREENSHOTS / "interactive-loss-curves-phone.png"))
    context.close()


def test_without_javascript_the_static_figure_stays(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(page_url(site_url, "loss-curves.md"))
    assert page.locator(FIGURE).is_hidden()
    assert page.locator("article img[src*='figures/loss-curves']:visible").count() == 1
    context.close()


def test_both_palettes_colour_it_and_its_text_has_at_least_4_5_to_1_contrast(loss_curves):
    page = loss_curves
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for scheme, curve in (("default", "rgb(21, 89, 176)"), ("slate", "rgb(127, 184, 245)")):  # the palette's own
        set_palette(page, scheme)
        assert page.locator(f"{FIGURE} .curve-1").evaluate("el => getComputedStyle(el).stroke") == curve, scheme
        for selector in (f"{FIGURE} label", f"{FIGURE} td", f"{FIGURE} .interactive-reset"):
            measured = page.evaluate(CONTRAST_JS, selector)
            assert measured, selector
            low = [(round(ratio, 2), text) for ratio, text in measured if ratio < 4.5]
            assert not low, f"{scheme}: {selector} below 4.5:1: {low}"
        page.locator(FIGURE).screenshot(path=str(SCREENSHOTS / f"interactive-loss-curves-{scheme}.png"))


@pytest.mark.parametrize("defect", ["script", "data"])
def test_a_planted_error_fails_the_check(page, built_site, tmp_path, defect):
    def edit(site):
        if defect == "script":  # the JavaScript off by 1% in what it shows
            replace_in(site / "assets" / "interactive" / "loss-curves.js", "fmt(data.loss[label][i])", "fmt(data.loss[label][i] * 1.01)")
            return
        # the data stale: computed by a library whose log loss was 1% higher
        html = site / "loss-curves" / "index.html"
        data = re.search(r'class="interactive-data">(.*?)</script>', html.read_text(), re.S)[1]
        stale = json.loads(data)
        stale["loss"]["1"] = [v * 1.01 for v in stale["loss"]["1"]]
        replace_in(html, data, json.dumps(stale))

    index = int(list(GRID).index(0.4))
    with planted(built_site, tmp_path, page, "loss-curves.md", FIGURE, edit):
        set_index(page, index)
        with pytest.raises(AssertionError):
            check_loss_curves(page, index)


# --- MSE against log loss (why-not-mse.md) --------------------------------------------------------

MSE_FIGURE = ".interactive[data-figure='mse-against-log-loss']"


@pytest.fixture(scope="module")
def landscape():
    from logloss_ref.data import landscape_slice

    slopes, b, x, y = landscape_slice()
    return slopes[::5], b, x, y


SHOWN_MSE_JS = """(figure) => ({
  index: figure.querySelector('input').value,
  w: figure.querySelector('.interactive-w').innerText,
  rows: Object.fromEntries([...figure.querySelectorAll('tr[data-cost]')].map(tr => [tr.dataset.cost,
    {cost: tr.querySelector('.cost').innerText, gradient: tr.querySelector('.gradient').innerText}])),
  curve: figure.querySelector('polyline.curve-1').getAttribute('points'),
})"""


def check_mse_figure(page, index: int, landscape, curve: bool = True) -> None:
    check_mse_shown(page.locator(MSE_FIGURE).evaluate(SHOWN_MSE_JS), index, landscape, curve)


def check_mse_shown(shown: dict, index: int, landscape, curve: bool = True) -> None:
    from logloss_ref import cost_curve, log_loss_gradient, mse_gradient, sigmoid

    slopes, b, x, y = landscape
    w = float(slopes[index])
    assert shown["index"] == str(index)
    assert shown["w"] == f"{w:.2f}"
    gradients = {"mse": mse_gradient, "log_loss": log_loss_gradient}
    for name in ("mse", "log_loss"):
        cost, tolerance = shown_number(shown["rows"][name]["cost"])
        assert abs(cost - float(cost_curve(x, y, [w], b=b, cost=name)[0])) <= tolerance, (w, name, cost)
        size, tolerance = shown_number(shown["rows"][name]["gradient"])
        assert abs(size - abs(float(gradients[name](x[:, None], y, [w], b)[0][0]))) <= tolerance, (w, name, size)
    if curve:  # the one formula written in JavaScript: the drawn sigmoid, against the library's
        xy = [tuple(map(float, point.split(","))) for point in shown["curve"].split()]
        drawn_x = [(px - 52) / (624 - 52) * 12 for px, _ in xy]
        drawn_p = [(200 - py) / (200 - 14) * 1.2 - 0.1 for _, py in xy]
        expected = sigmoid(w * np.array(drawn_x) + b)
        # Points are drawn to 0.01 px: half of that in p, plus what half of it in x moves p.
        tolerance = 0.005 * 1.2 / (200 - 14) + abs(w) * 0.25 * 0.005 * 12 / (624 - 52)
        assert np.max(np.abs(np.array(drawn_p) - expected)) <= tolerance * (1 + 1e-6), w


@pytest.fixture
def mse_figure(page, site_url):
    yield from opened(page, site_url, "why-not-mse.md", MSE_FIGURE)


def set_mse_index(page, index: int) -> None:
    set_slider(page, f"{MSE_FIGURE} input", index)


def test_mse_figure_starts_at_the_page_s_plateau_and_matches_the_library_everywhere(mse_figure, landscape):
    slopes = landscape[0]
    start = int(np.argmin(np.abs(slopes + 1.0)))
    check_mse_figure(mse_figure, start, landscape)  # slope -1: the flat MSE the page describes
    positions = list(range(len(slopes)))  # both ends of the slope range included
    for index, shown in zip(positions, sweep(mse_figure, MSE_FIGURE, SHOWN_MSE_JS, positions), strict=True):
        check_mse_shown(shown, index, landscape, curve=index % 10 == 0 or index == len(slopes) - 1)


def test_mse_figure_by_keyboard_mouse_and_touch(mse_figure, landscape, browser, site_url):
    page = mse_figure
    slider = page.locator(f"{MSE_FIGURE} input")
    slider.focus()
    page.keyboard.press("End")
    check_mse_figure(page, len(landscape[0]) - 1, landscape)
    page.keyboard.press("Home")
    check_mse_figure(page, 0, landscape)
    assert slider.get_attribute("aria-valuetext") == "w = -2.00"
    page.locator(f"{MSE_FIGURE} .interactive-values").scroll_into_view_if_needed()  # the whole chart in view
    box = page.locator(f"{MSE_FIGURE} svg").bounding_box()
    scale = box["width"] / 640
    at = lambda w: box["x"] + (52 + (w + 2) / 6 * (318 - 52)) * scale  # noqa: E731  (the MSE panel's axis)
    page.mouse.move(at(0.0), box["y"] + 320 * scale)
    page.mouse.down()
    page.mouse.move(at(1.0), box["y"] + 320 * scale, steps=4)
    page.mouse.up()
    check_mse_figure(page, int(np.argmin(np.abs(landscape[0] - 1.0))), landscape)
    phone = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True).new_page()
    phone.goto(page_url(site_url, "why-not-mse.md"))
    phone.locator(MSE_FIGURE).wait_for(state="visible")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.locator(f"{MSE_FIGURE} .interactive-values").scroll_into_view_if_needed()
    box = phone.locator(f"{MSE_FIGURE} svg").bounding_box()
    scale = box["width"] / 640
    phone.touchscreen.tap(box["x"] + (52 + (2.0 + 2) / 6 * (318 - 52)) * scale, box["y"] + 320 * scale)
    check_mse_figure(phone, int(np.argmin(np.abs(landscape[0] - 2.0))), landscape)
    phone.locator(MSE_FIGURE).screenshot(path=str(SCREENSHOTS / "interactive-mse-against-log-loss-phone.png"))
    phone.context.close()


def test_mse_figure_with_its_sigmoid_1_percent_off_fails_the_check(page, built_site, tmp_path, landscape):
    def edit(site):
        replace_in(site / "assets" / "interactive" / "mse-against-log-loss.js", "sigmoid(w * x + data.b)", "sigmoid(1.01 * w * x + data.b)")

    index = int(np.argmin(np.abs(landscape[0] - 1.0)))
    with planted(built_site, tmp_path, page, "why-not-mse.md", MSE_FIGURE, edit):
        set_mse_index(page, index)
        with pytest.raises(AssertionError):
            check_mse_figure(page, index, landscape)


# --- the worked table (log-loss.md) ---------------------------------------------------------------

TABLE_FIGURE = ".interactive[data-figure='worked-table']"


SHOWN_TABLE_JS = """(figure) => ({
  rows: [...figure.querySelectorAll('tr[data-row]')].map(tr => ({row: tr.dataset.row, index: tr.querySelector('input').value,
    p: tr.querySelector('output').innerText, corrected: tr.querySelector('.corrected').innerText,
    log: tr.querySelector('.log').innerText})),
  logLoss: figure.querySelector('.log-loss').innerText,
  meanLog: figure.querySelector('.mean-log').innerText,
})"""


def check_worked_table(page, indices: list[int]) -> None:
    from logloss_ref import case_study_table, corrected_probabilities

    y = case_study_table().y_true
    p = GRID[indices]
    shown = page.locator(TABLE_FIGURE).evaluate(SHOWN_TABLE_JS)
    corrected = corrected_probabilities(y, p)
    logs = -log_loss(y, p, reduction="none")
    assert [row["row"] for row in shown["rows"]] == [str(k) for k in range(len(indices))]
    for k, (index, row) in enumerate(zip(indices, shown["rows"], strict=True)):
        assert row["index"] == str(index)
        assert row["p"] == expected_p_text(float(p[k]))
        if "−" in row["corrected"] or "e" in row["corrected"]:
            assert row["corrected"] == expected_p_text(float(corrected[k])), (k, row["corrected"])
        else:
            value, tolerance = shown_number(row["corrected"])
            assert abs(value - corrected[k]) <= tolerance, (k, value)
        value, tolerance = shown_number(row["log"])
        assert abs(value - logs[k]) <= tolerance, (k, value)
    value, tolerance = shown_number(shown["logLoss"])
    assert abs(value - log_loss(y, p)) <= tolerance, value
    value, tolerance = shown_number(shown["meanLog"])
    assert abs(value + log_loss(y, p)) <= tolerance, value


def case_study_indices() -> list[int]:
    from logloss_ref import case_study_table

    return [int(np.flatnonzero(np.isclose(GRID, q, rtol=0, atol=1e-12))[0]) for q in case_study_table().y_prob]


@pytest.fixture
def worked_table(page, site_url):
    yield from opened(page, site_url, "log-loss.md", TABLE_FIGURE)


def set_row(page, k: int, index: int) -> None:
    set_slider(page, f"{TABLE_FIGURE} tr[data-row='{k}'] input", index)


def test_the_table_starts_at_the_case_study_and_matches_the_library(worked_table):
    page = worked_table
    indices = case_study_indices()
    check_worked_table(page, indices)  # the page's own table: log loss 0.4545
    rng = np.random.default_rng(0)
    for index in [0, len(GRID) - 1, *rng.integers(0, len(GRID), 10)]:  # the extremes, and some others
        k = int(rng.integers(0, 10))
        set_row(page, k, int(index))
        indices[k] = int(index)
        check_worked_table(page, indices)
    page.locator(f"{TABLE_FIGURE} .interactive-reset").click()
    check_worked_table(page, case_study_indices())


def test_the_table_by_keyboard_and_mouse(worked_table):
    page = worked_table
    indices = case_study_indices()
    slider = page.locator(f"{TABLE_FIGURE} tr[data-row='8'] input")  # ID9, the costly miss
    slider.focus()
    page.keyboard.press("End")
    indices[8] = len(GRID) - 1
    check_worked_table(page, indices)
    assert slider.get_attribute("aria-valuetext") == "1 − 1e-12"
    page.keyboard.press("Tab")  # on to the next customer's slider
    page.keyboard.press("Home")
    indices[9] = 0
    check_worked_table(page, indices)
    row = page.locator(f"{TABLE_FIGURE} tr[data-row='0'] input")
    row.scroll_into_view_if_needed()
    box = row.bounding_box()
    page.mouse.click(box["x"] + 2, box["y"] + box["height"] / 2)  # the slider's left end
    indices[0] = 0
    check_worked_table(page, indices)


def test_the_table_by_touch_at_phone_width(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True)
    page = context.new_page()
    page.goto(page_url(site_url, "log-loss.md"))
    page.locator(TABLE_FIGURE).wait_for(state="visible")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    row = page.locator(f"{TABLE_FIGURE} tr[data-row='5'] input")
    row.scroll_into_view_if_needed()
    box = row.bounding_box()
    assert box["height"] >= 44
    page.touchscreen.tap(box["x"] + box["width"] - 2, box["y"] + box["height"] / 2)  # its right end
    indices = case_study_indices()
    indices[5] = len(GRID) - 1
    check_worked_table(page, indices)
    page.locator(TABLE_FIGURE).screenshot(path=str(SCREENSHOTS / "interactive-worked-table-phone.png"))
    context.close()


def test_the_table_with_its_mean_1_percent_off_fails_the_check(page, built_site, tmp_path):
    def edit(site):
        replace_in(site / "assets" / "interactive" / "worked-table.js", "const mean = sum / n;", "const mean = 1.01 * sum / n;")

    with planted(built_site, tmp_path, page, "log-loss.md", TABLE_FIGURE, edit):
        with pytest.raises(AssertionError):
            check_worked_table(page, case_study_indices())


@pytest.mark.parametrize("md, figure", [("why-not-mse.md", MSE_FIGURE), ("log-loss.md", TABLE_FIGURE)])
def test_the_other_figures_in_both_palettes(page, site_url, md, figure):
    page.goto(page_url(site_url, md))
    page.locator(figure).wait_for(state="visible")
    for scheme in ("default", "slate"):
        set_palette(page, scheme)
        for selector in (f"{figure} th", f"{figure} td", f"{figure} .interactive-reset"):
            low = [(round(r, 2), t) for r, t in page.evaluate(CONTRAST_JS, selector) if r < 4.5]
            assert not low, f"{scheme}: {selector} below 4.5:1: {low}"
        name = figure.split("'")[1]
        page.locator(figure).screenshot(path=str(SCREENSHOTS / f"interactive-{name}-{scheme}.png"))
