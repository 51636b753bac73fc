"""Benchmark `logloss-ref score` against pandas.read_csv + sklearn.metrics.log_loss (a script, not a test).

In one run, on the same predictions (id, label, probability, a segment column of 100 values):

- `score` on CSV and on Parquet, against pandas + scikit-learn on the CSV;
- `score --by segment` against plain `score` on the CSV;
- peak memory of each, and of `score` on 10**6 rows against 10**7.

Each contender runs in a child of a small wrapper process, which reads the child's peak resident
memory from the kernel (``ru_maxrss`` of its children), so all are measured alike.

    python scripts/bench_cli.py [--rows 10000000]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet as pq

OURS = "from logloss_ref.cli import main; import sys; sys.exit(main(['score', *sys.argv[1:], '--label', 'label', '--prob', 'p', '--json']))"
THEIRS = (
    "import sys, pandas, sklearn.metrics as m; d = pandas.read_csv(sys.argv[1]); "
    "print(m.log_loss(d['label'], d['p']))"
)

# The two candidate readers alone, streaming the two columns into NumPy (the choice of library).
PYARROW_READ = (
    "import sys, numpy as np, pyarrow.csv as c; from logloss_ref._files import numpy_view; import pyarrow as pa; "
    "r = c.open_csv(sys.argv[1], read_options=c.ReadOptions(block_size=1 << 18), "
    "convert_options=c.ConvertOptions(include_columns=['label', 'p'])); "
    "print(sum(float(numpy_view(pa, b.column(1)).sum()) for b in r))"
)
POLARS_READ = (
    "import sys, polars as pl; "
    "print(sum(float(d['p'].to_numpy().sum()) for d in pl.scan_csv(sys.argv[1]).select(['label', 'p']).collect_batches(chunk_size=1 << 18)))"
)


def write_files(folder: Path, rows: int) -> tuple[Path, Path]:
    rng = np.random.default_rng(0)
    table = pa.table({
        "id": np.arange(rows), "label": rng.integers(0, 2, rows), "p": rng.uniform(size=rows),
        "segment": pa.array(np.array([f"s{k:02d}" for k in range(100)])[rng.integers(0, 100, rows)]),
    })
    csv, parquet = folder / f"predictions-{rows}.csv", folder / f"predictions-{rows}.parquet"
    pyarrow.csv.write_csv(table, csv, write_options=pyarrow.csv.WriteOptions(quoting_style="none"))
    pq.write_table(table, parquet, row_group_size=1 << 20)
    return csv, parquet


def measured(code: str, *arguments, repeat: int = 3) -> tuple[float, float]:
    """The best wall time of ``repeat`` runs, and the peak memory (MiB) of the child process."""
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        f"subprocess.run([sys.executable, '-c', {code!r}, *sys.argv[1:]], check=True, stdout=subprocess.DEVNULL); "
        "print(time.perf_counter() - t, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)"
    )
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", wrapper, *map(str, arguments)], capture_output=True, text=True, check=True).stdout
        runs.append(tuple(map(float, out.split())))
    return min(t for t, _ in runs), max(m for _, m in runs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10**7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        csv, parquet = write_files(Path(folder), args.rows)
        small_csv, _ = write_files(Path(folder), args.rows // 10)
        theirs = measured(THEIRS, csv, repeat=1)
        ours_csv = measured(OURS, csv)
        ours_parquet = measured(OURS, parquet)
        ours_by = measured(OURS, csv, "--by", "segment")
        ours_small = measured(OURS, small_csv)
        readers = {"pyarrow": measured(PYARROW_READ, csv), "polars": measured(POLARS_READ, csv)}
        size = csv.stat().st_size / 2**20
    rows = args.rows
    print(f"{rows:,} rows, {size:.0f} MiB of CSV (best of 3 runs; pandas once)")
    for name, (seconds, peak) in [("pandas.read_csv + sklearn, CSV", theirs), ("logloss-ref score, CSV", ours_csv),
                                  ("logloss-ref score, Parquet", ours_parquet), ("logloss-ref score --by (100), CSV", ours_by)]:
        print(f"  {name:36s} {seconds:6.2f} s  {rows / seconds:12,.0f} rows/s  peak {peak:6.0f} MiB")
    print(f"  {'logloss-ref score, CSV, rows / 10':36s} {ours_small[0]:6.2f} s  {'':25s}peak {ours_small[1]:6.0f} MiB")
    for name, (seconds, peak) in readers.items():
        print(f"  {name + ' CSV reader alone (label, p)':36s} {seconds:6.2f} s  {rows / seconds:12,.0f} rows/s  peak {peak:6.0f} MiB")
    print("ratios (goal):")
    print(f"  CSV: {theirs[0] / ours_csv[0]:.1f}x faster than pandas + sklearn (at least 5x)")
    print(f"  Parquet: {theirs[0] / ours_parquet[0]:.1f}x faster than pandas + sklearn on CSV (at least 20x)")
    print(f"  peak memory: {ours_csv[1] / theirs[1]:.3f} of pandas + sklearn (at most 0.2)")
    print(f"  peak memory, {rows:,} rows / {rows // 10:,}: {ours_csv[1] / ours_small[1]:.2f} (unchanged: 1)")
    print(f"  --by with 100 segments: {ours_by[0] / ours_csv[0]:.2f}x plain score (at most 1.5x)")


if __name__ == "__main__":
    main()
