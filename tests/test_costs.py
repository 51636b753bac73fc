"""costs: the linear predictor, gradients and Hessians against finite differences, and bad input."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from logloss_ref import (
    linear_predictor,
    log_loss_from_logits,
    log_loss_gradient,
    log_loss_hessian,
    log_loss_logits_gradient,
    mse,
    mse_gradient,
    sigmoid,
    softmax,
)
from logloss_ref._kernels import multinomial_hessian as _multinomial_hessian
from logloss_ref._kernels import score_residual as _score_residual
from logloss_ref._kernels import with_intercept as _with_intercept

X_OK = [[0.0], [1.0], [2.0]]


def numerical_gradient(cost, theta, h=1e-6):
    """Central differences of cost(theta) in every coordinate."""
    grad = np.empty_like(theta)
    for i in range(len(theta)):
        step = np.zeros_like(theta)
        step[i] = h
        grad[i] = (cost(theta + step) - cost(theta - step)) / (2 * h)
    return grad


problems = st.builds(
    lambda seed, n, k: np.random.default_rng(seed),
    st.integers(0, 2**32 - 1), st.just(0), st.just(0),
).flatmap(lambda rng: st.just((rng.normal(size=(30, 3)), rng.integers(0, 2, 30), rng.normal(size=3), float(rng.normal()))))


@given(problems)
def test_log_loss_gradient_equals_finite_differences(problem):
    X, y, beta, b = problem
    g_beta, g_b = log_loss_gradient(X, y, beta, b)
    cost = lambda t: log_loss_from_logits(y, X @ t[:-1] + t[-1])
    np.testing.assert_allclose(np.append(g_beta, g_b), numerical_gradient(cost, np.append(beta, b)), rtol=1e-5, atol=1e-8)


@given(problems)
def test_mse_gradient_equals_finite_differences(problem):
    X, y, beta, b = problem
    g_beta, g_b = mse_gradient(X, y, beta, b)
    cost = lambda t: mse(y, sigmoid(X @ t[:-1] + t[-1]))
    np.testing.assert_allclose(np.append(g_beta, g_b), numerical_gradient(cost, np.append(beta, b)), rtol=1e-5, atol=1e-8)


@given(problems)
def test_hessian_is_the_gradients_jacobian_and_positive_semidefinite(problem):
    X, y, beta, b = problem
    H = log_loss_hessian(X, beta, b)
    assert np.linalg.eigvalsh(H).min() >= -1e-12
    jac = np.column_stack([
        numerical_gradient(lambda t: np.append(*log_loss_gradient(X, y, t[:-1], t[-1]))[j], np.append(beta, b))
        for j in range(4)
    ])
    np.testing.assert_allclose(H, jac, rtol=1e-5, atol=1e-8)


def test_linear_predictor():
    np.testing.assert_array_equal(linear_predictor([[1.0, 2.0]], [3.0, 4.0], 0.5), [11.5])


@pytest.mark.parametrize("func", [log_loss_gradient, mse_gradient])
def test_gradients_refuse_bad_input(func):
    with pytest.raises(ValueError, match="beta has 2 entries but X has 1 features"):
        func(X_OK, [0, 1, 1], [0.0, 1.0], 0.0)
    with pytest.raises(ValueError, match="only 0 and 1"):
        func(X_OK, [0, 1, 2], [0.0], 0.0)
    with pytest.raises(TypeError, match="b must be a real number"):
        func(X_OK, [0, 1, 1], [0.0], None)


def test_linear_predictor_and_hessian_refuse_bad_input():
    with pytest.raises(ValueError, match="beta must be finite"):
        linear_predictor(X_OK, [np.nan])
    with pytest.raises(ValueError, match="X is empty"):
        log_loss_hessian(np.empty((0, 1)), [0.0])


# --- the gradient with respect to the scores, two and K classes ------------------------------

def numerical_matrix_gradient(cost, z, h=1e-6):
    grad = np.empty_like(z)
    for index in np.ndindex(z.shape):
        step = np.zeros_like(z)
        step[index] = h
        grad[index] = (cost(z + step) - cost(z - step)) / (2 * h)
    return grad


@given(st.integers(2, 5), st.integers(1, 25), st.integers(0, 2**32 - 1))
def test_logits_gradient_equals_finite_differences(k, n, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3, size=(n, k))
    y = rng.integers(0, k, n)
    labels = list(range(k))
    gradient = log_loss_logits_gradient(y, z, labels=labels)
    expected = numerical_matrix_gradient(lambda t: log_loss_from_logits(y, t, labels=labels), z)
    np.testing.assert_allclose(gradient, expected, rtol=1e-5, atol=1e-9)
    np.testing.assert_allclose(gradient.sum(axis=1), 0.0, atol=1e-15)  # the softmax ignores a shift


@given(st.integers(1, 25), st.integers(0, 2**32 - 1))
def test_binary_logits_gradient_equals_finite_differences_and_the_two_column_case(n, seed):
    rng = np.random.default_rng(seed)
    z = rng.normal(scale=3, size=n)
    y = rng.integers(0, 2, n)
    gradient = log_loss_logits_gradient(y, z)
    np.testing.assert_allclose(gradient, numerical_matrix_gradient(lambda t: log_loss_from_logits(y, t), z), rtol=1e-5, atol=1e-9)
    two = log_loss_logits_gradient(y, np.column_stack([np.zeros(n), z]), labels=[0, 1])
    np.testing.assert_allclose(two[:, 1], gradient, rtol=1e-12, atol=1e-300)


@given(st.integers(3, 4), st.integers(0, 2**32 - 1))
def test_multinomial_hessian_is_the_gradients_jacobian(k, seed):
    rng = np.random.default_rng(seed)
    X1 = _with_intercept(rng.normal(size=(20, 2)))
    y = rng.integers(0, k, 20)
    theta = rng.normal(size=(3, k))
    gradient = lambda t: (X1.T @ _score_residual(y, X1 @ t.reshape(3, k)) / 20).reshape(-1)
    H = _multinomial_hessian(X1, softmax(X1 @ theta))
    jacobian = np.column_stack([numerical_matrix_gradient(lambda t: gradient(t)[j], theta.reshape(-1)) for j in range(3 * k)])
    np.testing.assert_allclose(H, jacobian, rtol=1e-5, atol=1e-8)
    assert np.linalg.eigvalsh(H).min() >= -1e-12  # convex, and flat along a shift of every class


def test_logits_gradient_refuses_bad_input():
    with pytest.raises(ValueError, match="logits has 2 columns but labels has 3 classes"):
        log_loss_logits_gradient([0, 1], [[0.0, 1.0], [1.0, 0.0]], labels=[0, 1, 2])
    with pytest.raises(ValueError, match="logits contains NaN"):
        log_loss_logits_gradient([0, 1], [0.0, np.nan])
