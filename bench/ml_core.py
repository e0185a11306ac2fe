#!/usr/bin/python3
"""ML core benchmark: floe against scikit-learn, one thread each, on
make_classification(n_samples=ROWS, n_features=50, n_informative=20,
n_classes=7, random_state=0) written once to CSV, a 75/25 split:
logistic regression (lbfgs), PCA(10) full and randomized, KMeans(8, one
start). Each fit runs in its own process; the load time is reported
apart from the fit time (floe: `floe train --json` gives load_seconds and
fit_seconds); peak memory is the whole process's maximum resident set
(os.wait4), for the same pipeline on both sides: read the CSV, split,
fit, score.

    bench/ml_core.sh [--rows 200000]     (FLOE=path/to/floe)
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

TASKS = [  # name, floe kind and params, sklearn estimator (built in sk_fit)
    ("logistic_regression", "logistic_regression", []),
    ("pca10_full", "pca", ["n_components=10", "svd_solver=full"]),
    ("pca10_randomized", "pca", ["n_components=10", "svd_solver=randomized"]),
    ("kmeans8_one_start", "kmeans", ["n_clusters=8", "n_init=1"]),
]


def make_csv(path, rows):
    import numpy as np
    from sklearn.datasets import make_classification
    X, y = make_classification(n_samples=rows, n_features=50, n_informative=20,
                               n_classes=7, random_state=0)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(",".join([f"f{j}" for j in range(50)] + ["label"]) + "\n")
        np.savetxt(f, np.column_stack([X, y]), delimiter=",",
                   fmt=["%.17g"] * 50 + ["%d"])
    os.replace(tmp, path)


def sk_fit(task, csv):
    """Runs in a child process: load, split, fit, score; print JSON."""
    import numpy as np
    import pandas as pd
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split
    t0 = time.perf_counter()
    df = pd.read_csv(csv)
    y = df.pop("label").to_numpy()
    X = df.to_numpy()
    del df
    Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.25, random_state=0)
    del X, y
    load = time.perf_counter() - t0
    out = {}
    t0 = time.perf_counter()
    if task == "logistic_regression":
        m = LogisticRegression().fit(Xtr, ytr)
        fit = time.perf_counter() - t0
        out = {"accuracy": float(m.score(Xte, yte)), "n_iter": int(m.n_iter_[0])}
    elif task.startswith("pca"):
        solver = "full" if task.endswith("full") else "randomized"
        m = PCA(n_components=10, svd_solver=solver, random_state=0).fit(Xtr)
        fit = time.perf_counter() - t0
        out = {"explained_variance_ratio": float(m.explained_variance_ratio_.sum())}
    else:
        m = KMeans(n_clusters=8, n_init=1, random_state=0).fit(Xtr)
        fit = time.perf_counter() - t0
        out = {"inertia": float(m.inertia_), "n_iter": int(m.n_iter_)}
    out.update(load_seconds=load, fit_seconds=fit)
    print(json.dumps(out))


def run_measured(cmd, env):
    """Run cmd, return (stdout, peak RSS in MiB) from wait4's rusage."""
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, env=env)
    data = p.stdout.read()
    _, status, ru = os.wait4(p.pid, 0)
    p.returncode = os.waitstatus_to_exitcode(status)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}")
    return json.loads(data), ru.ru_maxrss / 1024.0


def floe_fit(floe, kind, params, csv, model):
    cmd = [floe, "train", kind, csv, "--label", "label", "--threads", "1", "--seed", "0",
           "--json", "-o", model]
    for p in params:
        cmd += ["--param", p]
    o, rss = run_measured(cmd, dict(os.environ, **ONE_THREAD))
    fit = o["fit"]
    if kind == "logistic_regression":
        q = {"accuracy": o["test"]["accuracy"], "n_iter": fit["n_iter"]}
    elif kind == "pca":
        q = {"explained_variance_ratio": fit["explained_variance_ratio_sum"]}
    else:
        q = {"inertia": fit["inertia"], "n_iter": fit["n_iter"]}
    q.update(load_seconds=o["load_seconds"], fit_seconds=o["fit_seconds"])
    return q, rss


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--sk", help=argparse.SUPPRESS)
    ap.add_argument("--csv", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.sk:
        return sk_fit(a.sk, a.csv)
    floe = os.environ.get("FLOE", os.path.join(HERE, "..", "build", "floe"))
    outdir = os.path.join(HERE, "out")
    os.makedirs(outdir, exist_ok=True)
    csv = os.path.join(outdir, f"classif_{a.rows}.csv")
    if not os.path.exists(csv):
        print(f"writing {csv} ...", flush=True)
        make_csv(csv, a.rows)
    import sklearn
    print(f"# make_classification({a.rows} x 50, 7 classes), 75/25 split, one thread; "
          f"scikit-learn {sklearn.__version__}; OPENBLAS_CORETYPE="
          f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    hdr = (f"{'task':<20} {'sk fit s':>9} {'floe fit s':>10} {'speedup':>8} "
           f"{'sk load s':>9} {'floe load s':>11} {'sk peak MiB':>11} {'floe peak MiB':>13} "
           f"{'mem ratio':>9}  quality (sklearn | floe)")
    print(hdr)
    results = []
    for name, kind, params in TASKS:
        sk, sk_rss = run_measured([sys.executable, __file__, "--sk", name, "--csv", csv],
                                  dict(os.environ, **ONE_THREAD))
        fl, fl_rss = floe_fit(floe, kind, params, csv, os.path.join(outdir, name + ".floe"))
        qkeys = [k for k in sk if k not in ("load_seconds", "fit_seconds")]
        qual = ", ".join(f"{k} {sk[k]:.6g} | {fl[k]:.6g}" for k in qkeys)
        print(f"{name:<20} {sk['fit_seconds']:9.3f} {fl['fit_seconds']:10.3f} "
              f"{sk['fit_seconds'] / fl['fit_seconds']:7.2f}x {sk['load_seconds']:9.2f} "
              f"{fl['load_seconds']:11.2f} {sk_rss:11.0f} {fl_rss:13.0f} "
              f"{fl_rss / sk_rss:9.2f}  {qual}", flush=True)
        results.append({"task": name, "sklearn": dict(sk, peak_mib=sk_rss),
                        "floe": dict(fl, peak_mib=fl_rss)})
    with open(os.path.join(outdir, f"ml_core_{a.rows}.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
