"""Benchmark `logloss-ref score` against DuckDB, polars and pandas + scikit-learn (a script, not a test).

In one run, on the same predictions (id, 0/1 label, float64 probability, a segment column of
100 values), as one file of ``--rows`` rows and as a dataset of ``--dataset-files`` files of
``--dataset-rows`` rows in all, each as CSV and as Parquet:

- ``logloss-ref score`` plain and ``--by segment``;
- DuckDB computing the same summary in one SQL query (``GROUP BY GROUPING SETS``): log loss
  (clipped as ``log_loss``), base rate, Brier score, accuracy and ten calibration bins, overall,
  or overall and per segment;
- polars' lazy scan computing the same summary (the finest grouping in one scan, the coarser
  ones summed from it), and log loss alone;
- pandas.read_csv / read_parquet + ``sklearn.metrics.log_loss`` (log loss alone; one file only).

Each contender runs in a child of a small wrapper process, which reads the child's peak
resident memory and CPU time from the kernel (``getrusage`` of its children), so all are
measured alike; each time is the best of ``--repeat`` runs. The ratios are against DuckDB's
time on the same data in the same run. The load average before and after is printed: other
work on the machine slows every contender, not only ours.

    python scripts/bench_cli.py [--rows 10000000] [--dataset-rows 100000000] [--dataset-files 10]

While iterating: ``--dataset-rows 0`` skips the dataset, ``--only-duckdb`` leaves out polars
and pandas, ``--data FOLDER`` keeps the written files there and reuses them on the next run,
and ``--baseline SRC`` also times ``logloss-ref score`` imported from another checkout's
source folder (the one holding ``logloss_ref/``), in the same run, so that a change is
measured against the code before it under the same load.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet as pq

EPS = float(np.finfo(np.float64).eps)

OURS = ("import sys; from logloss_ref.cli import main; "
        "sys.exit(main(['score', sys.argv[1], '--label', 'label', '--prob', 'p', '--json', *sys.argv[2:]]))")

# The same summary in one query: per calibration bin (and segment), the sums that give log loss,
# base rate, Brier score, accuracy and the calibration table.
DUCKDB = r"""
import sys, duckdb
path, by = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
source = f"read_csv('{path}')" if ".csv" in path else f"read_parquet('{path}', hive_partitioning=false)"
sets = f"(), ({by}), (bin), ({by}, bin)" if by else "(), (bin)"
query = f'''
with scored as (
  select {by + ',' if by else ''} label, p, least(greatest(ceil(p * 10) - 1, 0), 9) as bin,
         -ln(greatest(least(case when label = 1 then p else 1 - p end, {1 - EPS!r}), {EPS!r})) as loss
  from {source})
select {by + ',' if by else ''} bin, grouping({by + ', ' if by else ''}bin) as level, count(*) as n,
       sum(label) as ones, sum(loss) as loss, sum((p - label) * (p - label)) as brier,
       sum(case when (p >= 0.5) = (label = 1) then 1 else 0 end) as correct, sum(p) as predicted
from scored group by grouping sets ({sets})'''
rows = duckdb.sql(query).fetchall()
print(len(rows))
""".replace("{1 - EPS!r}", repr(1 - EPS)).replace("{EPS!r}", repr(EPS))

# polars: the finest grouping in one lazy scan (bin, or segment and bin); the coarser ones summed from it.
POLARS = f"""
import sys, polars as pl
path, by = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
scan = pl.scan_csv(path) if ".csv" in path else pl.scan_parquet(path, hive_partitioning=False)
p, label = pl.col("p"), pl.col("label")
q = pl.when(label == 1).then(p).otherwise(1 - p).clip({EPS!r}, {1 - EPS!r})
keys = [by, "bin"] if by else ["bin"]
fine = (scan.with_columns(bin=((p * 10).ceil() - 1).clip(0, 9), loss=-q.log())
        .group_by(keys).agg(n=pl.len(), ones=label.sum(), loss=pl.col("loss").sum(), brier=((p - label) ** 2).sum(),
                            correct=((p >= 0.5) == (label == 1)).sum(), predicted=p.sum())
        .collect())
sums = ["n", "ones", "loss", "brier", "correct", "predicted"]
overall = fine.select([pl.col(c).sum() for c in sums])
per_segment = fine.group_by(by).agg([pl.col(c).sum() for c in sums]) if by else None
print(overall.height, fine.height)
"""

POLARS_LOG_LOSS = f"""
import sys, polars as pl
path = sys.argv[1]
scan = pl.scan_csv(path) if ".csv" in path else pl.scan_parquet(path, hive_partitioning=False)
p, label = pl.col("p"), pl.col("label")
q = pl.when(label == 1).then(p).otherwise(1 - p).clip({EPS!r}, {1 - EPS!r})
print(scan.select((-q.log()).mean()).collect().item())
"""

PANDAS = (
    "import sys, pandas, sklearn.metrics as m; path = sys.argv[1]; "
    "d = pandas.read_csv(path, usecols=['label', 'p']) if '.csv' in path else pandas.read_parquet(path, columns=['label', 'p']); "
    "print(m.log_loss(d['label'], d['p']))"
)


def table(rows: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table({
        "id": np.arange(rows), "label": rng.integers(0, 2, rows), "p": rng.uniform(size=rows),
        "segment": pa.array(np.array([f"s{k:02d}" for k in range(100)])[rng.integers(0, 100, rows)]),
    })


def write(folder: Path, rows: int, files: int) -> dict[str, Path]:
    """The predictions as CSV and Parquet: one file, or a folder of ``files`` parts (for CSV, a glob of them)."""
    csv_folder, parquet_folder = folder / "csv", folder / "parquet"
    csv_folder.mkdir(parents=True)
    parquet_folder.mkdir(parents=True)
    per_file = rows // files
    for k in range(files):
        part = table(per_file, seed=k)
        pyarrow.csv.write_csv(part, csv_folder / f"part-{k:05d}.csv", write_options=pyarrow.csv.WriteOptions(quoting_style="none"))
        pq.write_table(part, parquet_folder / f"part-{k:05d}.parquet", row_group_size=1 << 20)
    return write_paths(folder, files)


def write_paths(folder: Path, files: int) -> dict[str, Path]:
    """The paths that `write` gives for its folder."""
    csv_folder, parquet_folder = folder / "csv", folder / "parquet"
    if files == 1:
        return {"CSV": csv_folder / "part-00000.csv", "Parquet": parquet_folder / "part-00000.parquet"}
    return {"CSV": Path(f"{csv_folder}/*.csv"), "Parquet": Path(f"{parquet_folder}/*.parquet")}


def measured(code: str, *arguments, repeat: int, source: Path | None = None) -> tuple[float, float, float]:
    """The best wall time of ``repeat`` runs, its CPU time, and the peak memory (MiB) of the child process
    (which imports ``logloss_ref`` from the folder ``source`` when given)."""
    env, flags = None, []
    if source is not None:
        env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(source), *filter(None, [os.environ.get("PYTHONPATH")])])}
        flags = ["-P"]  # python -c puts the working folder first on sys.path: a checkout run from would win
    wrapper = (
        "import resource, subprocess, sys, time; t = time.perf_counter(); "
        f"subprocess.run([sys.executable, *{flags!r}, '-c', {code!r}, *sys.argv[1:]], check=True, stdout=subprocess.DEVNULL); "
        "wall = time.perf_counter() - t; r = resource.getrusage(resource.RUSAGE_CHILDREN); "
        "print(wall, r.ru_utime + r.ru_stime, r.ru_maxrss / 1024)"
    )
    runs = []
    for _ in range(repeat):
        out = subprocess.run([sys.executable, "-c", wrapper, *map(str, arguments)], capture_output=True, text=True, check=True,
                             env=env).stdout
        runs.append(tuple(map(float, out.split())))
    best = min(runs)
    return best[0], best[1], max(m for *_, m in runs)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def bench(label: str, paths: dict[str, Path], rows: int, repeat: int, with_pandas: bool, others: bool = True,
          baseline: Path | None = None) -> list[tuple]:
    results = []
    for fmt, path in paths.items():
        contenders = [
            ("logloss-ref score", OURS, [], None), ("DuckDB SQL, the same summary", DUCKDB, [], None),
            ("logloss-ref score --by segment", OURS, ["--by", "segment"], None),
            ("DuckDB SQL, the same summary per segment", DUCKDB, ["segment"], None),
        ]
        if baseline is not None:
            contenders += [("baseline logloss-ref score", OURS, [], baseline),
                           ("baseline logloss-ref score --by segment", OURS, ["--by", "segment"], baseline)]
        if others:
            contenders += [
                ("polars lazy scan, the same summary", POLARS, [], None),
                ("polars lazy scan, the same summary per segment", POLARS, ["segment"], None),
                ("polars lazy scan, log loss only", POLARS_LOG_LOSS, [], None),
            ]
        if with_pandas and others:
            contenders.append(("pandas + scikit-learn, log loss only", PANDAS, [], None))
        for name, code, extra, source in contenders:
            seconds, cpu, peak = measured(code, path, *extra, repeat=1 if "pandas" in name else repeat, source=source)
            results.append((label, fmt, name, seconds, cpu, peak))
            print(f"  {label:28s} {fmt:8s} {name:48s} {seconds:7.2f} s  cpu {cpu:7.2f} s  {rows / seconds:13,.0f} rows/s  "
                  f"peak {peak:6.0f} MiB", flush=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10**7)
    parser.add_argument("--dataset-rows", type=int, default=10**8)
    parser.add_argument("--dataset-files", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--folder", type=Path, default=None, help="where to write the data (default: a temporary folder)")
    parser.add_argument("--data", type=Path, default=None,
                        help="keep the data in this folder and reuse what an earlier run wrote there (delete it yourself)")
    parser.add_argument("--only-duckdb", action="store_true", help="leave out polars and pandas")
    parser.add_argument("--baseline", type=Path, default=None, metavar="SRC",
                        help="also time logloss-ref imported from this folder (another checkout's source)")
    args = parser.parse_args()
    folder = args.data if args.data is not None else Path(tempfile.mkdtemp(dir=args.folder))
    print(f"load average before: {load()} (2 cores: above 2, other work competes for them)", flush=True)

    def data(name: str, rows: int, files: int) -> dict[str, Path]:
        if args.data is None or not (folder / name).exists():
            return write(folder / name, rows, files)
        print(f"  reusing {folder / name}", flush=True)
        return write_paths(folder / name, files)

    try:
        results = []
        one = f"{args.rows:,} rows, one file"
        options = {"others": not args.only_duckdb, "baseline": args.baseline}
        results += bench(one, data(f"one-{args.rows}", args.rows, 1), args.rows, args.repeat, with_pandas=True, **options)
        if args.dataset_rows:
            many = f"{args.dataset_rows:,} rows, {args.dataset_files} files"
            results += bench(many, data(f"many-{args.dataset_rows}-{args.dataset_files}", args.dataset_rows, args.dataset_files),
                             args.dataset_rows, args.repeat, with_pandas=False, **options)
    finally:
        if args.data is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"load average after: {load()}")
    print("ratios: logloss-ref score's time / DuckDB's time on the same summary (goal: at most 1)")
    times = {(label, fmt, name): (seconds, peak) for label, fmt, name, seconds, _, peak in results}
    for label, fmt in dict.fromkeys((label, fmt) for label, fmt, *_ in results):
        plain = times[label, fmt, "logloss-ref score"][0] / times[label, fmt, "DuckDB SQL, the same summary"][0]
        by = (times[label, fmt, "logloss-ref score --by segment"][0]
              / times[label, fmt, "DuckDB SQL, the same summary per segment"][0])
        peak = times[label, fmt, "logloss-ref score"][1]
        print(f"  {label:28s} {fmt:8s} plain {plain:5.2f}x   --by {by:5.2f}x   peak memory {peak:5.0f} MiB")
        if args.baseline is not None:
            plain = times[label, fmt, "baseline logloss-ref score"][0] / times[label, fmt, "DuckDB SQL, the same summary"][0]
            by = (times[label, fmt, "baseline logloss-ref score --by segment"][0]
                  / times[label, fmt, "DuckDB SQL, the same summary per segment"][0])
            peak = times[label, fmt, "baseline logloss-ref score"][1]
            print(f"  {'  baseline':28s} {fmt:8s} plain {plain:5.2f}x   --by {by:5.2f}x   peak memory {peak:5.0f} MiB")


if __name__ == "__main__":
    main()
