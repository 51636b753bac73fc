"""The kernel layer: trusted NumPy formulas that every public function calls after validation.

Nothing here checks its input. The public functions (``links``, ``losses``, ``costs``,
``evaluation``, ``estimators``, ``streaming``, ``comparison``) validate once at their boundary,
most of them into one `Predictions` object (``_validation.check_prediction_input``), and then
call these. Each formula and each rule lives here once:

- links: softplus, sigmoid, the softmax parts (log-sum-exp without cancellation);
- per-sample losses from probabilities or scores, two or K classes, and the corrected
  probability they start from;
- residuals (the gradient with respect to the scores), Hessians, the intercept column;
- squared distances (MSE, Brier), the accuracy rule, calibration bins;
- entropy of class totals (the baseline), and the ratio rule NE = loss / baseline, D² = 1 − NE;
- the weighted reduction (a zero weight drops a sample) and the exactly rounded sum.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the validated input; _validation imports nothing from here
    from ._validation import Predictions

#: The float64 machine epsilon, 2**-52: probabilities are clipped to [EPS, 1 - EPS].
EPS = float(np.finfo(np.float64).eps)

# 2**14 float64 values (128 KiB) per block: a block and its temporaries stay in the L2 cache.
BLOCK_SIZE = 1 << 14
# Rows per block for (n, K) probabilities: checked, gathered and scored while in cache; bigger
# than BLOCK_SIZE measured faster (fewer Python-level steps per row; 10 columns still fit L3).
CLASS_BLOCK_ROWS = 1 << 16


def block_slices(n: int, size: int = BLOCK_SIZE):
    """Yield consecutive slices that cover ``range(n)`` in pieces of at most ``size``."""
    for start in range(0, n, size):
        yield slice(start, min(start + size, n))


# --- links -----------------------------------------------------------------------------------

def softplus(x: np.ndarray) -> np.ndarray:
    """``log(1 + exp(x))`` for a NaN-free float64 array: ``max(x, 0) + log1p(exp(-|x|))``."""
    t = np.abs(x)
    np.negative(t, out=t)
    np.exp(t, out=t)
    np.log1p(t, out=t)
    t += np.maximum(x, 0.0)
    return t


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + exp(-z))`` for a NaN-free float64 array, from ``exp(-|z|)`` (never overflows)."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0, e) / (1.0 + e)


def softmax_parts(z: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For (n, K) scores whose softmax is defined: ``(shifted, exp_shifted, rest)``.

    ``shifted = z - max(z)`` per row, ``exp_shifted`` its exponential, and ``rest`` the row sums
    of ``exp_shifted`` without the maximum's own 1. The log-sum-exp of a row is then
    ``max + log1p(rest)``: no overflow, and no cancellation when one class dominates.
    """
    rows = np.arange(len(z))
    top = np.argmax(z, axis=1)
    high = z[rows, top]
    # z - max overflows to -inf only where the true difference exceeds float64 (the answer then
    # is exp = 0 and a log of -inf); a row whose max is +inf gives inf - inf, replaced below.
    with np.errstate(over="ignore", invalid="ignore"):
        shifted = z - high[:, None]
    infinite = np.isposinf(high)
    if infinite.any():
        shifted[infinite] = np.where(np.isposinf(z[infinite]), 0.0, -np.inf)
    exp_shifted = np.exp(shifted)
    exp_shifted[rows, top] = 0.0
    rest = exp_shifted.sum(axis=1)
    exp_shifted[rows, top] = 1.0
    return shifted, exp_shifted, rest


def log_softmax(z: np.ndarray) -> np.ndarray:
    shifted, _, rest = softmax_parts(z)
    shifted -= np.log1p(rest)[:, None]
    return shifted


def softmax(z: np.ndarray) -> np.ndarray:
    _, exp_shifted, rest = softmax_parts(z)
    exp_shifted /= (1.0 + rest)[:, None]
    return exp_shifted


# --- per-sample losses -----------------------------------------------------------------------

def corrected(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """The probability given to the class that occurred: ``p`` where ``y`` (bool), else ``1 - p``;
    with (n, K) probabilities, each row's entry in the column ``y`` (class indices)."""
    if p.ndim == 2:
        # A flat take: about twice as fast as p[np.arange(n), y] on short rows.
        return np.take(p.reshape(-1), y + np.arange(0, p.size, p.shape[1]))
    q = 1.0 - p
    np.copyto(q, p, where=y)
    return q


def probability_losses(y: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``-log`` of the corrected probability, clipped to [EPS, 1 - EPS] (two or K classes)."""
    q = corrected(y, p)
    np.clip(q, EPS, 1.0 - EPS, out=q)
    np.log(q, out=q)
    np.negative(q, out=q)
    return q


def logit_losses(is_one: np.ndarray, z: np.ndarray) -> np.ndarray:
    """Two classes from logits: ``softplus(-z)`` where the label is 1, ``softplus(z)`` elsewhere."""
    signed = np.negative(z)
    np.copyto(signed, z, where=~is_one)
    return softplus(signed)


def score_losses(index: np.ndarray, z: np.ndarray) -> np.ndarray:
    """K classes from scores: ``-log_softmax(z)[i, index[i]]`` = ``log1p(rest) - shifted[i, index[i]]``."""
    shifted, _, rest = softmax_parts(z)
    losses = np.log1p(rest)
    losses -= shifted[np.arange(len(z)), index]
    return losses


def sample_losses(data: Predictions, rows: slice) -> np.ndarray:
    """Per-sample log loss of ``rows`` of validated predictions, whatever their kind."""
    y, values = data.y[rows], data.values[rows]
    if data.kind == "probability":
        return probability_losses(y, values)
    return logit_losses(y, values) if data.binary else score_losses(y, values)


def probabilities(data: Predictions, rows: slice = slice(None)) -> np.ndarray:
    """The predicted probabilities of ``rows``: as given, or through the sigmoid or softmax."""
    values = data.values[rows]
    if data.kind == "probability":
        return values
    return sigmoid(values) if data.binary else softmax(values)


# --- residuals and Hessians ------------------------------------------------------------------

def logit_residual(is_one: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``sigmoid(z) - y``: the derivative of one sample's log loss with respect to its logit."""
    return sigmoid(z) - is_one


def score_residual(index: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``softmax(z) - onehot(index)``: the same with respect to K scores."""
    residual = softmax(z)
    residual[np.arange(len(z)), index] -= 1.0
    return residual


def linear_predictor(X: np.ndarray, beta: np.ndarray, b) -> np.ndarray:
    """``X @ beta + b``: one score per sample (one per sample and class with a (K, p) ``beta``ᵀ)."""
    return X @ beta + b


def with_intercept(X: np.ndarray) -> np.ndarray:
    """``[X, 1]``: the design matrix with a column of ones for the intercept."""
    return np.hstack([X, np.ones((X.shape[0], 1))])


def hessian(X1: np.ndarray, p: np.ndarray) -> np.ndarray:
    """``X1ᵀ diag(p(1 - p)) X1 / N``: the Hessian of the mean binary log loss."""
    weighted = X1 * (p * (1.0 - p))[:, None]
    return X1.T @ weighted / X1.shape[0]


def multinomial_hessian(X1: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Hessian of the mean categorical cross-entropy in the (n_params, K) coefficients, flattened row-major.

    ``H[(a, k), (b, l)] = mean_i x_ia x_ib (p_ik [k = l] - p_ik p_il)``; singular along adding
    the same vector to every class's coefficients, which changes no probability.
    """
    n, d = X1.shape
    K = P.shape[1]
    outer = np.einsum("ia,ib->iab", X1, X1)
    covariance = np.einsum("ik,kl->ikl", P, np.eye(K)) - np.einsum("ik,il->ikl", P, P)
    return np.einsum("iab,ikl->akbl", outer, covariance, optimize=True).reshape(d * K, d * K) / n


# --- squared distances, accuracy, calibration -------------------------------------------------

def squared_errors(y: np.ndarray, yhat: np.ndarray) -> np.ndarray:
    """``(yhat - y)**2`` per sample: MSE, and the Brier score with one probability column."""
    return np.square(yhat - y)


def squared_distance_to_one_hot(index: np.ndarray, P: np.ndarray) -> np.ndarray:
    """Per sample, the squared distance from its K probabilities to the one-hot vector of its class."""
    off = P.copy()
    off[np.arange(len(P)), index] -= 1.0
    return np.einsum("ik,ik->i", off, off)


def brier_terms(y: np.ndarray, P: np.ndarray) -> np.ndarray:
    """The Brier score's per-sample terms, two classes (one column) or K."""
    return squared_distance_to_one_hot(y, P) if P.ndim == 2 else squared_errors(y, P)


def predicted_class(P: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """The decision rule: class 1 where ``p >= threshold`` (bool); with K columns the index of the
    most probable class (the first of a tie)."""
    return np.argmax(P, axis=1) if P.ndim == 2 else P >= threshold


def is_correct(y: np.ndarray, P: np.ndarray, threshold: float = 0.5) -> np.ndarray:
    """The accuracy rule: the predicted class is the label's."""
    return predicted_class(P, threshold) == y


def uniform_bins(p: np.ndarray, n_bins: int) -> np.ndarray:
    """Bin ``i`` of ``n_bins`` equal bins on [0, 1] holds ``edges[i] < p <= edges[i + 1]`` (the first
    also its left edge), scikit-learn's rule; computed by a guess and one correction, not a search."""
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    guess = np.minimum((p * n_bins).astype(np.intp), n_bins - 1)
    return guess - ((p <= edges[guess]) & (guess > 0)) + ((p > edges[guess + 1]) & (guess < n_bins - 1))


# --- entropy and the ratio rule ----------------------------------------------------------------

def class_totals(index: np.ndarray, n_classes: int, weights: np.ndarray | None) -> np.ndarray:
    """The (weighted) number of samples of each class."""
    return np.bincount(index, weights=weights, minlength=n_classes)


def class_entropy(totals: np.ndarray) -> float:
    """Entropy in nats of the class shares ``totals / sum(totals)``; 0 log 0 = 0.

    The most common class's log is ``log1p`` of minus the others' share, so a class that
    dominates keeps its digits where ``log(1 - tiny)`` would round them away.
    """
    total = math.fsum(totals)
    others = np.delete(totals, int(np.argmax(totals))) / total
    others = others[others > 0]
    rest = math.fsum(others)
    lead = (1.0 - rest) * math.log1p(-rest) if rest < 1.0 else 0.0
    return 0.0 - math.fsum([lead, *(others * np.log(others))])


def loss_ratio(loss: float, baseline: float) -> float | None:
    """Normalized entropy, ``loss / baseline``; None when a single class occurred (baseline 0),
    where no ratio is defined. D² is ``1 - loss_ratio``; the two share this one rule."""
    return loss / baseline if baseline > 0 else None


# --- reductions ---------------------------------------------------------------------------------

def drop_zero_weights(values: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """``values * weights`` in place, where a zero weight drops the sample, even one with infinite loss."""
    values[weights == 0] = 0.0
    values *= weights
    return values


def chunk_total(values: np.ndarray) -> float:
    """NumPy's pairwise sum of one chunk (relative error ~1e-16); chunks then add exactly."""
    return float(np.sum(values))


def weighted_reduce(per_block, n: int, weights: np.ndarray | None, reduction: str, block_rows: int = BLOCK_SIZE):
    """Apply ``per_block(slice) -> values`` block by block and reduce: ``"mean"`` (weighted), ``"sum"``
    or ``"none"``. Sums are exactly rounded across blocks (``math.fsum`` of the blocks' pairwise sums)."""
    out = np.empty(n) if reduction == "none" else None
    partial = []
    for rows in block_slices(n, block_rows):
        values = per_block(rows)
        if weights is not None:
            drop_zero_weights(values, weights[rows])
        if out is not None:
            out[rows] = values
        else:
            partial.append(chunk_total(values))
    if out is not None:
        return out
    total = math.fsum(partial)
    if reduction == "sum":
        return total
    return total / (n if weights is None else math.fsum(weights))


class ExactSum:
    """A running float sum rounded exactly once at the end (Shewchuk's partials, as ``math.fsum``).

    Adding chunk totals in any order and merging two sums give the same bits as summing the
    whole once, so split or parallel accumulation equals the whole-array functions exactly.
    """

    __slots__ = ("infinite", "partials")

    def __init__(self):
        self.partials: list[float] = []
        self.infinite = 0.0  # the sum of any infinite terms, kept apart (inf - inf has no partials)

    def add(self, x: float) -> None:
        if not math.isfinite(x):
            self.infinite += x
            return
        partials, i = self.partials, 0
        for y in partials:
            if abs(x) < abs(y):
                x, y = y, x
            high = x + y
            low = y - (high - x)
            if low:
                partials[i] = low
                i += 1
            x = high
        partials[i:] = [x]

    def merge(self, other: ExactSum) -> None:
        for x in other.partials:
            self.add(x)
        self.infinite += other.infinite

    @property
    def value(self) -> float:
        return self.infinite if self.infinite else math.fsum(self.partials)
