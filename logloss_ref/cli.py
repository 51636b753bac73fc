"""The command line: ``logloss-ref`` (or ``python -m logloss_ref``).

    logloss-ref example
    logloss-ref score FILE --label COL (--prob COL | --logit COL) [--weight COL] [--by COL ...] [--json]
    logloss-ref score FILE --label COL --prob C0 --prob C1 --prob C2 ...   (K classes)
    logloss-ref compare FILE --label COL (--prob A --prob B | --logit A --logit B) [--weight COL] [--json]

FILE is a CSV file (any delimiter; ``.gz``, ``.bz2`` or ``.zst`` compressed), Parquet, Arrow
IPC / Feather, or ``-`` for CSV on standard input (see ``logloss_ref._files``). Rows stream
in batches through a `LogLossAccumulator` (or a `LogLossComparison` accumulator), so memory
does not depend on the number of rows. Bad input ends with one line naming the file, row and
column, and exit status 2. Reading files needs pyarrow: ``pip install 'logloss_ref[cli]'``.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

import numpy as np

from . import __version__
from ._files import InputError, LabelReader, PredictionFile, SegmentCoder
from ._validation import ROW_SUM_TOLERANCE
from .comparison import LogLossComparisonAccumulator
from .data import case_study_table
from .streaming import LogLossAccumulator, LogLossSummary, _update_groups

DEFAULT_CHUNK_ROWS = 1 << 18  # rows scored at a time: ~20 MiB of arrays, and faster than 1 << 20 here

__all__ = ["InputError", "main", "main_exit"]


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
        help="score a file of predictions",
        description="Compute log loss, its baseline, normalized entropy, D², the Brier score, accuracy and a "
        "calibration table for a file of predictions (CSV, compressed CSV, Parquet or Arrow), overall and, with "
        "--by, per segment. The file is read in batches, so any size works.",
    )
    _file_arguments(score)
    score.add_argument("--label", required=True, metavar="COL",
                       help="column of the true labels: 0/1 or true/false (see --positive), or with K score columns "
                       "the class index 0 to K-1")
    kind = score.add_mutually_exclusive_group(required=True)
    kind.add_argument("--prob", metavar="COL", action="append",
                      help="column of predicted probabilities of class 1; repeat it once per class for K classes "
                      "(the first is class 0), each row summing to 1")
    kind.add_argument("--logit", metavar="COL", action="append",
                      help="column of logits (scores), the loss then exact; repeat it once per class for K classes")
    score.add_argument("--by", metavar="COL", action="append",
                       help="also score each value of this column (repeat it to segment by combinations)")
    _common_arguments(score)
    compare = commands.add_parser(
        "compare",
        help="compare two models' predictions for the same labels",
        description="Score two models on the same rows and estimate the difference in log loss (B - A) with its "
        "standard error and 95%% interval from the per-row paired differences.",
    )
    _file_arguments(compare)
    compare.add_argument("--label", required=True, metavar="COL", help="column of the true labels, 0/1 or true/false")
    kind = compare.add_mutually_exclusive_group(required=True)
    kind.add_argument("--prob", metavar="COL", action="append", help="probability column of model A, then of model B")
    kind.add_argument("--logit", metavar="COL", action="append", help="logit column of model A, then of model B")
    _common_arguments(compare)
    return parser


def _file_arguments(command) -> None:
    command.add_argument("file", help="CSV (.csv, .gz, .bz2, .zst), Parquet or Arrow/Feather file, or - for CSV on standard input")
    command.add_argument("--delimiter", metavar="CHAR", help="the CSV delimiter (default: guessed from the header row)")


def _common_arguments(command) -> None:
    command.add_argument("--weight", metavar="COL", help="column of non-negative sample weights")
    command.add_argument("--positive", metavar="VALUE",
                         help="the label value of class 1, when the labels are two values other than 0/1 or true/false")
    command.add_argument("--json", action="store_true", help="print the results as JSON")
    command.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS, metavar="N", help=argparse.SUPPRESS)


class _Progress:
    """A progress bar on stderr (tqdm), only when stderr is a terminal: rows, rows per second, and
    for a file the share read and the time left."""

    def __init__(self, source: PredictionFile):
        self.bar, self.source, self.start = None, source, time.perf_counter()
        if not sys.stderr.isatty():
            return
        from tqdm import tqdm

        if source.unit == "bytes" and source.total:
            self.bar = tqdm(total=source.total, unit="B", unit_scale=True, unit_divisor=1024, file=sys.stderr,
                            desc="reading", mininterval=0.2)
        else:
            self.bar = tqdm(total=source.total, unit=" rows", unit_scale=True, file=sys.stderr,
                            desc="scoring", mininterval=0.2)

    def show(self, rows: int) -> None:
        if self.bar is None:
            return
        if self.bar.unit == "B":
            position = self.source.position()
            if position is not None:
                self.bar.update(position - self.bar.n)
            rate = rows / max(time.perf_counter() - self.start, 1e-9)
            self.bar.set_postfix_str(f"{rows:,} rows, {rate:,.0f} rows/s", refresh=False)
        else:
            self.bar.update(rows - self.bar.n)
        self.bar.refresh()

    def done(self) -> None:
        if self.bar is not None:
            self.bar.close()


# ---------------------------------------------------------------------------------------------
# Checking values, to word an error


def _locate(values: np.ndarray, kind: str, column: str, first_row: int, name: str) -> None:
    """Raise an InputError at the first value of ``values`` that is not valid for ``kind``."""
    if kind == "prob":
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


class _Scorer:
    """Reads the labels, scores and weights of each batch and feeds them to accumulators."""

    def __init__(self, source: PredictionFile, args, score_columns: list[str]):
        self.source, self.args = source, args
        self.score_columns = score_columns
        self.kind = "prob" if args.prob is not None else "logit"
        self.labels = LabelReader(source.name, args.label, positive=args.positive,
                                  n_classes=len(score_columns) if self.multiclass else 2)

    @property
    def numeric(self) -> set[str]:
        return set(self.score_columns) | ({self.args.weight} if self.args.weight else set())

    @property
    def text(self) -> set[str]:
        """Columns to read as text: the label when --positive names one of its values."""
        return {self.args.label} if self.args.positive is not None else set()

    @property
    def multiclass(self) -> bool:
        return self.args.command == "score" and len(self.score_columns) > 1

    def read(self, batch):
        y = self.labels(self.source.pa, batch.columns[self.args.label], batch.first_row)
        scores = [batch.columns[c] for c in self.score_columns]
        weights = batch.columns[self.args.weight] if self.args.weight else None
        return y, scores, weights

    def explain(self, error: ValueError, batch, scores, weights) -> InputError:
        """The first bad value of the batch, or failing that the library's own message."""
        name = self.source.name
        for column, values in zip(self.score_columns, scores):
            _locate(values, self.kind, column, batch.first_row, name)
        if weights is not None:
            _locate(weights, "weight", self.args.weight, batch.first_row, name)
        if self.multiclass and self.kind == "prob":
            sums = np.sum(scores, axis=0)
            off = np.abs(sums - 1.0) > ROW_SUM_TOLERANCE
            if off.any():
                at = int(np.argmax(off))
                return InputError(f"{name}: row {batch.first_row + at}: the {len(scores)} probabilities sum to "
                                  f"{sums[at]:.10g}, not 1")
        last = batch.first_row + len(next(iter(batch.columns.values()))) - 1
        return InputError(f"{name}: rows {batch.first_row} to {last}: {error}")


def _open(args) -> tuple[PredictionFile, list[str]]:
    if args.chunk_rows < 1:
        raise InputError("--chunk-rows must be at least 1")
    if args.delimiter is not None and len(args.delimiter) != 1:
        raise InputError(f"--delimiter must be one character; got {args.delimiter!r}")
    score_columns = args.prob if args.prob is not None else args.logit
    option = "--prob" if args.prob is not None else "--logit"
    source = PredictionFile(args.file, delimiter=args.delimiter, batch_rows=args.chunk_rows)
    if len(set(score_columns)) != len(score_columns):
        raise InputError(f"{source.name}: {option} names the same column twice: {', '.join(map(repr, score_columns))}")
    if args.command == "compare" and len(score_columns) != 2:
        raise InputError(f"{source.name}: compare needs two {option} columns, model A's then model B's; "
                         f"got {len(score_columns)}: {', '.join(map(repr, score_columns))}")
    if args.positive is not None and args.command == "score" and len(score_columns) > 1:
        raise InputError("--positive is for two classes; with K score columns the labels are class indices")
    by = getattr(args, "by", None) or []
    if len(set(by)) != len(by):
        raise InputError(f"--by names the same column twice: {', '.join(map(repr, by))}")
    options = {args.label: "--label", **{c: option for c in score_columns}, **{c: "--by" for c in by}}
    if args.weight:
        options[args.weight] = "--weight"
    source.require(list(options), options)
    return source, score_columns


# ---------------------------------------------------------------------------------------------
# score


def _run_score(args) -> str:
    source, score_columns = _open(args)
    scorer = _Scorer(source, args, score_columns)
    n_classes = len(score_columns)

    def accumulator() -> LogLossAccumulator:
        return LogLossAccumulator(labels=list(range(n_classes))) if scorer.multiclass else LogLossAccumulator()

    total, by = accumulator(), args.by or []
    segments: list[LogLossAccumulator] = []  # by segment number (SegmentCoder.keys)
    coder = SegmentCoder(by, source.name) if by else None
    wanted = [args.label, *score_columns] + ([args.weight] if args.weight else []) + by
    progress = _Progress(source)
    for batch in source.batches(wanted, numeric=scorer.numeric, text=scorer.text | set(by)):
        y, scores, weights = scorer.read(batch)
        values = np.column_stack(scores) if scorer.multiclass else scores[0]
        try:
            rows = total._rows(y, *((values, None) if scorer.kind == "prob" else (None, values)), weights)
        except ValueError as error:
            raise scorer.explain(error, batch, scores, weights) from None
        total._add(rows)
        if coder is not None:
            numbers = coder(source.pa, [batch.columns[c] for c in by])
            segments += [accumulator() for _ in range(len(coder.keys) - len(segments))]
            _update_groups(segments, numbers, rows)
        progress.show(total.n_samples)
    progress.done()
    scorer.labels.finish()
    if total.n_samples == 0:
        raise InputError(f"{source.name}: the file has a header but no data rows")
    summary = _result(total, source.name)
    if not by:
        return json.dumps({"file": source.name, **summary.to_dict()}, indent=2) if args.json else format_summary(summary, source.name)
    ranked = sorted(((coder.keys[k], _result(a, source.name)) for k, a in enumerate(segments)),
                    key=lambda item: (-item[1].n_samples, [str(v) for v in item[0]]))
    if args.json:
        return json.dumps({"file": source.name, "by": by, "all": summary.to_dict(),
                           "segments": [{"segment": dict(zip(by, key)), **s.to_dict()} for key, s in ranked]}, indent=2)
    return format_segments(summary, ranked, by, source.name)


def _result(accumulator: LogLossAccumulator, name: str) -> LogLossSummary:
    try:
        return accumulator.result()
    except ValueError as error:
        raise InputError(f"{name}: {error}") from None


def _number(value) -> str:
    return "undefined (one class only)" if value is None else f"{value:.6f}"


def format_summary(summary: LogLossSummary, name: str) -> str:
    number = _number
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


def _mean_predicted(summary: LogLossSummary) -> float | None:
    """The weighted mean predicted probability of class 1 (from the calibration bins)."""
    if summary.classes is not None or not summary.total_weight:
        return None
    return sum(b.weight * b.mean_predicted for b in summary.calibration) / summary.total_weight


def format_segments(overall: LogLossSummary, ranked: list, by: list[str], name: str) -> str:
    """One row per segment, the most rows first, after the whole file."""
    def cell(value, width=9):
        return f"{'—':>{width}}" if value is None else f"{value:>{width}.4f}"

    labels = [", ".join("(missing)" if v is None else str(v) for v in key) for key, _ in ranked]
    width = max([len("all rows"), len(" & ".join(by))] + [len(label) for label in labels])
    head = (f"{' & '.join(by):<{width}}  {'rows':>12}  {'log loss':>9}  {'baseline':>9}  {'NE':>9}  {'D²':>9}  "
            f"{'Brier':>9}  {'mean p':>9}  {'share 1':>9}")
    lines = [f"{name}: {overall.n_samples:,} rows in {len(ranked)} segments by {', '.join(by)}", head]
    for label, summary in [("all rows", overall), *zip(labels, (s for _, s in ranked))]:
        observed = summary.prevalence if summary.classes is None else None
        lines.append(
            f"{label:<{width}}  {summary.n_samples:>12,}  {cell(summary.log_loss)}  {cell(summary.baseline_log_loss)}  "
            f"{cell(summary.normalized_entropy)}  {cell(summary.d2)}  {cell(summary.brier_score)}  "
            f"{cell(_mean_predicted(summary))}  {cell(observed)}"
        )
    lines.append("NE: log loss / baseline, below 1 beats the segment's base rate. mean p against share 1: calibration.")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# compare


def _run_compare(args) -> str:
    source, score_columns = _open(args)
    scorer = _Scorer(source, args, score_columns)
    comparison = LogLossComparisonAccumulator()
    wanted = [args.label, *score_columns] + ([args.weight] if args.weight else [])
    progress = _Progress(source)
    for batch in source.batches(wanted, numeric=scorer.numeric, text=scorer.text):
        y, (a, b), weights = scorer.read(batch)
        try:
            if scorer.kind == "prob":
                comparison.update(y, a, b, sample_weight=weights)
            else:
                comparison.update(y, logits_a=a, logits_b=b, sample_weight=weights)
        except ValueError as error:
            raise scorer.explain(error, batch, [a, b], weights) from None
        progress.show(comparison.n_samples)
    progress.done()
    scorer.labels.finish()
    if comparison.n_samples == 0:
        raise InputError(f"{source.name}: the file has a header but no data rows")
    try:
        result = comparison.result()
    except ValueError as error:
        raise InputError(f"{source.name}: {error}") from None
    a_name, b_name = score_columns
    if args.json:
        return json.dumps({"file": source.name, "model_a": a_name, "model_b": b_name, **result.to_dict()}, indent=2)
    low, high = result.interval
    verdict = ("B is better" if high < 0 else "A is better" if low > 0 else "no difference can be told apart from noise")
    return "\n".join([
        f"{source.name}: {result.n_samples:,} rows, total weight {result.total_weight:g}",
        f"log loss of A ({a_name})   {result.log_loss_a:.6f}",
        f"log loss of B ({b_name})   {result.log_loss_b:.6f}",
        f"difference B - A          {result.difference:+.6f}   (standard error {result.standard_error:.6f}, paired by row)",
        f"95% interval              [{low:+.6f}, {high:+.6f}]   ({verdict})",
        f"rows where B's loss is lower   {result.share_b_lower:.4f}",
    ])


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for bad input)."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "example":
            output = case_study_table().worked_table()
        else:
            output = _run_score(args) if args.command == "score" else _run_compare(args)
    except InputError as error:
        print(f"logloss-ref: error: {error}", file=sys.stderr)
        return 2
    print(output)
    return 0


def main_exit() -> None:
    """Entry point of the ``logloss-ref`` console script."""
    sys.exit(main())
