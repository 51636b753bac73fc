"""Judging a log loss: baselines, normalized entropy, D², the Brier score and calibration."""

from __future__ import annotations

import numbers

import numpy as np

from . import _kernels as K
from ._validation import (
    Predictions,
    check_classes,
    check_prediction_input,
    check_predictions,
    check_sample_weight,
    check_scalar,
)
from .losses import mean_log_loss

__all__ = [
    "accuracy",
    "baseline_log_loss",
    "binary_entropy",
    "brier_score",
    "calibration_curve",
    "d2_log_loss",
    "normalized_entropy",
]


def binary_entropy(prevalence: float) -> float:
    r"""Entropy in nats of a coin that shows 1 with probability ``prevalence``.

    $$
    H(\pi) = -\bigl[\pi \log \pi + (1 - \pi) \log (1 - \pi)\bigr], \qquad H(0) = H(1) = 0
    $$

    Parameters
    ----------
    prevalence : float
        In [0, 1].

    Returns
    -------
    float
        Between 0 and \(\log 2\).

    Raises
    ------
    TypeError
        If ``prevalence`` is not a real number.
    ValueError
        If it is NaN or outside [0, 1].

    Examples
    --------
    >>> from logloss_ref import binary_entropy
    >>> binary_entropy(0.5), binary_entropy(0.1), binary_entropy(1.0)
    (0.6931471805599453, 0.3250829733914482, 0.0)
    """
    pi = float(check_scalar(prevalence, "prevalence"))
    if not 0.0 <= pi <= 1.0:
        raise ValueError(f"prevalence must be in [0, 1]; got {prevalence!r}.")
    return K.class_entropy(np.array([1.0 - pi, pi]))  # 0 log 0 = 0; log1p for the leading class


def baseline_log_loss(y_true, *, labels=None, sample_weight=None) -> float:
    r"""The log loss of always predicting the base rate: the entropy of the class shares.

    A model that ignores every feature and answers the (weighted) share of 1s,
    \(\bar y\), for each sample scores \(H(\bar y)\); with K classes it answers the
    shares \(\pi_k\) of every class and scores \(-\sum_k \pi_k \log \pi_k\), which is
    \(\log K\) when the classes are equally common. Any model worth keeping must do better
    on the same data.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels: 0 or 1, or any classes (numbers, booleans, strings).
    labels : array-like of shape (n_classes,), default=None
        Every class; a class no sample has adds nothing. Checks that each label is one of them.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, not all zero.

    Returns
    -------
    float
        In \([0, \log K]\) (\(\log 2\) for two classes); 0 when only one class occurs.

    Raises
    ------
    TypeError, ValueError
        For invalid labels or weights, as in `log_loss`.

    Notes
    -----
    Natural logarithm. Equal to ``log_loss(y_true, np.full(n, y_true.mean()))`` except
    when the prevalence is below the clipping threshold of `log_loss` (about 2.2e-16),
    where this exact formula is the more accurate.

    Examples
    --------
    >>> from logloss_ref import baseline_log_loss
    >>> baseline_log_loss([1, 0, 0, 0])
    0.5623351446188083
    >>> baseline_log_loss(["coat", "jacket", "cardigan"])  # log 3
    1.0986122886681096
    """
    index, classes = check_classes(y_true, labels)
    weights = check_sample_weight(sample_weight, len(index))
    return K.class_entropy(K.class_totals(index, len(classes), weights))


def _loss_ratio(y_true, y_prob, labels, sample_weight) -> float:
    """Normalized entropy (log loss / baseline), validated once; undefined for a single class."""
    data = check_prediction_input(y_true, y_prob, labels=labels, sample_weight=sample_weight, check_rows_later=True)
    baseline = K.class_entropy(K.class_totals(data.class_index, data.n_classes, data.weights))
    ratio = K.loss_ratio(mean_log_loss(data), baseline)
    if ratio is None:
        raise ValueError(
            "y_true holds a single class, so the baseline log loss is 0 and the ratio is undefined; "
            "score on data with at least two classes."
        )
    return ratio


def normalized_entropy(y_true, y_prob, *, labels=None, sample_weight=None) -> float:
    r"""Log loss divided by the baseline log loss (the entropy of the base rate).

    $$
    \mathrm{NE} = \frac{\text{log loss}}{H(\bar y)}
    $$

    Below 1 the model beats predicting the base rate; 1 means no better; above 1 worse.
    The ratio makes log losses comparable across data sets with different base rates
    (He et al., 2014).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels, as for `log_loss`; at least two classes must occur.
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probability of class 1, or of each class (columns in sorted label order).
    labels : array-like of shape (n_classes,), default=None
        Every class, when ``y_true`` lacks some.
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        For invalid inputs, as in `log_loss`, and when ``y_true`` holds one class only.

    References
    ----------
    X. He et al., "Practical Lessons from Predicting Clicks on Ads at Facebook",
    ADKDD 2014, section 2.

    Examples
    --------
    >>> from logloss_ref import normalized_entropy
    >>> normalized_entropy([1, 0, 0, 0], [0.25, 0.25, 0.25, 0.25])  # the base rate itself
    1.0
    >>> normalized_entropy([1, 0, 0, 0], [0.7, 0.2, 0.1, 0.1])
    0.35145390348334005
    """
    return _loss_ratio(y_true, y_prob, labels, sample_weight)


def d2_log_loss(y_true, y_prob, *, labels=None, sample_weight=None) -> float:
    r"""D², the share of the baseline log loss that the model removes: 1 − normalized entropy.

    $$
    D^2 = 1 - \frac{\text{log loss}}{H(\bar y)}
    $$

    1 is perfect, 0 is no better than the base rate, and it is negative for worse models.
    Equal to ``sklearn.metrics.d2_log_loss_score``, for two classes and for K.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels, as for `log_loss`; at least two classes must occur.
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
    labels : array-like of shape (n_classes,), default=None
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        As `normalized_entropy`.

    Examples
    --------
    >>> from logloss_ref import d2_log_loss
    >>> d2_log_loss([1, 0, 0, 0], [0.7, 0.2, 0.1, 0.1])
    0.64854609651666
    """
    return 1.0 - _loss_ratio(y_true, y_prob, labels, sample_weight)


def _weighted_mean(data: Predictions, per_sample) -> float:
    """The weighted mean over samples of ``per_sample(y, P)`` on the predicted probabilities."""
    return K.weighted_reduce(lambda rows: per_sample(data.y[rows], K.probabilities(data, rows)).astype(np.float64),
                             data.n_samples, data.weights, "mean")


def brier_score(y_true, y_prob, *, labels=None, sample_weight=None) -> float:
    r"""The Brier score: mean squared difference between probability and outcome.

    $$
    \mathrm{BS} = \frac{\sum_i w_i (p_i - y_i)^2}{\sum_i w_i}
    \qquad\text{or, with K columns,}\qquad
    \mathrm{BS} = \frac{\sum_i w_i \sum_k (P_{ik} - [y_i = k])^2}{\sum_i w_i}
    $$

    the mean squared distance from the predicted probabilities to the one-hot vector of
    what happened. Like log loss it is a strictly proper scoring rule, but it is bounded
    (at most 1 per sample with one probability, 2 with K columns), so it punishes a
    confident mistake far less.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels, as for `log_loss`.
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probability of class 1, or of each class (columns in sorted label order).
    labels : array-like of shape (n_classes,), default=None
        Every class, when ``y_true`` lacks some.
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    float
        In [0, 1] for 1-D ``y_prob``, in [0, 2] for K columns.

    Raises
    ------
    TypeError, ValueError
        For invalid inputs, as in `log_loss`.

    Notes
    -----
    One formula for every K: two columns \((1 - p, p)\) count each error twice, so they
    score exactly twice the 1-D value. ``sklearn.metrics.brier_score_loss`` equals the
    1-D value, and the K-column value with ``scale_by_half=False`` (by default it halves
    two columns, to match the 1-D convention, and not three or more).

    Examples
    --------
    >>> from logloss_ref import brier_score
    >>> brier_score([1, 0], [0.94, 0.1])
    0.006800000000000004
    >>> brier_score(["coat"], [[0.2, 0.5, 0.3]], labels=["cardigan", "coat", "jacket"])
    0.38
    """
    return _weighted_mean(check_prediction_input(y_true, y_prob, labels=labels, sample_weight=sample_weight),
                          K.brier_terms)


def accuracy(y_true, y_prob, *, threshold=0.5, labels=None, sample_weight=None) -> float:
    """Share of samples whose predicted class is right.

    The predicted class is 1 where ``y_prob >= threshold``; with K columns, the most
    probable class (the first of a tie).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels, as for `log_loss`.
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probability of class 1, or of each class (columns in sorted label order).
    threshold : float, default=0.5
        In [0, 1]; for 1-D ``y_prob`` only.
    labels : array-like of shape (n_classes,), default=None
        Every class, when ``y_true`` lacks some.
    sample_weight : array-like of shape (n_samples,), default=None

    Returns
    -------
    float

    Raises
    ------
    TypeError, ValueError
        For invalid inputs or a threshold outside [0, 1].

    Examples
    --------
    >>> from logloss_ref import accuracy
    >>> accuracy([1, 0, 1], [0.94, 0.1, 0.3])
    0.6666666666666666
    """
    threshold = float(check_scalar(threshold, "threshold"))
    if not 0.0 <= threshold <= 1.0:
        raise ValueError(f"threshold must be in [0, 1]; got {threshold!r}.")
    data = check_prediction_input(y_true, y_prob, labels=labels, sample_weight=sample_weight)
    if not data.binary and threshold != 0.5:
        raise ValueError("threshold applies to 1-D y_prob only; with K columns the most probable class is predicted.")
    return _weighted_mean(data, lambda y, P: K.is_correct(y, P, threshold))


def calibration_curve(y_true, y_prob, *, n_bins=10, strategy="uniform"):
    """Observed frequency of class 1 against mean predicted probability, bin by bin.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels, 0 or 1.
    y_prob : array-like of shape (n_samples,)
        Predicted probability of class 1.
    n_bins : int, default=10
        Number of bins, at least 1.
    strategy : {"uniform", "quantile"}, default="uniform"
        ``"uniform"``: bins of equal width on [0, 1]. ``"quantile"``: bin edges at the
        quantiles of ``y_prob``, so bins hold about the same number of samples.

    Returns
    -------
    prob_true : ndarray
        Share of 1s in each non-empty bin.
    prob_pred : ndarray
        Mean predicted probability in each non-empty bin.

    Raises
    ------
    TypeError, ValueError
        For invalid labels or probabilities, ``n_bins < 1`` or an unknown ``strategy``.

    Notes
    -----
    Same bins and results as ``sklearn.calibration.calibration_curve``: a sample lies in
    bin ``i`` when ``edges[i] < p <= edges[i + 1]`` (the first bin includes its left edge);
    empty bins are left out. A perfectly calibrated model has ``prob_true == prob_pred``.

    Examples
    --------
    >>> from logloss_ref import calibration_curve
    >>> calibration_curve([0, 0, 1, 1, 1], [0.1, 0.2, 0.6, 0.7, 0.9], n_bins=2)
    (array([0., 1.]), array([0.15      , 0.73333333]))
    """
    is_one, p, _ = check_predictions(y_true, y_prob)
    n_bins = check_scalar(n_bins, "n_bins", kind=numbers.Integral, low=1)
    if strategy == "uniform":
        bin_ids = K.uniform_bins(p, n_bins)
    elif strategy == "quantile":
        edges = np.percentile(p, np.linspace(0, 1, n_bins + 1) * 100)
        bin_ids = np.searchsorted(edges[1:-1], p)
    else:
        raise ValueError(f"strategy must be 'uniform' or 'quantile'; got {strategy!r}.")
    totals = np.bincount(bin_ids, minlength=n_bins)
    nonzero = totals != 0
    prob_true = np.bincount(bin_ids, weights=is_one, minlength=n_bins)[nonzero] / totals[nonzero]
    prob_pred = np.bincount(bin_ids, weights=p, minlength=n_bins)[nonzero] / totals[nonzero]
    return prob_true, prob_pred
