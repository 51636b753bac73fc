"""conventions: the documented PyTorch and Keras rules (the tables of the "Other libraries" page: test_other_libraries_table.py)."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from logloss_ref import log_loss, log_loss_from_logits
from logloss_ref.conventions import (
    KERAS_EPSILON,
    keras_binary_crossentropy,
    torch_bce_loss,
    torch_bce_with_logits_loss,
)

labelled = st.integers(1, 30).flatmap(lambda n: st.tuples(
    arrays(np.int64, n, elements=st.integers(0, 1)),
    arrays(np.float64, n, elements=st.floats(-1e6, 1e6)),
))


@given(labelled)
def test_bce_with_logits_is_exact_but_for_the_cancellation_of_a_confident_no(case):
    """PyTorch's (1 - y) z - log sigmoid(z) is exact for y = 1; for y = 0 it is a difference of two
    numbers of the size of z, each rounded, so each sample may be off by a few ulps of |z|."""
    y, z = case
    slack = 4 * np.finfo(np.float64).eps * np.mean(np.where(y == 0, np.abs(z), 0.0))
    exact = log_loss_from_logits(y, z)
    assert torch_bce_with_logits_loss(y, z) == pytest.approx(exact, rel=1e-12, abs=slack + 1e-300)
    ones = y == 1
    if ones.any():
        assert torch_bce_with_logits_loss(y[ones], z[ones]) == pytest.approx(
            log_loss_from_logits(y[ones], z[ones]), rel=1e-12, abs=1e-300)


def test_bce_with_logits_loses_a_tiny_loss_where_pytorch_does():
    # y = 0, z = -40: the loss is e^-40 ~ 4e-18, but z - log sigmoid(z) rounds to 0 in float64.
    assert log_loss_from_logits([0], [-40.0]) > 0
    assert torch_bce_with_logits_loss([0], [-40.0]) == 0.0
    assert torch_bce_with_logits_loss([1], [40.0]) == log_loss_from_logits([1], [40.0]) > 0


def test_bce_loss_clamps_each_log_at_minus_100():
    assert torch_bce_loss([1, 0], [0.0, 1.0]) == 100.0
    assert torch_bce_loss([1], [1e-20]) == pytest.approx(-math.log(1e-20), rel=1e-15)
    assert torch_bce_loss([1, 0], [0.3, 0.3]) == pytest.approx(log_loss([1, 0], [0.3, 0.3]), rel=1e-15)


def test_keras_clips_at_its_epsilon():
    cap = -math.log(KERAS_EPSILON)
    assert keras_binary_crossentropy([1], [0.0]) == pytest.approx(cap, rel=1e-9)
    assert keras_binary_crossentropy([0], [1.0]) == pytest.approx(-math.log(1 - (1 - KERAS_EPSILON)), rel=1e-9)
    assert keras_binary_crossentropy([1, 0], [0.3, 0.3]) == pytest.approx(log_loss([1, 0], [0.3, 0.3]), rel=1e-15)


@pytest.mark.parametrize("call, error, words", [
    (lambda: torch_bce_loss([1], [1.5]), ValueError, r"\[0, 1\]"),
    (lambda: keras_binary_crossentropy([2], [0.5]), ValueError, "only 0 and 1"),
    (lambda: torch_bce_with_logits_loss([1], [np.inf]), ValueError, "returns nan"),
    (lambda: torch_bce_with_logits_loss([1, 0], [0.5]), ValueError, "same number"),
])
def test_bad_input_is_refused(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- K classes: PyTorch CrossEntropyLoss, Keras (Sparse)CategoricalCrossentropy --------------

import scipy.special as sp  # noqa: E402
from sklearn.metrics import log_loss as sk_log_loss  # noqa: E402

from logloss_ref.conventions import (  # noqa: E402
    keras_categorical_crossentropy,
    keras_sparse_categorical_crossentropy,
    torch_cross_entropy_loss,
)


def scores_problem(seed, n=40, k=4):
    rng = np.random.default_rng(seed)
    return rng.integers(0, k, n), rng.normal(scale=3, size=(n, k)), rng.uniform(0.1, 3, k)


@pytest.mark.parametrize("seed", range(4))
def test_torch_cross_entropy_plain_weighted_and_ignored(seed):
    y, z, w = scores_problem(seed)
    labels = list(range(4))
    assert torch_cross_entropy_loss(y, z) == pytest.approx(log_loss_from_logits(y, z, labels=labels), rel=1e-12)
    per_sample = log_loss_from_logits(y, z, labels=labels, reduction="none")
    assert torch_cross_entropy_loss(y, z, weight=w) == pytest.approx((w[y] * per_sample).sum() / w[y].sum(), rel=1e-12)
    target = np.where(np.arange(len(y)) % 3 == 0, -100, y)
    kept = target != -100
    assert torch_cross_entropy_loss(target, z) == pytest.approx(log_loss_from_logits(y[kept], z[kept], labels=labels), rel=1e-12)


@pytest.mark.parametrize("smoothing", [0.05, 0.1, 0.5])
def test_torch_label_smoothing_spreads_the_target_and_keeps_the_true_class_divisor(smoothing):
    y, z, w = scores_problem(9)
    log_p = sp.log_softmax(z, axis=1)  # SciPy's, independent of this package's
    q = (1 - smoothing) * np.eye(4)[y] + smoothing / 4
    expected = -(q * log_p * w).sum() / w[y].sum()
    assert torch_cross_entropy_loss(y, z, weight=w, label_smoothing=smoothing) == pytest.approx(expected, rel=1e-12)


def test_label_smoothing_makes_a_perfect_prediction_cost_something():
    z = [[0.0, 30.0, 0.0]]
    assert torch_cross_entropy_loss([1], z) < 1e-12
    assert torch_cross_entropy_loss([1], z, label_smoothing=0.1) > 1.0
    assert keras_categorical_crossentropy([[0, 1, 0]], [[0.0, 1.0, 0.0]], label_smoothing=0.1) > 1.0


@pytest.mark.parametrize("seed", range(3))
def test_keras_categorical_equals_sklearn_away_from_its_clip_and_sparse_equals_one_hot(seed):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, 50)
    P = rng.dirichlet(np.ones(3), size=50)
    assert P.min() > 1e-7
    assert keras_categorical_crossentropy(np.eye(3)[y], P) == pytest.approx(sk_log_loss(y, P, labels=[0, 1, 2]), rel=1e-12)
    assert keras_sparse_categorical_crossentropy(y, P) == keras_categorical_crossentropy(np.eye(3)[y], P)
    z = rng.normal(size=(50, 3))
    assert keras_categorical_crossentropy(np.eye(3)[y], z, from_logits=True) == pytest.approx(
        log_loss_from_logits(y, z, labels=[0, 1, 2]), rel=1e-12)


def test_keras_clips_at_1e_7_and_rescales_rows():
    assert keras_categorical_crossentropy([[1, 0]], [[0.0, 1.0]]) == pytest.approx(-math.log(KERAS_EPSILON), rel=1e-12)
    assert keras_categorical_crossentropy([[1, 0]], [[0.2, 0.6]]) == pytest.approx(-math.log(0.25), rel=1e-12)


@pytest.mark.parametrize("call, error, words", [
    (lambda: torch_cross_entropy_loss([0, 3], [[0.0, 1.0, 2.0]] * 2), ValueError, r"target\[1\] is 3, not a class index in \[0, 3\)"),
    (lambda: torch_cross_entropy_loss([-100], [[0.0, 1.0]]), ValueError, "every target equals ignore_index"),
    (lambda: torch_cross_entropy_loss([0], [[0.0, 1.0]], weight=[1.0]), ValueError, "one entry per class"),
    (lambda: torch_cross_entropy_loss([0], [[0.0, 1.0]], label_smoothing=1.5), ValueError, r"label_smoothing must be in \[0, 1\]"),
    (lambda: torch_cross_entropy_loss([0.5], [[0.0, 1.0]]), TypeError, "class indices"),
    (lambda: keras_categorical_crossentropy([[1, 0, 0]], [[0.5, 0.5]]), ValueError, "shape"),
    (lambda: keras_sparse_categorical_crossentropy([3], [[0.5, 0.5]]), ValueError, "not among the classes"),
])
def test_multiclass_conventions_refuse_bad_input(call, error, words):
    with pytest.raises(error, match=words):
        call()


# --- precision: dtype=np.float32 computes as the libraries do by default ------------------------

from logloss_ref.conventions import TORCH_LOG_FLOOR  # noqa: E402

EPS32 = float(np.finfo(np.float32).eps)

BINARY = {
    "torch_bce_loss": torch_bce_loss,
    "keras_binary_crossentropy": keras_binary_crossentropy,
}


@pytest.mark.parametrize("function", BINARY.values(), ids=BINARY.keys())
@given(st.integers(1, 30).flatmap(lambda n: st.tuples(
    arrays(np.int64, n, elements=st.integers(0, 1)),
    arrays(np.float64, n, elements=st.floats(1e-3, 1 - 1e-3)),
)))
def test_float32_agrees_with_float64_to_float32_precision_away_from_the_edges(function, case):
    y, p = case
    in_64, in_32 = function(y, p, dtype=np.float64), function(y, p, dtype=np.float32)
    assert type(in_32) is float
    # p rounds by half an ulp, which moves log p by at most about eps / min(p, 1 - p) = 1000 eps
    assert abs(in_32 - in_64) <= 8 * EPS32 * (1000 + in_64)


@given(labelled)
def test_float32_logits_agree_with_float64_to_the_precision_of_the_scores(case):
    y, z = case
    z = z / 1e3  # |z| <= 1000
    in_64 = torch_bce_with_logits_loss(y, z)
    allowed = 8 * EPS32 * (1 + np.mean(np.abs(z)) + in_64)
    assert abs(torch_bce_with_logits_loss(y, z, dtype=np.float32) - in_64) <= allowed
    assert abs(keras_binary_crossentropy(y, z, from_logits=True, dtype=np.float32) - in_64) <= allowed


def test_in_float32_a_probability_near_1_is_1_and_pytorch_clamps_its_log():
    p = 1 - 1e-9
    assert np.float32(p) == 1.0  # the float32 tensor holds 1 itself
    assert torch_bce_loss([0], [p], dtype=np.float32) == -TORCH_LOG_FLOOR
    assert torch_bce_loss([0], [p]) == pytest.approx(-math.log1p(-p), rel=1e-15)


def test_in_float32_keras_upper_clip_is_0_99999988():
    upper = np.float32(1 - KERAS_EPSILON)
    assert float(upper) == 1 - 2.0**-23 < 1 - KERAS_EPSILON  # two ulps below 1, not 1e-7
    expected = -math.log(float(np.float32(1) - upper))  # 1 - upper is exact in float32
    assert keras_binary_crossentropy([0], [1.0], dtype=np.float32) == pytest.approx(expected, rel=4 * EPS32)
    assert keras_binary_crossentropy([1], [0.0], dtype=np.float32) == pytest.approx(
        -math.log(float(np.float32(KERAS_EPSILON))), rel=4 * EPS32)
    assert keras_categorical_crossentropy([[0, 1]], [[0.0, 1.0]], dtype=np.float32) == pytest.approx(
        -math.log(float(upper)), rel=4 * EPS32)


def test_keras_from_logits_keeps_the_tiny_loss_that_pytorch_loses_in_float32():
    exact = log_loss_from_logits([0], [-20.0])
    assert keras_binary_crossentropy([0], [-20.0], from_logits=True, dtype=np.float32) == pytest.approx(exact, rel=4 * EPS32)
    assert torch_bce_with_logits_loss([0], [-20.0], dtype=np.float32) == 0.0


def test_label_smoothing_pulls_binary_targets_towards_one_half():
    y, p = np.array([1, 0, 1]), np.array([0.9, 0.2, 0.4])
    t = 0.9 * y + 0.05
    expected = -np.mean(t * np.log(p) + (1 - t) * np.log1p(-p))
    assert keras_binary_crossentropy(y, p, label_smoothing=0.1) == pytest.approx(expected, rel=1e-14)


def test_infinite_scores_cost_inf_where_the_libraries_give_inf():
    assert torch_bce_with_logits_loss([0], [np.inf]) == math.inf
    assert keras_binary_crossentropy([1], [-np.inf], from_logits=True) == math.inf
    assert keras_binary_crossentropy([1], [np.inf], from_logits=True, label_smoothing=0.1) == math.inf
    assert torch_cross_entropy_loss([1], [[0.0, -np.inf, 1.0]]) == math.inf
    finite = torch_cross_entropy_loss([0], [[0.0, -np.inf, 1.0]])
    assert finite == pytest.approx(log_loss_from_logits([0], [[0.0, -np.inf, 1.0]], labels=[0, 1, 2]), rel=1e-14)
    assert torch_cross_entropy_loss([0], [[0.0, -np.inf, 1.0]], label_smoothing=0.1) == math.inf
    assert keras_categorical_crossentropy([[1, 0, 0]], [[0.0, -np.inf, 1.0]], from_logits=True,
                                          label_smoothing=0.1) == math.inf


@given(st.integers(0, 2**32 - 1))
def test_torch_cross_entropy_in_float32_is_near_float64(seed):
    y, z, w = scores_problem(seed, n=20)
    for options in [{}, {"weight": w, "label_smoothing": 0.1}]:
        in_64 = torch_cross_entropy_loss(y, z, **options)
        spread = np.mean(z.max(axis=1) - z.min(axis=1))
        assert abs(torch_cross_entropy_loss(y, z, dtype=np.float32, **options) - in_64) <= 8 * EPS32 * (1 + spread + in_64)


def test_a_dominant_score_loses_its_tiny_loss_to_the_sum_of_the_log_softmax():
    # log(1 + 2e-30·...) is taken of a rounded sum, not by log1p: off by about an ulp of 1.
    z = [[0.0, 30.0, 0.0]]
    exact = log_loss_from_logits([1], z, labels=[0, 1, 2])
    ours = torch_cross_entropy_loss([1], z)
    assert ours != exact and abs(ours - exact) <= np.finfo(np.float64).eps
    assert torch_cross_entropy_loss([1], z, dtype=np.float32) == 0.0  # the sum rounds to 1 in float32


@pytest.mark.parametrize("call, error, words", [
    (lambda: torch_bce_loss([1], [0.5], dtype=np.float16), ValueError, "dtype must be float32 or float64"),
    (lambda: keras_binary_crossentropy([1], [0.5], dtype="double-ish"), TypeError, "dtype must be"),
    (lambda: torch_cross_entropy_loss([0], [[0.0, 1.0]], dtype=None), TypeError, "dtype must be"),
    (lambda: keras_categorical_crossentropy([[1, 0]], [[0.5, 0.5]], dtype=int), ValueError, "dtype must be"),
    (lambda: torch_bce_with_logits_loss([1], [1e39], dtype=np.float32), ValueError, "beyond the largest float32"),
    (lambda: torch_cross_entropy_loss([0], [[np.inf, 0.0]]), ValueError, "returns nan"),
    (lambda: keras_categorical_crossentropy([[1, 0, 0]], [[0.0, -np.inf, 1.0]], from_logits=True), ValueError,
     "returns nan"),
    (lambda: keras_binary_crossentropy([1], [0.5], label_smoothing=2), ValueError, "label_smoothing"),
])
def test_precision_and_infinities_refused_where_the_libraries_have_no_value(call, error, words):
    with pytest.raises(error, match=words):
        call()


def test_float32_is_accepted_by_name_and_as_a_type():
    assert torch_bce_loss([0], [0.999999999], dtype="float32") == torch_bce_loss([0], [0.999999999], dtype=np.float32)
    assert keras_sparse_categorical_crossentropy([0], [[0.0, 1.0]], dtype=np.dtype("float32")) == (
        keras_categorical_crossentropy([[1, 0]], [[0.0, 1.0]], dtype=np.float32))
