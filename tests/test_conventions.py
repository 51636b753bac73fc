"""conventions: the documented PyTorch and Keras rules, and the comparison table built from them."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from logloss_ref import log_loss, log_loss_from_logits
from logloss_ref.conventions import (
    KERAS_EPSILON,
    comparison_markdown,
    comparison_rows,
    keras_binary_crossentropy,
    torch_bce_loss,
    torch_bce_with_logits_loss,
)

labelled = st.integers(1, 30).flatmap(lambda n: st.tuples(
    arrays(np.int64, n, elements=st.integers(0, 1)),
    arrays(np.float64, n, elements=st.floats(-1e6, 1e6)),
))


@given(labelled)
def test_bce_with_logits_is_the_exact_loss(case):
    y, z = case
    assert torch_bce_with_logits_loss(y, z) == pytest.approx(log_loss_from_logits(y, z), rel=1e-12, abs=1e-300)


def test_bce_loss_clamps_each_log_at_minus_100():
    assert torch_bce_loss([1, 0], [0.0, 1.0]) == 100.0
    assert torch_bce_loss([1], [1e-20]) == pytest.approx(-math.log(1e-20), rel=1e-15)
    assert torch_bce_loss([1, 0], [0.3, 0.3]) == pytest.approx(log_loss([1, 0], [0.3, 0.3]), rel=1e-15)


def test_keras_clips_at_its_epsilon():
    cap = -math.log(KERAS_EPSILON)
    assert keras_binary_crossentropy([1], [0.0]) == pytest.approx(cap, rel=1e-9)
    assert keras_binary_crossentropy([0], [1.0]) == pytest.approx(-math.log(1 - (1 - KERAS_EPSILON)), rel=1e-9)
    assert keras_binary_crossentropy([1, 0], [0.3, 0.3]) == pytest.approx(log_loss([1, 0], [0.3, 0.3]), rel=1e-15)


def test_comparison_rows_agree_with_the_library_and_flag_departures():
    rows = comparison_rows()
    for row in rows:
        if row["input"].startswith("y = 1, p = 0.5") or row["input"] == "y = 1, z = 0":
            assert all(v == pytest.approx(math.log(2)) for k, v in row.items() if k != "input" and v is not None)
        if ", z = " in row["input"]:
            assert row["logloss_ref"] == pytest.approx(row["exact"], rel=1e-15, abs=1e-300)
            assert row["PyTorch BCEWithLogitsLoss"] == pytest.approx(row["exact"], rel=1e-15, abs=1e-300)
        else:
            assert row["scikit-learn"] == pytest.approx(row["logloss_ref"], rel=1e-12)
    table = comparison_markdown()
    assert "**100**" in table and "**16.1181**" in table and "**36.0437**" in table
    assert table.count("\n") == len(rows) + 1


@pytest.mark.parametrize("call, error, words", [
    (lambda: torch_bce_loss([1], [1.5]), ValueError, r"\[0, 1\]"),
    (lambda: keras_binary_crossentropy([2], [0.5]), ValueError, "only 0 and 1"),
    (lambda: torch_bce_with_logits_loss([1], [np.inf]), ValueError, "finite"),
    (lambda: torch_bce_with_logits_loss([1, 0], [0.5]), ValueError, "same number"),
])
def test_bad_input_is_refused(call, error, words):
    with pytest.raises(error, match=words):
        call()
