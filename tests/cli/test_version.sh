#!/usr/bin/env bash
# test_version.sh - the environment record, as text and as JSON.
. "$(dirname "$0")/lib.sh"

run floe version
rc_is 0 "floe version exits 0"
for lib in libyaml libarchive openssl openblas hdf5 jansson libpng libtiff libsndfile fftw netcdf \
	compiler cpu vector os; do
	out_has "^$lib " "text record names $lib"
done
out_has 'libzstd/' "libarchive line lists its compression libraries"
out_has 'core [A-Za-z0-9]+, [0-9]+ threads' "openblas line has core name and threads"
out_has '^libpng +[0-9]+\.[0-9]+\.[0-9]+$' "libpng line has its run-time version"
out_has '^libtiff +LIBTIFF, Version [0-9.]+$' "libtiff line has the first line of TIFFGetVersion"
out_has '^libsndfile +libsndfile-[0-9.]+' "libsndfile line has sf_version_string"
out_has '^fftw +fftw-3\.[0-9.]+' "fftw line has fftwf_version (with its SIMD flags)"
out_has '^netcdf +[0-9]+\.[0-9]+\.[0-9]+$' "netcdf line has the version without the build date"

run floe version --json
rc_is 0 "floe version --json exits 0"
py=$(command -v python3)
if "$py" - "$OUT" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
assert r["floe"]["version"] and r["floe"]["commit"]
lib = r["libraries"]
for k in ("libyaml", "libarchive", "libarchive_details", "openssl", "hdf5", "jansson",
          "libpng", "libtiff", "libsndfile", "fftw", "netcdf"):
    assert lib[k], k
b = lib["openblas"]
assert b["config"].startswith("OpenBLAS") and b["corename"] and b["threads"] >= 1
assert r["compiler"] and r["cpu"]["model"] and isinstance(r["cpu"]["vector_flags"], list)
assert r["os"]["name"]
PY
then ok 0 "JSON record has every field"; else ok 1 "JSON record has every field"; fi

run floe version extra
rc_is 2 "floe version rejects an argument"

done_testing
