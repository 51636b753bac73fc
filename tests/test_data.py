"""data: the worked table and the synthetic customers."""

import numpy as np
import pytest

from logloss_ref import case_study_table, log_loss, make_customers


def test_table_holds_the_rows_the_article_quotes():
    table = case_study_table()
    rows = dict(zip(table.customer_ids, zip(table.y_true.tolist(), table.y_prob.tolist())))
    assert rows["ID5"] == (0, 0.1)
    assert rows["ID6"] == (1, 0.94)
    assert len(set(table.customer_ids)) == len(table.customer_ids)
    assert set(table.y_true.tolist()) == {0, 1}


def test_worked_table_ends_with_the_log_loss():
    table = case_study_table()
    last = table.worked_table().splitlines()[-1]
    assert last.endswith(f"{log_loss(table.y_true, table.y_prob):.4f}")


def test_customers_are_reproducible_and_follow_their_model():
    a, b = make_customers(5000, n_features=2, seed=11), make_customers(5000, n_features=2, seed=11)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.array_equal(a.y, make_customers(5000, n_features=2, seed=12).y)
    # The labels are Bernoulli draws: their mean is close to the model's mean probability.
    p = 1 / (1 + np.exp(-(a.X @ a.true_coef + a.true_intercept)))
    assert a.y.mean() == pytest.approx(p.mean(), abs=0.03)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(n_samples=1), ValueError, "n_samples must be >= 2"),
    (dict(n_samples=10.0), TypeError, "n_samples must be an integer"),
    (dict(n_features=3), ValueError, "n_features must be 1 or 2"),
    (dict(n_features=0), ValueError, "n_features must be >= 1"),
    (dict(seed=-1), ValueError, "seed must be >= 0"),
    (dict(seed=None), TypeError, "seed must be an integer"),
])
def test_make_customers_refuses_bad_arguments(kwargs, error, words):
    with pytest.raises(error, match=words):
        make_customers(**kwargs)


def test_three_product_table_is_a_valid_k_class_table():
    from logloss_ref import PRODUCTS, three_product_table

    table = three_product_table()
    assert table.products == PRODUCTS == ("cardigan", "coat", "jacket")
    np.testing.assert_allclose(table.y_prob.sum(axis=1), 1.0, rtol=0, atol=1e-15)
    assert set(table.y_true.tolist()) == set(PRODUCTS)
    assert table.worked_table().splitlines()[-1].endswith(f"{log_loss(table.y_true, table.y_prob):.4f}")


def test_three_product_customers_follow_their_softmax_model():
    from logloss_ref import make_three_product_customers, softmax

    a, b = make_three_product_customers(20_000, seed=3), make_three_product_customers(20_000, seed=3)
    np.testing.assert_array_equal(a.y, b.y)
    P = softmax(a.X @ a.true_coef.T + a.true_intercept)
    shares = [(a.y == name).mean() for name in ("cardigan", "coat", "jacket")]
    np.testing.assert_allclose(shares, P.mean(axis=0), atol=0.01)
    # Between cardigan and jacket alone, the jacket's share follows the binary model's sigmoid.
    pair = np.isin(a.y, ["cardigan", "jacket"])
    p_jacket = P[pair, 2] / (P[pair, 0] + P[pair, 2])
    assert (a.y[pair] == "jacket").mean() == pytest.approx(p_jacket.mean(), abs=0.015)
    with pytest.raises(ValueError, match="n_samples must be >= 2"):
        make_three_product_customers(1)
