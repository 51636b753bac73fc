"""Lighthouse scores of the built site (a script, not a test): `make lighthouse`.

Builds the site, serves it on 127.0.0.1, and audits the home page and the log-loss page with
Lighthouse 12 under Debian's Chromium, on the desktop and the mobile preset, three runs each.
The local server compresses text with gzip, as the hosting does.
Prints the median of the four category scores, every audit that lost points, and the bytes a
reader downloads per page.

    python scripts/lighthouse.py [--runs 3] [--pages index.md log-loss.md]
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = "--headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update --no-first-run --disable-sync"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as a static host such as GitHub Pages does: text compressed with gzip."""

    COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".json", ".xml")

    def do_GET(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if not (path.suffix in self.COMPRESSIBLE and path.is_file() and "gzip" in self.headers.get("Accept-Encoding", "")):
            return super().do_GET()
        body = gzip.compress(path.read_bytes(), mtime=0)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def build_site(target: Path) -> None:
    env = os.environ | {"NO_MKDOCS_2_WARNING": "1"}
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(target)],
                   cwd=ROOT, env=env, check=True)


def audit(url: str, preset: str) -> dict:
    command = [str(LIGHTHOUSE), url, "--output=json", "--output-path=stdout", "--quiet",
               f"--chrome-flags={CHROME_FLAGS}", "--only-categories=" + ",".join(CATEGORIES)]
    if preset == "desktop":
        command.append("--preset=desktop")
    env = os.environ | {"CHROME_PATH": os.environ.get("CHROME_PATH", "/usr/bin/chromium")}
    result = subprocess.run(command, capture_output=True, text=True, env=env, check=True)
    return json.loads(result.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--pages", nargs="+", default=["index.md", "log-loss.md"])
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci` (or `make lighthouse`).")

    with tempfile.TemporaryDirectory() as site:
        build_site(Path(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=site))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}/"
        for md in args.pages:
            url = base if md == "index.md" else base + md.removesuffix(".md") + "/"
            for preset in ("desktop", "mobile"):
                reports = [audit(url, preset) for _ in range(args.runs)]
                medians = {c: statistics.median(r["categories"][c]["score"] * 100 for r in reports) for c in CATEGORIES}
                weight = reports[0]["audits"]["total-byte-weight"]["numericValue"]
                print(f"{md:<14} {preset:<8} " + "  ".join(f"{c} {medians[c]:.0f}" for c in CATEGORIES)
                      + f"  bytes {weight:,.0f}")
                kinds = reports[0]["audits"]["resource-summary"]["details"]["items"]
                print("    downloaded: " + ", ".join(
                    f"{k['label'].lower()} {k['transferSize']:,.0f} B ({k['requestCount']})" for k in kinds if k["requestCount"]))
                lost = {
                    audit_id: a["title"]
                    for r in reports for c in CATEGORIES for ref in r["categories"][c]["auditRefs"]
                    if ref["weight"] > 0 and (a := r["audits"][(audit_id := ref["id"])])["score"] is not None and a["score"] < 1
                }
                for audit_id, title in sorted(lost.items()):
                    print(f"    lost points: {audit_id}: {title}")
        server.shutdown()


if __name__ == "__main__":
    main()
