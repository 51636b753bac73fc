"""comparison: the paired difference in log loss, its standard error, interval and coverage."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from logloss_ref import (
    LogLossComparisonAccumulator,
    compare_log_loss,
    log_loss,
    log_loss_from_logits,
    sigmoid,
)

Z95 = 1.959963984540054


def two_models(n: int, seed: int):
    """Labels from a known model, and two models' scores: A the truth, B slightly too confident."""
    rng = np.random.default_rng(seed)
    x = rng.normal(size=n)
    y = rng.uniform(size=n) < sigmoid(x)
    return y, x, 1.2 * x


def test_equals_a_direct_computation_from_per_sample_losses():
    y, za, zb = two_models(500, 1)
    pa_, pb = sigmoid(za), sigmoid(zb)
    result = compare_log_loss(y, pa_, pb)
    d = log_loss(y, pb, reduction="none") - log_loss(y, pa_, reduction="none")
    assert result.log_loss_a == pytest.approx(log_loss(y, pa_), rel=1e-14)
    assert result.log_loss_b == pytest.approx(log_loss(y, pb), rel=1e-14)
    assert result.difference == pytest.approx(d.mean(), rel=1e-12)
    assert result.standard_error == pytest.approx(d.std(ddof=1) / np.sqrt(len(d)), rel=1e-10)
    assert result.interval == pytest.approx((d.mean() - Z95 * result.standard_error, d.mean() + Z95 * result.standard_error))
    assert result.share_b_lower == pytest.approx((d < 0).mean())


def test_weights_give_the_weighted_mean_and_its_sandwich_standard_error():
    y, za, zb = two_models(400, 2)
    w = np.random.default_rng(3).uniform(0.2, 4, len(y))
    result = compare_log_loss(y, logits_a=za, logits_b=zb, sample_weight=w)
    d = log_loss_from_logits(y, zb, reduction="none") - log_loss_from_logits(y, za, reduction="none")
    mean = np.sum(w * d) / np.sum(w)
    n = len(d)
    se = np.sqrt(n / (n - 1) * np.sum(w**2 * (d - mean) ** 2)) / np.sum(w)
    assert result.difference == pytest.approx(mean, rel=1e-12)
    assert result.standard_error == pytest.approx(se, rel=1e-10)
    # Integer weights are repeated rows.
    k = np.random.default_rng(4).integers(1, 4, len(y))
    repeated = compare_log_loss(np.repeat(y, k), logits_a=np.repeat(za, k), logits_b=np.repeat(zb, k))
    assert compare_log_loss(y, logits_a=za, logits_b=zb, sample_weight=k).difference == pytest.approx(repeated.difference, rel=1e-12)


def test_the_standard_error_matches_a_bootstrap_of_the_paired_differences():
    y, za, zb = two_models(2000, 5)
    result = compare_log_loss(y, logits_a=za, logits_b=zb)
    d = log_loss_from_logits(y, zb, reduction="none") - log_loss_from_logits(y, za, reduction="none")
    rng = np.random.default_rng(6)
    means = d[rng.integers(0, len(d), (2000, len(d)))].mean(axis=1)
    assert result.standard_error == pytest.approx(means.std(), rel=0.06)


def true_difference() -> float:
    """E[loss_B - loss_A] for x ~ N(0, 1), y ~ Bernoulli(sigmoid(x)): Gauss-Hermite quadrature."""
    nodes, weights = np.polynomial.hermite_e.hermegauss(120)
    p = sigmoid(nodes)
    expected = lambda z: p * np.logaddexp(0, -z) + (1 - p) * np.logaddexp(0, z)  # noqa: E731
    return float(np.sum(weights * (expected(1.2 * nodes) - expected(nodes))) / np.sqrt(2 * np.pi))


def test_the_95_percent_interval_covers_the_true_difference_95_percent_of_the_time():
    truth = true_difference()
    assert 0 < truth < 0.02  # B is worse, by a little
    covered = []
    for seed in range(400):
        y, za, zb = two_models(1000, seed)
        low, high = compare_log_loss(y, logits_a=za, logits_b=zb).interval
        covered.append(low <= truth <= high)
    # 400 intervals: a binomial standard error of 1.1 points around 95%.
    assert 0.92 <= np.mean(covered) <= 0.98, np.mean(covered)


def test_pairing_narrows_the_interval_against_two_independent_scores():
    y, za, zb = two_models(5000, 7)
    result = compare_log_loss(y, logits_a=za, logits_b=zb)
    la = log_loss_from_logits(y, za, reduction="none")
    lb = log_loss_from_logits(y, zb, reduction="none")
    unpaired = np.sqrt(la.var(ddof=1) / len(la) + lb.var(ddof=1) / len(lb))
    assert result.standard_error_unpaired == pytest.approx(unpaired, rel=1e-9)
    assert result.standard_error < unpaired / 5


@settings(max_examples=40, deadline=None)
@given(n=st.integers(2, 200), cuts=st.lists(st.integers(0, 200), max_size=4), seed=st.integers(0, 2**32 - 1))
def test_merging_pieces_equals_the_whole(n, cuts, seed):
    y, za, zb = two_models(n, seed)
    w = np.random.default_rng(seed).uniform(0.1, 2, n)
    bounds = sorted({0, n, *(c for c in cuts if c <= n)})
    pieces = [LogLossComparisonAccumulator().update(y[a:b], logits_a=za[a:b], logits_b=zb[a:b], sample_weight=w[a:b])
              for a, b in zip(bounds, bounds[1:]) if b > a]
    merged = pieces[0]
    for piece in pieces[1:]:
        merged.merge(piece)
    whole = compare_log_loss(y, logits_a=za, logits_b=zb, sample_weight=w)
    result = merged.result()
    assert result.n_samples == whole.n_samples
    assert result.difference == pytest.approx(whole.difference, rel=1e-12, abs=1e-15)
    assert result.standard_error == pytest.approx(whole.standard_error, rel=1e-9, abs=1e-15)


def test_k_classes_and_a_confidence_level():
    y = ["coat", "jacket", "cardigan", "coat"]
    a = [[0.2, 0.5, 0.3], [0.1, 0.2, 0.7], [0.6, 0.3, 0.1], [0.3, 0.4, 0.3]]
    b = [[0.1, 0.7, 0.2], [0.2, 0.2, 0.6], [0.5, 0.3, 0.2], [0.2, 0.6, 0.2]]
    labels = ["cardigan", "coat", "jacket"]
    result = compare_log_loss(y, a, b, labels=labels, confidence=0.9)
    d = log_loss(y, b, labels=labels, reduction="none") - log_loss(y, a, labels=labels, reduction="none")
    assert result.difference == pytest.approx(d.mean(), rel=1e-12)
    half = result.interval[1] - result.difference
    assert half == pytest.approx(1.6448536269514722 * d.std(ddof=1) / 2, rel=1e-10)


@pytest.mark.parametrize("kwargs, words", [
    ({"y_prob_a": [0.5, 0.5]}, "both models' probabilities"),
    ({"y_prob_a": [0.5, 0.5], "logits_b": [0.0, 0.0]}, "both models' probabilities"),
    ({"y_prob_a": [0.5, 0.5], "y_prob_b": [0.5, 1.5]}, "y_prob"),
])
def test_bad_input_is_refused(kwargs, words):
    with pytest.raises(ValueError, match=words):
        compare_log_loss([1, 0], **kwargs)


def test_one_sample_has_no_standard_error():
    with pytest.raises(ValueError, match="at least two samples"):
        compare_log_loss([1], [0.5], [0.6])
    with pytest.raises(ValueError, match="confidence"):
        compare_log_loss([1, 0], [0.5, 0.4], [0.6, 0.3], confidence=1.5)


def test_the_command_prints_both_scores_the_difference_and_its_interval(tmp_path):
    y, za, zb = two_models(3000, 8)
    path = tmp_path / "two.csv"
    with open(path, "w") as f:
        f.write("y,model_a,model_b\n")
        for row in zip(y.astype(int), sigmoid(za), sigmoid(zb)):
            f.write(f"{row[0]},{float(row[1])!r},{float(row[2])!r}\n")
    command = [sys.executable, "-m", "logloss_ref", "compare", str(path), "--label", "y", "--prob", "model_a", "--prob", "model_b"]
    done = subprocess.run([*command, "--json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    expected = compare_log_loss(y, sigmoid(za), sigmoid(zb))
    assert shown["difference"] == pytest.approx(expected.difference, rel=1e-12)
    assert shown["interval"] == pytest.approx(list(expected.interval), rel=1e-9)
    assert shown["model_a"] == "model_a" and shown["model_b"] == "model_b"
    text = subprocess.run(command, capture_output=True, text=True).stdout
    assert f"{expected.log_loss_a:.6f}" in text and f"{expected.difference:+.6f}" in text and "95% interval" in text


# --- labels, merging and state (issue 18 point 2, issue 21) -----------------------------------

def test_labels_are_checked_and_text_labels_need_them():
    y = np.array(["jacket", "cardigan", "jacket"])
    a, b = [0.8, 0.3, 0.6], [0.7, 0.2, 0.9]
    named = LogLossComparisonAccumulator(labels=["jacket", "cardigan"])  # any order: sorted, as log_loss does
    assert named.labels == ["cardigan", "jacket"]
    named.update(y, a, b)
    named.update(["cardigan"], [0.4], [0.1])
    result = named.result()
    whole_y = np.append(y, "cardigan")
    assert result.log_loss_a == pytest.approx(log_loss(whole_y, a + [0.4]), rel=1e-15)
    assert compare_log_loss(y, a, b).difference == pytest.approx(log_loss(y, b) - log_loss(y, a), rel=1e-12)
    with pytest.raises(ValueError, match="labels must not repeat a class"):
        LogLossComparisonAccumulator(labels=["jacket", "jacket"])
    with pytest.raises(ValueError, match=r"text labels.*labels=\[first, second\]"):
        LogLossComparisonAccumulator().update(y, a, b)
    with pytest.raises(ValueError, match="not among the classes"):
        named.update(["coat"], [0.5], [0.5])


def test_merge_checks_the_labels_and_an_empty_accumulator_takes_them():
    first = LogLossComparisonAccumulator(labels=["no", "yes"]).update(["yes", "no"], [0.8, 0.3], [0.7, 0.2])
    with pytest.raises(ValueError, match="cannot merge comparisons of different labels"):
        first.merge(LogLossComparisonAccumulator(labels=["cardigan", "jacket"]))
    with pytest.raises(ValueError, match="cannot merge comparisons of different labels"):
        first.merge(LogLossComparisonAccumulator().update([1, 0], [0.8, 0.3], [0.7, 0.2]))
    empty = LogLossComparisonAccumulator().merge(first)
    assert empty.labels == ["no", "yes"] and empty.n_samples == 2
    empty.update(["no"], [0.4], [0.6])  # the labels came with the merge


def test_the_state_survives_json_and_merges_exactly():
    y, za, zb = two_models(3000, 12)
    w = np.random.default_rng(13).uniform(0, 2, len(y))
    whole = LogLossComparisonAccumulator().update(y, logits_a=za, logits_b=zb, sample_weight=w)
    pieces = [LogLossComparisonAccumulator().update(y[s], logits_a=za[s], logits_b=zb[s], sample_weight=w[s])
              for s in (slice(0, 1234), slice(1234, 3000))]
    travelled = [LogLossComparisonAccumulator.from_state(json.loads(json.dumps(piece.to_state()))) for piece in pieces]
    assert travelled[1].merge(travelled[0]).result() == whole.result()
    unweighted = LogLossComparisonAccumulator().update(y, logits_a=za, logits_b=zb)
    state = unweighted.to_state()
    assert state["sums"]["w2_difference"] == state["sums"]["difference"] and state["n_weighted"] == 3000
    with pytest.raises(ValueError, match="written by LogLossComparisonAccumulator.to_state"):
        LogLossComparisonAccumulator.from_state(whole.to_state() | {"type": "LogLossAccumulator"})
