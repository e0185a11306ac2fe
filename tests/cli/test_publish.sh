#!/usr/bin/env bash
# test_publish.sh - a bundle's model applied (floe predict BUNDLE, floe
# embedded predict on standard input); `floe bundle --with-image` stores
# the step image, and `floe verify` loads it back after `docker rmi`;
# `floe publish` builds an image whose `predict` gives the predictions of
# `floe predict` on the host and whose `verify` reproduces the bundle.
#
# The Docker part needs an engine and floe's image built from this source
# (containers/build-image.sh; FLOE_TEST_IMAGE names another). Without them it
# skips with one line saying why, except under CI=true, where it fails.
. "$(dirname "$0")/lib.sh"

DOCKER=${FLOE_DOCKER:-/usr/bin/docker}
IMAGE=${FLOE_TEST_IMAGE:-floe:local}
TAG=floetest-publish-$$
MADE=() # images this test made, removed at the end (published ones first)
cleanup() {
	for ((i = ${#MADE[@]} - 1; i >= 0; i--)); do
		"$DOCKER" rmi "${MADE[$i]}" >/dev/null 2>&1
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
cd "$WORK" || exit 1
# `command` steps call floe itself
PATH=$(dirname "$FLOE"):$PATH

# --- without an engine: always tested ----------------------------------
mkdir ws && cd ws || exit 1
cp "$SRC/tests/data/digits8x8.csv" .
cat >fit.yaml <<'Y'
floe: 1
name: digits
inputs:
  data: digits8x8.csv
develop:
  - name: fit
    kind: command
    inputs: [data]
    outputs: [model.floe]
    params:
      run: >-
        floe train logistic_regression {in.data} --label label --param max_iter=30
        --seed 3 --threads 1 -o {out.model.floe} > /dev/null
Y
# new data: the first 40 rows without their label
head -41 digits8x8.csv | cut -d, -f1-64 >"$WORK/new.csv"
run floe run fit.yaml
rc_is 0 "the training recipe runs"
floe bundle fit.yaml -o "$WORK/host.floe.tar.zst" >/dev/null
MODEL=out/digits/fit/model.floe
floe predict --proba "$MODEL" "$WORK/new.csv" >"$WORK/want.csv"
is "$(wc -l <"$WORK/want.csv")" 41 "floe predict on the host: a header and 40 rows"

run floe predict --proba "$WORK/host.floe.tar.zst" "$WORK/new.csv"
rc_is 0 "floe predict takes a bundle"
ok "$(cmp -s "$OUT" "$WORK/want.csv"; echo $?)" "a bundle's model predicts what its model file does"

export FLOE_BUNDLE=$WORK/host.floe.tar.zst
run floe embedded predict --proba <"$WORK/new.csv"
rc_is 0 "embedded predict reads standard input"
ok "$(cmp -s "$OUT" "$WORK/want.csv"; echo $?)" "embedded predict: the same predictions"
run floe embedded predict </dev/null
rc_is 1 "embedded predict with nothing on standard input fails"
err_has "no data on standard input \(docker run needs -i" "the message says to pass -i"
run env FLOE_BUNDLE_MODEL=nothing.floe "$FLOE" embedded predict <"$WORK/new.csv"
rc_is 1 "a model the bundle does not hold fails"
err_has "holds no model 'nothing.floe'; its models: $MODEL" "the message lists the bundle's models"
run floe embedded verify
rc_is 0 "embedded verify re-runs the bundle in this process"
out_has "reproduced bitwise" "embedded verify reports the verdict"
run floe embedded frobnicate
rc_is 2 "an unknown action is a usage error"
err_has "unknown action 'frobnicate'" "the unknown action is named"
run env -u FLOE_BUNDLE "$FLOE" embedded verify
rc_is 1 "without FLOE_BUNDLE embedded refuses"
err_has "FLOE_BUNDLE is not set" "the message names FLOE_BUNDLE"
unset FLOE_BUNDLE

run floe bundle --with-image fit.yaml -o "$WORK/x.floe.tar.zst"
rc_is 1 "--with-image with no step in a container fails"
err_has "no step of .* ran in a container" "the message says there is no image"
run floe publish "$WORK/host.floe.tar.zst"
rc_is 2 "publish without -t is a usage error"
run env FLOE_DOCKER=/nonexistent/docker "$FLOE" publish "$WORK/host.floe.tar.zst" -t "$TAG:x"
rc_is 1 "publish without Docker fails"
err_has "Docker is not installed" "publish without Docker: the message says so"
cd "$WORK" || exit 1

# --- with an engine ---------------------------------------------------------
why=
if [ ! -x "$DOCKER" ]; then
	why="no Docker client at $DOCKER"
elif ! "$DOCKER" info >/dev/null 2>&1; then
	why="the Docker engine does not answer (scripts/start-dockerd starts one)"
elif ! ID=$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null); then
	why="no image $IMAGE (containers/build-base.sh, then containers/build-image.sh)"
elif ! "$DOCKER" run --rm --network none --entrypoint /usr/local/bin/floe "$ID" \
	embedded --help >/dev/null 2>&1; then
	why="image $IMAGE predates floe publish (rebuild it: containers/build-image.sh)"
fi
if [ -n "$why" ]; then
	if [ "${CI:-}" = true ]; then
		_result 1 "Docker is required under CI" "$why"
		done_testing
		exit 1
	fi
	skip "Docker tests: $why"
	done_testing
	exit 0
fi

# A step image of our own (floe's image plus a label), which can be removed
# without touching floe's image: `docker rmi` deletes only its config.
mkdir ctx
printf 'FROM %s\nLABEL org.floe.test="publish %s %s"\n' "$ID" "$$" "$(date +%s%N)" >ctx/Dockerfile
STEP_ID=$("$DOCKER" build -q --network none ctx 2>"$ERR")
ok $? "a step image is built"
MADE+=("$STEP_ID")

mkdir img && cd img || exit 1
cp "$SRC/tests/data/digits8x8.csv" .
sed "s/^name: digits\$/name: digits\ncontainer: $STEP_ID/" ../ws/fit.yaml >fit.yaml
run floe run --threads 1 fit.yaml
rc_is 0 "the recipe runs in the step image"
run floe bundle --with-image fit.yaml -o "$WORK/img1.floe.tar.zst"
rc_is 0 "bundle --with-image succeeds"
floe bundle --with-image fit.yaml -o "$WORK/img2.floe.tar.zst" >/dev/null 2>&1
floe bundle fit.yaml -o "$WORK/small.floe.tar.zst" >/dev/null 2>&1
ok "$(cmp -s "$WORK/img1.floe.tar.zst" "$WORK/img2.floe.tar.zst"; echo $?)" \
	"a bundle with its image is byte-identical when made twice"
hex=${STEP_ID#sha256:}
ok "$(tar --zstd -tf "$WORK/img1.floe.tar.zst" | grep -qx ".floe/images/$hex.tar"; echo $?)" \
	"the image is stored as .floe/images/<ID>.tar"
run floe inspect "$WORK/img1.floe.tar.zst"
out_has "^image +$STEP_ID \(inside" "inspect names the image and says it is inside"
cd "$WORK" || exit 1

"$DOCKER" rmi "$STEP_ID" >/dev/null 2>&1
ok "$("$DOCKER" image inspect "$STEP_ID" >/dev/null 2>&1; [ $? != 0 ]; echo $?)" \
	"the step image is removed from Docker"
run floe verify --threads 1 "$WORK/img1.floe.tar.zst"
rc_is 0 "verify passes with the image gone"
out_has "^image +$STEP_ID loaded from the bundle" "verify says it loaded the image"
out_has "^bitwise +out/digits/fit/model.floe" "the model is reproduced bitwise in the loaded image"
ok "$("$DOCKER" image inspect "$STEP_ID" >/dev/null 2>&1; echo $?)" "the image is back in Docker"
run floe unpack "$WORK/img1.floe.tar.zst" "$WORK/u"
ok "$([ ! -e "$WORK/u/.floe/images" ]; echo $?)" "unpack leaves the image tar in the bundle"

# publish, then docker run predict/verify
run floe publish "$WORK/host.floe.tar.zst" -t "$TAG:1" --from "$IMAGE"
rc_is 0 "publish succeeds"
MADE+=("$TAG:1")
out_has "^from +$ID" "the image is built FROM floe's image by ID"
out_has "^model +out/digits/fit/model.floe" "publish names the model predict applies"
size=$("$DOCKER" image inspect --format '{{.Size}}' "$TAG:1")
ok "$([ "$size" -lt 150000000 ]; echo $?)" "the published image is under 150 MB ($((size / 1000000)) MB)"
is "$("$DOCKER" image inspect --format '{{json .Config.Entrypoint}}' "$TAG:1")" \
	'["/usr/local/bin/floe","embedded"]' "the entry point is floe embedded"

"$DOCKER" run --rm -i "$TAG:1" predict --proba <new.csv >pred.csv 2>"$ERR"
ok $? "docker run -i IMAGE predict < new.csv exits 0"
ok "$(cmp -s pred.csv want.csv; echo $?)" \
	"docker run predict gives the predictions of floe predict on the host"
run "$DOCKER" run --rm "$TAG:1" verify
rc_is 0 "docker run IMAGE verify exits 0"
out_has "^bitwise +out/digits/fit/model.floe" "verify inside the image reproduces the model bitwise"
out_has "reproduced bitwise" "verify inside the image passes"
run "$DOCKER" run --rm "$TAG:1"
out_has "predict \[--proba\]" "the image's default command lists its actions"
run "$DOCKER" run --rm "$TAG:1" predict
rc_is 1 "predict without -i fails"
err_has "no data on standard input" "predict without -i: the message says so"

# without --from: the image the bundle's steps ran in
run floe publish "$WORK/small.floe.tar.zst" -t "$TAG:2"
rc_is 0 "publish without --from succeeds"
MADE+=("$TAG:2")
out_has "^from +$STEP_ID" "it is built FROM the image the bundle's steps ran in"
run floe publish "$WORK/host.floe.tar.zst" -t "$TAG:3" --from "sha256:$(printf '0%.0s' $(seq 64))"
rc_is 1 "publish FROM a missing image fails"
err_has "is not on this machine" "the missing image is named"

done_testing
