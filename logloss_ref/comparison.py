"""Comparing two models' log loss on the same samples: the paired difference and its uncertainty."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from statistics import NormalDist

import numpy as np

from ._validation import as_label_array, check_classes
from . import _kernels as K
from .streaming import STATE_VERSION, _count, _Kind, _kind_from_state, _plain, _take_kind

__all__ = ["LogLossComparison", "LogLossComparisonAccumulator", "compare_log_loss"]

# The exact sums a comparison keeps, by cell: the weights, each model's weighted losses, the
# weighted differences d = loss_b - loss_a, the weight where B's loss is lower, and the
# moments with w² that give the standard errors.
_SUMS = ["weight", "loss_a", "loss_b", "difference", "b_lower_weight", "w2", "w2_difference", "w2_difference2",
         "w2_loss_a", "w2_loss_a2", "w2_loss_b", "w2_loss_b2"]
(_WEIGHT, _LOSS_A, _LOSS_B, _DIFFERENCE, _B_LOWER, _W2, _W2_DIFFERENCE, _W2_DIFFERENCE2,
 _W2_A, _W2_A2, _W2_B, _W2_B2) = range(len(_SUMS))


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

    Like `LogLossAccumulator`, its state is a fixed set of exact sums, so it streams through a
    file, merges across workers (Dask, Spark) with the same result however the data were split,
    and travels as plain data (`to_state`, `from_state`).

    Parameters
    ----------
    labels : array-like, default=None
        The classes, as for `LogLossAccumulator`: needed for text labels (a piece may lack a
        class); checked, sorted, and compared by `merge`.

    Raises
    ------
    ValueError
        If ``labels`` repeats a class or names fewer than two.

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
        self._kind = _Kind(labels)
        self.n_samples = 0
        self._n_weighted = 0  # samples of positive weight
        self._sums = K.ExactSums(1, len(_SUMS))

    @property
    def labels(self) -> list | None:
        """The classes, checked and sorted (None for 0/1 labels)."""
        return None if self._kind.classes is None else [_plain(c) for c in self._kind.classes.tolist()]

    def update(self, y_true, y_prob_a=None, y_prob_b=None, *, logits_a=None, logits_b=None, sample_weight=None):
        """Add samples: labels and both models' probabilities, or both models' logits.

        Parameters
        ----------
        y_true : array-like of shape (n_samples,)
            Labels, as for `LogLossAccumulator.update`: 0/1, or any of ``labels``.
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
            For invalid inputs (as `log_loss`), text labels without ``labels``, or unless
            exactly both probabilities or both logits are given.
        """
        probabilities, scores = (y_prob_a, y_prob_b), (logits_a, logits_b)
        if all(v is not None for v in probabilities) and all(v is None for v in scores):
            loss_a, weights = self._kind.losses(y_true, y_prob_a, None, sample_weight)
            loss_b, _ = self._kind.losses(y_true, y_prob_b, None, None)
        elif all(v is not None for v in scores) and all(v is None for v in probabilities):
            loss_a, weights = self._kind.losses(y_true, None, logits_a, sample_weight)
            loss_b, _ = self._kind.losses(y_true, None, logits_b, None)
        else:
            raise ValueError("Give both models' probabilities (y_prob_a, y_prob_b) or both models' logits "
                             "(logits_a, logits_b).")
        n = len(loss_a)
        if len(loss_b) != n:
            raise ValueError(f"the two models have {n} and {len(loss_b)} predictions; give one per sample for each.")
        d = loss_b - loss_a
        chunk = K.ExactSums(1, len(_SUMS))
        if weights is None:
            self._n_weighted += n
            chunk.add(np.array([float(n), float(np.count_nonzero(d < 0))]), 0, offsets=np.array([_WEIGHT, _B_LOWER]),
                      n_offsets=len(_SUMS))
            for cell, values in ((_LOSS_A, loss_a), (_LOSS_B, loss_b), (_DIFFERENCE, d), (_W2_DIFFERENCE2, d * d),
                                 (_W2_A2, loss_a * loss_a), (_W2_B2, loss_b * loss_b)):
                chunk.add(values, cell)
            chunk.flush()  # without weights w = w² = 1: the w² sums are the plain ones
            for plain, squared in ((_WEIGHT, _W2), (_DIFFERENCE, _W2_DIFFERENCE), (_LOSS_A, _W2_A), (_LOSS_B, _W2_B)):
                chunk.totals[squared] = chunk.totals[plain]
                chunk.special[0, squared] = chunk.special[0, plain]
        else:
            positive = weights > 0
            w, d, loss_a, loss_b = weights[positive], d[positive], loss_a[positive], loss_b[positive]
            self._n_weighted += len(w)
            w2 = w * w
            for cell, values in ((_WEIGHT, w), (_LOSS_A, w * loss_a), (_LOSS_B, w * loss_b), (_DIFFERENCE, w * d),
                                 (_B_LOWER, w[d < 0]), (_W2, w2), (_W2_DIFFERENCE, w2 * d), (_W2_DIFFERENCE2, w2 * d * d),
                                 (_W2_A, w2 * loss_a), (_W2_A2, w2 * loss_a * loss_a), (_W2_B, w2 * loss_b),
                                 (_W2_B2, w2 * loss_b * loss_b)):
                chunk.add(values, cell)
        self._sums.merge(chunk)
        self.n_samples += n
        return self

    def merge(self, other: LogLossComparisonAccumulator) -> LogLossComparisonAccumulator:
        """Add another accumulator's samples to this one, exactly.

        Parameters
        ----------
        other : LogLossComparisonAccumulator
            Of the same labels.

        Returns
        -------
        LogLossComparisonAccumulator
            ``self``.

        Raises
        ------
        TypeError
            If ``other`` is not a `LogLossComparisonAccumulator`.
        ValueError
            If its labels differ.
        """
        _take_kind(self._kind, other, LogLossComparisonAccumulator, "comparisons of different labels")
        self.n_samples += other.n_samples
        self._n_weighted += other._n_weighted
        self._sums.merge(other._sums)
        return self

    def _standard_error(self, mean: float, w2_x: int, w2_x2: int) -> float:
        """sqrt(n/(n-1) * sum w²(x - mean)²) / sum w, from the exact sums of w²x² and w²x."""
        value = self._sums.value
        spread = value(w2_x2) - 2 * mean * value(w2_x) + mean * mean * value(_W2)
        n = self._n_weighted
        return math.sqrt(max(spread, 0.0) * n / (n - 1)) / value(_WEIGHT)

    def result(self, *, confidence: float = 0.95) -> LogLossComparison:
        """The comparison of all samples seen so far.

        Parameters
        ----------
        confidence : float, default=0.95
            The coverage of the interval, in (0, 1).

        Returns
        -------
        LogLossComparison

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
        value = self._sums.value
        total = value(_WEIGHT)
        mean, loss_a, loss_b = value(_DIFFERENCE) / total, value(_LOSS_A) / total, value(_LOSS_B) / total
        standard_error = self._standard_error(mean, _W2_DIFFERENCE, _W2_DIFFERENCE2)
        unpaired = math.hypot(self._standard_error(loss_a, _W2_A, _W2_A2), self._standard_error(loss_b, _W2_B, _W2_B2))
        z = NormalDist().inv_cdf(0.5 + confidence / 2)
        return LogLossComparison(
            n_samples=self.n_samples, total_weight=total, log_loss_a=loss_a, log_loss_b=loss_b,
            difference=mean, standard_error=standard_error, confidence=float(confidence),
            interval=(mean - z * standard_error, mean + z * standard_error),
            share_b_lower=value(_B_LOWER) / total, standard_error_unpaired=unpaired,
        )

    def to_state(self) -> dict:
        """The state as plain data (dicts, lists, str, int, float); each exact sum a list of floats.

        Returns
        -------
        dict
            ``{"type": "LogLossComparisonAccumulator", "version": 1, "classes", "multiclass",
            "n_samples", "n_weighted", "sums": {...}}``.
        """
        return {"type": "LogLossComparisonAccumulator", "version": STATE_VERSION, **self._kind.describe(),
                "n_samples": self.n_samples, "n_weighted": self._n_weighted,
                "sums": {name: self._sums.terms(cell) for cell, name in enumerate(_SUMS)}}

    @classmethod
    def from_state(cls, state: dict) -> LogLossComparisonAccumulator:
        """An accumulator from what `to_state` wrote.

        Parameters
        ----------
        state : dict
            As `to_state` returns it (or read back from its JSON).

        Returns
        -------
        LogLossComparisonAccumulator

        Raises
        ------
        ValueError
            If ``state`` is not such a state, or of another version.
        """
        kind = _kind_from_state(state, "LogLossComparisonAccumulator")
        accumulator = cls()
        accumulator._kind = kind
        accumulator.n_samples = _count(state.get("n_samples"))
        accumulator._n_weighted = _count(state.get("n_weighted"))
        sums = state.get("sums")
        try:
            for cell, name in enumerate(_SUMS):
                accumulator._sums.set_terms(cell, sums[name])
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"state is not a comparison state of version {STATE_VERSION}: {error!s}") from None
        return accumulator


def _classes_of_whole_data(y_true, values):
    """The classes that `log_loss` would take from ``y_true`` when it holds the whole data (None for 0/1 labels)."""
    y = as_label_array(y_true, "y_true")
    if y.dtype.kind in "biuf" and (np.ndim(values) != 2 or y.dtype.kind == "b"):
        if y.dtype.kind == "b" or ((y == 0) | (y == 1)).all():
            return None
    return check_classes(y)[1]


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
    if labels is None:
        labels = _classes_of_whole_data(y_true, y_prob_a if logits_a is None else logits_a)
    accumulator = LogLossComparisonAccumulator(labels=labels)
    accumulator.update(y_true, y_prob_a, y_prob_b, logits_a=logits_a, logits_b=logits_b, sample_weight=sample_weight)
    return accumulator.result(confidence=confidence)
