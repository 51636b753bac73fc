"""The page tests' own reading of the pages (the root conftest.py: Sybil, NUMBER, ELLIPSIS), for the
tests that compare something else with it: the notebooks (test_page_downloads.py) and the mutation
check (mutation.py). The root conftest.py is not importable by name (pytest imports each conftest
as ``conftest``), so it is loaded here once, from its file.
"""

from __future__ import annotations

import doctest
import importlib.util
from pathlib import Path

from sybil import Sybil

ROOT = Path(__file__).resolve().parent.parent

_spec = importlib.util.spec_from_file_location("pages_conftest", ROOT / "conftest.py")
_pages_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_pages_conftest)

PyconParser = _pages_conftest.PyconParser
OPTIONFLAGS = _pages_conftest.OPTIONFLAGS


def examples_of(page: Path) -> list[doctest.Example]:
    """The page's ``>>>`` examples, as the page tests run them."""
    return [region.parsed for region in Sybil(parsers=[PyconParser()]).parse(page)]
