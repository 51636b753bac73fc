"""cli: the logloss-ref command, its output, its errors and its memory."""

import fcntl
import json
import os
import pty
import re
import struct
import subprocess
import sys
import sysconfig
import termios
from pathlib import Path

import numpy as np
import pytest

from logloss_ref import brier_score, case_study_table, d2_log_loss, log_loss, log_loss_from_logits
from logloss_ref.cli import main
from command_line import run_cli


def write_csv(path, y, scores, weights=None, score_name="p"):
    columns = ["id", "label", score_name] + (["w"] if weights is not None else [])
    with open(path, "w") as f:
        f.write(",".join(columns) + "\n")
        for i, row in enumerate(zip(y, scores, *([weights] if weights is not None else []))):
            f.write(",".join([f"c{i}", *(repr(float(v)) if isinstance(v, float) else str(v) for v in row)]) + "\n")
    return path


@pytest.fixture
def predictions(tmp_path):
    rng = np.random.default_rng(5)
    y = rng.integers(0, 2, 1000)
    p = rng.uniform(size=1000)
    w = rng.uniform(0.5, 2, 1000)
    return write_csv(tmp_path / "pred.csv", y.tolist(), p.tolist(), w.tolist()), y, p, w


def test_example_prints_the_worked_table(capsys):
    assert main(["example"]) == 0
    assert capsys.readouterr().out.strip() == case_study_table().worked_table()


def test_score_json_matches_the_library(predictions, capsys):
    path, y, p, w = predictions
    assert main(["score", str(path), "--label", "label", "--prob", "p", "--weight", "w", "--json", "--chunk-rows", "97"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["n_samples"] == 1000
    assert result["log_loss"] == pytest.approx(log_loss(y, p, sample_weight=w), rel=1e-13)
    assert result["d2"] == pytest.approx(d2_log_loss(y, p, sample_weight=w), rel=1e-12)
    assert result["brier_score"] == pytest.approx(brier_score(y, p, sample_weight=w), rel=1e-13)
    assert len(result["calibration"]) == 10


def test_score_text_and_logits(tmp_path, capsys):
    z = [-1e4, 3.0, 0.5]
    path = write_csv(tmp_path / "z.csv", [1, 0, 1], z, score_name="z")
    assert main(["score", str(path), "--label", "label", "--logit", "z"]) == 0
    out = capsys.readouterr().out
    assert f"log loss              {log_loss_from_logits([1, 0, 1], z):.6f}" in out
    assert "normalized entropy" in out and "calibration" in out


# The console script of the environment running the tests, never whatever `logloss-ref` is on PATH.
CONSOLE_SCRIPT = Path(sysconfig.get_path("scripts")) / "logloss-ref"


def test_stdin_and_the_console_script(tmp_path):
    data = "label,p\n1,0.9\n0,0.2\n"
    assert CONSOLE_SCRIPT.is_file(), f"{CONSOLE_SCRIPT} is missing: is the package installed in this environment?"
    for command in ([sys.executable, "-m", "logloss_ref"], [str(CONSOLE_SCRIPT)]):
        done = subprocess.run([*command, "score", "-", "--label", "label", "--prob", "p", "--json"],
                              input=data, capture_output=True, text=True, env=os.environ | {"PATH": os.defpath})
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["log_loss"] == pytest.approx(log_loss([1, 0], [0.9, 0.2]))
        assert done.stderr == ""  # no progress bar when stderr is not a terminal
    # Bad input through a real process: one line on stderr, exit status 2, no traceback.
    done = subprocess.run([*command, "score", "-", "--label", "label", "--prob", "p"], input="label,p\n1,0.5\n0,-0.5\n",
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr == "logloss-ref: error: <stdin>: row 3, column 'p': value -0.5 is not a probability in [0, 1]\n", done.stderr


def test_progress_goes_to_stderr_only_on_a_terminal(tmp_path):
    path = write_csv(tmp_path / "p.csv", [1, 0] * 50, [0.7, 0.2] * 50)
    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))  # a terminal 120 columns wide
    done = subprocess.run(
        [sys.executable, "-m", "logloss_ref", "score", str(path), "--label", "label", "--prob", "p", "--chunk-rows", "30"],
        stdout=subprocess.PIPE, stderr=terminal, text=True,
    )
    os.close(terminal)
    shown = os.read(controller, 4096).decode()
    os.close(controller)
    assert done.returncode == 0 and "log loss" in done.stdout
    # tqdm's bar: the share of the file read, then rows and rows per second
    assert "%" in shown and "100 rows" in shown and "rows/s" in shown, shown
    assert "rows/s" not in done.stdout


@pytest.mark.parametrize("content, words", [
    ("", "the file is empty"),
    ("label,p\n", "header but no data rows"),
    ("lab,p\n1,0.5\n", r"no column 'label' \(--label\) in the header; columns are 'lab', 'p'"),
    ("label,p\n1,0.5\n1,abc\n", "row 3, column 'p': 'abc' is not a number"),
    ("label,p\n1,0.5\n2,0.5\n", "row 3, column 'label': '2' is not 0 or 1, nor true or false"),
    ("label,p\n1,0.5\n1,\n", r"row 3, column 'p': the value is missing \(an empty field\)"),
    ("label,p\n1,0.5\n0,-0.5\n", r"row 3, column 'p': value -0.5 is not a probability in \[0, 1\]"),
    ("label,p\n1,0.5\n0\n", "row 3: expected 2 fields, found 1"),
    ("label,p\n1,nan\n", r"row 2, column 'p': value nan is not a probability"),
])
def test_bad_input_is_one_line_and_exit_status_2(tmp_path, content, words):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    done = run_cli("score", path, "--label", "label", "--prob", "p")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    assert str(path) in done.stderr
    assert re.search(words, done.stderr), done.stderr


def test_missing_file_and_usage_errors(capsys):
    assert main(["score", "/no/such/file.csv", "--label", "a", "--prob", "b"]) == 2
    assert "cannot read" in capsys.readouterr().err
    with pytest.raises(SystemExit) as stop:
        main(["score", "x.csv", "--label", "a"])  # neither --prob nor --logit
    assert stop.value.code == 2


@pytest.mark.parametrize("argv", [["--help"], ["example", "--help"], ["score", "--help"]])
def test_every_command_has_help(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        main(argv)
    assert stop.value.code == 0
    assert "usage: logloss-ref" in capsys.readouterr().out


# The child's own peak (VmHWM); ru_maxrss would start from the parent's size, inherited through fork.
PEAK_RSS = """
import re, sys
from logloss_ref.cli import main
main(["score", sys.argv[1], "--label", "label", "--prob", "p", "--json", "--chunk-rows", "50000"])
print(re.search(r"VmHWM:\\s+(\\d+) kB", open("/proc/self/status").read())[1])
"""


def peak_rss_kib_scoring(path) -> int:
    done = subprocess.run([sys.executable, "-c", PEAK_RSS, str(path)], capture_output=True, text=True, check=True)
    return int(done.stdout.strip().splitlines()[-1])


def write_big_csv(path, rows: int):
    import pyarrow as pa
    import pyarrow.csv

    rng = np.random.default_rng(1)
    table = pa.table({"id": np.arange(rows), "label": rng.integers(0, 2, rows), "p": rng.uniform(size=rows)})
    pyarrow.csv.write_csv(table, path)
    return path


def test_memory_does_not_grow_with_the_number_of_rows(tmp_path):
    # The whole process, pyarrow's buffers included (tracemalloc does not see them).
    # Both files are larger than what pyarrow's CSV reader keeps in flight (~10 MiB).
    small = peak_rss_kib_scoring(write_big_csv(tmp_path / "small.csv", 1_000_000))
    large = peak_rss_kib_scoring(write_big_csv(tmp_path / "large.csv", 4_000_000))
    # Four times the rows (the large file is ~110 MiB, 80 MiB more); the peak grows by under 24 MiB,
    # which is what two threads parsing stretches of the file side by side leave as noise (a few
    # batches more or less in flight when the peak is taken), not a growth with the rows.
    assert large - small < 24 * 1024, (small, large)


# --- K classes ----------------------------------------------------------------------------

def write_class_csv(path, y, values, prefix):
    k = values.shape[1]
    with open(path, "w") as f:
        f.write(",".join(["label", *(f"{prefix}{j}" for j in range(k))]) + "\n")
        for label, row in zip(y, values):
            f.write(",".join([str(label), *(repr(float(v)) for v in row)]) + "\n")
    return path


@pytest.mark.parametrize("kind", ["prob", "logit"])
def test_score_k_columns_matches_the_library(tmp_path, capsys, kind):
    from logloss_ref import softmax

    rng = np.random.default_rng(3)
    y = rng.integers(0, 3, 500)
    z = rng.normal(scale=3, size=(500, 3))
    values = softmax(z) if kind == "prob" else z
    path = write_class_csv(tmp_path / "k.csv", y, values, "s")
    argv = ["score", str(path), "--label", "label", *sum(([f"--{kind}", f"s{j}"] for j in range(3)), []), "--json", "--chunk-rows", "77"]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    expected = (log_loss(y, values, labels=[0, 1, 2]) if kind == "prob" else log_loss_from_logits(y, z, labels=[0, 1, 2]))
    assert result["log_loss"] == pytest.approx(expected, rel=1e-12)
    assert result["classes"] == [0, 1, 2] and result["prevalence"] is None
    assert result["brier_score"] == pytest.approx(brier_score(y, softmax(z), labels=[0, 1, 2]), rel=1e-9)
    assert main(argv[:-3]) == 0  # the text report
    assert "3 classes" in capsys.readouterr().out


@pytest.mark.parametrize("content, extra, words", [
    ("label,a,b,c\n0,0.2,0.3,0.5\n3,0.2,0.3,0.5\n", [], "row 3, column 'label': '3' is not a class index 0 to 2"),
    ("label,a,b,c\n0,0.2,0.3,0.5\n1,0.2,0.3,0.6\n", [], "row 3: the 3 probabilities sum to 1.1, not 1"),
    ("label,a,b,c\n0,0.2,0.3,0.5\n", ["--prob", "a"], "--prob names the same column twice"),
])
def test_k_class_bad_input_is_one_line(tmp_path, content, extra, words):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    done = run_cli("score", path, "--label", "label", "--prob", "a", "--prob", "b", "--prob", "c", *extra)
    assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
    assert re.search(words, done.stderr), done.stderr


def test_json_output_is_json_dumps_with_an_indent_of_two():
    from logloss_ref.cli import _json

    document = {"file": "a\u00e9\"b.csv", "by": ["segment"], "empty": {}, "none": [], "n": 3, "flag": True, "off": False,
                "missing": None, "numbers": [0.1, -0.0, 1e300, float("inf"), float("-inf"), float("nan"), np.float64(0.3)],
                "segments": [{"segment": {"country": "FR"}, "calibration": [{"low": 0.0, "weight": 2.5}], "n": 7}]}
    assert _json(document) == json.dumps(document, indent=2)
    assert _json({1: "a key that is no text"}) == json.dumps({1: "a key that is no text"}, indent=2)
