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
from ulps import ulps_apart

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
    (dict(y_true=[object(), object()]), TypeError, "y_true"),
    (dict(y_true=[0, 2, 1], y_prob=[0.2, 0.7, 0.5]), ValueError, r"1-D but there are 3 classes \[0, 1, 2\]"),
    (dict(y_true=[3, 3]), ValueError, "single label 3"),
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
    (dict(logits=[[0.5, 1.0, 2.0], [0.1, 0.2, 0.3]]), ValueError, "logits has 3 columns but y_true holds 2 distinct labels"),
    (dict(logits=np.zeros((2, 2, 2))), ValueError, "logits must be 1-D"),
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
    with pytest.raises(ValueError, match="single label 3"):
        corrected_probabilities([3], [0.5])
    with pytest.raises(ValueError, match="same number"):
        corrected_probabilities([1, 0], [0.5])


# --- K classes ----------------------------------------------------------------------------

def random_rows(rng, n, k, *, with_zeros=False):
    p = rng.dirichlet(np.full(k, 0.7), size=n)
    if with_zeros:  # certain predictions, right and wrong, to exercise the clipping
        p[: n // 3] = np.eye(k)[rng.integers(0, k, n // 3)]
    return p


@pytest.mark.parametrize("k", [2, 3, 5, 10])
@pytest.mark.parametrize("with_zeros", [False, True])
def test_multiclass_equals_sklearn(k, with_zeros):
    rng = np.random.default_rng(k)
    n = 300
    y = rng.integers(0, k, n)
    p = random_rows(rng, n, k, with_zeros=with_zeros)
    w = rng.uniform(0, 3, n)
    labels = np.arange(k)
    assert log_loss(y, p, labels=labels) == pytest.approx(sk_log_loss(y, p, labels=labels), rel=1e-10)
    assert log_loss(y, p, labels=labels, sample_weight=w) == pytest.approx(
        sk_log_loss(y, p, labels=labels, sample_weight=w), rel=1e-10)
    assert log_loss(y, p, labels=labels, reduction="sum") == pytest.approx(
        sk_log_loss(y, p, labels=labels, normalize=False), rel=1e-10)


def test_multiclass_string_and_bool_labels_and_an_absent_class_equal_sklearn():
    rng = np.random.default_rng(3)
    p = random_rows(rng, 50, 4)
    names = np.array(["cardigan", "coat", "jacket", "parka"])
    y = names[rng.integers(0, 3, 50)]  # "parka" never bought
    assert "parka" not in y
    shuffled = ["parka", "jacket", "cardigan", "coat"]  # labels are sorted, as scikit-learn does
    assert log_loss(y, p, labels=shuffled) == pytest.approx(sk_log_loss(y, p, labels=sorted(shuffled)), rel=1e-10)
    b = rng.integers(0, 2, 50).astype(bool)
    q = random_rows(rng, 50, 2)
    assert log_loss(b, q) == pytest.approx(sk_log_loss(b, q), rel=1e-10)
    s = np.where(b, "yes", "no")
    assert log_loss(s, q[:, 1]) == pytest.approx(sk_log_loss(s, q[:, 1]), rel=1e-10)  # 1-D: P(second label)


def test_two_columns_are_the_binary_case():
    rng = np.random.default_rng(8)
    y = rng.integers(0, 2, 200)
    p = rng.uniform(size=200)
    p[:5] = [0.0, 1.0, 1e-17, 1 - 1e-17, 0.5]
    two = np.column_stack([1.0 - p, p])
    np.testing.assert_array_equal(log_loss(y, two, reduction="none"), log_loss(y, p, reduction="none"))
    np.testing.assert_array_equal(corrected_probabilities(y, two), corrected_probabilities(y, p))


def test_rows_that_do_not_sum_to_one_are_refused_where_sklearn_only_warns():
    p = np.array([[0.2, 0.8], [0.5, 0.5], [0.3, 0.6], [0.1, 0.9]])
    with pytest.raises(ValueError, match=r"y_prob row 2 sums to 0.9, not 1 \(tolerance 1e-06\)"):
        log_loss([0, 1, 1, 0], p, labels=[0, 1])
    with pytest.warns(UserWarning, match="do not sum to one"):
        sk_log_loss([0, 1, 1, 0], p)
    float32_rows = np.array([[0.1, 0.2, 0.7]], dtype=np.float32)  # float32 rounding is within the tolerance
    assert log_loss([2], float32_rows, labels=[0, 1, 2]) == pytest.approx(-math.log(0.7), rel=1e-6)


def exact_score_loss(label, row):
    # log(sum_j exp(z_j - z_y)) as log1p of the other classes' share: no 50-digit cancellation.
    row = [mpmath.mpf(v) for v in row]
    return float(mpmath.log1p(mpmath.fsum(mpmath.exp(v - row[label]) for j, v in enumerate(row) if j != label)))


SCORE_ROWS = [
    (0, [40.0, 0.0, 0.0]), (0, [800.0, 0.0, -5.0]), (1, [0.0, 37.0, 36.0]), (2, [1000.0, 0.0, 0.0]),
    (1, [-1e4, -1e4, 1e4]), (0, [1e-12, 0.0, -1e-12]), (3, [0.0, 0.0, 0.0, 0.0]), (0, [709.7, -709.7, 0.0]),
    (1, [-745.5, 0.0, -745.5]), (2, [1e300, -1e300, 1e300]),
]


@pytest.mark.parametrize("label, row", SCORE_ROWS, ids=str)
def test_score_loss_within_few_ulps_of_mpmath(label, row):
    ours = float(log_loss_from_logits([label], [row], labels=range(len(row))))
    exact = exact_score_loss(label, row)
    assert math.isfinite(ours) and ours >= 0
    assert ours == exact or abs(ours - exact) <= 4 * np.spacing(exact), (ours, exact)


def test_score_loss_never_saturates_where_probabilities_do():
    # The true class leads by 40: the loss is 2 exp(-40), where softmax rounds to 1 and the log to 0.
    z = [[40.0, 0.0, 0.0]]
    assert float(log_loss_from_logits([0], z, labels=[0, 1, 2])) == pytest.approx(2 * math.exp(-40), rel=1e-15)
    assert log_loss([0], np.array([[1.0, 0.0, 0.0]]), labels=[0, 1, 2]) == pytest.approx(-math.log1p(-EPS))


@given(st.integers(2, 6), st.integers(1, 40), st.integers(0, 2**32 - 1))
def test_scores_agree_with_probabilities_where_softmax_does_not_saturate(k, n, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=4, size=(n, k))
    y = rng.integers(0, k, n)
    from logloss_ref import softmax

    assert log_loss_from_logits(y, z, labels=range(k)) == pytest.approx(log_loss(y, softmax(z), labels=range(k)), rel=1e-9)


def test_two_score_columns_are_the_binary_logit_case():
    rng = np.random.default_rng(4)
    z = rng.normal(scale=30, size=100)
    y = rng.integers(0, 2, 100)
    two = np.column_stack([np.zeros(100), z])
    np.testing.assert_allclose(log_loss_from_logits(y, two, reduction="none"), log_loss_from_logits(y, z, reduction="none"),
                               rtol=4 * np.finfo(float).eps, atol=0)


def test_single_class_labels_with_bad_probabilities_blame_the_probabilities():
    with pytest.raises(ValueError, match=r"y_prob must hold probabilities in \[0, 1\]; found 1.2"):
        log_loss([0, 0], [0.5, 1.2])


MULTICLASS_BAD = [
    (dict(y_true=[0, 1, 5]), ValueError, r"y_true\[2\] is 5, which is not among the classes \[0, 1, 2\]"),
    (dict(y_prob=[[0.2, 0.8], [0.5, 0.5], [0.1, 0.9]]), ValueError, "y_prob has 2 columns but labels has 3 classes"),
    (dict(labels=None, y_true=[0, 1, 1]), ValueError, "y_prob has 3 columns but y_true holds 2 distinct labels"),
    (dict(y_prob=[[1.2, -0.2, 0.0], [0.5, 0.5, 0.0], [0.1, 0.2, 0.7]]), ValueError, r"y_prob must hold probabilities in \[0, 1\]; found 1.2"),
    (dict(y_prob=[[np.nan, 0.5, 0.5], [0.5, 0.5, 0.0], [0.1, 0.2, 0.7]]), ValueError, "y_prob contains NaN"),
    (dict(labels=[0, 1, 1, 2]), ValueError, "labels must not repeat a class"),
    (dict(labels=["a", "b", "c"]), ValueError, r"y_true\[0\] is 0, which is not among the classes \['a', 'b', 'c'\]"),
    (dict(y_true=[0, 1, None]), TypeError, "y_true"),
]


@pytest.mark.parametrize("change, error, words", MULTICLASS_BAD)
def test_multiclass_bad_input_gets_a_clear_error(change, error, words):
    kwargs = dict(y_true=[0, 1, 2], y_prob=[[0.2, 0.5, 0.3], [0.5, 0.5, 0.0], [0.1, 0.2, 0.7]], labels=[0, 1, 2]) | change
    with pytest.raises(error, match=words):
        log_loss(kwargs.pop("y_true"), kwargs.pop("y_prob"), **kwargs)
