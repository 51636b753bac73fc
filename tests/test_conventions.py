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
def test_bce_with_logits_is_the_exact_loss(case):
    y, z = case
    assert torch_bce_with_logits_loss(y, z) == pytest.approx(log_loss_from_logits(y, z), rel=1e-12, abs=1e-300)


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
    (lambda: torch_bce_with_logits_loss([1], [np.inf]), ValueError, "finite"),
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
