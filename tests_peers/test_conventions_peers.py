"""Every function of logloss_ref.conventions against the library it re-implements, in float32 and float64.

PyTorch on the CPU; Keras on the JAX backend. Inputs are seeded random arrays (probabilities
and scores from moderate to saturated) and the extreme cases of the site's tables. Each
comparison is made per sample (a one-sample mean against the library's ``reduction="none"``)
and for the mean, with the tolerance of ``conftest._tolerance``.
"""

import math
import warnings
from contextlib import contextmanager

import jax
import keras
import numpy as np
import pytest
import torch

from logloss_ref.conventions import (
    keras_binary_crossentropy,
    keras_categorical_crossentropy,
    keras_sparse_categorical_crossentropy,
    torch_bce_loss,
    torch_bce_with_logits_loss,
    torch_cross_entropy_loss,
)

PRECISIONS = [np.float32, np.float64]
TORCH_DTYPE = {np.float32: torch.float32, np.float64: torch.float64}
SEEDS = range(5)
N = 64


def tensor(values, dt):
    """What a reader's ``torch.tensor(values, dtype=...)`` holds: float64 values rounded to ``dt``."""
    return torch.tensor(np.asarray(values, dtype=np.float64), dtype=TORCH_DTYPE[dt])


def as_floats(result) -> np.ndarray:
    return np.asarray(result, dtype=np.float64)


@contextmanager
def keras_precision(dt):
    """Keras on JAX computes in float64 only with JAX's x64 mode on and a float64 loss (see the test below)."""
    previous = jax.config.jax_enable_x64
    jax.config.update("jax_enable_x64", dt is np.float64)
    try:
        yield np.dtype(dt).name
    finally:
        jax.config.update("jax_enable_x64", previous)


def keras_loss(cls, dt, y, p, **options):
    """The Keras loss ``cls`` in precision ``dt``: the mean, and the per-sample losses."""
    with keras_precision(dt) as name:
        mean = cls(dtype=name, **options)(y, p)
        each = cls(dtype=name, reduction=None, **options)(*per_sample_shape(cls, y, p))
        assert str(mean.dtype) == name and str(each.dtype) == name
        return float(mean), as_floats(each)


def per_sample_shape(cls, y, p):
    """Binary cross-entropy averages over the last axis: one column per sample gives per-sample losses."""
    if cls is keras.losses.BinaryCrossentropy:
        return np.asarray(y)[:, None], np.asarray(p)[:, None]
    return y, p


# --- the precisions the readers get ------------------------------------------------------------


def test_the_defaults_are_float32_and_keras_runs_on_jax():
    assert torch.get_default_dtype() == torch.float32
    assert keras.config.floatx() == "float32"
    assert keras.backend.backend() == "jax"
    assert not jax.config.jax_enable_x64


def test_keras_on_jax_needs_x64_and_a_float64_loss_to_compute_in_float64():
    """What we found: float64 input alone gives float32, so does a float64 loss without x64, and
    with both, BinaryCrossentropy still rounds its mean to float32 (CategoricalCrossentropy does not)."""
    y, p = np.array([1.0]), np.array([0.3])
    assert str(keras.losses.BinaryCrossentropy()(y, p).dtype) == "float32"  # float64 input, floatx float32
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        truncated = keras.losses.BinaryCrossentropy(dtype="float64")(y, p)
    assert str(truncated.dtype) == "float32"
    assert any("jax_enable_x64" in str(w.message) for w in caught)
    with keras_precision(np.float64):
        binary = keras.losses.BinaryCrossentropy(dtype="float64")(y, p)
        categorical = keras.losses.CategoricalCrossentropy(dtype="float64")(np.array([[0.0, 1.0]]), np.array([[0.7, 0.3]]))
    assert str(binary.dtype) == "float64" and float(binary) == float(np.float32(-math.log(0.3))) != -math.log(0.3)
    assert str(categorical.dtype) == "float64" and float(categorical) == pytest.approx(-math.log(0.3), rel=1e-15)


# --- inputs ------------------------------------------------------------------------------------


def random_probabilities(seed):
    """Labels and probabilities from moderate to saturated (sigmoid of scores of scale 1 to 40)."""
    rng = np.random.default_rng(seed)
    z = rng.normal(size=N) * rng.choice([1.0, 10.0, 40.0], size=N)
    return rng.integers(0, 2, N), 1 / (1 + np.exp(-z))


def random_logits(seed):
    rng = np.random.default_rng(100 + seed)
    z = rng.normal(size=N) * rng.choice([1.0, 10.0, 40.0, 1e3], size=N)
    return rng.integers(0, 2, N), z


EXTREME_PROBABILITIES = [0.0, 1e-45, 1e-20, 1e-8, 1e-7, 0.5, 1 - 1e-7, 1 - 1e-8, 1 - 1e-9, 1.0]
EXTREME_LOGITS = [-1e4, -100.0, -50.0, -40.0, -20.0, -5.0, -1e-8, 0.0, 1e-8, 5.0, 20.0, 40.0, 50.0, 100.0, 1e4]


def both_labels(values):
    return np.repeat([0, 1], len(values)), np.tile(values, 2)


def probability_scale(loss):
    """A log of a rounded argument is off by about one ulp absolute, the result by one ulp relative."""
    return 1 + np.abs(loss)


def logit_scale(z, loss):
    """A loss formed from terms of the size of the score keeps an ulp of that size."""
    return 1 + np.abs(z) + np.abs(loss)


# --- PyTorch BCELoss and BCEWithLogitsLoss -----------------------------------------------------


def compare_binary(agree, function, dt, y, values, ours, each, mean, scale, kind, **options):
    for i in range(len(y)):
        agree(function, dt, ours([y[i]], [values[i]]), float(each[i]), float(scale[i]), kind=kind, **options)
    agree(function, dt, ours(y, values), mean, float(np.mean(scale)), n_terms=len(y), kind=kind, **options)


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("inputs", [*(f"random {s}" for s in SEEDS), "extreme"])
def test_torch_bce_loss(agree, dt, inputs):
    y, p = both_labels(EXTREME_PROBABILITIES) if inputs == "extreme" else random_probabilities(int(inputs[-1]))

    def library(reduction):
        return as_floats(torch.nn.BCELoss(reduction=reduction)(tensor(p, dt), tensor(y, dt)))

    each = library("none")
    compare_binary(agree, "torch_bce_loss", dt, y, p, lambda *a: torch_bce_loss(*a, dtype=dt),
                   each, float(library("mean")), probability_scale(each), inputs.split()[0])


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("inputs", [*(f"random {s}" for s in SEEDS), "extreme"])
def test_torch_bce_with_logits_loss(agree, dt, inputs):
    y, z = both_labels(EXTREME_LOGITS) if inputs == "extreme" else random_logits(int(inputs[-1]))

    def library(reduction):
        return as_floats(torch.nn.BCEWithLogitsLoss(reduction=reduction)(tensor(z, dt), tensor(y, dt)))

    each = library("none")
    compare_binary(agree, "torch_bce_with_logits_loss", dt, y, z, lambda *a: torch_bce_with_logits_loss(*a, dtype=dt),
                   each, float(library("mean")), logit_scale(z, each), inputs.split()[0])


@pytest.mark.parametrize("dt", PRECISIONS)
def test_torch_bce_loss_in_float32_is_100_where_1_minus_p_rounds_to_0(dt):
    ours = torch_bce_loss([0], [1 - 1e-9], dtype=dt)
    theirs = float(torch.nn.BCELoss()(tensor([1 - 1e-9], dt), tensor([0.0], dt)))
    assert ours == theirs
    assert (ours == 100.0) == (dt is np.float32)


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("label", [0, 1])
@pytest.mark.parametrize("z", [-np.inf, np.inf])
def test_infinite_logits_give_inf_or_are_refused_where_pytorch_gives_nan(dt, label, z):
    theirs = float(torch.nn.BCEWithLogitsLoss()(tensor([z], dt), tensor([label], dt)))
    if math.isnan(theirs):
        with pytest.raises(ValueError, match="returns nan"):
            torch_bce_with_logits_loss([label], [z], dtype=dt)
    else:
        assert torch_bce_with_logits_loss([label], [z], dtype=dt) == theirs
    assert (theirs == math.inf) == (label == 0 and z > 0)  # only the certainly wrong "yes" has a value


# --- Keras BinaryCrossentropy ------------------------------------------------------------------


def keras_binary(agree, name, dt, y, values, scale_of, ours, **options):
    """Keras's BinaryCrossentropy against ``ours``; in float64 Keras rounds each mean to float32.

    Its ``binary_crossentropy`` ends with ``keras.ops.mean``, which on JAX computes in
    ``keras.backend.result_type(x.dtype, "float32")``, and that maps float64 to float32 (to
    match JAX's default): with x64 on and a float64 loss, the losses are float64 but their
    mean, even over one sample, is rounded to float32. We compare our float64 values with
    them at float32's tolerance, and check that the rounding is there.
    """
    mean, each = keras_loss(keras.losses.BinaryCrossentropy, dt, y.astype(float), values, **options)
    rounded_to = None
    if dt is np.float64:
        rounded_to = np.float32
        assert np.array_equal(each.astype(np.float32), each) and float(np.float32(mean)) == mean
    kind = "random" if len(y) == N else "extreme"
    compare_binary(agree, name, dt, y, values, ours, each, mean, scale_of(values, each),
                   kind + (", mean in float32" if rounded_to else ""), rounded_to=rounded_to, ftz=True)


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("inputs", [*(f"random {s}" for s in SEEDS), "extreme"])
def test_keras_binary_crossentropy(agree, dt, smoothing, inputs):
    y, p = both_labels(EXTREME_PROBABILITIES) if inputs == "extreme" else random_probabilities(int(inputs[-1]))
    keras_binary(agree, "keras_binary_crossentropy", dt, y, p, lambda p, each: probability_scale(each),
                 lambda *a: keras_binary_crossentropy(*a, label_smoothing=smoothing, dtype=dt),
                 label_smoothing=smoothing)


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("inputs", [*(f"random {s}" for s in SEEDS), "extreme"])
def test_keras_binary_crossentropy_from_logits(agree, dt, smoothing, inputs):
    y, z = both_labels(EXTREME_LOGITS) if inputs == "extreme" else random_logits(int(inputs[-1]))
    keras_binary(agree, "keras_binary_crossentropy(from_logits)", dt, y, z, logit_scale,
                 lambda *a: keras_binary_crossentropy(*a, label_smoothing=smoothing, from_logits=True, dtype=dt),
                 label_smoothing=smoothing, from_logits=True)


def test_keras_clip_costs_15_94_in_float32_for_a_certain_wrong_prediction():
    mean, _ = keras_loss(keras.losses.BinaryCrossentropy, np.float32, np.array([0.0]), np.array([1.0]))
    ours = keras_binary_crossentropy([0], [1.0], dtype=np.float32)
    assert ours == mean
    assert round(ours, 2) == 15.94 and round(keras_binary_crossentropy([0], [1.0]), 2) == 16.12


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("label", [0, 1])
@pytest.mark.parametrize("z", [-np.inf, np.inf])
def test_infinite_logits_give_inf_or_are_refused_where_keras_gives_nan(dt, smoothing, label, z):
    theirs, _ = keras_loss(keras.losses.BinaryCrossentropy, dt, np.array([float(label)]), np.array([z]),
                           from_logits=True, label_smoothing=smoothing)
    if math.isnan(theirs):
        with pytest.raises(ValueError, match="returns nan"):
            keras_binary_crossentropy([label], [z], from_logits=True, label_smoothing=smoothing, dtype=dt)
    else:
        assert keras_binary_crossentropy([label], [z], from_logits=True, label_smoothing=smoothing, dtype=dt) == theirs
    wrong = (label == 1) == (z < 0)
    assert (theirs == math.inf) == (wrong or smoothing > 0)  # nan where a target of 0 meets inf


# --- PyTorch CrossEntropyLoss ------------------------------------------------------------------

K = 4


def random_scores(seed, scale_choices=(1.0, 10.0, 40.0)):
    rng = np.random.default_rng(200 + seed)
    scale = rng.choice(scale_choices, size=(N, 1))
    return rng.integers(0, K, N), rng.normal(size=(N, K)) * scale, rng.uniform(0.1, 3.0, K)


#: Rows of three scores: dominant, huge, tied, and with classes of probability 0 (-inf).
EXTREME_SCORES = [
    (1, [0.0, 40.0, 0.0]), (1, [0.0, 30.0, 0.0]), (0, [20.0, 0.0, 0.0]), (2, [1e4, 0.0, 0.0]), (0, [1e4, 0.0, 0.0]),
    (0, [0.0, 0.0, 0.0]), (1, [-1e4, 1e4, -1e4]), (2, [-np.inf, 0.0, 1.0]), (0, [5.0, -np.inf, -np.inf]),
]


def row_scale(z, loss):
    """The log-softmax subtracts the row's largest score: an ulp of the row's spread."""
    finite = np.where(np.isfinite(z), z, np.nan)
    spread = np.nanmax(finite, axis=1) - np.nanmin(finite, axis=1)
    return 1 + spread + np.abs(loss)


def torch_ce(y, z, dt, reduction="mean", **options):
    if options.get("weight") is not None:
        options["weight"] = tensor(options["weight"], dt)
    loss = torch.nn.CrossEntropyLoss(reduction=reduction, **options)(tensor(z, dt), torch.tensor(y))
    return as_floats(loss)


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("seed", SEEDS)
def test_torch_cross_entropy_loss_random(agree, dt, smoothing, seed):
    y, z, w = random_scores(seed)
    each = torch_ce(y, z, dt, reduction="none", label_smoothing=smoothing)
    scale = row_scale(z, each)
    for i in range(N):
        agree("torch_cross_entropy_loss", dt, torch_cross_entropy_loss([y[i]], z[[i]], label_smoothing=smoothing, dtype=dt),
              float(each[i]), float(scale[i]), kind="random")
    target = np.where(np.arange(N) % 5 == 0, -100, y)  # every fifth sample ignored
    for options in [{}, {"weight": w}, {"ignore_index": -100}, {"weight": w, "ignore_index": -100}]:
        labels = target if "ignore_index" in options else y
        theirs = float(torch_ce(labels, z, dt, label_smoothing=smoothing, **options))
        ours = torch_cross_entropy_loss(labels, z, label_smoothing=smoothing, dtype=dt, **options)
        agree("torch_cross_entropy_loss", dt, ours, theirs, float(np.mean(scale)), n_terms=N, kind="random")


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
def test_torch_cross_entropy_loss_extreme(agree, dt, smoothing):
    for label, row in EXTREME_SCORES:
        z = np.array([row])
        theirs = float(torch_ce([label], z, dt, label_smoothing=smoothing))
        ours = torch_cross_entropy_loss([label], z, label_smoothing=smoothing, dtype=dt)
        agree("torch_cross_entropy_loss", dt, ours, theirs, float(row_scale(z, np.array([theirs]))[0]), kind="extreme")


@pytest.mark.parametrize("dt", PRECISIONS)
def test_torch_cross_entropy_where_pytorch_gives_nan_is_refused(dt):
    z = [[0.0, np.inf, 1.0]]
    assert math.isnan(float(torch_ce([1], z, dt)))
    with pytest.raises(ValueError, match="returns nan"):
        torch_cross_entropy_loss([1], z, dtype=dt)
    z = [[-np.inf, 0.0, 1.0]]  # weight 0 on the -inf class: 0 × -inf in the smoothed part
    assert math.isnan(float(torch_ce([1], z, dt, weight=[0.0, 1.0, 1.0], label_smoothing=0.1)))
    with pytest.raises(ValueError, match="returns nan"):
        torch_cross_entropy_loss([1], z, weight=[0.0, 1.0, 1.0], label_smoothing=0.1, dtype=dt)
    assert math.isnan(float(torch_ce([-100], [[0.0, 1.0, 2.0]], dt)))
    with pytest.raises(ValueError, match="returns nan"):
        torch_cross_entropy_loss([-100], [[0.0, 1.0, 2.0]], dtype=dt)


# --- Keras CategoricalCrossentropy and SparseCategoricalCrossentropy ---------------------------


def random_probability_rows(seed):
    """Rows of probabilities, some near 0, some exactly 0, some not summing to 1 (Keras rescales them)."""
    rng = np.random.default_rng(300 + seed)
    P = rng.dirichlet(np.full(K, 0.3), size=N)
    P[rng.random((N, K)) < 0.1] = 0.0
    P[P.sum(axis=1) == 0, 0] = 1.0
    P[::3] *= 0.5  # unnormalised rows
    return rng.integers(0, K, N), P


#: (true class, probabilities): certain, certainly wrong, tiny, unnormalised.
EXTREME_PROBABILITY_ROWS = [
    (1, [1.0, 0.0, 0.0]), (0, [1.0, 0.0, 0.0]), (1, [0.5, 1e-20, 0.5]), (2, [1e-9, 1e-9, 1 - 2e-9]),
    (0, [0.2, 0.3, 0.5]), (0, [0.5, 0.0, 0.0]), (1, [1e-30, 1e-30, 1e-30]), (2, [0.0, 1e-8, 0.0]),
]


def compare_categorical(agree, function, dt, classes, targets, values, each, mean, scale, kind, ours):
    for i in range(len(classes)):
        one = None if targets is None else targets[[i]]
        agree(function, dt, ours(classes[[i]], one, values[[i]]), float(each[i]), float(scale[i]), kind=kind, ftz=True)
    agree(function, dt, ours(classes, targets, values), mean, float(np.mean(scale)), n_terms=len(classes), kind=kind,
          ftz=True)


CATEGORICAL_CASES = [*(("random", s, lg) for s in SEEDS for lg in (False, True)), ("extreme", 0, False), ("extreme", 0, True)]


def categorical_inputs(kind, seed, from_logits):
    if kind == "random":
        if from_logits:
            y, z, _ = random_scores(seed)
            return y, z
        return random_probability_rows(seed)
    rows = EXTREME_SCORES if from_logits else EXTREME_PROBABILITY_ROWS
    if from_logits:  # Keras gives nan for a -inf score with a target of 0: see the test below
        rows = [(label, row) for label, row in rows if np.isfinite(row).all()]
    return np.array([label for label, _ in rows]), np.array([row for _, row in rows], dtype=float)


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("kind, seed, from_logits", CATEGORICAL_CASES)
def test_keras_categorical_crossentropy(agree, dt, smoothing, kind, seed, from_logits):
    y, values = categorical_inputs(kind, seed, from_logits)
    targets = np.eye(values.shape[1])[y]
    mean, each = keras_loss(keras.losses.CategoricalCrossentropy, dt, targets, values, label_smoothing=smoothing,
                            from_logits=from_logits)
    scale = row_scale(values, each) if from_logits else probability_scale(each)
    name = "keras_categorical_crossentropy" + ("(from_logits)" if from_logits else "")
    compare_categorical(agree, name, dt, y, targets, values, each, mean, scale, kind,
                        lambda c, t, v: keras_categorical_crossentropy(t, v, label_smoothing=smoothing,
                                                                       from_logits=from_logits, dtype=dt))


@pytest.mark.parametrize("dt", PRECISIONS)
@pytest.mark.parametrize("kind, seed, from_logits", CATEGORICAL_CASES)
def test_keras_sparse_categorical_crossentropy(agree, dt, kind, seed, from_logits):
    y, values = categorical_inputs(kind, seed, from_logits)
    mean, each = keras_loss(keras.losses.SparseCategoricalCrossentropy, dt, y, values, from_logits=from_logits)
    scale = row_scale(values, each) if from_logits else probability_scale(each)
    name = "keras_sparse_categorical_crossentropy" + ("(from_logits)" if from_logits else "")
    compare_categorical(agree, name, dt, y, None, values, each, mean, scale, kind,
                        lambda c, t, v: keras_sparse_categorical_crossentropy(c, v, from_logits=from_logits, dtype=dt))


@pytest.mark.parametrize("dt", PRECISIONS)
def test_keras_scores_of_minus_inf(agree, dt):
    """A -inf score costs inf where the target is positive; where it is 0, Keras gives nan and we refuse."""
    z = np.array([[-np.inf, 0.0, 1.0]])
    one_hot = np.array([[0.0, 0.0, 1.0]])
    mean, _ = keras_loss(keras.losses.CategoricalCrossentropy, dt, one_hot, z, from_logits=True)
    assert math.isnan(mean)
    with pytest.raises(ValueError, match="returns nan"):
        keras_categorical_crossentropy(one_hot, z, from_logits=True, dtype=dt)
    mean, _ = keras_loss(keras.losses.CategoricalCrossentropy, dt, one_hot, z, from_logits=True, label_smoothing=0.1)
    ours = keras_categorical_crossentropy(one_hot, z, from_logits=True, label_smoothing=0.1, dtype=dt)
    agree("keras_categorical_crossentropy(from_logits)", dt, ours, mean, 1.0, kind="extreme", ftz=True)
    assert ours == math.inf
