#!/usr/bin/env python3
"""Dumps scikit-learn ExtraTreesRegressor trees, node for node, for small made-up datasets, as the
fixture __tests__/fixtures/forest/sklearn-trees.json (the forest tests compare our trees to these).

Each case: X (column-major, float64 as passed to sklearn), y, trees, seed, and per tree the node
arrays feature, threshold, left, right, n_node_samples, impurity, value; plus feature_importances_
and predictions on the training rows. Needs Debian's python3-sklearn (scikit-learn 1.2.1):
    /usr/bin/python3 scripts/oracle/dump_trees.py > __tests__/fixtures/forest/sklearn-trees.json
"""
import json
import sys

import numpy as np
import sklearn
from sklearn.ensemble import ExtraTreesRegressor


def case(name, X, y, trees, seed, dump_nodes=True):
    X = np.asarray(X, dtype=float)
    y = np.asarray(y, dtype=float)
    f = ExtraTreesRegressor(n_estimators=trees, random_state=seed).fit(X, y)
    out = {
        "name": name, "n": int(X.shape[0]), "k": int(X.shape[1]), "trees": trees, "seed": seed,
        "X": [float(v) for v in X.T.ravel()], "y": [float(v) for v in y],
        "importances": [float(v) for v in f.feature_importances_],
        "predict": [float(v) for v in f.predict(X)],
        "node_counts": [int(e.tree_.node_count) for e in f.estimators_],
    }
    if dump_nodes:
        out["nodes"] = [{
            "feature": e.tree_.feature.tolist(),
            "threshold": [float(v) for v in e.tree_.threshold],
            "left": e.tree_.children_left.tolist(),
            "right": e.tree_.children_right.tolist(),
            "n_node_samples": e.tree_.n_node_samples.tolist(),
            "impurity": [float(v) for v in e.tree_.impurity],
            "value": [float(v) for v in e.tree_.value[:, 0, 0]],
        } for e in f.estimators_]
    return out


def main():
    rng = np.random.RandomState(3)
    n = 80
    X = np.column_stack([
        rng.uniform(-2, 2, n),                       # continuous
        rng.randint(0, 2, n),                        # binary (a one-hot dummy)
        rng.choice([1e-4, 1e-3, 1e-2, 1e-1], n),     # log-spaced discrete
        np.full(n, 0.5),                             # constant column
        rng.randint(16, 257, n),                     # integer
        rng.uniform(0, 1, n) * 1e-8,                 # range below FEATURE_THRESHOLD: always constant
    ])
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] - np.log10(X[:, 2]) * 0.2 + 0.1 * rng.randn(n)
    cases = [case("small mixed, 20 trees", X, y, 20, 11)]
    # cross-validated R² (recipe.md section 8) of a 10-tree forest: on all rows, and on the rows
    # 0, 3, 6, ... only (as when outlier runs are left out)
    from sklearn.model_selection import KFold, cross_val_score
    cv = KFold(n_splits=5, shuffle=True, random_state=0)
    subset = np.arange(0, n, 3)
    cases[0]["cv_r2"] = [float(s) for s in cross_val_score(
        ExtraTreesRegressor(n_estimators=10, random_state=4), X, y, cv=cv, scoring="r2")]
    cases[0]["cv_r2_rows"] = subset.tolist()
    cases[0]["cv_r2_subset"] = [float(s) for s in cross_val_score(
        ExtraTreesRegressor(n_estimators=10, random_state=4), X[subset], y[subset], cv=cv, scoring="r2")]
    # the same data with the target at other scales/offsets: EPSILON truncation and the cancelling MSE
    cases.append(case("y * 1e-7 (EPSILON truncates nodes)", X, y * 1e-7, 10, 0))
    cases.append(case("y * 3e-8 (few nodes)", X, y * 3e-8, 10, 0))
    cases.append(case("y * 1e-9 (all single leaves)", X, y * 1e-9, 10, 0, dump_nodes=False))
    cases.append(case("y + 1e6 (S2/W - mean^2 cancels)", X, y + 1e6, 10, 0))
    cases.append(case("constant y", X, np.full(n, 3.25), 10, 0, dump_nodes=False))
    cases.append(case("two runs", [[1.0, 0.0], [2.0, 1.0]], [0.5, 0.7], 10, 0))
    cases.append(case("three runs", [[1.0, 0.0, 5.0], [2.0, 1.0, 5.0], [3.0, 1.0, 5.0]], [0.5, 0.7, 0.2], 10, 0))
    # float32 collisions: values distinct in float64, equal after float32 rounding
    Z = np.column_stack([1.0 + rng.randint(0, 3, 40) * 1e-9, rng.uniform(0, 1, 40)])
    cases.append(case("float32 collisions", Z, Z[:, 1] * 2 + rng.randn(40) * 0.1, 10, 5))
    doc = {"generator": "scripts/oracle/dump_trees.py", "sklearn": sklearn.__version__,
           "numpy": np.__version__, "cases": cases}
    json.dump(doc, sys.stdout, allow_nan=False, separators=(",", ":"))
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
