"""The one place that checks inputs and words the errors.

Every public function of the package calls these at its boundary and then trusts its data.
Checks on long arrays run block by block (see ``block_slices``) so that validating 10**7
samples costs a few passes over cache-sized pieces, not a handful of full-size temporaries.
"""

from __future__ import annotations

import numbers
import sys
from dataclasses import dataclass

import numpy as np

from ._kernels import BLOCK_SIZE, block_slices

REDUCTIONS = ("mean", "sum", "none")


class NotFittedError(ValueError, AttributeError):
    """Raised when a model is used for prediction before ``fit`` has been called.

    Whenever scikit-learn is loaded, the error raised is also its
    ``sklearn.exceptions.NotFittedError``, so code that catches either works.
    """


def not_fitted_error(message: str) -> NotFittedError:
    """A `NotFittedError`, which is scikit-learn's too when scikit-learn is already imported.

    Never imports scikit-learn: code that catches scikit-learn's error has imported it.
    """
    sklearn_exceptions = sys.modules.get("sklearn.exceptions")
    if sklearn_exceptions is None:
        return NotFittedError(message)
    both = type("NotFittedError", (NotFittedError, sklearn_exceptions.NotFittedError),
                {"__module__": NotFittedError.__module__, "__doc__": NotFittedError.__doc__})
    return both(message)


def _describe(x) -> str:
    return f"{type(x).__name__} {x!r}" if np.ndim(x) == 0 else f"array of dtype {np.asarray(x).dtype}"


def as_real_array(x, name: str, *, ndim: int | None = None) -> np.ndarray:
    """Return ``x`` as a real-valued NumPy array, refusing anything that is not numbers.

    Bools and integers are accepted and kept as they are; floats are kept in their dtype.
    ``ndim`` (when given) is the required number of dimensions.
    """
    if x is None:
        raise TypeError(f"{name} must be an array-like of real numbers, got None.")
    if isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array-like of real numbers, got the string {x!r}.")
    if type(x).__module__.startswith("scipy.sparse"):  # a sparse matrix or array, without importing SciPy
        raise TypeError(f"{name} is a sparse {type(x).__name__}: sparse input is not supported; pass a dense array "
                        f"({name}.toarray()).")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:  # ragged nested lists, for instance
        raise ValueError(f"{name} could not be read as an array: {exc}") from None
    if arr.dtype.kind not in "biuf":
        if arr.dtype.kind == "c":
            raise TypeError(f"{name} must be real, got complex numbers; pass the real part if that is what you mean.")
        raise TypeError(
            f"{name} must contain real numbers, got {_describe(x)}; convert strings or objects to numbers first."
        )
    if ndim is not None and arr.ndim != ndim:
        if ndim == 1:
            hint = " Pass a flat sequence, for example y.ravel() if it is a single column." if arr.ndim == 2 else ""
            raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}.{hint}")
        if ndim == 2:
            hint = " For a single feature use X.reshape(-1, 1)." if arr.ndim == 1 else ""
            raise ValueError(f"{name} must be 2-D (n_samples, n_features), got shape {arr.shape}. Reshape your data.{hint}")
        raise ValueError(f"{name} must have {ndim} dimensions, got shape {arr.shape}.")
    return arr


def as_float_array(x, name: str, *, ndim: int | None = None) -> np.ndarray:
    """``as_real_array`` converted to float64 (no copy when it already is)."""
    return np.asarray(as_real_array(x, name, ndim=ndim), dtype=np.float64)


def _first_bad(arr: np.ndarray, bad: np.ndarray) -> str:
    """Describe the first offending value, with its index unless ``arr`` is a scalar."""
    if arr.ndim == 0:
        return repr(arr[()].item())
    idx = tuple(int(i) for i in np.argwhere(bad)[0])
    at = idx[0] if len(idx) == 1 else idx
    return f"{arr[idx].item()!r} at index {at}"


def check_no_nan(arr: np.ndarray, name: str) -> None:
    """Reject NaN (infinities are allowed)."""
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN ({_first_bad(arr, np.isnan(arr))}); remove or impute it first.")


def check_finite(arr: np.ndarray, name: str) -> None:
    """Reject NaN and +-inf."""
    if arr.dtype.kind == "f" and not np.isfinite(arr).all():
        raise ValueError(f"{name} must be finite (no NaN or inf); found {_first_bad(arr, ~np.isfinite(arr))}.")


def check_non_empty(arr: np.ndarray, name: str) -> None:
    if arr.size == 0:
        raise ValueError(f"{name} is empty; at least one sample is needed.")


def check_finite_vector(x, name: str) -> np.ndarray:
    """A non-empty, finite 1-D float64 array (targets, predictions, a feature, a grid)."""
    arr = as_float_array(x, name, ndim=1)
    check_non_empty(arr, name)
    check_finite(arr, name)
    return arr


def check_labels(y_true, name: str = "y_true") -> np.ndarray:
    """Check binary labels and return the boolean mask ``y_true == 1``.

    Labels may be bools, integers or floats, but every value must be 0 or 1.
    """
    y = as_real_array(y_true, name, ndim=1)
    check_non_empty(y, name)
    if y.dtype == np.bool_:
        return y
    is_one = np.empty(y.shape, dtype=bool)
    n_valid = 0
    for sl in block_slices(y.size):
        np.equal(y[sl], 1, out=is_one[sl])
        n_valid += np.count_nonzero(is_one[sl]) + np.count_nonzero(y[sl] == 0)
    if n_valid != y.size:
        found = _first_bad(y, (y != 0) & (y != 1))
        raise ValueError(f"{name} must contain only 0 and 1 (or False and True); found {found}.")
    return is_one


def check_probabilities(y_prob, name: str = "y_prob", *, ndim: int | None = 1) -> np.ndarray:
    """Check probabilities (finite, within [0, 1]) and return them as float64."""
    p = as_float_array(y_prob, name, ndim=ndim)
    check_non_empty(p, name)
    flat = p.reshape(-1)
    ok = True
    for sl in block_slices(flat.size):
        block = flat[sl]
        # min/max propagate NaN, so a NaN fails both comparisons.
        if not (block.min() >= 0.0 and block.max() <= 1.0):
            ok = False
            break
    if not ok:
        check_no_nan(p, name)
        raise ValueError(
            f"{name} must hold probabilities in [0, 1]; found {_first_bad(p, (p < 0) | (p > 1))}. "
            "If these are logits (scores), use log_loss_from_logits or apply sigmoid first."
        )
    return p


def check_logits(logits, name: str = "logits") -> np.ndarray:
    """Check 1-D logits (NaN refused, +-inf allowed) and return them as float64."""
    z = as_float_array(logits, name, ndim=1)
    check_non_empty(z, name)
    check_no_nan(z, name)
    return z


def check_scores(scores, name: str = "logits", *, ndim: int | None = None) -> np.ndarray:
    """Scores of K classes along the last axis (at least 1-D, K >= 1), as float64.

    NaN is refused, and so is a row whose softmax is undefined: every score -inf, or two +inf.
    """
    z = as_float_array(scores, name, ndim=ndim)
    if z.ndim == 0:
        raise ValueError(f"{name} must have the K class scores along its last axis, got a scalar.")
    if z.shape[-1] == 0:
        raise ValueError(f"{name} has no classes (shape {z.shape}); give one score per class along the last axis.")
    check_no_nan(z, name)
    if z.dtype.kind == "f" and not np.isfinite(z).all():
        rows = z.reshape(-1, z.shape[-1])
        undefined = np.isneginf(rows).all(axis=1) | (np.isposinf(rows).sum(axis=1) > 1)
        if undefined.any():
            row = int(np.argmax(undefined))
            raise ValueError(
                f"{name} row {row} is {rows[row].tolist()}: its softmax is undefined (every score -inf, or more than "
                "one +inf). Give that row finite scores."
            )
    return z


def check_same_length(**arrays: np.ndarray) -> int:
    """All arrays share their first dimension; return it."""
    lengths = {name: len(a) for name, a in arrays.items()}
    if len(set(lengths.values())) > 1:
        described = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"Inputs must have the same number of samples: {described}.")
    return next(iter(lengths.values()))


def check_sample_weight(sample_weight, n: int, name: str = "sample_weight") -> np.ndarray | None:
    """Return float64 weights of length ``n`` (non-negative, finite, not all zero), or None."""
    if sample_weight is None:
        return None
    w = as_float_array(sample_weight, name, ndim=1)
    if len(w) != n:
        raise ValueError(f"{name} has {len(w)} entries but there are {n} samples; give one weight per sample.")
    check_finite(w, name)
    if (w < 0).any():
        raise ValueError(f"{name} must be non-negative; found {_first_bad(w, w < 0)}.")
    if not w.any():
        raise ValueError(f"{name} is zero everywhere, so the weighted mean is undefined; give some sample a positive weight.")
    return w


def check_predictions(y_true, y_prob=None, *, logits=None, sample_weight=None):
    """Labels with their probabilities (``y_prob``) or ``logits``, and optional weights.

    Returns ``(is_one, values, weights)``: the mask ``y_true == 1``, the probabilities or
    logits as float64, and the weights (None when not given). ``y_prob`` is checked unless
    ``logits`` is given; giving both is an error.
    """
    if y_prob is not None and logits is not None:
        raise ValueError("Give exactly one of y_prob and logits.")
    is_one = check_labels(y_true)
    if logits is None:
        values, name = check_probabilities(y_prob), "y_prob"
    else:
        values, name = check_logits(logits), "logits"
    n = check_same_length(**{"y_true": is_one, name: values})
    return is_one, values, check_sample_weight(sample_weight, n)


#: Rows of K probabilities must sum to 1 within this (absolute); float32 softmax output passes.
ROW_SUM_TOLERANCE = 1e-6


def as_label_array(x, name: str) -> np.ndarray:
    """Class labels as a 1-D array of numbers, bools or strings (NaN refused)."""
    if x is None or isinstance(x, (str, bytes)):
        raise TypeError(f"{name} must be an array-like of class labels, got {x!r}.")
    try:
        arr = np.asarray(x)
    except (ValueError, TypeError) as exc:
        raise ValueError(f"{name} could not be read as an array: {exc}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got an array of shape {arr.shape}.")
    check_non_empty(arr, name)
    if arr.dtype.kind == "O":
        kinds = {type(v) for v in arr}
        if not all(issubclass(k, str) for k in kinds):
            raise TypeError(f"{name} must hold numbers, booleans or strings of one kind, got {sorted(k.__name__ for k in kinds)}.")
        arr = arr.astype(str)
    elif arr.dtype.kind not in "biufUS":
        raise TypeError(f"{name} must hold numbers, booleans or strings, got an array of dtype {arr.dtype}.")
    check_no_nan(arr, name)
    return arr


def encode_labels(y: np.ndarray, classes: np.ndarray, name: str = "y_true") -> np.ndarray:
    """The column index of each label in the sorted ``classes``; a label not among them is an error."""
    if (y.dtype.kind in "iu" and classes.dtype.kind in "iu" and classes[0] == 0 and classes[-1] == len(classes) - 1
            and y.min() >= 0 and y.max() < len(classes)):
        return y.astype(np.intp, copy=False)  # the labels are the column indices already (the common case)
    if y.dtype.kind in "biu" and classes.dtype.kind in "biu" and int(classes[-1]) - int(classes[0]) <= 4 * len(y) + 64:
        # Small integer range: one table look-up per sample instead of a binary search.
        low = int(classes[0])
        table = np.full(int(classes[-1]) - low + 1, -1, dtype=np.intp)
        table[classes.astype(np.int64) - low] = np.arange(len(classes))
        shifted = y.astype(np.int64) - low
        inside = (shifted >= 0) & (shifted < len(table))
        index = np.where(inside, table[np.where(inside, shifted, 0)], -1)
        unknown = index < 0
    else:
        try:
            index = np.searchsorted(classes, y)
        except TypeError:  # numbers against strings
            raise TypeError(f"{name} holds {y.dtype.kind!r}-kind labels but the classes are {classes.tolist()!r}.") from None
        index = np.minimum(index, len(classes) - 1)
        unknown = classes[index] != y
    if unknown.any():
        first = int(np.argmax(unknown))
        raise ValueError(
            f"{name}[{first}] is {y[first].item()!r}, which is not among the classes {classes.tolist()!r}; "
            "pass labels= with every class."
        )
    return index


def check_classes(y_true, labels=None, name: str = "y_true") -> tuple[np.ndarray, np.ndarray]:
    """``(index, classes)``: the sorted classes (from ``labels`` or else ``y_true``) and each sample's column."""
    y = as_label_array(y_true, name)
    if labels is None:
        if y.dtype.kind in "biu" and len(y) > 0:
            # Integers: present values from a count, O(n) instead of a sort.
            high = int(y.max())
            if y.dtype.kind in "iu" and high <= 4 * len(y) + 64:
                # bincount refuses negative values, which spares a pass for the minimum.
                try:
                    counts = np.bincount(y)
                except ValueError:
                    counts = None
                if counts is not None and counts.all():
                    # 0, 1, ..., K-1 all present: the labels are the column indices already.
                    return y.astype(np.intp, copy=False), np.arange(len(counts), dtype=y.dtype)
            low = int(y.min())
            if high - low > 4 * len(y) + 64:
                classes = np.unique(y)
            else:
                counts = np.bincount(y.astype(np.int64) - low)
                classes = (np.flatnonzero(counts) + low).astype(y.dtype)
        else:
            classes = np.unique(y)
    else:
        given = as_label_array(labels, "labels")
        classes = np.unique(given)
        if len(classes) != len(given):
            raise ValueError(f"labels must not repeat a class; got {given.tolist()!r}.")
    return encode_labels(y, classes, name), classes


def check_probability_rows(y_prob, name: str = "y_prob") -> np.ndarray:
    """(n, K) probabilities in [0, 1] whose rows sum to 1 within ``ROW_SUM_TOLERANCE``."""
    p = as_float_array(y_prob, name, ndim=2)
    check_non_empty(p, name)
    for sl in block_slices(len(p), max(1, BLOCK_SIZE // max(p.shape[1], 1))):
        check_probability_block(p[sl], sl.start, name)
    return p


def check_probability_block(block: np.ndarray, first_row: int, name: str = "y_prob") -> None:
    """The checks of `check_probability_rows` on rows ``first_row, ...`` of an array (one cache-sized block).

    Callers that go through a large array block by block anyway run these on each block as
    they go (one pass over memory instead of two); errors name the row in the whole array.
    """
    # min/max propagate NaN, so a NaN fails both comparisons.
    if not (block.min() >= 0.0 and block.max() <= 1.0):
        check_no_nan(block, name)
        bad = (block < 0) | (block > 1)
        row, column = (int(i) for i in np.argwhere(bad)[0])
        raise ValueError(
            f"{name} must hold probabilities in [0, 1]; found {block[row, column].item()!r} at index "
            f"{(first_row + row, column)}. If these are scores, use log_loss_from_logits or apply softmax first."
        )
    sums = block @ np.ones(block.shape[1])  # a matrix-vector product: far faster than sum(axis=1) over short rows
    off = np.abs(sums - 1.0) > ROW_SUM_TOLERANCE
    if off.any():
        row = int(np.argmax(off))
        raise ValueError(
            f"{name} row {first_row + row} sums to {float(block[row].sum()):.10g}, not 1 (tolerance {ROW_SUM_TOLERANCE}): "
            "pass probabilities, one column per class; if these are scores, use log_loss_from_logits."
        )


def check_class_columns(classes: np.ndarray, n_columns: int, labels, name: str) -> None:
    """The number of columns is the number of classes."""
    if n_columns == len(classes):
        return
    if labels is None:
        raise ValueError(
            f"{name} has {n_columns} columns but y_true holds {len(classes)} distinct labels {classes.tolist()!r}; "
            "pass labels= with all the classes, in the order of the columns once sorted."
        )
    raise ValueError(f"{name} has {n_columns} columns but labels has {len(classes)} classes {classes.tolist()!r}.")


def check_multiclass_predictions(y_true, y_prob=None, *, logits=None, labels=None, sample_weight=None, rows_checked_later=False):
    """Labels with (n, K) probabilities or scores, and optional weights.

    Returns ``(index, values, weights, classes)``: each sample's column (its class in the sorted
    ``classes``), the probabilities or scores as float64, and the weights (None when not given).
    With ``rows_checked_later`` the probabilities' values are not checked here: the caller runs
    `check_probability_block` on every block before using it.
    """
    if (y_prob is None) == (logits is None):
        raise ValueError("Give exactly one of y_prob and logits.")
    if logits is None and rows_checked_later:
        values, name = as_float_array(y_prob, "y_prob", ndim=2), "y_prob"
        check_non_empty(values, name)
    elif logits is None:
        values, name = check_probability_rows(y_prob), "y_prob"
    else:
        values, name = check_scores(logits, "logits", ndim=2), "logits"
    index, classes = check_classes(y_true, labels)
    n = check_same_length(**{"y_true": index, name: values})
    check_class_columns(classes, values.shape[1], labels, name)
    return index, values, check_sample_weight(sample_weight, n), classes


def check_binary_predictions(y_true, y_prob=None, *, logits=None, labels=None, sample_weight=None):
    """`check_predictions` for labels of any two classes: 1-D values are for the second class in sorted order."""
    if labels is None:
        try:  # 0/1 labels, the common case, checked in one pass
            return check_predictions(y_true, y_prob, logits=logits, sample_weight=sample_weight)
        except (TypeError, ValueError) as error:
            y = as_label_array(y_true, "y_true")
            if y.dtype.kind in "biuf" and ((y == 0) | (y == 1)).all():
                raise error  # the labels were fine: the problem is elsewhere, and this says where
            # other labels: the general path below takes them, or words what is wrong
    index, classes = check_classes(y_true, labels)
    if len(classes) != 2:
        values = "y_prob" if logits is None else "logits"
        if len(classes) > 2:
            raise ValueError(
                f"{values} is 1-D but there are {len(classes)} classes {classes.tolist()!r}; "
                f"pass an (n_samples, {len(classes)}) array, one column per class."
            )
        raise ValueError(
            f"y_true holds the single label {classes[0].item()!r}, so it is unclear which class the 1-D {values} is for; "
            "pass labels= with both classes (the values are for the second once sorted)."
        )
    return check_predictions(index == 1, y_prob, logits=logits, sample_weight=sample_weight)


@dataclass(frozen=True, eq=False)
class Predictions:
    """Labels with their predictions, checked once: the one input every kernel takes.

    Whether there are two classes or K is decided here, from the shape of the predictions,
    and nowhere else.

    Attributes
    ----------
    y : ndarray of shape (n_samples,)
        Two classes: bool, True where the label is the second class (1). K classes: each
        sample's class index, its column in ``values``.
    values : ndarray of float64, shape (n_samples,) or (n_samples, n_classes)
        Probabilities (of the second class, or one column per class) or scores (logits).
    weights : ndarray of float64 or None
        Non-negative, not all zero; None when not given.
    classes : ndarray or None
        The sorted classes of (n, K) predictions; None with 1-D predictions of two classes.
    kind : {"probability", "score"}
    rows_unchecked : bool
        (n, K) probabilities whose values the caller checks block by block
        (`check_probability_block`) while it uses them, one pass over memory instead of two.
    """

    y: np.ndarray
    values: np.ndarray
    weights: np.ndarray | None
    classes: np.ndarray | None
    kind: str
    rows_unchecked: bool = False

    @property
    def n_samples(self) -> int:
        return len(self.values)

    @property
    def binary(self) -> bool:
        return self.values.ndim == 1

    @property
    def n_classes(self) -> int:
        return 2 if self.binary else self.values.shape[1]

    @property
    def class_index(self) -> np.ndarray:
        """Each sample's class index, 0 or 1 with two classes."""
        return self.y.astype(np.intp) if self.binary else self.y


def check_prediction_input(y_true, y_prob=None, *, logits=None, labels=None, sample_weight=None,
                           check_rows_later=False) -> Predictions:
    """Validate labels with probabilities (``y_prob``) or scores (``logits``), two or K classes.

    1-D predictions are for the second of two classes; (n, K) ones have a column per class.
    With ``check_rows_later``, (n, K) probabilities are not range- and sum-checked here: the
    caller runs `check_probability_block` on each block before using it.
    """
    given = y_prob if logits is None else logits
    if np.ndim(given) == 2:
        index, values, weights, classes = check_multiclass_predictions(
            y_true, y_prob, logits=logits, labels=labels, sample_weight=sample_weight,
            rows_checked_later=check_rows_later,
        )
        kind = "probability" if logits is None else "score"
        return Predictions(index, values, weights, classes, kind, rows_unchecked=check_rows_later and kind == "probability")
    is_one, values, weights = check_binary_predictions(y_true, y_prob, logits=logits, labels=labels,
                                                       sample_weight=sample_weight)
    return Predictions(is_one, values, weights, None, "probability" if logits is None else "score")


def check_reduction(reduction) -> str:
    if not isinstance(reduction, str) or reduction not in REDUCTIONS:
        raise ValueError(f"reduction must be one of {', '.join(map(repr, REDUCTIONS))}; got {reduction!r}.")
    return reduction


def check_matrix(X, name: str = "X") -> np.ndarray:
    """A finite, non-empty 2-D float64 design matrix."""
    arr = as_float_array(X, name, ndim=2)
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        what = "sample" if arr.shape[0] == 0 else "feature"
        raise ValueError(f"{name} is empty: 0 {what}(s) (shape={arr.shape}) while a minimum of 1 is required.")
    check_finite(arr, name)
    return arr


def check_coefficients(beta, n_features: int, name: str = "beta") -> np.ndarray:
    arr = as_float_array(beta, name, ndim=1)
    if len(arr) != n_features:
        raise ValueError(f"{name} has {len(arr)} entries but X has {n_features} features; give one coefficient per feature.")
    check_finite(arr, name)
    return arr


def check_scalar(value, name: str, *, kind: type = numbers.Real, low=None, low_inclusive=True,
                 allow_inf: bool = False) -> float | int:
    """A finite real (or integral) scalar, optionally bounded below; ``allow_inf`` admits +inf."""
    if isinstance(value, bool) or not isinstance(value, kind):
        wanted = "an integer" if kind is numbers.Integral else "a real number"
        raise TypeError(f"{name} must be {wanted}, got {type(value).__name__} {value!r}.")
    if kind is numbers.Real and not np.isfinite(value) and not (allow_inf and value == np.inf):
        raise ValueError(f"{name} must be finite, got {value!r}.")
    if low is not None and (value < low or (value == low and not low_inclusive)):
        bound = f">= {low}" if low_inclusive else f"> {low}"
        raise ValueError(f"{name} must be {bound}, got {value!r}.")
    return value
