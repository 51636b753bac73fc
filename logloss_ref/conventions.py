"""How other libraries define binary cross-entropy, re-implemented here from their documentation.

These functions are *not* PyTorch or Keras: they are float64 NumPy implementations of the
conventions those libraries document, so that the site can compare them with the exact value
without installing either library. Each docstring cites the documentation it follows.
"""

from __future__ import annotations

import math

import numpy as np

from ._validation import check_predictions
from .links import _sigmoid
from .losses import log_loss, log_loss_from_logits

__all__ = [
    "KERAS_EPSILON",
    "TORCH_LOG_FLOOR",
    "comparison_markdown",
    "comparison_rows",
    "keras_binary_crossentropy",
    "torch_bce_loss",
    "torch_bce_with_logits_loss",
]

#: PyTorch's BCELoss clamps each log to be at least this.
TORCH_LOG_FLOOR = -100.0
#: Keras's default fuzz factor, ``keras.backend.epsilon()``.
KERAS_EPSILON = 1e-7

TORCH_BCE_URL = "https://pytorch.org/docs/stable/generated/torch.nn.BCELoss.html"
TORCH_BCE_LOGITS_URL = "https://pytorch.org/docs/stable/generated/torch.nn.BCEWithLogitsLoss.html"
KERAS_BCE_URL = "https://keras.io/api/losses/probabilistic_losses/#binarycrossentropy-class"


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
        p = float(_sigmoid(np.array([z]))[0])
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


def _cell(value: float | None, exact: float) -> str:
    if value is None:
        return "—"
    text = "inf" if math.isinf(value) else f"{value + 0.0:.6g}"  # + 0.0: print -0.0 as 0
    agrees = value == exact or (math.isfinite(exact) and abs(value - exact) <= 1e-12 * max(1.0, abs(exact)))
    return text if agrees else f"**{text}**"


def comparison_markdown() -> str:
    """`comparison_rows` as a Markdown table; values that differ from the exact one are bold."""
    rows = comparison_rows()
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [row["input"]] + [_cell(row[c], row["exact"]) for c in columns[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)
