"""The case study: a clothing company asks whether a customer will buy a jacket (1) or a cardigan (0).

Its sequel adds a third product, a coat: ten customers of their own, and synthetic customers
drawn from a known three-product (softmax) model.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass

import numpy as np

from . import _kernels as K
from ._validation import check_scalar
from .costs import linear_predictor
from .estimators import LogisticRegression
from .links import sigmoid
from .losses import corrected_probabilities, log_loss

__all__ = [
    "PRODUCTS",
    "CaseStudyTable",
    "Customers",
    "case_study_table",
    "make_customers",
    "make_three_product_customers",
    "three_product_table",
    "HeldOut",
    "held_out_predictions",
    "landscape_slice",
    "rival_scores",
]

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

#: The three products, in sorted order: the columns of every three-product probability array.
PRODUCTS = ("cardigan", "coat", "jacket")

# Customer, what they bought, the model's probabilities of (cardigan, coat, jacket). Chosen
# here, like the binary table, for a spread: confident and right, hesitant, and one badly
# wrong (C10 bought a coat the model gave 0.10).
_THREE_PRODUCT_TABLE = (
    ("C1", "coat", (0.10, 0.70, 0.20)),
    ("C2", "cardigan", (0.60, 0.15, 0.25)),
    ("C3", "jacket", (0.20, 0.30, 0.50)),
    ("C4", "coat", (0.25, 0.40, 0.35)),
    ("C5", "cardigan", (0.80, 0.05, 0.15)),
    ("C6", "jacket", (0.05, 0.15, 0.80)),
    ("C7", "coat", (0.30, 0.20, 0.50)),
    ("C8", "jacket", (0.35, 0.40, 0.25)),
    ("C9", "cardigan", (0.45, 0.35, 0.20)),
    ("C10", "coat", (0.70, 0.10, 0.20)),
)


@dataclass(frozen=True)
class CaseStudyTable:
    """A worked table: one row per customer.

    Attributes
    ----------
    customer_ids : tuple of str
    y_true : ndarray of shape (n_customers,)
        Two products: 1 if the customer bought a jacket, 0 for a cardigan. Three: the name
        of the product bought.
    y_prob : ndarray of float, shape (n_customers,) or (n_customers, 3)
        Two products: the model's probability of a jacket. Three: its probability of each
        product, in the order of ``products``.
    products : tuple of str
        The products in sorted order; with two, index 0 is the cardigan and 1 the jacket.
    """

    customer_ids: tuple[str, ...]
    y_true: np.ndarray
    y_prob: np.ndarray
    products: tuple[str, ...] = ("cardigan", "jacket")

    @property
    def _labels(self) -> tuple[str, ...] | None:
        # Two products are labelled 0/1; three by name, the columns in the order of products.
        return None if self.y_prob.ndim == 1 else self.products

    def corrected_probabilities(self) -> np.ndarray:
        """The probability each customer was given for what they bought."""
        return corrected_probabilities(self.y_true, self.y_prob, labels=self._labels)

    def log_loss(self) -> float:
        """The log loss of the table: the negative mean log of the corrected probabilities."""
        return log_loss(self.y_true, self.y_prob, labels=self._labels)

    def worked_table(self) -> str:
        """The three steps of log loss as a text table: corrected probability, its log, the negative mean.

        Examples
        --------
        >>> from logloss_ref import case_study_table, three_product_table
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
        >>> print(three_product_table().worked_table())  # doctest: +NORMALIZE_WHITESPACE
        customer  bought    p(cardigan)  p(coat)  p(jacket)  p(bought)  log(p(bought))
        C1        coat      0.10         0.70     0.20       0.70       -0.3567
        C2        cardigan  0.60         0.15     0.25       0.60       -0.5108
        C3        jacket    0.20         0.30     0.50       0.50       -0.6931
        C4        coat      0.25         0.40     0.35       0.40       -0.9163
        C5        cardigan  0.80         0.05     0.15       0.80       -0.2231
        C6        jacket    0.05         0.15     0.80       0.80       -0.2231
        C7        coat      0.30         0.20     0.50       0.20       -1.6094
        C8        jacket    0.35         0.40     0.25       0.25       -1.3863
        C9        cardigan  0.45         0.35     0.20       0.45       -0.7985
        C10       coat      0.70         0.10     0.20       0.10       -2.3026
        mean of the logs: -0.9020
        log loss (its negative): 0.9020
        """
        corrected = self.corrected_probabilities()
        logs = np.log(corrected)
        if self.y_prob.ndim == 1:
            lines = [f"{'customer':<10}{'bought':<10}{'p(jacket)':<11}{'corrected':<11}log(corrected)"]
            for cid, label, p, q, lq in zip(self.customer_ids, self.y_true, self.y_prob, corrected, logs):
                lines.append(f"{cid:<10}{self.products[label]:<10}{p:<11.2f}{q:<11.2f}{lq:.4f}")
        else:
            columns = "".join(f"{f'p({name})':<{len(name) + 5}}" for name in self.products)
            lines = [f"{'customer':<10}{'bought':<10}{columns}{'p(bought)':<11}log(p(bought))"]
            for cid, label, row, q, lq in zip(self.customer_ids, self.y_true, self.y_prob, corrected, logs):
                cells = "".join(f"{p:<{len(name) + 5}.2f}" for name, p in zip(self.products, row))
                lines.append(f"{cid:<10}{label:<10}{cells}{q:<11.2f}{lq:.4f}")
        mean_log = math.fsum(logs) / len(logs)
        lines.append(f"mean of the logs: {mean_log:.4f}")
        lines.append(f"log loss (its negative): {self.log_loss():.4f}")
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


def three_product_table() -> CaseStudyTable:
    """Return the ten customers of the three-product example: cardigan, coat or jacket.

    Returns
    -------
    CaseStudyTable
        ``y_true`` holds product names; ``y_prob`` has one column per product of
        ``products`` (cardigan, coat, jacket) and each row sums to 1.

    Examples
    --------
    >>> from logloss_ref import three_product_table
    >>> table = three_product_table()
    >>> table.customer_ids[0], str(table.y_true[0]), table.y_prob[0].tolist()
    ('C1', 'coat', [0.1, 0.7, 0.2])
    """
    ids, labels, probs = zip(*_THREE_PRODUCT_TABLE)
    return CaseStudyTable(ids, np.array(labels), np.array(probs), PRODUCTS)


@dataclass(frozen=True)
class Customers:
    """A synthetic customer data set drawn from a known logistic model.

    Attributes
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        1 = jacket, 0 = cardigan; or, from `make_three_product_customers`, the product's name.
    feature_names : tuple of str
    true_coef : ndarray of shape (n_features,) or (n_products, n_features)
        Coefficients of the model the labels were drawn from.
    true_intercept : float or ndarray of shape (n_products,)
    """

    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    true_coef: np.ndarray
    true_intercept: float | np.ndarray


_FEATURES = (
    # name, low, high, coefficient of the generating model
    ("hours_outdoors_per_week", 0.0, 12.0, 0.8),
    ("commute_km_on_foot_or_bike", 0.0, 10.0, 0.3),
)
_INTERCEPT = -4.5

# The three-product model: one score per product, the cardigan's fixed at 0 (the reference
# class). The jacket's score is the binary model's logit, so between cardigan and jacket alone
# nothing changes; the coat goes with a long commute.
_PRODUCT_COEF = np.array([[0.0, 0.0], [0.5, 0.6], [0.8, 0.3]])
_PRODUCT_INTERCEPT = np.array([0.0, -5.0, -4.5])


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
    p = K.sigmoid(X @ coef + _INTERCEPT)
    y = (rng.uniform(size=n_samples) < p).astype(int)
    return Customers(X, y, tuple(name for name, *_ in spec), coef, _INTERCEPT)


def make_three_product_customers(n_samples=300, *, seed=0) -> Customers:
    r"""Draw customers who buy a cardigan, a coat or a jacket, from a known softmax model.

    The two features of `make_customers` (hours outdoors per week in [0, 12], commute on
    foot or by bike in [0, 10] km) give each product a score; the cardigan's is 0, the
    coat's \(0.5 x_1 + 0.6 x_2 - 5\) and the jacket's \(0.8 x_1 + 0.3 x_2 - 4.5\), the
    binary model's logit. The product bought is drawn with probabilities
    \(\operatorname{softmax}\) of the three scores.

    Parameters
    ----------
    n_samples : int, default=300
        At least 2.
    seed : int, default=0
        Seed of ``numpy.random.default_rng``; the same seed gives the same customers.

    Returns
    -------
    Customers
        ``y`` holds product names; ``true_coef`` has shape (3, 2) and ``true_intercept``
        shape (3,), one row per product of ``PRODUCTS`` (cardigan, coat, jacket).

    Raises
    ------
    TypeError
        If an argument is not an integer.
    ValueError
        If ``n_samples < 2`` or ``seed`` is negative.

    Examples
    --------
    >>> from logloss_ref import make_three_product_customers
    >>> customers = make_three_product_customers(6, seed=1)
    >>> customers.X.shape, customers.y.tolist()
    ((6, 2), ['coat', 'jacket', 'cardigan', 'jacket', 'cardigan', 'coat'])
    """
    check_scalar(n_samples, "n_samples", kind=numbers.Integral, low=2)
    check_scalar(seed, "seed", kind=numbers.Integral, low=0)
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(low, high, n_samples) for _, low, high, _ in _FEATURES])
    P = K.softmax(X @ _PRODUCT_COEF.T + _PRODUCT_INTERCEPT)
    # One uniform draw per customer against the cumulative probabilities picks the product.
    drawn = (rng.uniform(size=(n_samples, 1)) > np.cumsum(P, axis=1)[:, :-1]).sum(axis=1)
    return Customers(X, np.array(PRODUCTS)[drawn], tuple(name for name, *_ in _FEATURES), _PRODUCT_COEF.copy(),
                     _PRODUCT_INTERCEPT.copy())


# ---------------------------------------------------------------------------------------------
# The numbers behind some pages and their figures: computed here, drawn by logloss_ref.plots.


def landscape_slice(customers: Customers | None = None):
    """The slice drawn by ``fig_cost_landscape``: (slopes, intercept, x, y).

    The intercept is held at the value fitted by log loss; the slope ranges over [-2, 4].
    """
    data = customers if customers is not None else make_customers()
    model = LogisticRegression(solver="newton").fit(data.X, data.y)
    return np.linspace(-2.0, 4.0, 601), float(model.intercept_[0]), data.X[:, 0], data.y


@dataclass(frozen=True)
class HeldOut:
    """Labels of held-out customers and three sets of predicted probabilities for them."""

    y: np.ndarray
    fitted: np.ndarray
    overconfident: np.ndarray
    underconfident: np.ndarray


def held_out_predictions(seed: int = 1) -> HeldOut:
    """Fit on 1000 two-feature customers, predict 1000 others; also sharpen and soften the scores.

    The over-confident model multiplies the fitted logits by 3, the under-confident one
    divides them by 3: neither changes which side of 0.5 any prediction falls on.
    """
    data = make_customers(2000, n_features=2, seed=seed)
    model = LogisticRegression().fit(data.X[:1000], data.y[:1000])
    z = model.decision_function(data.X[1000:])
    return HeldOut(data.y[1000:], sigmoid(z), sigmoid(3 * z), sigmoid(z / 3))


def rival_scores(customers: Customers) -> tuple[np.ndarray, np.ndarray]:
    """Two models' scores for the jacket customers: A, the model they were drawn from, and B, three quarters of A's.

    B ranks the customers exactly as A does but is under-confident: its probabilities sit
    closer to 0.5. Its log loss is higher by about 0.01, the gap "Is a lower log loss a
    better model?" measures.
    """
    scores_a = linear_predictor(customers.X, customers.true_coef, customers.true_intercept)
    return scores_a, 0.75 * scores_a
