"""The command line: ``logloss-ref`` (or ``python -m logloss_ref``).

    logloss-ref example
    logloss-ref score PATH... --label COL (--prob COL | --logit COL) [--weight COL] [--by COL ...] [--json]
    logloss-ref score PATH... --label COL --prob C0 --prob C1 --prob C2 [--classes A,B,C]   (K classes)
    logloss-ref compare PATH... --label COL (--prob A --prob B | --logit A --logit B) [--weight COL] [--json]

PATH is a CSV file (any delimiter; ``.gz``, ``.bz2`` or ``.zst`` compressed), Parquet, Arrow
IPC / Feather, ``-`` for CSV on standard input, or a dataset: a folder of part files (Hive
partition folders ``key=value`` become columns), a glob pattern, several files, each local or
a URI (``file://``, ``s3://``, ``gs://``); see ``logloss_ref.io``. Batches of rows are scored in
a thread per core through the public accumulators (`LogLossAccumulator`,
`SegmentedLogLossAccumulator`, `LogLossComparisonAccumulator`), whose exact sums make the
result independent of the threads, so memory does not depend on the number of rows. Bad input
ends with one line naming the file, row and column, and exit status 2. Reading files needs
pyarrow: ``pip install 'logloss_ref[cli]'``.
"""

from __future__ import annotations

import argparse
import collections
import contextlib
import json
import math
import os
import queue
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from . import __version__
from ._validation import ROW_SUM_TOLERANCE
from .comparison import LogLossComparisonAccumulator
from .data import case_study_table
from .io import InputError, LabelReader, SegmentCoder, open_predictions
from .io._arrow import read_ahead
from .io.labels import texts
from .streaming import LogLossAccumulator, LogLossSummary, SegmentedLogLossAccumulator

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
        help="score a file or dataset of predictions",
        description="Compute log loss, its baseline, normalized entropy, D², the Brier score, accuracy and a "
        "calibration table for a file of predictions (CSV, compressed CSV, Parquet or Arrow) or a dataset of them "
        "(a folder, a glob, several files), overall and, with --by, per segment. Rows are read in batches, so any "
        "size works.",
    )
    _file_arguments(score)
    score.add_argument("--label", required=True, metavar="COL",
                       help="column of the true labels: 0/1 or true/false (see --positive), or with K score columns "
                       "a class name of --classes, or the class index 0 to K-1")
    kind = score.add_mutually_exclusive_group(required=True)
    kind.add_argument("--prob", metavar="COL", action="append",
                      help="column of predicted probabilities of class 1; repeat it once per class for K classes "
                      "(in the order of --classes), each row summing to 1")
    kind.add_argument("--logit", metavar="COL", action="append",
                      help="column of logits (scores), the loss then exact; repeat it once per class for K classes")
    score.add_argument("--classes", metavar="A,B,...",
                       help="with K score columns: the class names, comma-separated, in the order of the columns "
                       "(default: the class indices 0 to K-1, or, for text labels, the label column's values sorted)")
    score.add_argument("--by", metavar="COL", action="append",
                       help="also score each value of this column (repeat it to segment by combinations); "
                       "a dataset's partition folders (key=value) count as columns")
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
    command.add_argument("paths", nargs="+", metavar="PATH",
                         help="CSV (.csv, .gz, .bz2, .zst), Parquet or Arrow/Feather file; - for CSV on standard input; "
                         "or a dataset: a folder, a glob pattern (quoted) or several files, local or a URI (file://, "
                         "s3://, gs://)")
    command.add_argument("--delimiter", metavar="CHAR", help="the CSV delimiter (default: guessed from the header row)")


def _common_arguments(command) -> None:
    command.add_argument("--weight", metavar="COL", help="column of non-negative sample weights")
    command.add_argument("--positive", metavar="VALUE",
                         help="the label value of class 1, when the labels are two values other than 0/1 or true/false")
    command.add_argument("--json", action="store_true", help="print the results as JSON")
    command.add_argument("--chunk-rows", type=int, default=DEFAULT_CHUNK_ROWS, metavar="N", help=argparse.SUPPRESS)
    command.add_argument("--threads", type=int, default=None, metavar="N", help=argparse.SUPPRESS)


class _Progress:
    """A progress bar on stderr (tqdm), only when stderr is a terminal: rows, rows per second, and
    for a file the share read and the time left."""

    def __init__(self, source):
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


def _locate(values: np.ndarray, kind: str, column: str, batch) -> None:
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
        raise InputError(f"{batch.name}: row {batch.first_row + at}, column {column!r}: value {values[at]:g} {problem}")


class _Scorer:
    """Reads the labels, scores and weights of each batch, in order, for the accumulators."""

    def __init__(self, source, args, score_columns: list[str], classes: list[str] | None = None):
        self.source, self.args = source, args
        self.score_columns = score_columns
        self.kind = "prob" if args.prob is not None else "logit"
        self.classes = classes  # K classes by name, in the order of the score columns
        self.labels = LabelReader(args.label, positive=args.positive,
                                  n_classes=len(score_columns) if self.multiclass else 2, classes=classes)
        if classes is not None:
            # The accumulators take the columns in sorted class order, and the labels by name.
            self.order = sorted(range(len(classes)), key=lambda k: classes[k])
            self.names = np.array(classes)

    @property
    def numeric(self) -> set[str]:
        return set(self.score_columns) | ({self.args.weight} if self.args.weight else set())

    @property
    def text(self) -> set[str]:
        """Columns to read as text: the label when --positive names one of its values, or with --classes."""
        return {self.args.label} if self.args.positive is not None or self.classes is not None else set()

    @property
    def multiclass(self) -> bool:
        return self.args.command == "score" and len(self.score_columns) > 1

    def labels_for_accumulator(self) -> list | None:
        if not self.multiclass:
            return None
        return sorted(self.classes) if self.classes is not None else list(range(len(self.score_columns)))

    def read(self, batch):
        """(labels, score columns, weights) of a batch, as the accumulators take them."""
        y = self.labels(self.source.pa, batch.columns[self.args.label], batch)
        scores = [batch.columns[c] for c in self.score_columns]
        weights = batch.columns[self.args.weight] if self.args.weight else None
        return y, scores, weights

    def values(self, scores):
        if not self.multiclass:
            return scores[0]
        if self.classes is not None:
            scores = [scores[k] for k in self.order]
        return np.column_stack(scores)

    def explain(self, error: ValueError, batch, scores, weights) -> InputError:
        """The first bad value of the batch, or failing that the library's own message."""
        for column, values in zip(self.score_columns, scores):
            _locate(values, self.kind, column, batch)
        if weights is not None:
            _locate(weights, "weight", self.args.weight, batch)
        if self.multiclass and self.kind == "prob":
            sums = np.sum(scores, axis=0)
            off = np.abs(sums - 1.0) > ROW_SUM_TOLERANCE
            if off.any():
                at = int(np.argmax(off))
                return InputError(f"{batch.name}: row {batch.first_row + at}: the {len(scores)} probabilities sum to "
                                  f"{sums[at]:.10g}, not 1")
        last = batch.first_row + batch.num_rows - 1
        return InputError(f"{batch.name}: rows {batch.first_row} to {last}: {error}")


def _open(args):
    if args.chunk_rows < 1:
        raise InputError("--chunk-rows must be at least 1")
    if args.threads is not None and args.threads < 1:
        raise InputError("--threads must be at least 1")
    if args.delimiter is not None and len(args.delimiter) != 1:
        raise InputError(f"--delimiter must be one character; got {args.delimiter!r}")
    score_columns = args.prob if args.prob is not None else args.logit
    option = "--prob" if args.prob is not None else "--logit"
    source = open_predictions(args.paths, delimiter=args.delimiter, batch_rows=args.chunk_rows, threads=_threads(args))
    if len(set(score_columns)) != len(score_columns):
        raise InputError(f"{source.name}: {option} names the same column twice: {', '.join(map(repr, score_columns))}")
    if args.command == "compare" and len(score_columns) != 2:
        raise InputError(f"{source.name}: compare needs two {option} columns, model A's then model B's; "
                         f"got {len(score_columns)}: {', '.join(map(repr, score_columns))}")
    if args.positive is not None and args.command == "score" and len(score_columns) > 1:
        raise InputError(f"{source.name}: --positive is for two classes; with K score columns name the classes "
                         "with --classes")
    by = getattr(args, "by", None) or []
    if len(set(by)) != len(by):
        raise InputError(f"--by names the same column twice: {', '.join(map(repr, by))}")
    options = {args.label: "--label", **{c: option for c in score_columns}, **{c: "--by" for c in by}}
    if args.weight:
        options[args.weight] = "--weight"
    source.require(list(options), options)
    return source, score_columns


def _classes(args, source, score_columns: list[str]) -> list[str] | None:
    """The K class names: from --classes, or from a text label column (its values sorted), or None for indices."""
    if getattr(args, "classes", None) is not None:
        classes = [name.strip() for name in args.classes.split(",")]
        if len(score_columns) < 2:
            raise InputError(f"{source.name}: --classes is for K score columns; with one, name class 1 with --positive")
        if len(classes) != len(score_columns) or len(set(classes)) != len(classes) or not all(classes):
            raise InputError(f"{source.name}: --classes names {len(classes)} classes ({args.classes}) but there are "
                             f"{len(score_columns)} {'--prob' if args.prob is not None else '--logit'} columns; give "
                             "one distinct name per column, in their order")
        return classes
    if args.command != "score" or len(score_columns) < 2:
        return None
    # Text labels without --classes: the classes are the label column's values, sorted (as log_loss
    # takes them from y_true), which takes a first pass over that column alone.
    first = next(iter(source.batches([args.label], numeric=set())), None)
    if first is None:
        return None
    pa, array = source.pa, first.columns[args.label]
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type) or pa.types.is_boolean(array.type):
        return None
    if source.name == "<stdin>":
        raise InputError("<stdin>: text labels with K columns need --classes (standard input cannot be read twice)")
    seen: set = set()
    for batch in source.batches([args.label], numeric=set(), text={args.label}):
        column = batch.columns[args.label]
        if column.null_count:
            LabelReader(args.label)(pa, column, batch)  # words the missing label
        seen.update(str(v) for v in texts(pa, column)[1])
    classes = sorted(seen)
    if len(classes) != len(score_columns):
        raise InputError(f"{source.name}: column {args.label!r} holds {len(classes)} labels ({', '.join(classes[:10])}"
                         f"{', ...' if len(classes) > 10 else ''}) but there are {len(score_columns)} score columns; "
                         "name the classes with --classes, in the order of the columns")
    return classes


def _threads(args) -> int:
    if args.threads is not None:
        return args.threads
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 4))
    except AttributeError:  # not on Linux
        return max(1, min(os.cpu_count() or 1, 4))


def _accumulate(batches, make, update, threads: int) -> list:
    """Feed the batches to ``update(accumulator, batch)`` on ``threads`` accumulators, each used by one thread at a time.

    NumPy releases the GIL in its loops, so the threads score batches side by side. An error is
    raised at the earliest batch that has one (its rows are the first bad rows). Returns the
    accumulators; their sums are exact, so merging them gives the same result whatever thread
    scored which batch.
    """
    accumulators = [make() for _ in range(threads)]
    with contextlib.closing(batches):
        if threads == 1:
            for batch in batches:
                update(accumulators[0], batch)
        else:
            _in_threads(batches, accumulators, update)
    return accumulators


def _in_threads(batches, accumulators: list, update) -> None:
    threads = len(accumulators)
    free: queue.SimpleQueue = queue.SimpleQueue()
    for accumulator in accumulators:
        free.put(accumulator)

    def task(batch):
        accumulator = free.get()
        try:
            update(accumulator, batch)
        finally:
            free.put(accumulator)

    with ThreadPoolExecutor(threads, thread_name_prefix="logloss-ref") as pool:
        pending: collections.deque = collections.deque()
        try:
            for batch in batches:
                pending.append(pool.submit(task, batch))
                if len(pending) >= 2 * threads:
                    pending.popleft().result()
            while pending:
                pending.popleft().result()
        finally:
            for future in pending:
                future.cancel()


# ---------------------------------------------------------------------------------------------
# score


def _run_score(args) -> str:
    source, score_columns = _open(args)
    scorer = _Scorer(source, args, score_columns, _classes(args, source, score_columns))
    labels, by = scorer.labels_for_accumulator(), args.by or []
    coder = SegmentCoder(by, source.name) if by else None
    wanted = [args.label, *score_columns] + ([args.weight] if args.weight else []) + by
    progress = _Progress(source)
    rows = 0

    def prepared():  # in order, in this thread: labels and segment numbers depend on the batches before
        nonlocal rows
        with contextlib.closing(read_ahead(source.batches(wanted, numeric=scorer.numeric, text=scorer.text | set(by)))) as batches:
            for batch in batches:
                y, scores, weights = scorer.read(batch)
                if scorer.classes is not None:
                    y = scorer.names[y]
                segments = coder(source.pa, [batch.columns[c] for c in by]) if coder is not None else None
                yield batch, y, scores, weights, segments
                rows += batch.num_rows
                progress.show(rows)

    def update(accumulator, item):
        batch, y, scores, weights, segments = item
        values = scorer.values(scores)
        given = {"y_prob": values} if scorer.kind == "prob" else {"logits": values}
        try:
            if segments is None:
                accumulator.update(y, **given, sample_weight=weights)
            else:
                accumulator.update(segments, y, **given, sample_weight=weights)
        except ValueError as error:
            raise scorer.explain(error, batch, scores, weights) from None

    kind = SegmentedLogLossAccumulator if by else LogLossAccumulator
    parts = _accumulate(prepared(), lambda: kind(labels=labels), update, _threads(args))
    progress.done()
    scorer.labels.finish(source.name)
    combined = parts[0]
    for part in parts[1:]:
        combined.merge(part)
    if rows == 0:
        raise InputError(f"{source.name}: the file has a header but no data rows")
    if not by:
        summary = _result(combined, source.name)
        return _json({"file": source.name, **summary.to_dict()}) if args.json else format_summary(summary, source.name)
    summary = _result(combined.total(), source.name)
    ranked = sorted(((coder.keys[k], _result(combined[k], source.name)) for k in combined.segments),
                    key=lambda item: (-item[1].n_samples, [str(v) for v in item[0]]))
    if args.json:
        return _json({"file": source.name, "by": by, "all": summary.to_dict(),
                      "segments": [{"segment": dict(zip(by, key)), **s.to_dict()} for key, s in ranked]})
    return format_segments(summary, ranked, by, source.name)


def _result(accumulator: LogLossAccumulator, name: str) -> LogLossSummary:
    try:
        return accumulator.result()
    except ValueError as error:
        raise InputError(f"{name}: {error}") from None


def _json(document) -> str:
    """``json.dumps(document, indent=2)``, the same text, written without the pure-Python encoder's
    generators (with an indent, json does not use its C encoder: 0.15 s for 100 segments here)."""
    parts: list[str] = []
    try:
        _json_parts(document, "\n", parts)
    except TypeError:  # anything json would treat otherwise (keys that are not text, other types): its own way
        return json.dumps(document, indent=2)
    return "".join(parts)


def _json_parts(value, newline: str, parts: list) -> None:
    """Append ``value`` as json.dumps(indent=2) writes it, ``newline`` being the current line break and indent."""
    if isinstance(value, str):
        parts.append(json.encoder.encode_basestring_ascii(value))
    elif value is None or value is True or value is False:
        parts.append("null" if value is None else "true" if value else "false")
    elif isinstance(value, int):
        parts.append(int.__repr__(value))
    elif isinstance(value, float):
        parts.append(float.__repr__(value) if math.isfinite(value) else
                     "NaN" if value != value else "Infinity" if value > 0 else "-Infinity")
    elif isinstance(value, (list, tuple, dict)):
        if not value:
            parts.append("{}" if isinstance(value, dict) else "[]")
            return
        inner = newline + "  "
        items = value.items() if isinstance(value, dict) else value
        parts.append("{" if isinstance(value, dict) else "[")
        for k, item in enumerate(items):
            parts.append(inner if k == 0 else "," + inner)
            if isinstance(value, dict):
                key, item = item
                if not isinstance(key, str):
                    raise TypeError(key)
                parts.append(json.encoder.encode_basestring_ascii(key) + ": ")
            _json_parts(item, inner, parts)
        parts.append(newline + ("}" if isinstance(value, dict) else "]"))
    else:
        raise TypeError(value)


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
            "top-label calibration (bins of the highest probability):",
            "  bin          weight   mean highest p   share right",
            *(f"  {b.low:.1f}-{b.high:.1f}  {b.weight:>10g}   {b.mean_predicted:>14.4f}   {b.observed:>11.4f}"
              for b in summary.calibration),
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
    wanted = [args.label, *score_columns] + ([args.weight] if args.weight else [])
    progress = _Progress(source)
    rows = 0

    def prepared():
        nonlocal rows
        with contextlib.closing(read_ahead(source.batches(wanted, numeric=scorer.numeric, text=scorer.text))) as batches:
            for batch in batches:
                yield batch, *scorer.read(batch)
                rows += batch.num_rows
                progress.show(rows)

    def update(comparison, item):
        batch, y, (a, b), weights = item
        try:
            if scorer.kind == "prob":
                comparison.update(y, a, b, sample_weight=weights)
            else:
                comparison.update(y, logits_a=a, logits_b=b, sample_weight=weights)
        except ValueError as error:
            raise scorer.explain(error, batch, [a, b], weights) from None

    parts = _accumulate(prepared(), LogLossComparisonAccumulator, update, _threads(args))
    progress.done()
    scorer.labels.finish(source.name)
    comparison = parts[0]
    for part in parts[1:]:
        comparison.merge(part)
    if rows == 0:
        raise InputError(f"{source.name}: the file has a header but no data rows")
    try:
        result = comparison.result()
    except ValueError as error:
        raise InputError(f"{source.name}: {error}") from None
    a_name, b_name = score_columns
    if args.json:
        return _json({"file": source.name, "model_a": a_name, "model_b": b_name, **result.to_dict()})
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
