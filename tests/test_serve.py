"""`make serve` as a contributor uses it: a real `mkdocs serve` shows each kind of edit.

The server runs on a copy of the tree (the edits never touch this checkout) on a free port, with
exactly the arguments of the Makefile's serve recipe but the address, and with the build cache of
this test session: its first build finds the pre-build step's outputs that the session's build
computed, as a contributor's second `make serve` would. It must start without a warning, mount
the site under the project path, and serve the new content after an edit to a page, to the
library (a docstring and a figure function, saved together) and to mkdocs.yml.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from site_map import BASE_PATH

ROOT = Path(__file__).resolve().parent.parent


def serve_arguments() -> list[str]:
    """The Makefile's `mkdocs serve ...` arguments, read from its serve recipe."""
    recipe = re.search(r"^serve:.*\n\t(?P<command>.+)$", (ROOT / "Makefile").read_text(), re.M)["command"]
    words = shlex.split(recipe)
    assert words[0] == "$(VENV)/bin/mkdocs" and words[1] == "serve", recipe
    return words[2:]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> tuple[str, bytes] | None:
    """(final URL after redirects, body), or None while the server is not answering."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.geturl(), response.read()
    except OSError:
        return None


def body(url: str) -> bytes:
    """The page's bytes, or b"" while the server is busy rebuilding."""
    fetched = fetch(url)
    return fetched[1] if fetched else b""


def wait_until(condition, what: str, timeout: float = 90):
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


@pytest.fixture
def tree(tmp_path) -> Path:
    copy = tmp_path / "tree"
    copy.mkdir()
    for name in ("docs", "scripts", "logloss_ref", "overrides"):
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy2(ROOT / "mkdocs.yml", copy / "mkdocs.yml")
    (copy / "node_modules").symlink_to(ROOT / "node_modules")
    return copy


def replace_in(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} not once in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_serve_shows_page_library_and_config_edits(tree, built_site, build_cache):
    arguments = serve_arguments()
    assert "--strict" in arguments and "--dirty" not in arguments
    address = arguments[arguments.index("--dev-addr") + 1]
    port = free_port()
    arguments[arguments.index(address)] = f"127.0.0.1:{port}"
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", *arguments], cwd=tree,
        env=os.environ | {"NO_MKDOCS_2_WARNING": "1", "LOGLOSS_REF_BUILD_CACHE": str(build_cache)},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    log: list[str] = []
    threading.Thread(target=lambda: log.extend(server.stderr), daemon=True).start()
    site = f"http://127.0.0.1:{port}{BASE_PATH}"
    try:
        first = wait_until(lambda: fetch(site + "reference/"), "the first build")
        # Mounted under the project path, and / redirects there.
        assert wait_until(lambda: fetch(f"http://127.0.0.1:{port}/"), "the root")[0] == site
        assert b"Binary cross-entropy (log loss) of predicted probabilities" in first[1]
        sigmoid_svg = body(site + "figures/sigmoid.svg")
        assert sigmoid_svg.startswith(b"<?xml")
        # MkDocs logs our own redirected request as a WARNING line; anything else is a real warning.
        warnings = [line for line in log if "WARNING" in line and not re.search(r'"GET [^"]*" code 302', line)]
        assert not warnings, warnings

        # A page: the new text is served, from the outputs the pre-build step had.
        replace_in(tree / "docs" / "faq.md", "\n## Why use log loss?", "\nEdited page marker 3b8d\n\n## Why use log loss?")
        wait_until(lambda: b"Edited page marker 3b8d" in body(site + "faq/"), "the page edit")

        # The library: the API page shows the new docstring, and the figure is redrawn from the
        # edited figure function (the pre-build step runs again, with the library as it is now).
        replace_in(tree / "logloss_ref" / "losses.py", "Binary cross-entropy (log loss) of predicted probabilities",
                   "Edited docstring marker 7f3a: log loss of predicted probabilities")
        replace_in(tree / "logloss_ref" / "plots.py", "xlim=(-8, 8), ylim=(-0.1, 1.1)", "xlim=(-8, 8), ylim=(-0.3, 1.3)")
        wait_until(lambda: b"Edited docstring marker 7f3a" in body(site + "reference/"), "the docstring edit")
        wait_until(lambda: body(site + "figures/sigmoid.svg") not in (sigmoid_svg, b""), "the figure edit")

        # mkdocs.yml: the new copyright line is in every page's footer.
        replace_in(tree / "mkdocs.yml", "copyright: logloss_ref", "copyright: Edited config marker 91c2. logloss_ref")
        wait_until(lambda: b"Edited config marker 91c2." in body(site), "the mkdocs.yml edit")
        assert server.poll() is None, "".join(log)
        # One build per edit and the first: a watcher that saw the build's own files being written
        # would have rebuilt in between (the edits were seconds apart).
        builds = lambda: sum("Documentation built in" in line for line in log)  # noqa: E731
        wait_until(lambda: builds() >= 4, "the log of the last build")
        assert builds() == 4, "".join(log)
    finally:
        server.terminate()
        server.wait(timeout=30)
