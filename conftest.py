"""Run the ``pycon`` examples of the documentation pages and the README as tests (Sybil).

Each ``>>>`` example is one test, reported with its page and line. Floats compare to the
digits written (NUMBER); the examples of one page share a namespace, top to bottom.
"""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

import pytest

from sybil import Sybil
from sybil.evaluators.doctest import NUMBER, DocTestEvaluator
from sybil.parsers.abstract.doctest import DocTestStringParser
from sybil.parsers.markdown import CodeBlockParser

OPTIONFLAGS = NUMBER | ELLIPSIS | NORMALIZE_WHITESPACE


class PyconParser:
    """Every ```` ```pycon ```` fence, split into its ``>>>`` examples."""

    def __init__(self, optionflags: int = OPTIONFLAGS) -> None:
        self.blocks = CodeBlockParser(language="pycon", evaluator=lambda example: None)
        self.doctests = DocTestStringParser(DocTestEvaluator(optionflags))

    def __call__(self, document):
        for block in self.blocks(document):
            source = block.parsed
            for region in self.doctests(source, document.path):
                region.adjust(block, source)
                yield region


pytest_collect_file = (
    Sybil(parsers=[PyconParser()], path="docs", patterns=["*.md", "**/*.md"], name="pages")
    + Sybil(parsers=[PyconParser()], path=".", filenames=["README.md"], name="readme")
).pytest()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Under pytest-xdist (--dist loadgroup) the examples of one page share a namespace, top to
    # bottom, so they go to one worker together; every other test is spread one by one.
    for item in items:
        if item.path.suffix == ".md":
            item.add_marker(pytest.mark.xdist_group(item.path.name))
    # Balance two workers: the long live-preview test first, beside the unit tests; the tests of
    # the built site last, so the one worker that builds it overlaps with the other's work.
    order = {"test_serve.py": -1, "test_site.py": 1, "test_browser.py": 2}
    items.sort(key=lambda item: order.get(item.path.name, 0))
