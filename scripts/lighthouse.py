"""Lighthouse scores of the built site (a script, not a test): `make lighthouse`.

Builds the site, serves it on 127.0.0.1 under its project path (/logloss_ref/) as GitHub Pages
hosts it, text compressed with gzip, and audits every page of the article's path (the home page
and the numbered steps of the navigation) with Lighthouse 12 under Debian's Chromium, on the
mobile and the desktop preset, three runs each. Prints the median of the four category scores and
of each metric of the performance score, every audit that lost points, and the bytes a reader
downloads per page.

    python scripts/lighthouse.py [--runs 3] [--presets mobile desktop] [--pages index.md log-loss.md]
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
# The metrics the performance score is made of (Lighthouse 12), and how each is printed.
METRICS = {"first-contentful-paint": ("FCP", "{:.0f} ms"), "largest-contentful-paint": ("LCP", "{:.0f} ms"),
           "total-blocking-time": ("TBT", "{:.0f} ms"), "cumulative-layout-shift": ("CLS", "{:.3f}"),
           "speed-index": ("SI", "{:.0f} ms")}


BASE_PATH = "/logloss_ref/"  # the project path of site_url in mkdocs.yml


def path_pages() -> list[str]:
    """The home page and the numbered steps, in the navigation's order."""
    import yaml

    config = yaml.load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"), Loader=yaml.BaseLoader)
    pages = [next(iter(entry.items())) for entry in config["nav"] if isinstance(entry, dict)]
    return [page for title, page in pages if isinstance(page, str) and (title == "Home" or title[:1].isdigit())]


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the site as GitHub Pages serves a project site: under BASE_PATH, text compressed with gzip."""

    COMPRESSIBLE = (".html", ".css", ".js", ".svg", ".json", ".xml")

    def translate_path(self, path):
        path = path.split("?", 1)[0].split("#", 1)[0]
        if not path.startswith(BASE_PATH):
            return str(Path(self.directory) / "no-such-file")  # nothing outside the project path: 404
        return super().translate_path("/" + path.removeprefix(BASE_PATH))

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
    parser.add_argument("--presets", nargs="+", default=["mobile", "desktop"], choices=["mobile", "desktop"])
    parser.add_argument("--pages", nargs="+", default=path_pages())
    parser.add_argument("--site", type=Path, help="audit this built site instead of building one")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("Lighthouse is not installed: run `npm ci` (or `make lighthouse`).")

    with tempfile.TemporaryDirectory() as scratch:
        site = args.site or Path(scratch)
        if not args.site:
            build_site(site)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(GzipHandler, directory=site))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}{BASE_PATH}"
        for md in args.pages:
            url = base if md == "index.md" else base + md.removesuffix(".md") + "/"
            for preset in args.presets:
                reports = [audit(url, preset) for _ in range(args.runs)]
                medians = {c: statistics.median(r["categories"][c]["score"] * 100 for r in reports) for c in CATEGORIES}
                weight = reports[0]["audits"]["total-byte-weight"]["numericValue"]
                print(f"{md:<14} {preset:<8} " + "  ".join(f"{c} {medians[c]:.0f}" for c in CATEGORIES)
                      + f"  bytes {weight:,.0f}")
                print("    median " + ", ".join(
                    f"{label} " + shown.format(statistics.median(r["audits"][metric]["numericValue"] for r in reports))
                    for metric, (label, shown) in METRICS.items()))
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
