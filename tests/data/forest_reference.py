#!/usr/bin/python3
# forest_reference.py - scikit-learn reference numbers for tests/unit/test_forest.c.
# Run with Debian's python3-sklearn: /usr/bin/python3 tests/data/forest_reference.py
# (from the repository root). Writes tests/data/synth_classif.csv,
# tests/data/coads_sst_12k.csv (from /work/shared/data/coads_sst.csv.gz) and
# tests/data/forest_reference.json.
#
# Split rule shared with the C test: row i (0-based, data rows) is a test row
# when i % 4 == 0, a training row otherwise (25% test). Forest scores vary with
# the random seed, so each reference is the mean over seeds 0..4 (and the
# spread is recorded).
import json, sys
import numpy as np, pandas as pd, sklearn
from sklearn.datasets import make_classification
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import accuracy_score, r2_score

SEEDS = range(5)

def split(X, y):
    te = np.arange(len(y)) % 4 == 0
    return X[~te], y[~te], X[te], y[te]

def forest_scores(make, X, y, score):
    Xtr, ytr, Xte, yte = split(X, y)
    out = []
    for s in SEEDS:
        m = make(s).fit(Xtr, ytr)
        out.append(float(score(yte, m.predict(Xte))))
    return {"mean": float(np.mean(out)), "min": min(out), "max": max(out), "per_seed": out}

ref = {"sklearn": sklearn.__version__, "split": "test rows: i % 4 == 0", "seeds": list(SEEDS)}

d = pd.read_csv("tests/data/digits8x8.csv")
X, y = d.drop(columns="label").to_numpy(float), d["label"].to_numpy()
ref["digits"] = {"n_estimators": 100, "accuracy": forest_scores(
    lambda s: RandomForestClassifier(n_estimators=100, random_state=s, n_jobs=1),
    X, y, accuracy_score)}

X, y = make_classification(n_samples=8000, n_features=20, n_informative=10,
                           n_classes=4, random_state=0)
df = pd.DataFrame(X, columns=[f"x{i}" for i in range(20)]); df["label"] = y
df.to_csv("tests/data/synth_classif.csv", index=False, float_format="%.17g")
ref["synth"] = {"make_classification": "n_samples=8000, n_features=20, n_informative=10, n_classes=4, random_state=0",
                "n_estimators": 100, "accuracy": forest_scores(
    lambda s: RandomForestClassifier(n_estimators=100, random_state=s, n_jobs=1),
    X, y, accuracy_score)}

sst = pd.read_csv("/work/shared/data/coads_sst.csv.gz")
sub = sst.sample(n=12000, random_state=0).reset_index(drop=True)
sub.to_csv("tests/data/coads_sst_12k.csv", index=False)
X, y = sub.drop(columns="SST").to_numpy(float), sub["SST"].to_numpy(float)
ref["sst"] = {"rows": "12000 sampled with pandas .sample(n=12000, random_state=0)",
              "n_estimators": 100, "r2": forest_scores(
    lambda s: RandomForestRegressor(n_estimators=100, random_state=s, n_jobs=1),
    X, y, r2_score)}

with open("tests/data/forest_reference.json", "w") as f:
    json.dump(ref, f, indent=1, sort_keys=True)
    f.write("\n")
print(json.dumps({k: (v["accuracy"]["mean"] if "accuracy" in v else v["r2"]["mean"]) for k, v in ref.items() if isinstance(v, dict)}))
