"""The command line on real prediction files: formats, labels, segments (--by) and bad input."""

from __future__ import annotations

import bz2
import gzip
import json
import re
import subprocess
import sys

import numpy as np
import pyarrow as pa
import pyarrow.feather
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logloss_ref import (
    baseline_log_loss,
    brier_score,
    calibration_curve,
    d2_log_loss,
    log_loss,
    log_loss_from_logits,
    normalized_entropy,
)
from logloss_ref.cli import main
from command_line import run_cli

Y = [1, 0, 1, 1, 0, 0, 1, 0]
P = [0.9, 0.2, 0.65, 0.4, 0.1, 0.55, 0.8, 0.3]


def scored(capsys, *argv) -> dict:
    assert main(["score", *map(str, argv), "--json"]) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def csv_text(delimiter=",", labels=None, newline="\n", bom=False, quote=False) -> str:
    labels = Y if labels is None else labels
    q = '"' if quote else ""
    rows = [delimiter.join([f"{q}id{q}", f"{q}bought; or not{q}" if quote else "label", "p"])]
    rows += [delimiter.join([f"{q}c{i}{q}", f"{q}{label}{q}", repr(p)]) for i, (label, p) in enumerate(zip(labels, P))]
    return ("\ufeff" if bom else "") + newline.join(rows) + newline


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
@pytest.mark.parametrize("newline, bom, quote", [("\n", False, False), ("\r\n", True, True)])
def test_any_delimiter_quotes_crlf_and_a_bom(tmp_path, capsys, delimiter, newline, bom, quote):
    path = tmp_path / "p.csv"
    path.write_bytes(csv_text(delimiter, newline=newline, bom=bom, quote=quote).encode())
    label = "bought; or not" if quote else "label"
    assert scored(capsys, path, "--label", label, "--prob", "p")["log_loss"] == pytest.approx(log_loss(Y, P), rel=1e-14)
    # The same with the delimiter given
    assert scored(capsys, path, "--label", label, "--prob", "p", "--delimiter", delimiter)["n_samples"] == len(Y)


@pytest.mark.parametrize("suffix, compress", [
    (".csv.gz", gzip.compress), (".csv.bz2", bz2.compress), (".csv.zst", None),
])
def test_compressed_csv_by_extension(tmp_path, capsys, suffix, compress):
    data = csv_text().encode()
    path = tmp_path / f"p{suffix}"
    if compress is None:
        with pa.CompressedOutputStream(str(path), "zstd") as out:
            out.write(data)
    else:
        path.write_bytes(compress(data))
    assert scored(capsys, path, "--label", "label", "--prob", "p")["log_loss"] == pytest.approx(log_loss(Y, P), rel=1e-14)


@pytest.mark.parametrize("labels", [
    ["true" if y else "false" for y in Y],
    ["TRUE" if y else "False" for y in Y],
    ["tRuE" if y else "fAlSe" for y in Y],
    [float(y) for y in Y],
])
def test_boolean_and_numeric_labels(tmp_path, capsys, labels):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(labels=labels))
    assert scored(capsys, path, "--label", "label", "--prob", "p")["log_loss"] == pytest.approx(log_loss(Y, P), rel=1e-14)


def test_positive_names_class_1_among_any_two_values(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(labels=["jacket" if y else "cardigan" for y in Y]))
    result = scored(capsys, path, "--label", "label", "--prob", "p", "--positive", "jacket")
    assert result["log_loss"] == pytest.approx(log_loss(Y, P), rel=1e-14)
    flipped = scored(capsys, path, "--label", "label", "--prob", "p", "--positive", "cardigan")
    assert flipped["log_loss"] == pytest.approx(log_loss(1 - np.array(Y), P), rel=1e-14)


def table(rows: int = 1000, seed: int = 0) -> pa.Table:
    rng = np.random.default_rng(seed)
    return pa.table({
        "label": rng.integers(0, 2, rows).astype(bool),
        "p": rng.uniform(size=rows),
        "z": rng.normal(scale=3, size=rows),
        "w": rng.uniform(0.5, 2, rows),
        "country": rng.choice(["FR", "DE", "IT", None], rows),
        "unused": rng.uniform(size=rows),
    })


@pytest.mark.parametrize("fmt", ["parquet", "feather", "csv"])
def test_parquet_feather_and_csv_agree_with_the_library(tmp_path, capsys, fmt):
    data = table()
    path = tmp_path / f"p.{fmt}"
    if fmt == "parquet":
        pq.write_table(data, path, row_group_size=300)  # four row groups
    elif fmt == "feather":
        pyarrow.feather.write_feather(data, path, chunksize=300)
    else:
        pa.csv.write_csv(data, path)
    y, p, z, w = (data[c].to_numpy(zero_copy_only=False) for c in ("label", "p", "z", "w"))
    result = scored(capsys, path, "--label", "label", "--prob", "p", "--weight", "w", "--chunk-rows", "128")
    assert result["log_loss"] == pytest.approx(log_loss(y, p, sample_weight=w), rel=1e-13)
    assert result["brier_score"] == pytest.approx(brier_score(y, p, sample_weight=w), rel=1e-12)
    logits = scored(capsys, path, "--label", "label", "--logit", "z")
    assert logits["log_loss"] == pytest.approx(log_loss_from_logits(y, z), rel=1e-13)


def test_parquet_reads_only_the_needed_columns_in_batches(tmp_path, monkeypatch, capsys):
    path = tmp_path / "p.parquet"
    pq.write_table(table(4000), path, row_group_size=1000)
    asked, sizes = [], []
    original = pq.ParquetFile.iter_batches

    def spy(self, *args, **kwargs):  # pyarrow reads the row groups one after another, as the batches need them
        asked.append(kwargs.get("columns"))
        for batch in original(self, *args, **kwargs):
            sizes.append(batch.num_rows)
            yield batch

    monkeypatch.setattr(pq.ParquetFile, "iter_batches", spy)
    scored(capsys, path, "--label", "label", "--prob", "p", "--chunk-rows", "700")
    assert asked == [["label", "p"]] and max(sizes) <= 700 and sum(sizes) == 4000


def test_stdin_reads_csv(tmp_path):
    done = subprocess.run([sys.executable, "-m", "logloss_ref", "score", "-", "--label", "label", "--prob", "p", "--json"],
                          input=csv_text(";"), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["log_loss"] == pytest.approx(log_loss(Y, P), rel=1e-14)


# --- segments -------------------------------------------------------------------------------

@settings(max_examples=25, deadline=None)
@given(
    rows=st.integers(1, 300),
    n_segments=st.integers(1, 6),
    weighted=st.booleans(),
    chunk_rows=st.integers(1, 120),
    seed=st.integers(0, 2**32 - 1),
)
def test_each_segment_equals_the_library_on_its_rows(tmp_path_factory, rows, n_segments, weighted, chunk_rows, seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 2, rows).astype(bool)
    p = rng.uniform(size=rows)
    w = rng.uniform(0.1, 3, rows) if weighted else None
    segment = rng.integers(0, n_segments, rows)
    path = tmp_path_factory.mktemp("seg") / "p.parquet"
    pq.write_table(pa.table({"y": y, "p": p, "w": np.ones(rows) if w is None else w,
                             "s": [f"s{k}" for k in segment]}), path)
    argv = ["score", str(path), "--label", "y", "--prob", "p", "--by", "s", "--json", "--chunk-rows", str(chunk_rows)]
    if weighted:
        argv += ["--weight", "w"]
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(argv) == 0
    result = json.loads(out.getvalue())
    counts = [int((segment == k).sum()) for k in range(n_segments)]
    assert [s["n_samples"] for s in result["segments"]] == sorted((c for c in counts if c), reverse=True)
    for summary in result["segments"]:
        k = int(summary["segment"]["s"][1:])
        mask = segment == k
        weights = None if w is None else w[mask]
        assert summary["log_loss"] == pytest.approx(log_loss(y[mask], p[mask], sample_weight=weights), rel=1e-10)
        assert summary["baseline_log_loss"] == pytest.approx(baseline_log_loss(y[mask], sample_weight=weights), rel=1e-10, abs=1e-15)
        assert summary["brier_score"] == pytest.approx(brier_score(y[mask], p[mask], sample_weight=weights), rel=1e-10)
        if 0 < y[mask].sum() < mask.sum():
            assert summary["normalized_entropy"] == pytest.approx(normalized_entropy(y[mask], p[mask], sample_weight=weights), rel=1e-9)
            assert summary["d2"] == pytest.approx(d2_log_loss(y[mask], p[mask], sample_weight=weights), rel=1e-9, abs=1e-12)
        else:
            assert summary["normalized_entropy"] is None
        if weights is None:
            observed, predicted = calibration_curve(y[mask], p[mask], n_bins=10)
            assert [b["mean_predicted"] for b in summary["calibration"]] == pytest.approx(list(predicted), rel=1e-10)
            assert [b["observed"] for b in summary["calibration"]] == pytest.approx(list(observed), rel=1e-10)
    assert result["all"]["log_loss"] == pytest.approx(log_loss(y, p, sample_weight=w), rel=1e-12)


def test_segments_by_two_columns_and_the_text_table(tmp_path, capsys):
    path = tmp_path / "p.csv"
    path.write_text("y,p,country,device\n1,0.9,FR,phone\n0,0.2,FR,phone\n1,0.6,DE,desk\n0,0.3,FR,desk\n1,0.7,FR,phone\n")
    assert main(["score", str(path), "--label", "y", "--prob", "p", "--by", "country", "--by", "device"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "5 rows in 3 segments by country, device" in lines[0]
    rows = [line.split()[:3] for line in lines[2:6]]
    assert rows == [["all", "rows", "5"], ["FR,", "phone", "3"], ["DE,", "desk", "1"], ["FR,", "desk", "1"]]
    expected = log_loss([1, 0, 1], [0.9, 0.2, 0.7])
    assert f"{expected:.4f}" in lines[3]


# --- bad input --------------------------------------------------------------------------------

def assert_one_line_error(done, path, words):
    assert done.returncode == 2, done.stdout
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
    assert str(path) in done.stderr
    assert re.search(words, done.stderr), done.stderr


def test_a_corrupt_parquet_file(tmp_path):
    path = tmp_path / "p.parquet"
    path.write_bytes(b"PAR1 this is not really parquet")
    assert_one_line_error(run_cli("score", path, "--label", "y", "--prob", "p"), path, "not a readable Parquet file")


def test_a_truncated_gzip_file(tmp_path):
    rows = "".join(f"{i % 2},{(i % 97) / 97!r}\n" for i in range(200_000))
    data = gzip.compress(("label,p\n" + rows).encode())
    path = tmp_path / "p.csv.gz"
    path.write_bytes(data[: len(data) // 2])
    assert_one_line_error(run_cli("score", path, "--label", "label", "--prob", "p"), path, r"cannot read the data after row \d+: Truncated")


def test_a_column_of_the_wrong_type(tmp_path):
    path = tmp_path / "p.parquet"
    pq.write_table(pa.table({"y": [1, 0], "p": ["0.5", "0.2"]}), path)
    assert_one_line_error(run_cli("score", path, "--label", "y", "--prob", "p"), path, "column 'p' holds string values; expected numbers")
    csv = tmp_path / "p.csv"
    csv.write_text("y,p\n1,0.5\n0,0.2\n1,high\n")
    assert_one_line_error(run_cli("score", csv, "--label", "y", "--prob", "p"), csv, "row 4, column 'p': 'high' is not a number")


def test_a_missing_segment_column(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(csv_text())
    done = run_cli("score", path, "--label", "label", "--prob", "p", "--by", "country")
    assert_one_line_error(done, path, r"no column 'country' \(--by\) in the header")


def test_a_positive_value_that_never_occurs(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text(csv_text(labels=["jacket" if y else "cardigan" for y in Y]))
    done = run_cli("score", path, "--label", "label", "--prob", "p", "--positive", "coat")
    assert_one_line_error(done, path, r"--positive 'coat' never occurs; its values are 'cardigan', 'jacket'")
    three = tmp_path / "three.csv"
    three.write_text("label,p\njacket,0.5\ncardigan,0.5\ncoat,0.5\n")
    done = run_cli("score", three, "--label", "label", "--prob", "p", "--positive", "jacket")
    assert_one_line_error(done, three, r"row 4, column 'label': a third label 'coat'")


def test_labels_that_are_not_two_classes_suggest_positive(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("label,p\nyes,0.5\nno,0.5\n")
    assert_one_line_error(run_cli("score", path, "--label", "label", "--prob", "p"), path,
                          r"row 2, column 'label': 'yes' is not 0 or 1, nor true or false; .*--positive")


@pytest.mark.parametrize("columns, words", [
    (["--prob", "a"], "compare needs two --prob columns, model A's then model B's; got 1"),
    (["--prob", "a", "--prob", "b", "--prob", "c"], "compare needs two --prob columns.*got 3"),
    (["--prob", "a", "--prob", "a"], "--prob names the same column twice"),
])
def test_compare_needs_exactly_two_different_columns(tmp_path, columns, words):
    path = tmp_path / "p.csv"
    path.write_text("y,a,b,c\n1,0.9,0.8,0.7\n0,0.2,0.1,0.3\n")
    assert_one_line_error(run_cli("compare", path, "--label", "y", *columns), path, words)


def test_a_row_where_one_model_has_no_prediction(tmp_path):
    path = tmp_path / "p.csv"
    path.write_text("y,a,b\n1,0.9,0.8\n0,0.2,\n1,0.6,0.7\n")
    done = run_cli("compare", path, "--label", "y", "--prob", "a", "--prob", "b")
    assert_one_line_error(done, path, r"row 3, column 'b': the value is missing \(an empty field\)")
