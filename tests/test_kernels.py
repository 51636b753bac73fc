"""_kernels: the trusted formulas, each against an independent computation."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from logloss_ref import _kernels as K


@settings(deadline=None)
@given(
    st.lists(st.one_of(st.floats(0.0, 1.0), st.sampled_from([k / 10 for k in range(11)])), min_size=1, max_size=200),
    st.integers(1, 30),
)
def test_uniform_bins_are_those_of_searchsorted(values, n_bins):
    # scikit-learn's rule: bin i holds edges[i] < p <= edges[i + 1]; probe every edge and its neighbours.
    edges = np.linspace(0.0, 1.0, n_bins + 1)
    p = np.concatenate([values, np.nextafter(edges, 2.0)[:-1], np.nextafter(edges, -1.0)[1:], edges])
    assert (K.uniform_bins(p, n_bins) == np.searchsorted(edges[1:-1], p)).all()


@settings(deadline=None)
@given(st.lists(st.floats(-1e300, 1e300), min_size=0, max_size=60))
def test_exact_sum_is_fsum(values):
    assert K.exact_sum(np.array(values, dtype=float)) == math.fsum(values)


def test_drop_zero_weights_drops_an_infinite_loss():
    losses = np.array([np.inf, 1.0, 2.0])
    assert K.drop_zero_weights(losses, np.array([0.0, 2.0, 0.5])).tolist() == [0.0, 2.0, 1.0]
    assert losses.tolist() == [np.inf, 1.0, 2.0]  # the caller's array is left as it was


def test_loss_ratio_is_undefined_for_a_single_class():
    assert K.loss_ratio(0.3, 0.6) == 0.5
    assert K.loss_ratio(0.3, 0.0) is None


def test_class_entropy_matches_the_definition_and_keeps_digits_of_a_dominant_class():
    totals = np.array([3.0, 1.0, 0.0, 4.0])
    shares = totals[totals > 0] / totals.sum()
    assert math.isclose(K.class_entropy(totals), -np.sum(shares * np.log(shares)), rel_tol=1e-15)
    # one sample in 10**12: -(1 - t) log(1 - t) - t log t, with log1p, to full precision
    t = 1e-12
    exact = -(1 - t) * math.log1p(-t) - t * math.log(t)
    assert math.isclose(K.class_entropy(np.array([1e12 - 1, 1.0])), exact, rel_tol=1e-14)


def test_corrected_probabilities_two_and_k_classes():
    assert K.corrected(np.array([True, False]), np.array([0.9, 0.2])).tolist() == [0.9, 0.8]
    P = np.array([[0.2, 0.5, 0.3], [0.1, 0.1, 0.8]])
    assert K.corrected(np.array([1, 2]), P).tolist() == [0.5, 0.8]
    # The select reads the bits of native float64: other layouts are converted first.
    assert K.corrected(np.array([True, False]), np.array([0.9, 0.2], dtype=">f8")).tolist() == [0.9, 0.8]


def test_exact_sums_of_float32_or_big_endian_values_are_exact():
    values = np.array([0.1, 0.2, 0.3], dtype=np.float32)  # the ladder's rounding needs float64 arithmetic
    for given in (values, values.astype(">f8")):
        sums = K.ExactSums(1, 1)
        sums.add(given, 0)
        assert sums.value(0) == math.fsum(values.astype(float).tolist())


def test_score_losses_equal_minus_log_softmax_and_logit_losses_the_two_column_case():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(50, 3)) * 5
    index = rng.integers(0, 3, size=50)
    direct = -(z[np.arange(50), index] - np.log(np.exp(z).sum(axis=1)))
    np.testing.assert_allclose(K.score_losses(index, z), direct, rtol=1e-13, atol=1e-15)  # direct cancels when small
    logits = z[:, 0]
    is_one = index == 1
    two_columns = np.stack([np.zeros(50), logits], axis=1)
    np.testing.assert_allclose(K.logit_losses(is_one, logits), K.score_losses(is_one.astype(np.intp), two_columns),
                               rtol=1e-13, atol=1e-300)


def test_exact_sums_by_cell_are_fsum_across_the_ladder_of_levels():
    # Terms from subnormals to beyond the ladder's top (2**995), which naive float sums get wrong,
    # spread over rows and offset columns in pieces: each cell must be fsum of its terms.
    rng = np.random.default_rng(7)
    n = 3000
    values = np.ldexp(rng.uniform(-1.0, 1.0, n), rng.integers(-1074, 1000, n))
    values[:6] = [1e16, 1.0, -1e16, 5e-324, 2.0**996, -(2.0**996)]
    rows, offsets = rng.integers(0, 3, n), rng.integers(0, 4, n)
    sums = K.ExactSums(3, 5)
    for part in np.array_split(rng.permutation(n), 4):
        present = np.unique(rows[part])
        lookup = np.zeros(3, dtype=np.intp)
        lookup[present] = np.arange(len(present))
        sums.add(values[part], 1, rows=lookup[rows[part]], present=present, offsets=offsets[part], n_offsets=4)
    for row in range(3):
        for offset in range(4):
            assert sums.value(1 + offset, row) == math.fsum(values[(rows == row) & (offsets == offset)].tolist())
    assert sums.value(0, 0) == 0.0


def test_a_part_beyond_the_largest_float_merges_back_into_range():
    beyond, back = K.ExactSums(1, 1), K.ExactSums(1, 1)
    beyond.add(np.array([-1.7976931348623155e308, -2.9937604643020797e292]), 0)
    back.add(np.array([2.9937604643020797e292]), 0)
    assert beyond.merge(back) is None and beyond.value(0) == -1.7976931348623155e308
