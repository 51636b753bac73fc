"""What the interactive figures show, computed by logloss_ref when the site is built.

The MkDocs hook puts each figure's data into its page as JSON, beside the static SVG, and the
figure's script (docs/assets/interactive/NAME.js) only looks values up and draws them. So the
numbers a reader sees come from the library; tests/test_interactive.py drives each figure in
a browser and checks what it displays against the library called in the test.
"""

from __future__ import annotations

import numpy as np

from logloss_ref import log_loss, log_loss_logits_gradient, logit

EXTREMES = (1e-12, 1e-9, 1e-6, 1e-4, 1e-3)


def probability_grid() -> np.ndarray:
    """The probabilities a slider steps through: 0.01 to 0.99 by 0.01, and 1e-12 ... 1e-3 from either end."""
    middle = [round(k / 100, 2) for k in range(1, 100)]
    return np.array(sorted([*EXTREMES, *middle, *(1 - e for e in EXTREMES)]))


def loss_curves() -> dict:
    """For each probability p of a jacket: each class's cost and its gradient with respect to the score."""
    p = probability_grid()
    data = {"p": p.tolist(), "start": int(np.flatnonzero(p == 0.5)[0]), "loss": {}, "gradient": {}}
    for label in (1, 0):
        labels = np.full(len(p), label)
        data["loss"][label] = log_loss(labels, p, reduction="none").tolist()
        # d loss / d z for one sample is the gradient of the mean over a sample of one
        data["gradient"][label] = [float(log_loss_logits_gradient([label], [logit(q)])[0]) for q in p]
    return data


FIGURES = {"loss-curves": loss_curves}


def mse_against_log_loss() -> dict:
    """Along the slice of the "Why not MSE" page: each slope's two costs and the size of their gradients in w.

    Also the customers, so that the page can draw the sigmoid of the chosen slope over them.
    """
    from logloss_ref import cost_curve, log_loss_gradient, mse_gradient
    from logloss_ref.data import landscape_slice

    slopes, b, x, y = landscape_slice()
    slopes = slopes[::5]  # every 0.05 from -2 to 4
    X = x[:, None]
    return {
        "slopes": slopes.tolist(), "b": float(b), "x": x.tolist(), "y": y.tolist(),
        "start": int(np.argmin(np.abs(slopes + 1.0))),  # slope -1: the plateau the page describes
        "cost": {"mse": cost_curve(x, y, slopes, b=b, cost="mse").tolist(),
                 "log_loss": cost_curve(x, y, slopes, b=b, cost="log_loss").tolist()},
        "gradient": {"mse": [abs(float(mse_gradient(X, y, [w], b)[0][0])) for w in slopes],
                     "log_loss": [abs(float(log_loss_gradient(X, y, [w], b)[0][0])) for w in slopes]},
    }


FIGURES["mse-against-log-loss"] = mse_against_log_loss


def worked_table() -> dict:
    """The ten customers of the worked table, and for each probability a slider offers, what each
    class's customer gets: the corrected probability and its log (minus the per-sample loss)."""
    from logloss_ref import case_study_table, corrected_probabilities

    table = case_study_table()
    p = probability_grid()
    data = {"p": p.tolist(), "customers": list(table.customer_ids), "y": table.y_true.tolist(),
            "start": [int(np.flatnonzero(np.isclose(p, q, rtol=0, atol=1e-12))[0]) for q in table.y_prob],
            "corrected": {}, "log": {}}
    for label in (1, 0):
        labels = np.full(len(p), label)
        data["corrected"][label] = corrected_probabilities(labels, p).tolist()
        data["log"][label] = (-log_loss(labels, p, reduction="none")).tolist()
    return data


FIGURES["worked-table"] = worked_table
