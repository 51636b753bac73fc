"""The two models of the article: least squares and logistic regression (two or K classes).

Both follow scikit-learn's estimator contract (parameters set in ``__init__`` and nothing else,
``get_params``/``set_params``, ``n_features_in_``, ``predict_proba`` of shape (n, K), tags), so
``clone``, ``Pipeline`` and ``GridSearchCV`` accept them, without this module importing
scikit-learn: only ``__sklearn_tags__``, which scikit-learn alone calls, imports it.
"""

from __future__ import annotations

import inspect
import numbers
import warnings

import numpy as np

from . import _kernels as K
from ._validation import (
    check_classes,
    check_finite_vector,
    check_matrix,
    check_same_length,
    check_scalar,
    not_fitted_error,
)

__all__ = ["ConvergenceWarning", "LinearRegression", "LogisticRegression"]


class ConvergenceWarning(UserWarning):
    """The optimiser stopped before the gradient fell below ``tol``, or no finite optimum exists."""


class _Estimator:
    """scikit-learn's parameter protocol, read from the ``__init__`` signature, as ``BaseEstimator`` does."""

    _estimator_type: str

    @classmethod
    def _parameter_names(cls) -> list[str]:
        return sorted(name for name in inspect.signature(cls.__init__).parameters if name != "self")

    def get_params(self, deep=True) -> dict:
        """The parameters given to ``__init__``, by name (``deep`` is accepted for scikit-learn; nothing nests)."""
        return {name: getattr(self, name) for name in self._parameter_names()}

    def set_params(self, **params):
        """Set parameters by name; an unknown name is a ValueError listing the valid ones. Returns ``self``."""
        valid = self._parameter_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for {type(self).__name__}; valid parameters are {valid}.")
            setattr(self, name, value)
        return self

    def __repr__(self) -> str:
        defaults = {name: p.default for name, p in inspect.signature(type(self).__init__).parameters.items()}
        changed = [f"{name}={value!r}" for name, value in self.get_params().items() if value is not defaults[name]
                   and not (isinstance(value, float | int | str) and value == defaults[name])]
        return f"{type(self).__name__}({', '.join(changed)})"

    def __sklearn_tags__(self):
        from sklearn.utils import (  # only scikit-learn calls this
            ClassifierTags,
            InputTags,
            RegressorTags,
            Tags,
            TargetTags,
        )

        classifier = self._estimator_type == "classifier"
        return Tags(
            estimator_type=self._estimator_type,
            target_tags=TargetTags(required=True),
            classifier_tags=ClassifierTags() if classifier else None,
            regressor_tags=None if classifier else RegressorTags(),
            input_tags=InputTags(),
        )

    def _check_y_given(self, y) -> None:
        if y is None:
            raise ValueError(f"{type(self).__name__} requires y to be passed, but the target y is None.")

    def _check_fitted(self, X) -> np.ndarray:
        """``X`` checked for prediction by a fitted model: a matrix with as many features as in ``fit``."""
        if not hasattr(self, "n_features_in_"):
            raise not_fitted_error(f"This {type(self).__name__} is not fitted yet; call fit(X, y) first.")
        X = check_matrix(X)
        if X.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} is expecting {self.n_features_in_} features "
                "as input: give the columns used in fit."
            )
        return X


class LinearRegression(_Estimator):
    r"""Ordinary least squares, \(\min_{\beta, b} \frac{1}{N} \lVert X\beta + b - y \rVert^2\).

    The article's first attempt: a straight line through 0/1 labels.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    n_features_in_ : int
        The number of columns of ``X`` in ``fit``.

    Examples
    --------
    >>> from logloss_ref import LinearRegression
    >>> line = LinearRegression().fit([[0.0], [1.0], [2.0], [3.0]], [0, 0, 1, 1])
    >>> float(line.coef_[0]), float(line.intercept_)
    (0.4, -0.1)
    >>> line.predict([[-1.0], [5.0]])  # a "probability" below 0 and one above 1
    array([-0.5,  1.9])
    """

    _estimator_type = "regressor"

    def __init__(self):
        pass

    def fit(self, X, y):
        """Fit by least squares; ``y`` may be any finite numbers. Returns ``self``."""
        self._check_y_given(y)
        X = check_matrix(X)
        y = check_finite_vector(y, "y")
        check_same_length(X=X, y=y)
        solution, *_ = np.linalg.lstsq(K.with_intercept(X), y, rcond=None)
        self.coef_ = solution[:-1]
        self.intercept_ = float(solution[-1])
        self.n_features_in_ = X.shape[1]
        return self

    def predict(self, X):
        r"""Return \(X\beta + b\), shape (n_samples,)."""
        return K.linear_predictor(self._check_fitted(X), self.coef_, self.intercept_)

    def score(self, X, y):
        r"""The coefficient of determination \(R^2 = 1 - \sum_i (y_i - \hat y_i)^2 / \sum_i (y_i - \bar y)^2\)."""
        y = check_finite_vector(y, "y")
        residual = K.squared_errors(y, self.predict(X))
        check_same_length(X=residual, y=y)
        spread = K.squared_errors(y, np.full_like(y, y.mean()))
        return float(1.0 - residual.sum() / spread.sum()) if spread.any() else float(not residual.any())


class LogisticRegression(_Estimator):
    r"""Logistic regression fitted by minimising the mean log loss, optionally with an L2 penalty; K classes by softmax.

    $$
    p = \sigma(X\beta + b), \qquad
    \min_{\beta, b}\; -\frac{1}{N}\sum_i \bigl[y_i \log p_i + (1 - y_i)\log(1 - p_i)\bigr]
    + \frac{1}{2CN}\lVert\beta\rVert^2
    $$

    With K > 2 classes it is multinomial (softmax) regression: one coefficient vector and
    intercept per class, \(P_i = \operatorname{softmax}(B x_i + b)\), minimising the mean
    categorical cross-entropy \(-\frac{1}{N}\sum_i \log P_{i, y_i}\) plus
    \(\frac{1}{2CN}\lVert B\rVert_F^2\).

    Parameters
    ----------
    C : float, default=inf
        Inverse strength of the L2 penalty on the coefficients (not the intercepts), as in
        scikit-learn: the fit minimises \(C \sum_i \ell_i + \frac12\lVert\beta\rVert^2\).
        ``inf``, the default, is no penalty: the article's model.
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
        The labels seen in ``fit``, sorted; column k of `predict_proba` is class k.
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        One row with two classes (the coefficients of the second class's log-odds), one row
        per class with more; scikit-learn's shapes.
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_features_in_ : int
        The number of columns of ``X`` in ``fit``.
    loss_history_ : ndarray of shape (n_iter_,)
        Mean log loss (plus the penalty) at the parameters each iteration started from.
    n_iter_ : int
        Number of iterations run.
    converged_ : bool
        Whether the gradient fell below ``tol`` within ``max_iter`` iterations.

    Raises
    ------
    ValueError
        From ``fit``: labels of a single class, or continuous values where class labels
        belong (``[0, 0.5, 1]``); non-finite or empty ``X``; mismatched lengths; invalid
        parameters.

    Warns
    -----
    ConvergenceWarning
        When ``max_iter`` is reached first, or when, without a penalty, the fitted model
        puts every training sample strictly on the side of its own class: the classes are
        then perfectly separable, the log loss has no minimum (it falls towards 0 as the
        coefficients grow without bound), and the coefficients are wherever the solver
        stopped. A finite ``C`` gives the fit a minimum.

    Notes
    -----
    At the optimum without a penalty the gradient with respect to the intercepts vanishes,
    so the mean predicted probability of each class equals its share of the training labels.

    With K classes the scores are only defined up to a constant added to every class (the
    softmax ignores it), so the coefficients are not unique. Both solvers start at zero and
    step only across classes (the gradient of each row sums to 0; Newton's step is the
    least-squares one), so the fitted rows of ``coef_`` and ``intercept_`` sum to 0, the
    same convention as scikit-learn's multinomial fit.

    Examples
    --------
    >>> from logloss_ref import LogisticRegression, make_customers
    >>> customers = make_customers(200, seed=0)
    >>> model = LogisticRegression().fit(customers.X, customers.y)
    >>> model.converged_
    True
    >>> model.n_iter_
    745
    >>> float(model.coef_[0, 0]), float(model.intercept_[0])
    (0.98220..., -6.22660...)
    >>> float(model.predict_proba(customers.X)[:, 1].mean()), float(customers.y.mean())
    (0.52499999..., 0.525)

    Three classes, with string labels:

    >>> model = LogisticRegression(solver="newton").fit([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]],
    ...                                                 ["cardigan", "coat", "cardigan", "jacket", "coat", "jacket"])
    >>> model.classes_.tolist(), model.coef_.shape
    (['cardigan', 'coat', 'jacket'], (3, 1))
    >>> model.predict([[0.0], [5.0]]).tolist()
    ['cardigan', 'jacket']
    """

    _estimator_type = "classifier"

    def __init__(self, *, C=np.inf, learning_rate=1.0, max_iter=10_000, tol=1e-8, solver="gradient_descent",
                 standardize=True):
        self.C = C
        self.learning_rate = learning_rate
        self.max_iter = max_iter
        self.tol = tol
        self.solver = solver
        self.standardize = standardize

    def _check_params(self):
        check_scalar(self.C, "C", low=0, low_inclusive=False, allow_inf=True)
        check_scalar(self.learning_rate, "learning_rate", low=0, low_inclusive=False)
        check_scalar(self.max_iter, "max_iter", kind=numbers.Integral, low=1)
        check_scalar(self.tol, "tol", low=0)
        if self.solver not in ("gradient_descent", "newton"):
            raise ValueError(f"solver must be 'gradient_descent' or 'newton'; got {self.solver!r}.")
        if not isinstance(self.standardize, bool):
            raise TypeError(f"standardize must be True or False; got {self.standardize!r}.")

    def fit(self, X, y):
        """Fit the model to features ``X`` (n_samples, n_features) and labels ``y`` (any two or more classes).

        Returns ``self``. Raises ``ValueError`` for a single-class or continuous ``y``,
        non-finite ``X``, mismatched lengths and invalid parameters.
        """
        self._check_params()
        self._check_y_given(y)
        X = check_matrix(X)
        _check_not_continuous(y)
        index, classes = check_classes(y, name="y")
        check_same_length(X=X, y=index)
        if len(classes) < 2:
            raise ValueError(
                f"y contains only one class ({classes[0].item()!r}); logistic regression needs samples of at least "
                "two classes."
            )
        if self.standardize:
            center = X.mean(axis=0)
            scale = X.std(axis=0)
            scale[scale == 0] = 1.0  # a constant column stays as it is
        else:
            center, scale = np.zeros(X.shape[1]), np.ones(X.shape[1])
        X1 = K.with_intercept((X - center) / scale)
        n = len(index)
        binary = len(classes) == 2
        y_fit = index == 1 if binary else index
        losses = K.logit_losses if binary else K.score_losses
        residual = K.logit_residual if binary else K.score_residual
        # The penalty acts on the coefficients in the original units: theta / scale (never the intercept).
        penalty = np.append(1.0 / scale**2, 0.0) / (self.C * n)
        theta = np.zeros(X1.shape[1]) if binary else np.zeros((X1.shape[1], len(classes)))
        if not binary:
            penalty = penalty[:, None]
        history = []
        self.converged_ = False
        for _ in range(self.max_iter):
            z = X1 @ theta
            history.append(float(np.mean(losses(y_fit, z)) + 0.5 * np.sum(penalty * theta**2)))
            gradient = X1.T @ residual(y_fit, z) / n + penalty * theta
            if np.max(np.abs(gradient)) <= self.tol:
                self.converged_ = True
                break
            if self.solver == "newton":
                step = _newton_step(X1, z, penalty, gradient)
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
        elif np.isinf(self.C) and _separates(y_fit, X1 @ theta, binary):
            warnings.warn(
                "The fitted model puts every training sample strictly on its own class's side: the classes are "
                "perfectly separable, so the unpenalised log loss has no minimum and the coefficients grow "
                "without bound (these are where the solver stopped). Pass a finite C (an L2 penalty) for a "
                "finite fit.",
                ConvergenceWarning,
                stacklevel=2,
            )
        self.classes_ = classes
        coef = theta[:-1] / (scale if binary else scale[:, None])
        intercept = theta[-1] - center @ coef
        self.coef_ = coef[None, :] if binary else coef.T
        self.intercept_ = np.atleast_1d(intercept)
        self.n_features_in_ = X.shape[1]
        self.loss_history_ = np.array(history)
        self.n_iter_ = len(history)
        return self

    def decision_function(self, X):
        r"""The logits \(X\beta + b\): shape (n_samples,) with two classes (of the second), (n_samples, n_classes) with more."""
        z = K.linear_predictor(self._check_fitted(X), self.coef_.T, self.intercept_)
        return z[:, 0] if len(self.classes_) == 2 else z

    def predict_proba(self, X):
        """Probability of every class, shape (n_samples, n_classes), columns in the order of ``classes_``.

        With two classes the columns are \\(\\sigma(-z)\\) and \\(\\sigma(z)\\), each exact (no ``1 - p``).
        """
        z = self.decision_function(X)
        if z.ndim == 1:
            return np.column_stack([K.sigmoid(-z), K.sigmoid(z)])
        return K.softmax(z)

    def predict_log_proba(self, X):
        """The natural log of `predict_proba`, computed stably from the scores (log-sigmoid, log-softmax)."""
        z = self.decision_function(X)
        if z.ndim == 1:
            return np.column_stack([0.0 - K.softplus(z), 0.0 - K.softplus(-z)])
        return K.log_softmax(z)

    def predict(self, X, *, threshold=0.5):
        """The most probable class of each sample, as one of ``classes_``.

        With two classes, the second wherever its probability is at least ``threshold``.
        """
        check_scalar(threshold, "threshold", low=0)
        if threshold > 1:
            raise ValueError(f"threshold must be in [0, 1]; got {threshold!r}.")
        P = self.predict_proba(X)
        if P.shape[1] == 2:
            return self.classes_[K.predicted_class(P[:, 1], threshold).astype(np.intp)]
        if threshold != 0.5:
            raise ValueError("threshold applies to two classes only; with more, predict picks the most probable class.")
        return self.classes_[K.predicted_class(P)]

    def score(self, X, y):
        """Mean accuracy of `predict` on ``X`` against ``y`` (scikit-learn's convention for ``score``)."""
        predicted = self.predict(X)
        y = np.asarray(y)
        check_same_length(X=predicted, y=y)
        return float(np.mean(predicted == y))


def _check_not_continuous(y) -> None:
    """Refuse float labels that are not whole numbers, as scikit-learn does: a regression target is no class."""
    arr = np.asarray(y)
    if arr.dtype.kind == "f":
        finite = arr[np.isfinite(arr)]
        fractional = finite != np.round(finite)
        if fractional.any():
            first = finite[np.argmax(fractional)]
            raise ValueError(
                f"Unknown label type: y holds continuous values (for example {first!r}); logistic regression "
                "needs class labels. Round or bin the target first if classes are what you mean."
            )


def _newton_step(X1: np.ndarray, z: np.ndarray, penalty: np.ndarray, gradient: np.ndarray) -> np.ndarray | None:
    """The Newton step ``H⁻¹ g`` of the penalised mean log loss at scores ``z``; None when ``H`` is singular."""
    if gradient.ndim == 1:
        try:
            return np.linalg.solve(K.hessian(X1, K.sigmoid(z)) + np.diag(penalty), gradient)
        except np.linalg.LinAlgError:
            return None
    # K classes: H is singular along the constant-per-class direction, which the gradient
    # never has; the least-squares step is the Newton step within the other directions.
    H = K.multinomial_hessian(X1, K.softmax(z)) + np.diag(np.repeat(penalty[:, 0], gradient.shape[1]))
    step, *_ = np.linalg.lstsq(H, gradient.reshape(-1), rcond=None)
    return step.reshape(gradient.shape)


def _separates(y: np.ndarray, z: np.ndarray, binary: bool) -> bool:
    """Whether scores ``z`` put every sample strictly on its own class's side (then no finite minimum exists)."""
    if binary:
        return bool(np.all(np.where(y, z, -z) > 0))
    own = z[np.arange(len(z)), y]
    others = z.copy()
    others[np.arange(len(z)), y] = -np.inf
    return bool(np.all(own > others.max(axis=1)))
