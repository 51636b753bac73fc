"""Each page's notebook and script, as the build writes them (scripts/page_downloads.py).

A page with ``pycon`` examples links to two files, its notebook and its script. Here both are
taken from the built site and checked against the page's examples, which the page tests run:

- each code cell of the notebook must hold the page's next examples (so no example is lost) and
  save the output the page shows; each figure cell, the figure as SVG;
- the script's statements must be exactly the page's examples, in order, as Python's parser reads
  them (an expression whose value the page shows is printed), plus one ``savefig`` per figure of
  the page, and its ``#>`` lines exactly the outputs the page shows.

So the files hold what the page tests run. Three pages' files are also run end to end (``RUN``:
the home page, and two pages with figures and the most examples): the notebook with nbclient in
a Python kernel of this venv, which must print again what the page shows, under the rules of
the page tests (Sybil's NUMBER, ELLIPSIS and whitespace), and draw its figures inline; the
script as ``python`` would run it, without a display (``MPLBACKEND=Agg``), which must save its
figures beside itself. Running every page's files too repeated what the page tests do, for
about 20 s of the suite's two cores.

A kernel takes 1.6 s to start here, so each test worker starts one and clears its namespace
(``%reset -f``) before each notebook, as the page tests share one interpreter per worker. The
scripts run from scratch, so a page that leans on another page's names fails there; each runs in
a process forked from one that has imported NumPy, matplotlib, scikit-learn and Dask and nothing
else (tests/fresh_python.py), which spares each script those imports.

The page's examples are read with the parser the page tests use (the root conftest.py, through
tests/pycon_pages.py), not with the generator's, so the two are compared independently.
"""

from __future__ import annotations

import ast
import copy
import os
import re
from pathlib import Path

import nbformat
import page_downloads
import pytest
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from fresh_python import Zygote
from page_markup import FIGURE_REF
from pycon_pages import OPTIONFLAGS, examples_of
from site_map import DOCS, html_path, parse
from sybil.evaluators.doctest import OutputChecker

import logloss_ref
from logloss_ref import plots

PAGES_WITH_EXAMPLES = sorted(p.name for p in DOCS.glob("*.md") if "```pycon" in p.read_text(encoding="utf-8"))
INLINE_MATHS = re.compile(r"\\\(.+?\\\)", re.S)


def download(built_site: Path, md: str, suffix: str) -> Path:
    name = "home" if md == "index.md" else md.removesuffix(".md")
    return built_site / "downloads" / f"{name}.{suffix}"


def install_command(md: str) -> str:
    """What the page's notebook and script ask a reader to install: with the plots extra where it draws figures."""
    version = logloss_ref.__version__
    if FIGURE_REF.search((DOCS / md).read_text(encoding="utf-8")):
        return f"pip install 'logloss_ref[plots]=={version}'"
    return f"pip install logloss_ref=={version}"


def page_examples(md: str):
    """The page's examples (doctest.Example) as the page tests run them."""
    return examples_of(DOCS / md)


def cells_tagged(book, tag: str) -> list:
    return [cell for cell in book.cells if tag in cell.metadata.get("tags", [])]


def pair_cells_with_examples(book, examples) -> list[tuple]:
    """Each example cell with the page examples it holds, in order; fails if one is lost or changed."""
    pairs, remaining = [], list(examples)
    for cell in cells_tagged(book, "page-example"):
        held, source = [], ""
        while remaining and len(source) <= len(cell.source):
            held.append(remaining.pop(0))
            source += held[-1].source
        assert source == cell.source + "\n", f"{cell.id} holds {cell.source!r}; the page's next examples are {source!r}"
        assert not any(example.want for example in held[:-1]), f"{cell.id} hides the output of an example"
        pairs.append((cell, held[-1].want))
    assert not remaining, f"{len(remaining)} examples of the page are in no cell, from {remaining[0].source!r}"
    return pairs


def shown(outputs) -> str:
    """What a cell printed, as an interactive prompt shows it: the text written, then the value."""
    text = ""
    for output in outputs:
        if output.output_type == "stream" and output.name == "stdout":
            text += output.text
        elif output.output_type == "execute_result":
            text += output.data["text/plain"] + "\n"
    return text


def check_outputs(pairs) -> list[str]:
    """The cells whose output, run now, is not what the page shows (as the page tests compare)."""
    checker = OutputChecker()
    return [
        f"{cell.id}: the page shows {want!r}, the notebook printed {shown(cell.outputs)!r}"
        for cell, want in pairs
        if not checker.check_output(want, shown(cell.outputs), OPTIONFLAGS)
    ]


@pytest.fixture(scope="session")
def kernel():
    """A Python kernel of this venv, one per test worker."""
    manager = KernelManager(kernel_name="python3")
    manager.start_kernel()
    yield manager
    manager.shutdown_kernel(now=True)


def execute(book, kernel, folder: Path):
    """The notebook run top to bottom in a cleared namespace, in ``folder``."""
    book = copy.deepcopy(book)
    fresh = nbformat.v4.new_code_cell(f"%reset -f\n%cd {folder}")
    book.cells.insert(0, fresh)
    NotebookClient(book, km=kernel, timeout=300).execute()
    book.cells.remove(fresh)
    return book


# The pages whose notebook and script are also run (see the module's docstring). Not the scale
# page: its recipes start a Spark JVM and a Dask cluster, about 20 s each time on two cores.
RUN = {"index.md", "training.md", "more-classes.md"}


@pytest.mark.parametrize("md", PAGES_WITH_EXAMPLES)
def test_the_notebook_holds_the_page_and_prints_what_it_shows(md, built_site, tmp_path, request):
    text = download(built_site, md, "ipynb").read_text(encoding="utf-8")
    book = nbformat.reads(text, as_version=4)
    nbformat.validate(book)  # as JupyterLab will read it
    assert f"`{install_command(md)}`" in book.cells[0].source and "Generated from the page" in book.cells[0].source
    page = (DOCS / md).read_text(encoding="utf-8")
    markdown = "".join(cell.source for cell in book.cells if cell.cell_type == "markdown")
    assert "\\(" not in markdown and len(re.findall(r"(?<!\$)\$(?!\$)[^$\n]+\$", markdown)) == len(INLINE_MATHS.findall(page))
    # each derivation marker becomes one display block in the notebook, as on the page
    assert markdown.count("$$") == page.count("$$") + 2 * page.count("<!-- derivation: ")

    pairs = pair_cells_with_examples(book, page_examples(md))
    for cell, want in pairs:  # saved, so that the notebook reads well unrun
        assert shown(cell.outputs) == want, f"{cell.id} saved {shown(cell.outputs)!r}, the page shows {want!r}"
    # each figure cell draws the page's figure with its library function, and shows the build's drawing
    stems = [m["stem"] for m in FIGURE_REF.finditer(page)]
    figures = cells_tagged(book, "page-figure")
    assert [cell.source for cell in figures] == [f"{figure_statements(stem)[0]}\n{plots.FIGURES[stem].__name__}()" for stem in stems]
    assert [cell.outputs[0].data["image/svg+xml"] for cell in figures] == [
        (built_site / "figures" / f"{stem}.svg").read_text(encoding="utf-8") for stem in stems]

    if md not in RUN:
        return
    ran = execute(book, request.getfixturevalue("kernel"), tmp_path)  # started only when a notebook runs
    assert not check_outputs(pair_cells_with_examples(ran, page_examples(md)))
    for cell in cells_tagged(ran, "page-figure"):  # drawn again, and shown inline
        assert any("image/png" in output.get("data", {}) for output in cell.outputs), cell.source


@pytest.fixture(scope="session")
def fresh_python():
    """Runs each script as a new interpreter would, with the pages' third-party imports done once (tests/fresh_python.py)."""
    zygote = Zygote(["numpy", "matplotlib.figure", "matplotlib.backends.backend_agg", "sklearn.linear_model", "dask.array"],
                    env=os.environ | {"MPLBACKEND": "Agg"})  # no display
    assert "Warning" not in zygote.import_stderr, zygote.import_stderr
    yield zygote
    zygote.close()


@pytest.mark.parametrize("md", PAGES_WITH_EXAMPLES)
def test_the_script_holds_the_page_and_saves_its_figures(md, built_site, tmp_path, request):
    script = tmp_path / download(built_site, md, "py").name
    script.write_bytes(download(built_site, md, "py").read_bytes())
    first_lines = script.read_text(encoding="utf-8").splitlines()[:2]
    assert "Generated from the page" in first_lines[0] and f"`{install_command(md)}`" in first_lines[1]
    figures = [m["stem"] for m in FIGURE_REF.finditer((DOCS / md).read_text(encoding="utf-8"))]
    assert_script_is_the_examples(script.read_text(encoding="utf-8"), page_examples(md), figures)
    if md not in RUN:
        return
    done = request.getfixturevalue("fresh_python").run(script, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stderr, done.stderr
    assert sorted(path.stem for path in tmp_path.glob("*.png")) == sorted(figures)


# What the generator writes around a page's examples where the page shows a figure.
SCRIPT_HEADER = ("from pathlib import Path", "HERE = Path(__file__).resolve().parent")
FIGURE_STATEMENT = re.compile(r"from logloss_ref\.plots import \w+|\w+\(\)\.savefig\(HERE / '[\w-]+\.png'\)"
                              r"|print\('saved', HERE / '[\w-]+\.png'\)")


def figure_statements(stem: str) -> list[str]:
    """The three statements that save a figure of the page beside the script, as `ast.unparse` writes them."""
    function = plots.FIGURES[stem].__name__
    return [f"from logloss_ref.plots import {function}", f"{function}().savefig(HERE / '{stem}.png')",
            f"print('saved', HERE / '{stem}.png')"]


def assert_script_is_the_examples(script: str, examples, figures: list[str]) -> None:
    """The script's statements are the examples' (an expression whose value the page shows is
    printed), compared as Python's parser reads them, and, for each of ``figures`` (the page's
    figure stems, in order), the figure drawn by its library function and saved; its ``#>``
    lines are the outputs the page shows."""
    expected = []
    for example in examples:
        statements = ast.parse(example.source).body
        last = statements[-1]
        if example.want and isinstance(last, ast.Expr) and not (isinstance(last.value, ast.Call) and getattr(last.value.func, "id", "") == "print"):
            statements[-1] = ast.Expr(ast.Call(ast.Name("print", ast.Load()), [last.value], []))
        expected += [ast.dump(statement) for statement in statements]
    statements = ast.parse(script).body
    if figures:
        assert [ast.unparse(statement) for statement in statements[:2]] == list(SCRIPT_HEADER)
        statements = statements[2:]
    found, saving = [], []
    for statement in statements:
        source = ast.unparse(statement)
        if FIGURE_STATEMENT.fullmatch(source):
            saving.append(source)
        else:
            found.append(ast.dump(statement))
    assert found == expected, next(f"statement {i}: the script has {a}, the page {b}"
                                   for i, (a, b) in enumerate(zip(found + [None], expected + [None])) if a != b)
    assert saving == [line for stem in figures for line in figure_statements(stem)], f"the script saves figures by {saving}; the page shows {figures}"
    shown_lines = [line.removeprefix("#>").removeprefix(" ") for line in script.splitlines() if line.startswith("#>")]
    assert shown_lines == "".join(example.want for example in examples).splitlines()


def test_a_statement_missing_from_a_script_fails_the_check(built_site):
    script = download(built_site, "at-scale.md", "py").read_text(encoding="utf-8")
    examples = page_examples("at-scale.md")
    assert_script_is_the_examples(script, examples, [])
    line = "spark.sparkContext.setLogLevel(\"ERROR\")\n"
    assert script.count(line) == 1
    with pytest.raises(AssertionError, match="statement"):
        assert_script_is_the_examples(script.replace(line, ""), examples, [])
    with pytest.raises(AssertionError):
        assert_script_is_the_examples(script.replace("#> True", "#> False", 1), examples, [])


def test_a_figure_missing_from_a_script_fails_the_check(built_site):
    script = download(built_site, "sigmoid.md", "py").read_text(encoding="utf-8")
    examples = page_examples("sigmoid.md")
    assert_script_is_the_examples(script, examples, ["sigmoid"])
    # each line that draws the figure, dropped or naming another figure's function
    planted = {'fig_sigmoid().savefig(HERE / "sigmoid.png")\n': 'fig_straight_line().savefig(HERE / "sigmoid.png")\n',
               "from logloss_ref.plots import fig_sigmoid\n": "from logloss_ref.plots import fig_straight_line\n"}
    for line, wrong in planted.items():
        assert script.count(line) == 1
        for replacement in ("", wrong):
            with pytest.raises(AssertionError, match="the script saves"):
                assert_script_is_the_examples(script.replace(line, replacement), examples, ["sigmoid"])


def test_every_page_with_examples_links_to_both_files(built_site):
    with_files = {p.name for p in (built_site / "downloads").iterdir()}
    assert with_files == {download(built_site, md, s).name for md in PAGES_WITH_EXAMPLES for s in ("ipynb", "py")}
    for md in PAGES_WITH_EXAMPLES:
        page = html_path(built_site, md)
        links = [a for tag, a in parse(page).tags if tag == "a" and "download" in a]
        assert [a["download"] for a in links] == [download(built_site, md, s).name for s in ("ipynb", "py")], md
        for a in links:
            assert (page.parent / a["href"]).resolve() == download(built_site, md, a["download"].rsplit(".", 1)[1]), md
            assert a["aria-label"].startswith("Download this page as a"), md


def test_a_changed_page_output_fails_the_check(built_site):
    # The planted mismatch: the page now shows another number than the notebook prints (here its
    # saved outputs stand for a run; they are what the library printed when the page was right).
    book = nbformat.reads(download(built_site, "index.md", "ipynb").read_text(encoding="utf-8"), as_version=4)
    examples = page_examples("index.md")
    assert not check_outputs(pair_cells_with_examples(book, examples))
    changed = next(example for example in examples if example.want)
    changed.want = changed.want.replace("0.08361", "0.08461")
    assert check_outputs(pair_cells_with_examples(book, examples))


@pytest.mark.parametrize(("which", "message"), [(1, "the page's next examples"), (-1, "are in no cell")])
def test_a_cell_dropped_by_the_generator_fails_the_check(built_site, which, message):
    book = nbformat.reads(download(built_site, "loss-curves.md", "ipynb").read_text(encoding="utf-8"), as_version=4)
    examples = page_examples("loss-curves.md")
    pair_cells_with_examples(book, examples)
    book.cells.remove(cells_tagged(book, "page-example")[which])
    with pytest.raises(AssertionError, match=message):
        pair_cells_with_examples(book, examples)


def test_the_same_page_gives_the_same_bytes(built_site):
    markdown = (DOCS / "loss-curves.md").read_text(encoding="utf-8")
    svgs = {"loss-curves": (built_site / "figures" / "loss-curves.svg").read_bytes()}

    def generate():
        parts = page_downloads.page_parts(markdown, link=lambda target: f"https://example.org/{target}")
        common = {"title": "t", "url": "https://example.org/", "version": "0", "functions": {"loss-curves": "fig_loss_curves"}}
        return page_downloads.notebook(parts, svgs=svgs, **common), page_downloads.script(parts, filename="x.py", **common)

    assert generate() == generate()
