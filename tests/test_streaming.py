"""streaming: the accumulator against the whole-array functions, under any split, and on Dask."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from logloss_ref import (
    LogLossAccumulator,
    accuracy,
    baseline_log_loss,
    brier_score,
    calibration_curve,
    d2_log_loss,
    log_loss,
    log_loss_from_logits,
    normalized_entropy,
    sigmoid,
)


@st.composite
def split_data(draw):
    n = draw(st.integers(2, 120))
    y = draw(arrays(np.int64, n, elements=st.integers(0, 1)))
    p = draw(arrays(np.float64, n, elements=st.floats(0, 1)))
    w = draw(arrays(np.float64, n, elements=st.floats(0.01, 10)))
    cuts = sorted(draw(st.lists(st.integers(1, n - 1), max_size=6, unique=True)))
    return y, p, w, cuts


@given(split_data())
def test_any_split_gives_the_whole_array_results(case):
    y, p, w, cuts = case
    parts = [LogLossAccumulator().update(yc, pc, sample_weight=wc)
             for yc, pc, wc in zip(np.split(y, cuts), np.split(p, cuts), np.split(w, cuts))]
    merged = parts[0]
    for part in reversed(parts[1:]):  # merge order does not matter either
        merged.merge(part)
    summary = merged.result()
    assert summary.n_samples == len(y)
    assert summary.log_loss == pytest.approx(log_loss(y, p, sample_weight=w), rel=1e-13)
    # The entropy is ill-conditioned near a prevalence of 0 or 1 (H'/H grows without bound), so
    # one ulp of difference in a summed weight can move it by ~1e-13 relative: 1e-10 is the bar.
    assert summary.baseline_log_loss == pytest.approx(baseline_log_loss(y, sample_weight=w), rel=1e-10, abs=1e-300)
    assert summary.brier_score == pytest.approx(brier_score(y, p, sample_weight=w), rel=1e-13, abs=1e-300)
    assert summary.accuracy == pytest.approx(accuracy(y, p, sample_weight=w), rel=1e-13)
    if 0 < y.sum() < len(y):
        assert summary.normalized_entropy == pytest.approx(normalized_entropy(y, p, sample_weight=w), rel=1e-10)
        assert summary.d2 == pytest.approx(d2_log_loss(y, p, sample_weight=w), rel=1e-10, abs=1e-10)
    else:
        assert summary.normalized_entropy is None and summary.d2 is None


@given(split_data())
def test_calibration_bins_match_calibration_curve(case):
    y, p, _, _ = case
    summary = LogLossAccumulator().update(y, p).result()
    observed, predicted = calibration_curve(y, p, n_bins=10)
    np.testing.assert_allclose([b.observed for b in summary.calibration], observed, rtol=1e-12)
    np.testing.assert_allclose([b.mean_predicted for b in summary.calibration], predicted, rtol=1e-12)


def test_logits_are_scored_exactly():
    y, z = np.array([1, 0, 1]), np.array([-1e4, 1e4, 2.0])
    summary = LogLossAccumulator().update(y, logits=z).result()
    assert summary.log_loss == pytest.approx(log_loss_from_logits(y, z), rel=1e-15)
    assert summary.brier_score == pytest.approx(brier_score(y, sigmoid(z)), rel=1e-15)


def test_bad_use_is_refused():
    with pytest.raises(ValueError, match="exactly one of y_prob and logits"):
        LogLossAccumulator().update([1], [0.5], logits=[0.0])
    with pytest.raises(ValueError, match="exactly one of y_prob and logits"):
        LogLossAccumulator().update([1])
    with pytest.raises(ValueError, match="No data yet"):
        LogLossAccumulator().result()
    with pytest.raises(ValueError, match="only 0 and 1"):
        LogLossAccumulator().update([3], [0.5])
    with pytest.raises(TypeError, match="LogLossAccumulator"):
        LogLossAccumulator().merge({"log_loss": 1.0})


def test_dask_local_scheduler_matches_the_whole_array():
    import dask
    import dask.array as da

    rng = da.random.default_rng(42)
    y = (rng.uniform(size=300_000, chunks=40_000) < 0.2).astype(int)
    z = rng.normal(0, 3, size=300_000, chunks=40_000)
    parts = [dask.delayed(lambda yc, zc: LogLossAccumulator().update(yc, logits=zc))(yc, zc)
             for yc, zc in zip(y.to_delayed(), z.to_delayed())]

    def merge_all(accumulators):
        total = LogLossAccumulator()
        for accumulator in accumulators:
            total.merge(accumulator)
        return total

    summary = dask.delayed(merge_all)(parts).compute(scheduler="synchronous").result()
    whole_y, whole_z = dask.compute(y, z, scheduler="synchronous")
    assert summary.log_loss == pytest.approx(log_loss_from_logits(whole_y, whole_z), rel=1e-12)


# --- K classes ----------------------------------------------------------------------------

NAMES = np.array(["cardigan", "coat", "jacket", "parka"])


@st.composite
def split_class_data(draw):
    n = draw(st.integers(2, 80))
    k = draw(st.integers(2, 4))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)
    y = NAMES[rng.integers(0, k, n)]
    z = rng.normal(scale=draw(st.sampled_from([1.0, 10.0, 300.0])), size=(n, k))
    w = rng.uniform(0.01, 10, n)
    cuts = sorted(draw(st.lists(st.integers(1, n - 1), max_size=5, unique=True)))
    return y, z, w, cuts, list(NAMES[:k])


@given(split_class_data(), st.booleans())
def test_k_classes_any_split_gives_the_whole_array_results(case, from_scores):
    from logloss_ref import softmax

    y, z, w, cuts, labels = case
    P = softmax(z)
    values = z if from_scores else P
    parts = []
    for yc, vc, wc in zip(np.split(y, cuts), np.split(values, cuts), np.split(w, cuts)):
        part = LogLossAccumulator(labels=labels[::-1])  # any order: the columns follow the sorted labels
        parts.append(part.update(yc, logits=vc, sample_weight=wc) if from_scores else part.update(yc, vc, sample_weight=wc))
    merged = parts[-1]
    for part in parts[:-1]:
        merged.merge(part)
    summary = merged.result()
    whole = (log_loss_from_logits(y, z, labels=labels, sample_weight=w) if from_scores
             else log_loss(y, P, labels=labels, sample_weight=w))
    assert summary.n_samples == len(y) and summary.prevalence is None and summary.classes == labels
    assert summary.log_loss == pytest.approx(whole, rel=1e-13)
    assert summary.baseline_log_loss == pytest.approx(baseline_log_loss(y, labels=labels, sample_weight=w), rel=1e-10, abs=1e-300)
    assert summary.brier_score == pytest.approx(brier_score(y, P, labels=labels, sample_weight=w), rel=1e-12, abs=1e-300)
    assert summary.accuracy == pytest.approx(accuracy(y, P, labels=labels, sample_weight=w), rel=1e-13)
    assert sum(summary.class_shares) == pytest.approx(1.0)


def test_k_class_accumulators_refuse_to_mix():
    three = LogLossAccumulator(labels=[0, 1, 2])
    with pytest.raises(ValueError, match="cannot merge accumulators of different classes"):
        three.merge(LogLossAccumulator().update([0, 1], [0.2, 0.7]))
    with pytest.raises(ValueError, match="y_prob has 2 columns but labels has 3 classes"):
        three.update([0, 1], [[0.5, 0.5], [0.5, 0.5]])
    with pytest.raises(ValueError, match=r"y_true\[1\] is 7, which is not among the classes"):
        three.update([0, 7], np.full((2, 3), 1 / 3))
    with pytest.raises(ValueError, match="labels must not repeat a class"):
        LogLossAccumulator(labels=[0, 1, 1])


@settings(deadline=None)
@given(st.lists(st.one_of(st.floats(0.0, 1.0), st.sampled_from([k / 10 for k in range(11)])), min_size=1, max_size=200))
def test_calibration_bins_are_those_of_searchsorted(values):
    from logloss_ref.streaming import _EDGES, _calibration_bins

    p = np.array(values)
    near_edges = np.concatenate([p, np.nextafter(_EDGES, 2.0)[:-1], np.nextafter(_EDGES, -1.0)[1:], _EDGES])
    assert (_calibration_bins(near_edges) == np.searchsorted(_EDGES[1:-1], near_edges)).all()
