"""A mergeable accumulator: log loss and its companions over data that arrive in pieces."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field

import numpy as np

from ._validation import check_classes, check_multiclass_predictions, check_predictions
from .evaluation import _class_entropy, _squared_distance_to_one_hot, binary_entropy
from .links import _sigmoid, _softmax
from .losses import _class_probability_losses, _logit_losses, _probability_losses, _score_losses, _squared_errors

__all__ = ["CalibrationBin", "LogLossAccumulator", "LogLossSummary"]

N_CALIBRATION_BINS = 10


class _ExactSum:
    """A running float sum without rounding error (Shewchuk's partials, as in ``math.fsum``).

    Its memory is bounded (a few dozen partials at most), adding is exact, and merging two
    sums is exact, so the total does not depend on how the data were split or ordered.
    """

    __slots__ = ("partials", "infinite")

    def __init__(self):
        self.partials: list[float] = []
        self.infinite = 0.0  # the sum of any infinite terms, kept apart (inf - inf has no partials)

    def add(self, x: float) -> None:
        if not math.isfinite(x):
            self.infinite += x
            return
        partials, i = self.partials, 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low:
                partials[i] = low
                i += 1
            x = high
        partials[i:] = [x]

    def merge(self, other: _ExactSum) -> None:
        for x in other.partials:
            self.add(x)
        self.infinite += other.infinite

    @property
    def value(self) -> float:
        return self.infinite if self.infinite else math.fsum(self.partials)


def _total(values: np.ndarray) -> float:
    # NumPy's pairwise sum within a chunk (relative error ~1e-16); chunks then add exactly.
    return float(np.sum(values))


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
        if y_prob is None and logits is None:
            raise ValueError("Give exactly one of y_prob and logits.")
        if self.classes is None:
            is_one, values, w = check_predictions(y_true, y_prob, logits=logits, sample_weight=sample_weight)
            if logits is not None:
                losses, p = _logit_losses(is_one, values), _sigmoid(values)
            else:
                losses, p = _probability_losses(is_one, values), values
            squared, correct = _squared_errors(is_one, p), (p >= 0.5) == is_one
        else:
            index, values, w, _ = check_multiclass_predictions(
                y_true, y_prob, logits=logits, labels=self.classes, sample_weight=sample_weight
            )
            if logits is not None:
                losses, P = _score_losses(index, values), _softmax(values)
            else:
                losses, P = _class_probability_losses(index, values), values
            squared, correct = _squared_distance_to_one_hot(index, P), np.argmax(P, axis=1) == index
        n = len(values)
        weights = np.ones(n) if w is None else w
        losses = np.where(weights == 0, 0.0, losses)  # a zero weight drops even an infinite loss

        self.n_samples += n
        self._weight.add(_total(weights))
        self._loss.add(_total(losses * weights))
        self._squared_error.add(_total(squared * weights))
        self._correct_weight.add(_total(weights[correct]))
        if self.classes is not None:
            for total, class_weight in zip(np.bincount(index, weights=weights, minlength=len(self.classes)),
                                           self._class_weight):
                class_weight.add(float(total))
            return self
        self._positive_weight.add(_total(weights[is_one]))
        # Bins as calibration_curve(strategy="uniform"): (edge_i, edge_i+1], the first closed.
        bins = np.searchsorted(np.linspace(0.0, 1.0, N_CALIBRATION_BINS + 1)[1:-1], p)
        for index, total in enumerate(np.bincount(bins, weights=weights, minlength=N_CALIBRATION_BINS)):
            if total:
                in_bin = bins == index
                self._bin_weight[index].add(float(total))
                self._bin_probability[index].add(_total(p[in_bin] * weights[in_bin]))
                self._bin_positive[index].add(_total(weights[in_bin & is_one]))
        return self

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
            baseline = _class_entropy(totals)
            ratio = loss / baseline if baseline > 0 else None
            return LogLossSummary(
                n_samples=self.n_samples, total_weight=total, prevalence=None, log_loss=loss,
                baseline_log_loss=baseline, normalized_entropy=ratio, d2=None if ratio is None else 1.0 - ratio,
                brier_score=self._squared_error.value / total, accuracy=self._correct_weight.value / total,
                classes=self.classes.tolist(), class_shares=shares.tolist(),
            )
        prevalence = self._positive_weight.value / total
        baseline = binary_entropy(prevalence)
        ratio = loss / baseline if baseline > 0 else None
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
