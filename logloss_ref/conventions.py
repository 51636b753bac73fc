"""How other libraries define binary and categorical cross-entropy, re-implemented from their documentation.

These functions are *not* PyTorch or Keras: they are float64 NumPy implementations of the
conventions those libraries document, so that the site can compare them with the exact value
without installing either library. Each docstring cites the documentation it follows.
"""

from __future__ import annotations

import math

import numpy as np

from . import _kernels as K
from ._validation import (
    check_classes,
    check_predictions,
    check_probabilities,
    check_same_length,
    check_scalar,
    check_scores,
)
from .losses import log_loss, log_loss_from_logits

__all__ = [
    "KERAS_EPSILON",
    "TORCH_LOG_FLOOR",
    "comparison_markdown",
    "comparison_rows",
    "keras_binary_crossentropy",
    "keras_categorical_crossentropy",
    "keras_sparse_categorical_crossentropy",
    "multiclass_comparison_rows",
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


def torch_bce_loss(y_true, y_prob) -> float:
    r"""PyTorch ``BCELoss`` (mean reduction) as documented: each log is clamped at −100.

    $$
    l_i = -\bigl[y_i \max(\log p_i, -100) + (1 - y_i) \max(\log(1 - p_i), -100)\bigr]
    $$

    Documentation: https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html
    ("BCELoss clamps its log function outputs to be greater than or equal to -100").
    PyTorch computes in float32 by default, which rounds ``1 - p`` sooner than float64.

    Examples
    --------
    >>> from logloss_ref.conventions import torch_bce_loss
    >>> torch_bce_loss([1], [0.0])
    100.0
    """
    is_one, p, _ = check_predictions(y_true, y_prob)
    y = is_one.astype(np.float64)
    with np.errstate(divide="ignore"):  # log(0) = -inf is exactly what the clamp is for
        log_p = np.maximum(np.log(p), TORCH_LOG_FLOOR)
        log_q = np.maximum(np.log1p(-p), TORCH_LOG_FLOOR)
    return float(-np.mean(y * log_p + (1 - y) * log_q))


def torch_bce_with_logits_loss(y_true, logits) -> float:
    r"""PyTorch ``BCEWithLogitsLoss`` (mean reduction): the stable form on logits.

    $$
    l_i = \max(z_i, 0) - z_i y_i + \log\bigl(1 + e^{-|z_i|}\bigr)
    $$

    Documentation: https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html
    ("takes advantage of the log-sum-exp trick for numerical stability"); the same form
    as TensorFlow's ``sigmoid_cross_entropy_with_logits``, which Keras uses with
    ``from_logits=True``.

    Examples
    --------
    >>> from logloss_ref.conventions import torch_bce_with_logits_loss
    >>> torch_bce_with_logits_loss([1], [-1e4])
    10000.0
    """
    is_one, z, _ = check_predictions(y_true, logits=logits)
    y = is_one.astype(np.float64)
    finite = np.isfinite(z)
    if not finite.all():
        raise ValueError("logits must be finite for this convention: inf - inf has no value.")
    return float(np.mean(np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))))


def keras_binary_crossentropy(y_true, y_prob) -> float:
    r"""Keras ``BinaryCrossentropy`` on probabilities, as documented: clip to [1e-7, 1 − 1e-7].

    $$
    l_i = -\bigl[y_i \log \tilde p_i + (1 - y_i) \log (1 - \tilde p_i)\bigr], \qquad
    \tilde p_i = \min(\max(p_i, 10^{-7}), 1 - 10^{-7})
    $$

    Documentation: https://keras.io/api/losses/probabilistic_losses/#binarycrossentropy-class
    (probabilities are clipped by the backend's ``epsilon()``, 1e-7 by default). Keras
    computes in float32 by default. With ``from_logits=True`` Keras uses the stable form
    of `torch_bce_with_logits_loss`.

    Examples
    --------
    >>> from logloss_ref.conventions import keras_binary_crossentropy
    >>> keras_binary_crossentropy([1], [0.0])
    16.11809565095832
    """
    is_one, p, _ = check_predictions(y_true, y_prob)
    y = is_one.astype(np.float64)
    clipped = np.clip(p, KERAS_EPSILON, 1 - KERAS_EPSILON)
    return float(-np.mean(y * np.log(clipped) + (1 - y) * np.log(1 - clipped)))


def _check_smoothing(label_smoothing) -> float:
    value = float(check_scalar(label_smoothing, "label_smoothing", low=0))
    if value > 1:
        raise ValueError(f"label_smoothing must be in [0, 1]; got {label_smoothing!r}.")
    return value


def torch_cross_entropy_loss(target, logits, *, weight=None, ignore_index=-100, label_smoothing=0.0) -> float:
    r"""PyTorch ``CrossEntropyLoss`` (mean reduction, class-index targets) as documented.

    $$
    l_i = -\sum_{c=1}^{C} w_c\, q_{ic} \log \operatorname{softmax}(x_i)_c, \qquad
    q_{ic} = (1 - \varepsilon)[c = y_i] + \frac{\varepsilon}{C}, \qquad
    L = \frac{\sum_{i: y_i \ne \text{ignore}} l_i}{\sum_{i: y_i \ne \text{ignore}} w_{y_i}}
    $$

    Documentation: https://pytorch.org/docs/stable/generated/torch.nn.CrossEntropyLoss.html.
    The weighted mean divides by the summed weight of each sample's *true* class, also when
    label smoothing spreads the target over every class; samples whose target is
    ``ignore_index`` count neither in the sum nor in the divisor. PyTorch computes in float32
    by default; this is float64, with the exact log-softmax of this package.

    Parameters
    ----------
    target : array-like of int, shape (n_samples,)
        Class indices in [0, C), or ``ignore_index``.
    logits : array-like of shape (n_samples, C)
        Unnormalised scores.
    weight : array-like of shape (C,), default=None
        A rescaling weight per class (all 1 by default).
    ignore_index : int, default=-100
        A target value whose samples are left out.
    label_smoothing : float, default=0.0
        \(\varepsilon\) in [0, 1].

    Returns
    -------
    float
        NaN-free: if every sample is ignored a ``ValueError`` is raised (PyTorch returns NaN).

    Examples
    --------
    >>> from logloss_ref.conventions import torch_cross_entropy_loss
    >>> torch_cross_entropy_loss([0, 2], [[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])
    0.1672...
    >>> torch_cross_entropy_loss([0, 2], [[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]], weight=[1.0, 1.0, 3.0])
    0.1310...
    >>> torch_cross_entropy_loss([0, -100], [[2.0, 0.0, 0.0], [0.0, 0.0, 3.0]])  # the second is ignored
    0.2395...
    """
    z = check_scores(logits, "logits", ndim=2)
    y = np.asarray(target)
    if y.ndim != 1 or y.dtype.kind not in "iu":
        raise TypeError(f"target must be a 1-D array of class indices (integers), got {y.dtype} of shape {y.shape}.")
    check_same_length(target=y, logits=z)
    n_classes = z.shape[1]
    smoothing = _check_smoothing(label_smoothing)
    w = np.ones(n_classes) if weight is None else _check_class_weight(weight, n_classes)
    kept = y != ignore_index
    if not kept.any():
        raise ValueError("every target equals ignore_index, so the mean has nothing to average (PyTorch returns nan).")
    bad = kept & ((y < 0) | (y >= n_classes))
    if bad.any():
        first = int(np.argmax(bad))
        raise ValueError(f"target[{first}] is {int(y[first])}, not a class index in [0, {n_classes}) nor ignore_index.")
    y, log_p = y[kept], K.log_softmax(z[kept])
    rows = np.arange(len(y))
    true_part = -w[y] * log_p[rows, y]
    spread = -(log_p * w).sum(axis=1) / n_classes
    losses = (1.0 - smoothing) * true_part + smoothing * spread
    return math.fsum(losses) / math.fsum(w[y])


def _check_class_weight(weight, n_classes: int) -> np.ndarray:
    """Per-class weights: finite, non-negative, one per class."""
    w = np.asarray(weight, dtype=np.float64)
    if w.shape != (n_classes,):
        raise ValueError(f"weight must have one entry per class ({n_classes}), got shape {w.shape}.")
    if not np.isfinite(w).all() or (w < 0).any():
        raise ValueError(f"weight must be finite and non-negative; got {w.tolist()}.")
    return w


def keras_categorical_crossentropy(y_true, y_prob, *, label_smoothing=0.0, from_logits=False) -> float:
    r"""Keras ``CategoricalCrossentropy`` (mean over samples) as documented.

    $$
    l_i = -\sum_c q_{ic} \log \tilde P_{ic}, \qquad
    q_{ic} = (1 - \varepsilon)\, y_{ic} + \frac{\varepsilon}{C}, \qquad
    \tilde P_{ic} = \operatorname{clip}\Bigl(\frac{P_{ic}}{\sum_j P_{ij}}, 10^{-7}, 1 - 10^{-7}\Bigr)
    $$

    Documentation: https://keras.io/api/losses/probabilistic_losses/#categoricalcrossentropy-class.
    ``y_true`` is one-hot (or any target distribution); probabilities are rescaled to sum to 1
    and clipped by the backend's ``epsilon()`` (1e-7), far more coarsely than scikit-learn.
    With ``from_logits=True`` the scores go through an exact log-softmax instead (no clip).

    Examples
    --------
    >>> from logloss_ref.conventions import keras_categorical_crossentropy
    >>> keras_categorical_crossentropy([[0, 1, 0]], [[0.0, 1.0, 0.0]])  # perfect: only the clip's cost
    1.0000000494736474e-07
    >>> keras_categorical_crossentropy([[0, 1, 0]], [[0.0, 1.0, 0.0]], label_smoothing=0.1)  # no longer ~0
    1.0745...
    """
    smoothing = _check_smoothing(label_smoothing)
    targets = check_probabilities(y_true, "y_true", ndim=2)
    if from_logits:
        log_p = K.log_softmax(check_scores(y_prob, "y_prob", ndim=2))
    else:
        P = check_probabilities(y_prob, "y_prob", ndim=2)
        totals = P.sum(axis=1, keepdims=True)
        if (totals == 0).any():
            raise ValueError(f"y_prob row {int(np.argmax(totals[:, 0] == 0))} is all zeros; it has no probabilities to rescale.")
        log_p = np.log(np.clip(P / totals, KERAS_EPSILON, 1 - KERAS_EPSILON))
    if targets.shape != log_p.shape:
        raise ValueError(f"y_true has shape {targets.shape} but y_prob has {log_p.shape}; give a one-hot row per sample.")
    q = (1.0 - smoothing) * targets + smoothing / targets.shape[1]
    return math.fsum(-(q * log_p).sum(axis=1)) / len(q)


def keras_sparse_categorical_crossentropy(y_true, y_prob, *, from_logits=False) -> float:
    r"""Keras ``SparseCategoricalCrossentropy``: `keras_categorical_crossentropy` with integer labels.

    Documentation: https://keras.io/api/losses/probabilistic_losses/#sparsecategoricalcrossentropy-class.
    Each label is the column of its class; the result equals the one-hot version (this
    Keras loss has no ``label_smoothing``).

    Examples
    --------
    >>> from logloss_ref.conventions import keras_sparse_categorical_crossentropy
    >>> keras_sparse_categorical_crossentropy([1, 2], [[0.1, 0.8, 0.1], [0.2, 0.2, 0.6]])
    0.3669...
    """
    n_columns = np.shape(y_prob)[-1] if np.ndim(y_prob) == 2 else 0
    index, _ = check_classes(y_true, labels=list(range(n_columns)) if n_columns else None)
    return keras_categorical_crossentropy(np.eye(max(n_columns, 1))[index], y_prob, from_logits=from_logits)


# Inputs of the comparison: (label, probability) rows, then (label, logit) rows.
PROBABILITY_CASES = [(1, 0.0), (1, 1e-20), (1, 1e-8), (1, 0.5), (0, 1 - 1e-9), (0, 1.0)]
LOGIT_CASES = [(1, -1e4), (1, -50.0), (1, 0.0), (0, 40.0), (0, 1e4), (1, 1e4)]


def _exact(label: int, *, prob=None, logit=None) -> float:
    """The exact loss with 50-digit arithmetic (mpmath), rounded to float64."""
    import mpmath

    with mpmath.workdps(50):
        if logit is not None:
            signed = -mpmath.mpf(logit) if label == 1 else mpmath.mpf(logit)
            return float(mpmath.log1p(mpmath.exp(signed)))
        q = mpmath.mpf(prob) if label == 1 else 1 - mpmath.mpf(prob)
        return math.inf if q == 0 else float(-mpmath.log(q))


def comparison_rows() -> list[dict]:
    """One row per input: the exact loss and what each library or convention gives.

    scikit-learn is called live (it must be installed); PyTorch and Keras are the
    conventions of this module. Values are per-sample losses (means of one sample).
    For logit inputs the probability-based columns receive ``sigmoid(z)``, as a user
    who applied the sigmoid first would pass.
    """
    from sklearn.metrics import log_loss as sklearn_log_loss

    rows = []
    for label, prob in PROBABILITY_CASES:
        rows.append({
            "input": f"y = {label}, p = {prob!r}",
            "exact": _exact(label, prob=prob),
            "logloss_ref": log_loss([label], [prob]),
            "scikit-learn": float(sklearn_log_loss([label], [prob], labels=[0, 1])),
            "PyTorch BCELoss": torch_bce_loss([label], [prob]),
            "PyTorch BCEWithLogitsLoss": None,
            "Keras BinaryCrossentropy": keras_binary_crossentropy([label], [prob]),
        })
    for label, z in LOGIT_CASES:
        p = float(K.sigmoid(np.array([z]))[0])
        rows.append({
            "input": f"y = {label}, z = {z:g}",
            "exact": _exact(label, logit=z),
            "logloss_ref": log_loss_from_logits([label], [z]),
            "scikit-learn": float(sklearn_log_loss([label], [p], labels=[0, 1])),
            "PyTorch BCELoss": torch_bce_loss([label], [p]),
            "PyTorch BCEWithLogitsLoss": torch_bce_with_logits_loss([label], [z]),
            "Keras BinaryCrossentropy": keras_binary_crossentropy([label], [p]),
        })
    return rows


# K = 3 inputs: (true class, probabilities) rows, then (true class, scores) rows.
MULTICLASS_PROBABILITY_CASES = [(1, (1.0, 0.0, 0.0)), (1, (0.5, 1e-20, 0.5)), (0, (0.2, 0.3, 0.5)), (2, (1e-9, 1e-9, 1 - 2e-9))]
MULTICLASS_SCORE_CASES = [(1, (0.0, 40.0, 0.0)), (2, (1e4, 0.0, 0.0)), (0, (2.0, 1.0, 0.0))]


def _exact_multiclass(label: int, *, probs=None, scores=None) -> float:
    """The exact categorical cross-entropy of one sample with 50-digit arithmetic."""
    import mpmath

    with mpmath.workdps(50):
        if scores is not None:
            z = [mpmath.mpf(v) for v in scores]
            return float(mpmath.log1p(mpmath.fsum(mpmath.exp(v - z[label]) for j, v in enumerate(z) if j != label)))
        q = mpmath.mpf(probs[label])
        return math.inf if q == 0 else float(-mpmath.log(q))


def multiclass_comparison_rows() -> list[dict]:
    """Like `comparison_rows`, for one sample of three classes.

    Score rows give the probability-based columns ``softmax(z)``; PyTorch's
    ``CrossEntropyLoss`` takes scores only, so its probability rows are empty.
    """
    from sklearn.metrics import log_loss as sklearn_log_loss


    labels = [0, 1, 2]
    rows = []
    for label, probs in MULTICLASS_PROBABILITY_CASES:
        P = np.array([probs])
        rows.append({
            "input": f"y = {label}, P = {list(probs)!r}",
            "exact": _exact_multiclass(label, probs=probs),
            "logloss_ref": log_loss([label], P, labels=labels),
            "scikit-learn": float(sklearn_log_loss([label], P, labels=labels)),
            "PyTorch CrossEntropyLoss": None,
            "Keras CategoricalCrossentropy": keras_categorical_crossentropy(np.eye(3)[[label]], P),
        })
    for label, scores in MULTICLASS_SCORE_CASES:
        z = np.array([scores])
        P = K.softmax(z)
        rows.append({
            "input": f"y = {label}, z = {[float(v) for v in scores]!r}",
            "exact": _exact_multiclass(label, scores=scores),
            "logloss_ref": log_loss_from_logits([label], z, labels=labels),
            "scikit-learn": float(sklearn_log_loss([label], P, labels=labels)),
            "PyTorch CrossEntropyLoss": torch_cross_entropy_loss([label], z),
            "Keras CategoricalCrossentropy": keras_categorical_crossentropy(np.eye(3)[[label]], P),
        })
    return rows


def _cell(value: float | None, exact: float) -> str:
    if value is None:
        return "—"
    text = "inf" if math.isinf(value) else f"{value + 0.0:.6g}"  # + 0.0: print -0.0 as 0
    agrees = value == exact or (math.isfinite(exact) and abs(value - exact) <= 1e-12 * max(1.0, abs(exact)))
    return text if agrees else f"**{text}**"


def comparison_markdown(rows: list[dict] | None = None) -> str:
    """`comparison_rows` (or other rows of that shape) as a Markdown table; values that differ from the exact one are bold."""
    rows = comparison_rows() if rows is None else rows
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [row["input"]] + [_cell(row[c], row["exact"]) for c in columns[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
