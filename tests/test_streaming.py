"""streaming: the accumulators against the whole-array functions and math.fsum, under any split; state; labels; segments.

Dask (worker processes) and Spark run in the examples of docs/at-scale.md, compared there with the command line.
"""

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




# --- exact sums, state, labels, segments (issue 21, issue 18 point 2) -------------------------

@settings(deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=0, max_size=300), st.integers(0, 2**32 - 1))
def test_exact_sums_equal_fsum_in_any_order_and_split(values, seed):
    import math

    from logloss_ref._kernels import ExactSums as _ExactSums
    from logloss_ref._kernels import exact_sum as _exact_sum

    x = np.array(values, dtype=np.float64)
    try:
        expected = math.fsum(values)
    except OverflowError:  # the exact sum is beyond the largest float
        return
    assert _exact_sum(x) == expected
    rng = np.random.default_rng(seed)
    shuffled, cuts = rng.permutation(x), sorted(rng.integers(0, len(x) + 1, 3))
    sums = [_ExactSums(1, 1) for _ in range(4)]
    for part, piece in zip(sums, np.split(shuffled, cuts)):
        part.add(piece, 0)
    for part in sums[1:]:
        sums[0].merge(part)
    assert sums[0].value(0) == expected
    restored = _ExactSums(1, 1)
    restored.set_terms(0, sums[0].terms(0))
    assert restored.value(0) == expected


def test_an_infinite_loss_stays_infinite_and_a_zero_weight_drops_it():
    summary = LogLossAccumulator().update([1, 0], logits=[-np.inf, 0.0]).result()
    assert summary.log_loss == np.inf
    dropped = LogLossAccumulator().update([1, 0], logits=[-np.inf, 0.0], sample_weight=[0, 1]).result()
    assert dropped.log_loss == log_loss_from_logits([0], [0.0])


@given(split_data())
def test_any_split_gives_the_same_bits_and_the_exactly_rounded_mean(case):
    import math

    y, p, w, cuts = case
    whole = LogLossAccumulator().update(y, p, sample_weight=w).result()
    parts = [LogLossAccumulator().update(yc, pc, sample_weight=wc)
             for yc, pc, wc in zip(np.split(y, cuts), np.split(p, cuts), np.split(w, cuts))]
    merged = parts[-1]
    for part in parts[:-1]:
        merged.merge(part)
    assert merged.result() == whole
    losses = log_loss(y, p, sample_weight=w, reduction="none")
    assert whole.log_loss == math.fsum(losses) / math.fsum(w)
    assert whole.brier_score == math.fsum((p - y) ** 2 * w) / math.fsum(w)


def test_the_state_is_plain_data_and_survives_json_exactly():
    import json

    rng = np.random.default_rng(11)
    y, z, w = rng.integers(0, 2, 5000), rng.normal(0, 4, 5000), rng.uniform(0, 3, 5000)
    accumulator = LogLossAccumulator().update(y, logits=z, sample_weight=w)
    state = json.loads(json.dumps(accumulator.to_state()))
    assert state["type"] == "LogLossAccumulator" and state["version"] == 1 and state["n_samples"] == 5000
    assert LogLossAccumulator.from_state(state).result() == accumulator.result()
    half = LogLossAccumulator().update(y[:2000], logits=z[:2000], sample_weight=w[:2000])
    rest = LogLossAccumulator.from_state(json.loads(json.dumps(
        LogLossAccumulator().update(y[2000:], logits=z[2000:], sample_weight=w[2000:]).to_state())))
    assert half.merge(rest).result() == accumulator.result()
    k_classes = LogLossAccumulator().update([0, 2], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]])  # classes 0..2 from the columns
    empty = LogLossAccumulator.from_state(LogLossAccumulator().to_state())  # a partition without rows
    assert k_classes.merge(empty).result() == LogLossAccumulator().update([0, 2], [[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]]).result()
    with pytest.raises(ValueError, match="version 2; this library reads version 1"):
        LogLossAccumulator.from_state({**state, "version": 2})
    with pytest.raises(ValueError, match="written by LogLossAccumulator.to_state"):
        LogLossAccumulator.from_state({"type": "something else"})
    with pytest.raises(ValueError, match="not an accumulator state"):
        LogLossAccumulator.from_state({**state, "sums": {"weight": [1.0]}})


def test_text_labels_are_named_once_as_for_log_loss():
    y = np.array(["jacket", "cardigan", "jacket", "jacket"])
    p = np.array([0.8, 0.3, 0.6, 0.9])
    summary = LogLossAccumulator(labels=["cardigan", "jacket"]).update(y, p).result()
    assert summary.log_loss == log_loss(y, p)
    assert summary.prevalence == 0.75
    with pytest.raises(ValueError, match=r"text labels.*labels=\[first, second\]"):
        LogLossAccumulator().update(y, p)
    with pytest.raises(ValueError, match="not among the classes"):
        LogLossAccumulator(labels=["cardigan", "jacket"]).update(["coat"], [0.5])
    with pytest.raises(ValueError, match="at least two classes"):
        LogLossAccumulator(labels=["jacket"])
    two_columns = LogLossAccumulator(labels=["cardigan", "jacket"]).update(y, np.column_stack([1 - p, p])).result()
    assert two_columns.log_loss == pytest.approx(log_loss(y, np.column_stack([1 - p, p])), rel=1e-15)
    mixed = LogLossAccumulator().update([0, 1], [0.2, 0.7])
    with pytest.raises(ValueError, match="scores two classes from one value per sample"):
        mixed.update([0, 1], [[0.8, 0.2], [0.3, 0.7]])


def test_one_class_has_no_normalized_entropy_one_rule_in_one_kernel():
    from logloss_ref import _kernels as K

    summary = LogLossAccumulator().update([1, 1, 1], [0.9, 0.8, 0.7]).result()
    assert summary.baseline_log_loss == 0.0 and summary.normalized_entropy is None and summary.d2 is None
    with pytest.raises(ValueError, match="single class"):
        normalized_entropy([1, 1, 1], [0.9, 0.8, 0.7])
    assert K.loss_ratio(0.3, 0.0) is None and K.loss_ratio(0.3, 0.6) == 0.5  # the one kernel both use


@given(split_class_data())
def test_k_class_calibration_is_top_label(case):
    from logloss_ref import softmax

    y, z, w, _, labels = case
    P = softmax(z)
    summary = LogLossAccumulator(labels=labels).update(y, P, sample_weight=w).result()
    confidence = P.max(axis=1)
    right = np.array(labels)[P.argmax(axis=1)] == y
    bins = np.searchsorted(np.linspace(0, 1, 11)[1:-1], confidence)
    expected = [(b, w[bins == b].sum(), np.sum(w * confidence * (bins == b)) / w[bins == b].sum(),
                 np.sum(w * right * (bins == b)) / w[bins == b].sum()) for b in np.unique(bins)]
    assert [round(c.low * 10) for c in summary.calibration] == [b for b, *_ in expected]
    np.testing.assert_allclose([(c.weight, c.mean_predicted, c.observed) for c in summary.calibration],
                               [e[1:] for e in expected], rtol=1e-12)


@settings(deadline=None, max_examples=40)
@given(st.integers(2, 400), st.integers(1, 7), st.booleans(), st.integers(0, 2**32 - 1))
def test_each_segment_equals_its_own_accumulator_and_the_total_equals_the_whole(n, n_segments, weighted, seed):
    from logloss_ref import SegmentedLogLossAccumulator

    rng = np.random.default_rng(seed)
    y, p = rng.integers(0, 2, n), rng.uniform(size=n)
    w = rng.uniform(0.1, 3, n) if weighted else None
    segment = np.array(["DE", "FR", "IT", "US", "ES", "NL", "PL"])[rng.integers(0, n_segments, n)]
    cut = int(rng.integers(1, n))
    first = SegmentedLogLossAccumulator().update(segment[:cut], y[:cut], p[:cut], sample_weight=None if w is None else w[:cut])
    second = SegmentedLogLossAccumulator().update(segment[cut:], y[cut:], p[cut:], sample_weight=None if w is None else w[cut:])
    merged = second.merge(first)
    assert sorted(merged.segments) == sorted(set(segment.tolist()))
    for name, summary in merged.result().items():
        mask = segment == name
        alone = LogLossAccumulator().update(y[mask], p[mask], sample_weight=None if w is None else w[mask]).result()
        assert summary == alone
    whole = LogLossAccumulator().update(y, p, sample_weight=w).result()
    assert merged.total().result() == whole
    restored = SegmentedLogLossAccumulator.from_state(merged.to_state())
    assert restored.result() == merged.result()


def test_segments_of_numbers_and_bad_segments():
    from logloss_ref import SegmentedLogLossAccumulator

    by_device = SegmentedLogLossAccumulator().update([3, 1, 3], [1, 0, 0], [0.9, 0.2, 0.4])
    assert by_device.segments == [1, 3] and by_device[3].n_samples == 2
    with pytest.raises(ValueError, match="segments has 2 entries but there are 3 samples"):
        by_device.update([1, 3], [1, 0, 0], [0.9, 0.2, 0.4])
    with pytest.raises(TypeError, match="fill missing segments"):
        by_device.update(np.array(["FR", None, "DE"], dtype=object), [1, 0, 0], [0.9, 0.2, 0.4])
    with pytest.raises(ValueError, match="cannot merge accumulators of different classes"):
        by_device.merge(SegmentedLogLossAccumulator(labels=["a", "b", "c"]).update([1], ["a"], [[0.2, 0.3, 0.5]]))
    with pytest.raises(TypeError, match="SegmentedLogLossAccumulator"):
        by_device.merge(LogLossAccumulator())


def test_a_summary_as_a_dict_is_what_asdict_gives():
    from dataclasses import asdict

    two = LogLossAccumulator().update([1, 0, 1], [0.9, 0.2, 0.35]).result()
    three = LogLossAccumulator(labels=["a", "b", "c"]).update(["b", "c"], [[0.1, 0.7, 0.2], [0.2, 0.2, 0.6]]).result()
    for summary in (two, three):
        assert summary.to_dict() == asdict(summary)
        assert summary.to_dict()["calibration"] is not summary.to_dict()["calibration"]
