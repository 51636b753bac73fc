"""Numerical primitives: softplus, sigmoid, log-sigmoid and logit, stable for every float64.

Every function here is built on ``exp(-|x|)``, which lies in (0, 1] and so can neither
overflow nor lose the digits that matter; the formulas pick the branch per element.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_no_nan, check_probabilities

__all__ = ["softplus", "sigmoid", "log_sigmoid", "logit"]


def _like_ufunc(kernel, arr: np.ndarray):
    """Apply a kernel written for 1-D arrays to any shape; a NumPy scalar for 0-d, like a ufunc."""
    out = kernel(arr.reshape(-1)).reshape(arr.shape)
    return out[()] if out.ndim == 0 else out


def _softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))`` for a float64 array, trusting its input (NaN-free)."""
    t = np.abs(x)
    np.negative(t, out=t)
    np.exp(t, out=t)
    np.log1p(t, out=t)
    t += np.maximum(x, 0.0)
    return t


def _sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` for a float64 array, trusting its input (NaN-free)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def _checked_real(x, name: str) -> np.ndarray:
    arr = as_float_array(x, name)
    check_no_nan(arr, name)
    return arr


def softplus(x):
    r"""Softplus, \(\log(1 + e^{x})\), computed without overflow.

    $$
    \operatorname{softplus}(x) = \max(x, 0) + \log\bigl(1 + e^{-|x|}\bigr)
    $$

    It is the log loss of a sample as a function of its signed logit: a sample of class 1
    with logit \(z\) costs \(\operatorname{softplus}(-z)\), one of class 0 costs
    \(\operatorname{softplus}(z)\).

    Parameters
    ----------
    x : float or array-like of float
        Any shape. Infinities are allowed; NaN is not.

    Returns
    -------
    float or ndarray
        Same shape as ``x``; a NumPy scalar for a scalar input.

    Raises
    ------
    TypeError
        If ``x`` is not real numbers (strings, None, complex).
    ValueError
        If ``x`` contains NaN.

    Notes
    -----
    Natural logarithm. ``softplus(inf) == inf`` and ``softplus(-inf) == 0``. For large
    positive ``x`` the result is ``x`` (the correction is below half an ulp); for very
    negative ``x`` it is ``exp(x)``, down to the smallest subnormal, then 0.

    Examples
    --------
    The naive formula overflows; the stable one does not:

    >>> import numpy as np
    >>> from logloss_ref import softplus
    >>> with np.errstate(over="ignore"):
    ...     naive = np.log(1 + np.exp(np.array([-800.0, 0.0, 800.0])))
    >>> naive
    array([0.        , 0.69314718,        inf])
    >>> softplus([-800.0, 0.0, 800.0])
    array([0.00000000e+00, 6.93147181e-01, 8.00000000e+02])
    >>> float(softplus(-40.0))  # exp(-40), not 0
    4.248354255291589e-18
    """
    return _like_ufunc(_softplus, _checked_real(x, "x"))


def sigmoid(z):
    r"""The logistic sigmoid \(\sigma(z) = 1 / (1 + e^{-z})\), exact for every float64.

    $$
    \sigma(z) = \begin{cases} \dfrac{1}{1 + e^{-z}} & z \ge 0 \\[4pt]
    \dfrac{e^{z}}{1 + e^{z}} & z < 0 \end{cases}
    $$

    Both branches evaluate \(e^{-|z|} \le 1\), so nothing overflows.

    Parameters
    ----------
    z : float or array-like of float
        Logits, any shape. Infinities are allowed; NaN is not.

    Returns
    -------
    float or ndarray
        Probabilities in [0, 1], same shape as ``z``; a NumPy scalar for a scalar input.

    Raises
    ------
    TypeError
        If ``z`` is not real numbers (strings, None, complex).
    ValueError
        If ``z`` contains NaN.

    Notes
    -----
    ``sigmoid(inf) == 1`` and ``sigmoid(-inf) == 0``. In float64 the result rounds to
    exactly 1 from about ``z = 36.7`` on, while for negative ``z`` it keeps its relative
    precision down to the smallest subnormal (about ``z = -745``) before becoming 0. That
    asymmetry is why losses are best computed from logits (``log_loss_from_logits``).

    Examples
    --------
    >>> import numpy as np
    >>> from logloss_ref import sigmoid
    >>> z = np.array([-1000.0, 0.0, 1000.0])
    >>> with np.errstate(over="ignore", invalid="ignore"):
    ...     naive = np.exp(z) / (1 + np.exp(z))  # inf / inf at z = 1000
    >>> naive
    array([0. , 0.5, nan])
    >>> sigmoid(z)
    array([0. , 0.5, 1. ])
    >>> float(sigmoid(-30.0))
    9.3576229688393e-14
    >>> float(sigmoid(2.0))
    0.8807970779778823
    """
    return _like_ufunc(_sigmoid, _checked_real(z, "z"))


def log_sigmoid(z):
    r"""The log of the sigmoid, \(\log \sigma(z) = -\operatorname{softplus}(-z)\).

    Parameters
    ----------
    z : float or array-like of float
        Logits, any shape. Infinities are allowed; NaN is not.

    Returns
    -------
    float or ndarray
        Values in (-inf, 0], same shape as ``z``; a NumPy scalar for a scalar input.

    Raises
    ------
    TypeError
        If ``z`` is not real numbers (strings, None, complex).
    ValueError
        If ``z`` contains NaN.

    Notes
    -----
    ``log_sigmoid(-inf) == -inf`` and ``log_sigmoid(inf) == 0``. For very negative ``z``
    the result is ``z`` itself, where ``log(sigmoid(z))`` would be ``log(0) = -inf``.

    Examples
    --------
    Taking the log after the sigmoid loses everything once the sigmoid underflows:

    >>> import numpy as np
    >>> from logloss_ref import log_sigmoid, sigmoid
    >>> with np.errstate(divide="ignore"):
    ...     naive = np.log(sigmoid(-800.0))
    >>> float(naive)
    -inf
    >>> float(log_sigmoid(-800.0))
    -800.0
    >>> float(log_sigmoid(40.0))  # -exp(-40)
    -4.248354255291589e-18
    """
    # softplus(-z) is never negative; 0.0 - t gives +0.0, not -0.0, where t is 0.
    return _like_ufunc(lambda t: 0.0 - _softplus(-t), _checked_real(z, "z"))


def logit(p):
    r"""The log-odds \(\log\bigl(p / (1 - p)\bigr)\), inverse of `sigmoid`.

    Computed as \(\log p - \operatorname{log1p}(-p)\), which keeps full precision for
    ``p`` near 0 and near 1.

    Parameters
    ----------
    p : float or array-like of float
        Probabilities in [0, 1], any shape.

    Returns
    -------
    float or ndarray
        Same shape as ``p``; a NumPy scalar for a scalar input.

    Raises
    ------
    TypeError
        If ``p`` is not real numbers.
    ValueError
        If ``p`` contains NaN or a value outside [0, 1].

    Notes
    -----
    ``logit(0) == -inf`` and ``logit(1) == inf``, without a warning.

    Examples
    --------
    >>> from logloss_ref import logit, sigmoid
    >>> float(logit(0.5))
    0.0
    >>> float(logit(0.94))
    2.751535313041949
    >>> float(sigmoid(logit(0.25)))
    0.25
    """
    with np.errstate(divide="ignore"):  # log(0) and log1p(-1) are the documented +-inf
        return _like_ufunc(lambda q: np.log(q) - np.log1p(-q), check_probabilities(p, "p", ndim=None))
