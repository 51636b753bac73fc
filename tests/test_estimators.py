"""estimators: the fits against scikit-learn (two and K classes), their optimum, and bad input."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import LinearRegression as SkLinearRegression
from sklearn.linear_model import LogisticRegression as SkLogisticRegression

from logloss_ref import (
    ConvergenceWarning,
    LinearRegression,
    LogisticRegression,
    NotFittedError,
    log_loss,
    make_customers,
)


@pytest.mark.parametrize("solver", ["gradient_descent", "newton"])
@pytest.mark.parametrize("n_features, seed", [(1, 0), (2, 1), (2, 5)])
def test_fit_agrees_with_sklearn_unpenalised(solver, n_features, seed):
    data = make_customers(400, n_features=n_features, seed=seed)
    ours = LogisticRegression(solver=solver).fit(data.X, data.y)
    theirs = SkLogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(data.X, data.y)
    assert ours.converged_
    np.testing.assert_allclose(ours.predict_proba(data.X), theirs.predict_proba(data.X), atol=1e-4)
    assert ours.coef_.shape == theirs.coef_.shape and ours.intercept_.shape == theirs.intercept_.shape
    np.testing.assert_allclose(np.append(ours.coef_, ours.intercept_), np.append(theirs.coef_, theirs.intercept_), rtol=1e-3)
    np.testing.assert_array_equal(ours.predict(data.X), theirs.predict(data.X))


def test_gradient_descent_without_standardizing_reaches_the_same_optimum():
    data = make_customers(300, seed=3)
    plain = LogisticRegression(standardize=False, learning_rate=0.05, max_iter=200_000, tol=1e-7).fit(data.X, data.y)
    newton = LogisticRegression(solver="newton").fit(data.X, data.y)
    assert plain.converged_
    np.testing.assert_allclose(plain.predict_proba(data.X), newton.predict_proba(data.X), atol=1e-5)


@settings(max_examples=20, deadline=None)
@given(st.integers(0, 10_000))
def test_at_the_optimum_mean_probability_equals_base_rate(seed):
    data = make_customers(150, n_features=2, seed=seed)
    model = LogisticRegression(solver="newton", tol=1e-12).fit(data.X, data.y)
    assert model.predict_proba(data.X)[:, 1].mean() == pytest.approx(data.y.mean(), abs=1e-10)


def test_loss_history_decreases_and_ends_at_the_fitted_loss():
    data = make_customers(200, seed=0)
    model = LogisticRegression().fit(data.X, data.y)
    history = model.loss_history_
    assert len(history) == model.n_iter_
    assert history[0] == pytest.approx(np.log(2))
    assert (np.diff(history) <= 1e-15).all()
    assert history[-1] == pytest.approx(log_loss(data.y, model.predict_proba(data.X)), rel=1e-12)


def test_separable_data_warns_instead_of_pretending():
    X = np.array([[0.0], [1.0], [2.0], [3.0]])
    with pytest.warns(ConvergenceWarning, match="separable"):
        model = LogisticRegression(max_iter=50).fit(X, [0, 0, 1, 1])
    assert not model.converged_ and model.n_iter_ == 50


def test_linear_regression_matches_sklearn():
    data = make_customers(100, n_features=2, seed=4)
    ours = LinearRegression().fit(data.X, data.y)
    theirs = SkLinearRegression().fit(data.X, data.y)
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-10)
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-10)
    np.testing.assert_allclose(ours.predict(data.X), theirs.predict(data.X), rtol=1e-10)


X_OK = [[0.0], [1.0], [2.0]]


@pytest.mark.parametrize("params, X, y, error, words", [
    ({}, X_OK, [1, 1, 1], ValueError, r"only one class \(1\)"),
    ({}, [[0.0], [np.inf], [2.0]], [0, 1, 1], ValueError, "X must be finite"),
    ({}, [[0.0], [np.nan], [2.0]], [0, 1, 1], ValueError, "X must be finite"),
    ({}, [0.0, 1.0, 2.0], [0, 1, 1], ValueError, "X must be 2-D.*reshape"),
    ({}, X_OK, [0, 1], ValueError, "same number"),
    ({}, X_OK, [0.0, 1.0, np.nan], ValueError, "y contains NaN"),
    ({}, X_OK, [0, 1, None], TypeError, "y must hold numbers, booleans or strings"),
    ({}, [["a"], ["b"], ["c"]], [0, 1, 1], TypeError, "X must contain real numbers"),
    ({"learning_rate": 0.0}, X_OK, [0, 1, 1], ValueError, "learning_rate must be > 0"),
    ({"learning_rate": -1.0}, X_OK, [0, 1, 1], ValueError, "learning_rate must be > 0"),
    ({"learning_rate": np.nan}, X_OK, [0, 1, 1], ValueError, "learning_rate must be finite"),
    ({"learning_rate": "fast"}, X_OK, [0, 1, 1], TypeError, "learning_rate must be a real number"),
    ({"max_iter": 0}, X_OK, [0, 1, 1], ValueError, "max_iter must be >= 1"),
    ({"max_iter": 2.5}, X_OK, [0, 1, 1], TypeError, "max_iter must be an integer"),
    ({"tol": -1.0}, X_OK, [0, 1, 1], ValueError, "tol must be >= 0"),
    ({"solver": "lbfgs"}, X_OK, [0, 1, 1], ValueError, "solver must be"),
    ({"C": 0.0}, X_OK, [0, 1, 1], ValueError, "C must be > 0"),
    ({"C": -np.inf}, X_OK, [0, 1, 1], ValueError, "C must be finite"),
    ({}, [[0.0], [1.0], [2.0], [3.0]], [0, 0.5, 1, 1], ValueError, "Unknown label type: y holds continuous values"),
])
def test_fit_refuses_bad_input(params, X, y, error, words):
    with pytest.raises(error, match=words):
        LogisticRegression(**params).fit(X, y)


def test_predicting_before_fitting_raises():
    for model in (LogisticRegression(), LinearRegression()):
        with pytest.raises(NotFittedError, match="not fitted yet"):
            model.predict(X_OK)
    with pytest.raises(NotFittedError):
        LogisticRegression().predict_proba(X_OK)


def test_predict_checks_feature_count():
    model = LogisticRegression().fit(X_OK, [0, 1, 0])
    with pytest.raises(ValueError, match="X has 2 features, but LogisticRegression is expecting 1 features"):
        model.predict([[0.0, 1.0]])




# --- K classes: multinomial (softmax) regression --------------------------------------------

def overlapping_clusters(seed, n_classes, n_features, n=300):
    """Gaussian clusters that overlap, so the unpenalised optimum is finite."""
    rng = np.random.default_rng(seed)
    centres = rng.normal(scale=1.5, size=(n_classes, n_features))
    y = rng.integers(0, n_classes, n)
    X = centres[y] + rng.normal(scale=1.2, size=(n, n_features)) * rng.uniform(0.5, 3, n_features)
    return X + rng.normal(scale=4, size=n_features), y


MULTICLASS_SETS = [(0, 3, 1), (1, 3, 2), (2, 4, 3), (3, 5, 2)]


# Gradient descent on the five-class set needs ~10^5 steps (8 s): three sets are enough for it.
@pytest.mark.parametrize("solver, seed, n_classes, n_features",
                         [("newton", *s) for s in MULTICLASS_SETS] + [("gradient_descent", *s) for s in MULTICLASS_SETS[:3]])
def test_multinomial_fit_agrees_with_sklearn_unpenalised(solver, seed, n_classes, n_features):
    X, y = overlapping_clusters(seed, n_classes, n_features)
    names = np.array(["cardigan", "coat", "jacket", "parka", "vest"])[:n_classes]
    labels = names[y]
    ours = LogisticRegression(solver=solver).fit(X, labels)
    theirs = SkLogisticRegression(C=np.inf, tol=1e-12, max_iter=10_000).fit(X, labels)
    assert ours.converged_
    assert ours.classes_.tolist() == theirs.classes_.tolist()
    assert ours.coef_.shape == (n_classes, n_features) and ours.intercept_.shape == (n_classes,)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-4)
    np.testing.assert_array_equal(ours.predict(X), theirs.predict(X))  # the original labels
    # Rows sum to 0: the convention that makes the over-parametrised coefficients unique.
    np.testing.assert_allclose(ours.coef_.sum(axis=0), 0.0, atol=1e-8)
    np.testing.assert_allclose(ours.coef_, theirs.coef_ - theirs.coef_.mean(axis=0), rtol=1e-3, atol=1e-4)


def test_multinomial_optimum_matches_each_class_share_and_the_history():
    X, y = overlapping_clusters(7, 3, 2)
    model = LogisticRegression(solver="newton", tol=1e-12).fit(X, y)
    np.testing.assert_allclose(model.predict_proba(X).mean(axis=0), np.bincount(y) / len(y), atol=1e-10)
    assert model.loss_history_[0] == pytest.approx(np.log(3))
    assert (np.diff(model.loss_history_) <= 1e-15).all()
    assert model.loss_history_[-1] == pytest.approx(log_loss(y, model.predict_proba(X)), rel=1e-10)


def test_binary_fit_with_string_labels_has_scikit_learns_shapes():
    data = make_customers(200, seed=0)
    named = np.where(data.y == 1, "jacket", "cardigan")
    by_name = LogisticRegression().fit(data.X, named)
    by_number = LogisticRegression().fit(data.X, data.y)
    assert by_name.classes_.tolist() == ["cardigan", "jacket"] and by_number.classes_.tolist() == [0, 1]
    np.testing.assert_array_equal(by_name.coef_, by_number.coef_)
    assert by_name.predict_proba(data.X).shape == (200, 2) and by_name.coef_.shape == (1, 1)
    np.testing.assert_allclose(by_name.predict_proba(data.X).sum(axis=1), 1.0, rtol=1e-15)
    np.testing.assert_allclose(np.exp(by_name.predict_log_proba(data.X)), by_name.predict_proba(data.X), rtol=1e-14)
    np.testing.assert_array_equal(by_name.predict(data.X), np.where(by_number.predict(data.X) == 1, "jacket", "cardigan"))


def test_multinomial_predict_refuses_a_threshold():
    X, y = overlapping_clusters(0, 3, 1, n=60)
    model = LogisticRegression(solver="newton").fit(X, y)
    with pytest.raises(ValueError, match="threshold applies to two classes only"):
        model.predict(X, threshold=0.3)
    with pytest.raises(ValueError, match="X has 2 features, but LogisticRegression is expecting 1 features"):
        model.predict_proba(np.zeros((2, 2)))


# --- scikit-learn's estimator contract --------------------------------------------------------

def test_both_estimators_pass_scikit_learns_check_estimator():
    from sklearn.utils.estimator_checks import check_estimator

    # Checks that cannot apply, each with the reason (listed in the README too).
    expected = {
        "check_supervised_y_2d": "a (n, 1) y is refused with a ValueError, not ravelled with a warning: "
                                 "nothing is silently reshaped",
        "check_complex_data": "complex X is a TypeError here, as everywhere in logloss_ref; scikit-learn wants a "
                              "ValueError",
        "check_dtype_object": "an object array is refused (TypeError) even when it holds numbers; scikit-learn "
                              "converts it",
    }
    # Skipped by scikit-learn itself: the array-API check needs SCIPY_ARRAY_API=1, the pandas
    # check needs pandas, which the test environment does not install.
    skipped_by_sklearn = {"check_array_api_input", "check_regressor_data_not_an_array",
                          "check_classifier_data_not_an_array"}
    for estimator in (LinearRegression(), LogisticRegression(solver="newton")):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # "does not inherit from BaseEstimator": on purpose
            results = check_estimator(estimator, expected_failed_checks=expected, on_fail=None, on_skip=None)
        failed = [(r["check_name"], str(r["exception"])[:200]) for r in results if r["status"] == "failed"]
        assert failed == [], failed
        skipped = {r["check_name"] for r in results if r["status"] == "skipped"}
        assert skipped <= skipped_by_sklearn | set(expected), skipped
        assert sum(r["status"] == "passed" for r in results) > 30


def test_clone_pipeline_and_grid_search_work():
    from sklearn.base import clone
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    data = make_customers(300, n_features=2, seed=3)
    model = LogisticRegression(C=2.0, solver="newton")
    copy = clone(model)
    assert copy is not model and copy.get_params() == model.get_params() and not hasattr(copy, "coef_")
    search = GridSearchCV(make_pipeline(StandardScaler(), LogisticRegression(solver="newton")),
                          {"logisticregression__C": [0.01, 1.0, np.inf]}, scoring="neg_log_loss", cv=3)
    search.fit(data.X, data.y)
    assert search.best_params_["logisticregression__C"] in (0.01, 1.0, np.inf)
    # the best model's score is minus its mean log loss over the folds, and a strong penalty is worse
    scores = search.cv_results_["mean_test_score"]
    assert scores[0] < max(scores) <= 0
    with pytest.raises(ValueError, match="Invalid parameter 'c' for LogisticRegression"):
        model.set_params(c=1.0)
    assert repr(LogisticRegression(C=2.0, solver="newton")) == "LogisticRegression(C=2.0, solver='newton')"


def separable_line(n=40):
    x = np.linspace(-1, 1, n)
    return x[:, None], (x > 0.1).astype(int)


@pytest.mark.parametrize("solver", ["gradient_descent", "newton"])
def test_separable_data_without_a_penalty_warns_with_either_solver(solver):
    X, y = separable_line()
    with pytest.warns(ConvergenceWarning, match="separable"):
        LogisticRegression(solver=solver).fit(X, y)


def l2_sets():
    """Four data sets for the penalised fit: binary overlapping, binary separable, three and four classes."""
    data = make_customers(300, n_features=2, seed=11)
    return [(data.X, data.y), separable_line(), overlapping_clusters(5, 3, 2, n=200), overlapping_clusters(9, 4, 3, n=150)]


@pytest.mark.parametrize("C", [0.05, 1.0])
@pytest.mark.parametrize("which", range(4))
def test_l2_penalty_equals_scikit_learn(C, which):
    X, y = l2_sets()[which]
    ours = LogisticRegression(C=C, solver="newton", tol=1e-12).fit(X, y)
    # newton-cholesky: scikit-learn's most exact solver (lbfgs stops ~1e-8 from the optimum in the gradient)
    theirs = SkLogisticRegression(C=C, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(X, y)
    assert ours.converged_
    np.testing.assert_allclose(ours.coef_, theirs.coef_, atol=1e-6)
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, atol=1e-6)
    np.testing.assert_allclose(ours.predict_proba(X), theirs.predict_proba(X), atol=1e-6)


def test_l2_penalty_by_gradient_descent_reaches_newtons_optimum():
    X, y = separable_line()
    descent = LogisticRegression(C=1.0, tol=1e-10).fit(X, y)
    newton = LogisticRegression(C=1.0, solver="newton", tol=1e-12).fit(X, y)
    np.testing.assert_allclose(descent.coef_, newton.coef_, atol=1e-8)
