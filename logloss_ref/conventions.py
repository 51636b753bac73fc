"""How other libraries define binary and categorical cross-entropy, re-implemented from their documentation.

These functions are *not* PyTorch or Keras: they are NumPy implementations of the conventions
those libraries document, so that the site can compare them with the exact value without
installing either library. Each docstring cites the documentation it follows. Each computes, in
the precision its ``dtype`` names, the same intermediates in the same order as the library does
on a CPU: float64 by default, and ``dtype=np.float32``, those libraries' own default, gives the
numbers a reader of their documentation sees. ``make test-peers`` checks every function against
the real libraries in both precisions.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import (
    _first_bad,
    check_classes,
    check_predictions,
    check_probabilities,
    check_same_length,
    check_scalar,
    check_scores,
)

__all__ = [
    "KERAS_EPSILON",
    "TORCH_LOG_FLOOR",
    "keras_binary_crossentropy",
    "keras_categorical_crossentropy",
    "keras_sparse_categorical_crossentropy",
    "torch_bce_loss",
    "torch_bce_with_logits_loss",
    "torch_cross_entropy_loss",
]

#: PyTorch's BCELoss clamps each log to be at least this.
TORCH_LOG_FLOOR = -100.0
#: Keras's default fuzz factor, ``keras.backend.epsilon()``.
KERAS_EPSILON = 1e-7

TORCH_BCE_URL = "https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html"
TORCH_BCE_LOGITS_URL = "https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html"
KERAS_BCE_URL = "https://keras.io/api/losses/probabilistic_losses/#binarycrossentropy-class"
TORCH_CE_URL = "https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html"
KERAS_CCE_URL = "https://keras.io/api/losses/probabilistic_losses/#categoricalcrossentropy-class"
KERAS_SCCE_URL = "https://keras.io/api/losses/probabilistic_losses/#sparsecategoricalcrossentropy-class"

_PRECISIONS = {np.dtype(np.float32): np.float32, np.dtype(np.float64): np.float64}


def _check_dtype(dtype) -> type:
    """``np.float32`` or ``np.float64`` (or their names); anything else is refused, naming ``dtype``."""
    try:
        resolved = None if dtype is None else np.dtype(dtype)
    except TypeError:
        resolved = None
    if resolved is None:
        raise TypeError(f"dtype must be numpy.float32 or numpy.float64 (or 'float32', 'float64'); got {dtype!r}.")
    if resolved not in _PRECISIONS:
        raise ValueError(f"dtype must be float32 or float64, the precisions PyTorch and Keras compute in; got {resolved}.")
    return _PRECISIONS[resolved]


def _in_precision(values: np.ndarray, dt: type, name: str) -> np.ndarray:
    """``values`` rounded to ``dt`` as the library stores them; a finite value that would overflow is refused."""
    largest = np.finfo(dt).max
    overflow = np.isfinite(values) & (np.abs(values) > largest)
    if overflow.any():
        raise ValueError(f"{name} holds {_first_bad(values, overflow)}, beyond the largest {np.dtype(dt).name} "
                         f"({float(largest):.6g}): the library would store it as inf.")
    return values.astype(dt)


def _checked_result(value, why_nan: str) -> float:
    """The loss as a Python float; where the library's arithmetic gives NaN, a ValueError saying why."""
    if math.isnan(value):
        raise ValueError(f"the library returns nan here: {why_nan}")
    return float(value)


def _torch_log_sigmoid(z: np.ndarray) -> np.ndarray:
    """PyTorch's CPU ``log_sigmoid``: min(z, 0) − log1p(exp(−|z|)), in the dtype of ``z``."""
    return np.minimum(z, z.dtype.type(0)) - np.log1p(np.exp(-np.abs(z)))


def _jax_softplus(x: np.ndarray) -> np.ndarray:
    """JAX's ``softplus`` (``logaddexp(x, 0)``): max(x, 0) + log1p(exp(−|x|)), in the dtype of ``x``."""
    return np.maximum(x, x.dtype.type(0)) + np.log1p(np.exp(-np.abs(x)))


def _shifted_log_softmax(z: np.ndarray) -> np.ndarray:
    """The log-softmax of PyTorch and JAX, row by row: (z − max) − log Σ exp(z − max), in the dtype of ``z``.

    Not log1p: a row whose largest score dominates loses the tiny loss of its top class to the
    rounding of the sum (``log(1 + 2e-13)``), unlike this package's exact `log_softmax`.
    """
    shifted = z - z.max(axis=1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))


def torch_bce_loss(y_true, y_prob, *, dtype=np.float64) -> float:
    r"""PyTorch ``BCELoss`` (mean reduction) as documented: each log is clamped at −100.

    $$
    \ell_i = -\bigl[y_i \max(\log p_i, -100) + (1 - y_i) \max(\log(1 - p_i), -100)\bigr]
    $$

    Documentation: https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html
    ("BCELoss clamps its log function outputs to be greater than or equal to -100").
    PyTorch computes ``log(1 - p)`` as ``log1p(-p)``. Its default precision is float32, in
    which a probability within 3e-8 of 1 is stored as 1 itself: then ``1 - p`` is 0, the
    log is clamped, and a wrong prediction costs exactly 100.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels 0 and 1.
    y_prob : array-like of shape (n_samples,)
        Probabilities of class 1, in [0, 1].
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The precision of the tensors: the probabilities are rounded to it, and every
        intermediate and the mean are computed in it, as PyTorch does.

    Returns
    -------
    float
        The mean loss.

    Examples
    --------
    >>> import numpy as np
    >>> from logloss_ref.conventions import torch_bce_loss
    >>> torch_bce_loss([1], [0.0])
    100.0
    >>> torch_bce_loss([0], [0.999999999]), torch_bce_loss([0], [0.999999999], dtype=np.float32)
    (20.723265865228342, 100.0)
    """
    is_one, p, _ = check_predictions(y_true, y_prob)
    dt = _check_dtype(dtype)
    y, p = is_one.astype(dt), p.astype(dt)
    floor = dt(TORCH_LOG_FLOOR)
    with np.errstate(divide="ignore"):  # log(0) = -inf is exactly what the clamp is for
        log_p = np.maximum(np.log(p), floor)
        log_q = np.maximum(np.log1p(-p), floor)
    return float(np.mean((y - dt(1)) * log_q - y * log_p))


def torch_bce_with_logits_loss(y_true, logits, *, dtype=np.float64) -> float:
    r"""PyTorch ``BCEWithLogitsLoss`` (mean reduction), on logits, as PyTorch computes it.

    $$
    \ell_i = (1 - y_i)\, z_i - \log \sigma(z_i), \qquad
    \log \sigma(z) = \min(z, 0) - \log\bigl(1 + e^{-|z|}\bigr)
    $$

    Documentation: https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html
    ("takes advantage of the log-sum-exp trick for numerical stability"). The documented
    \(-[y \log \sigma(z) + (1 - y) \log(1 - \sigma(z))]\) is rearranged with
    \(\log(1 - \sigma(z)) = \log \sigma(z) - z\): no overflow, and exact when \(y = 1\). When
    \(y = 0\) and \(z \ll 0\) (a confident, correct "no") the loss, about \(e^{z}\), is the
    difference of two numbers near \(z\) and loses its digits: in float64 it is 0 from
    \(z \approx -37\) on, in float32 (PyTorch's default) from \(z \approx -17\) on.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels 0 and 1.
    logits : array-like of shape (n_samples,)
        Scores \(z\). An infinite one is accepted where PyTorch gives a value: \(+\infty\)
        with \(y = 0\) costs \(\infty\); elsewhere PyTorch gives nan, and this raises.
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The precision PyTorch computes in.

    Returns
    -------
    float
        The mean loss.

    Examples
    --------
    >>> import numpy as np
    >>> from logloss_ref.conventions import torch_bce_with_logits_loss
    >>> torch_bce_with_logits_loss([1], [-1e4])
    10000.0
    >>> torch_bce_with_logits_loss([0], [-20.0]), torch_bce_with_logits_loss([0], [-20.0], dtype=np.float32)
    (2.061153026033935e-09, 0.0)
    """
    is_one, z, _ = check_predictions(y_true, logits=logits)
    dt = _check_dtype(dtype)
    y, z = is_one.astype(dt), _in_precision(z, dt, "logits")
    with np.errstate(invalid="ignore"):  # 0 × inf and inf - inf are nan in PyTorch too; reported below
        loss = np.mean((dt(1) - y) * z - _torch_log_sigmoid(z))
    return _checked_result(loss, "an infinite logit on the side of its label (0 × inf, or inf - inf); "
                                 "only a certainly wrong one, z = +inf with y = 0, has a value (inf).")


def _check_smoothing(label_smoothing) -> float:
    value = float(check_scalar(label_smoothing, "label_smoothing", low=0))
    if value > 1:
        raise ValueError(f"label_smoothing must be in [0, 1]; got {label_smoothing!r}.")
    return value


def keras_binary_crossentropy(y_true, y_prob, *, from_logits=False, label_smoothing=0.0, dtype=np.float64) -> float:
    r"""Keras ``BinaryCrossentropy`` (JAX backend), as documented: probabilities clipped to [1e-7, 1 − 1e-7].

    $$
    \ell_i = -\bigl[t_i \log \tilde p_i + (1 - t_i) \log (1 - \tilde p_i)\bigr], \qquad
    \tilde p_i = \min(\max(p_i, 10^{-7}), 1 - 10^{-7}), \qquad
    t_i = (1 - \alpha)\, y_i + \alpha / 2
    $$

    Documentation: https://keras.io/api/losses/probabilistic_losses/#binarycrossentropy-class
    (probabilities are clipped by the backend's ``epsilon()``, 1e-7 by default; label smoothing
    pulls the targets towards 1/2). With ``from_logits=True`` the JAX backend computes
    \(-[t \log \sigma(z) + (1 - t) \log \sigma(-z)]\) with ``log_sigmoid(z) = -softplus(-z)``,
    which keeps the digits of a small loss, unlike `torch_bce_with_logits_loss`. Keras's
    default precision is float32, in which the upper clip \(1 - 10^{-7}\) is stored as
    0.99999988: a certain wrong prediction then costs \(-\log(1.19 \times 10^{-7})\) ≈ 15.94,
    not the 16.12 that \(p = 0\) costs for \(y = 1\).

    Two behaviours of Keras on JAX (CPU) are not reproduced: XLA flushes subnormal numbers to
    zero, so a loss below 1.2e-38 in float32 is 0 there; and asked for float64 (JAX's x64 mode
    and a float64 loss), Keras rounds this loss's mean to float32, while this stays in float64.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Labels 0 and 1.
    y_prob : array-like of shape (n_samples,)
        Probabilities of class 1 in [0, 1], or scores when ``from_logits`` is true. An
        infinite score costs \(\infty\), except where a target of exactly 0 multiplies it (a
        certain, correct prediction without smoothing): Keras gives nan there, and this raises.
    from_logits : bool, default=False
        Whether ``y_prob`` holds scores.
    label_smoothing : float, default=0.0
        \(\alpha\) in [0, 1].
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The precision Keras computes in (its ``floatx()``, float32 by default).

    Returns
    -------
    float
        The mean loss.

    Examples
    --------
    >>> import numpy as np
    >>> from logloss_ref.conventions import keras_binary_crossentropy
    >>> keras_binary_crossentropy([1], [0.0])
    16.11809565095832
    >>> keras_binary_crossentropy([0], [1.0]), keras_binary_crossentropy([0], [1.0], dtype=np.float32)
    (16.118095651484676, 15.942384719848633)
    """
    smoothing = _check_smoothing(label_smoothing)
    dt = _check_dtype(dtype)
    if from_logits:
        is_one, z, _ = check_predictions(y_true, logits=y_prob)
        z = _in_precision(z, dt, "y_prob")
    else:
        is_one, p, _ = check_predictions(y_true, y_prob)
        p = p.astype(dt)
    t = is_one.astype(dt)
    if smoothing:
        t = t * dt(1.0 - smoothing) + dt(0.5 * smoothing)
    if from_logits:  # -1 * t * log_sigmoid(z) - (1 - t) * log_sigmoid(-z), log_sigmoid(x) = -softplus(-x)
        with np.errstate(invalid="ignore"):  # 0 × inf is nan in Keras too; reported below
            loss = np.mean(dt(-1) * t * -_jax_softplus(-z) - (dt(1) - t) * -_jax_softplus(z))
        return _checked_result(loss, "an infinite logit on the side of its label (0 × inf); only a certainly "
                                     "wrong one has a value (inf).")
    clipped = np.clip(p, dt(KERAS_EPSILON), dt(1 - KERAS_EPSILON))
    return float(np.mean(-(t * np.log(clipped) + (dt(1) - t) * np.log(dt(1) - clipped))))


def torch_cross_entropy_loss(target, logits, *, weight=None, ignore_index=-100, label_smoothing=0.0,
                             dtype=np.float64) -> float:
    r"""PyTorch ``CrossEntropyLoss`` (mean reduction, class-index targets) as documented.

    $$
    \ell_i = -\sum_{k=1}^{K} w_k\, q_{ik} \log \operatorname{softmax}(z_i)_k, \qquad
    q_{ik} = (1 - \alpha)[k = y_i] + \frac{\alpha}{K}, \qquad
    L = \frac{\sum_{i: y_i \ne \text{ignore}} \ell_i}{\sum_{i: y_i \ne \text{ignore}} w_{y_i}}
    $$

    Documentation: https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html.
    The weighted mean divides by the summed weight of each sample's *true* class, also when
    label smoothing spreads the target over every class; samples whose target is
    ``ignore_index`` count neither in the sum nor in the divisor. PyTorch computes the
    log-softmax as \((z - \max z) - \log \sum_k e^{z_k - \max z}\) and the smoothed loss as
    \((1 - \alpha)\,\text{NLL} + \frac{\alpha}{K}\,\text{spread}\); its default
    precision is float32, in which a well-separated correct row costs exactly 0.

    Parameters
    ----------
    target : array-like of int, shape (n_samples,)
        Class indices in [0, C), or ``ignore_index``.
    logits : array-like of shape (n_samples, C)
        Unnormalised scores; −inf is accepted (that class has probability 0), +inf is not
        (PyTorch returns nan).
    weight : array-like of shape (C,), default=None
        A rescaling weight per class (all 1 by default).
    ignore_index : int, default=-100
        A target value whose samples are left out.
    label_smoothing : float, default=0.0
        \(\alpha\) in [0, 1].
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The precision PyTorch computes in.

    Returns
    -------
    float
        NaN-free: where PyTorch returns NaN (every sample ignored, or 0 × inf) a
        ``ValueError`` is raised instead.

    Examples
    --------
    >>> import numpy as np
    >>> from logloss_ref.conventions import torch_cross_entropy_loss
    >>> torch_cross_entropy_loss([0, 2], [[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    0.1672...
    >>> torch_cross_entropy_loss([0, 2], [[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]], weight=[1.0, 1.0, 3.0])
    0.1310...
    >>> torch_cross_entropy_loss([0, -100], [[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])  # the second is ignored
    0.2395...
    >>> torch_cross_entropy_loss([1], [[0.0, 20.0, 0.0]]), torch_cross_entropy_loss([1], [[0.0, 20.0, 0.0]], dtype=np.float32)
    (4.1223...e-09, 0.0)
    """
    z = check_scores(logits, "logits", ndim=2)
    y = np.asarray(target)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise TypeError(f"target must be a 1-D array of class indices (integers), got {y.dtype} of shape {y.shape}.")
    check_same_length(target=y, logits=z)
    n_classes = z.shape[1]
    smoothing = _check_smoothing(label_smoothing)
    dt = _check_dtype(dtype)
    w = np.ones(n_classes) if weight is None else _check_class_weight(weight, n_classes)
    kept = y != ignore_index
    if not kept.any():
        raise ValueError("every target equals ignore_index, so the mean has nothing to average (PyTorch returns nan).")
    bad = kept & ((y < 0) | (y >= n_classes))
    if bad.any():
        first = int(np.argmax(bad))
        raise ValueError(f"target[{first}] is {int(y[first])}, not a class index in [0, {n_classes}) nor ignore_index.")
    if np.isposinf(z).any():
        raise ValueError(f"logits holds {_first_bad(z, np.isposinf(z))}: PyTorch's log-softmax returns nan "
                         "for a row with a +inf score (inf - inf).")
    z, w = _in_precision(z, dt, "logits"), _in_precision(w, dt, "weight")
    y = y[kept]
    log_p = _shifted_log_softmax(z[kept])
    w_true = w[y]
    with np.errstate(invalid="ignore"):  # 0 × -inf is nan in PyTorch too; reported below
        loss = np.sum(-w_true * log_p[np.arange(len(y)), y]) / np.sum(w_true)
        if smoothing > 0:
            spread = np.sum(-(log_p * w).sum(axis=1)) / np.sum(w_true)
            loss = dt(1.0 - smoothing) * loss + spread * dt(smoothing / n_classes)
    return _checked_result(loss, "a weight of 0 meets a score of -inf (0 × inf), or every kept weight is 0.")


def _check_class_weight(weight, n_classes: int) -> np.ndarray:
    """Per-class weights: finite, non-negative, one per class."""
    w = np.asarray(weight, dtype=np.float64)
    if w.shape != (n_classes,):
        raise ValueError(f"weight must have one entry per class ({n_classes}), got shape {w.shape}.")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"weight must be finite and non-negative; got {w.tolist()}.")
    return w


def keras_categorical_crossentropy(y_true, y_prob, *, label_smoothing=0.0, from_logits=False, dtype=np.float64) -> float:
    r"""Keras ``CategoricalCrossentropy`` (JAX backend, mean over samples) as documented.

    $$
    \ell_i = -\sum_k q_{ik} \log \tilde P_{ik}, \qquad
    q_{ik} = (1 - \alpha)\, y_{ik} + \frac{\alpha}{K}, \qquad
    \tilde P_{ic} = \operatorname{clip}\Bigl(\frac{P_{ic}}{\sum_j P_{ij}}, 10^{-7}, 1 - 10^{-7}\Bigr)
    $$

    Documentation: https://keras.io/api/losses/probabilistic_losses/#categoricalcrossentropy-class.
    ``y_true`` is one-hot (or any target distribution); probabilities are rescaled to sum to 1
    and clipped by the backend's ``epsilon()`` (1e-7), far more coarsely than scikit-learn.
    With ``from_logits=True`` the scores go through JAX's log-softmax,
    \((z - \max z) - \log \sum_k e^{z_k - \max z}\), instead (no clip). Keras's default
    precision is float32, in which the upper clip is 0.99999988: a perfect prediction then
    costs \(1.19 \times 10^{-7}\) instead of \(10^{-7}\). XLA on the CPU flushes subnormal
    numbers to zero, so where this gives a loss below 1.2e-38 in float32, Keras gives 0.

    Parameters
    ----------
    y_true : array-like of shape (n_samples, C)
        One-hot rows (or target distributions).
    y_prob : array-like of shape (n_samples, C)
        Probabilities (each row is rescaled to sum to 1), or scores when ``from_logits`` is
        true (−inf is accepted where the target is positive; Keras returns nan where it is 0).
    label_smoothing : float, default=0.0
        \(\alpha\) in [0, 1].
    from_logits : bool, default=False
        Whether ``y_prob`` holds scores.
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The precision Keras computes in (its ``floatx()``, float32 by default).

    Returns
    -------
    float
        The mean loss.

    Examples
    --------
    >>> import numpy as np
    >>> from logloss_ref.conventions import keras_categorical_crossentropy
    >>> keras_categorical_crossentropy([[0, 1, 0]], [[0.0, 1.0, 0.0]])  # perfect: only the clip's cost
    1.0000000494736474e-07
    >>> keras_categorical_crossentropy([[0, 1, 0]], [[0.0, 1.0, 0.0]], dtype=np.float32)
    1.1920930376163597e-07
    >>> keras_categorical_crossentropy([[0, 1, 0]], [[0.0, 1.0, 0.0]], label_smoothing=0.1)  # no longer ~0
    1.0745...
    """
    smoothing = _check_smoothing(label_smoothing)
    dt = _check_dtype(dtype)
    targets = check_probabilities(y_true, "y_true", ndim=2)
    if from_logits:
        z = check_scores(y_prob, "y_prob", ndim=2)
        if np.isposinf(z).any():
            raise ValueError(f"y_prob holds {_first_bad(z, np.isposinf(z))}: JAX's log-softmax returns nan for a "
                             "row with a +inf score (inf - inf).")
        log_p = _shifted_log_softmax(_in_precision(z, dt, "y_prob"))
    else:
        P = check_probabilities(y_prob, "y_prob", ndim=2).astype(dt)
        totals = P.sum(axis=1, keepdims=True)
        if (totals == 0).any():
            raise ValueError(f"y_prob row {int(np.argmax(totals[:, 0] == 0))} is all zeros; it has no probabilities to rescale.")
        log_p = np.log(np.clip(P / totals, dt(KERAS_EPSILON), dt(1 - KERAS_EPSILON)))
    if targets.shape != log_p.shape:
        raise ValueError(f"y_true has shape {targets.shape} but y_prob has {log_p.shape}; give a one-hot row per sample.")
    q = targets.astype(dt)
    if smoothing:
        q = q * dt(1.0 - smoothing) + dt(smoothing) / dt(q.shape[1])
    with np.errstate(invalid="ignore"):  # a target of 0 times a log of -inf: nan in Keras too; reported below
        loss = np.mean(-np.sum(q * log_p, axis=1))
    return _checked_result(loss, "a score of -inf meets a target of 0 (0 × -inf).")


def keras_sparse_categorical_crossentropy(y_true, y_prob, *, from_logits=False, dtype=np.float64) -> float:
    r"""Keras ``SparseCategoricalCrossentropy``: `keras_categorical_crossentropy` with integer labels.

    Documentation: https://keras.io/api/losses/probabilistic_losses/#sparsecategoricalcrossentropy-class.
    Each label is the column of its class; the result equals the one-hot version (this
    Keras loss has no ``label_smoothing``), in either precision.

    Parameters
    ----------
    y_true : array-like of int, shape (n_samples,)
        Class indices in [0, C).
    y_prob : array-like of shape (n_samples, C)
        Probabilities, or scores when ``from_logits`` is true.
    from_logits : bool, default=False
        Whether ``y_prob`` holds scores.
    dtype : {numpy.float64, numpy.float32}, default=numpy.float64
        The precision Keras computes in.

    Returns
    -------
    float
        The mean loss.

    Examples
    --------
    >>> import numpy as np
    >>> from logloss_ref.conventions import keras_sparse_categorical_crossentropy
    >>> keras_sparse_categorical_crossentropy([1, 2], [[0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    0.3669...
    >>> keras_sparse_categorical_crossentropy([0], [[0.0, 1.0]]), keras_sparse_categorical_crossentropy([0], [[0.0, 1.0]], dtype=np.float32)
    (16.11809565095832, 16.11809539794922)
    """
    n_columns = np.shape(y_prob)[-1] if np.ndim(y_prob) == 2 else 0
    index, _ = check_classes(y_true, labels=list(range(n_columns)) if n_columns else None)
    return keras_categorical_crossentropy(np.eye(max(n_columns, 1))[index], y_prob, from_logits=from_logits, dtype=dtype)
