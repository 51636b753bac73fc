"""models: gradients against finite differences, the fit against scikit-learn, and bad input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logloss_ref import (
    ConvergenceWarning,
    LinearRegression,
    LogisticRegression,
    NotFittedError,
    linear_predictor,
    log_loss,
    log_loss_from_logits,
    log_loss_gradient,
    log_loss_hessian,
    make_customers,
    mse,
    mse_gradient,
    sigmoid,
)


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


@pytest.mark.parametrize("solver", ["gradient_descent", "newton"])
@pytest.mark.parametrize("n_features, seed", [(1, 0), (2, 1), (2, 5)])
def test_fit_agrees_with_sklearn_unpenalised(solver, n_features, seed):
    data = make_customers(400, n_features=n_features, seed=seed)
    ours = LogisticRegression(solver=solver).fit(data.X, data.y)
    theirs = SkLogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(data.X, data.y)
    assert ours.converged_
    np.testing.assert_allclose(ours.predict_proba(data.X), theirs.predict_proba(data.X)[:, 1], atol=1e-4)
    np.testing.assert_allclose(np.append(ours.coef_, ours.intercept_), np.append(theirs.coef_, theirs.intercept_), rtol=1e-3)
    np.testing.assert_array_equal(ours.predict(data.X), theirs.predict(data.X))


def test_gradient_descent_without_standardizing_reaches_the_same_optimum():
    data = make_customers(300, seed=3)
    plain = LogisticRegression(standardize=False, learning_rate=0.05, max_iter=200_000, tol=1e-7).fit(data.X, data.y)
    newton = LogisticRegression(solver="newton").fit(data.X, data.y)
    assert plain.converged_
    np.testing.assert_allclose(plain.predict_proba(data.X), newton.predict_proba(data.X), atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_at_the_optimum_mean_probability_equals_base_rate(seed):
    data = make_customers(150, n_features=2, seed=seed)
    model = LogisticRegression(solver="newton", tol=1e-12).fit(data.X, data.y)
    assert model.predict_proba(data.X).mean() == pytest.approx(data.y.mean(), abs=1e-10)


def test_loss_history_decreases_and_ends_at_the_fitted_loss():
    data = make_customers(200, seed=0)
    model = LogisticRegression().fit(data.X, data.y)
    history = model.loss_history_
    assert len(history) == model.n_iter_
    assert history[0] == pytest.approx(np.log(2))
    assert (np.diff(history) <= 1e-15).all()
    assert history[-1] == pytest.approx(log_loss(data.y, model.predict_proba(data.X)), rel=1e-12)


def test_separable_data_warns_instead_of_pretending():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.warns(ConvergenceWarning, match="separable"):
        model = LogisticRegression(max_iter=50).fit(X, [0, 0, 1, 1])
    assert not model.converged_ and model.n_iter_ == 50


def test_linear_regression_matches_sklearn():
    data = make_customers(100, n_features=2, seed=4)
    ours = LinearRegression().fit(data.X, data.y)
    theirs = SkLinearRegression().fit(data.X, data.y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-10)
    np.testing.assert_allclose(ours.predict(data.X), theirs.predict(data.X), rtol=1e-10)


X_OK = [[0.0], [1.0], [2.0]]


@pytest.mark.parametrize("params, X, y, error, words", [
    ({}, X_OK, [1, 1, 1], ValueError, "only class 1"),
    ({}, [[0.0], [np.inf], [2.0]], [0, 1, 1], ValueError, "X must be finite"),
    ({}, [[0.0], [np.nan], [2.0]], [0, 1, 1], ValueError, "X must be finite"),
    ({}, [0.0, 1.0, 2.0], [0, 1, 1], ValueError, "X must be 2-D.*reshape"),
    ({}, X_OK, [0, 1], ValueError, "same number"),
    ({}, X_OK, [0, 1, 3], ValueError, "only 0 and 1"),
    ({}, [["a"], ["b"], ["c"]], [0, 1, 1], TypeError, "X must contain real numbers"),
    ({"learning_rate": 0.0}, X_OK, [0, 1, 1], ValueError, "learning_rate must be > 0"),
    ({"learning_rate": -1.0}, X_OK, [0, 1, 1], ValueError, "learning_rate must be > 0"),
    ({"learning_rate": np.nan}, X_OK, [0, 1, 1], ValueError, "learning_rate must be finite"),
    ({"learning_rate": "fast"}, X_OK, [0, 1, 1], TypeError, "learning_rate must be a real number"),
    ({"max_iter": 0}, X_OK, [0, 1, 1], ValueError, "max_iter must be >= 1"),
    ({"max_iter": 2.5}, X_OK, [0, 1, 1], TypeError, "max_iter must be an integer"),
    ({"tol": -1.0}, X_OK, [0, 1, 1], ValueError, "tol must be >= 0"),
    ({"solver": "lbfgs"}, X_OK, [0, 1, 1], ValueError, "solver must be"),
])
def test_fit_refuses_bad_input(params, X, y, error, words):
    with pytest.raises(error, match=words):
        LogisticRegression(**params).fit(X, y)


def test_predicting_before_fitting_raises():
    for model in (LogisticRegression(), LinearRegression()):
        with pytest.raises(NotFittedError, match="not fitted yet"):
            model.predict(X_OK)
    with pytest.raises(NotFittedError):
        LogisticRegression().predict_proba(X_OK)


def test_predict_checks_feature_count():
    model = LogisticRegression().fit(X_OK, [0, 1, 0])
    with pytest.raises(ValueError, match="2 features but the model was fitted with 1"):
        model.predict([[0.0, 1.0]])


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
