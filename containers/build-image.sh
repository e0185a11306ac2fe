#!/usr/bin/env bash
# build-image.sh - build floe's runtime image from the top-level Dockerfile and print its ID.
# Usage: containers/build-image.sh [-t TAG] [--base IMAGE]
#   -t TAG        tag for the image (default floe:local)
#   --base IMAGE  the Dockerfile's BASE (default floe-base:local, made by build-base.sh;
#                 with a registry: debian:bookworm-slim@sha256:...)
# The build stage installs the -dev packages with apt, so it runs with --network host.
# Prints the image ID (sha256:...) on stdout; the build log goes to stderr. Writes
# FLOE_IMAGE=<ID> to .env, where docker-compose.yml takes its pinned image from.
set -euo pipefail

cd "$(dirname "$0")/.."
DOCKER=/usr/bin/docker
TAG=floe:local
BASE=floe-base:local
while [ $# -gt 0 ]; do
	case $1 in
	-t) TAG=${2:?-t needs a tag}; shift 2 ;;
	--base) BASE=${2:?--base needs an image}; shift 2 ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-image: unknown option '$1' (try --help)" >&2; exit 2 ;;
	esac
done
"$DOCKER" info >/dev/null 2>&1 ||
	{ echo "build-image: the Docker engine does not answer; start it with scripts/start-dockerd" >&2; exit 1; }
if [ "$BASE" = floe-base:local ] && ! "$DOCKER" image inspect "$BASE" >/dev/null 2>&1; then
	echo "build-image: no image $BASE; build it first with containers/build-base.sh" >&2
	exit 1
fi

commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ "$commit" != unknown ] && ! git diff --quiet HEAD -- Makefile lib runner 2>/dev/null; then
	commit=$commit-dirty
fi
"$DOCKER" build --force-rm --network host --build-arg BASE="$BASE" --build-arg FLOE_COMMIT="$commit" \
	-t "$TAG" . >&2
id=$("$DOCKER" image inspect --format '{{.Id}}' "$TAG")
printf 'FLOE_IMAGE=%s\n' "$id" >.env.tmp && mv .env.tmp .env
echo "$id"
