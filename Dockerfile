# Dockerfile - floe in two stages: build floe on BASE with the -dev packages, then a runtime
# image holding only floe, the shared libraries it loads (taken from the build stage's Debian
# system), a static busybox as /bin/sh for `command` steps, and a non-root user. Build it with containers/build-image.sh, or by hand:
#
#   containers/build-base.sh                       # floe-base:local, no registry needed
#   docker build --network host -t floe:local .
#
# With a registry, build on a pinned Debian instead of the local base:
#   docker build --network host --build-arg BASE=debian:bookworm-slim@sha256:<digest> -t floe .
#
# The runtime image runs `floe` as uid 10001 with /work as its working folder:
#   docker run --rm --network none -v "$PWD:/work" floe:local version

ARG BASE=floe-base:local

FROM ${BASE} AS build
# The build tools and -dev packages, from the same list `scripts/install-deps` installs on a
# host (without the test-only tools). Needs the network: build with --network host.
COPY scripts/install-deps /src/scripts/install-deps
# busybox-static gives `command` steps a /bin/sh and the POSIX tools in the runtime image.
RUN /src/scripts/install-deps --build \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends busybox-static \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/*.bin
WORKDIR /src
COPY Makefile ./
COPY lib lib
COPY runner runner
COPY containers/stage-runtime.sh containers/stage-runtime.sh
# The commit floe reports (`floe version`); the build context has no .git.
ARG FLOE_COMMIT=unknown
RUN make -j"$(nproc)" WERROR=1 FLOE_COMMIT="${FLOE_COMMIT}" build/floe \
 && sh containers/stage-runtime.sh build/floe /rootfs

FROM scratch
ARG BASE=floe-base:local
ARG FLOE_COMMIT=unknown
COPY --from=build /rootfs/ /
ENV PATH=/usr/local/bin:/usr/bin \
    LANG=C.UTF-8
LABEL org.opencontainers.image.title="floe" \
      org.opencontainers.image.description="reproducible machine learning: recipes, content-addressed steps, bundles" \
      org.opencontainers.image.revision="${FLOE_COMMIT}" \
      org.floe.base="${BASE}"
USER 10001:10001
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/floe"]
CMD ["--help"]
