"""Run the ``pycon`` examples of the documentation pages and the README as tests (Sybil).

Each ``>>>`` example is one test, reported with its page and line. Floats compare to the
digits written (NUMBER); the examples of one page share a namespace, top to bottom.
"""

from doctest import ELLIPSIS, NORMALIZE_WHITESPACE

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

