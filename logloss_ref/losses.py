"""Costs: mean squared error, corrected probabilities and log loss (from probabilities or logits).

Log loss covers two classes (1-D probabilities or logits of the second class) and K classes
((n, K) probabilities or scores, the categorical cross-entropy): one idea, K = 2 its binary case.
"""

from __future__ import annotations

from . import _kernels as K
from ._kernels import EPS
from ._validation import (
    Predictions,
    check_finite_vector,
    check_prediction_input,
    check_probability_block,
    check_reduction,
    check_same_length,
    check_sample_weight,
)

__all__ = ["EPS", "corrected_probabilities", "log_loss", "log_loss_from_logits", "mse"]

#: ``EPS`` is the float64 machine epsilon, 2**-52. ``log_loss`` clips probabilities to [EPS, 1 - EPS].


def mean_log_loss(data: Predictions, reduction: str = "mean"):
    """The reduced log loss of validated predictions (checking deferred rows block by block)."""
    def block(rows):
        if data.rows_unchecked:  # check each block of rows while it is in cache, then score it
            check_probability_block(data.values[rows], rows.start)
        return K.sample_losses(data, rows)

    rows = K.CLASS_BLOCK_ROWS if data.kind == "probability" and not data.binary else K.BLOCK_SIZE
    return K.weighted_reduce(block, data.n_samples, data.weights, reduction, rows)


def mse(y_true, y_pred, *, sample_weight=None):
    r"""Mean squared error, \(\frac{1}{N}\sum_i (f_i - y_i)^2\) of predictions \(f_i\).

    The cost of linear regression. For a 0/1 target it is also called the Brier score.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Targets (any finite real numbers; 0/1 labels in a classification problem).
    y_pred : array-like of shape (n_samples,)
        Predictions, finite.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights; the result is then \(\sum_i w_i (f_i - y_i)^2 / \sum_i w_i\).

    Returns
    -------
    float

    Raises
    ------
    TypeError
        If an input is not real numbers.
    ValueError
        If an input is empty, not 1-D, non-finite, or the lengths differ; or the weights are
        negative, non-finite or all zero.

    Examples
    --------
    >>> from logloss_ref import mse
    >>> mse([0, 1, 1], [0.1, 0.8, 1.3])
    0.04666666666666667
    """
    y = check_finite_vector(y_true, "y_true")
    yhat = check_finite_vector(y_pred, "y_pred")
    n = check_same_length(y_true=y, y_pred=yhat)
    w = check_sample_weight(sample_weight, n)
    return K.weighted_reduce(lambda rows: K.squared_errors(y[rows], yhat[rows]), n, w, "mean")


def corrected_probabilities(y_true, y_prob, *, labels=None):
    r"""The probability the model gave to the class that actually occurred.

    $$
    q_i = \begin{cases} p_i & y_i = 1 \\ 1 - p_i & y_i = 0 \end{cases}
    \qquad\text{i.e.}\qquad q_i = p_i^{\,y_i} (1 - p_i)^{1 - y_i}
    $$

    and with K classes \(q_i = P_{i, y_i}\), the entry of row \(i\) in the column of its
    class. Log loss is the mean of \(-\log q_i\).

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels: numbers, booleans or strings. With 1-D ``y_prob`` they are 0/1 (or any
        two labels, ``y_prob`` being the probability of the second in sorted order).
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probability of class 1, or one column per class in the sorted order of the
        labels, each row summing to 1.
    labels : array-like of shape (n_classes,), default=None
        All the classes, when ``y_true`` may lack some; sorted to give the column order.

    Returns
    -------
    ndarray of shape (n_samples,)
        Unclipped: a probability of 0 for the observed class stays 0.

    Raises
    ------
    TypeError
        If an input is not of the right kind (labels: numbers, booleans or strings;
        probabilities: real numbers).
    ValueError
        As for `log_loss`.

    Examples
    --------
    A customer who bought a cardigan (class 0) and was given a 0.1 chance of a jacket:

    >>> from logloss_ref import corrected_probabilities
    >>> corrected_probabilities([0, 1], [0.1, 0.94])
    array([0.9 , 0.94])
    >>> corrected_probabilities(["coat", "jacket"], [[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]],
    ...                         labels=["cardigan", "coat", "jacket"])
    array([0.5, 0.8])
    """
    data = check_prediction_input(y_true, y_prob, labels=labels)
    return K.corrected(data.y, data.values)


def log_loss(y_true, y_prob, *, labels=None, sample_weight=None, reduction="mean"):
    r"""Binary cross-entropy (log loss) of predicted probabilities, and its K-class form.

    $$
    L = -\frac{1}{N} \sum_{i=1}^{N}
    \Bigl[ y_i \log p_i + (1 - y_i) \log (1 - p_i) \Bigr]
    \qquad\text{or, with K classes,}\qquad
    L = -\frac{1}{N} \sum_{i=1}^{N} \log P_{i, y_i}
    $$

    the negative mean log of the corrected probabilities (`corrected_probabilities`). The
    second form with K = 2 columns \((1 - p_i, p_i)\) is the first.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels: numbers, booleans or strings. With 1-D ``y_prob``: 0/1 (bools allowed),
        or any two labels, ``y_prob`` then being the probability of the second in sorted order.
    y_prob : array-like of shape (n_samples,) or (n_samples, n_classes)
        Predicted probability of class 1, in [0, 1]; or one column per class, in the sorted
        order of the labels (as ``predict_proba`` returns them), each row summing to 1.
    labels : array-like of shape (n_classes,), default=None
        Every class, when ``y_true`` lacks some (a small test set, say). Sorted to give the
        column order. By default the distinct values of ``y_true``.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, not all zero.
    reduction : {"mean", "sum", "none"}, default="mean"
        ``"mean"``: \(\sum_i w_i \ell_i / \sum_i w_i\) (the plain mean without weights);
        ``"sum"``: \(\sum_i w_i \ell_i\); ``"none"``: the array of \(w_i \ell_i\).

    Returns
    -------
    float or ndarray of shape (n_samples,)
        A float for ``"mean"`` and ``"sum"``, an array for ``"none"``.

    Raises
    ------
    TypeError
        If the labels are not numbers, booleans or strings, or the probabilities or weights
        are not real numbers (strings, None, complex).
    ValueError
        If a probability is NaN or outside [0, 1]; a row of ``y_prob`` does not sum to 1;
        a label is not among ``labels``; the number of columns is not the number of classes;
        ``y_prob`` is 1-D with more than two classes; an input is empty or of the wrong
        shape; the lengths differ; a weight is negative, NaN or inf, or all are zero; or
        ``reduction`` is unknown.

    See Also
    --------
    log_loss_from_logits : the exact loss from logits, with no clipping.

    Notes
    -----
    Natural logarithm, so the unit is nats (divide by \(\log 2\) for bits).

    Clipping: like ``sklearn.metrics.log_loss``, each corrected probability is clipped to
    \([\varepsilon, 1 - \varepsilon]\) with \(\varepsilon = 2^{-52}\), the float64
    machine epsilon, so a sample costs at most \(-\log \varepsilon \approx 36.04\)
    instead of infinity and at least \(\approx 2.2 \times 10^{-16}\) instead of 0. The
    probability of class 0 is \(1 - p\) rounded to float64, so values of ``p`` below
    about 1e-16 look like 0 there. Both limits vanish when the model's logits are at hand:
    use `log_loss_from_logits`. Inputs of other float types are converted to float64
    first (scikit-learn keeps float32 and clips at its epsilon, about 1.2e-7).

    Accuracy: each per-sample loss is within 2 ulp of the exact \(-\log\) of the clipped
    corrected probability. The logarithm is NumPy's, which is accurate but not correctly
    rounded, so the last bit may differ between NumPy releases and processors.

    The result equals ``sklearn.metrics.log_loss(y_true, y_prob, labels=..., sample_weight=...)``
    to about 1e-15 relative wherever both accept the input (scikit-learn also needs both
    classes present, or ``labels=[0, 1]``). It is stricter in one place: a row of ``y_prob``
    whose sum differs from 1 by more than 1e-6 (absolute) is an error
    naming the row, where scikit-learn warns and scores it anyway. A sum off by more than
    rounding means the columns are not probabilities (scores, or a column missing), and the
    number would be meaningless. Nothing is renormalised, here or there.

    References
    ----------
    C. M. Bishop, *Pattern Recognition and Machine Learning*, Springer, 2006, section 4.3.2
    (the cross-entropy error function of logistic regression).

    Examples
    --------
    >>> from logloss_ref import log_loss
    >>> log_loss([0, 1], [0.1, 0.94])
    0.0836179596879569
    >>> log_loss([0, 1], [0.1, 0.94], reduction="none")
    array([0.10536052, 0.0618754 ])
    >>> log_loss([1], [0.0])  # clipped: -log(eps)
    36.04365338911715

    Three classes, labels as strings; the columns follow the sorted labels:

    >>> log_loss(["coat", "jacket", "cardigan"], [[0.1, 0.7, 0.2], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2]])
    0.5202159160882228
    >>> log_loss(["coat", "jacket"], [[0.1, 0.7, 0.2], [0.2, 0.2, 0.6]], labels=["cardigan", "coat", "jacket"])
    0.4337502838523616
    """
    reduction = check_reduction(reduction)
    data = check_prediction_input(y_true, y_prob, labels=labels, sample_weight=sample_weight, check_rows_later=True)
    return mean_log_loss(data, reduction)


def log_loss_from_logits(y_true, logits, *, labels=None, sample_weight=None, reduction="mean"):
    r"""Binary cross-entropy computed exactly from logits \(z = \operatorname{logit}(p)\), and its K-class form.

    $$
    \ell_i = \begin{cases} \operatorname{softplus}(-z_i) = -\log \sigma(z_i) & y_i = 1 \\
    \operatorname{softplus}(z_i) = -\log(1 - \sigma(z_i)) & y_i = 0
    \end{cases}
    \qquad\text{or}\qquad
    \ell_i = -\log \operatorname{softmax}(z_i)_{y_i} = \operatorname{log1p}\Bigl(\sum_{j \ne \hat k}
    e^{z_{ij} - m_i}\Bigr) + (m_i - z_{i y_i})
    $$

    with \(\operatorname{softplus}(x) = \max(x, 0) + \log(1 + e^{-|x|})\) and
    \(m_i = z_{i \hat k}\) the row's largest score. No probability is formed, so nothing
    rounds to 0 or 1 and nothing needs clipping.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,)
        Class labels: with 1-D ``logits``, 0/1 (bools allowed) or any two labels (the logits
        are for the second in sorted order); with K columns, numbers, booleans or strings.
    logits : array-like of shape (n_samples,) or (n_samples, n_classes)
        Log-odds of class 1, for example ``X @ beta + b``; or one score per class, in the
        sorted order of the labels (softmax turns a row into probabilities). Infinities are
        allowed where the softmax is defined.
    labels : array-like of shape (n_classes,), default=None
        Every class, when ``y_true`` lacks some; sorted to give the column order.
    sample_weight : array-like of shape (n_samples,), default=None
        Non-negative weights, not all zero.
    reduction : {"mean", "sum", "none"}, default="mean"
        As in `log_loss`.

    Returns
    -------
    float or ndarray of shape (n_samples,)

    Raises
    ------
    TypeError
        If an input is not real numbers.
    ValueError
        If a label is not among the classes, a logit is NaN, a row has every score -inf or
        two +inf, the number of columns is not the number of classes, an input is empty or
        of the wrong shape, the lengths differ, the weights are invalid, or ``reduction`` is
        unknown.

    Notes
    -----
    Natural logarithm. Each per-sample loss is within a few ulps of the exact value for
    every finite logit, however large: a wrong prediction with logit \(\mp 10^4\)
    costs \(10^4\), a right one costs \(e^{-10^4}\), which rounds to 0. The
    result is never inf or NaN for finite logits. An infinite logit on the right side
    costs exactly 0; on the wrong side it costs ``inf`` (a certain prediction that was
    wrong), and then the mean and sum are ``inf`` too.

    With K classes the same holds: when the true class has the largest score, the loss is
    ``log1p`` of the other classes' share \(\sum_{j \ne y} e^{z_j - z_y}\), exact however
    small, where ``logsumexp(z) - z_y`` would cancel to 0. Adding a constant to every score
    of a row changes nothing. With two columns \((0, z_i)\) this is the binary formula.

    Examples
    --------
    >>> from logloss_ref import log_loss, log_loss_from_logits
    >>> log_loss_from_logits([1, 0], [-1e4, 1e4], reduction="none")
    array([10000., 10000.])
    >>> log_loss([1, 0], [0.0, 1.0], reduction="none")  # probabilities saturate and get clipped
    array([36.04365339, 36.04365339])
    >>> log_loss_from_logits([1, 0], [40.0, -40.0], reduction="none")
    array([4.24835426e-18, 4.24835426e-18])

    K classes; the first sample's true class leads by 40, the second's trails by 1000:

    >>> log_loss_from_logits([0, 2], [[40.0, 0.0, 0.0], [1000.0, 0.0, 0.0]], labels=[0, 1, 2], reduction="none")
    array([8.49670851e-18, 1.00000000e+03])
    """
    reduction = check_reduction(reduction)
    data = check_prediction_input(y_true, logits=logits, labels=labels, sample_weight=sample_weight)
    return mean_log_loss(data, reduction)
