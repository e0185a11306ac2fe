#!/usr/bin/env bash
# test_containers.sh - the docker executor: a recipe run in a container gives
# bitwise the outputs of the in-process run; the container has no network, a
# read-only root, a non-root user and only the step's inputs; Docker missing
# or stopped, a missing image, a step killed or out of memory: a clear
# message, nothing cached, nothing half-written.
#
# Needs a Docker engine and floe's image built from this source
# (containers/build-image.sh; FLOE_TEST_IMAGE names another). Without them
# the Docker part skips with one line saying why, except under CI=true,
# where it fails.
. "$(dirname "$0")/lib.sh"

DOCKER=${FLOE_DOCKER:-/usr/bin/docker}
IMAGE=${FLOE_TEST_IMAGE:-floe:local}
cd "$WORK" || exit 1

# --- without an engine: always tested ----------------------------------
printf '3\n1\n2\n' >a.txt
printf 'x\ny\n' >b.txt
cat >r.yaml <<'Y'
floe: 1
name: demo
seed: 7
inputs:
  a: a.txt
  b: b.txt
prepare:
  - name: A
    kind: command
    inputs: [a]
    outputs: [sorted.txt]
    params: {run: "sort -n {in.a} > {out.sorted.txt}; echo seed {seed} >> {out.sorted.txt}"}
develop:
  - name: C
    kind: command
    inputs: {s: A/sorted.txt, b: b}
    outputs: [sum.txt, parts]
    params:
      run: >-
        awk '{t += $1} END {print t}' {in.s} > {out.sum.txt};
        mkdir -p {out.parts}/x && tr a-z A-Z < {in.b} > {out.parts}/x/up.txt
Y

run env FLOE_DOCKER=/nonexistent/docker "$FLOE" run --executor docker --image x r.yaml
rc_is 1 "Docker not installed: exit 1"
err_has "Docker is not installed \(no /nonexistent/docker\): install it" \
	"Docker not installed: the message says so and how to fix it"
ok "$([ ! -e out ]; echo $?)" "Docker not installed: nothing written"

printf '#!/bin/sh\necho "Cannot connect to the Docker daemon at unix:///var/run/docker.sock." >&2\nexit 1\n' \
	>"$WORK/fake-docker"
chmod +x "$WORK/fake-docker"
run env FLOE_DOCKER="$WORK/fake-docker" "$FLOE" run --executor docker --image x r.yaml
rc_is 1 "engine not running: exit 1"
err_has "the Docker engine is not running \(Cannot connect.*\): start it" \
	"engine not running: the message says so and how to start it"

run floe run --image x r.yaml
rc_is 2 "--image without --executor docker is a usage error"
run floe run --executor podman r.yaml
rc_is 2 "an unknown executor is a usage error"
err_has "--executor is auto, local or docker, not 'podman'" "the executors are named"

# --- with an engine ---------------------------------------------------------
why=
if [ ! -x "$DOCKER" ]; then
	why="no Docker client at $DOCKER"
elif ! "$DOCKER" info >/dev/null 2>&1; then
	why="the Docker engine does not answer (scripts/start-dockerd starts one)"
elif ! ID=$("$DOCKER" image inspect --format '{{.Id}}' "$IMAGE" 2>/dev/null); then
	why="no image $IMAGE (containers/build-base.sh, then containers/build-image.sh)"
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

# The same recipe, in this process and in the image: the same bits.
mkdir host box
cp a.txt b.txt r.yaml host/
cp a.txt b.txt r.yaml box/
run floe run --threads 1 host/r.yaml
rc_is 0 "in-process run succeeds"
run floe run --threads 1 --executor docker --image "$IMAGE" box/r.yaml
rc_is 0 "run in the container succeeds"
is "$(floe hash box/out/demo | cut -d' ' -f1)" "$(floe hash host/out/demo | cut -d' ' -f1)" \
	"container outputs are bitwise those of the in-process run"
ok "$(diff -r host/out box/out >/dev/null; echo $?)" "every output file is identical"
ok "$(grep -q "container: $ID" box/r.lock; echo $?)" "the lock names the image by its ID"
ok "$(grep -q 'container: sha256' host/r.lock; [ $? = 1 ]; echo $?)" \
	"the in-process lock names no image"
owner=$(stat -c %u box/out/demo/C/parts/x/up.txt)
is "$owner" "$(id -u)" "outputs written in the container belong to floe's user"
run floe run --executor docker --image "$IMAGE" box/r.yaml
out_has "nothing to do" "a second container run is cached"

# A recipe-wide container: key, and what a step can see and do inside.
mkdir probe
printf 'secret\n' >probe/other.txt
cp a.txt probe/
cat >probe/p.yaml <<Y
floe: 1
name: probe
container: $ID
inputs:
  a: a.txt
prepare:
  - name: look
    kind: command
    inputs: [a]
    outputs: [seen.txt]
    params:
      run: >-
        { echo "uid \$(id -u)"; echo "net \$(ls /sys/class/net | tr '\n' ' ')";
        if touch /etc/x 2>/dev/null; then echo "root rw"; else echo "root ro"; fi;
        echo "in \$(ls /floe/in/*)"; ls /floe/recipe;
        cat /floe/in/0/a.txt | wc -l; } > {out.seen.txt}
Y
run floe run probe/p.yaml
rc_is 0 "a step with container: runs"
seen=probe/out/probe/look/seen.txt
ok "$(grep -qx 'uid 0' $seen; [ $? = 1 ]; echo $?)" "the step does not run as root"
ok "$(grep -qx 'net lo ' $seen; echo $?)" "the step has no network (loopback only)"
ok "$(grep -qx 'root ro' $seen; echo $?)" "the step's root file system is read-only"
ok "$(grep -qx 'in a.txt' $seen; echo $?)" "only the step's input is mounted"
ok "$(grep -q 'other.txt' $seen; [ $? = 1 ]; echo $?)" "other files of the folder are not visible"
ok "$(grep -q "container: $ID" probe/p.lock; echo $?)" "the recipe's container: goes into the lock"

# Faults: a missing image, a step killed, a step out of memory.
mkdir fault
sed "s/^container: .*/container: sha256:$(printf '0%.0s' $(seq 64))/" probe/p.yaml >fault/m.yaml
cp a.txt fault/
run floe run fault/m.yaml
rc_is 1 "a missing image fails"
err_has "m.yaml:[0-9]+:[0-9]+: step 'look': container image sha256:0+ is not on this machine: build it .* or load it" \
	"a missing image is named, with how to build or load it"

cat >fault/k.yaml <<Y
floe: 1
name: k
container: $ID
prepare:
  - name: slow
    kind: command
    outputs: [x.txt]
    params: {run: "echo partial > {out.x.txt}; sleep 120"}
Y
(
	for _ in $(seq 1 120); do
		c=$("$DOCKER" ps -q --filter "name=floe-step-" --filter status=running)
		[ -n "$c" ] && sleep 1 && "$DOCKER" kill $c >/dev/null 2>&1 && break
		sleep 0.5
	done
) &
killer=$!
run floe run fault/k.yaml
wait $killer
rc_is 1 "a step killed in its container fails"
err_has "step 'slow' was killed by signal 9 .* in container sha256:[0-9a-f]{12}.*nothing was kept" \
	"a killed step: the message says so"
ok "$([ ! -e fault/out/k/slow ]; echo $?)" "a killed step leaves no output behind"
ok "$([ -z "$(ls fault/.floe/tmp)" ]; echo $?)" "a killed step leaves no staging folder behind"
run floe status fault/k.yaml
out_has "slow +stale" "a killed step is not cached"

cat >fault/o.yaml <<Y
floe: 1
name: o
container: $ID
prepare:
  - name: big
    kind: command
    outputs: [y.txt]
    params: {run: "head -c 300000000 /dev/zero | sort > {out.y.txt}"}
Y
run env FLOE_CONTAINER_MEMORY=64m "$FLOE" run fault/o.yaml
rc_is 1 "a step out of memory fails"
err_has "step 'big' ran out of memory in container sha256:[0-9a-f]{12}" \
	"out of memory: the message says so"
ok "$([ ! -e fault/out/o/big ]; echo $?)" "out of memory: no output behind"
ok "$([ -z "$("$DOCKER" ps -aq --filter name=floe-step-)" ]; echo $?)" \
	"no step container is left behind"

# docker-compose: a recipe from the current folder in the pinned image, then
# its bundle verified, read-only.
COMPOSE=/usr/bin/docker-compose
if [ ! -x "$COMPOSE" ]; then
	if [ "${CI:-}" = true ]; then
		_result 1 "docker-compose is required under CI" "no $COMPOSE"
	else
		skip "compose: no $COMPOSE (apt-get install docker-compose)"
	fi
else
	mkdir comp
	cp a.txt b.txt r.yaml comp/
	# the image's user must be able to write the folder
	[ "$(id -u)" = 0 ] && chown -R 10001:10001 comp
	dc() { (cd comp && env FLOE_IMAGE="$ID" COMPOSE_PROJECT_NAME="floetest$$" \
		"$COMPOSE" -f "$SRC/docker-compose.yml" "$@"); }
	run dc run --rm floe run --threads 1 r.yaml
	rc_is 0 "docker-compose run --rm floe run r.yaml succeeds"
	is "$(floe hash comp/out/demo | cut -d' ' -f1)" "$(floe hash host/out/demo | cut -d' ' -f1)" \
		"compose outputs are bitwise those of the in-process run"
	run dc run --rm floe bundle -o demo.floe.tar.zst r.yaml
	rc_is 0 "compose: floe bundle in the container"
	run dc run --rm verify demo.floe.tar.zst
	rc_is 0 "docker-compose run --rm verify BUNDLE: reproduced"
fi

done_testing
