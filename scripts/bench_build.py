"""Time a cold `mkdocs build --strict` and how fast `mkdocs serve` shows an edit (a script, not a test).

1. A cold build: a new process, an empty site folder, every figure and formula drawn.
2. `mkdocs serve` on a free port: once it answers, a marker is appended to a page and the page
   is polled until the marker is served; then the page is restored. Also times a rebuild after
   an edit to the library, which redraws the figures.

    python scripts/bench_build.py
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENV = os.environ | {"NO_MKDOCS_2_WARNING": "1"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode()
    except OSError:
        return None


def wait_for(url: str, marker: str, timeout: float) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        text = fetch(url)
        if text is not None and marker in text:
            return time.perf_counter() - start
        time.sleep(0.05)
    raise TimeoutError(f"{marker!r} did not appear at {url} within {timeout} s")


def edit_and_time(path: Path, addition: str, url: str, marker: str) -> float:
    original = path.read_text(encoding="utf-8")
    try:
        path.write_text(original + addition, encoding="utf-8")
        return wait_for(url, marker, timeout=120)
    finally:
        path.write_text(original, encoding="utf-8")


def main() -> None:
    with tempfile.TemporaryDirectory() as site:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", site],
                       cwd=ROOT, env=ENV, check=True)
        print(f"cold build (--strict, all figures and maths): {time.perf_counter() - start:.1f} s")

    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--no-strict", "--dev-addr", f"127.0.0.1:{port}"],
                              cwd=ROOT, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    builds: list[float] = []  # when serve logged each finished build

    def watch_log():
        for line in server.stderr:
            if "Documentation built in" in line:
                builds.append(time.perf_counter())

    threading.Thread(target=watch_log, daemon=True).start()
    try:
        print(f"serve ready after {wait_for(base, '</html>', timeout=120):.1f} s")
        time.sleep(1)
        marker = f"edit-marker-{time.time_ns()}"
        seconds = edit_and_time(ROOT / "docs" / "faq.md", f"\n\n{marker}\n", base + "faq/", marker)
        print(f"an edit to a page is served after {seconds:.1f} s")
        wait_for(base + "faq/", "</html>", timeout=5)
        time.sleep(15)  # let the rebuild that restores the page finish
        library = ROOT / "logloss_ref" / "plots.py"
        original = library.read_text(encoding="utf-8")
        seen, start = len(builds), time.perf_counter()
        try:
            # A comment changes the library's fingerprint, so the figures are redrawn.
            library.write_text(original + f"\n# {time.time_ns()}\n", encoding="utf-8")
            while len(builds) == seen and time.perf_counter() - start < 120:
                time.sleep(0.05)
            print(f"an edit to the library is rebuilt, figures redrawn, after {builds[-1] - start:.1f} s")
        finally:
            library.write_text(original, encoding="utf-8")
        time.sleep(12)
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
