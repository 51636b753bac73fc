"""links: sigmoid, log_sigmoid, softplus, logit against SciPy and 50-digit mpmath."""

import mpmath
import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given
from hypothesis import strategies as st

from logloss_ref import log_sigmoid, logit, sigmoid, softplus

mpmath.mp.dps = 50

EXTREMES = np.array([-np.inf, -1e308, -1e4, -745.2, -709.0, -40.0, -1.0, -1e-300, -0.0, 0.0,
                     5e-324, 1e-8, 1.0, 36.7, 40.0, 709.0, 1e4, 1e308, np.inf])
finite_floats = st.floats(allow_nan=False, allow_infinity=False)


def exact_sigmoid(z):
    return float(1 / (1 + mpmath.exp(-mpmath.mpf(z))))


def exact_softplus(x):
    return float(mpmath.log1p(mpmath.exp(mpmath.mpf(x))))


def ulps_apart(a, b):
    if a == b:
        return 0.0
    return abs(a - b) / np.spacing(max(abs(a), abs(b)))


@pytest.mark.parametrize("z", EXTREMES[np.isfinite(EXTREMES)])
def test_sigmoid_within_two_ulps_of_mpmath(z):
    assert ulps_apart(float(sigmoid(z)), exact_sigmoid(z)) <= 2


@pytest.mark.parametrize("x", EXTREMES[np.isfinite(EXTREMES)])
def test_softplus_within_two_ulps_of_mpmath(x):
    assert ulps_apart(float(softplus(x)), exact_softplus(x)) <= 2


def test_infinities_give_the_limits():
    assert sigmoid(np.inf) == 1.0 and sigmoid(-np.inf) == 0.0
    assert softplus(np.inf) == np.inf and softplus(-np.inf) == 0.0
    assert log_sigmoid(-np.inf) == -np.inf and log_sigmoid(np.inf) == 0.0
    assert not np.signbit(log_sigmoid(np.inf))
    assert logit(0.0) == -np.inf and logit(1.0) == np.inf


def test_every_extreme_input_matches_scipy_without_warnings():
    # pytest runs with RuntimeWarning as an error, so an overflow anywhere fails here.
    np.testing.assert_allclose(sigmoid(EXTREMES), sp.expit(EXTREMES), rtol=4e-16, atol=0)
    np.testing.assert_allclose(log_sigmoid(EXTREMES), sp.log_expit(EXTREMES), rtol=4e-16, atol=0)
    p = sigmoid(EXTREMES)
    np.testing.assert_allclose(logit(p), sp.logit(p), rtol=1e-15, atol=0)


@given(finite_floats)
def test_sigmoid_matches_scipy(z):
    assert ulps_apart(float(sigmoid(z)), float(sp.expit(z))) <= 2


@given(finite_floats)
def test_log_sigmoid_matches_scipy(z):
    assert ulps_apart(float(log_sigmoid(z)), float(sp.log_expit(z))) <= 2


@given(st.floats(min_value=-700, max_value=700))
def test_sigmoid_symmetry_and_logit_inverse(z):
    assert float(sigmoid(z)) + float(sigmoid(-z)) == pytest.approx(1.0, abs=1e-15)
    if abs(z) < 30:
        # 1 - sigmoid(z) carries an absolute error of an ulp of 1, so inverting it for z > 0
        # loses about exp(z) ulps: the tolerance follows the conditioning, not a guess.
        assert float(logit(sigmoid(z))) == pytest.approx(z, rel=1e-13, abs=1e-15 * np.exp(z) + 1e-14)


def test_like_a_ufunc():
    assert isinstance(sigmoid(0.0), np.float64)
    assert sigmoid(np.zeros((2, 3))).shape == (2, 3)
    assert sigmoid([1, 2]).dtype == np.float64  # integers accepted
    assert logit(np.full((2, 2), 0.5)).shape == (2, 2)


@pytest.mark.parametrize("func", [sigmoid, log_sigmoid, softplus])
@pytest.mark.parametrize("bad, error, words", [
    (None, TypeError, "got None"),
    ("1.0", TypeError, "string"),
    (1 + 2j, TypeError, "complex"),
    ([1.0, np.nan], ValueError, "NaN"),
    ([object()], TypeError, "real numbers"),
])
def test_bad_input_is_refused(func, bad, error, words):
    with pytest.raises(error, match=words):
        func(bad)


@pytest.mark.parametrize("bad, words", [(1.5, r"\[0, 1\]"), (-1e-9, r"\[0, 1\]"), (np.nan, "NaN"), ([[0.2, np.inf]], r"\[0, 1\]")])
def test_logit_refuses_non_probabilities(bad, words):
    with pytest.raises(ValueError, match=words):
        logit(bad)
