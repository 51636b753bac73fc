"""Run the ``pycon`` examples of the documentation pages and the README as tests (Sybil).

Each ``>>>`` example is one test, reported with its page and line. Floats compare to the
digits written (NUMBER); the examples of one page share a namespace, top to bottom.

Under pytest-xdist (``--dist loadscope``) a page's examples stay on one worker; the notebook, script,
mutation and interactive-figure tests, the slowest, are spread one by one instead (``pytest_xdist_make_scheduler``).
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



def pytest_xdist_make_scheduler(config, log):
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            # Each page's notebook or script test is a unit of its own; loadscope would put the
            # whole module, a kernel start and a run per page, on a single worker.
            if nodeid.startswith(("tests/test_page_downloads.py::", "tests/test_mutations.py::", "tests/test_interactive.py::")):
                return nodeid
            return super()._split_scope(nodeid)

    return Scheduling(config, log)
