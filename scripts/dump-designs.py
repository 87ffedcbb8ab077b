#!/usr/bin/env python3
"""Dumps the design matrices of example datasets as compact fixtures for the forest parity tests:
__tests__/fixtures/forest/<dataset>.json = {dataset, features, n, k, X (column-major), y}.

X is rebuilt exactly as scripts/oracle/sweep_oracle.py builds it (typing, NaN -> mean, get_dummies),
by running the oracle's own code path up to the design. Run with Debian's python3 (pandas):
    /usr/bin/python3 scripts/dump-designs.py mnist-pytorch hpbandster-mnist-cnn ...
"""
import json
import math
import os
import sys

import numpy as np
import pandas as pd

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "oracle"))
from sweep_oracle import BOOL, NUMBER, column_kind, is_missing, to_number  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def design(dataset):
    ex = os.path.join(ROOT, "examples", dataset)
    target = open(os.path.join(ex, "target.txt")).read().split()[0]
    params = open(os.path.join(ex, "params.txt")).read().strip().split(",")
    raw = pd.read_csv(os.path.join(ex, "runs.csv"), dtype=str, keep_default_na=False, na_values=[])
    y_all = np.array([math.nan if is_missing(c) or not NUMBER.match(c.strip()) else float(c.strip())
                      for c in raw[target].tolist()], dtype=float)
    keep = np.isfinite(y_all)
    sub = raw[keep].reset_index(drop=True)
    y = y_all[keep]
    numeric, categorical, used = {}, {}, []
    for p in params:
        cells = sub[p].tolist()
        kind = column_kind(cells)
        if kind == "numeric":
            s = pd.Series([to_number(c) for c in cells], dtype=float)
            if s.isna().all():
                continue
            numeric[p] = s
        elif kind == "boolean":
            numeric[p] = pd.Series([np.nan if is_missing(c) else BOOL[c.strip().lower()] for c in cells], dtype=float)
        elif kind == "categorical":
            categorical[p] = pd.Series([None if is_missing(c) else c for c in cells], dtype=object)
        else:
            continue
        used.append(p)
    frame = pd.DataFrame({**numeric, **categorical})[used]
    frame[list(numeric)] = frame[list(numeric)].fillna(frame[list(numeric)].mean())
    X = pd.get_dummies(frame).astype(float)
    return list(X.columns), X.values, y


def main():
    for dataset in sys.argv[1:]:
        features, X, y = design(dataset)
        doc = {"dataset": dataset, "generator": "scripts/dump-designs.py", "features": features,
               "n": int(X.shape[0]), "k": int(X.shape[1]),
               "X": [float(v) for v in X.T.ravel()], "y": [float(v) for v in y]}
        path = os.path.join(ROOT, "__tests__", "fixtures", "forest", dataset + ".json")
        with open(path, "w") as f:
            json.dump(doc, f, allow_nan=False, separators=(",", ":"))
            f.write("\n")
        print(dataset, X.shape, os.path.getsize(path))


if __name__ == "__main__":
    main()
