"""losses: log loss against scikit-learn, the logits path against mpmath, and properties."""

import math

import mpmath
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import log_loss as sk_log_loss
from sklearn.metrics import mean_squared_error

from logloss_ref import (
    EPS,
    corrected_probabilities,
    log_loss,
    log_loss_from_logits,
    mse,
    sigmoid,
)
from logloss_ref._validation import BLOCK_SIZE
from test_links import ulps_apart

mpmath.mp.dps = 50


@st.composite
def labelled_probabilities(draw, with_weights=False, both_classes=False):
    n = draw(st.integers(1, 60))
    y = draw(arrays(np.int64, n, elements=st.integers(0, 1)))
    if both_classes:
        assume(0 < y.sum() < n)
    p = draw(arrays(np.float64, n, elements=st.one_of(
        st.floats(0, 1), st.sampled_from([0.0, 1.0, 1e-300, 1e-20, EPS, 1 - EPS, 0.5]))))
    w = draw(arrays(np.float64, n, elements=st.floats(0, 1e3))) if with_weights else None
    if w is not None:
        assume(w.sum() > 0)
    return y, p, w


@given(labelled_probabilities(with_weights=True, both_classes=True))
def test_equals_sklearn_including_its_clipping(case):
    y, p, w = case
    ours = log_loss(y, p, sample_weight=w)
    theirs = sk_log_loss(y, p, sample_weight=w)
    assert ours == pytest.approx(theirs, rel=1e-10, abs=1e-300)


@given(labelled_probabilities(with_weights=True))
def test_reductions_agree(case):
    y, p, w = case
    per_sample = log_loss(y, p, sample_weight=w, reduction="none")
    assert (per_sample >= 0).all()
    total = log_loss(y, p, sample_weight=w, reduction="sum")
    assert total == pytest.approx(math.fsum(per_sample), rel=1e-12)
    assert log_loss(y, p, sample_weight=w) == pytest.approx(total / math.fsum(w), rel=1e-12)


def exact_clipped_loss(label, p):
    """-log of the corrected probability, clipped to [EPS, 1 - EPS], to 50 digits.

    The corrected probability of class 0 is 1 - p rounded to float64, as the docstring says.
    """
    q = p if label == 1 else 1.0 - p
    return float(-mpmath.log(mpmath.mpf(min(max(q, EPS), 1.0 - EPS))))


SAMPLE_PROBABILITIES = [0.0, 5e-324, 1e-300, 1e-17, EPS, 1e-9, 0.1, 0.5, 0.9, 1 - 1e-9, 1 - EPS, 1 - EPS / 2, 1.0]


@pytest.mark.parametrize("label", [0, 1])
def test_each_sample_is_minus_log_of_the_clipped_probability_within_two_ulps(label):
    # The guarantee: NumPy's log is accurate to about an ulp but not correctly rounded, and its
    # last bit differs between releases and CPUs, so the bound is stated in ulps, not as equality.
    losses = log_loss([label] * len(SAMPLE_PROBABILITIES), SAMPLE_PROBABILITIES, reduction="none")
    for p, loss in zip(SAMPLE_PROBABILITIES, losses):
        assert ulps_apart(float(loss), exact_clipped_loss(label, p)) <= 2, (p, loss)


def test_clipping_bounds_each_sample():
    losses = log_loss([1, 0, 1, 0], [0.0, 1.0, 1.0, 0.0], reduction="none")
    assert losses[0] == losses[1] and losses[2] == losses[3]  # the two bounds, whichever class
    assert ulps_apart(float(losses[0]), float(-mpmath.log(EPS))) <= 2  # -log(eps) = 36.04...
    assert ulps_apart(float(losses[2]), float(-mpmath.log1p(-EPS))) <= 2  # -log(1 - eps) = 2.2e-16
    assert losses.max() == pytest.approx(36.04365338911715, rel=1e-15)


def test_long_input_crosses_blocks_and_matches_sklearn():
    rng = np.random.default_rng(7)
    n = 3 * BLOCK_SIZE + 17
    y = rng.integers(0, 2, n)
    p = rng.uniform(size=n)
    w = rng.uniform(size=n)
    assert log_loss(y, p) == pytest.approx(sk_log_loss(y, p), rel=1e-12)
    assert log_loss(y, p, sample_weight=w) == pytest.approx(sk_log_loss(y, p, sample_weight=w), rel=1e-12)
    assert log_loss_from_logits(y, np.log(p) - np.log1p(-p)) == pytest.approx(sk_log_loss(y, p), rel=1e-10)


def test_label_dtypes_are_equivalent():
    p = [0.2, 0.7, 0.9]
    expected = log_loss([0, 1, 1], p)
    for y in ([False, True, True], np.array([0.0, 1.0, 1.0]), np.array([0, 1, 1], dtype=np.uint8)):
        assert log_loss(y, p) == expected


def test_corrected_probabilities_pick_the_observed_class():
    np.testing.assert_array_equal(corrected_probabilities([0, 1, 1, 0], [0.1, 0.94, 0.0, 1.0]), [0.9, 0.94, 0.0, 0.0])


def exact_logit_loss(label, z):
    signed = -mpmath.mpf(z) if label == 1 else mpmath.mpf(z)
    return float(mpmath.log1p(mpmath.exp(signed)))


@pytest.mark.parametrize("z", [-1e308, -1e6, -1e4, -745.0, -709.5, -40.0, -1.0, -1e-10, 0.0, 1e-10, 3.0, 37.0, 710.0, 1e4, 1e6, 1e308])
@pytest.mark.parametrize("label", [0, 1])
def test_logit_loss_within_few_ulps_of_mpmath(label, z):
    ours = float(log_loss_from_logits([label], [z]))
    exact = exact_logit_loss(label, z)
    assert math.isfinite(ours)
    assert ours == exact or abs(ours - exact) <= 4 * np.spacing(exact)


def test_infinite_logits():
    np.testing.assert_array_equal(
        log_loss_from_logits([1, 0, 1, 0], [np.inf, -np.inf, -np.inf, np.inf], reduction="none"), [0.0, 0.0, np.inf, np.inf]
    )
    assert log_loss_from_logits([1, 0], [-np.inf, 0.0], sample_weight=[0.0, 1.0]) == pytest.approx(math.log(2))


@given(
    arrays(np.int64, st.integers(1, 40), elements=st.integers(0, 1)).flatmap(
        lambda y: st.tuples(st.just(y), arrays(np.float64, len(y), elements=st.floats(-10, 10)))
    )
)
def test_logits_agree_with_probabilities_where_the_sigmoid_does_not_saturate(case):
    # 1 - sigmoid(z) is off by up to an ulp of 1, i.e. by eps * exp(z) relative: within |z| <= 10
    # that stays below 1e-11, beyond it the probability path (not the logits path) drifts.
    # 1 - sigmoid(z) is off by up to an ulp of 1, i.e. by eps * exp(z) relative: within |z| <= 10
    # that stays below 1e-11, beyond it the probability path (not the logits path) drifts.
    y, z = case
    assert log_loss_from_logits(y, z) == pytest.approx(log_loss(y, sigmoid(z)), rel=1e-9)
    assert log_loss_from_logits(y, z, reduction="none").min() >= 0


def test_mse_matches_sklearn():
    rng = np.random.default_rng(3)
    y, yhat, w = rng.integers(0, 2, 50), rng.normal(size=50), rng.uniform(size=50)
    assert mse(y, yhat) == pytest.approx(mean_squared_error(y, yhat), rel=1e-14)
    assert mse(y, yhat, sample_weight=w) == pytest.approx(mean_squared_error(y, yhat, sample_weight=w), rel=1e-14)


BAD = [
    (dict(y_true=None), TypeError, "y_true.*None"),
    (dict(y_true=["0", "1"]), TypeError, "y_true"),
    (dict(y_true=[0, 2]), ValueError, "y_true.*only 0 and 1.*2 at index 1"),
    (dict(y_true=[0.0, np.nan]), ValueError, "y_true.*nan"),
    (dict(y_true=[[0, 1]]), ValueError, "y_true must be 1-D"),
    (dict(y_true=[0, 1, 1]), ValueError, "same number of samples"),
    (dict(y_true=[]), ValueError, "y_true is empty"),
    (dict(y_prob=[0.5, 1.2]), ValueError, r"y_prob.*\[0, 1\].*1.2 at index 1"),
    (dict(y_prob=[0.5, np.nan]), ValueError, "y_prob contains NaN"),
    (dict(y_prob=[0.5, np.inf]), ValueError, "y_prob"),
    (dict(y_prob=[0.5, 1j]), TypeError, "y_prob must be real"),
    (dict(y_prob=None), TypeError, "y_prob.*None"),
    (dict(sample_weight=[1.0, -1.0]), ValueError, "sample_weight must be non-negative"),
    (dict(sample_weight=[1.0, np.nan]), ValueError, "sample_weight must be finite"),
    (dict(sample_weight=[0.0, 0.0]), ValueError, "sample_weight is zero everywhere"),
    (dict(sample_weight=[1.0]), ValueError, "sample_weight has 1 entries"),
    (dict(reduction="average"), ValueError, "reduction must be one of"),
]


@pytest.mark.parametrize("change, error, words", BAD)
def test_log_loss_refuses_bad_input(change, error, words):
    kwargs = dict(y_true=[0, 1], y_prob=[0.2, 0.7]) | change
    with pytest.raises(error, match=words):
        log_loss(kwargs.pop("y_true"), kwargs.pop("y_prob"), **kwargs)


@pytest.mark.parametrize("change, error, words", [c for c in BAD if "y_prob" not in c[0]] + [
    (dict(logits=[0.5, np.nan]), ValueError, "logits contains NaN"),
    (dict(logits=["a", "b"]), TypeError, "logits"),
    (dict(logits=[[0.5, 1.0]]), ValueError, "logits must be 1-D"),
])
def test_log_loss_from_logits_refuses_bad_input(change, error, words):
    kwargs = dict(y_true=[0, 1], logits=[-2.0, 3.0]) | change
    with pytest.raises(error, match=words):
        log_loss_from_logits(kwargs.pop("y_true"), kwargs.pop("logits"), **kwargs)


@pytest.mark.parametrize("args, error, words", [
    (([0, 1], [0.1]), ValueError, "same number"),
    (([0, 1], [0.1, np.inf]), ValueError, "y_pred must be finite"),
    (([], []), ValueError, "empty"),
    ((None, [0.1]), TypeError, "y_true"),
])
def test_mse_refuses_bad_input(args, error, words):
    with pytest.raises(error, match=words):
        mse(*args)


def test_corrected_probabilities_refuses_bad_input():
    with pytest.raises(ValueError, match="only 0 and 1"):
        corrected_probabilities([3], [0.5])
    with pytest.raises(ValueError, match="same number"):
        corrected_probabilities([1, 0], [0.5])
