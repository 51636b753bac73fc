"""links: sigmoid, log_sigmoid, softplus, logit, softmax, log_softmax against SciPy and 50-digit mpmath."""

import mpmath
import numpy as np
import pytest
import scipy.special as sp
from hypothesis import given
from hypothesis import strategies as st

from hypothesis.extra.numpy import arrays

from logloss_ref import log_sigmoid, log_softmax, logit, sigmoid, softmax, softplus
from ulps import ulps_apart

mpmath.mp.dps = 50

EXTREMES = np.array([-np.inf, -1e308, -1e4, -745.2, -709.0, -40.0, -1.0, -1e-300, -0.0, 0.0,
                     5e-324, 1e-8, 1.0, 36.7, 40.0, 709.0, 1e4, 1e308, np.inf])
finite_floats = st.floats(allow_nan=False, allow_infinity=False)


def exact_sigmoid(z):
    return float(1 / (1 + mpmath.exp(-mpmath.mpf(z))))


def exact_softplus(x):
    return float(mpmath.log1p(mpmath.exp(mpmath.mpf(x))))


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


# --- softmax and log-softmax ------------------------------------------------------------

def exact_log_softmax(row):
    row = [mpmath.mpf(float(v)) for v in row]
    finite = [v for v in row if mpmath.isfinite(v)]
    if any(v == mpmath.inf for v in row):
        return [0.0 if v == mpmath.inf else -np.inf for v in row]
    lse = mpmath.log(mpmath.fsum(mpmath.exp(v) for v in finite))
    return [float(v - lse) if mpmath.isfinite(v) else -np.inf for v in row]


def exact_softmax(row):
    return [float(mpmath.exp(v)) if np.isfinite(v) else (1.0 if v == 0 else 0.0) for v in exact_log_softmax(row)]


HARD_ROWS = [
    [1000.0, 0.0], [0.0, 1000.0], [-1000.0, -1000.0], [1e308, -1e308], [-1e308, 1e308, 0.0],
    [0.0, -40.0, -40.0], [745.0, 0.0, -745.0], [1e-300, 0.0, -1e-300], [3.0, 3.0, 3.0],
    [np.inf, 0.0, -1.0], [-np.inf, 0.0, 2.0], [-np.inf, -np.inf, 5.0], [0.5, -np.inf, np.inf],
    [36.0, 0.0, 0.0, 0.0], [-709.5, 0.0, 709.5],
]


@pytest.mark.parametrize("row", HARD_ROWS, ids=str)
def test_log_softmax_within_few_ulps_of_mpmath(row):
    ours = log_softmax(row)
    for got, exact in zip(ours, exact_log_softmax(row)):
        if np.isinf(exact):
            assert got == exact
        else:
            assert ulps_apart(float(got), exact) <= 4 or abs(got - exact) < 1e-300, (row, ours)


@pytest.mark.parametrize("row", HARD_ROWS, ids=str)
def test_softmax_within_few_ulps_of_mpmath_and_sums_to_one(row):
    ours = softmax(row)
    for got, exact in zip(ours, exact_softmax(row)):
        assert ulps_apart(float(got), exact) <= 4 or abs(got - exact) < 1e-300, (row, ours)
    assert abs(ours.sum() - 1.0) <= 4 * np.finfo(float).eps


@given(finite_floats.filter(lambda z: abs(z) < 1e300))
def test_two_classes_softmax_is_the_sigmoid_to_one_ulp(z):
    assert ulps_apart(float(softmax([0.0, z])[1]), float(sigmoid(z))) <= 1
    assert ulps_apart(float(log_softmax([0.0, z])[1]), float(log_sigmoid(z))) <= 2


@pytest.mark.parametrize("z", EXTREMES[np.isfinite(EXTREMES)])
def test_two_classes_at_the_extremes(z):
    assert ulps_apart(float(softmax([0.0, z])[1]), float(sigmoid(z))) <= 1


@given(arrays(np.float64, (5, 4), elements=st.floats(-50, 50)), st.floats(-1e3, 1e3))
def test_adding_a_constant_to_every_score_changes_nothing(z, shift):
    np.testing.assert_allclose(softmax(z + shift), softmax(z), rtol=1e-9, atol=1e-300)


@given(arrays(np.float64, (6, 3), elements=st.floats(-700, 700)))
def test_softmax_and_log_softmax_match_scipy(z):
    np.testing.assert_allclose(softmax(z), sp.softmax(z, axis=1), rtol=1e-12, atol=1e-300)
    np.testing.assert_allclose(log_softmax(z), sp.log_softmax(z, axis=1), rtol=1e-12, atol=1e-12)


def test_softmax_works_along_the_last_axis_of_any_shape():
    z = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(softmax(z)[1, 2], softmax(z[1, 2]))
    assert softmax([[1, 2]]).dtype == np.float64  # integers accepted


@pytest.mark.parametrize("func", [softmax, log_softmax])
@pytest.mark.parametrize("bad, error, words", [
    (None, TypeError, "got None"),
    ("1.0", TypeError, "string"),
    (2.0, ValueError, "scalar"),
    (np.zeros((3, 0)), ValueError, "no classes"),
    ([[0.0, np.nan]], ValueError, "NaN"),
    ([[0.0, 1.0], [-np.inf, -np.inf]], ValueError, r"row 1 is \[-inf, -inf\]: its softmax is undefined"),
    ([np.inf, np.inf, 0.0], ValueError, "row 0 .* undefined"),
])
def test_softmax_refuses_undefined_rows(func, bad, error, words):
    with pytest.raises(error, match=words):
        func(bad)
