"""Time a cold `mkdocs build --strict` and how fast `make serve` shows an edit (a script, not a test).

1. A cold build: a new process, an empty site folder, every figure and formula drawn.
2. `mkdocs serve --strict` (the Makefile's serve) on a free port: once it answers, three edits are
   made one at a time and the served content is polled until it changes: a page (a marker in
   docs/faq.md), a docstring (a marker on the API page) and a figure function (the sigmoid
   figure's bytes). Each file is restored afterwards.

    python scripts/bench_build.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASE_PATH = "/logloss_ref/"  # the project path of site_url in mkdocs.yml
ENV = os.environ | {"NO_MKDOCS_2_WARNING": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read()
    except OSError:
        return None


def wait_for(condition, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if condition():
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"nothing changed within {timeout} s")


def edit_and_time(path: Path, old: str, new: str, changed) -> float:
    """Seconds from saving `path` with `old` replaced by `new` until `changed()` holds."""
    original = path.read_text(encoding="utf-8")
    assert original.count(old) == 1, (path, old)
    try:
        path.write_text(original.replace(old, new), encoding="utf-8")
        return wait_for(changed, timeout=120)
    finally:
        path.write_text(original, encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as site:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", site],
                       cwd=ROOT, env=ENV, check=True)
        print(f"cold build (--strict, all figures and maths): {time.perf_counter() - start:.1f} s")

    port = free_port()
    base = f"http://127.0.0.1:{port}{BASE_PATH}"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--strict", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        print(f"serve ready after {wait_for(lambda: fetch(base), timeout=120):.1f} s")
        settle = 8  # let the rebuild that restores a file finish before the next edit

        marker = f"edit-marker-{time.time_ns()}"
        seconds = edit_and_time(ROOT / "docs" / "faq.md", "\n## Why use log loss?", f"\n{marker}\n\n## Why use log loss?",
                                lambda: marker.encode() in (fetch(base + "faq/") or b""))
        print(f"a page edit is served after {seconds:.2f} s")
        time.sleep(settle)

        seconds = edit_and_time(ROOT / "logloss_ref" / "losses.py", "Binary cross-entropy (log loss) of predicted",
                                f"{marker} of predicted", lambda: marker.encode() in (fetch(base + "reference/") or b""))
        print(f"a docstring edit is served on the API page after {seconds:.2f} s")
        time.sleep(settle)

        before = fetch(base + "figures/sigmoid.svg")
        # a value of its own each run: the pre-build step keeps the outputs of recent versions
        seconds = edit_and_time(ROOT / "logloss_ref" / "plots.py", "ylim=(-0.1, 1.1)", f"ylim=(-0.3, 1.3{time.time_ns() % 10**6})",
                                lambda: fetch(base + "figures/sigmoid.svg") not in (before, None))
        print(f"a figure-function edit is served, figures redrawn, after {seconds:.2f} s")
        time.sleep(settle)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
