"""The two models of the article: least squares and logistic regression (two or K classes)."""

from __future__ import annotations

import numbers
import warnings

import numpy as np

from ._validation import (
    NotFittedError,
    check_classes,
    check_finite_vector,
    check_matrix,
    check_same_length,
    check_scalar,
)
from .costs import _hessian, _multinomial_hessian, _score_residual, _with_intercept, linear_predictor
from .links import _sigmoid, _softmax
from .losses import _logit_losses, _score_losses

__all__ = ["ConvergenceWarning", "LinearRegression", "LogisticRegression"]


class ConvergenceWarning(UserWarning):
    """The optimiser stopped at ``max_iter`` before the gradient fell below ``tol``."""


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
    r"""Unpenalised logistic regression, fitted by minimising the mean log loss; K classes by softmax.

    $$
    p = \sigma(X\beta + b), \qquad
    \min_{\beta, b}\; -\frac{1}{N}\sum_i \bigl[y_i \log p_i + (1 - y_i)\log(1 - p_i)\bigr]
    $$

    With K > 2 classes it is multinomial (softmax) regression: one coefficient vector and
    intercept per class, \(P_i = \operatorname{softmax}(B x_i + b)\), minimising the mean
    categorical cross-entropy \(-\frac{1}{N}\sum_i \log P_{i, y_i}\).

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
    classes_ : ndarray of shape (n_classes,)
        The labels seen in ``fit``, sorted; column k of `predict_proba` (K > 2) is class k.
    coef_ : ndarray of shape (n_features,) or (n_classes, n_features)
        1-D with two classes (the coefficients of the second class's log-odds), one row per
        class with more.
    intercept_ : float or ndarray of shape (n_classes,)
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
    At the optimum the gradient with respect to the intercepts vanishes, so the mean
    predicted probability of each class equals its share of the training labels.

    With K classes the scores are only defined up to a constant added to every class (the
    softmax ignores it), so the coefficients are not unique. Both solvers start at zero and
    step only across classes (the gradient of each row sums to 0; Newton's step is the
    least-squares one), so the fitted rows of ``coef_`` and ``intercept_`` sum to 0, the
    same convention as scikit-learn's unpenalised multinomial fit.

    With two classes ``predict_proba`` returns the probability of the second class as a 1-D
    array, the convention of this package; scikit-learn's method of the same name returns
    two columns.

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

    Three classes, with string labels:

    >>> model = LogisticRegression(solver="newton").fit([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]],
    ...                                                 ["cardigan", "coat", "cardigan", "jacket", "coat", "jacket"])
    >>> model.classes_.tolist(), model.coef_.shape
    (['cardigan', 'coat', 'jacket'], (3, 1))
    >>> model.predict([[0.0], [5.0]]).tolist()
    ['cardigan', 'jacket']
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
        """Fit the model to features ``X`` (n_samples, n_features) and labels ``y`` (any two or more classes).

        Returns ``self``. Raises ``ValueError`` for a single-class ``y``, non-finite ``X``,
        mismatched lengths and invalid parameters.
        """
        self._check_params()
        X = check_matrix(X)
        index, classes = check_classes(y, name="y")
        check_same_length(X=X, y=index)
        if len(classes) < 2:
            raise ValueError(
                f"y contains only class {classes[0].item()!r}; logistic regression needs samples of at least two classes."
            )
        if self.standardize:
            center = X.mean(axis=0)
            scale = X.std(axis=0)
            scale[scale == 0] = 1.0  # a constant column stays as it is
        else:
            center, scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
        X1 = _with_intercept((X - center) / scale)
        n = len(index)
        if len(classes) == 2:
            is_one = index == 1
            theta = np.zeros(X1.shape[1])
            loss = lambda z: np.mean(_logit_losses(is_one, z))  # noqa: E731
            residual = lambda z: _sigmoid(z) - is_one  # noqa: E731
            hessian = lambda z: _hessian(X1, _sigmoid(z))  # noqa: E731
        else:
            theta = np.zeros((X1.shape[1], len(classes)))
            loss = lambda z: np.mean(_score_losses(index, z))  # noqa: E731
            residual = lambda z: _score_residual(index, z)  # noqa: E731
            hessian = lambda z: _multinomial_hessian(X1, _softmax(z))  # noqa: E731
        history = []
        self.converged_ = False
        for _ in range(self.max_iter):
            z = X1 @ theta
            history.append(float(loss(z)))
            gradient = X1.T @ residual(z) / n
            if np.max(np.abs(gradient)) <= self.tol:
                self.converged_ = True
                break
            if self.solver == "newton":
                step = self._newton_step(hessian(z), gradient)
                if step is None:
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
        self.classes_ = classes
        if theta.ndim == 1:
            self.coef_ = theta[:-1] / scale
            self.intercept_ = float(theta[-1] - np.dot(self.coef_, center))
        else:
            self.coef_ = (theta[:-1] / scale[:, None]).T
            self.intercept_ = theta[-1] - self.coef_ @ center
        self.loss_history_ = np.array(history)
        self.n_iter_ = len(history)
        return self

    @staticmethod
    def _newton_step(hessian: np.ndarray, gradient: np.ndarray) -> np.ndarray | None:
        if gradient.ndim == 1:
            try:
                return np.linalg.solve(hessian, gradient)
            except np.linalg.LinAlgError:
                return None
        # K classes: H is singular along the constant-per-class direction, which the gradient
        # never has; the least-squares step is the Newton step within the other directions.
        step, *_ = np.linalg.lstsq(hessian, gradient.reshape(-1), rcond=None)
        return step.reshape(gradient.shape)

    def _check_fitted(self, X) -> np.ndarray:
        if not hasattr(self, "coef_"):
            raise NotFittedError("This LogisticRegression is not fitted yet; call fit(X, y) first.")
        X = check_matrix(X)
        n_features = self.coef_.shape[-1]
        if X.shape[1] != n_features:
            raise ValueError(f"X has {X.shape[1]} features but the model was fitted with {n_features}.")
        return X

    def decision_function(self, X):
        r"""The logits \(X\beta + b\): shape (n_samples,) with two classes, (n_samples, n_classes) with more."""
        X = self._check_fitted(X)
        return X @ self.coef_.T + self.intercept_

    def predict_proba(self, X):
        """Probability of the second class, shape (n_samples,); or of every class, (n_samples, n_classes)."""
        z = self.decision_function(X)
        return _sigmoid(z) if z.ndim == 1 else _softmax(z)

    def predict(self, X, *, threshold=0.5):
        """The most probable class of each sample, as one of ``classes_``.

        With two classes, the second wherever its probability is at least ``threshold``.
        """
        check_scalar(threshold, "threshold", low=0)
        if threshold > 1:
            raise ValueError(f"threshold must be in [0, 1]; got {threshold!r}.")
        z = self.decision_function(X)
        if z.ndim == 1:
            return self.classes_[(_sigmoid(z) >= threshold).astype(int)]
        if threshold != 0.5:
            raise ValueError("threshold applies to two classes only; with more, predict picks the most probable class.")
        return self.classes_[np.argmax(z, axis=1)]
