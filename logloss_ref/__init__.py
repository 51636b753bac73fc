"""logloss_ref: a reference implementation of binary cross-entropy (log loss).

Every public name is re-exported here; the modules behind them are small and private in
spirit (``links``, ``losses``, ``costs``, ``estimators``, ``data``, ...). NumPy is the only
requirement; the figures live in ``logloss_ref.plots``, which needs matplotlib
(``pip install 'logloss_ref[plots]'``) and is therefore not imported here.
"""

from ._validation import NotFittedError
from .comparison import (
    LogLossComparison,
    LogLossComparisonAccumulator,
    compare_log_loss,
)
from .costs import (
    cost_curve,
    linear_predictor,
    log_loss_gradient,
    log_loss_hessian,
    log_loss_logits_gradient,
    mse_gradient,
)
from .data import (
    PRODUCTS,
    CaseStudyTable,
    Customers,
    case_study_table,
    make_customers,
    make_three_product_customers,
    three_product_table,
)
from .estimators import ConvergenceWarning, LinearRegression, LogisticRegression
from .evaluation import (
    accuracy,
    baseline_log_loss,
    binary_entropy,
    brier_score,
    calibration_curve,
    d2_log_loss,
    normalized_entropy,
)
from .links import log_sigmoid, log_softmax, logit, sigmoid, softmax, softplus
from .losses import EPS, corrected_probabilities, log_loss, log_loss_from_logits, mse
from .streaming import CalibrationBin, LogLossAccumulator, LogLossSummary, SegmentedLogLossAccumulator

__version__ = "0.1.0"

__all__ = [
    "EPS",
    "PRODUCTS",
    "CalibrationBin",
    "CaseStudyTable",
    "ConvergenceWarning",
    "Customers",
    "LinearRegression",
    "LogLossAccumulator",
    "LogLossComparison",
    "LogLossComparisonAccumulator",
    "LogLossSummary",
    "LogisticRegression",
    "SegmentedLogLossAccumulator",
    "NotFittedError",
    "accuracy",
    "baseline_log_loss",
    "binary_entropy",
    "brier_score",
    "calibration_curve",
    "case_study_table",
    "compare_log_loss",
    "corrected_probabilities",
    "cost_curve",
    "d2_log_loss",
    "linear_predictor",
    "log_loss",
    "log_loss_from_logits",
    "log_loss_gradient",
    "log_loss_hessian",
    "log_loss_logits_gradient",
    "log_sigmoid",
    "log_softmax",
    "logit",
    "make_customers",
    "make_three_product_customers",
    "mse",
    "mse_gradient",
    "normalized_entropy",
    "sigmoid",
    "softmax",
    "softplus",
    "three_product_table",
]
