"""The cost functions of the models: the linear predictor, gradients, the Hessian and cost curves."""

from __future__ import annotations

import numpy as np

from . import _kernels as K
from ._validation import (
    check_coefficients,
    check_finite_vector,
    check_labels,
    check_matrix,
    check_prediction_input,
    check_same_length,
    check_scalar,
)
from .links import sigmoid
from .losses import log_loss_from_logits, mse

__all__ = [
    "cost_curve",
    "linear_predictor",
    "log_loss_gradient",
    "log_loss_hessian",
    "log_loss_logits_gradient",
    "mse_gradient",
]


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
    r"""The linear predictor \(z = X\beta + b\): one score (logit) per sample.

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
    return K.linear_predictor(X, beta, b)


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
    residual = K.logit_residual(y, K.linear_predictor(X, beta, b))
    return X.T @ residual / len(y), float(residual.mean())


def log_loss_logits_gradient(y_true, logits, *, labels=None):
    r"""Gradient of the mean log loss with respect to the logits (scores) themselves.

    $$
    \frac{\partial L}{\partial z_i} = \frac{1}{N}\bigl(\sigma(z_i) - y_i\bigr)
    \qquad\text{or, with K classes,}\qquad
    \frac{\partial L}{\partial z_{ik}} = \frac{1}{N}\bigl(\operatorname{softmax}(z_i)_k
    - [y_i = k]\bigr)
    $$

    The prediction minus the truth, per sample: the whole reason log loss and the sigmoid
    (or softmax) go together. The gradient with respect to the parameters of a linear model
    is \(\tilde X^\top\) times this (`log_loss_gradient`).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels, as for `log_loss_from_logits`.
    logits : array-like of shape (n_samples,) or (n_samples, n_classes)
        Log-odds of the second class, or one score per class in the sorted order of the labels.
    labels : array-like of shape (n_classes,), default=None
        Every class, when ``y_true`` lacks some.

    Returns
    -------
    ndarray of the shape of ``logits``
        Each row of the K-class gradient sums to 0: adding a constant to a row's scores
        changes nothing, so nothing pushes that way.

    Raises
    ------
    TypeError, ValueError
        For invalid inputs, as in `log_loss_from_logits`.

    Examples
    --------
    >>> from logloss_ref import log_loss_logits_gradient
    >>> log_loss_logits_gradient([1, 0], [0.0, 2.0])
    array([-0.25      ,  0.44039854])
    >>> log_loss_logits_gradient(["coat"], [[0.0, 0.0, 0.0]], labels=["cardigan", "coat", "jacket"])
    array([[ 0.33333333, -0.66666667,  0.33333333]])
    """
    data = check_prediction_input(y_true, logits=logits, labels=labels)
    residual = K.logit_residual if data.binary else K.score_residual
    return residual(data.y, data.values) / data.n_samples


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
    p = _probabilities(X, beta, b)
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
    return K.hessian(K.with_intercept(X), _probabilities(X, beta, b))


def cost_curve(x, y_true, slopes, *, b=0.0, cost="log_loss"):
    r"""The cost of the one-feature logistic model \(p = \sigma(\beta x + b)\) for each slope \(\beta\).

    A one-dimensional slice through the cost surface, used to compare the shapes of MSE
    and log loss.

    Parameters
    ----------
    x : array-like of shape (n_samples,)
        The single feature, finite.
    y_true : array-like of shape (n_samples,)
        Labels, 0 or 1.
    slopes : array-like of shape (n_slopes,)
        Values of \(\beta\) at which to evaluate the cost, finite.
    b : float, default=0.0
        The intercept, held fixed along the slice.
    cost : {"log_loss", "mse"}, default="log_loss"
        ``"log_loss"`` is `log_loss_from_logits` of the scores \(\beta x + b\), exact for any
        score; ``"mse"`` is `mse` of the probabilities `sigmoid` gives them.

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
    scores = np.outer(w, x) + b  # one row per slope
    # The library's own cost functions, one slope at a time: a change to either shows here too.
    if cost == "mse":
        return np.array([mse(y, sigmoid(z)) for z in scores])
    return np.array([log_loss_from_logits(y, z) for z in scores])


def _probabilities(X: np.ndarray, beta: np.ndarray, b: float) -> np.ndarray:
    """sigmoid(X beta + b) for checked inputs: the logistic model that the gradients and the Hessian differentiate."""
    return K.sigmoid(K.linear_predictor(X, beta, b))
