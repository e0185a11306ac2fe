"""penguins.py - the penguins recipe's work in scikit-learn, for bench/penguins.sh:
the same prepare steps (drop year, stratified 80/20 split, mean and most-frequent
imputation, one-hot encoding, standard scaling, all fitted on the training rows),
the same three candidates with 5-fold stratified cross-validation, refit, one test
score, then predictions with probabilities for every raw row, written as CSV.
Usage: /usr/bin/python3 penguins.py DATA.csv OUT.csv"""
import sys

import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, train_test_split
from sklearn.neural_network import MLPClassifier
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

raw = pd.read_csv(sys.argv[1])
X, y = raw.drop(columns=["species", "year"]), raw["species"]
Xtr, Xte, ytr, yte = train_test_split(X, y, test_size=0.2, stratify=y, random_state=42)
num = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
cat = ["island", "sex"]
prep = ColumnTransformer([
    ("num", Pipeline([("imp", SimpleImputer(strategy="mean")), ("sc", StandardScaler())]), num),
    ("cat", Pipeline([("imp", SimpleImputer(strategy="most_frequent")),
                      ("oh", OneHotEncoder())]), cat),
])
pipe = Pipeline([("prep", prep), ("model", LogisticRegression())])
grid = [
    {"model": [LogisticRegression(C=1.0)]},
    {"model": [RandomForestClassifier(n_estimators=100, random_state=42)]},
    {"model": [MLPClassifier(hidden_layer_sizes=(32,), max_iter=200, random_state=42)]},
]
cv = StratifiedKFold(n_splits=5, shuffle=True, random_state=42)
search = GridSearchCV(pipe, grid, cv=cv, scoring="accuracy", n_jobs=1).fit(Xtr, ytr)
acc = search.score(Xte, yte)
proba = search.predict_proba(X)
out = pd.DataFrame(proba, columns=["proba_" + c for c in search.classes_])
out.insert(0, "prediction", search.predict(X))
out.to_csv(sys.argv[2], index_label="row")
print(f"sklearn: cv accuracy {search.best_score_:.4f}, test accuracy {acc:.4f}", file=sys.stderr)
