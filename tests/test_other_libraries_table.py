"""The tables of the "Other libraries" page (scripts/other_libraries_table.py), built by the pre-build step."""

import json
import math

import numpy as np
import pytest
from other_libraries_table import comparison_markdown, comparison_rows, multiclass_comparison_rows, reference_values, tables


@pytest.fixture(scope="module")
def reference():
    return reference_values()


def test_comparison_rows_agree_with_the_library_and_flag_departures(reference):
    rows = comparison_rows(reference)
    for row in rows:
        values = [v for k, v in row.items() if k != "input" and v is not None]
        if row["input"].startswith("y = 1, p = 0.5") or row["input"] == "y = 1, z = 0":
            # every column, in float64 and in float32, is log 2 at the float32 precision at least
            assert all(x == pytest.approx(math.log(2), rel=1e-6) for v in values for x in np.atleast_1d(v))
        if ", z = " in row["input"]:
            z = float(row["input"].split("z = ")[1])
            assert row["logloss_ref"] == pytest.approx(row["exact"], rel=1e-15, abs=1e-300)
            # PyTorch's (1 - y) z - log sigmoid(z) cancels: exact to a few ulps of the score's size
            assert row["PyTorch BCEWithLogitsLoss"][0] == pytest.approx(row["exact"], rel=1e-15, abs=4e-16 * max(1, abs(z)))
        else:
            assert row["scikit-learn"] == pytest.approx(row["logloss_ref"], rel=1e-12)
    table = comparison_markdown(rows)
    assert "**100**" in table and "**16.1181**" in table and "**36.0437**" in table
    assert table.count("\n") == len(rows) + 1


def test_the_multiclass_rows_agree_with_the_exact_loss_where_the_library_is_exact(reference):
    rows = multiclass_comparison_rows(reference)
    for row in rows:
        if ", z = " in row["input"]:
            assert row["logloss_ref"] == pytest.approx(row["exact"], rel=1e-15, abs=1e-300)
            # (z - max) - log sum e^(z - max): exact to a few ulps of 1, not of a tiny loss
            assert row["PyTorch CrossEntropyLoss"][0] == pytest.approx(row["exact"], rel=1e-12, abs=4.5e-16)
        else:
            assert row["PyTorch CrossEntropyLoss"] is None
    assert tables(reference) == {"comparison-table": comparison_markdown(comparison_rows(reference)),
                                 "multiclass-comparison-table": comparison_markdown(rows)}


def test_the_reference_values_survive_the_cache_and_are_what_the_probabilities_give(reference):
    # The pre-build step keeps them as JSON between builds (infinities included).
    assert json.loads(json.dumps(reference)) == reference
    for row in reference["binary"]:
        assert 0.0 <= row["p"] <= 1.0
    for row in reference["multiclass"]:
        assert sum(row["P"]) == pytest.approx(1.0, rel=1e-15)
    assert math.isinf(reference["binary"][0]["exact"])  # y = 1, p = 0
