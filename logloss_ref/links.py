"""Numerical primitives: softplus, sigmoid, log-sigmoid, logit, softmax and log-softmax.

Every function here is built on ``exp(-|x|)`` or, for K classes, on ``exp(z - max(z))``:
both lie in [0, 1] and so can neither overflow nor lose the digits that matter.
"""

from __future__ import annotations

import numpy as np

from . import _kernels as K
from ._validation import as_float_array, check_no_nan, check_probabilities, check_scores

__all__ = ["log_sigmoid", "log_softmax", "logit", "sigmoid", "softmax", "softplus"]


def _like_ufunc(kernel, arr: np.ndarray):
    """Apply a kernel written for 1-D arrays to any shape; a NumPy scalar for 0-d, like a ufunc."""
    out = kernel(arr.reshape(-1)).reshape(arr.shape)
    return out[()] if out.ndim == 0 else out


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
    return _like_ufunc(K.softplus, _checked_real(x, "x"))


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
    return _like_ufunc(K.sigmoid, _checked_real(z, "z"))


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
    return _like_ufunc(lambda t: 0.0 - K.softplus(-t), _checked_real(z, "z"))


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


def _over_last_axis(kernel, z: np.ndarray) -> np.ndarray:
    """Apply a row kernel of (n, K) scores along the last axis of any shape."""
    return kernel(z.reshape(-1, z.shape[-1])).reshape(z.shape)


def softmax(z):
    r"""Softmax over the last axis: K scores to K probabilities that sum to 1.

    $$
    \operatorname{softmax}(z)_k = \frac{e^{z_k}}{\sum_{j=1}^{K} e^{z_j}}
    = \frac{e^{z_k - m}}{1 + \sum_{j \ne \hat k} e^{z_j - m}},
    \qquad m = z_{\hat k} = \max_j z_j
    $$

    Every exponent is at most 0, so nothing overflows, and the sum has the maximum's own
    term 1 taken out so that tiny shares keep their digits.

    Parameters
    ----------
    z : array-like of float, shape (K,) or (..., K)
        Scores (logits) of K classes; each row along the last axis is one sample.
        Infinities are allowed where the result is defined (see Notes); NaN is not.

    Returns
    -------
    ndarray
        Same shape as ``z``; each row is non-negative and sums to 1 (within rounding).

    Raises
    ------
    TypeError
        If ``z`` is not real numbers.
    ValueError
        If ``z`` is a scalar or has no classes, contains NaN, or has a row whose softmax is
        undefined: every score ``-inf``, or more than one ``+inf``.

    Notes
    -----
    Adding the same constant to every score of a row changes nothing. With K = 2,
    ``softmax([0, z])[1]`` is ``sigmoid(z)``: the same formula, to the last bit. A row with
    one ``+inf`` gives probability 1 to that class and 0 to the others; a ``-inf`` score
    gives exactly 0. A share below the smallest subnormal (about ``exp(-745)``) is 0.

    Examples
    --------
    The textbook formula overflows for scores of 1000 and underflows to 0/0 for -1000:

    >>> import numpy as np
    >>> from logloss_ref import softmax
    >>> z = np.array([[1000.0, 0.0], [-1000.0, -1000.0], [2.0, 1.0]])
    >>> with np.errstate(over="ignore", invalid="ignore"):
    ...     naive = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    >>> naive
    array([[       nan, 0.        ],
           [       nan,        nan],
           [0.73105858, 0.26894142]])
    >>> softmax(z)
    array([[1.        , 0.        ],
           [0.5       , 0.5       ],
           [0.73105858, 0.26894142]])
    >>> softmax([1000.0, 0.0])[1]  # exp(-1000), a subnormal's underflow: exactly 0
    np.float64(0.0)
    >>> softmax([0.0, -40.0])[1]  # not 0: the share keeps its digits
    np.float64(4.248354255291589e-18)
    """
    return _over_last_axis(K.softmax, check_scores(z, "z"))


def log_softmax(z):
    r"""The log of `softmax` over the last axis, exact where ``log(softmax(z))`` is not.

    $$
    \log \operatorname{softmax}(z)_k = (z_k - m) - \operatorname{log1p}\Bigl(\sum_{j \ne \hat k}
    e^{z_j - m}\Bigr), \qquad m = \max_j z_j
    $$

    Parameters
    ----------
    z : array-like of float, shape (K,) or (..., K)
        Scores (logits) of K classes along the last axis. Infinities are allowed where the
        result is defined; NaN is not.

    Returns
    -------
    ndarray
        Same shape as ``z``; values in [-inf, 0].

    Raises
    ------
    TypeError
        If ``z`` is not real numbers.
    ValueError
        If ``z`` is a scalar or has no classes, contains NaN, or has a row with every score
        ``-inf`` or more than one ``+inf``.

    Notes
    -----
    Natural logarithm. Each value is within a few ulps of the exact one for every finite row:
    a class far below the maximum gets ``z_k - m`` itself where ``log(softmax)`` would give
    ``log(0) = -inf``, and the leading class gets ``-log1p(rest)``, not ``log(1 - rest)``
    rounded to 0. A difference ``z_k - m`` beyond the float64 range is ``-inf``, as is a
    ``-inf`` score. The negative of the entry of the true class is the sample's categorical
    cross-entropy (`log_loss_from_logits`).

    Examples
    --------
    >>> import numpy as np
    >>> from logloss_ref import log_softmax, softmax
    >>> with np.errstate(divide="ignore"):
    ...     naive = np.log(softmax([0.0, 800.0]))
    >>> naive
    array([-inf,   0.])
    >>> log_softmax([0.0, 800.0])
    array([-800.,   -0.])
    >>> log_softmax([0.0, 40.0])[1]  # -exp(-40), not 0
    np.float64(-4.248354255291589e-18)
    """
    return _over_last_axis(K.log_softmax, check_scores(z, "z"))
