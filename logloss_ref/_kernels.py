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
- the weighted reduction (a zero weight drops a sample) and exact sums (`ExactSums`), whose
  totals are rounded once however the terms are split, ordered or merged.
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
    p = np.asarray(p, dtype=np.float64)  # native float64 (a view, as the callers pass): its bits are read below
    q = 1.0 - p
    # Where y, take p's bits: a select by bit masks, 3x faster than np.copyto(q, p, where=y).
    bits = q.view(np.uint64)
    mask = y.astype(np.uint64)
    np.negative(mask, out=mask)  # all ones where y
    differ = np.bitwise_xor(bits, p.view(np.uint64))
    differ &= mask
    bits ^= differ
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
    # Each bin's own edges, the outer ones open (a guess of 0 never moves down, nor n_bins - 1 up).
    lower, upper = edges[:-1].copy(), edges[1:].copy()
    lower[0], upper[-1] = -np.inf, np.inf
    guess = (p * n_bins).astype(np.intp)
    np.minimum(guess, n_bins - 1, out=guess)
    guess -= p <= np.take(lower, guess)  # at most one bin off; once moved down it is right
    guess += p > np.take(upper, guess)
    return guess


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
    """``values * weights`` (a new array), where a zero weight drops the sample, even one with infinite loss."""
    return np.where(weights == 0, 0.0, values) * weights


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
            values = drop_zero_weights(values, weights[rows])
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


# --- exact sums ---------------------------------------------------------------------------------

#: An exact total is held as an integer times 2**-SCALE_BITS: every float64 is such a multiple
#: (the smallest subnormal is 2**-1074; 1126 leaves room to spare, as in the states written before).
SCALE_BITS = 1126
#: The ladder of levels that ``ExactSums.add`` cuts terms into: level k takes multiples of
#: 2**unit(k), unit(k) = LOWEST_UNIT + LEVEL_BITS * k, each below 2**(unit(k) + LEVEL_BITS - 1) in size.
LEVEL_BITS = 30
LOWEST_UNIT = -1074  # the smallest subnormal: the lowest level takes what is left of any term
#: Its top level: the highest unit whose rounding constant 1.5 * 2**(unit + 52) is a finite float.
TOP_LEVEL = (971 - LOWEST_UNIT) // LEVEL_BITS
#: Larger terms than the top level takes (beyond 2**995) are added one at a time, in Python.
LADDER_LIMIT = math.ldexp(1.0, LOWEST_UNIT + LEVEL_BITS * TOP_LEVEL + LEVEL_BITS - 1)
#: Terms added to a table between two flushes: a level's pieces are below 2**29 units each, so
#: 2**23 of them sum below 2**52 units, which float64 holds exactly, in any order.
TERMS_PER_FLUSH = 1 << (53 - LEVEL_BITS)
#: Terms summed per step: a block and its temporaries stay in the L2 cache (2 MiB here); on one
#: thread 2**16 measured as fast as 2**14 (2**18: 1.4x slower), with a quarter of the NumPy calls.
EXACT_BLOCK = 1 << 16
_SIGMA = [1.5 * math.ldexp(1.0, LOWEST_UNIT + LEVEL_BITS * k + 52) for k in range(TOP_LEVEL + 1)]


def _level(magnitude: float) -> int:
    """The lowest level that takes terms up to ``magnitude`` (positive, at most ``LADDER_LIMIT``)."""
    fraction, exponent = math.frexp(magnitude)
    if fraction == 0.5:  # a power of two, 2**(exponent - 1)
        exponent -= 1
    return max(0, -((LOWEST_UNIT + LEVEL_BITS - 1 - exponent) // LEVEL_BITS))


class ExactSums:
    r"""Exact sums of float64 terms in a table of cells (rows × columns), added a whole block at a time.

    A block of terms is cut into pieces on a fixed ladder of levels (Rump, Ogita and Oishi's
    extraction): level \(k\) rounds what is left of each term to a multiple of
    \(u_k = 2^{-1074 + 30k}\) by adding and subtracting \(\sigma_k = 1.5 \cdot 2^{52} u_k\),
    \(q = (x + \sigma_k) - \sigma_k\), which is exact, and so is the rest \(x - q\), at most
    \(u_k / 2\) in size, which the next level down takes. A block starts at the level its largest
    term needs and goes down only while something is left: two to four levels for
    probabilities and losses. The pieces of a level, below \(2^{29} u_k\) each, are summed per
    cell (``np.sum`` or ``np.bincount``) and kept as numbers of units \(u_k\): every partial
    sum is an integer below \(2^{53}\), so float64 holds it exactly, in any order. Those sums
    are folded (`flush`) only when reporting, merging or after \(2^{23}\) terms into a Python
    integer per cell, the total times \(2^{1126}\) (which every float64 is an integer multiple
    of). The value is that integer divided by \(2^{1126}\): the exact sum rounded once,
    correctly (Python divides integers so), whatever the order or grouping of the terms. The
    plain-data state (``to_state``) is a short list of floats whose exact sum is the total,
    the first of them the total rounded once (`terms`).

    About 1 to 1.5 ns per term and level here (the frexp and modf split by exponent that this
    replaced took 8 ns per term), against 0.3 ns for ``np.sum``, whose result depends on how
    the data were split. Infinite terms are summed apart (an infinite log loss stays infinite);
    terms beyond \(2^{995}\), past the ladder's top, one by one in Python.
    """

    __slots__ = ("n_rows", "n_columns", "totals", "special", "levels", "counts", "pending")

    def __init__(self, n_rows: int, n_columns: int):
        self.n_rows, self.n_columns = n_rows, n_columns
        # The flushed totals, row by row: each the exact sum times 2**SCALE_BITS, an integer.
        self.totals: list[int] = [0] * (n_rows * n_columns)
        self.special = np.zeros((n_rows, n_columns))  # the sum of the infinite terms of each cell
        self.levels: dict[int, np.ndarray] = {}  # level -> (rows, columns) sums of its pieces, in its units
        self.counts = np.zeros((n_rows, n_columns), dtype=np.int64)  # integer counts (`add_counts`)
        self.pending = 0  # terms in the levels and counts since the last flush

    def grow(self, n_rows: int) -> None:
        """Add empty rows at the end (new segments)."""
        extra = n_rows - self.n_rows
        if extra <= 0:
            return
        self.totals += [0] * (extra * self.n_columns)
        self.special = np.concatenate([self.special, np.zeros((extra, self.n_columns))])
        self.counts = np.concatenate([self.counts, np.zeros((extra, self.n_columns), dtype=np.int64)])
        for k, sums in self.levels.items():
            self.levels[k] = np.concatenate([sums, np.zeros((extra, self.n_columns))])
        self.n_rows = n_rows

    def add(self, values: np.ndarray, column: int, *, row: int = 0, rows=None, present=None, offsets=None,
            n_offsets: int = 1, finite: bool = False) -> None:
        """Add ``values[i]`` (float64, 1-D) to the cell (row, column + offsets[i]).

        The row is ``row`` for all, or ``present[rows[i]]`` when ``rows`` (indices into the
        distinct rows ``present``) is given; ``offsets`` (below ``n_offsets``) spread the values
        over neighbouring columns (calibration bins). ``finite``: the caller knows that no value
        is infinite, which spares a pass.
        """
        values = np.asarray(values, dtype=np.float64)  # native float64 (as the callers pass): the ladder needs it
        n = len(values)
        if n > EXACT_BLOCK:
            for start in range(0, n, EXACT_BLOCK):
                part = slice(start, start + EXACT_BLOCK)
                self.add(values[part], column, row=row, rows=None if rows is None else rows[part], present=present,
                         offsets=None if offsets is None else offsets[part], n_offsets=n_offsets, finite=finite)
            return
        if n == 0:
            return
        if self.pending + n > TERMS_PER_FLUSH:
            self.flush()
        if not finite:
            with np.errstate(over="ignore"):  # one cheap pass; an overflowed sum is checked term by term
                finite = math.isfinite(float(np.sum(values)))
        if not finite:
            finite = np.isfinite(values)
            if not finite.all():
                bad = ~finite
                target_rows = np.full(np.count_nonzero(bad), row) if rows is None else present[rows[bad]]
                target_columns = column + (0 if offsets is None else offsets[bad])
                np.add.at(self.special, (target_rows, target_columns), values[bad])
                values = values[finite]
                rows = None if rows is None else rows[finite]
                offsets = None if offsets is None else offsets[finite]
                if len(values) == 0:
                    return
        largest = max(float(values.max()), -float(values.min()))
        if largest > LADDER_LIMIT:
            values = self._add_huge(values, column, row, rows, present, offsets)
            largest = max(float(values.max()), -float(values.min()))
        groups = 1 if rows is None else len(present)
        key = None
        if offsets is not None or rows is not None:
            key = offsets if rows is None else rows if offsets is None else rows * n_offsets + offsets
        size = groups * n_offsets
        where = row if rows is None else present
        level = _level(largest) if largest else -1
        rest, piece, first = values, None, level
        while level >= 0:
            unit = LOWEST_UNIT + LEVEL_BITS * level
            piece = np.add(rest, _SIGMA[level], out=piece)  # (a new array at the first level)
            piece -= _SIGMA[level]  # both exact: the rest rounded to a multiple of 2**unit
            rest = rest - piece if rest is values else np.subtract(rest, piece, out=rest)  # exact, at most half a unit
            if key is None:
                total = math.ldexp(float(np.sum(piece)), -unit)  # in units: an integer below 2**53, exact
            else:
                total = np.ldexp(np.bincount(key, weights=piece, minlength=size), -unit)
                if rows is not None:
                    total = total.reshape(groups, n_offsets)
            sums = self.levels.get(level)
            if sums is None:
                sums = self.levels[level] = np.zeros((self.n_rows, self.n_columns))
            sums[where, column:column + n_offsets] += total
            if level == 0:
                break
            if level == first:  # what is left of nearly every term: its next 30 bits, no need to look
                level -= 1
                continue
            largest = max(float(rest.max()), -float(rest.min()))
            level = min(level - 1, _level(largest)) if largest else -1
        self.pending += n

    def _add_huge(self, values, column, row, rows, present, offsets) -> np.ndarray:
        """Add the terms beyond the ladder's top one by one; returns the values with them set to 0."""
        huge = np.abs(values) > LADDER_LIMIT
        for i in np.flatnonzero(huge).tolist():
            cell = (row if rows is None else int(present[rows[i]])) * self.n_columns + column + (
                0 if offsets is None else int(offsets[i]))
            self.totals[cell] += _as_integer([float(values[i])])
        return np.where(huge, 0.0, values)

    def add_counts(self, counts: np.ndarray, rows, column: int, n_terms: int) -> None:
        """Add integer counts: ``counts[k, j]`` to the cell (rows[k], column + j)."""
        self.counts[rows, column:column + counts.shape[1]] += counts.astype(np.int64)
        self.pending += n_terms

    def flush(self) -> None:
        """Fold the levels' sums and the counts into the exact totals."""
        if not self.pending:  # nothing since the last flush (reporting flushes once per cell read)
            return
        n_columns = self.n_columns
        added: dict[int, int] = {}
        for level, sums in self.levels.items():
            shift = LOWEST_UNIT + LEVEL_BITS * level + SCALE_BITS
            flat = sums.reshape(-1)
            for cell in np.flatnonzero(flat).tolist():
                added[cell] = added.get(cell, 0) + (int(flat[cell]) << shift)
        flat = self.counts.reshape(-1)
        for cell in np.flatnonzero(flat).tolist():
            added[cell] = added.get(cell, 0) + (int(flat[cell]) << SCALE_BITS)
        for cell, integer in added.items():
            self.totals[cell] += integer
        self.levels = {}
        self.counts = np.zeros((self.n_rows, n_columns), dtype=np.int64)
        self.pending = 0

    def merge(self, other: ExactSums, rows=None) -> None:
        """Add another table's sums exactly; its row ``k`` goes to ``rows[k]`` (default: the same row)."""
        other.flush()
        self.flush()
        n_columns = self.n_columns
        for source, target in enumerate(range(other.n_rows) if rows is None else rows):
            for c in range(n_columns):
                self.totals[target * n_columns + c] += other.totals[source * n_columns + c]
            self.special[target] += other.special[source]

    def row(self, r: int) -> ExactSums:
        """A copy of one row, as a table of its own."""
        self.flush()
        one = ExactSums(1, self.n_columns)
        one.totals = self.totals[r * self.n_columns:(r + 1) * self.n_columns]
        one.special = self.special[r:r + 1].copy()
        return one

    def value(self, column: int, row: int = 0) -> float:
        """The sum of a cell, rounded once."""
        self.flush()
        if self.special[row, column]:
            return float(self.special[row, column])
        integer = self.totals[row * self.n_columns + column]
        try:
            return integer / (1 << SCALE_BITS)  # rounded once, correctly
        except OverflowError:  # beyond the largest float
            return math.inf if integer > 0 else -math.inf

    def values(self, columns, row: int = 0) -> np.ndarray:
        return np.array([self.value(column, row) for column in columns])

    def terms(self, column: int, row: int = 0) -> list[float]:
        """The cell's sum as floats whose exact sum it is, largest first (at most ~40; usually one to three)."""
        self.flush()
        terms = _as_terms(self.totals[row * self.n_columns + column])
        if self.special[row, column]:
            terms.append(float(self.special[row, column]))
        return terms

    def set_terms(self, column: int, terms, row: int = 0) -> None:
        """Add floats read back from `terms` (exactly) to a cell."""
        self.flush()
        finite = []
        for term in terms:
            term = float(term)
            if math.isfinite(term):
                finite.append(term)
            else:
                self.special[row, column] += term
        self.totals[row * self.n_columns + column] += _as_integer(finite)


def _as_integer(terms) -> int:
    """The exact sum of finite floats, times 2**SCALE_BITS, as an integer."""
    integer = 0
    for term in terms:
        numerator, denominator = term.as_integer_ratio()
        integer += (numerator << SCALE_BITS) // denominator  # exact: the denominator is a power of 2 below 2**1075
    return integer


def _as_terms(integer: int) -> list[float]:
    """An integer times 2**-SCALE_BITS as floats whose exact sum it is, largest first (usually one to three)."""
    terms = []
    while integer:
        try:
            term = integer / (1 << SCALE_BITS)  # rounded once, correctly
        except OverflowError:  # beyond the largest float: peel off the largest one
            term = math.ldexp(1.0 if integer > 0 else -1.0, 1023)  # (copysign would turn the integer into a float)
        terms.append(term)
        integer -= _as_integer([term])
    return terms


def exact_sum(values) -> float:
    """The exact sum of float64 values, rounded once (``math.fsum``'s result, in NumPy's time)."""
    sums = ExactSums(1, 1)
    sums.add(np.asarray(values, dtype=np.float64).reshape(-1), 0)
    return sums.value(0)
