#!/usr/bin/python3
"""ML core benchmark: floe against scikit-learn, one thread each, on
make_classification(n_samples=ROWS, n_features=50, n_informative=20,
n_classes=7, random_state=0), split 75/25 once (train_test_split,
random_state=0) and written to train and test CSV files, so both sides fit
the same rows: logistic regression (lbfgs), PCA(10) full and randomized,
KMeans(8, one start). A single k-means start is luck: on the 1M-row data
scikit-learn's own random_state 0..3 take 36, 160, 74 and 202 Lloyd
iterations. So k-means runs from --seeds starts on each side (seed i for
floe, random_state=i for scikit-learn) and is compared by the median fit
time, and by the time per Lloyd iteration over all starts. Each fit runs in its own process; the load time is
reported apart from the fit time (floe: `floe train --test-size 0 --json`
gives load_seconds and fit_seconds). Quality: test accuracy and the
training objective per row (logistic), explained variance ratio (PCA),
inertia (k-means). Peak memory is the process's maximum resident set when
the fit ends (reading the train CSV and fitting; scikit-learn's test-set
scoring happens after the measurement, floe's in a second process).

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


def make_csv(train, test, rows):
    import numpy as np
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split
    X, y = make_classification(n_samples=rows, n_features=50, n_informative=20,
                               n_classes=7, random_state=0)
    parts = train_test_split(X, y, test_size=0.25, random_state=0)
    for path, Xp, yp in ((train, parts[0], parts[2]), (test, parts[1], parts[3])):
        tmp = path + ".tmp"
        with open(tmp, "w") as f:
            f.write(",".join([f"f{j}" for j in range(50)] + ["label"]) + "\n")
            np.savetxt(f, np.column_stack([Xp, yp]), delimiter=",",
                       fmt=["%.17g"] * 50 + ["%d"])
        os.replace(tmp, path)


def logistic_objective(m, X, y):
    """scikit-learn 1.2's objective per row: mean log loss + ||W||^2/(2C n)."""
    import numpy as np
    P = m.predict_proba(X)
    nll = -np.log(P[np.arange(len(y)), np.searchsorted(m.classes_, y)]).sum()
    return float((nll + 0.5 / m.C * (m.coef_ ** 2).sum()) / len(y))


def vm_hwm_mib():
    """This process's peak resident set (VmHWM: reset at exec, unlike
    ru_maxrss, which a forked child inherits from its parent)."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return float("nan")


def read(csv):
    import pandas as pd
    df = pd.read_csv(csv)
    y = df.pop("label").to_numpy()
    return df.to_numpy(), y


def sk_fit(task, train, test, seed):
    """Runs in a child process: load, fit, (peak memory), score; print JSON."""
    from sklearn.cluster import KMeans
    from sklearn.decomposition import PCA
    from sklearn.linear_model import LogisticRegression
    t0 = time.perf_counter()
    Xtr, ytr = read(train)
    load = time.perf_counter() - t0
    t0, c0 = time.perf_counter(), time.process_time()
    if task == "logistic_regression":
        m = LogisticRegression().fit(Xtr, ytr)
    elif task.startswith("pca"):
        solver = "full" if task.endswith("full") else "randomized"
        m = PCA(n_components=10, svd_solver=solver, random_state=0).fit(Xtr)
    else:
        m = KMeans(n_clusters=8, n_init=1, random_state=seed).fit(Xtr)
    fit, fit_cpu = time.perf_counter() - t0, time.process_time() - c0
    peak = vm_hwm_mib()
    if task == "logistic_regression":
        Xte, yte = read(test)
        out = {"accuracy": float(m.score(Xte, yte)),
               "objective_per_row": logistic_objective(m, Xtr, ytr), "n_iter": int(m.n_iter_[0])}
    elif task.startswith("pca"):
        out = {"explained_variance_ratio": float(m.explained_variance_ratio_.sum())}
    else:
        out = {"inertia": float(m.inertia_), "n_iter": int(m.n_iter_)}
    out.update(load_seconds=load, fit_seconds=fit, fit_cpu_seconds=fit_cpu, peak_mib=peak)
    print(json.dumps(out))


def run_measured(cmd, env):
    """Run cmd under GNU time; return (parsed JSON stdout, peak RSS in MiB).
    GNU time forks the command from its own small process, so the figure
    is the command's own (a child forked from this Python would inherit
    its peak)."""
    p = subprocess.run(["/usr/bin/time", "-f", "maxrss_kb %M"] + cmd, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stderr.decode()}")
    kb = [l for l in p.stderr.decode().splitlines() if l.startswith("maxrss_kb ")][-1]
    return json.loads(p.stdout), int(kb.split()[1]) / 1024.0


def floe_fit(floe, kind, params, train, test, model, seed):
    cmd = [floe, "train", kind, train, "--label", "label", "--threads", "1", "--seed", str(seed),
           "--test-size", "0", "--json", "-o", model]
    for p in params:
        cmd += ["--param", p]
    o, rss = run_measured(cmd, dict(os.environ, **ONE_THREAD))
    fit = o["fit"]
    if kind == "logistic_regression":
        sc, _ = run_measured([floe, "score", model, test, "--label", "label", "--json"],
                             dict(os.environ))
        q = {"accuracy": sc["accuracy"], "objective_per_row": fit["objective"] / o["rows_train"],
             "n_iter": fit["n_iter"]}
    elif kind == "pca":
        q = {"explained_variance_ratio": fit["explained_variance_ratio_sum"]}
    else:
        q = {"inertia": fit["inertia"], "n_iter": fit["n_iter"]}
    q.update(load_seconds=o["load_seconds"], fit_seconds=o["fit_seconds"],
             fit_cpu_seconds=o["fit_cpu_seconds"])
    return q, rss


def median(v):
    v = sorted(v)
    n = len(v)
    return v[n // 2] if n % 2 else (v[n // 2 - 1] + v[n // 2]) / 2


def kmeans_summary(km):
    """One line over all k-means starts: median fit time (wall and CPU) and
    the CPU time per Lloyd iteration, as ratios sklearn / floe."""
    def side(k):
        w = median([r[k]["fit_seconds"] for r in km])
        c = median([r[k]["fit_cpu_seconds"] for r in km])
        it = sum(r[k]["n_iter"] for r in km)
        per = sum(r[k]["fit_cpu_seconds"] for r in km) / it
        return w, c, it, per
    sw, sc, si, sp = side("sklearn")
    fw, fc, fi, fp = side("floe")
    return (f"kmeans8, {len(km)} starts: median fit sklearn {sw:.3f} s | floe {fw:.3f} s "
            f"({sw / fw:.2f}x wall), median CPU {sc:.3f} | {fc:.3f} s ({sc / fc:.2f}x); "
            f"Lloyd iterations {si} | {fi}; CPU per iteration {sp * 1e3:.1f} | {fp * 1e3:.1f} ms "
            f"({sp / fp:.2f}x)")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--seeds", type=int, default=5, help="k-means starts on each side")
    ap.add_argument("--sk", help=argparse.SUPPRESS)
    ap.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    ap.add_argument("--train", help=argparse.SUPPRESS)
    ap.add_argument("--test", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.sk:
        return sk_fit(a.sk, a.train, a.test, a.seed)
    floe = os.environ.get("FLOE", os.path.join(HERE, "..", "build", "floe"))
    outdir = os.path.join(HERE, "out")
    os.makedirs(outdir, exist_ok=True)
    train = os.path.join(outdir, f"classif_{a.rows}_train.csv")
    test = os.path.join(outdir, f"classif_{a.rows}_test.csv")
    if not (os.path.exists(train) and os.path.exists(test)):
        print(f"writing {train} and {test} ...", flush=True)
        make_csv(train, test, a.rows)
    import sklearn
    print(f"# make_classification({a.rows} x 50, 7 classes), the same 75/25 split on both "
          f"sides, one thread; "
          f"scikit-learn {sklearn.__version__}; OPENBLAS_CORETYPE="
          f"{os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    hdr = (f"{'task':<20} {'sk fit s':>9} {'floe fit s':>10} {'speedup':>8} "
           f"{'sk cpu s':>9} {'floe cpu s':>10} {'cpu ratio':>9} "
           f"{'sk load s':>9} {'floe load s':>11} {'sk peak MiB':>11} {'floe peak MiB':>13} "
           f"{'mem ratio':>9}  quality (sklearn | floe)")
    print(f"# load average {os.getloadavg()[0]:.2f} at the start")
    print(hdr)
    results = []
    runs = [(name, kind, params, 0) for name, kind, params in TASKS if kind != "kmeans"]
    runs += [(f"{name}_seed{s}", kind, params, s) for name, kind, params in TASKS
             if kind == "kmeans" for s in range(a.seeds)]
    for name, kind, params, seed in runs:
        sk, _ = run_measured([sys.executable, __file__, "--sk", name, "--train", train,
                              "--test", test, "--seed", str(seed)],
                             dict(os.environ, **ONE_THREAD))
        sk_rss = sk["peak_mib"]
        fl, fl_rss = floe_fit(floe, kind, params, train, test,
                              os.path.join(outdir, name + ".floe"), seed)
        qkeys = [k for k in sk if k not in ("load_seconds", "fit_seconds", "fit_cpu_seconds",
                                            "peak_mib")]
        qual = ", ".join(f"{k} {sk[k]:.7g} | {fl[k]:.7g}" for k in qkeys)
        print(f"{name:<20} {sk['fit_seconds']:9.3f} {fl['fit_seconds']:10.3f} "
              f"{sk['fit_seconds'] / fl['fit_seconds']:7.2f}x "
              f"{sk['fit_cpu_seconds']:9.3f} {fl['fit_cpu_seconds']:10.3f} "
              f"{sk['fit_cpu_seconds'] / fl['fit_cpu_seconds']:8.2f}x {sk['load_seconds']:9.2f} "
              f"{fl['load_seconds']:11.2f} {sk_rss:11.0f} {fl_rss:13.0f} "
              f"{fl_rss / sk_rss:9.2f}  {qual}", flush=True)
        results.append({"task": name, "sklearn": sk, "floe": dict(fl, peak_mib=fl_rss)})
    km = [r for r in results if r["task"].startswith("kmeans")]
    if km:
        print(kmeans_summary(km))
    print(f"# load average {os.getloadavg()[0]:.2f} at the end (2 cores, shared machine: "
          f"cpu s = the process's CPU time during the fit, less sensitive to other load)")
    with open(os.path.join(outdir, f"ml_core_{a.rows}.json"), "w") as f:
        json.dump(results, f, indent=1)


if __name__ == "__main__":
    main()
