"""The two tables of the "Other libraries" page: each library's loss beside the exact one.

Site code, not library code: it calls scikit-learn live and computes the exact values with
mpmath, neither of which ``logloss_ref`` needs. The pre-build step (scripts/prebuild.py) runs
``tables()``, and the page's ``<!-- comparison-table -->`` and
``<!-- multiclass-comparison-table -->`` markers are replaced by them.

The columns split in two. ``reference_values()`` holds what does not depend on logloss_ref: the
exact loss (50-digit mpmath), the probabilities a user passes to the probability-based losses
(for score rows the exact sigmoid or softmax, rounded to float64) and scikit-learn's loss. The
rows add logloss_ref's own loss and the PyTorch and Keras conventions of
``logloss_ref.conventions``. Importing scikit-learn takes longer than everything else here, so
the pre-build step keeps the reference values until this file or those packages change.
"""

from __future__ import annotations

import math

import numpy as np

from logloss_ref import log_loss, log_loss_from_logits
from logloss_ref.conventions import (
    keras_binary_crossentropy,
    keras_categorical_crossentropy,
    torch_bce_loss,
    torch_bce_with_logits_loss,
    torch_cross_entropy_loss,
)

# Inputs of the comparison: (label, probability) rows, then (label, logit) rows.
PROBABILITY_CASES = [(1, 0.0), (1, 1e-20), (1, 1e-8), (1, 0.5), (0, 1 - 1e-9), (0, 1.0)]
LOGIT_CASES = [(1, -1e4), (1, -50.0), (1, 0.0), (0, -20.0), (0, 40.0), (0, 1e4), (1, 1e4)]
# K = 3 inputs: (true class, probabilities) rows, then (true class, scores) rows.
MULTICLASS_PROBABILITY_CASES = [(1, (1.0, 0.0, 0.0)), (1, (0.5, 1e-20, 0.5)), (0, (0.2, 0.3, 0.5)), (2, (1e-9, 1e-9, 1 - 2e-9))]
MULTICLASS_SCORE_CASES = [(1, (0.0, 40.0, 0.0)), (2, (1e4, 0.0, 0.0)), (0, (2.0, 1.0, 0.0))]
DIGITS = 50  # mpmath's working precision for the exact values


def reference_values() -> dict[str, list[dict]]:
    """Per row of each table: the probabilities passed on (``p`` or ``P``), the exact loss, scikit-learn's loss."""
    import mpmath
    from sklearn.metrics import log_loss as sklearn_log_loss

    binary, multiclass = [], []
    with mpmath.workdps(DIGITS):
        for label, prob in PROBABILITY_CASES:
            q = mpmath.mpf(prob) if label == 1 else 1 - mpmath.mpf(prob)
            binary.append({"p": prob, "exact": math.inf if q == 0 else float(-mpmath.log(q))})
        for label, z in LOGIT_CASES:
            signed = -mpmath.mpf(z) if label == 1 else mpmath.mpf(z)
            binary.append({"p": float(1 / (1 + mpmath.exp(-mpmath.mpf(z)))), "exact": float(mpmath.log1p(mpmath.exp(signed)))})
        for label, probs in MULTICLASS_PROBABILITY_CASES:
            q = mpmath.mpf(probs[label])
            multiclass.append({"P": list(probs), "exact": math.inf if q == 0 else float(-mpmath.log(q))})
        for label, scores in MULTICLASS_SCORE_CASES:
            z = [mpmath.mpf(v) for v in scores]
            total = mpmath.fsum(mpmath.exp(v) for v in z)
            multiclass.append({"P": [float(mpmath.exp(v) / total) for v in z],
                               "exact": float(mpmath.log1p(mpmath.fsum(mpmath.exp(v - z[label]) for j, v in enumerate(z) if j != label)))})
    for (label, _), row in zip(PROBABILITY_CASES + LOGIT_CASES, binary):
        row["scikit-learn"] = float(sklearn_log_loss([label], [row["p"]], labels=[0, 1]))
    for (label, _), row in zip(MULTICLASS_PROBABILITY_CASES + MULTICLASS_SCORE_CASES, multiclass):
        row["scikit-learn"] = float(sklearn_log_loss([label], [row["P"]], labels=[0, 1, 2]))
    return {"binary": binary, "multiclass": multiclass}


def comparison_rows(reference: dict | None = None) -> list[dict]:
    """One row per input: the exact loss and what each library or convention gives.

    Values are per-sample losses (means of one sample). For logit inputs the probability-based
    columns receive ``sigmoid(z)``, as a user who applied the sigmoid first would pass.
    """
    reference = reference_values() if reference is None else reference
    rows = []
    for (label, prob), known in zip(PROBABILITY_CASES, reference["binary"]):
        rows.append({
            "input": f"y = {label}, p = {prob!r}",
            "exact": known["exact"],
            "logloss_ref": log_loss([label], [prob]),
            "scikit-learn": known["scikit-learn"],
            "PyTorch BCELoss": _both(torch_bce_loss, [label], [prob]),
            "PyTorch BCEWithLogitsLoss": None,
            "Keras BinaryCrossentropy": _both(keras_binary_crossentropy, [label], [prob]),
        })
    for (label, z), known in zip(LOGIT_CASES, reference["binary"][len(PROBABILITY_CASES):]):
        p = known["p"]
        rows.append({
            "input": f"y = {label}, z = {z:g}",
            "exact": known["exact"],
            "logloss_ref": log_loss_from_logits([label], [z]),
            "scikit-learn": known["scikit-learn"],
            "PyTorch BCELoss": _both(torch_bce_loss, [label], [p]),
            "PyTorch BCEWithLogitsLoss": _both(torch_bce_with_logits_loss, [label], [z]),
            "Keras BinaryCrossentropy": _both(keras_binary_crossentropy, [label], [p]),
        })
    return rows


def multiclass_comparison_rows(reference: dict | None = None) -> list[dict]:
    """Like `comparison_rows`, for one sample of three classes.

    Score rows give the probability-based columns ``softmax(z)``; PyTorch's
    ``CrossEntropyLoss`` takes scores only, so its probability rows are empty.
    """
    reference = reference_values() if reference is None else reference
    labels = [0, 1, 2]
    rows = []
    for (label, probs), known in zip(MULTICLASS_PROBABILITY_CASES, reference["multiclass"]):
        P = np.array([probs])
        rows.append({
            "input": f"y = {label}, P = {list(probs)!r}",
            "exact": known["exact"],
            "logloss_ref": log_loss([label], P, labels=labels),
            "scikit-learn": known["scikit-learn"],
            "PyTorch CrossEntropyLoss": None,
            "Keras CategoricalCrossentropy": _both(keras_categorical_crossentropy, np.eye(3)[[label]], P),
        })
    for (label, scores), known in zip(MULTICLASS_SCORE_CASES, reference["multiclass"][len(MULTICLASS_PROBABILITY_CASES):]):
        z = np.array([scores])
        rows.append({
            "input": f"y = {label}, z = {[float(v) for v in scores]!r}",
            "exact": known["exact"],
            "logloss_ref": log_loss_from_logits([label], z, labels=labels),
            "scikit-learn": known["scikit-learn"],
            "PyTorch CrossEntropyLoss": _both(torch_cross_entropy_loss, [label], z),
            "Keras CategoricalCrossentropy": _both(keras_categorical_crossentropy, np.eye(3)[[label]], np.array([known["P"]])),
        })
    return rows


# A value agrees with the exact one within these relative tolerances, by precision: a few ulps of
# float64, and of float32 (whose epsilon is 1.2e-7). Relative, so that 0 or 1e-7 for a true loss
# of 2e-9 shows as the departure it is.
TOLERANCE = {"float64": 1e-12, "float32": 4 * float(np.finfo(np.float32).eps)}


def _both(convention, *args) -> tuple[float, float]:
    """A convention computed in float64 and in float32, the libraries' default precision."""
    return convention(*args), convention(*args, dtype=np.float32)


def _number(value: float, exact: float, precision: str) -> str:
    text = "inf" if math.isinf(value) else f"{value + 0.0:.6g}"  # + 0.0: print -0.0 as 0
    agrees = value == exact or (math.isfinite(exact) and abs(value - exact) <= TOLERANCE[precision] * abs(exact))
    return text if agrees else f"**{text}**"


def _cell(value, exact: float) -> str:
    """A value, or "float64 / float32" for a convention computed in both; each bold where it departs from the exact."""
    if value is None:
        return "—"
    if isinstance(value, tuple):
        return " / ".join(_number(v, exact, precision) for v, precision in zip(value, ("float64", "float32")))
    return _number(value, exact, "float64")


def comparison_markdown(rows: list[dict]) -> str:
    """Rows of `comparison_rows`' shape as a Markdown table; values that differ from the exact one are bold."""
    columns = list(rows[0])
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = [row["input"]] + [_cell(row[c], row["exact"]) for c in columns[1:]]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def tables(reference: dict | None = None) -> dict[str, str]:
    """Both tables as Markdown, by the name of the page's marker."""
    reference = reference_values() if reference is None else reference
    return {"comparison-table": comparison_markdown(comparison_rows(reference)),
            "multiclass-comparison-table": comparison_markdown(multiclass_comparison_rows(reference))}
