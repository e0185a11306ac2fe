#!/usr/bin/env bash
# ml_core.sh - floe's ML core against scikit-learn (see bench/ml_core.py).
# Usage: bench/ml_core.sh [--rows N]   (default 200000; FLOE=path/to/floe)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
export FLOE=${FLOE:-$here/../build/floe}
exec /usr/bin/python3 "$here/ml_core.py" "$@"
