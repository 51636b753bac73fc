"""Comparing two models' log loss on the same samples: the paired difference and its uncertainty."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np

from ._kernels import ExactSum as _ExactSum
from ._kernels import chunk_total as _total
from ._validation import check_sample_weight
from .losses import log_loss, log_loss_from_logits

__all__ = ["LogLossComparison", "LogLossComparisonAccumulator", "compare_log_loss"]


@dataclass(frozen=True)
class LogLossComparison:
    r"""What `compare_log_loss` and `LogLossComparisonAccumulator.result` report.

    ``difference`` is B's log loss minus A's, so a negative difference favours B;
    ``interval`` is the ``confidence`` interval of the difference. ``standard_error_unpaired``
    is what the standard error would be if the two scores came from separate samples,
    \(\sqrt{\operatorname{SE}_A^2 + \operatorname{SE}_B^2}\): shown for contrast, it ignores that
    the two losses of a sample move together.
    """

    n_samples: int
    total_weight: float
    log_loss_a: float
    log_loss_b: float
    difference: float
    standard_error: float
    confidence: float
    interval: tuple[float, float]
    share_b_lower: float
    standard_error_unpaired: float

    def to_dict(self) -> dict:
        """The comparison as a dict (what ``logloss-ref compare --json`` prints)."""
        return asdict(self)


class LogLossComparisonAccumulator:
    r"""Accumulate the comparison of two models' log loss on the same samples, in pieces.

    For each sample \(i\) with weight \(w_i\) the per-sample losses of the two models give a
    paired difference \(d_i = \ell^B_i - \ell^A_i\). The difference in log loss is their
    weighted mean \(\bar d = \sum_i w_i d_i / \sum_i w_i\), and its standard error is

    $$
    \operatorname{SE}(\bar d) = \sqrt{\frac{n}{n - 1}\,\frac{\sum_i w_i^2 (d_i - \bar d)^2}{\bigl(\sum_i w_i\bigr)^2}},
    $$

    with \(n\) the number of samples of positive weight. Without weights this is the usual
    \(s_d / \sqrt{n}\). The interval is \(\bar d \pm z\,\operatorname{SE}\), with \(z\) the
    normal quantile (1.96 for 95%): the central limit theorem for the mean of the differences.

    Like `LogLossAccumulator`, its state is a fixed set of sums, added and merged without
    rounding, so it streams through a file and merges across workers (Dask, Spark).

    Notes
    -----
    Pairing matters. The two losses of a sample move together: a hard customer costs both
    models a lot. Their covariance cancels in \(d_i\), so the paired standard error is
    usually far smaller than \(\sqrt{\operatorname{SE}_A^2 + \operatorname{SE}_B^2}\), the
    one for two independent scores. The variance is formed from exact sums of
    \(w^2 d^2\), \(w^2 d\) and \(w^2\); it loses relative precision only when the spread of
    the differences is below about \(10^{-8}\) of their mean.

    Examples
    --------
    >>> from logloss_ref import LogLossComparisonAccumulator
    >>> first = LogLossComparisonAccumulator().update([1, 0, 1], [0.9, 0.2, 0.6], [0.8, 0.1, 0.7])
    >>> second = LogLossComparisonAccumulator().update([0, 1], [0.3, 0.55], [0.25, 0.6])
    >>> result = first.merge(second).result()
    >>> result.n_samples, round(result.difference, 6), round(result.standard_error, 6)
    (5, -0.062031, 0.047223)
    """

    def __init__(self, *, labels=None):
        self.labels = labels
        self.n_samples = 0
        self._n_weighted = 0  # samples of positive weight
        self._weight, self._loss_a, self._loss_b = _ExactSum(), _ExactSum(), _ExactSum()
        self._difference, self._b_lower = _ExactSum(), _ExactSum()
        self._w2, self._w2_difference, self._w2_difference2 = _ExactSum(), _ExactSum(), _ExactSum()
        # For the unpaired standard error: the same moments of each model's own losses.
        self._w2_a, self._w2_a2, self._w2_b, self._w2_b2 = _ExactSum(), _ExactSum(), _ExactSum(), _ExactSum()

    def update(self, y_true, y_prob_a=None, y_prob_b=None, *, logits_a=None, logits_b=None, sample_weight=None):
        """Add samples: labels and both models' probabilities, or both models' logits.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Labels, as for `log_loss`.
        y_prob_a, y_prob_b : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
            The two models' predicted probabilities, as for `log_loss`.
        logits_a, logits_b : array-like, default=None
            Or the two models' scores, as for `log_loss_from_logits` (exact for any score).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights.

        Returns
        -------
        LogLossComparisonAccumulator
            ``self``.

        Raises
        ------
        TypeError, ValueError
            For invalid inputs (as `log_loss`), or unless exactly both probabilities or
            both logits are given.
        """
        probabilities, scores = (y_prob_a, y_prob_b), (logits_a, logits_b)
        if all(v is not None for v in probabilities) and all(v is None for v in scores):
            loss_a = log_loss(y_true, y_prob_a, labels=self.labels, reduction="none")
            loss_b = log_loss(y_true, y_prob_b, labels=self.labels, reduction="none")
        elif all(v is not None for v in scores) and all(v is None for v in probabilities):
            loss_a = log_loss_from_logits(y_true, logits_a, labels=self.labels, reduction="none")
            loss_b = log_loss_from_logits(y_true, logits_b, labels=self.labels, reduction="none")
        else:
            raise ValueError("Give both models' probabilities (y_prob_a, y_prob_b) or both models' logits "
                             "(logits_a, logits_b).")
        n = len(loss_a)
        weights = check_sample_weight(sample_weight, n)
        w = np.ones(n) if weights is None else weights
        d = loss_b - loss_a
        positive = w > 0
        w, d, loss_a, loss_b = w[positive], d[positive], loss_a[positive], loss_b[positive]
        self.n_samples += n
        self._n_weighted += int(positive.sum())
        self._weight.add(_total(w))
        self._loss_a.add(_total(w * loss_a))
        self._loss_b.add(_total(w * loss_b))
        self._difference.add(_total(w * d))
        self._b_lower.add(_total(w[d < 0]))
        w2 = w * w
        self._w2.add(_total(w2))
        self._w2_difference.add(_total(w2 * d))
        self._w2_difference2.add(_total(w2 * d * d))
        self._w2_a.add(_total(w2 * loss_a))
        self._w2_a2.add(_total(w2 * loss_a * loss_a))
        self._w2_b.add(_total(w2 * loss_b))
        self._w2_b2.add(_total(w2 * loss_b * loss_b))
        return self

    def merge(self, other: LogLossComparisonAccumulator) -> LogLossComparisonAccumulator:
        """Add another accumulator's samples to this one (exactly); returns ``self``."""
        if not isinstance(other, LogLossComparisonAccumulator):
            raise TypeError(f"other must be a LogLossComparisonAccumulator, got {type(other).__name__}.")
        self.n_samples += other.n_samples
        self._n_weighted += other._n_weighted
        for mine, theirs in zip(self._sums(), other._sums()):
            mine.merge(theirs)
        return self

    def _sums(self) -> list[_ExactSum]:
        return [self._weight, self._loss_a, self._loss_b, self._difference, self._b_lower,
                self._w2, self._w2_difference, self._w2_difference2, self._w2_a, self._w2_a2, self._w2_b, self._w2_b2]

    def _standard_error(self, mean: float, w2_x: _ExactSum, w2_x2: _ExactSum) -> float:
        """sqrt(n/(n-1) * sum w²(x - mean)²) / sum w, from the exact sums of w²x² and w²x."""
        spread = w2_x2.value - 2 * mean * w2_x.value + mean * mean * self._w2.value
        n = self._n_weighted
        return math.sqrt(max(spread, 0.0) * n / (n - 1)) / self._weight.value

    def result(self, *, confidence: float = 0.95) -> LogLossComparison:
        """The comparison of all samples seen so far.

        Parameters
        ----------
        confidence : float, default=0.95
            The coverage of the interval, in (0, 1).

        Raises
        ------
        ValueError
            With fewer than two samples of positive weight, or a ``confidence`` outside (0, 1).
        """
        if not (isinstance(confidence, float | int) and 0 < confidence < 1):
            raise ValueError(f"confidence must be a number in (0, 1); got {confidence!r}.")
        if self._n_weighted < 2:
            raise ValueError("A standard error needs at least two samples of positive weight; "
                             f"got {self._n_weighted}.")
        total = self._weight.value
        mean, loss_a, loss_b = self._difference.value / total, self._loss_a.value / total, self._loss_b.value / total
        standard_error = self._standard_error(mean, self._w2_difference, self._w2_difference2)
        unpaired = math.hypot(self._standard_error(loss_a, self._w2_a, self._w2_a2),
                              self._standard_error(loss_b, self._w2_b, self._w2_b2))
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        return LogLossComparison(
            n_samples=self.n_samples, total_weight=total, log_loss_a=loss_a, log_loss_b=loss_b,
            difference=mean, standard_error=standard_error, confidence=float(confidence),
            interval=(mean - z * standard_error, mean + z * standard_error),
            share_b_lower=self._b_lower.value / total, standard_error_unpaired=unpaired,
        )


def compare_log_loss(y_true, y_prob_a=None, y_prob_b=None, *, logits_a=None, logits_b=None, labels=None,
                     sample_weight=None, confidence=0.95) -> LogLossComparison:
    r"""Compare two models' log loss on the same samples: B − A, its standard error and interval.

    The difference is the weighted mean of the per-sample differences
    \(d_i = \ell^B_i - \ell^A_i\); its standard error and interval come from the spread of
    those paired differences (see `LogLossComparisonAccumulator` for the formula). A
    negative difference whose interval lies below 0 says that B's lower log loss is more
    than noise.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels, as for `log_loss`.
    y_prob_a, y_prob_b : array-like of shape (n_samples,) or (n_samples, n_classes), default=None
        The two models' predicted probabilities.
    logits_a, logits_b : array-like, default=None
        Or the two models' scores (logits).
    labels : array-like, default=None
        Every class, as for `log_loss`.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights.
    confidence : float, default=0.95
        The coverage of the interval.

    Returns
    -------
    LogLossComparison

    Raises
    ------
    TypeError, ValueError
        For invalid inputs (as `log_loss`), fewer than two samples of positive weight, or
        unless exactly both probabilities or both logits are given.

    References
    ----------
    .. [1] Diebold and Mariano, "Comparing Predictive Accuracy", Journal of Business &
       Economic Statistics 13 (1995): the test of equal expected loss from paired loss
       differences.

    Examples
    --------
    >>> from logloss_ref import compare_log_loss
    >>> result = compare_log_loss([1, 0, 1, 0, 1], [0.9, 0.2, 0.6, 0.3, 0.55], [0.8, 0.1, 0.7, 0.25, 0.6])
    >>> round(result.log_loss_a, 6), round(result.log_loss_b, 6), round(result.difference, 6)
    (0.358768, 0.296737, -0.062031)
    >>> [round(end, 6) for end in result.interval]  # contains 0: five samples cannot tell them apart
    [-0.154586, 0.030524]
    """
    accumulator = LogLossComparisonAccumulator(labels=labels)
    accumulator.update(y_true, y_prob_a, y_prob_b, logits_a=logits_a, logits_b=logits_b, sample_weight=sample_weight)
    return accumulator.result(confidence=confidence)
