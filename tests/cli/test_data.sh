#!/usr/bin/env bash
# test_data.sh - `floe data info` and `floe data convert`: output against an
# independent awk computation, round trips, identical bytes, streaming with
# small chunks, and every bad input with its message and exit code.
. "$(dirname "$0")/lib.sh"
D=$SRC/data

run floe data info "$D/penguins.csv"
rc_is 0 "info on penguins.csv exits 0"
out_has '344 rows, 8 columns' "info counts rows and columns"
out_has '^species +categorical +344 +0 +3 levels' "species: categorical, 3 levels"
out_has '^sex +categorical +333 +11 ' "sex: 11 missing"

run floe data info --json "$D/penguins.csv"
want=$(awk -F, 'NR > 1 && $3 != "NA" { s += $3; n++ } END { printf "%.6f %d", s / n, n }' "$D/penguins.csv")
got=$(python3 -c 'import json,sys; c=json.load(open(sys.argv[1]))["columns"][2]; print("%.6f %d" % (c["mean"], c["count"]))' "$OUT")
is "$got" "$want" "JSON mean and count of bill_length_mm equal awk's"

run floe data info "$D/coads_climatology.cdf" --drop-missing
rc_is 0 "info on the COADS netCDF file exits 0"
out_has '^SST +numeric' "netCDF variables become columns"
out_has '^COADSX +numeric' "netCDF coordinates become columns"

run floe data info "$D/coads_sst.csv.gz"
out_has '99235 rows, 10 columns' "gzip CSV is read"

# CSV -> HDF5 -> CSV is the identity on penguins.csv, and HDF5 bytes repeat.
run floe data convert "$D/penguins.csv" "$WORK/p.h5"
rc_is 0 "convert CSV to HDF5 exits 0"
run floe data convert --threads 1 --chunk-mb 1 "$D/penguins.csv" "$WORK/p2.h5"
cmp -s "$WORK/p.h5" "$WORK/p2.h5"
ok $? "converting twice (other threads) gives identical HDF5 bytes"
run floe data convert "$WORK/p.h5" "$WORK/p.csv"
rc_is 0 "convert HDF5 to CSV exits 0"
cmp -s "$WORK/p.csv" "$D/penguins.csv"
ok $? "CSV -> HDF5 -> CSV gives back penguins.csv byte for byte"
run floe data info --json "$WORK/p.h5"
out_has '"sha256:f204db2c[0-9a-f]+ penguins.csv"' "HDF5 provenance records the input digest"
out_has '"floe data convert"' "HDF5 provenance records the step"

# Streaming a larger file in 1 MiB chunks: same table as one chunk.
awk 'BEGIN { srand(3); print "a,b,c"; for (i = 0; i < 60000; i++) printf "%d,%.6g,%s\n", i, rand(), (i % 7 ? "x" i % 5 : "NA") }' >"$WORK/big.csv"
run floe data convert --chunk-mb 1 --threads 2 "$WORK/big.csv" "$WORK/big.h5"
rc_is 0 "streamed conversion exits 0"
run floe data convert "$WORK/big.h5" "$WORK/big2.csv"
cmp -s "$WORK/big.csv" "$WORK/big2.csv"
ok $? "a 60000-row file survives a streamed round trip"
run floe data convert --compress 6 "$WORK/big.csv" "$WORK/bigz.h5"
[ "$(stat -c %s "$WORK/bigz.h5")" -lt "$(stat -c %s "$WORK/big.h5")" ]
ok $? "--compress makes a smaller file"

run floe data convert "$D/coads_climatology.cdf" "$WORK/coads.csv" --var SST --var AIRT --drop-missing
rc_is 0 "netCDF converts to CSV"
is "$(head -1 "$WORK/coads.csv")" "TIME,COADSY,COADSX,SST,AIRT" "long table header: coordinates then variables"

# Bad input: message with file:line:column, exit 1, nothing written.
printf 'a,b,c\n1,2,3\n4,5\n' >"$WORK/ragged.csv"
run floe data convert "$WORK/ragged.csv" "$WORK/out.h5"
rc_is 1 "ragged row exits 1"
is "$(cat "$ERR")" "floe: $WORK/ragged.csv:3:1: ragged row: expected 3 fields, found 2" "ragged row: line and field counts"
[ ! -e "$WORK/out.h5" ] && [ -z "$(ls -A "$WORK" | grep '^\.out\.h5')" ]
ok $? "ragged row: nothing half-written"

printf 'x,y\n1,2\n3,abc\n' >"$WORK/nonnum.csv"
run floe data info --type y=numeric "$WORK/nonnum.csv"
rc_is 1 "non-numeric value exits 1"
err_has "nonnum.csv:3:3: column 'y' is numeric but has the value 'abc'" "non-numeric: line, column, value"

: >"$WORK/empty.csv"
run floe data info "$WORK/empty.csv"
rc_is 1 "empty file exits 1"
err_has "empty.csv: empty file" "empty file is named"

printf 'x\n1\nInf\n' >"$WORK/inf.csv"
run floe data info "$WORK/inf.csv"
rc_is 1 "Inf exits 1"
err_has "inf.csv:3:1: column 'x' has the value 'Inf': NaN and Inf are not allowed" "Inf is refused with its place"
run floe data info --allow-nonfinite "$WORK/inf.csv"
rc_is 0 "--allow-nonfinite accepts Inf"

printf 'not hdf5\n' >"$WORK/fake.h5"
run floe data info "$WORK/fake.h5"
rc_is 1 "fake HDF5 exits 1"
is "$(cat "$ERR")" "floe: $WORK/fake.h5: not an HDF5 file (it does not start with the HDF5 signature)" "fake HDF5: one clear line"
cp "$WORK/fake.h5" "$WORK/fake.nc"
run floe data info "$WORK/fake.nc"
rc_is 1 "fake netCDF exits 1"
err_has "not a netCDF file" "fake netCDF is named"

run floe data info "$D/coads_climatology.cdf" --var SALINITY
rc_is 1 "unknown variable exits 1"
err_has "no variable 'SALINITY'; the file has: COADSX, COADSY, TIME, SST, AIRT, SPEH, WSPD, UWND, VWND, SLP" "unknown variable lists the variables"

run floe data info "$WORK/p.h5" --dataset /nope
rc_is 1 "unknown dataset exits 1"
err_has "no dataset '/nope'; the file has: /column_names" "unknown dataset lists the datasets"

# Usage errors.
run floe data
rc_is 2 "floe data without a subcommand exits 2"
run floe data frob
rc_is 2 "unknown subcommand exits 2"
err_has "unknown subcommand 'frob'" "unknown subcommand is named"
run floe data info --frob x
rc_is 2 "unknown option exits 2"
err_has "^floe data info: unknown option '--frob'" "unknown option is named"
run floe data convert only-one
rc_is 2 "convert with one file exits 2"
for sub in info convert; do
	run floe data $sub --help
	rc_is 0 "floe data $sub --help exits 0"
	out_has "^usage: floe data $sub" "floe data $sub --help prints its usage"
done
run floe data --help
rc_is 0 "floe data --help exits 0"

done_testing
