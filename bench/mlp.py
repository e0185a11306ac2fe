#!/usr/bin/python3
"""bench/mlp.py - the scikit-learn side of the MLP benchmark (issue 7).

make_classification(n_samples=200000, n_features=50, n_informative=20,
n_classes=7, random_state=0), 75/25 split, MLPClassifier with hidden layers
(128, 64), 20 epochs, batch 200, Adam. Writes the data as CSV for floe
(`--write-csv PATH`, label column `y` last) and prints one JSON line with
sklearn's fit time and held-out accuracy.
"""
import argparse
import json
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.datasets import make_classification
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier


def data():
    return make_classification(n_samples=200000, n_features=50, n_informative=20,
                               n_classes=7, random_state=0)


def write_csv(path, X, y):
    header = ",".join([f"x{j}" for j in range(X.shape[1])] + ["y"])
    table = np.column_stack([X, y])
    fmt = ["%.17g"] * X.shape[1] + ["%d"]
    np.savetxt(path, table, delimiter=",", header=header, comments="", fmt=fmt)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--write-csv", help="write the data set here and exit")
    ap.add_argument("--epochs", type=int, default=20)
    a = ap.parse_args()
    X, y = data()
    if a.write_csv:
        write_csv(a.write_csv, X, y)
        return 0
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    clf = MLPClassifier(hidden_layer_sizes=(128, 64), solver="adam", batch_size=200,
                        max_iter=a.epochs, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # 20 epochs on purpose
        t0 = time.perf_counter()
        clf.fit(Xtr, ytr)
        fit_s = time.perf_counter() - t0
    acc = float((clf.predict(Xte) == yte).mean())
    print(json.dumps({"tool": "sklearn " + sklearn.__version__, "fit_seconds": fit_s,
                      "accuracy": acc, "epochs": clf.n_iter_}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
