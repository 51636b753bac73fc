"""Each documentation page with ``pycon`` examples, as a Jupyter notebook and as a Python script.

The MkDocs hooks (scripts/mkdocs_hooks.py) split a page's Markdown into parts with
``page_parts``, then write them with ``notebook`` and ``script`` to ``download_path``; each such
page links to the two files ("Run this page"). A page is made of:

- ``Prose``: the Markdown between examples. In the notebook it is a Markdown cell, in the script
  comments. Links to other pages become links to the hosted site, and ``\\( \\)`` maths becomes
  ``$ $``, which Jupyter renders.
- ``Code``: the examples of one ``pycon`` block, grouped into cells so that each cell ends with
  the example whose output the page shows. The notebook saves that output as the cell's output,
  so it reads well before anyone runs it; the script prints it and shows the page's output in
  ``#>`` comments below.
- ``Figure``: ``![alt](figures/NAME.svg)`` becomes a call to the ``logloss_ref.plots``
  function that draws it, shown inline in the notebook and saved beside the script.

Nothing depends on the time or on chance, so the same page always gives the same bytes.
"""

from __future__ import annotations

import ast
import doctest
import re
import textwrap
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import nbformat

from page_markup import FIGURE_REF, TITLE

PYCON_BLOCK = re.compile(r"^```pycon[ \t]*\n(?P<body>.*?)^```[ \t]*\n?", re.M | re.S)
INLINE_MATHS = re.compile(r"\\\((?P<tex>.+?)\\\)", re.S)
LINK = re.compile(r"\]\((?P<target>(?![a-z][a-z0-9+.-]*:)[^)\s]+)\)")  # relative targets only
DOWNLOADS = "downloads"  # the folder of the site that holds the notebooks and scripts
# A collapsed question of "Check your understanding": its answer is indented under it.
QUESTION = re.compile(r'^\?\?\? question "(?P<question>[^"]+)"\n(?P<answer>(?:(?: {4}.*)?\n)+)', re.M)


@dataclass(frozen=True)
class Prose:
    markdown: str


@dataclass(frozen=True)
class Example:
    source: str  # without prompts, ending in a newline
    want: str  # the output the page shows, "" for none


@dataclass(frozen=True)
class Code:
    examples: tuple[Example, ...]  # only the last may show output

    @property
    def source(self) -> str:
        return "".join(example.source for example in self.examples)

    @property
    def want(self) -> str:
        return self.examples[-1].want


@dataclass(frozen=True)
class Figure:
    stem: str  # the figure's name in logloss_ref.plots.FIGURES
    alt: str


def download_path(src_uri: str, suffix: str) -> str:
    """Where a page's notebook or script lives on the site: ``downloads/loss-curves.ipynb``, ``downloads/home.py``."""
    stem = src_uri.removesuffix(".md")
    return f"{DOWNLOADS}/{'home' if stem == 'index' else stem.replace('/', '-')}.{suffix}"


def page_title(markdown: str) -> str:
    match = TITLE.search(markdown)
    if match is None:
        raise ValueError("the page has no '# ' title")
    return match["title"].strip()


def page_parts(markdown: str, *, link: Callable[[str], str]) -> list:
    """The page as a list of ``Prose``, ``Code`` and ``Figure``, in page order.

    ``link`` turns a link target of the page (``log-loss.md#anchor``) into an absolute URL.
    """
    # A notebook has no collapsed blocks: each question is followed by its answer, whose
    # examples become cells like any other.
    markdown = QUESTION.sub(lambda m: f"**Question.** {m['question']}\n\n**Answer.** "
                            + textwrap.dedent(m["answer"]).lstrip("\n"), markdown)
    parts: list = []
    position = 0
    for block in PYCON_BLOCK.finditer(markdown):
        parts += _prose_and_figures(markdown[position:block.start()], link)
        parts += _code_cells(block["body"])
        position = block.end()
    parts += _prose_and_figures(markdown[position:], link)
    return parts


def _prose_and_figures(markdown: str, link) -> list:
    parts: list = []
    position = 0
    for figure in FIGURE_REF.finditer(markdown):
        parts += _prose(markdown[position:figure.start()], link)
        parts.append(Figure(stem=figure["stem"], alt=figure["alt"]))
        position = figure.end()
    return parts + _prose(markdown[position:], link)


def _prose(markdown: str, link) -> list:
    markdown = markdown.strip("\n")
    if not markdown.strip():
        return []
    markdown = INLINE_MATHS.sub(lambda m: "$" + " ".join(m["tex"].split()) + "$", markdown)
    markdown = LINK.sub(lambda m: f"]({link(m['target'])})", markdown)
    return [Prose(markdown)]


def _code_cells(body: str) -> list[Code]:
    """One cell per run of examples up to one that shows output (doctest's own parser)."""
    cells, pending = [], []
    for example in doctest.DocTestParser().get_examples(body):
        pending.append(Example(example.source, example.want))
        if example.want:
            cells.append(Code(tuple(pending)))
            pending = []
    if pending:
        cells.append(Code(tuple(pending)))
    return cells


def _last_expression(source: str) -> ast.expr | None:
    """The expression whose value the interpreter shows, if the code ends in one (not a print)."""
    body = ast.parse(source).body
    if not body or not isinstance(body[-1], ast.Expr):
        return None
    value = body[-1].value
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "print":
        return None
    return value


def install_command(version: str, parts: list) -> str:
    """The pip command for this version; with the ``plots`` extra (matplotlib) if the page draws figures."""
    return f"pip install 'logloss_ref[plots]=={version}'" if _has_figures(parts) else f"pip install logloss_ref=={version}"


def _has_figures(parts: list) -> bool:
    return any(isinstance(part, Figure) for part in parts)


# ---------------------------------------------------------------------------------------------
# The notebook


def notebook(parts: list, *, title: str, url: str, version: str, functions: Mapping[str, str],
             svgs: Mapping[str, bytes]) -> str:
    """The page as an nbformat 4 notebook (JSON text).

    ``functions`` names the ``logloss_ref.plots`` function that draws each figure, and ``svgs``
    holds its drawing, saved as the output of the cell that calls it.
    """
    cells = [_markdown_cell(
        f"*Generated from the page [{title}]({url}) of logloss_ref {version}. "
        f"To run it, install that version:* `{install_command(version, parts)}`"
    )]
    if _has_figures(parts):
        cells.append(_code_cell("# The figures display below the cells that draw them.\n%matplotlib inline"))
    for part in parts:
        if isinstance(part, Prose):
            cells.append(_markdown_cell(part.markdown))
        elif isinstance(part, Code):
            cells.append(_code_cell(part.source.rstrip("\n"), outputs=_saved_outputs(part), tag="page-example"))
        else:
            function, svg = functions[part.stem], svgs[part.stem].decode("utf-8")
            drawn = {"output_type": "display_data", "data": {"image/svg+xml": svg, "text/plain": part.alt}, "metadata": {}}
            cells.append(_code_cell(f"from logloss_ref.plots import {function}\n{function}()", outputs=[drawn], tag="page-figure"))
    for number, cell in enumerate(cells, start=1):
        cell["id"] = f"cell-{number}"  # fixed ids: the same bytes on every build
    book = nbformat.from_dict({"cells": cells, "nbformat": 4, "nbformat_minor": 5, "metadata": {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }})
    nbformat.validate(book)  # once, as a whole: nbformat's cell constructors validate each piece, ten times slower
    return nbformat.writes(book)


def _markdown_cell(source: str) -> dict:
    return {"cell_type": "markdown", "metadata": {}, "source": source}


def _code_cell(source: str, *, outputs: list | None = None, tag: str | None = None) -> dict:
    return {"cell_type": "code", "execution_count": None, "metadata": {"tags": [tag]} if tag else {},
            "outputs": outputs or [], "source": source}


def _saved_outputs(code: Code) -> list:
    if not code.want:
        return []
    if _last_expression(code.source) is not None:
        return [{"output_type": "execute_result", "data": {"text/plain": code.want.rstrip("\n")}, "metadata": {},
                 "execution_count": None}]
    return [{"output_type": "stream", "name": "stdout", "text": code.want}]


# ---------------------------------------------------------------------------------------------
# The script


def script(parts: list, *, title: str, url: str, version: str, filename: str, functions: Mapping[str, str]) -> str:
    """The page as a Python script: prose as comments, examples as code, figures saved beside it."""
    lines = [
        f"# Generated from the page “{title}” of logloss_ref {version}: {url}",
        f"# To run it, install that version, `{install_command(version, parts)}`, then run `python {filename}`"
        + ("; it saves the figures beside itself." if _has_figures(parts) else "."),
        "",
    ]
    if _has_figures(parts):
        lines += ["from pathlib import Path", "", "HERE = Path(__file__).resolve().parent", ""]
    for part in parts:
        if isinstance(part, Prose):
            lines += [f"# {line}".rstrip() for line in part.markdown.splitlines()] + [""]
        elif isinstance(part, Code):
            for example in part.examples:
                lines += _printed(example).rstrip("\n").splitlines()
                lines += [f"#> {line}".rstrip() for line in example.want.rstrip("\n").splitlines()]
            lines.append("")
        else:
            lines += [f"# {line}" for line in textwrap.wrap(f"Figure: {part.alt}", 96)]
            function = functions[part.stem]
            lines += [
                f"from logloss_ref.plots import {function}",
                f'{function}().savefig(HERE / "{part.stem}.png")',
                f'print("saved", HERE / "{part.stem}.png")',
                "",
            ]
    return "\n".join(lines).rstrip("\n") + "\n"


def _printed(example: Example) -> str:
    """The example's code, printing the value that the interactive prompt would have shown."""
    expression = _last_expression(example.source) if example.want else None
    if expression is None:
        return example.source
    lines = example.source.splitlines(keepends=True)

    def offset(line: int, column: int) -> int:  # ast columns count UTF-8 bytes
        return sum(map(len, lines[: line - 1])) + len(lines[line - 1].encode()[:column].decode())

    start = offset(expression.lineno, expression.col_offset)
    end = offset(expression.end_lineno, expression.end_col_offset)
    source = example.source
    printed = source[start:end]
    if isinstance(expression, ast.Tuple) and not _parenthesized(printed):
        printed = f"({printed})"  # the prompt shows `(a, b)`; `print(a, b)` would show `a b`
    return f"{source[:start]}print({printed}){source[end:]}"


def _parenthesized(source: str) -> bool:
    """Whether a tuple's source is wrapped in its own parentheses: ``(a, b)``, not ``(a) * 2, b``."""
    if not (source.startswith("(") and source.endswith(")")):
        return False
    try:
        inner = ast.parse(source[1:-1], mode="eval").body
    except SyntaxError:
        return False
    return ast.dump(inner) == ast.dump(ast.parse(source, mode="eval").body)


__all__ = ["Code", "Example", "Figure", "Prose", "download_path", "notebook", "page_parts", "page_title", "script"]
