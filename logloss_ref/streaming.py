"""A mergeable accumulator: log loss and its companions over data that arrive in pieces."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

import numpy as np

from . import _kernels as K
from ._kernels import ExactSum as _ExactSum
from ._kernels import chunk_total as _total
from ._validation import check_classes, check_prediction_input

__all__ = ["CalibrationBin", "LogLossAccumulator", "LogLossSummary"]

N_CALIBRATION_BINS = 10


def _calibration_bins(p: np.ndarray) -> np.ndarray:
    """The calibration bin of each probability (uint8 keeps the bincount keys small)."""
    return K.uniform_bins(p, N_CALIBRATION_BINS).astype(np.uint8)


@dataclass
class _Rows:
    """A checked chunk: per sample, its weight and its weighted loss, squared error and so on."""

    n: int
    weight: np.ndarray | None  # None: every weight is 1
    loss: np.ndarray  # times the weight
    squared: np.ndarray  # times the weight
    correct: np.ndarray  # bool
    is_one: np.ndarray | None  # two classes
    p: np.ndarray | None  # two classes: the probability of class 1
    index: np.ndarray | None  # K classes: the class index


def _weight_where(mask: np.ndarray, w: np.ndarray | None) -> float:
    """The total weight of the samples where ``mask`` holds (their count, without weights)."""
    return float(np.count_nonzero(mask)) if w is None else _total(w[mask])


def _bin_totals(bins: np.ndarray, rows: _Rows, groups: np.ndarray | None = None, n_groups: int = 1):
    """Per calibration bin (and group): total weight, weighted probability, weight of class 1.

    ``np.bincount`` sums each bin in order; the relative error is at most about n·1e-16 for a
    chunk of n samples, far below the four decimals the calibration table shows.
    """
    key = bins if groups is None else groups * N_CALIBRATION_BINS + bins
    size = N_CALIBRATION_BINS * n_groups
    w = rows.weight
    weight = np.bincount(key, weights=w, minlength=size).astype(np.float64)
    probability = np.bincount(key, weights=rows.p if w is None else rows.p * w, minlength=size)
    positive = np.bincount(key[rows.is_one], weights=None if w is None else w[rows.is_one], minlength=size).astype(np.float64)
    if groups is None:
        return weight, probability, positive
    return (totals.reshape(n_groups, N_CALIBRATION_BINS) for totals in (weight, probability, positive))


def _update_groups(accumulators: list, groups: np.ndarray, rows: _Rows) -> None:
    """Add each row to the accumulator of its group (``accumulators[g]`` for ``groups == g``), in one pass.

    Every sum is a ``np.bincount`` over the groups, so the rows are never sorted or copied per
    group: segmenting a file by a hundred values costs little more than scoring it once.
    """
    n_groups = len(accumulators)
    w = rows.weight
    counts = np.bincount(groups, minlength=n_groups)
    weight = counts.astype(np.float64) if w is None else np.bincount(groups, weights=w, minlength=n_groups)
    loss = np.bincount(groups, weights=rows.loss, minlength=n_groups)
    squared = np.bincount(groups, weights=rows.squared, minlength=n_groups)
    correct = np.bincount(groups[rows.correct], weights=None if w is None else w[rows.correct], minlength=n_groups)
    multiclass = rows.index is not None
    if multiclass:
        n_classes = len(accumulators[0].classes)
        class_weight = np.bincount(groups * n_classes + rows.index, weights=w, minlength=n_groups * n_classes)
        class_weight = class_weight.reshape(n_groups, n_classes)
    else:
        positive = np.bincount(groups[rows.is_one], weights=None if w is None else w[rows.is_one], minlength=n_groups)
        bin_weight, bin_probability, bin_positive = _bin_totals(_calibration_bins(rows.p), rows, groups, n_groups)
    for g in np.flatnonzero(counts):
        accumulators[g]._add_totals(
            int(counts[g]), weight[g], loss[g], squared[g], correct[g],
            class_weight=class_weight[g] if multiclass else None,
            positive=None if multiclass else positive[g],
            bins=None if multiclass else (bin_weight[g], bin_probability[g], bin_positive[g]),
        )


@dataclass(frozen=True)
class CalibrationBin:
    """One bin of width 0.1 of the predicted probability."""

    low: float
    high: float
    weight: float
    mean_predicted: float
    observed: float


@dataclass(frozen=True)
class LogLossSummary:
    """Everything `LogLossAccumulator.result` reports.

    ``normalized_entropy`` and ``d2`` are None when only one class occurred, because the
    baseline log loss is then 0 and the ratio undefined. With K classes ``prevalence`` is
    None and ``classes`` and ``class_shares`` give the (weighted) share of each class;
    ``calibration`` is empty and ``accuracy`` is that of the most probable class.
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
        return asdict(self)


class LogLossAccumulator:
    r"""Accumulate log loss, its baseline, the Brier score, accuracy and calibration in pieces.

    Feed it chunks with `update` (from a file, a stream, a Dask or Spark partition), combine
    accumulators from different workers with `merge`, and read everything with `result`.
    Its state is a fixed set of sums, so memory does not grow with the data. Within a chunk
    NumPy sums pairwise (relative error about 1e-16); the chunk totals are then added and
    merged without rounding, so no error builds up across chunks or workers, and the result
    matches `log_loss` on the whole data to about 1e-15 however the data were split.

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

    K classes: name them when creating the accumulator, then give (n, K) probabilities or
    scores, the columns in the sorted order of the labels:

    >>> three = LogLossAccumulator(labels=["cardigan", "coat", "jacket"])
    >>> three.update(["coat", "jacket"], [[0.1, 0.7, 0.2], [0.2, 0.2, 0.6]]).result().log_loss
    0.4337502838523616
    """

    def __init__(self, *, labels=None):
        # labels=None: two classes, 0/1 labels with 1-D probabilities or logits. Otherwise
        # K classes (any labels) with (n, K) arrays; the classes must be known before merging.
        self.classes = None if labels is None else check_classes(labels, labels, name="labels")[1]
        self._class_weight = [] if self.classes is None else [_ExactSum() for _ in self.classes]
        self.n_samples = 0
        self._weight = _ExactSum()
        self._positive_weight = _ExactSum()
        self._loss = _ExactSum()
        self._squared_error = _ExactSum()
        self._correct_weight = _ExactSum()
        self._bin_weight = [_ExactSum() for _ in range(N_CALIBRATION_BINS)]
        self._bin_probability = [_ExactSum() for _ in range(N_CALIBRATION_BINS)]
        self._bin_positive = [_ExactSum() for _ in range(N_CALIBRATION_BINS)]

    def update(self, y_true, y_prob=None, *, logits=None, sample_weight=None) -> LogLossAccumulator:
        """Add a chunk of labels with either probabilities ``y_prob`` or ``logits``.

        With logits the loss is exact (`log_loss_from_logits`); with probabilities it is
        clipped as in `log_loss`. Returns ``self``.

        Raises
        ------
        TypeError, ValueError
            For invalid labels, probabilities, logits or weights (as `log_loss`), or when
            neither or both of ``y_prob`` and ``logits`` are given.
        """
        self._add(self._rows(y_true, y_prob, logits, sample_weight))
        return self

    def _rows(self, y_true, y_prob, logits, sample_weight) -> _Rows:
        """Each sample's (weighted) contribution to the sums, after checking the inputs."""
        if y_prob is None and logits is None:
            raise ValueError("Give exactly one of y_prob and logits.")
        if self.classes is None:
            data = check_prediction_input(y_true, y_prob, logits=logits, sample_weight=sample_weight)
            if not data.binary:
                raise ValueError("This accumulator is for two classes (1-D values); for K classes create it "
                                 "with labels=[...] (every class).")
        else:
            data = check_prediction_input(y_true, y_prob, logits=logits, labels=self.classes, sample_weight=sample_weight)
            if data.binary:
                raise ValueError(f"This accumulator has the classes {self.classes.tolist()!r}: give one column per class.")
        losses = K.sample_losses(data, slice(None))
        P = K.probabilities(data)
        squared, correct = K.brier_terms(data.y, P), K.is_correct(data.y, P)
        is_one, p, index = (data.y, P, None) if data.binary else (None, None, data.y)
        w = data.weights
        if w is not None:
            K.drop_zero_weights(losses, w)
            squared = squared * w
        values = data.values
        return _Rows(len(values), w, losses, squared, correct, is_one, p, index)

    def _add(self, rows: _Rows) -> None:
        """Add a chunk's sums: NumPy's pairwise sums within the chunk, exact across chunks."""
        w = rows.weight
        multiclass = self.classes is not None
        self._add_totals(
            rows.n, float(rows.n) if w is None else _total(w), _total(rows.loss), _total(rows.squared),
            _weight_where(rows.correct, w),
            class_weight=np.bincount(rows.index, weights=w, minlength=len(self.classes)) if multiclass else None,
            positive=None if multiclass else _weight_where(rows.is_one, w),
            bins=None if multiclass else _bin_totals(_calibration_bins(rows.p), rows),
        )

    def _add_totals(self, n: int, weight, loss, squared, correct, *, class_weight=None, positive=None, bins=None) -> None:
        """Add the totals of ``n`` samples: K class weights, or the positive weight and the bins' three totals."""
        self.n_samples += n
        for sum_, total in ((self._weight, weight), (self._loss, loss), (self._squared_error, squared),
                            (self._correct_weight, correct)):
            sum_.add(float(total))
        if class_weight is not None:
            for sum_, total in zip(self._class_weight, class_weight):
                sum_.add(float(total))
            return
        self._positive_weight.add(float(positive))
        for sums, totals in zip((self._bin_weight, self._bin_probability, self._bin_positive), bins):
            for index in np.flatnonzero(totals):
                sums[index].add(float(totals[index]))

    def merge(self, other: LogLossAccumulator) -> LogLossAccumulator:
        """Add another accumulator's data to this one (exactly); returns ``self``."""
        if not isinstance(other, LogLossAccumulator):
            raise TypeError(f"other must be a LogLossAccumulator, got {type(other).__name__}.")
        mine = None if self.classes is None else self.classes.tolist()
        theirs = None if other.classes is None else other.classes.tolist()
        if mine != theirs:
            raise ValueError(f"cannot merge accumulators of different classes: {mine!r} and {theirs!r}.")
        self.n_samples += other.n_samples
        for mine, theirs in zip(self._sums(), other._sums()):
            mine.merge(theirs)
        return self

    def _sums(self) -> list[_ExactSum]:
        return [self._weight, self._positive_weight, self._loss, self._squared_error, self._correct_weight,
                *self._bin_weight, *self._bin_probability, *self._bin_positive, *self._class_weight]

    def result(self) -> LogLossSummary:
        """The summary of all data seen so far.

        Raises
        ------
        ValueError
            If no sample (or no weight) has been added yet.
        """
        total = self._weight.value
        if self.n_samples == 0 or total == 0:
            raise ValueError("No data yet: call update() with at least one sample of positive weight.")
        loss = self._loss.value / total
        if self.classes is not None:
            totals = np.array([class_weight.value for class_weight in self._class_weight])
            shares = totals / total
            baseline = K.class_entropy(totals)
            ratio = K.loss_ratio(loss, baseline)
            return LogLossSummary(
                n_samples=self.n_samples, total_weight=total, prevalence=None, log_loss=loss,
                baseline_log_loss=baseline, normalized_entropy=ratio, d2=None if ratio is None else 1.0 - ratio,
                brier_score=self._squared_error.value / total, accuracy=self._correct_weight.value / total,
                classes=self.classes.tolist(), class_shares=shares.tolist(),
            )
        prevalence = self._positive_weight.value / total
        baseline = K.class_entropy(np.array([self._weight.value - self._positive_weight.value, self._positive_weight.value]))
        ratio = K.loss_ratio(loss, baseline)
        calibration = []
        for index in range(N_CALIBRATION_BINS):
            weight = self._bin_weight[index].value
            if weight:
                calibration.append(CalibrationBin(
                    low=index / N_CALIBRATION_BINS,
                    high=(index + 1) / N_CALIBRATION_BINS,
                    weight=weight,
                    mean_predicted=self._bin_probability[index].value / weight,
                    observed=self._bin_positive[index].value / weight,
                ))
        return LogLossSummary(
            n_samples=self.n_samples,
            total_weight=total,
            prevalence=prevalence,
            log_loss=loss,
            baseline_log_loss=baseline,
            normalized_entropy=ratio,
            d2=None if ratio is None else 1.0 - ratio,
            brier_score=self._squared_error.value / total,
            accuracy=self._correct_weight.value / total,
            calibration=calibration,
        )
