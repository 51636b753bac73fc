"""evaluation: baselines, normalized entropy, D², Brier score and calibration against scikit-learn."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.calibration import calibration_curve as sk_calibration_curve
from sklearn.metrics import accuracy_score, brier_score_loss, d2_log_loss_score
from sklearn.metrics import log_loss as sk_log_loss

from logloss_ref import (
    LogisticRegression,
    accuracy,
    baseline_log_loss,
    binary_entropy,
    brier_score,
    calibration_curve,
    d2_log_loss,
    log_loss,
    make_customers,
    normalized_entropy,
)


@st.composite
def scored_samples(draw, weights=True):
    n = draw(st.integers(2, 80))
    y = draw(arrays(np.int64, n, elements=st.integers(0, 1)))
    assume(0 < y.sum() < n)
    p = draw(arrays(np.float64, n, elements=st.floats(0, 1)))
    w = draw(st.none() | arrays(np.float64, n, elements=st.floats(0.01, 100))) if weights else None
    return y, p, w


def test_binary_entropy_against_its_definition_and_limits():
    for pi in (1e-300, 1e-10, 0.25, 0.5, 0.9, 1 - 1e-12):
        exact = -(pi * math.log(pi) + (1 - pi) * math.log(1 - pi)) if pi > 1e-200 else pi * 690.7755
        assert binary_entropy(pi) == pytest.approx(exact, rel=1e-3 if pi > 0.99 else 1e-12)
    assert binary_entropy(0.0) == binary_entropy(1.0) == 0.0
    assert binary_entropy(0.5) == math.log(2)


@given(scored_samples())
def test_baseline_equals_log_loss_of_the_base_rate(case):
    y, _, w = case
    share = np.average(y, weights=w)
    assert baseline_log_loss(y, sample_weight=w) == pytest.approx(sk_log_loss(y, np.full(len(y), share), sample_weight=w), rel=1e-10)


@given(scored_samples())
def test_d2_equals_sklearn(case):
    y, p, w = case
    ours = d2_log_loss(y, p, sample_weight=w)
    theirs = d2_log_loss_score(y, p, sample_weight=w)
    assert ours == pytest.approx(theirs, rel=1e-10, abs=1e-10)
    assert normalized_entropy(y, p, sample_weight=w) == pytest.approx(1 - theirs, rel=1e-10, abs=1e-10)


@given(scored_samples())
def test_brier_and_accuracy_equal_sklearn(case):
    y, p, w = case
    assert brier_score(y, p, sample_weight=w) == pytest.approx(brier_score_loss(y, p, sample_weight=w), rel=1e-12, abs=1e-15)
    assert accuracy(y, p, sample_weight=w) == pytest.approx(accuracy_score(y, (p >= 0.5).astype(int), sample_weight=w), rel=1e-12)


@given(scored_samples(weights=False), st.integers(1, 12), st.sampled_from(["uniform", "quantile"]))
def test_calibration_curve_equals_sklearn(case, n_bins, strategy):
    y, p, _ = case
    ours = calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    theirs = sk_calibration_curve(y, p, n_bins=n_bins, strategy=strategy)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=0)


def test_fitted_model_mean_probability_and_scores():
    data = make_customers(500, n_features=2, seed=2)
    model = LogisticRegression(solver="newton").fit(data.X, data.y)
    p = model.predict_proba(data.X)[:, 1]
    assert p.mean() == pytest.approx(data.y.mean(), abs=1e-10)
    assert 0 < d2_log_loss(data.y, p) < 1
    assert normalized_entropy(data.y, p) == pytest.approx(log_loss(data.y, p) / baseline_log_loss(data.y))


@pytest.mark.parametrize("call, error, words", [
    (lambda: normalized_entropy([1, 1], [0.5, 0.5]), ValueError, "single class"),
    (lambda: d2_log_loss([0, 0], [0.5, 0.5]), ValueError, "single class"),
    (lambda: baseline_log_loss([0, 2], labels=[0, 1]), ValueError, r"y_true\[1\] is 2, which is not among the classes \[0, 1\]"),
    (lambda: brier_score([0, 1], [[0.5, 0.5], [0.2, 0.8]], labels=[0, 1, 2]), ValueError, "2 columns but labels has 3"),
    (lambda: accuracy([0, 1], [[0.5, 0.5], [0.2, 0.8]], threshold=0.3), ValueError, "threshold applies to 1-D"),
    (lambda: baseline_log_loss([0, 1], sample_weight=[0, 0]), ValueError, "zero everywhere"),
    (lambda: brier_score([0, 1], [0.5, 1.5]), ValueError, r"\[0, 1\]"),
    (lambda: brier_score([0, 1], [0.5]), ValueError, "same number"),
    (lambda: accuracy([0, 1], [0.5, 0.5], threshold=1.5), ValueError, "threshold"),
    (lambda: calibration_curve([0, 1], [0.2, 0.8], n_bins=0), ValueError, "n_bins must be >= 1"),
    (lambda: calibration_curve([0, 1], [0.2, 0.8], strategy="equal"), ValueError, "strategy"),
    (lambda: calibration_curve([0, 1], [0.2, np.nan]), ValueError, "NaN"),
    (lambda: binary_entropy(1.5), ValueError, "prevalence"),
    (lambda: binary_entropy("half"), TypeError, "prevalence"),
])
def test_bad_input_is_refused(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- K classes ----------------------------------------------------------------------------

def multiclass_problem(seed, k=3, n=400):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, k, n)
    p = rng.dirichlet(np.ones(k), size=n)
    p[np.arange(n), y] += 0.5  # better than chance
    p /= p.sum(axis=1, keepdims=True)
    return y, p, rng.uniform(0.2, 3, n)


@pytest.mark.parametrize("k", [3, 4, 6])
def test_multiclass_d2_and_normalized_entropy_equal_sklearn(k):
    y, p, w = multiclass_problem(k, k)
    labels = list(range(k))
    assert d2_log_loss(y, p) == pytest.approx(d2_log_loss_score(y, p), abs=1e-10)
    assert d2_log_loss(y, p, sample_weight=w) == pytest.approx(d2_log_loss_score(y, p, sample_weight=w), abs=1e-10)
    assert normalized_entropy(y, p, labels=labels) == pytest.approx(1 - d2_log_loss_score(y, p, labels=labels), abs=1e-10)


def test_multiclass_baseline_is_the_entropy_of_the_shares():
    assert baseline_log_loss(["coat", "jacket", "cardigan"] * 5) == pytest.approx(np.log(3), rel=1e-15)
    y, _, w = multiclass_problem(1, 4)
    shares = np.bincount(y, weights=w) / w.sum()
    predicting_the_shares = np.tile(shares, (len(y), 1))
    assert baseline_log_loss(y, sample_weight=w) == pytest.approx(log_loss(y, predicting_the_shares, sample_weight=w), rel=1e-12)
    assert baseline_log_loss(y, labels=range(6)) == baseline_log_loss(y)  # an absent class adds nothing
    assert baseline_log_loss([0, 1, 1, 1], labels=[0, 1]) == pytest.approx(baseline_log_loss([0, 1, 1, 1]), rel=1e-15)


@pytest.mark.parametrize("k", [2, 3, 5])
def test_multiclass_brier_and_accuracy_equal_sklearn(k):
    y, p, w = multiclass_problem(10 + k, k)
    labels = np.arange(k)
    assert brier_score(y, p, labels=labels) == pytest.approx(brier_score_loss(y, p, labels=labels, scale_by_half=False), rel=1e-12)
    assert brier_score(y, p, labels=labels, sample_weight=w) == pytest.approx(
        brier_score_loss(y, p, labels=labels, sample_weight=w, scale_by_half=False), rel=1e-12)
    assert accuracy(y, p, sample_weight=w) == pytest.approx(accuracy_score(y, p.argmax(axis=1), sample_weight=w), rel=1e-12)
    assert accuracy(y, p) == pytest.approx(accuracy_score(y, p.argmax(axis=1)), rel=1e-12)
    if k == 2:  # two columns count each error twice: twice the 1-D score
        assert brier_score(y, p) == pytest.approx(2 * brier_score(y, p[:, 1]), rel=1e-12)


def test_baseline_keeps_its_digits_when_one_class_dominates():
    import mpmath

    with mpmath.workdps(50):
        n = 10**6 + 2
        shares = [mpmath.mpf(10**6) / n, mpmath.mpf(1) / n, mpmath.mpf(1) / n]
        exact = float(-mpmath.fsum(s * mpmath.log(s) for s in shares))
    y = np.array([2] + [0] * 10**6 + [1])
    # log(share) of the leading class would lose ~10 digits; log1p of the others' share does not.
    assert baseline_log_loss(y) == pytest.approx(exact, rel=4e-16)
    assert baseline_log_loss(np.array([1] + [0] * 10**6)) == pytest.approx(binary_entropy(1 / (10**6 + 1)), rel=4e-16)
