#!/usr/bin/python3
"""Optuna studies for the tests, made by the real library (Debian's python3-optuna), both storages.

    apt-get install -y python3-optuna python3-sqlalchemy
    /usr/bin/python3 scripts/make-optuna-fixtures.py [OUT_DIR]   # default __tests__/fixtures/optuna

Writes, each study the same trials in both storages:
  study.journal   JournalStorage (JSON Lines): "mnist-tpe" (one objective) and "two-objectives"
  study.db        RDBStorage (SQLite): the same two studies
  mnist-tpe.csv   the single-objective study's trials as a flat CSV (the same runs, to compare analyses)
  two-objectives.csv
  not-optuna.db   a SQLite file without Optuna's tables (bad input)
  manifest.json   what was written: versions, studies, counts per state

Deterministic in its trials (samplers seeded, objective without randomness); the journal's timestamps
and worker ids differ from one run to the next.
"""
import csv
import json
import math
import os
import sqlite3
import sys

import optuna
from optuna.storages import JournalFileStorage, JournalStorage, RDBStorage

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join("__tests__", "fixtures", "optuna")
os.makedirs(OUT, exist_ok=True)
optuna.logging.set_verbosity(optuna.logging.ERROR)

PARAMS = ["lr", "dropout", "n_layers", "batch_size", "optimizer", "use_bn", "width"]


def suggest(trial):
    lr = trial.suggest_float("lr", 1e-5, 1e-1, log=True)
    dropout = trial.suggest_float("dropout", 0.0, 0.5, step=0.05)
    n_layers = trial.suggest_int("n_layers", 1, 4)
    batch_size = trial.suggest_int("batch_size", 16, 256, log=True)
    optimizer = trial.suggest_categorical("optimizer", ["adam", "sgd", "rmsprop"])
    use_bn = trial.suggest_categorical("use_bn", [True, False])
    width = trial.suggest_float("width", 32.0, 512.0)
    return lr, dropout, n_layers, batch_size, optimizer, use_bn, width


def accuracy(trial):
    lr, dropout, n_layers, batch_size, optimizer, use_bn, width = suggest(trial)
    n = trial.number
    # a smooth landscape with a clear optimum in lr, a little from the rest, and a deterministic wiggle
    score = 0.95 - 0.04 * (math.log10(lr) + 3.0) ** 2
    score -= 0.08 * abs(dropout - 0.2)
    score += 0.01 * n_layers
    score += {"adam": 0.02, "sgd": -0.03, "rmsprop": 0.0}[optimizer]
    score += 0.005 if use_bn else 0.0
    score += 0.002 * math.sin(n * 1.7) + 1e-5 * width
    trial.set_user_attr("train_seconds", round(10.0 + 0.5 * batch_size ** 0.5 * n_layers, 6))
    trial.set_user_attr("val_loss", round(1.0 - score, 9))
    trial.set_user_attr("tag", "run-%d" % n)  # a string: not a metric
    for step in range(3):
        trial.report(score - 0.1 * (2 - step), step)
    if n % 11 == 5:
        raise optuna.TrialPruned()
    if n % 17 == 8:
        raise RuntimeError("diverged")  # a FAIL trial (caught by optimize)
    return score


def two_objectives(trial):
    lr, dropout, n_layers, batch_size, optimizer, use_bn, width = suggest(trial)
    error = 0.05 + 0.03 * (math.log10(lr) + 3.0) ** 2 + 0.05 * dropout + (0.02 if optimizer == "sgd" else 0.0)
    latency = 2.0 * n_layers + width / 64.0 + (0.5 if use_bn else 0.0) + 0.01 * trial.number % 3
    if trial.number % 13 == 6:
        raise optuna.TrialPruned()
    return error, latency


def make(storage, label):
    s1 = optuna.create_study(
        study_name="mnist-tpe", storage=storage, direction="maximize",
        sampler=optuna.samplers.TPESampler(seed=0, n_startup_trials=15),
    )
    s1.optimize(accuracy, n_trials=80, catch=(RuntimeError,))
    s1.set_user_attr("dataset", "mnist")
    s2 = optuna.create_study(
        study_name="two-objectives", storage=storage, directions=["minimize", "minimize"],
        sampler=optuna.samplers.RandomSampler(seed=1),
    )
    s2.optimize(two_objectives, n_trials=40)
    # Optuna >= 3.2's Study.set_metric_names stores this system attribute; 3.1 has no method for it.
    storage.set_study_system_attr(s2._study_id, "study:metric_names", ["error", "latency_ms"])
    # a trial still running and one waiting (enqueued): not analysed by default
    t = s1.ask()
    s1.enqueue_trial({"lr": 0.001, "dropout": 0.1, "n_layers": 2, "batch_size": 64,
                      "optimizer": "adam", "use_bn": True, "width": 100.0})
    del t
    return s1, s2


def cell(v):
    if isinstance(v, bool):
        return "True" if v else "False"
    if isinstance(v, float):
        return repr(v)
    return "" if v is None else str(v)


def export_csv(study, path, names):
    with open(path, "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["number", "state"] + PARAMS + names + ["train_seconds", "val_loss"])
        for t in study.get_trials(deepcopy=False):
            values = t.values if t.values is not None else [None] * len(names)
            w.writerow(
                [t.number, t.state.name]
                + [cell(t.params.get(p)) for p in PARAMS]
                + [cell(v) for v in values]
                + [cell(t.user_attrs.get("train_seconds")), cell(t.user_attrs.get("val_loss"))]
            )


journal_path = os.path.join(OUT, "study.journal")
db_path = os.path.join(OUT, "study.db")
for p in (journal_path, db_path):
    if os.path.exists(p):
        os.remove(p)

journal = JournalStorage(JournalFileStorage(journal_path))
j1, j2 = make(journal, "journal")
rdb = RDBStorage("sqlite:///" + db_path)
r1, r2 = make(rdb, "sqlite")

# the same trials in both storages (same samplers, same seeds)
for a, b in ((j1, r1), (j2, r2)):
    ta, tb = a.get_trials(), b.get_trials()
    assert [t.params for t in ta] == [t.params for t in tb], "the storages differ"
    assert [t.values for t in ta] == [t.values for t in tb]

export_csv(j1, os.path.join(OUT, "mnist-tpe.csv"), ["value"])
export_csv(j2, os.path.join(OUT, "two-objectives.csv"), ["error", "latency_ms"])

bad = os.path.join(OUT, "not-optuna.db")
if os.path.exists(bad):
    os.remove(bad)
con = sqlite3.connect(bad)
con.execute("CREATE TABLE runs (id INTEGER PRIMARY KEY, lr REAL, accuracy REAL)")
con.execute("INSERT INTO runs VALUES (1, 0.01, 0.9)")
con.commit()
con.close()


def counts(study):
    out = {}
    for t in study.get_trials(deepcopy=False):
        out[t.state.name] = out.get(t.state.name, 0) + 1
    return out


manifest = {
    "optuna": optuna.__version__,
    "sqlalchemy": __import__("sqlalchemy").__version__,
    "python": sys.version.split()[0],
    "studies": {
        "mnist-tpe": {"directions": ["maximize"], "trials": len(j1.trials), "states": counts(j1),
                      "best_value": j1.best_value, "best_number": j1.best_trial.number},
        "two-objectives": {"directions": ["minimize", "minimize"], "metric_names": ["error", "latency_ms"],
                           "trials": len(j2.trials), "states": counts(j2)},
    },
    "distributions": {k: optuna.distributions.distribution_to_json(v)
                      for k, v in j1.best_trial.distributions.items()},
}
with open(os.path.join(OUT, "manifest.json"), "w") as f:
    json.dump(manifest, f, indent=2, sort_keys=True)
    f.write("\n")
print(json.dumps(manifest["studies"], indent=1))
