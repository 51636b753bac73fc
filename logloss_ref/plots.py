"""The site's figures: one ``fig_*`` function per figure, each returning a matplotlib Figure.

The functions take their numbers from the library, draw with the colours of the active
matplotlib style (``C0``, ``C1``, ... and the text colour), and never touch pyplot's global
state or the file system: the caller chooses the theme (``THEMES``), the format and the file.
"""

from __future__ import annotations

import numpy as np

try:
    from cycler import cycler
    from matplotlib.figure import Figure
except ModuleNotFoundError as missing:  # an extra: numpy is the library's only requirement
    raise ModuleNotFoundError(
        "logloss_ref.plots draws with matplotlib, which is not installed: "
        "pip install 'logloss_ref[plots]'", name=missing.name,
    ) from missing

from .comparison import compare_log_loss
from .costs import cost_curve
from .data import (
    PRODUCTS,
    CaseStudyTable,
    Customers,
    HeldOut,
    case_study_table,
    held_out_predictions,
    landscape_slice,
    make_customers,
    make_three_product_customers,
    rival_scores,
    three_product_table,
)
from .estimators import LinearRegression, LogisticRegression
from .evaluation import binary_entropy, calibration_curve
from .links import sigmoid
from .losses import log_loss

__all__ = [
    "FIGURES",
    "THEMES",
    "fig_baseline_vs_prevalence",
    "fig_cross_entropy",
    "fig_cost_landscape",
    "fig_decision_boundary",
    "fig_loss_curves",
    "fig_loss_history",
    "fig_paired_intervals",
    "fig_probability_triangle",
    "fig_reliability",
    "fig_sigmoid",
    "fig_straight_line",
    "fig_three_product_regions",
    "fig_worked_table",
]

_COMMON = {
    "figure.facecolor": "none",  # transparent: the page's own background shows through
    "axes.facecolor": "none",
    "savefig.facecolor": "none",
    "savefig.transparent": True,
    "svg.hashsalt": "logloss_ref",  # fixed ids, so the SVG is byte-identical between builds
    "svg.fonttype": "path",  # glyphs as paths: no font needed on the reader's machine
    "font.size": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "lines.linewidth": 2.2,
}

#: matplotlib settings for the site's light and dark palettes. Text and line colours keep a
#: contrast of at least 4.5:1 against white (light) and against Material's slate (dark).
THEMES = {
    "light": _COMMON | {
        "text.color": "#1f1f1f", "axes.labelcolor": "#1f1f1f", "axes.edgecolor": "#444444",
        "xtick.color": "#333333", "ytick.color": "#333333", "grid.color": "#d0d0d0",
        "axes.prop_cycle": cycler(color=["#1559b0", "#b3261e", "#2e7031", "#6a3d9a"]),
    },
    "dark": _COMMON | {
        "text.color": "#e8e8e8", "axes.labelcolor": "#e8e8e8", "axes.edgecolor": "#b8b8b8",
        "xtick.color": "#d0d0d0", "ytick.color": "#d0d0d0", "grid.color": "#4a4d57",
        "axes.prop_cycle": cycler(color=["#7fb8f5", "#f3a09a", "#8fd19e", "#cfa8f0"]),
    },
}


def _figure(ncols: int = 1, width: float = 6.4, height: float = 3.9):
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(1, ncols)
    return fig, axes


def fig_straight_line(customers: Customers | None = None) -> Figure:
    """A least-squares line through 0/1 labels, leaving [0, 1] at both ends.

    ``customers`` defaults to ``make_customers()``, the data of the tutorial pages.
    """
    data = customers if customers is not None else make_customers()
    hours = data.X[:, 0]
    line = LinearRegression().fit(data.X, data.y)
    grid = np.linspace(-1.0, 13.0, 200)
    fitted = line.predict(grid[:, None])
    fig, ax = _figure()
    for low, high in ((-0.6, 0.0), (1.0, 1.6)):  # where no probability can be
        ax.fill_between([-1.0, 13.0], low, high, color="C1", alpha=0.12, lw=0)
    ax.scatter(hours, data.y, s=14, color="C0", alpha=0.55, label="customers (1 = jacket)")
    ax.plot(grid, fitted, color="C1", label="least-squares line")
    ax.axhline(0, color="C3", lw=1, ls="--")
    ax.axhline(1, color="C3", lw=1, ls="--")
    ax.text(12.9, 1.45, "above 1: not a probability", ha="right", va="center")
    ax.text(-0.9, -0.45, "below 0: not a probability", ha="left", va="center")
    ax.set(xlim=(-1, 13), ylim=(-0.6, 1.6), xlabel=data.feature_names[0].replace("_", " "),
           ylabel="predicted value")
    ax.legend(loc="center right", frameon=False)
    return fig


def fig_sigmoid() -> Figure:
    """The sigmoid squeezing any score z into (0, 1)."""
    z = np.linspace(-8, 8, 400)
    fig, ax = _figure()
    ax.plot(z, sigmoid(z), color="C0", label=r"$\sigma(z) = 1/(1+e^{-z})$")
    ax.axhline(0.5, color="C3", lw=1, ls="--")
    ax.axvline(0.0, color="C3", lw=1, ls="--")
    ax.plot(z, np.clip(0.5 + z / 8, -0.1, 1.1), color="C1", lw=1.4, ls=":", label="a straight line, for contrast")
    ax.set(xlim=(-8, 8), ylim=(-0.1, 1.1), xlabel="score z = Xβ + b", ylabel="probability of a jacket")
    ax.legend(loc="upper left", frameon=False)
    return fig


def fig_cost_landscape(customers: Customers | None = None) -> Figure:
    """MSE of the sigmoid's output beside log loss, along one slice of the parameters."""
    slopes, b, x, y = landscape_slice(customers)
    mse_values = cost_curve(x, y, slopes, b=b, cost="mse")
    log_values = cost_curve(x, y, slopes, b=b, cost="log_loss")
    concave = np.r_[False, np.diff(mse_values, 2) < 0, False]
    fig, (left, right) = _figure(ncols=2, width=7.6, height=3.6)
    left.plot(slopes, mse_values, color="C0")
    left.fill_between(slopes, 0, mse_values, where=concave, color="C1", alpha=0.25, lw=0,
                      label="concave stretches")
    left.set(title="MSE after the sigmoid", xlabel="slope w", ylabel="cost", ylim=(0, None))
    left.legend(loc="upper right", frameon=False)
    right.plot(slopes, log_values, color="C2")
    right.set(title="log loss", xlabel="slope w", ylim=(0, None))
    for ax in (left, right):
        ax.axvline(slopes[np.argmin(log_values)], color="C3", lw=1, ls="--")
    return fig


def fig_loss_curves(table: CaseStudyTable | None = None) -> Figure:
    """The cost of one sample against the predicted probability of a jacket, per class."""
    data = table if table is not None else case_study_table()
    p = np.linspace(0.001, 0.999, 500)
    fig, ax = _figure()
    for label, color, name in ((1, "C0", "bought a jacket (y = 1): −log p"),
                               (0, "C1", "bought a cardigan (y = 0): −log(1 − p)")):
        ax.plot(p, log_loss(np.full(p.shape, label), p, reduction="none"), color=color, label=name)
    losses = log_loss(data.y_true, data.y_prob, reduction="none")
    for label, color, marker in ((1, "C0", "o"), (0, "C1", "s")):
        mask = data.y_true == label
        ax.scatter(data.y_prob[mask], losses[mask], color=color, marker=marker, s=36, zorder=3)
    ax.set(xlim=(0, 1), ylim=(0, 5), xlabel="predicted probability of a jacket, p",
           ylabel="cost of the sample")
    ax.legend(loc="upper center", frameon=False)
    return fig


def fig_worked_table(table: CaseStudyTable | None = None) -> Figure:
    """Each customer's −log(corrected probability), with their mean: the log loss."""
    data = table if table is not None else case_study_table()
    losses = log_loss(data.y_true, data.y_prob, reduction="none")  # −log(corrected probability), each
    fig, ax = _figure(height=3.6)
    colors = ["C0" if label == 1 else "C1" for label in data.y_true]
    ax.bar(data.customer_ids, losses, color=colors)
    mean = log_loss(data.y_true, data.y_prob)
    ax.axhline(mean, color="C3", ls="--", lw=1.4)
    ax.text(len(losses) - 0.5, mean, "mean = log loss", ha="right", va="bottom")
    ax.set(xlabel="customer (blue: jacket, red: cardigan)", ylabel="−log(corrected probability)")
    return fig


def fig_loss_history(customers: Customers | None = None) -> Figure:
    """Log loss per iteration of gradient descent, and of Newton's method for comparison."""
    data = customers if customers is not None else make_customers()
    gd = LogisticRegression().fit(data.X, data.y)
    newton = LogisticRegression(solver="newton").fit(data.X, data.y)
    fig, ax = _figure()
    ax.plot(np.arange(1, gd.n_iter_ + 1), gd.loss_history_, color="C0", label="gradient descent")
    ax.plot(np.arange(1, newton.n_iter_ + 1), newton.loss_history_, color="C1", marker="o", ms=5,
            label="Newton's method")
    ax.set(xscale="log", xlabel="iteration", ylabel="mean log loss")
    ax.legend(loc="upper right", frameon=False)
    return fig


def fig_decision_boundary(customers: Customers | None = None) -> Figure:
    """Two-feature customers, the fitted probabilities as contours, and the p = 0.5 boundary.

    ``customers`` defaults to ``make_customers(n_features=2)``.
    """
    data = customers if customers is not None else make_customers(n_features=2)
    model = LogisticRegression().fit(data.X, data.y)
    g1, g2 = np.meshgrid(np.linspace(0, 12, 121), np.linspace(0, 10, 101))
    prob = model.predict_proba(np.column_stack([g1.ravel(), g2.ravel()]))[:, 1].reshape(g1.shape)
    fig, ax = _figure(height=4.2)
    levels = ax.contour(g1, g2, prob, levels=[0.1, 0.5, 0.9], colors=["C3", "C2", "C3"],
                        linewidths=[1, 2.2, 1], linestyles=["--", "-", "--"])
    ax.clabel(levels, fmt={0.1: "p = 0.1", 0.5: "p = 0.5", 0.9: "p = 0.9"}, fontsize=9)
    for label, color, marker, name in ((1, "C0", "o", "jacket"), (0, "C1", "s", "cardigan")):
        mask = data.y == label
        ax.scatter(data.X[mask, 0], data.X[mask, 1], color=color, marker=marker, s=16, alpha=0.8, label=name)
    ax.set(xlabel=data.feature_names[0].replace("_", " "), ylabel=data.feature_names[1].replace("_", " "),
           xlim=(0, 12), ylim=(0, 10))
    ax.legend(loc="upper right", frameon=True, framealpha=0.0)
    return fig


def fig_baseline_vs_prevalence() -> Figure:
    """The log loss of predicting the base rate, against the base rate, beside log 2."""
    share = np.linspace(0.0005, 0.9995, 999)
    fig, ax = _figure()
    ax.plot(share, [binary_entropy(s) for s in share], color="C0", label="predict the base rate: H(share)")
    ax.axhline(log_loss([0, 1], [0.5, 0.5]), color="C1", ls="--", label="predict 0.5 for everyone: log 2")
    for s in (0.01, 0.1):
        ax.plot([s], [binary_entropy(s)], "o", color="C0")
        ax.annotate(f"{s:g} → {binary_entropy(s):.3f}", (s, binary_entropy(s)), xytext=(10, -4),
                    textcoords="offset points")
    ax.set(xlim=(0, 1), ylim=(0, 0.8), xlabel="share of class 1 (prevalence)", ylabel="log loss of the baseline")
    ax.legend(loc="lower center", frameon=False)
    return fig


def fig_cross_entropy(customers: Customers | None = None) -> Figure:
    """Cross-entropy of one constant forecast q for the customers' labels: entropy plus KL divergence.

    The curve is ``log_loss`` of the constant q; its floor is the entropy of the labels' share
    (``binary_entropy``), reached at q = share; the gap above the floor is the KL divergence.
    """
    data = customers if customers is not None else make_customers()
    share = float(data.y.mean())
    q = np.linspace(0.02, 0.98, 193)
    cross = np.array([log_loss(data.y, np.full(len(data.y), value)) for value in q])
    floor = binary_entropy(share)
    fig, ax = _figure()
    ax.fill_between(q, floor, cross, color="C1", alpha=0.25, lw=0, label="KL divergence: the gap")
    ax.plot(q, cross, color="C0", lw=2, label="cross-entropy = log loss of the constant forecast q")
    ax.axhline(floor, color="C1", ls="--", label=f"entropy of the labels' share {share:g}: {floor:.4f}")
    ax.plot([share], [floor], "o", color="C0")
    ax.set(xlim=(0, 1), ylim=(0, 2.2), xlabel="constant forecast q = p(jacket) for every customer",
           ylabel="log loss (nats)")
    ax.legend(loc="upper center", frameon=False, fontsize=9)
    return fig


def fig_reliability(held_out: HeldOut | None = None) -> Figure:
    """Reliability diagram: observed share of jackets against predicted probability, per bin."""
    data = held_out if held_out is not None else held_out_predictions()
    fig, ax = _figure(width=5.6, height=4.6)
    ax.plot([0, 1], [0, 1], color="C3", lw=1, ls="--", label="perfect calibration")
    for probs, color, marker, name in ((data.fitted, "C0", "o", "fitted model"),
                                       (data.overconfident, "C1", "s", "over-confident (scores × 3)"),
                                       (data.underconfident, "C2", "^", "under-confident (scores ÷ 3)")):
        observed, predicted = calibration_curve(data.y, probs, n_bins=10)
        ax.plot(predicted, observed, color=color, marker=marker, ms=5, label=name)
    ax.set(xlim=(0, 1), ylim=(0, 1), aspect="equal", xlabel="mean predicted probability of a jacket",
           ylabel="observed share of jackets")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    return fig


_PRODUCT_STYLE = {"cardigan": ("C1", "s"), "coat": ("C3", "^"), "jacket": ("C0", "o")}


def _triangle_xy(P: np.ndarray) -> np.ndarray:
    """Barycentric coordinates: probabilities (cardigan, coat, jacket) to points of an equilateral triangle."""
    corners = np.array([[0.0, 0.0], [0.5, np.sqrt(3) / 2], [1.0, 0.0]])  # cardigan, coat, jacket
    return P @ corners


def fig_probability_triangle(table: CaseStudyTable | None = None) -> Figure:
    """Each customer's three probabilities as one point of the probability triangle.

    A corner is certainty about one product, the centre is (1/3, 1/3, 1/3); the marker is the
    product bought, and the dotted line joins each point to that product's corner, so a long
    line is a costly prediction. ``table`` defaults to ``three_product_table()``.
    """
    data = table if table is not None else three_product_table()
    fig, ax = _figure(width=6.0, height=5.0)
    outline = _triangle_xy(np.vstack([np.eye(3), np.eye(3)[:1]]))
    ax.plot(outline[:, 0], outline[:, 1], color="C2", lw=1.2)
    centre = _triangle_xy(np.full((1, 3), 1 / 3))[0]
    ax.plot(*centre, marker="+", color="C2", ms=10, mew=1.5)
    points = _triangle_xy(data.y_prob)
    for name, (x, y) in zip(PRODUCTS, _triangle_xy(np.eye(3))):
        ax.annotate(f"certain: {name}", (x, y), textcoords="offset points", ha="center",
                    xytext=(0, 8) if name == "coat" else (0, -16), fontsize=10)
    for cid, bought, point in zip(data.customer_ids, data.y_true, points):
        color, marker = _PRODUCT_STYLE[str(bought)]
        corner = _triangle_xy(np.eye(3)[[PRODUCTS.index(str(bought))]])[0]
        ax.plot([point[0], corner[0]], [point[1], corner[1]], color=color, lw=0.9, ls=":")
        ax.plot(*point, marker=marker, color=color, ms=8, ls="none")
        ax.annotate(cid, point, textcoords="offset points", xytext=(6, 3), fontsize=9)
    for name in PRODUCTS:
        color, marker = _PRODUCT_STYLE[name]
        ax.plot([], [], marker=marker, color=color, ls="none", label=f"bought a {name}")
    ax.set(xlim=(-0.08, 1.08), ylim=(-0.12, 0.98), aspect="equal")
    ax.axis("off")
    ax.legend(loc="upper left", frameon=False, fontsize=9)
    return fig


def fig_three_product_regions(customers: Customers | None = None) -> Figure:
    """Where the fitted three-product model predicts each product, with the customers it was fitted to.

    ``customers`` defaults to ``make_three_product_customers()``; the regions are the
    most probable product of a multinomial `LogisticRegression`.
    """
    data = customers if customers is not None else make_three_product_customers()
    model = LogisticRegression(solver="newton").fit(data.X, data.y)
    g1, g2 = np.meshgrid(np.linspace(0, 12, 241), np.linspace(0, 10, 201))
    P = model.predict_proba(np.column_stack([g1.ravel(), g2.ravel()]))
    best = np.argmax(P, axis=1).reshape(g1.shape)
    order = np.sort(np.argsort(P, axis=1)[:, -2:], axis=1)  # the two most probable products, per point
    fig, ax = _figure(height=4.4)
    classes = [str(name) for name in model.classes_]
    # A border is where two products tie for the lead: P_a - P_b = 0 where a and b are the top two.
    for a in range(3):
        for b in range(a + 1, 3):
            lead = (order[:, 0] == a) & (order[:, 1] == b)
            gap = np.where(lead, P[:, a] - P[:, b], np.nan).reshape(g1.shape)
            if np.nanmin(gap, initial=np.inf) < 0 < np.nanmax(gap, initial=-np.inf):
                ax.contour(g1, g2, gap, levels=[0.0], colors=["C2"], linewidths=2.0)
    for k, name in enumerate(classes):
        color, marker = _PRODUCT_STYLE[name]
        mask = data.y == name
        ax.scatter(data.X[mask, 0], data.X[mask, 1], color=color, marker=marker, s=16, alpha=0.8)
        ax.plot([], [], marker=marker, color=color, ls="none", label=f"bought a {name}")
        inside = best == k
        if inside.any():  # name the region at its centre of mass
            ax.text(g1[inside].mean(), g2[inside].mean(), f"{name} most likely", ha="center", fontsize=10,
                    fontweight="bold")
    ax.set(xlabel=data.feature_names[0].replace("_", " "), ylabel=data.feature_names[1].replace("_", " "),
           xlim=(0, 12), ylim=(0, 10))
    ax.legend(loc="upper right", frameon=True, framealpha=0.0, fontsize=9)
    return fig


def fig_paired_intervals(customers: Customers | None = None) -> Figure:
    """The 95% interval of B − A against the number of customers, from paired and from separate scores.

    ``customers`` defaults to ``make_customers(200_000, seed=1)``, the customers of the page's
    second example; the first n of them are scored for n = 200, 2,000, 20,000 and 200,000.
    """
    data = customers if customers is not None else make_customers(200_000, seed=1)
    sizes = [n for n in (200, 2_000, 20_000, 200_000) if n <= len(data.y)]
    scores_a, scores_b = rival_scores(data)
    results = {n: compare_log_loss(data.y[:n], logits_a=scores_a[:n], logits_b=scores_b[:n]) for n in sizes}
    fig, ax = _figure(height=4.0)
    for shift, color, marker, paired, name in ((0.96, "C1", "s", False, "separate scores: √(SE(A)² + SE(B)²)"),
                                               (1.04, "C0", "o", True, "paired differences")):
        for n, result in results.items():
            half = result.interval[1] - result.difference  # z · SE, paired
            if not paired:
                half *= result.standard_error_unpaired / result.standard_error
            ax.errorbar([n * shift], [result.difference], yerr=[[half], [half]], color=color, marker=marker, ms=5,
                        capsize=3, lw=1.6, label=name if n == sizes[0] else None)
    ax.axhline(0.0, color="C3", lw=1, ls="--")
    ax.text(sizes[-1] * 1.3, 0.0, "no difference", color="C3", va="bottom", ha="right", fontsize=9)
    ax.set(xscale="log", xlabel="customers scored", ylabel="log loss of B − log loss of A",
           title="95% intervals of the difference")
    ax.legend(loc="upper right", frameon=False, fontsize=9)
    return fig


#: Every figure of the site: file stem -> function. The build draws each one per theme.
FIGURES = {
    "straight-line": fig_straight_line,
    "sigmoid": fig_sigmoid,
    "cost-landscape": fig_cost_landscape,
    "loss-curves": fig_loss_curves,
    "worked-table": fig_worked_table,
    "loss-history": fig_loss_history,
    "decision-boundary": fig_decision_boundary,
    "baseline-vs-prevalence": fig_baseline_vs_prevalence,
    "cross-entropy": fig_cross_entropy,
    "reliability": fig_reliability,
    "probability-triangle": fig_probability_triangle,
    "three-product-regions": fig_three_product_regions,
    "paired-intervals": fig_paired_intervals,
}
