"""The tables of the "Other libraries" page (scripts/other_libraries_table.py), built at pre-build time."""

import math

import pytest

from other_libraries_table import comparison_markdown, comparison_rows, multiclass_comparison_rows, tables


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


def test_the_multiclass_rows_agree_with_the_exact_loss_where_the_library_is_exact():
    rows = multiclass_comparison_rows()
    for row in rows:
        if ", z = " in row["input"]:
            assert row["logloss_ref"] == pytest.approx(row["exact"], rel=1e-15, abs=1e-300)
            assert row["PyTorch CrossEntropyLoss"] == pytest.approx(row["exact"], rel=1e-12, abs=1e-300)
        else:
            assert row["PyTorch CrossEntropyLoss"] is None
    assert tables() == {"comparison-table": comparison_markdown(),
                        "multiclass-comparison-table": comparison_markdown(rows)}
