"""The documentation site: the strict build, its pages, figures, links and the numbers in its prose.

The examples themselves run through Sybil (see the root conftest.py); these tests check what
Sybil cannot: that every decimal a page's prose states is produced by an example on that page.
"""

from __future__ import annotations

import doctest
import hashlib
import json
import re
import subprocess
import time
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlparse

import pytest
from mkdocs.utils.yaml import yaml_load
import mkdocs_hooks
import prebuild
from page_markup import FIGURE_REF
from site_map import BASE_PATH, DOCS, PAGES, ROOT, SITE_URL, hosted_url, html_path, nav_pages, parse

from logloss_ref.conventions import (
    KERAS_BCE_URL,
    KERAS_CCE_URL,
    KERAS_SCCE_URL,
    TORCH_BCE_LOGITS_URL,
    TORCH_BCE_URL,
    TORCH_CE_URL,
)

# reference.md is generated from docstrings, whose examples run as doctests; the glossary states
# no number of its own (its symbols and definitions point to the steps that compute them).
REFERENCE_PAGES = {"reference.md", "glossary.md"}
TUTORIAL_PAGES = [p for p in PAGES if p.relative_to(DOCS).as_posix() not in REFERENCE_PAGES]

# Decimals that a page states but that are not about the example (reviewed one by one).
NOT_EXAMPLE_NUMBERS = {"index.md": {"3.11"}, "cross-entropy.md": {"2.6"}}  # a Python version, a section cited
# Links that leave the site on purpose (citations); none are assets the page loads.
EXTERNAL_LINKS_ALLOWED = {TORCH_BCE_URL, TORCH_BCE_LOGITS_URL, KERAS_BCE_URL, TORCH_CE_URL, KERAS_CCE_URL, KERAS_SCCE_URL}


def test_site_url_has_the_project_path_and_can_be_overridden(monkeypatch):
    assert SITE_URL.endswith("/logloss_ref/") and BASE_PATH == "/logloss_ref/"
    monkeypatch.setenv("SITE_URL", "https://example.github.io/logloss_ref/")
    assert yaml_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))["site_url"] == "https://example.github.io/logloss_ref/"


def test_every_page_is_in_the_nav_and_built(built_site):
    in_nav = set(nav_pages())
    assert in_nav == {p.relative_to(DOCS).as_posix() for p in PAGES}
    for md in in_nav:
        assert html_path(built_site, md).is_file(), md


def test_links_and_assets_resolve_and_stay_on_the_site(built_site):
    # Each file is placed where it will be hosted, under the project path: a link that climbs out
    # of it (an absolute "/assets/...") is caught here, and in the browser under the same path.
    problems = []
    for page in built_site.rglob("*.html"):
        where = page.relative_to(built_site).as_posix()
        for tag, attrs in parse(page).tags:
            for attr in ("href", "src"):
                target = attrs.get(attr)
                if not target or target.startswith(("#", "mailto:", "data:")):
                    continue
                url = urljoin(SITE_URL + where, target)
                if not url.startswith(SITE_URL):
                    if urlparse(url).netloc == urlparse(SITE_URL).netloc:
                        problems.append(f"{where}: <{tag} {attr}={target}> points outside {BASE_PATH}")
                    elif tag != "a" or target not in EXTERNAL_LINKS_ALLOWED:
                        problems.append(f"{where}: <{tag} {attr}={target}> leaves the site")
                    continue
                path = built_site / urlparse(url).path.removeprefix(BASE_PATH)
                if not (path.is_file() or (path / "index.html").is_file()):
                    problems.append(f"{where}: <{tag} {attr}={target}> is missing")
    assert not problems, "\n".join(problems)


def test_the_not_found_page_links_absolutely_under_the_project_path(built_site):
    # GitHub Pages serves 404.html for a missing URL at any depth, so relative links would break.
    relative = [
        f"<{tag} {attr}={attrs[attr]}>"
        for tag, attrs in parse(built_site / "404.html").tags
        for attr in ("href", "src")
        if attrs.get(attr) and not attrs[attr].startswith(("#", BASE_PATH, SITE_URL, "data:"))
    ]
    assert not relative, relative


def test_every_page_has_its_canonical_link(built_site):
    for md in nav_pages():
        canonical = [a.get("href") for tag, a in parse(html_path(built_site, md)).tags if tag == "link" and a.get("rel") == "canonical"]
        assert canonical == [hosted_url(md)], (md, canonical)


def test_sitemap_lists_every_page_dated_by_the_last_commit(built_site):
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.parse(built_site / "sitemap.xml").getroot().findall("s:url", ns)
    assert sorted(u.findtext("s:loc", namespaces=ns) for u in urls) == sorted(map(hosted_url, nav_pages()))
    # The date is the commit's, not the build day's, so the same commit builds the same bytes.
    epoch = int(subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True, check=True).stdout)
    assert {u.findtext("s:lastmod", namespaces=ns) for u in urls} == {time.strftime("%Y-%m-%d", time.gmtime(epoch))}


def test_stylesheets_load_nothing_from_elsewhere(built_site):
    for css in built_site.rglob("*.css"):
        remote = re.findall(r"url\(\s*['\"]?(?:https?:)?//[^)]*\)|@import\s+url\(['\"]?https?:", css.read_text())
        assert not remote, f"{css.name} loads {remote}"


def test_pages_have_descriptions_alt_text_and_rendered_maths(built_site):
    for md in nav_pages():
        page = html_path(built_site, md)
        parsed = parse(page)
        assert parsed.meta.get("description", "").strip(), f"{md} has no meta description"
        for tag, attrs in parsed.tags:
            if tag == "img":
                assert attrs.get("alt", "").strip(), f"{md}: image {attrs.get('src')} has no alt text"
        text = page.read_text(encoding="utf-8")
        assert 'role="dialog" aria-label="Search this site"' in text, f"{md}: search dialog has no name"
        assert 'class="arithmatex"' not in text, f"{md}: maths left unrendered"
        if md != "reference.md":
            assert "\\(" not in re.sub(r"<(pre|code|annotation)\b.*?</\1>", "", text, flags=re.S), md


def test_what_a_page_loads_before_its_first_paint(built_site):
    # A phone's first paint (Lighthouse): one stylesheet on its path, Material's script deferred.
    for html in sorted(built_site.rglob("*.html")):
        text = html.read_text(encoding="utf-8")
        sheets = re.findall(r'<link rel="stylesheet"[^>]*>', text)
        assert len(sheets) == 1 and re.search(r'assets/stylesheets/site\.[0-9a-f]{8}\.css"', sheets[0]), (html.relative_to(built_site), sheets)
        blocking = [tag for tag in re.findall(r"<script\b[^>]*\bsrc=[^>]*>", text) if not re.search(r"\b(defer|async)\b", tag)]
        assert not blocking, (html.relative_to(built_site), blocking)
    # A page with formulas preloads the two fonts every formula uses; a page without, none.
    for md in nav_pages():
        text = html_path(built_site, md).read_text(encoding="utf-8")
        fonts = re.findall(r'<link rel="preload" href="[^"]*/(KaTeX_[\w-]+)\.woff2" as="font" type="font/woff2" crossorigin>', text)
        assert fonts == (["KaTeX_Main-Regular", "KaTeX_Math-Italic"] if 'class="katex"' in text else []), (md, fonts)
    # The one stylesheet holds Material's, mkdocstrings', KaTeX's and the site's own, and every file
    # it refers to is there.
    [stylesheet] = (built_site / "assets" / "stylesheets").glob("site.*.css")
    css = stylesheet.read_text(encoding="utf-8")
    assert stylesheet.name == f"site.{hashlib.sha256(css.encode()).hexdigest()[:8]}.css"  # a new name for new content
    assert css.startswith('@charset "UTF-8";') and css.count("@charset") == 1
    for part in (".md-header", ".doc-heading", ".katex", "@font-face", (built_site / "assets" / "extra.css").read_text(encoding="utf-8")[:200]):
        assert part in css, part
    targets = re.findall(r"""url\(\s*["']?(?!data:)([^"')]+)""", css)
    assert targets and all((stylesheet.parent / target).is_file() for target in targets), targets


def test_a_docstring_or_comment_edit_keeps_the_pre_build_outputs_and_a_code_edit_does_not():
    # The pre-build step's key reads each source's code without docstrings and comments, so that a
    # docstring edit under `make serve` needs no new figures; any change to the code does.
    def key(text: str) -> bytes:
        return prebuild.code_of(text.encode())

    original = key('"""Module."""\n\ndef f(x):\n    """Twice x."""\n    return 2 * x  # doubled\n')
    assert key('"""Module, edited."""\n\n\ndef f(x):\n    """Twice x,\n    on two lines."""\n    return 2 * x  # twice\n') == original
    assert key('"""Module."""\n\ndef f(x):\n    """Twice x."""\n    return 3 * x  # doubled\n') != original
    assert key('def f(x):\n    """Twice x."""\n    return "2 * x"\n') != original  # a string that is a value
    assert key('def f(x):\n    return 2 * x\n    ') == original  # no module docstring; blank space after the code
    assert key('def f(x:\n') != original  # mid-edit: the step runs, and reports the error


def test_a_figure_is_drawn_again_when_code_it_can_reach_changes_and_only_then():
    # Each drawing is cached by plots.py's code as its figure function can depend on it.
    plots = """
def helper(x):
    return x

def fig_a():
    return helper(1)

def fig_b():
    return fig_c() + 2

def fig_c():
    return 3

def fig_d():
    return 4

ORDER = [fig_d]  # module code that names a figure function: every figure keeps it
FIGURES = {"a": fig_a, "b": fig_b, "c": fig_c, "d": fig_d}
"""
    names = {"fig_a", "fig_b", "fig_c", "fig_d"}

    def keys(source: str) -> dict[str, bytes]:
        return prebuild.figure_codes(source.encode(), names)

    before = keys(plots)

    def changed(old: str, new: str) -> set[str]:
        after = keys(plots.replace(old, new))
        return {name for name in names if after[name] != before[name]}

    assert changed("return helper(1)", "return helper(5)") == {"fig_a"}
    assert changed("return 3", "return 30") == {"fig_b", "fig_c"}  # fig_b calls fig_c
    assert changed("return 4", "return 40") == names  # named by module code
    assert changed("return x", "return -x") == names  # a helper
    assert changed("def fig_a():\n", 'def fig_a():\n    """Docstring."""\n') == set()
    # what runs on import stays in every key: another figure's decorator or default
    decorated = plots.replace("def fig_d():", "@register(colour='red')\ndef fig_d(size=4):")
    assert {prebuild.figure_codes(decorated.replace("red", "blue").encode(), names)[name]
            != prebuild.figure_codes(decorated.encode(), names)[name] for name in names} == {True}
    # a figure that reaches another without naming it keeps every body
    indirect = plots.replace("return helper(1)", 'return FIGURES["c"]()')
    assert prebuild.figure_codes(indirect.replace("return 3", "return 30").encode(), names)["fig_a"] != \
        prebuild.figure_codes(indirect.encode(), names)["fig_a"]
    # an attribute counts as naming it
    attribute = plots.replace("return helper(1)", "return plots.fig_c()")
    assert prebuild.figure_codes(attribute.replace("return 3", "return 30").encode(), names)["fig_a"] != \
        prebuild.figure_codes(attribute.encode(), names)["fig_a"]


def test_the_one_stylesheet_rebases_every_form_of_url():
    # A url() of a stylesheet in assets/katex/ as the one stylesheet in assets/stylesheets/ sees it.
    css = """a{b:url(fonts/x.woff2)} c{d:URL( "fonts/a b.woff2" )} e{f:url('img/q(1).png')}
    g{h:url(Data:image/png;base64,AAAA)} i{j:url(https://example.org/x.png)} k{l:url(/root.png)} m{n:url(#mask)}"""
    assert mkdocs_hooks.rebased(css, "assets/katex") == """a{b:url(../katex/fonts/x.woff2)} c{d:url("../katex/fonts/a b.woff2")} e{f:url('../katex/img/q(1).png')}
    g{h:url(Data:image/png;base64,AAAA)} i{j:url(https://example.org/x.png)} k{l:url(/root.png)} m{n:url(#mask)}"""


def test_search_indexes_a_formula_by_its_tex_source(built_site):
    # The hooks render the maths after Material's search plugin has read the page (a third of the
    # site's tags are KaTeX's): a reader who searches for a formula finds it by its TeX.
    docs = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))["docs"]
    sigmoid = " ".join(doc["text"] for doc in docs if doc["location"].startswith("sigmoid/"))
    assert r"\sigma(z) = \frac{1}{1 + e^{-z}}" in sigmoid
    assert not [doc["location"] for doc in docs if "katex" in doc["text"] or "\u200b" in doc["text"]]


def test_headings_start_at_h1_and_never_skip_a_level(built_site):
    for md in nav_pages():
        article = html_path(built_site, md).read_text(encoding="utf-8").split("<article", 1)[1].split("</article>", 1)[0]
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", article)]
        assert levels and levels[0] == 1 and levels.count(1) == 1, f"{md}: {levels[:5]}"
        jumps = [(a, b) for a, b in zip(levels, levels[1:]) if b > a + 1]
        assert not jumps, f"{md} skips heading levels: {jumps}"


def test_every_public_name_is_on_the_api_page():
    import logloss_ref

    text = (DOCS / "reference.md").read_text(encoding="utf-8")
    missing = [name for name in logloss_ref.__all__ if f"::: logloss_ref.{name}\n" not in text]
    assert not missing, f"add to docs/reference.md: {missing}"


def test_each_figure_is_used_and_drawn_in_both_palettes(built_site):
    from logloss_ref.plots import FIGURES  # here, so that `make test-fast` does not import matplotlib

    used = set()
    for page in PAGES:
        used |= {match["stem"] for match in FIGURE_REF.finditer(page.read_text(encoding="utf-8"))}
    assert used == set(FIGURES), f"unused: {set(FIGURES) - used}, unknown: {used - set(FIGURES)}"
    for stem in FIGURES:
        for name in (f"{stem}.svg", f"{stem}-dark.svg"):
            svg = (built_site / "figures" / name).read_bytes()
            assert svg.startswith(b"<?xml") and b"<dc:date>" not in svg, name


def test_comparison_table_is_generated_at_build(built_site):
    text = (built_site / "other-libraries" / "index.html").read_text(encoding="utf-8")
    assert "comparison-table" not in text
    assert "<table>" in text and "PyTorch BCEWithLogitsLoss" in text and "<strong>36.0437</strong>" in text
    assert "multiclass-comparison-table" not in text and "PyTorch CrossEntropyLoss" in text and "Keras CategoricalCrossentropy" in text


# --- numbers in prose -------------------------------------------------------------------

FENCE = re.compile(r"^(?P<indent>[ \t]*)```(?P<lang>[\w-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ \t]*$", re.S | re.M)
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
DECIMAL = re.compile(r"(?<![\w.])(?P<number>\d+\.\d+)(?:[eE](?P<exponent>[-+]?\d+))?(?![\w.]*\d)(?P<percent>%?)")
OUTPUT_NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")


def split_page(text: str) -> tuple[str, list[str]]:
    """(prose, outputs): the page without code, and the expected output of each example.

    An example's own code counts with its output: a number the page feeds to an executed example
    (the 0.99 of "given p = 0.99") is backed by it.
    """
    outputs = []
    for match in FENCE.finditer(text):
        if match["lang"] == "pycon":
            body = "\n".join(line.removeprefix(match["indent"]) for line in match["body"].splitlines())
            for example in doctest.DocTestParser().get_examples(body):
                outputs += [example.want, example.source]
    prose = FENCE.sub("", FRONT_MATTER.sub("", text))
    prose = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", prose)  # figures: their alt text describes the drawing
    prose = re.sub(r"\]\([^)]*\)", "]", prose)  # link targets
    return prose, outputs


def produced_by(value: float, decimals: int, outputs: list[float]) -> bool:
    """Whether some output, rounded to the ``decimals`` places the prose shows, has this magnitude.

    Magnitudes, because prose often carries the sign in words ("costs 1.8971", "a gap of 0.2").
    ``decimals`` may be negative or large for numbers written with an exponent.
    """
    half_step = 0.5 * 10.0 ** -decimals * (1 + 1e-9)
    return any(abs(abs(x) - abs(value)) <= half_step for x in outputs)


@pytest.mark.parametrize("page", TUTORIAL_PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_decimal_in_the_prose_comes_from_an_example_on_the_page(page):
    prose, outputs = split_page(page.read_text(encoding="utf-8"))
    assert outputs, f"{page.name} has no executed example with output"
    numbers = [float(n) for want in outputs for n in OUTPUT_NUMBER.findall(want)]
    allowed = NOT_EXAMPLE_NUMBERS.get(page.relative_to(DOCS).as_posix(), set())
    orphans = []
    for match in DECIMAL.finditer(prose):
        if match["number"] in allowed:
            continue
        exponent = int(match["exponent"] or 0)
        value = float(match["number"]) * 10.0**exponent
        decimals = len(match["number"].split(".")[1]) - exponent
        if match["percent"]:
            value, decimals = value / 100, decimals + 2
        if not produced_by(value, decimals, numbers):
            orphans.append(match.group(0))
    assert not orphans, f"{page.name} states {orphans}, which no example on the page prints"


def test_the_prose_check_catches_an_orphan_number():
    prose, outputs = split_page("The loss is 0.4545 here.\n\n```pycon\n>>> 1 + 1\n2\n```\n")
    numbers = [float(n) for want in outputs for n in OUTPUT_NUMBER.findall(want)]
    assert "0.4545" in prose and not produced_by(0.4545, 4, numbers)
    assert produced_by(0.45, 2, [0.4545068])


def unclosed_fences(text: str) -> list[str]:
    """Code fences opened and not closed before the next one opens (or the page ends).

    Markdown would then read the rest as code, and doctest would stop each example's expected
    output at the first blank line, so a whole section could vanish from the tests unnoticed.
    """
    problems, opened = [], None
    for number, line in enumerate(text.splitlines(), start=1):
        fence = re.match(r"\s*```(\S*)", line)
        if not fence:
            continue
        if opened is None:
            opened = number
        elif fence[1]:  # a fence with a language opens a block: the previous one never closed
            problems.append(f"line {opened}: not closed before line {number}")
            opened = number
        else:
            opened = None
    if opened is not None:
        problems.append(f"line {opened}: never closed")
    return problems


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(DOCS).as_posix())
def test_every_code_fence_is_closed(page):
    assert not unclosed_fences(page.read_text(encoding="utf-8")), page.name


def test_the_fence_check_catches_a_missing_closing_fence():
    good = "```pycon\n>>> 1\n1\n```\n\ntext\n\n```sh\nls\n```\n"
    assert not unclosed_fences(good)
    assert unclosed_fences(good.replace("1\n```\n\ntext", "1\n\ntext")) == ["line 1: not closed before line 7"]
    assert unclosed_fences(good.rsplit("```", 1)[0]) == ["line 8: never closed"]


def test_each_interactive_script_loads_on_its_own_page_only(built_site):
    pages_with_figures = set()
    for page in built_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        figures = set(re.findall(r'data-figure="([\w-]+)"', html))
        scripts = re.findall(r'<script src="[^"]*assets/interactive/([\w-]+)\.js"', html)
        expected = ["figure", *sorted(figures)] if figures else []
        assert sorted(scripts) == sorted(expected) and len(scripts) == len(set(scripts)), (page, scripts)
        if figures:
            assert scripts[0] == "figure", page  # the shared module first
            pages_with_figures.add(page.parent.name)
    assert pages_with_figures == {"loss-curves", "why-not-mse", "log-loss"}


def test_one_katex_process_renders_page_after_page_and_a_bad_formula_is_an_error(tmp_path):
    import maths

    good = '<p><span class="arithmatex">\\(\\sigma(z)\\)</span> and <div class="arithmatex">\\[\\frac{1}{2}\\]</div></p>'
    first = maths.render(good, cache=tmp_path)
    assert "katex" in first and "arithmatex" not in first and "<math" in first
    renderer = maths._Renderer.shared()
    with pytest.raises(maths.MathsError, match="KaTeX cannot render"):
        maths.render('<span class="arithmatex">\\(\\frac{1}{\\)</span>', cache=tmp_path)
    # the same process goes on to the next page, whose result is cached like the first's
    again = maths.render(good.replace("sigma", "ell"), cache=tmp_path)
    assert maths._Renderer.shared() is renderer and "ℓ" in again
    assert len(list((tmp_path / "katex").glob("*.json"))) == 2
