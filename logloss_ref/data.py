"""The case study: a clothing company asks whether a customer will buy a jacket (1) or a cardigan (0)."""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from ._validation import check_scalar
from .links import _sigmoid
from .losses import corrected_probabilities, log_loss

__all__ = ["CaseStudyTable", "Customers", "case_study_table", "make_customers"]

# Customer, bought a jacket (1) or a cardigan (0), model's probability of a jacket.
# ID5 and ID6 are the two rows the tutorial article quotes; the others were chosen here to
# show a spread of good, hesitant and badly wrong predictions.
_TABLE = (
    ("ID1", 1, 0.80),
    ("ID2", 0, 0.30),
    ("ID3", 1, 0.65),
    ("ID4", 0, 0.45),
    ("ID5", 0, 0.10),
    ("ID6", 1, 0.94),
    ("ID7", 1, 0.55),
    ("ID8", 0, 0.20),
    ("ID9", 1, 0.15),
    ("ID10", 0, 0.05),
)


@dataclass(frozen=True)
class CaseStudyTable:
    """The worked table: one row per customer.

    Attributes
    ----------
    customer_ids : tuple of str
    y_true : ndarray of int, shape (n_customers,)
        1 if the customer bought a jacket, 0 for a cardigan.
    y_prob : ndarray of float, shape (n_customers,)
        The model's probability that the customer buys a jacket.
    """

    customer_ids: tuple[str, ...]
    y_true: np.ndarray
    y_prob: np.ndarray

    def worked_table(self) -> str:
        """The three steps of log loss as a text table: corrected probability, its log, the negative mean.

        Examples
        --------
        >>> from logloss_ref import case_study_table
        >>> print(case_study_table().worked_table())  # doctest: +NORMALIZE_WHITESPACE
        customer  bought    p(jacket)  corrected  log(corrected)
        ID1       jacket    0.80       0.80       -0.2231
        ID2       cardigan  0.30       0.70       -0.3567
        ID3       jacket    0.65       0.65       -0.4308
        ID4       cardigan  0.45       0.55       -0.5978
        ID5       cardigan  0.10       0.90       -0.1054
        ID6       jacket    0.94       0.94       -0.0619
        ID7       jacket    0.55       0.55       -0.5978
        ID8       cardigan  0.20       0.80       -0.2231
        ID9       jacket    0.15       0.15       -1.8971
        ID10      cardigan  0.05       0.95       -0.0513
        mean of the logs: -0.4545
        log loss (its negative): 0.4545
        """
        corrected = corrected_probabilities(self.y_true, self.y_prob)
        logs = np.log(corrected)
        lines = [f"{'customer':<10}{'bought':<10}{'p(jacket)':<11}{'corrected':<11}log(corrected)"]
        for cid, label, p, q, lq in zip(self.customer_ids, self.y_true, self.y_prob, corrected, logs):
            bought = "jacket" if label == 1 else "cardigan"
            lines.append(f"{cid:<10}{bought:<10}{p:<11.2f}{q:<11.2f}{lq:.4f}")
        mean_log = math.fsum(logs) / len(logs)
        lines.append(f"mean of the logs: {mean_log:.4f}")
        lines.append(f"log loss (its negative): {log_loss(self.y_true, self.y_prob):.4f}")
        return "\n".join(lines)


def case_study_table() -> CaseStudyTable:
    """Return the ten customers of the worked log-loss example.

    Returns
    -------
    CaseStudyTable

    Examples
    --------
    >>> from logloss_ref import case_study_table
    >>> table = case_study_table()
    >>> table.customer_ids[4], int(table.y_true[4]), float(table.y_prob[4])
    ('ID5', 0, 0.1)
    """
    ids, labels, probs = zip(*_TABLE)
    return CaseStudyTable(ids, np.array(labels), np.array(probs))


@dataclass(frozen=True)
class Customers:
    """A synthetic customer data set drawn from a known logistic model.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of int, shape (n_samples,)
        1 = jacket, 0 = cardigan.
    feature_names : tuple of str
    true_coef : ndarray of shape (n_features,)
        Coefficients of the model the labels were drawn from.
    true_intercept : float
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    true_coef: np.ndarray
    true_intercept: float


_FEATURES = (
    # name, low, high, coefficient of the generating model
    ("hours_outdoors_per_week", 0.0, 12.0, 0.8),
    ("commute_km_on_foot_or_bike", 0.0, 10.0, 0.3),
)
_INTERCEPT = -4.5


def make_customers(n_samples=200, *, n_features=1, seed=0) -> Customers:
    r"""Draw customers whose chance of buying a jacket follows a logistic model.

    Features are drawn uniformly (hours spent outdoors per week in [0, 12]; with two
    features also the daily commute on foot or by bike in [0, 10] km), then each label is
    a Bernoulli draw with \(P(\text{jacket}) = \sigma(X\beta^* + b^*)\), where
    \(\beta^* = (0.8, 0.3)\) and \(b^* = -4.5\).

    Parameters
    ----------
    n_samples : int, default=200
        At least 2.
    n_features : {1, 2}, default=1
    seed : int, default=0
        Seed of ``numpy.random.default_rng``; the same seed gives the same customers.

    Returns
    -------
    Customers

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If ``n_samples < 2``, ``n_features`` is not 1 or 2, or ``seed`` is negative.

    Examples
    --------
    >>> from logloss_ref import make_customers
    >>> customers = make_customers(5, n_features=2, seed=1)
    >>> customers.X.shape, customers.feature_names
    ((5, 2), ('hours_outdoors_per_week', 'commute_km_on_foot_or_bike'))
    """
    check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=2)
    check_scalar(n_features, "n_features", kind=numbers.Integral, low=1)
    if n_features > len(_FEATURES):
        raise ValueError(f"n_features must be 1 or 2; got {n_features}.")
    check_scalar(seed, "seed", kind=numbers.Integral, low=0)
    rng = np.random.default_rng(seed)
    spec = _FEATURES[:n_features]
    X = np.column_stack([rng.uniform(low, high, n_samples) for _, low, high, _ in spec])
    coef = np.array([c for *_, c in spec])
    p = _sigmoid(X @ coef + _INTERCEPT)
    y = (rng.uniform(size=n_samples) < p).astype(int)
    return Customers(X, y, tuple(name for name, *_ in spec), coef, _INTERCEPT)
