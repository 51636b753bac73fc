"""Mergeable accumulators: log loss and its companions over data that arrive in pieces.

`LogLossAccumulator` keeps a fixed set of sums for one stream of predictions;
`SegmentedLogLossAccumulator` keeps one such set per segment (a country, a device), filled in
one pass. Both add every sum exactly (see ``K.ExactSums``), so the result does not depend on
how the data were split, ordered, threaded or merged: a file scored in one pass, the same rows
spread over Dask or Spark workers and merged, and the whole-array functions with exact sums
give the same bits. Both write their state to plain data (``to_state``) and read it back
(``from_state``), so partial results can travel between processes as JSON or Arrow.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from ._validation import (
    as_label_array,
    check_binary_predictions,
    check_classes,
    check_multiclass_predictions,
    check_predictions,
)
from . import _kernels as K

__all__ = ["CalibrationBin", "LogLossAccumulator", "LogLossSummary", "SegmentedLogLossAccumulator"]

N_CALIBRATION_BINS = 10
#: Up to this many segments, a block is grouped by segment directly (bincounts of 4 x 10 cells per
#: segment); beyond, by the segments present in the block, renumbered.
_DIRECT_ROWS = 1024
STATE_VERSION = 1


# ---------------------------------------------------------------------------------------------
# What one accumulator keeps: a row of cells of exact sums (a table of rows for segments).

_WEIGHT, _LOSS, _SQUARED, _CORRECT = 0, 1, 2, 3
_BIN_WEIGHT = 4  # 10 cells: weight per calibration bin
_BIN_PREDICTED = _BIN_WEIGHT + N_CALIBRATION_BINS  # weighted predicted probability (or top confidence) per bin
_BIN_HIT = _BIN_PREDICTED + N_CALIBRATION_BINS  # weight of class 1 (or of a right top class) per bin
_CLASS = _BIN_HIT + N_CALIBRATION_BINS  # weight of each class (2, or K)
_CELL_NAMES = ["weight", "loss", "squared_error", "correct_weight"]
_BIN_NAMES = ["bin_weight", "bin_predicted", "bin_hit"]


@dataclass
class _Checked:
    """A checked chunk: labels (0/1 mask or class index), probabilities or logits, weights."""

    multiclass: bool
    labels: np.ndarray  # two classes: bool, the second class; K classes: the class index
    values: np.ndarray  # float64 probabilities or logits, 1-D or (n, K)
    logits: bool
    weight: np.ndarray | None  # None: every weight is 1

    @property
    def n(self) -> int:
        return len(self.labels)


def _block_terms(checked: _Checked, sl: slice):
    """Per sample of a block: (loss, squared error, correct, predicted, hit), unweighted.

    ``predicted`` is what the calibration bins sort by: the probability of the second class,
    or with K classes the highest probability; ``hit`` is being of the second class, or with K
    classes having the most probable class right.
    """
    labels, values = checked.labels[sl], checked.values[sl]
    if not checked.multiclass:
        if checked.logits:
            loss, p = K.logit_losses(labels, values), K.sigmoid(values)
        else:
            loss, p = K.probability_losses(labels, values), values
        return loss, K.squared_errors(labels, p), K.predicted_class(p) == labels, p, labels
    if checked.logits:
        loss, P = K.score_losses(labels, values), K.softmax(values)
    else:
        loss, P = K.probability_losses(labels, values), values
    top = np.argmax(P, axis=1)
    confidence = np.take(P.reshape(-1), top + np.arange(0, P.size, P.shape[1]))
    correct = top == labels
    return loss, K.squared_distance_to_one_hot(labels, P), correct, confidence, correct


def _add_chunk(sums: K.ExactSums, checked: _Checked, n_classes: int, rows: np.ndarray | None = None) -> None:
    """Add a checked chunk to the table: to row 0, or sample i to row ``rows[i]``.

    Block by block: the per-sample terms, then one exact add per float quantity (grouped by row,
    and by calibration bin), and without weights integer counts made with ``np.bincount``.
    """
    w = checked.weight
    counts = None if w is not None else np.zeros((sums.n_rows, _CLASS + n_classes - _WEIGHT), dtype=np.int64)
    for start in range(0, checked.n, K.EXACT_BLOCK):
        sl = slice(start, start + K.EXACT_BLOCK)
        loss, squared, correct, predicted, hit = _block_terms(checked, sl)
        bins = K.uniform_bins(predicted, N_CALIBRATION_BINS)
        index = checked.labels[sl] if checked.multiclass or w is not None else None
        if rows is None:
            compact = present = None
            groups = 1
        elif sums.n_rows <= _DIRECT_ROWS:  # few rows: group by the row itself, every row present
            compact, present, groups = rows[sl], np.arange(sums.n_rows), sums.n_rows
        else:  # many: only the rows of this block, renumbered, so the bincounts stay short
            block_rows = rows[sl]
            seen = np.bincount(block_rows, minlength=sums.n_rows)
            present = np.flatnonzero(seen)
            groups = len(present)
            if groups == 1:
                compact = np.zeros(len(block_rows), dtype=np.intp)
            else:
                lookup = np.zeros(sums.n_rows, dtype=np.intp)
                lookup[present] = np.arange(groups)
                compact = lookup[block_rows]
        at = {"rows": compact, "present": present}
        if w is not None:
            wb = w[sl]
            loss, squared = K.drop_zero_weights(loss, wb), K.drop_zero_weights(squared, wb)
            predicted = K.drop_zero_weights(predicted, wb)
        # Finite by construction: clipped probabilities' losses, squared errors, probabilities and checked
        # weights (their products with finite weights too); a logit's loss may be infinite.
        sums.add(loss, _LOSS, finite=not checked.logits, **at)
        sums.add(squared, _SQUARED, finite=True, **at)
        sums.add(predicted, _BIN_PREDICTED, offsets=bins, n_offsets=N_CALIBRATION_BINS, finite=True, **at)
        if w is not None:
            sums.add(wb, _WEIGHT, finite=True, **at)
            sums.add(wb[correct], _CORRECT, rows=None if compact is None else compact[correct], present=present, finite=True)
            sums.add(wb, _BIN_WEIGHT, offsets=bins, n_offsets=N_CALIBRATION_BINS, finite=True, **at)
            sums.add(wb[hit], _BIN_HIT, rows=None if compact is None else compact[hit], present=present,
                     offsets=bins[hit], n_offsets=N_CALIBRATION_BINS, finite=True)
            sums.add(wb, _CLASS, offsets=index.astype(np.intp, copy=False), n_offsets=n_classes, finite=True, **at)
            continue
        where = [0] if rows is None else present
        # One count per (row, bin, hit, correct): a bin's weight is all of them, its hits the second
        # halves, a row's right answers the last quarters; with two classes the hits are the second class.
        key = bins * 2 + hit if rows is None else (compact * N_CALIBRATION_BINS + bins) * 2 + hit
        key *= 2
        key += correct
        per_bin = np.bincount(key, minlength=groups * N_CALIBRATION_BINS * 4).reshape(groups, N_CALIBRATION_BINS, 2, 2)
        per_hit = per_bin.sum(axis=3)
        bin_weight = per_hit.sum(axis=2)
        counts[where, _BIN_WEIGHT:_BIN_WEIGHT + N_CALIBRATION_BINS] += bin_weight
        counts[where, _BIN_HIT:_BIN_HIT + N_CALIBRATION_BINS] += per_hit[:, :, 1]
        weight = bin_weight.sum(axis=1)
        counts[where, _WEIGHT] += weight
        counts[where, _CORRECT] += per_bin[:, :, :, 1].sum(axis=(1, 2))
        if checked.multiclass:
            key = index if rows is None else compact * n_classes + index
            counts[where, _CLASS:_CLASS + n_classes] += np.bincount(key, minlength=groups * n_classes).reshape(groups, n_classes)
        else:
            ones = per_hit[:, :, 1].sum(axis=1)
            counts[where, _CLASS] += weight - ones
            counts[where, _CLASS + 1] += ones
    if counts is not None:
        filled = np.flatnonzero(counts[:, _WEIGHT])
        sums.add_counts(counts[filled].astype(np.float64), filled, _WEIGHT, checked.n)


@dataclass(frozen=True)
class CalibrationBin:
    """One bin of width 0.1 of the predicted probability.

    With two classes: the probability of the second class, and the share of samples of that
    class (``observed``). With K classes (top-label calibration): the highest of each
    sample's K probabilities, and the share of samples whose most probable class is right.
    """

    low: float
    high: float
    weight: float
    mean_predicted: float
    observed: float


@dataclass(frozen=True)
class LogLossSummary:
    """Everything `LogLossAccumulator.result` reports.

    ``normalized_entropy`` and ``d2`` are None when only one class occurred: the baseline log
    loss is then 0 and the ratio undefined (the functions `normalized_entropy` and
    `d2_log_loss` raise ValueError there; a summary, which reports many numbers at once, gives
    None for these two). With K classes ``prevalence`` is None, ``classes`` and
    ``class_shares`` give the (weighted) share of each class, ``accuracy`` is that of the most
    probable class and ``calibration`` is top-label (see `CalibrationBin`).
    """

    n_samples: int
    total_weight: float
    prevalence: float | None
    log_loss: float
    baseline_log_loss: float
    normalized_entropy: float | None
    d2: float | None
    brier_score: float
    accuracy: float
    calibration: list[CalibrationBin] = field(default_factory=list)
    classes: list | None = None
    class_shares: list[float] | None = None

    def to_dict(self) -> dict:
        """The summary as a dict of plain values (what ``logloss-ref score --json`` prints)."""
        # What asdict gives, without its deep copies of plain values (half the time of --json with 100 segments).
        values = dict(self.__dict__)
        values["calibration"] = [dict(b.__dict__) for b in self.calibration]
        for name in ("classes", "class_shares"):
            if values[name] is not None:
                values[name] = list(values[name])
        return values


def _plain(value):
    """A NumPy scalar as the Python value it holds (for labels and segments in a state)."""
    return value.item() if isinstance(value, np.generic) else value


class _Kind:
    """What a stream of predictions is: two classes (1-D values) or K (columns), and its classes."""

    def __init__(self, labels):
        if labels is None:
            self.classes = None  # two classes, 0/1 labels; or K columns, labels 0..K-1 (fixed at the first update)
        else:
            self.classes = check_classes(labels, labels, name="labels")[1]
            if len(self.classes) < 2:
                raise ValueError(f"labels must name at least two classes; got {self.classes.tolist()!r}.")
        self.multiclass = True if labels is not None and len(self.classes) > 2 else None  # two labels: 1-D or (n, 2)

    @property
    def n_classes(self) -> int:
        return 2 if self.classes is None else len(self.classes)

    def describe(self) -> dict:
        return {"classes": None if self.classes is None else [_plain(c) for c in self.classes.tolist()],
                "multiclass": self.multiclass}

    def check(self, y_true, y_prob, logits, sample_weight) -> _Checked:
        """Check a chunk; the first chunk fixes two or K classes when the labels leave it open."""
        if (y_prob is None) == (logits is None):
            raise ValueError("Give exactly one of y_prob and logits.")
        name, values = ("y_prob", y_prob) if logits is None else ("logits", logits)
        columns = np.ndim(values) == 2
        multiclass = columns if self.multiclass is None else self.multiclass
        if columns != multiclass:
            if columns:
                raise ValueError(f"{name} has shape {np.shape(values)} but this accumulator scores two classes from "
                                 "one value per sample; give a 1-D array, for the second class.")
            raise ValueError(f"{name} is 1-D but this accumulator scores {self.n_classes} classes; give an "
                             f"(n_samples, {self.n_classes}) array, one column per class.")
        if columns:
            classes = np.arange(np.shape(values)[1]) if self.classes is None else self.classes
            index, checked, w, _ = check_multiclass_predictions(y_true, y_prob, logits=logits, labels=classes,
                                                                sample_weight=sample_weight)
            self.classes, self.multiclass = classes, True
            return _Checked(True, index, checked, logits is not None, w)
        if self.classes is None:
            if np.asarray(y_true).dtype.kind in "USO":
                raise ValueError("y_true holds text labels: an accumulator sees its data in pieces, so name both "
                                 "classes once, labels=[first, second]; the probabilities (or logits) are for the "
                                 "second once sorted.")
            is_one, checked, w = check_predictions(y_true, y_prob, logits=logits, sample_weight=sample_weight)
        else:
            is_one, checked, w = check_binary_predictions(y_true, y_prob, logits=logits, labels=self.classes,
                                                          sample_weight=sample_weight)
        self.multiclass = False
        return _Checked(False, is_one, checked, logits is not None, w)

    def losses(self, y_true, y_prob, logits, sample_weight) -> tuple[np.ndarray, np.ndarray | None]:
        """Check a chunk and return each sample's log loss (unweighted) and the weights, as `log_loss` would."""
        checked = self.check(y_true, y_prob, logits, sample_weight)
        labels, values = checked.labels, checked.values
        if checked.multiclass:
            losses = K.score_losses(labels, values) if checked.logits else K.probability_losses(labels, values)
        else:
            losses = K.logit_losses(labels, values) if checked.logits else K.probability_losses(labels, values)
        return losses, checked.weight

    def same(self, other: _Kind) -> bool:
        if self.multiclass is None or other.multiclass is None:  # empty: fits either
            mine = None if self.classes is None else self.classes.tolist()
            theirs = None if other.classes is None else other.classes.tolist()
            return mine is None or theirs is None or mine == theirs
        return self.describe() == other.describe()

    def adopt(self, other: _Kind) -> None:
        if self.multiclass is None and other.multiclass is not None:
            self.classes, self.multiclass = other.classes, other.multiclass


def _summary(sums: K.ExactSums, row: int, n_samples: int, kind: _Kind) -> LogLossSummary:
    """The summary of one row of the table."""
    def value(column):
        return sums.value(column, row)

    total = value(_WEIGHT)
    if n_samples == 0 or total == 0:
        raise ValueError("No data yet: call update() with at least one sample of positive weight.")
    loss = value(_LOSS) / total
    class_weight = sums.values(range(_CLASS, _CLASS + kind.n_classes), row)
    baseline = K.class_entropy(class_weight)
    ratio = K.loss_ratio(loss, baseline)  # undefined (None) for a single class: the library's one rule
    d2 = None if ratio is None else 1.0 - ratio
    calibration = []
    for k in range(N_CALIBRATION_BINS):
        weight = value(_BIN_WEIGHT + k)
        if weight:
            calibration.append(CalibrationBin(
                low=k / N_CALIBRATION_BINS, high=(k + 1) / N_CALIBRATION_BINS, weight=weight,
                mean_predicted=value(_BIN_PREDICTED + k) / weight, observed=value(_BIN_HIT + k) / weight,
            ))
    multiclass = bool(kind.multiclass)
    return LogLossSummary(
        n_samples=n_samples, total_weight=total,
        prevalence=None if multiclass else class_weight[1] / total,
        log_loss=loss, baseline_log_loss=baseline, normalized_entropy=ratio, d2=d2,
        brier_score=value(_SQUARED) / total, accuracy=value(_CORRECT) / total,
        calibration=calibration,
        classes=[_plain(c) for c in kind.classes.tolist()] if multiclass else None,
        class_shares=(class_weight / total).tolist() if multiclass else None,
    )


def _n_columns(kind: _Kind) -> int:
    return _CLASS + kind.n_classes


def _cell_state(sums: K.ExactSums, row: int, n_classes: int) -> dict:
    state = {name: sums.terms(k, row) for k, name in enumerate(_CELL_NAMES)}
    for k, name in enumerate(_BIN_NAMES):
        start = _BIN_WEIGHT + k * N_CALIBRATION_BINS
        state[name] = [sums.terms(start + b, row) for b in range(N_CALIBRATION_BINS)]
    state["class_weight"] = [sums.terms(_CLASS + c, row) for c in range(n_classes)]
    return state


def _read_cell_state(sums: K.ExactSums, row: int, n_classes: int, state: dict) -> None:
    try:
        for k, name in enumerate(_CELL_NAMES):
            sums.set_terms(k, state[name], row)
        for k, name in enumerate(_BIN_NAMES):
            if len(state[name]) != N_CALIBRATION_BINS:
                raise ValueError(f"{name} has {len(state[name])} bins, not {N_CALIBRATION_BINS}")
            for b, terms in enumerate(state[name]):
                sums.set_terms(_BIN_WEIGHT + k * N_CALIBRATION_BINS + b, terms, row)
        if len(state["class_weight"]) != n_classes:
            raise ValueError(f"class_weight has {len(state['class_weight'])} entries, not {n_classes}")
        for c, terms in enumerate(state["class_weight"]):
            sums.set_terms(_CLASS + c, terms, row)
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"state is not an accumulator state of version {STATE_VERSION}: {error!s}") from None


def _take_kind(mine: _Kind, other, kind: type, what: str) -> None:
    """Check that ``other`` can be merged into an accumulator of kind ``mine``, and fix ``mine`` from it when open."""
    if not isinstance(other, kind):
        raise TypeError(f"other must be a {kind.__name__}, got {type(other).__name__}.")
    if not mine.same(other._kind):
        raise ValueError(f"cannot merge {what}: {mine.describe()} and {other._kind.describe()}.")
    mine.adopt(other._kind)


def _kind_from_state(state, expected: str) -> _Kind:
    if not isinstance(state, dict) or state.get("type") != expected:
        raise ValueError(f"state must be a dict written by {expected}.to_state(); got "
                         f"{type(state).__name__}{'' if not isinstance(state, dict) else ' of type ' + repr(state.get('type'))}.")
    if state.get("version") != STATE_VERSION:
        raise ValueError(f"state has version {state.get('version')!r}; this library reads version {STATE_VERSION}.")
    kind = _Kind(state.get("classes"))
    kind.multiclass = state.get("multiclass")
    if kind.multiclass and kind.classes is None:
        raise ValueError("state is K-class but names no classes.")
    return kind


class LogLossAccumulator:
    r"""Accumulate log loss, its baseline, the Brier score, accuracy and calibration in pieces.

    Feed it chunks with `update` (from a file, a stream, a Dask or Spark partition), combine
    accumulators of different workers with `merge`, and read everything with `result`. Its
    state is a fixed set of sums, so memory does not grow with the data, and `to_state`
    writes it as plain data (`from_state` reads it back), to send between processes.

    Every sum is exact: the terms are added without rounding and the total is rounded once
    when read. So the result is the same, to the last bit, however the data were split,
    ordered or merged, and equals ``math.fsum`` of the per-sample losses over the total weight.

    Parameters
    ----------
    labels : array-like, default=None
        The classes, as for `log_loss`; they must be known before the first chunk, since a
        chunk may lack some. Two classes (1-D probabilities or logits of the second class
        once sorted) or K (``(n, K)`` arrays, the columns in sorted label order). Without
        ``labels``: 0/1 (or boolean) labels with 1-D values, or the class indices
        0..K-1 with ``(n, K)`` values.

    Raises
    ------
    ValueError
        If ``labels`` repeats a class or names fewer than two.

    Notes
    -----
    The calibration table has ten bins of width 0.1: of the probability of the second class
    with two classes, and of the highest probability with K classes (top-label calibration:
    confidence against the share of samples whose most probable class is right). NE and D²
    are None when one class holds all the weight (see `LogLossSummary`).

    Examples
    --------
    >>> from logloss_ref import LogLossAccumulator, log_loss
    >>> left = LogLossAccumulator().update([1, 0], [0.94, 0.1])
    >>> right = LogLossAccumulator().update([1], logits=[-2.0])
    >>> summary = left.merge(right).result()
    >>> summary.n_samples, round(summary.log_loss, 6)
    (3, 0.764721)
    >>> round(log_loss([1, 0, 1], [0.94, 0.1, 0.11920292202211755]), 6)
    0.764721

    Labels of any kind, named once:

    >>> jackets = LogLossAccumulator(labels=["cardigan", "jacket"]).update(["jacket", "cardigan"], [0.94, 0.1])
    >>> round(jackets.result().log_loss, 6)
    0.083618
    >>> three = LogLossAccumulator(labels=["cardigan", "coat", "jacket"])
    >>> three.update(["coat", "jacket"], [[0.1, 0.7, 0.2], [0.2, 0.2, 0.6]]).result().log_loss
    0.4337502838523616
    """

    def __init__(self, *, labels=None):
        self._kind = _Kind(labels)
        self._sums: K.ExactSums | None = None if self._kind.multiclass is None else K.ExactSums(1, _n_columns(self._kind))
        self.n_samples = 0

    @property
    def classes(self) -> list | None:
        """The classes, in the order of the columns (sorted); None for 0/1 labels."""
        return None if self._kind.classes is None else [_plain(c) for c in self._kind.classes.tolist()]

    def _table(self) -> K.ExactSums:
        if self._sums is None:
            self._sums = K.ExactSums(1, _n_columns(self._kind))
        return self._sums

    def update(self, y_true, y_prob=None, *, logits=None, sample_weight=None) -> LogLossAccumulator:
        """Add a chunk of labels with either probabilities ``y_prob`` or ``logits``.

        With logits the loss is exact (as `log_loss_from_logits`); with probabilities it is
        clipped as in `log_loss`.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Labels: 0/1 or booleans, or any of ``labels``.
        y_prob : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
            Probabilities of the second class, or of each class.
        logits : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
            Or scores: logits of the second class, or one score per class.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; a zero weight drops the sample.

        Returns
        -------
        LogLossAccumulator
            ``self``.

        Raises
        ------
        TypeError, ValueError
            For invalid labels, probabilities, logits or weights (as `log_loss`), text labels
            without ``labels``, values of the other shape than the accumulator's earlier
            chunks, or when neither or both of ``y_prob`` and ``logits`` are given.
        """
        checked = self._kind.check(y_true, y_prob, logits, sample_weight)
        _add_chunk(self._table(), checked, self._kind.n_classes)
        self.n_samples += checked.n
        return self

    def merge(self, other: LogLossAccumulator) -> LogLossAccumulator:
        """Add another accumulator's data to this one, exactly.

        Parameters
        ----------
        other : LogLossAccumulator
            Of the same classes.

        Returns
        -------
        LogLossAccumulator
            ``self``.

        Raises
        ------
        TypeError
            If ``other`` is not a `LogLossAccumulator`.
        ValueError
            If its classes differ.
        """
        _take_kind(self._kind, other, LogLossAccumulator, "accumulators of different classes")
        if other._sums is not None and other.n_samples:  # an empty one may not know its classes yet
            self._table().merge(other._sums)
        self.n_samples += other.n_samples
        return self

    def result(self) -> LogLossSummary:
        """The summary of all data seen so far.

        Returns
        -------
        LogLossSummary

        Raises
        ------
        ValueError
            If no sample (or no weight) has been added yet.
        """
        if self._sums is None:
            raise ValueError("No data yet: call update() with at least one sample of positive weight.")
        return _summary(self._sums, 0, self.n_samples, self._kind)

    def to_state(self) -> dict:
        """The accumulator's state as plain data (dicts, lists, str, int, float), for JSON or Arrow.

        Each exact sum is a list of floats whose exact sum it is (usually one to three), so
        `from_state` restores it without loss.

        Returns
        -------
        dict
            ``{"type": "LogLossAccumulator", "version": 1, "classes", "multiclass", "n_samples",
            "sums": {...}}``.
        """
        kind = self._kind
        sums = self._table()
        return {"type": "LogLossAccumulator", "version": STATE_VERSION, **kind.describe(), "n_samples": self.n_samples,
                "sums": _cell_state(sums, 0, kind.n_classes)}

    @classmethod
    def from_state(cls, state: dict) -> LogLossAccumulator:
        """An accumulator from what `to_state` wrote.

        Parameters
        ----------
        state : dict
            As `to_state` returns it (or read back from its JSON).

        Returns
        -------
        LogLossAccumulator

        Raises
        ------
        ValueError
            If ``state`` is not such a state, or of another version.
        """
        kind = _kind_from_state(state, "LogLossAccumulator")
        accumulator = cls.__new__(cls)
        accumulator._kind = kind
        accumulator._sums = K.ExactSums(1, _n_columns(kind))
        _read_cell_state(accumulator._sums, 0, kind.n_classes, state.get("sums", {}))
        accumulator.n_samples = _count(state.get("n_samples"))
        return accumulator


def _count(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"state's n_samples must be a non-negative integer; got {value!r}.")
    return value


class _SegmentIndex:
    """Numbers the distinct segment values in the order they first come (a chunk's new ones sorted)."""

    def __init__(self):
        self.keys: list = []
        self.number: dict = {}

    def __call__(self, segments) -> np.ndarray:
        values = as_label_array(segments, "segments")
        if values.dtype.kind in "iu" and len(values) and values.min() >= 0 and values.max() < 4 * len(values) + 1024:
            present = np.flatnonzero(np.bincount(values))
            table = np.zeros(int(present[-1]) + 1, dtype=np.intp)
            table[present] = [self._number(int(v)) for v in present]
            return table[values]
        present, inverse = np.unique(values, return_inverse=True)
        return np.array([self._number(_plain(v)) for v in present], dtype=np.intp)[inverse]

    def _number(self, key) -> int:
        if key not in self.number:
            self.number[key] = len(self.keys)
            self.keys.append(key)
        return self.number[key]


class SegmentedLogLossAccumulator:
    r"""One `LogLossAccumulator` per segment (a country, a device, a model version), filled in one pass.

    `update` takes the segment of each sample beside the labels and predictions, and adds
    each sample to its segment's sums with one ``np.bincount`` per quantity: the rows are never
    sorted or copied per segment, so scoring a hundred segments costs little more than one.
    Segments are numbers, booleans or strings; `result` gives a summary per segment and
    `total` the accumulator of all rows (the segments merged, exactly).

    Parameters
    ----------
    labels : array-like, default=None
        The classes, as for `LogLossAccumulator`.

    Examples
    --------
    >>> from logloss_ref import SegmentedLogLossAccumulator
    >>> by_country = SegmentedLogLossAccumulator().update(["FR", "DE", "FR"], [1, 0, 0], [0.9, 0.2, 0.4])
    >>> {country: round(summary.log_loss, 6) for country, summary in by_country.result().items()}
    {'DE': 0.223144, 'FR': 0.308093}
    >>> round(by_country.total().result().log_loss, 6)
    0.279776
    """

    def __init__(self, *, labels=None):
        self._kind = _Kind(labels)
        self._index = _SegmentIndex()
        self._sums: K.ExactSums | None = None
        self._n_samples = np.zeros(0, dtype=np.int64)

    @property
    def segments(self) -> list:
        """The segments seen so far, in the order they first came (a chunk's new ones sorted)."""
        return list(self._index.keys)

    def _table(self, n_rows: int) -> K.ExactSums:
        if self._sums is None:
            self._sums = K.ExactSums(n_rows, _n_columns(self._kind))
        else:
            self._sums.grow(n_rows)
        if len(self._n_samples) < n_rows:
            self._n_samples = np.concatenate([self._n_samples, np.zeros(n_rows - len(self._n_samples), dtype=np.int64)])
        return self._sums

    def update(self, segments, y_true, y_prob=None, *, logits=None, sample_weight=None) -> SegmentedLogLossAccumulator:
        """Add a chunk: the segment of each sample, and its label and probabilities or logits.

        Parameters
        ----------
        segments : array-like of shape (n_samples,)
            The segment of each sample: numbers, booleans or strings (no missing value).
        y_true, y_prob, logits, sample_weight
            As for `LogLossAccumulator.update`.

        Returns
        -------
        SegmentedLogLossAccumulator
            ``self``.

        Raises
        ------
        TypeError, ValueError
            As `LogLossAccumulator.update`; or if ``segments`` is not 1-D, holds a missing
            value, or differs in length from ``y_true``.
        """
        checked = self._kind.check(y_true, y_prob, logits, sample_weight)
        if len(segments) != checked.n:
            raise ValueError(f"segments has {len(segments)} entries but there are {checked.n} samples; give one segment per sample.")
        try:
            rows = self._index(segments)
        except TypeError as error:
            raise TypeError(f"{error} (None or NaN in segments: fill missing segments with a value first)") from None
        n_rows = len(self._index.keys)
        sums = self._table(n_rows)
        _add_chunk(sums, checked, self._kind.n_classes, rows)
        self._n_samples[:n_rows] += np.bincount(rows, minlength=n_rows)
        return self

    def merge(self, other: SegmentedLogLossAccumulator) -> SegmentedLogLossAccumulator:
        """Add another segmented accumulator's data, segment by segment, exactly; returns ``self``.

        Raises
        ------
        TypeError
            If ``other`` is not a `SegmentedLogLossAccumulator`.
        ValueError
            If its classes differ.
        """
        _take_kind(self._kind, other, SegmentedLogLossAccumulator, "accumulators of different classes")
        if other._sums is None:
            return self
        rows = [self._index._number(key) for key in other._index.keys]
        sums = self._table(len(self._index.keys))
        sums.merge(other._sums, rows)
        for row, count in zip(rows, other._n_samples.tolist()):
            self._n_samples[row] += count
        return self

    def __getitem__(self, segment) -> LogLossAccumulator:
        """The accumulator of one segment (a copy).

        Raises
        ------
        KeyError
            If the segment never occurred.
        """
        row = self._index.number[segment]
        accumulator = LogLossAccumulator.__new__(LogLossAccumulator)
        accumulator._kind = self._kind
        accumulator._sums = self._sums.row(row)
        accumulator.n_samples = int(self._n_samples[row])
        return accumulator

    def total(self) -> LogLossAccumulator:
        """An accumulator of all samples, every segment merged (exactly).

        Returns
        -------
        LogLossAccumulator
        """
        total = LogLossAccumulator.__new__(LogLossAccumulator)
        total._kind = self._kind
        total._sums = None
        total.n_samples = 0
        for segment in self._index.keys:
            total.merge(self[segment])
        if total._sums is None:
            total._sums = K.ExactSums(1, _n_columns(self._kind)) if self._kind.multiclass is not None else None
        return total

    def result(self) -> dict:
        """The summary of each segment, in the order of `segments`.

        Returns
        -------
        dict
            Segment → `LogLossSummary`.

        Raises
        ------
        ValueError
            If a segment has no weight (all its samples weigh 0).
        """
        return {segment: self[segment].result() for segment in self._index.keys}

    def to_state(self) -> dict:
        """The state as plain data: each segment with its accumulator's ``sums`` and ``n_samples``.

        Returns
        -------
        dict
            ``{"type": "SegmentedLogLossAccumulator", "version": 1, "classes", "multiclass",
            "segments": [{"segment", "n_samples", "sums"}, ...]}``.
        """
        segments = []
        for segment in self._index.keys:
            one = self[segment]
            segments.append({"segment": segment, "n_samples": one.n_samples,
                             "sums": _cell_state(one._table(), 0, self._kind.n_classes)})
        return {"type": "SegmentedLogLossAccumulator", "version": STATE_VERSION, **self._kind.describe(),
                "segments": segments}

    @classmethod
    def from_state(cls, state: dict) -> SegmentedLogLossAccumulator:
        """A segmented accumulator from what `to_state` wrote.

        Raises
        ------
        ValueError
            If ``state`` is not such a state, or of another version.
        """
        kind = _kind_from_state(state, "SegmentedLogLossAccumulator")
        accumulator = cls(labels=None)
        accumulator._kind = kind
        segments = state.get("segments")
        if not isinstance(segments, list):
            raise ValueError("state's segments must be a list.")
        for entry in segments:
            if not isinstance(entry, dict) or "segment" not in entry:
                raise ValueError("each of state's segments must be a dict with a segment, n_samples and sums.")
            row = accumulator._index._number(entry["segment"])
            sums = accumulator._table(len(accumulator._index.keys))
            _read_cell_state(sums, row, kind.n_classes, entry.get("sums", {}))
            accumulator._n_samples[row] += _count(entry.get("n_samples"))
        return accumulator
