"""The two tables of the "Other libraries" page: each library's loss beside the exact one.

Site code, not library code: it calls scikit-learn live and computes the exact values with
mpmath, neither of which ``logloss_ref`` needs. The pre-build step (scripts/prebuild.py) runs
``tables()`` and the page's ``<!-- comparison-table -->`` and
``<!-- multiclass-comparison-table -->`` markers are replaced by them.
"""

from __future__ import annotations

import math

import numpy as np

from logloss_ref import log_loss, log_loss_from_logits, sigmoid, softmax
from logloss_ref.conventions import (
    keras_binary_crossentropy,
    keras_categorical_crossentropy,
    torch_bce_loss,
    torch_bce_with_logits_loss,
    torch_cross_entropy_loss,
)

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
    conventions of logloss_ref.conventions. Values are per-sample losses (means of one sample).
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
        p = float(sigmoid(z))
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
        P = softmax(z)
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


def tables() -> dict[str, str]:
    """Both tables as Markdown, by the name of the page's marker."""
    return {"comparison-table": comparison_markdown(),
            "multiclass-comparison-table": comparison_markdown(multiclass_comparison_rows())}
