"""The site's promise, tried from outside: a wrong library cannot build a site whose examples pass.

Every public callable of ``logloss_ref`` gets perturbed twins (``tests/mutation.py``): its output
times 1.01 and, for a function of a score, the score times 1.01. Each twin must make a page
example that calls it fail; each test reports which one in test-artifacts/mutations/. The figures
get the same check: each library function a figure draws from, perturbed, must change the SVG.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import mutation
from logloss_ref import data, plots

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "test-artifacts" / "mutations"
TARGETS = {target.name: target for target in mutation.public_targets()[0]}

# The classes of __all__ are not perturbed as constructors: each builds a record or an unfitted
# object whose numbers come from a function or method that is checked.
CONSTRUCTORS_NOT_PERTURBED = {
    "CalibrationBin": "a record of LogLossAccumulator.result's calibration bins; result is checked",
    "CaseStudyTable": "a record built by case_study_table and three_product_table; they and its methods are checked",
    "ConvergenceWarning": "a warning type: no number to perturb",
    "Customers": "a record built by make_customers and make_three_product_customers, which are checked",
    "LinearRegression": "builds an unfitted model; fit and predict are checked",
    "LogLossAccumulator": "builds an empty accumulator; update, merge and result are checked",
    "LogLossComparison": "a record built by compare_log_loss and LogLossComparisonAccumulator.result, which are checked",
    "LogLossComparisonAccumulator": "builds an empty accumulator; update, merge and result are checked",
    "LogLossSummary": "a record built by LogLossAccumulator.result; result and to_dict are checked",
    "LogisticRegression": "builds an unfitted model; fit, decision_function, predict_proba and predict are checked",
    "NotFittedError": "an exception type: no number to perturb",
    "SegmentedLogLossAccumulator": "builds an empty accumulator; update, merge, result, total and to_state are checked",
}

# What each figure draws from beyond the public callables that its own code and logloss_ref.data call
# (found by tracing): the functions that the library's code calls for it. Reviewed by hand.
FIGURE_ALSO_DRAWS_FROM = {
    "cost-landscape": {"mse", "sigmoid", "log_loss_from_logits"},  # through cost_curve
}
# A perturbation that, by design, cannot show in a figure.
INVISIBLE = {
    ("loss-history", "make_customers"): "the fit standardises the features, so scaling them by 1.01 changes no loss",
    ("reliability", "make_customers"): "the fit standardises the features, so scaling them by 1.01 changes no prediction",
    ("cross-entropy", "make_customers"): "it draws from the labels only, integers that the 1% nudge leaves as they are",
    ("three-product-regions", "LogisticRegression.predict_proba"):
        "it draws where two probabilities tie and which is largest; scaling all by 1.01 moves neither",
}


def report(name: str, text: str) -> None:
    REPORT.mkdir(parents=True, exist_ok=True)
    (REPORT / f"{name.replace(':', '-')}.txt").write_text(text + "\n", encoding="utf-8")


@pytest.mark.parametrize("twin", mutation.twins(), ids=lambda twin: twin.id)
def test_a_perturbed_twin_fails_a_page_example_that_calls_it(twin):
    caught = mutation.catch(twin)
    change = "returning 1% more" if twin.kind == "output" else "given a score 1% larger"
    assert caught, f"{twin.target.name}, {change}, passes every page example: show it on a page with enough digits"
    report(twin.id, f"{twin.id}: caught by {caught}")


def test_every_public_class_is_checked_through_its_methods_or_listed():
    _, classes = mutation.public_targets()
    assert set(classes) == set(CONSTRUCTORS_NOT_PERTURBED)
    import logloss_ref

    callables = [name for name in logloss_ref.__all__ if callable(getattr(logloss_ref, name))]
    assert set(callables) == {t.name for t in TARGETS.values() if t.owner is None} | set(classes)


@pytest.mark.parametrize("stem", sorted(plots.FIGURES))
def test_a_perturbed_function_changes_the_figure_it_feeds(stem, built_site):
    draw = plots.FIGURES[stem]
    # What the figure's own code, and the data helpers it takes its numbers from (landscape_slice,
    # ...), call while it is drawn; the calls pass through, so this is the unperturbed drawing.
    unperturbed, called = mutation.drawing_and_calls({plots.__file__, data.__file__}, draw)
    # Drawing is deterministic: the build's own drawing, in another process, has the same bytes
    # (so builds are byte-identical, and "the SVG changed" below means something).
    assert (built_site / "figures" / f"{stem}.svg").read_bytes() == unperturbed, f"{stem} differs between drawings"
    assert (built_site / "figures" / f"{stem}-dark.svg").read_bytes() == mutation.draw_svg(draw, "dark"), stem
    feeds = called | FIGURE_ALSO_DRAWS_FROM.get(stem, set())
    assert feeds, f"{stem} draws from no function of the library"
    baseline = mutation.plotted(draw)
    unchanged = [name for name in sorted(feeds)
                 if (stem, name) not in INVISIBLE and not mutation.changes_figure(draw, TARGETS[name], baseline)]
    assert not unchanged, f"the {stem} figure does not change when these return 1% more: {unchanged}"
    report(f"figure-{stem}", f"{stem}: changes with each of {sorted(feeds)}")


# ---------------------------------------------------------------------------------------------
# Planted defects: each must make the check fail.


def test_without_its_page_example_the_mse_twin_survives():
    mse = mutation.Twin(TARGETS["mse"], "output")
    assert mutation.catch(mse)
    assert mutation.catch_without(mse, lambda example: re.search(r"\bmse\(", example.source)) is None


def test_cost_curve_with_its_own_mse_fails_the_figure_check():
    draw, mse, cost_curve = plots.FIGURES["cost-landscape"], TARGETS["mse"], TARGETS["cost_curve"]
    assert mutation.changes_figure(draw, mse, mutation.plotted(draw))
    library_cost_curve = cost_curve.original

    def cost_curve_with_its_own_mse(x, y_true, slopes, *, b=0.0, cost="log_loss"):
        # The defect of issue 12: the squared error written out again instead of calling mse.
        if cost != "mse":
            return library_cost_curve(x, y_true, slopes, b=b, cost=cost)
        z = np.outer(slopes, x) + b
        return np.mean(np.square(1 / (1 + np.exp(-z)) - np.asarray(y_true)), axis=1)

    with mutation.replaced(cost_curve, cost_curve_with_its_own_mse):
        planted = mutation.plotted(draw)
        assert not mutation.changes_figure(draw, mse, planted)


def _sigmoid_figure_from_a_hand_written_formula():
    fig, ax = plots._figure()
    z = np.linspace(-8, 8, 400)
    ax.plot(z, 1 / (1 + np.exp(-z)), color="C0")
    return fig


def test_a_figure_drawn_from_a_hand_written_formula_fails_the_figure_check():
    sigmoid = TARGETS["sigmoid"]
    assert mutation.changes_figure(plots.fig_sigmoid, sigmoid, mutation.plotted(plots.fig_sigmoid))
    planted = _sigmoid_figure_from_a_hand_written_formula
    assert not mutation.changes_figure(planted, sigmoid, mutation.plotted(planted))
