#!/usr/bin/python3
# forest.py - the random forest benchmark's scikit-learn side (run with
# Debian's /usr/bin/python3 and python3-sklearn):
#   forest.py gen DIR          write DIR/rf_train.csv and DIR/rf_test.csv
#   forest.py sklearn JOBS     fit/predict RandomForestClassifier, print JSON
#   forest.py report DIR       print the side-by-side table from DIR/*.json
# Data (issue 6): make_classification(n_samples=200000, n_features=50,
# n_informative=20, n_classes=7, random_state=0), train_test_split
# (test_size=0.25, random_state=0): 150,000 training rows, 50,000 test rows.
import json, os, re, sys, time


def data():
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split
    X, y = make_classification(n_samples=200000, n_features=50, n_informative=20,
                               n_classes=7, random_state=0)
    return train_test_split(X, y, test_size=0.25, random_state=0)


def gen(d):
    import pandas as pd
    Xtr, Xte, ytr, yte = data()
    for name, X, y in (("train", Xtr, ytr), ("test", Xte, yte)):
        df = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        df["y"] = y
        tmp = os.path.join(d, f"rf_{name}.csv.tmp")
        df.to_csv(tmp, index=False, float_format="%.17g")
        os.replace(tmp, os.path.join(d, f"rf_{name}.csv"))


def sk(jobs):
    import sklearn
    from sklearn.ensemble import RandomForestClassifier
    Xtr, Xte, ytr, yte = data()
    m = RandomForestClassifier(n_estimators=100, n_jobs=jobs, random_state=0)
    c0 = time.process_time()
    t0 = time.perf_counter(); m.fit(Xtr, ytr); t1 = time.perf_counter()
    fit_cpu = time.process_time() - c0
    p = m.predict(Xte); t2 = time.perf_counter()
    print(json.dumps({"sklearn": sklearn.__version__, "jobs": jobs, "fit_seconds": t1 - t0,
                      "fit_cpu_seconds": fit_cpu,
                      "predict_seconds": t2 - t1, "predict_rows": len(yte),
                      "accuracy": float((p == yte).mean()),
                      "max_depth": max(e.get_depth() for e in m.estimators_)}))


def peak_mb(path):
    """Maximum resident set size from /usr/bin/time -v output, in MB."""
    with open(path) as f:
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", f.read())
    return int(m.group(1)) / 1024 if m else float("nan")


def report(d, threads):
    print(f"{'threads':>7} {'tool':>8} {'fit s':>8} {'fit cpu s':>9} {'accuracy':>9} "
          f"{'peak MB':>8} {'predict 50k s':>14}")
    for t in threads:
        sk_res = json.load(open(os.path.join(d, f"sklearn_{t}.json")))
        tr = json.load(open(os.path.join(d, f"floe_train_{t}.json")))
        sc = json.load(open(os.path.join(d, f"floe_score_{t}.json")))
        pred_wall = float(open(os.path.join(d, f"floe_predict_{t}.wall")).read())
        pred = json.load(open(os.path.join(d, f"floe_predict_{t}.json")))["predict_seconds"]
        sk_mb, fl_mb = peak_mb(os.path.join(d, f"sklearn_{t}.time")), \
            peak_mb(os.path.join(d, f"floe_train_{t}.time"))
        sk_cpu = sk_res.get("fit_cpu_seconds", float("nan"))
        fl_cpu = tr.get("fit_cpu_seconds", float("nan"))
        print(f"{t:>7} {'sklearn':>8} {sk_res['fit_seconds']:8.2f} {sk_cpu:9.2f} "
              f"{sk_res['accuracy']:9.4f} {sk_mb:8.0f} {sk_res['predict_seconds']:14.3f}")
        print(f"{t:>7} {'floe':>8} {tr['fit_seconds']:8.2f} {fl_cpu:9.2f} {sc['accuracy']:9.4f} "
              f"{fl_mb:8.0f} {pred:14.3f}  (`floe predict` end to end {pred_wall:.2f} s, "
              f"training CSV load {tr['load_seconds']:.2f} s)")
        print(f"{t:>7} {'ratio':>8} {sk_res['fit_seconds'] / tr['fit_seconds']:7.1f}x "
              f"{sk_cpu / fl_cpu:8.1f}x "
              f"{100 * (sc['accuracy'] - sk_res['accuracy']):+8.2f}pt "
              f"{fl_mb / sk_mb:7.2f}x {sk_res['predict_seconds'] / pred:13.1f}x")
    print("ratio row: sklearn/floe fit time (wall, CPU), floe-sklearn accuracy (points), "
          "floe/sklearn peak memory, sklearn/floe predict time")
    print("predict 50k s: in memory (floe: fl_model_predict, best of 5, "
          "bench/forest_predict.c; scikit-learn: predict); fit s: the fit alone")


if __name__ == "__main__":
    cmd = sys.argv[1]
    if cmd == "gen":
        gen(sys.argv[2])
    elif cmd == "sklearn":
        sk(int(sys.argv[2]))
    elif cmd == "report":
        report(sys.argv[2], sys.argv[3].split())
    else:
        sys.exit(f"unknown command {cmd}")
