"""The test suite's own shape: test modules share helpers and fixtures, never each other."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def imported_modules(source: str) -> set[str]:
    """The top-level names of every module a Python source imports, at any depth of its code."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_no_test_module_imports_another():
    test_modules = {path.stem for path in TESTS.glob("test_*.py")}
    offenders = {path.name: sorted(imported_modules(path.read_text(encoding="utf-8")) & test_modules)
                 for path in sorted(TESTS.glob("*.py"))}
    assert not {name: found for name, found in offenders.items() if found}


def test_the_check_sees_an_import_inside_a_function():
    assert imported_modules("def f():\n    from test_site import DOCS\n") == {"test_site"}
    assert imported_modules("import test_browser as tb\nimport os.path\n") == {"test_browser", "os"}
