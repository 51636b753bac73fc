"""Benchmark `logloss-ref score` on a 10**7-row CSV against pandas.read_csv + sklearn (a script, not a test).

Writes a CSV (id, label, probability), then runs each contender in its own child process and
reads that process's peak resident memory from the kernel (``ru_maxrss``), so the two are
measured the same way in the same run. Prints rows per second, peak memory and the ratios.

    python scripts/bench_cli.py [--rows 10000000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np

OURS = "from logloss_ref.cli import main; import sys; sys.exit(main(['score', sys.argv[1], '--label', 'label', '--prob', 'p', '--json']))"
THEIRS = (
    "import sys, pandas, sklearn.metrics as m; d = pandas.read_csv(sys.argv[1]); "
    "print(m.log_loss(d['label'], d['p']))"
)
BASELINE = "import numpy, sys; print(sys.argv[1])"  # the interpreter and NumPy alone


def write_csv(path: Path, rows: int) -> None:
    rng = np.random.default_rng(0)
    with open(path, "w") as f:
        f.write("id,label,p\n")
        for start in range(0, rows, 1_000_000):
            n = min(1_000_000, rows - start)
            block = np.column_stack([np.arange(start, start + n), rng.integers(0, 2, n), rng.uniform(size=n)])
            np.savetxt(f, block, fmt=["%d", "%d", "%.17g"], delimiter=",")


def measured(code: str, path: Path) -> tuple[float, float]:
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        f"subprocess.run([sys.executable, '-c', {code!r}, sys.argv[1]], check=True, stdout=subprocess.DEVNULL); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", wrapper, str(path)], capture_output=True, text=True, check=True).stdout
    seconds, peak_mib = map(float, out.split())
    return seconds, peak_mib


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10**7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "predictions.csv"
        write_csv(path, args.rows)
        size_mib = path.stat().st_size / 2**20
        ours_t, ours_m = measured(OURS, path)
        theirs_t, theirs_m = measured(THEIRS, path)
        _, base_m = measured(BASELINE, path)
    print(f"{args.rows:,} rows, {size_mib:.0f} MiB of CSV")
    print(f"logloss-ref score:            {ours_t:6.1f} s  {args.rows / ours_t:12,.0f} rows/s  peak {ours_m:7.0f} MiB")
    print(f"pandas.read_csv + sklearn:    {theirs_t:6.1f} s  {args.rows / theirs_t:12,.0f} rows/s  peak {theirs_m:7.0f} MiB")
    print(f"python + numpy alone:                                          peak {base_m:7.0f} MiB")
    print(f"time ratio ours / pandas+sklearn: {ours_t / theirs_t:.2f}; "
          f"peak memory above the bare interpreter, pandas+sklearn / ours: {(theirs_m - base_m) / max(ours_m - base_m, 1):.1f}")


if __name__ == "__main__":
    main()
