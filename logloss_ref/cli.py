"""The command line: ``logloss-ref`` (or ``python -m logloss_ref``).

    logloss-ref example
    logloss-ref score FILE --label COL (--prob COL | --logit COL) [--weight COL] [--json]
    logloss-ref score FILE --label COL --prob C0 --prob C1 --prob C2 ...   (K classes)

``score`` streams the CSV in chunks through a `LogLossAccumulator`, so its memory does not
depend on the number of rows. Bad input ends with one line naming the file, row and column,
and exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import os
import sys
from dataclasses import dataclass

import numpy as np

from . import __version__
from ._validation import ROW_SUM_TOLERANCE
from .data import case_study_table
from .streaming import LogLossAccumulator, LogLossSummary

DEFAULT_CHUNK_ROWS = 1 << 16


class InputError(Exception):
    """A problem with the user's input, reported as one line and exit status 2."""


@dataclass
class Columns:
    label: int
    scores: list[int]  # one column (two classes), or one per class (K classes)
    weight: int | None
    names: list[str]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="logloss-ref", description="Binary cross-entropy (log loss): the worked example, and scoring files of predictions."
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    commands.add_parser(
        "example", help="print the case study's worked table", description="Print the worked log-loss table of the ten case-study customers."
    )
    score = commands.add_parser(
        "score",
        help="score a CSV file of predictions",
        description="Compute log loss, its baseline, normalized entropy, D², the Brier score, accuracy at 0.5 "
        "and a calibration table for a CSV file with a header row. The file is read in chunks, so any size works.",
    )
    score.add_argument("file", help="CSV file with a header row, or - for standard input")
    score.add_argument("--label", required=True, metavar="COL",
                       help="column of the true labels: 0 or 1, or with K score columns the class index 0 to K-1")
    kind = score.add_mutually_exclusive_group(required=True)
    kind.add_argument("--prob", metavar="COL", action="append",
                      help="column of predicted probabilities of class 1; repeat it once per class for K classes "
                      "(the first is class 0), each row summing to 1")
    kind.add_argument("--logit", metavar="COL", action="append",
                      help="column of logits (scores), the loss then exact; repeat it once per class for K classes")
    score.add_argument("--weight", metavar="COL", help="column of non-negative sample weights")
    score.add_argument("--json", action="store_true", help="print the results as JSON")
    score.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS, metavar="N", help=argparse.SUPPRESS)
    return parser


def _find_columns(header: list[str], args, name: str) -> Columns:
    names = [column.strip() for column in header]

    def index(column: str) -> int:
        if column not in names:
            raise InputError(f"{name}: no column {column!r} in the header; columns are {', '.join(map(repr, names))}")
        return names.index(column)

    score_columns = args.prob if args.prob is not None else args.logit
    if len(set(score_columns)) != len(score_columns):
        raise InputError(f"{name}: a score column is given twice: {', '.join(map(repr, score_columns))}")
    return Columns(index(args.label), [index(c) for c in score_columns], None if args.weight is None else index(args.weight), names)


def _locate(values: np.ndarray, kind: str, column: str, first_row: int, name: str, n_classes: int = 2) -> None:
    """Raise an InputError at the first value of ``values`` that is not valid for ``kind``."""
    if kind == "label" and n_classes > 2:
        bad = ~((values >= 0) & (values < n_classes) & (values == np.round(values)))
        problem = f"is not a class index 0 to {n_classes - 1}"
    elif kind == "label":
        bad = ~((values == 0) | (values == 1))
        problem = "is not 0 or 1"
    elif kind == "prob":
        bad = ~((values >= 0) & (values <= 1))
        problem = "is not a probability in [0, 1]"
    elif kind == "weight":
        bad = ~(np.isfinite(values) & (values >= 0))
        problem = "is not a finite, non-negative weight"
    else:  # logit
        bad = np.isnan(values)
        problem = "is not a number"
    if bad.any():
        at = int(np.argmax(bad))
        raise InputError(f"{name}: row {first_row + at}, column {column!r}: value {values[at]:g} {problem}")


def _parse_chunk(lines: list[str], columns: Columns, first_row: int, name: str) -> np.ndarray:
    wanted = [columns.label, *columns.scores] + ([] if columns.weight is None else [columns.weight])
    try:
        return np.loadtxt(lines, delimiter=",", quotechar='"', usecols=wanted, dtype=np.float64, ndmin=2)
    except ValueError:
        pass
    # Slow path, only to word the error: find the first row and column that do not parse.
    for offset, row in enumerate(csv.reader(lines)):
        if len(row) != len(columns.names):
            raise InputError(f"{name}: row {first_row + offset}: expected {len(columns.names)} fields, found {len(row)}")
        for index in wanted:
            try:
                float(row[index])
            except ValueError:
                raise InputError(
                    f"{name}: row {first_row + offset}, column {columns.names[index]!r}: {row[index]!r} is not a number"
                ) from None
    raise InputError(f"{name}: rows {first_row} to {first_row + len(lines) - 1} could not be read as CSV")


class _Progress:
    """A one-line progress report on stderr, only when stderr is a terminal."""

    def __init__(self, total_bytes: int | None):
        self.enabled = sys.stderr.isatty()
        self.total = total_bytes

    def show(self, rows: int, position: int | None) -> None:
        if not self.enabled:
            return
        share = f" ({100 * position / self.total:.0f}%)" if self.total and position is not None else ""
        sys.stderr.write(f"\rscored {rows:,} rows{share}")
        sys.stderr.flush()

    def done(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")


def score_stream(stream: io.TextIOBase, args, name: str, total_bytes: int | None = None) -> LogLossSummary:
    """Read CSV rows from ``stream`` in chunks and accumulate their scores."""
    header_line = stream.readline()
    if not header_line.strip():
        raise InputError(f"{name}: the file is empty; expected a header row and data rows")
    columns = _find_columns(next(csv.reader([header_line])), args, name)
    n_classes = len(columns.scores)
    multiclass = n_classes > 1
    accumulator = LogLossAccumulator(labels=list(range(n_classes))) if multiclass else LogLossAccumulator()
    progress = _Progress(total_bytes)
    first_row = 2  # the header is row 1, as in a spreadsheet
    label_name = columns.names[columns.label]
    score_names = [columns.names[c] for c in columns.scores]
    score_kind = "prob" if args.prob is not None else "logit"
    while True:
        lines = [line for line in itertools.islice(stream, args.chunk_rows)]
        if not lines:
            break
        data = _parse_chunk(lines, columns, first_row, name)
        labels = data[:, 0]
        scores = data[:, 1:1 + n_classes] if multiclass else data[:, 1]
        weights = data[:, 1 + n_classes] if columns.weight is not None else None
        try:
            if multiclass:
                labels = _class_indices(labels)
            if score_kind == "prob":
                accumulator.update(labels, scores, sample_weight=weights)
            else:
                accumulator.update(labels, logits=scores, sample_weight=weights)
        except ValueError as error:
            _locate(data[:, 0], "label", label_name, first_row, name, max(n_classes, 2))
            for k, score_name in enumerate(score_names):
                _locate(data[:, 1 + k], score_kind, score_name, first_row, name)
            if weights is not None:
                _locate(weights, "weight", columns.names[columns.weight], first_row, name)
            if multiclass and score_kind == "prob":
                off = np.abs(scores.sum(axis=1) - 1.0) > ROW_SUM_TOLERANCE
                if off.any():
                    at = int(np.argmax(off))
                    raise InputError(f"{name}: row {first_row + at}: the {n_classes} probabilities sum to "
                                     f"{scores[at].sum():.10g}, not 1") from None
            raise InputError(f"{name}: rows {first_row} to {first_row + len(lines) - 1}: {error}") from None
        first_row += len(lines)
        progress.show(accumulator.n_samples, _position(stream))
    progress.done()
    if accumulator.n_samples == 0:
        raise InputError(f"{name}: the file has a header but no data rows")
    try:
        return accumulator.result()
    except ValueError as error:
        raise InputError(f"{name}: {error}") from None


def _class_indices(labels: np.ndarray) -> np.ndarray:
    """Class-index labels read as floats, as integers; a fraction is refused (by `_locate`)."""
    if not (labels == np.round(labels)).all():
        raise ValueError("a label is not a whole number")
    return labels.astype(np.int64)


def _position(stream) -> int | None:
    try:
        return stream.buffer.tell() if hasattr(stream, "buffer") else None
    except (OSError, ValueError):
        return None


def format_summary(summary: LogLossSummary, name: str) -> str:
    def number(value):
        return "undefined (one class only)" if value is None else f"{value:.6f}"

    if summary.classes is not None:
        shares = ", ".join(f"{c}: {s:.4f}" for c, s in zip(summary.classes, summary.class_shares))
        return "\n".join([
            f"{name}: {summary.n_samples:,} rows, total weight {summary.total_weight:g}, {len(summary.classes)} classes",
            f"class shares          {shares}",
            f"log loss              {number(summary.log_loss)}",
            f"baseline log loss     {number(summary.baseline_log_loss)}   (always predicting the class shares)",
            f"normalized entropy    {number(summary.normalized_entropy)}   (log loss / baseline; below 1 beats the baseline)",
            f"D²                    {number(summary.d2)}   (1 - normalized entropy)",
            f"Brier score           {number(summary.brier_score)}   (squared distance to the one-hot vector)",
            f"accuracy              {number(summary.accuracy)}   (most probable class)",
        ])
    lines = [
        f"{name}: {summary.n_samples:,} rows, total weight {summary.total_weight:g}, share of class 1 {summary.prevalence:.4f}",
        f"log loss              {number(summary.log_loss)}",
        f"baseline log loss     {number(summary.baseline_log_loss)}   (always predicting the share of class 1)",
        f"normalized entropy    {number(summary.normalized_entropy)}   (log loss / baseline; below 1 beats the baseline)",
        f"D²                    {number(summary.d2)}   (1 - normalized entropy)",
        f"Brier score           {number(summary.brier_score)}",
        f"accuracy at 0.5       {number(summary.accuracy)}",
        "calibration (bins of predicted probability):",
        "  bin          weight   mean predicted   observed share of 1",
    ]
    for b in summary.calibration:
        lines.append(f"  {b.low:.1f}-{b.high:.1f}  {b.weight:>10g}   {b.mean_predicted:>14.4f}   {b.observed:>20.4f}")
    return "\n".join(lines)


def _run_score(args) -> str:
    if args.chunk_rows < 1:
        raise InputError("--chunk-rows must be at least 1")
    if args.file == "-":
        summary = score_stream(sys.stdin, args, "<stdin>")
    else:
        try:
            size = os.path.getsize(args.file)
            with open(args.file, encoding="utf-8", newline="") as stream:
                summary = score_stream(stream, args, args.file, size)
        except (OSError, UnicodeDecodeError) as error:
            raise InputError(f"{args.file}: cannot read: {getattr(error, 'strerror', None) or error}") from None
    name = "<stdin>" if args.file == "-" else args.file
    return json.dumps({"file": name, **summary.to_dict()}, indent=2) if args.json else format_summary(summary, name)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for bad input)."""
    args = _parser().parse_args(argv)
    try:
        output = case_study_table().worked_table() if args.command == "example" else _run_score(args)
    except InputError as error:
        print(f"logloss-ref: error: {error}", file=sys.stderr)
        return 2
    print(output)
    return 0


def main_exit() -> None:
    """Entry point of the ``logloss-ref`` console script."""
    sys.exit(main())
