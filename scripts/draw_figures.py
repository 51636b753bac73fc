"""Draw every figure of logloss_ref.plots.FIGURES as SVG in one palette.

The MkDocs hook runs this once per palette, in parallel child processes, so each build draws
with the library as it is on disk at that moment; it also learns from it the name of the
function that draws each figure (the page notebooks call it). By hand it writes the files to a
folder:

    python scripts/draw_figures.py light dark --out /tmp/figures
"""

from __future__ import annotations

import argparse
import io
import pickle
import sys
from pathlib import Path

import matplotlib

from logloss_ref.plots import FIGURES, THEMES


def draw_theme(theme: str) -> dict[str, bytes]:
    """Every figure in one palette, as SVG bytes keyed by figure name (byte-identical per build)."""
    svgs = {}
    with matplotlib.rc_context(THEMES[theme]):
        for stem, draw in FIGURES.items():
            buffer = io.BytesIO()
            draw().savefig(buffer, format="svg", metadata={"Date": None})  # no date: same bytes each time
            svgs[stem] = buffer.getvalue()
    return svgs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("themes", nargs="+", choices=sorted(THEMES))
    parser.add_argument("--out", type=Path, help="folder to write the SVG files to (default: a pickle on stdout)")
    args = parser.parse_args()
    drawn = {theme: draw_theme(theme) for theme in args.themes}
    if args.out is None:
        functions = {stem: draw.__name__ for stem, draw in FIGURES.items()}
        # The interactive figures' data, computed once (by the first palette's process).
        from interactive_data import FIGURES as INTERACTIVE  # beside this script, first on sys.path

        interactive = {} if args.themes[0] != "light" else {name: make() for name, make in INTERACTIVE.items()}
        sys.stdout.buffer.write(pickle.dumps({"svgs": drawn, "functions": functions, "interactive": interactive}))
        return
    args.out.mkdir(parents=True, exist_ok=True)
    for theme, svgs in drawn.items():
        for stem, svg in svgs.items():
            (args.out / f"{stem}-{theme}.svg").write_bytes(svg)


if __name__ == "__main__":
    main()
