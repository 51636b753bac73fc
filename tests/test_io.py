"""io: datasets (folders, globs, several files, URIs, Hive partitions), named classes, threads, and their errors.

The command line reads them through ``logloss_ref.io``; each result is compared with the library
on the same rows (``log_loss`` with ``labels=``, an accumulator fed the whole arrays).
"""

from __future__ import annotations

import contextlib
import io
import json
import re

import numpy as np
import pyarrow as pa
import pyarrow.csv
import pyarrow.parquet as pq
import pytest

from logloss_ref import LogLossAccumulator, SegmentedLogLossAccumulator, log_loss, softmax
from logloss_ref.cli import main

COUNTRIES = ["DE", "FR", "US"]


def run(*argv) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main([*map(str, argv)])
    return status, out.getvalue(), err.getvalue()


def scored(*argv) -> dict:
    status, out, err = run("score", *argv, "--json")
    assert status == 0, err
    return json.loads(out)


def one_line_error(words: str, *argv) -> str:
    status, out, err = run(*argv)
    assert status == 2 and out == "", out
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert re.search(words, err), err
    return err


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    """Three countries in Hive folders, two parts each: Parquet for DE and FR, CSV for US."""
    root = tmp_path_factory.mktemp("io") / "predictions"
    rng = np.random.default_rng(21)
    rows = {"y": [], "p": [], "w": [], "country": []}
    for country in COUNTRIES:
        folder = root / f"country={country}"
        folder.mkdir(parents=True)
        for part in range(2):
            n = int(rng.integers(50, 400))
            y, p, w = rng.integers(0, 2, n), rng.uniform(size=n), rng.uniform(0.5, 2, n)
            table = pa.table({"y": y, "p": p, "w": w})
            if country == "US":
                pyarrow.csv.write_csv(table, folder / f"part-{part}.csv")
            else:
                pq.write_table(table, folder / f"part-{part}.parquet")
            for key, values in (("y", y), ("p", p), ("w", w), ("country", [country] * n)):
                rows[key].extend(values)
    (root / "_SUCCESS").write_text("")  # what Spark leaves beside the data
    (root / "country=DE" / ".part-0.parquet.crc").write_bytes(b"\0\1")
    return root, {key: np.array(values) for key, values in rows.items()}


def test_a_folder_with_partitions_equals_the_library_overall_and_per_partition(dataset):
    root, rows = dataset
    result = scored(root, "--label", "y", "--prob", "p", "--weight", "w", "--by", "country")
    whole = LogLossAccumulator().update(rows["y"], rows["p"], sample_weight=rows["w"]).result()
    assert result["all"] == json.loads(json.dumps(whole.to_dict()))
    expected = SegmentedLogLossAccumulator().update(rows["country"], rows["y"], rows["p"], sample_weight=rows["w"]).result()
    assert {s["segment"]["country"]: s["log_loss"] for s in result["segments"]} == {k: v.log_loss for k, v in expected.items()}
    assert result["all"]["log_loss"] == pytest.approx(log_loss(rows["y"], rows["p"], sample_weight=rows["w"]), rel=1e-14)


def test_a_glob_several_files_and_a_file_uri_read_the_same_rows(dataset):
    root, rows = dataset
    folder = scored(root, "--label", "y", "--prob", "p")
    assert scored(root.as_uri(), "--label", "y", "--prob", "p") == {**folder, "file": root.as_uri()}
    parquet_only = scored(f"{root}/*/*.parquet", "--label", "y", "--prob", "p", "--by", "country")
    assert [s["segment"]["country"] for s in parquet_only["segments"]] in (["DE", "FR"], ["FR", "DE"])
    us = rows["country"] == "US"
    parts = sorted((root / "country=US").glob("*.csv"))
    listed = scored(*parts, "--label", "y", "--prob", "p", "--by", "country")
    assert listed["all"]["log_loss"] == LogLossAccumulator().update(rows["y"][us], rows["p"][us]).result().log_loss
    assert scored(f"{root.as_uri()}/*/*.csv", "--label", "y", "--prob", "p")["n_samples"] == us.sum()


def test_only_the_columns_asked_for_are_read_and_partitions_never_from_the_files(tmp_path, monkeypatch):
    root = tmp_path / "d"
    (root / "country=FR").mkdir(parents=True)
    pq.write_table(pa.table({"y": [1, 0], "p": [0.8, 0.4], "country": ["XX", "XX"], "unused": [1.0, 2.0]}),
                   root / "country=FR" / "part-0.parquet")
    asked = []
    original = pq.ParquetFile.iter_batches

    def spy(self, *args, **kwargs):
        asked.append(kwargs.get("columns"))
        return original(self, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    result = scored(root, "--label", "y", "--prob", "p", "--by", "country")
    assert asked == [["y", "p"]] and [s["segment"] for s in result["segments"]] == [{"country": "FR"}]


def test_bad_datasets_are_one_line_naming_the_part(dataset, tmp_path):
    root, _ = dataset
    one_line_error(r"/\*\.parquet: no file matches the pattern", "score", f"{tmp_path}/*.parquet", "--label", "y", "--prob", "p")
    (tmp_path / "empty").mkdir()
    one_line_error("empty: the folder holds no data file", "score", tmp_path / "empty", "--label", "y", "--prob", "p")
    broken = tmp_path / "broken"
    (broken / "b=1").mkdir(parents=True)
    pq.write_table(pa.table({"y": [1], "p": [0.5]}), broken / "b=1" / "part-0.parquet")
    pq.write_table(pa.table({"y": [1], "q": [0.5]}), broken / "b=1" / "part-1.parquet")
    one_line_error(r"b=1/part-1.parquet: no column 'p' \(--prob\) in the file; columns are 'y', 'q'",
                   "score", broken, "--label", "y", "--prob", "p")
    (broken / "b=1" / "part-1.parquet").unlink()
    (broken / "b=1" / "part-1.csv").write_text("y,p\n1,0.5\n0,1.5\n")
    one_line_error(r"b=1/part-1.csv: row 3, column 'p': value 1.5 is not a probability", "score", broken, "--label", "y", "--prob", "p")
    one_line_error("cannot be read beside files", "score", "-", broken, "--label", "y", "--prob", "p")


def test_threads_change_nothing(dataset):
    root, _ = dataset
    argv = [root, "--label", "y", "--prob", "p", "--weight", "w", "--by", "country", "--chunk-rows", "37"]
    assert scored(*argv, "--threads", "1") == scored(*argv, "--threads", "3")


# --- named classes --------------------------------------------------------------------------

NAMES = ["jacket", "coat", "cardigan"]  # the order of the probability columns, not sorted


@pytest.fixture(scope="module")
def garments(tmp_path_factory):
    rng = np.random.default_rng(5)
    n = 600
    y = np.array(NAMES)[rng.integers(0, 3, n)]
    P = softmax(rng.normal(scale=2, size=(n, 3)))  # columns: jacket, coat, cardigan
    path = tmp_path_factory.mktemp("classes") / "garments.csv"
    pa.csv.write_csv(pa.table({"bought": y, **{f"p_{name}": P[:, k] for k, name in enumerate(NAMES)}}), path)
    return path, y, P


def k_columns():
    return [arg for name in NAMES for arg in ("--prob", f"p_{name}")]


def test_named_classes_equal_log_loss_with_labels(garments):
    path, y, P = garments
    result = scored(path, "--label", "bought", "--classes", ",".join(NAMES), *k_columns(), "--chunk-rows", "111")
    order = np.argsort(NAMES)  # the library takes the columns in sorted class order
    sorted_names = [NAMES[k] for k in order]
    assert result["classes"] == sorted_names
    assert result["log_loss"] == pytest.approx(log_loss(y, P[:, order], labels=sorted_names), rel=1e-14)
    direct = LogLossAccumulator(labels=NAMES).update(y, P[:, order]).result()
    assert result == {"file": str(path), **json.loads(json.dumps(direct.to_dict()))}
    # Without --classes, text labels give the classes in sorted order, which here means the
    # columns must be given in that order too.
    sorted_columns = [arg for name in sorted_names for arg in ("--prob", f"p_{name}")]
    assert scored(path, "--label", "bought", *sorted_columns, "--chunk-rows", "111") == result


def test_bad_class_names_are_one_line(garments, tmp_path):
    path, _, _ = garments
    one_line_error(r"row \d+, column 'bought': 'cardigan' is not among --classes jacket,coat,parka",
                   "score", path, "--label", "bought", "--classes", "jacket,coat,parka", *k_columns())
    one_line_error(r"--classes names 2 classes \(jacket,coat\) but there are 3 --prob columns",
                   "score", path, "--label", "bought", "--classes", "jacket,coat", *k_columns())
    one_line_error(r"holds 3 labels \(cardigan, coat, jacket\) but there are 2 score columns",
                   "score", path, "--label", "bought", "--prob", "p_jacket", "--prob", "p_coat")
    indices = tmp_path / "indices.csv"
    indices.write_text("y,a,b,c\n0,0.2,0.3,0.5\n3,0.2,0.3,0.5\n")
    one_line_error(r"row 3, column 'y': '3' is not a class index 0 to 2; to name the classes, give --classes",
                   "score", indices, "--label", "y", "--prob", "a", "--prob", "b", "--prob", "c")


def test_k_class_text_report_has_top_label_calibration(garments):
    path, y, P = garments
    status, out, _ = run("score", path, "--label", "bought", "--classes", ",".join(NAMES), *k_columns())
    assert status == 0 and "top-label calibration" in out
    confidence = P.max(axis=1)
    right = np.array(NAMES)[P.argmax(axis=1)] == y
    top = np.searchsorted(np.linspace(0, 1, 11)[1:-1], confidence)
    for b in np.unique(top):
        line = f"  {b / 10:.1f}-{(b + 1) / 10:.1f}  {np.sum(top == b):>10g}   {confidence[top == b].mean():>14.4f}   {right[top == b].mean():>11.4f}"
        assert line in out, line


def test_compare_reads_a_dataset_too(tmp_path):
    from logloss_ref import LogLossComparisonAccumulator

    rng = np.random.default_rng(8)
    y, a, b = rng.integers(0, 2, 500), rng.uniform(size=500), rng.uniform(size=500)
    (tmp_path / "d" / "day=1").mkdir(parents=True)
    (tmp_path / "d" / "day=2").mkdir()
    pq.write_table(pa.table({"y": y[:200], "a": a[:200], "b": b[:200]}), tmp_path / "d" / "day=1" / "part-0.parquet")
    pyarrow.csv.write_csv(pa.table({"y": y[200:], "a": a[200:], "b": b[200:]}), tmp_path / "d" / "day=2" / "part-0.csv")
    status, out, err = run("compare", tmp_path / "d", "--label", "y", "--prob", "a", "--prob", "b", "--json")
    assert status == 0, err
    expected = LogLossComparisonAccumulator().update(y, a, b).result()
    assert json.loads(out) == {"file": str(tmp_path / "d"), "model_a": "a", "model_b": "b",
                               **json.loads(json.dumps(expected.to_dict()))}
