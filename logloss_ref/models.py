"""The linear predictor, gradients and Hessian of the costs, and the two models of the article."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ._validation import (
    NotFittedError,
    check_coefficients,
    check_finite_vector,
    check_labels,
    check_matrix,
    check_same_length,
    check_scalar,
)
from .links import _sigmoid
from .losses import _logit_losses

__all__ = [
    "ConvergenceWarning",
    "LinearRegression",
    "LogisticRegression",
    "cost_curve",
    "linear_predictor",
    "log_loss_gradient",
    "log_loss_hessian",
    "mse_gradient",
]


class ConvergenceWarning(UserWarning):
    """The optimiser stopped at ``max_iter`` before the gradient fell below ``tol``."""


def _check_model_inputs(X, beta, b):
    X = check_matrix(X)
    beta = check_coefficients(beta, X.shape[1])
    b = check_scalar(b, "b")
    return X, beta, float(b)


def _check_labels_for(X: np.ndarray, y_true) -> np.ndarray:
    is_one = check_labels(y_true)
    check_same_length(X=X, y_true=is_one)
    return is_one.astype(np.float64)


def linear_predictor(X, beta, b=0.0):
    r"""The linear predictor \(Z = X\beta + b\): one score (logit) per sample.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
        Features, finite.
    beta : array-like of shape (n_features,)
        Coefficients, finite.
    b : float, default=0.0
        Intercept.

    Returns
    -------
    ndarray of shape (n_samples,)

    Raises
    ------
    TypeError
        If an input is not real numbers.
    ValueError
        If ``X`` is not 2-D or is empty or non-finite, or ``beta`` does not have one entry
        per column of ``X``.

    Examples
    --------
    >>> from logloss_ref import linear_predictor
    >>> linear_predictor([[1.0, 2.0], [0.0, -1.0]], [0.5, 1.0], b=-1.0)
    array([ 1.5, -2. ])
    """
    X, beta, b = _check_model_inputs(X, beta, b)
    return X @ beta + b


def log_loss_gradient(X, y_true, beta, b=0.0):
    r"""Gradient of the mean log loss of the logistic model \(p = \sigma(X\beta + b)\).

    $$
    \frac{\partial L}{\partial \beta} = \frac{1}{N} X^\top (p - y), \qquad
    \frac{\partial L}{\partial b} = \frac{1}{N} \sum_i (p_i - y_i)
    $$

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y_true : array-like of shape (n_samples,)
        Labels, 0 or 1.
    beta : array-like of shape (n_features,)
    b : float, default=0.0

    Returns
    -------
    grad_beta : ndarray of shape (n_features,)
    grad_b : float

    Raises
    ------
    TypeError, ValueError
        For invalid inputs, as in `linear_predictor` and `log_loss`.

    Notes
    -----
    The derivative of \(-[y \log\sigma(z) + (1-y)\log(1-\sigma(z))]\) with respect to
    \(z\) is simply \(\sigma(z) - y\): the sigmoid's own derivative
    \(\sigma(1-\sigma)\) cancels against the derivative of the logarithm.

    Examples
    --------
    >>> from logloss_ref import log_loss_gradient
    >>> grad_beta, grad_b = log_loss_gradient([[1.0], [2.0]], [0, 1], [0.0], 0.0)
    >>> grad_beta, grad_b
    (array([-0.25]), 0.0)
    """
    X, beta, b = _check_model_inputs(X, beta, b)
    y = _check_labels_for(X, y_true)
    residual = _sigmoid(X @ beta + b) - y
    return X.T @ residual / len(y), float(residual.mean())


def mse_gradient(X, y_true, beta, b=0.0):
    r"""Gradient of the mean squared error of the logistic model \(p = \sigma(X\beta + b)\).

    $$
    \frac{\partial}{\partial \beta} \frac{1}{N}\sum_i (p_i - y_i)^2
    = \frac{2}{N} X^\top \bigl[(p - y)\, p\, (1 - p)\bigr]
    $$

    and the same without \(X^\top\) for \(b\).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y_true : array-like of shape (n_samples,)
        Labels, 0 or 1.
    beta : array-like of shape (n_features,)
    b : float, default=0.0

    Returns
    -------
    grad_beta : ndarray of shape (n_features,)
    grad_b : float

    Raises
    ------
    TypeError, ValueError
        For invalid inputs, as in `linear_predictor`.

    Notes
    -----
    The factor \(p(1 - p)\) is what makes MSE a poor cost for a sigmoid: it tends to 0
    when the model is confidently *wrong* (p near 0 for a 1), so gradient descent barely
    moves exactly where it should move most.

    Examples
    --------
    >>> from logloss_ref import mse_gradient
    >>> grad_beta, grad_b = mse_gradient([[-10.0]], [1], [1.0], 0.0)  # confidently wrong
    >>> float(grad_beta[0])
    0.000907...
    """
    X, beta, b = _check_model_inputs(X, beta, b)
    y = _check_labels_for(X, y_true)
    p = _sigmoid(X @ beta + b)
    factor = 2.0 * (p - y) * p * (1.0 - p)
    return X.T @ factor / len(y), float(factor.mean())


def log_loss_hessian(X, beta, b=0.0):
    r"""Hessian of the mean log loss with respect to \((\beta, b)\).

    $$
    H = \frac{1}{N} \tilde X^\top \operatorname{diag}\bigl(p_i (1 - p_i)\bigr) \tilde X,
    \qquad \tilde X = [X \;\; \mathbf{1}]
    $$

    It does not depend on the labels, and it is positive semi-definite for every
    \((\beta, b)\): log loss is convex.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    beta : array-like of shape (n_features,)
    b : float, default=0.0

    Returns
    -------
    ndarray of shape (n_features + 1, n_features + 1)
        The intercept is the last row and column.

    Raises
    ------
    TypeError, ValueError
        For invalid inputs, as in `linear_predictor`.

    Examples
    --------
    >>> from logloss_ref import log_loss_hessian
    >>> log_loss_hessian([[1.0], [-1.0]], [0.0], 0.0)
    array([[0.25, 0.  ],
           [0.  , 0.25]])
    """
    X, beta, b = _check_model_inputs(X, beta, b)
    return _hessian(_with_intercept(X), _sigmoid(X @ beta + b))


def cost_curve(x, y_true, slopes, *, b=0.0, cost="log_loss"):
    r"""The cost of the one-feature logistic model \(p = \sigma(w x + b)\) for each slope \(w\).

    A one-dimensional slice through the cost surface, used to compare the shapes of MSE
    and log loss.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
        The single feature, finite.
    y_true : array-like of shape (n_samples,)
        Labels, 0 or 1.
    slopes : array-like of shape (n_slopes,)
        Values of \(w\) at which to evaluate the cost, finite.
    b : float, default=0.0
        The intercept, held fixed along the slice.
    cost : {"log_loss", "mse"}, default="log_loss"
        ``"log_loss"`` is computed exactly from the logits; ``"mse"`` is the mean squared
        error of the probabilities.

    Returns
    -------
    ndarray of shape (n_slopes,)

    Raises
    ------
    TypeError, ValueError
        For invalid inputs or an unknown ``cost``.

    Examples
    --------
    >>> from logloss_ref import cost_curve
    >>> cost_curve([1.0, -1.0], [1, 0], [0.0, 2.0])
    array([0.69314718, 0.12692801])
    """
    if cost not in ("log_loss", "mse"):
        raise ValueError(f"cost must be 'log_loss' or 'mse'; got {cost!r}.")
    x = check_finite_vector(x, "x")
    y = _check_labels_for(x[:, None], y_true)
    w = check_finite_vector(slopes, "slopes")
    b = float(check_scalar(b, "b"))
    z = np.outer(w, x) + b
    if cost == "mse":
        return np.mean(np.square(_sigmoid(z.reshape(-1)).reshape(z.shape) - y), axis=1)
    return np.mean(_logit_losses(np.broadcast_to(y == 1, z.shape).reshape(-1), z.reshape(-1)).reshape(z.shape), axis=1)


def _with_intercept(X: np.ndarray) -> np.ndarray:
    return np.hstack([X, np.ones((X.shape[0], 1))])


def _hessian(X1: np.ndarray, p: np.ndarray) -> np.ndarray:
    weighted = X1 * (p * (1.0 - p))[:, None]
    return X1.T @ weighted / X1.shape[0]


class LinearRegression:
    r"""Ordinary least squares, \(\min_{\beta, b} \frac{1}{N} \lVert X\beta + b - y \rVert^2\).

    The article's first attempt: a straight line through 0/1 labels.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float

    Examples
    --------
    >>> from logloss_ref import LinearRegression
    >>> line = LinearRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    >>> float(line.coef_[0]), float(line.intercept_)
    (0.4, -0.1)
    >>> line.predict([[-1.0], [5.0]])  # a "probability" below 0 and one above 1
    array([-0.5,  1.9])
    """

    def fit(self, X, y):
        """Fit by least squares; ``y`` may be any finite numbers. Returns ``self``."""
        X = check_matrix(X)
        y = check_finite_vector(y, "y")
        check_same_length(X=X, y=y)
        solution, *_ = np.linalg.lstsq(_with_intercept(X), y, rcond=None)
        self.coef_ = solution[:-1]
        self.intercept_ = float(solution[-1])
        return self

    def predict(self, X):
        r"""Return \(X\beta + b\), shape (n_samples,)."""
        if not hasattr(self, "coef_"):
            raise NotFittedError("This LinearRegression is not fitted yet; call fit(X, y) first.")
        X = check_matrix(X)
        return linear_predictor(X, self.coef_, self.intercept_)


class LogisticRegression:
    r"""Unpenalised logistic regression, fitted by minimising the mean log loss.

    $$
    p = \sigma(X\beta + b), \qquad
    \min_{\beta, b}\; -\frac{1}{N}\sum_i \bigl[y_i \log p_i + (1 - y_i)\log(1 - p_i)\bigr]
    $$

    Parameters
    ----------
    learning_rate : float, default=1.0
        Step size of gradient descent (ignored by ``solver="newton"``). Must be > 0.
    max_iter : int, default=10000
        Most iterations; at least 1.
    tol : float, default=1e-8
        Stop when every component of the gradient is at most ``tol`` in absolute value. With
        ``standardize=True`` this is the gradient with respect to the standardized
        parameters, the ones the optimiser moves.
    solver : {"gradient_descent", "newton"}, default="gradient_descent"
        ``"gradient_descent"``: \(\theta \leftarrow \theta - \eta \nabla L\), the method
        of the article. ``"newton"``: Newton's method (iteratively reweighted least squares),
        \(\theta \leftarrow \theta - H^{-1} \nabla L\), far fewer iterations.
    standardize : bool, default=True
        Run the optimiser on features scaled to mean 0 and standard deviation 1 and map
        the result back. It changes the path, not the optimum or the loss values, and
        lets one learning rate suit features of any scale.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    loss_history_ : ndarray of shape (n_iter_,)
        Mean log loss at the parameters each iteration started from.
    n_iter_ : int
        Number of iterations run.
    converged_ : bool
        Whether the gradient fell below ``tol`` within ``max_iter`` iterations.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` is reached first (for example on perfectly separable data, where
        no finite optimum exists).

    Notes
    -----
    At the optimum the gradient with respect to \(b\) vanishes, so the mean predicted
    probability equals the fraction of 1s in the training labels.

    ``predict_proba`` returns the probability of class 1 as a 1-D array, the convention of
    this package; scikit-learn's method of the same name returns two columns.

    Examples
    --------
    >>> from logloss_ref import LogisticRegression, make_customers
    >>> customers = make_customers(200, seed=0)
    >>> model = LogisticRegression().fit(customers.X, customers.y)
    >>> model.converged_
    True
    >>> model.n_iter_
    745
    >>> float(model.coef_[0]), float(model.intercept_)
    (0.98220..., -6.22660...)
    >>> float(model.predict_proba(customers.X).mean()), float(customers.y.mean())
    (0.52499999..., 0.525)
    """

    def __init__(self, *, learning_rate=1.0, max_iter=10_000, tol=1e-8, solver="gradient_descent", standardize=True):
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.standardize = standardize

    def _check_params(self):
        check_scalar(self.learning_rate, "learning_rate", low=0, low_inclusive=False)
        check_scalar(self.max_iter, "max_iter", kind=numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0)
        if self.solver not in ("gradient_descent", "newton"):
            raise ValueError(f"solver must be 'gradient_descent' or 'newton'; got {self.solver!r}.")
        if not isinstance(self.standardize, bool):
            raise TypeError(f"standardize must be True or False; got {self.standardize!r}.")

    def fit(self, X, y):
        """Fit the model to features ``X`` (n_samples, n_features) and labels ``y`` (0/1).

        Returns ``self``. Raises ``ValueError`` for a single-class ``y``, non-finite ``X``,
        mismatched lengths and invalid parameters.
        """
        self._check_params()
        X = check_matrix(X)
        y = _check_labels_for(X, y)
        is_one = y == 1
        if y.min() == y.max():
            raise ValueError(
                f"y contains only class {int(y[0])}; logistic regression needs samples of both classes."
            )
        if self.standardize:
            center = X.mean(axis=0)
            scale = X.std(axis=0)
            scale[scale == 0] = 1.0  # a constant column stays as it is
        else:
            center, scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
        X1 = _with_intercept((X - center) / scale)
        theta = np.zeros(X1.shape[1])
        n = len(y)
        history = []
        self.converged_ = False
        for _ in range(self.max_iter):
            z = X1 @ theta
            history.append(float(np.mean(_logit_losses(is_one, z))))
            p = _sigmoid(z)
            gradient = X1.T @ (p - y) / n
            if np.max(np.abs(gradient)) <= self.tol:
                self.converged_ = True
                break
            if self.solver == "newton":
                try:
                    step = np.linalg.solve(_hessian(X1, p), gradient)
                except np.linalg.LinAlgError:
                    break  # the Hessian is singular: the data are separable along some direction
            else:
                step = self.learning_rate * gradient
            theta = theta - step
        if not self.converged_:
            warnings.warn(
                f"{self.solver} stopped after {len(history)} iterations with gradient "
                f"{np.max(np.abs(gradient)):.3g} > tol={self.tol}. Raise max_iter or learning_rate, "
                "or check whether the classes are perfectly separable.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.coef_ = theta[:-1] / scale
        self.intercept_ = float(theta[-1] - np.dot(self.coef_, center))
        self.loss_history_ = np.array(history)
        self.n_iter_ = len(history)
        return self

    def _check_fitted(self, X) -> np.ndarray:
        if not hasattr(self, "coef_"):
            raise NotFittedError("This LogisticRegression is not fitted yet; call fit(X, y) first.")
        X = check_matrix(X)
        if X.shape[1] != len(self.coef_):
            raise ValueError(f"X has {X.shape[1]} features but the model was fitted with {len(self.coef_)}.")
        return X

    def decision_function(self, X):
        r"""The logits \(X\beta + b\), shape (n_samples,)."""
        X = self._check_fitted(X)
        return X @ self.coef_ + self.intercept_

    def predict_proba(self, X):
        """Probability of class 1 for each sample, shape (n_samples,)."""
        return _sigmoid(self.decision_function(X))

    def predict(self, X, *, threshold=0.5):
        """Class labels (0 or 1): 1 where the probability of class 1 is at least ``threshold``."""
        check_scalar(threshold, "threshold", low=0)
        if threshold > 1:
            raise ValueError(f"threshold must be in [0, 1]; got {threshold!r}.")
        return (self.predict_proba(X) >= threshold).astype(int)
