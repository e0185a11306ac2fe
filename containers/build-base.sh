#!/usr/bin/env bash
# build-base.sh - build floe's base image from Debian packages, with no registry.
#
# debootstrap (minbase, bookworm) from the mirror this machine's apt uses, upgraded from the
# bookworm-updates and bookworm-security suites (which the image's own apt sources also list),
# plus the run-time libraries in containers/runtime-packages and a non-root user `floe`
# (uid/gid 10001). Caches, logs, lists and machine-id are removed, dates in /etc/shadow fixed,
# and the tree is packed as one layer: a tar sorted by name with mtimes clamped to
# SOURCE_DATE_EPOCH, loaded with a hand-written image config whose `created` is that same
# date. The same package set therefore gives the same image ID, build after build.
#
# Usage: containers/build-base.sh [-t TAG] [--packages-out FILE] [--keep-rootfs DIR]
#   -t TAG             tag to give the image (default floe-base:local)
#   --packages-out F   write the image's package set (name version, sorted) to F
#   --keep-rootfs DIR  keep the normalised root tree in DIR (for inspection)
# Environment:
#   SOURCE_DATE_EPOCH  the image's date; default: the newest package file in the tree, so
#                      it is a function of the package set
#   FLOE_DEBOOTSTRAP_CACHE  folder for downloaded .debs (default /var/cache/floe-debootstrap)
# Prints the image ID (sha256:...) on stdout; progress goes to stderr. Needs root and a
# running Docker engine (scripts/start-dockerd).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
DOCKER=/usr/bin/docker
TAG=floe-base:local
PKGS_OUT=
KEEP=
SUITE=bookworm
CACHE=${FLOE_DEBOOTSTRAP_CACHE:-/var/cache/floe-debootstrap}
FLOE_UID=10001

say() { echo "build-base: $*" >&2; }
die() { say "error: $*"; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	-t) TAG=${2:?-t needs a tag}; shift 2 ;;
	--packages-out) PKGS_OUT=${2:?--packages-out needs a file}; shift 2 ;;
	--keep-rootfs) KEEP=${2:?--keep-rootfs needs a folder}; shift 2 ;;
	-h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
	*) echo "build-base: unknown option '$1' (try --help)" >&2; exit 2 ;;
	esac
done

[ "$(id -u)" = 0 ] || die "debootstrap needs root"
"$DOCKER" info >/dev/null 2>&1 ||
	die "the Docker engine does not answer; start it with scripts/start-dockerd"
if ! command -v debootstrap >/dev/null; then
	say "installing debootstrap"
	apt-get -o DPkg::Lock::Timeout=600 update -qq
	DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 \
		install -y -qq --no-install-recommends debootstrap >/dev/null
fi

# "URI SUITE" for every enabled deb source of this machine, in either sources format.
apt_sources() {
	local f
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		awk '$1 == "deb" { i = 2; if ($2 ~ /^\[/) while ($i !~ /\]$/) i++;
			if ($2 ~ /^\[/) i++; print $i, $(i + 1) }' "$f"
	done
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() { if (types ~ /(^| )deb( |$)/ && enabled != "no")
				for (u in uris) for (s in suites) print uris[u], suites[s];
			types = ""; enabled = ""; delete uris; delete suites }
			/^[ \t]*$/ { flush(); next }
			/^#/ { next }
			{ key = tolower($1); sub(/:$/, "", key) }
			key == "types" { types = $0; sub(/^[^:]*:[ \t]*/, "", types) }
			key == "enabled" { enabled = tolower($2) }
			key == "uris" { for (i = 2; i <= NF; i++) uris[i] = $i }
			key == "suites" { for (i = 2; i <= NF; i++) suites[i] = $i }
			END { flush() }' "$f"
	done
}
SOURCES=$(apt_sources)
MIRROR=$(awk -v s="$SUITE" '$2 == s { print $1; exit }' <<<"$SOURCES")
SECURITY=$(awk -v s="$SUITE-security" '$2 == s { print $1; exit }' <<<"$SOURCES")
[ -n "$MIRROR" ] || die "no '$SUITE' suite in /etc/apt/sources.list*; cannot pick a mirror"
SECURITY=${SECURITY:-http://deb.debian.org/debian-security}
mapfile -t RUNTIME < <(grep -v '^[[:space:]]*\(#\|$\)' "$HERE/runtime-packages")

WORK=$(mktemp -d /var/tmp/floe-base.XXXXXX)
ROOT=$WORK/rootfs
cleanup() {
	mountpoint -q "$ROOT/proc" 2>/dev/null && umount "$ROOT/proc"
	rm -rf "$WORK"
}
trap cleanup EXIT

say "debootstrap --variant=minbase $SUITE from $MIRROR"
mkdir -p "$CACHE"
debootstrap --variant=minbase --cache-dir="$CACHE" \
	--include="$(IFS=,; echo "${RUNTIME[*]}")" \
	"$SUITE" "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 ||
	{ tail -n 20 "$WORK/debootstrap.log" >&2; die "debootstrap failed"; }

# apt sources of the image: debootstrap writes only the main suite.
rm -f "$ROOT/etc/apt/sources.list"
cat >"$ROOT/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $MIRROR
Suites: $SUITE $SUITE-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $SECURITY
Suites: $SUITE-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# Like debian:*-slim: no documentation, manual pages or translations in later installs.
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/floe-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
path-exclude /usr/share/lintian/*
EOF
cat >"$ROOT/etc/apt/apt.conf.d/floe-slim" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
Acquire::Languages "none";
EOF

say "upgrading from $SUITE-updates and $SUITE-security"
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
	sh -ec 'apt-get update -qq
		apt-get -y -qq -o Dpkg::Options::=--force-confold dist-upgrade
		apt-get -y -qq install "$@"
		apt-get -y -qq autoremove --purge
		apt-get clean' floe "${RUNTIME[@]}" >"$WORK/apt.log" 2>&1 ||
	{ tail -n 20 "$WORK/apt.log" >&2; die "apt-get in the new tree failed"; }
umount "$ROOT/proc"

# The package set, which (with this script) determines the image.
PKGSET=$(chroot "$ROOT" dpkg-query -W -f='${Package} ${Version} ${Architecture}\n' | LC_ALL=C sort)
[ -z "$PKGS_OUT" ] || printf '%s\n' "$PKGSET" >"$PKGS_OUT"

say "normalising the tree"
# The non-root user steps run as; written by hand so no date lands in /etc/shadow.
echo "floe:x:$FLOE_UID:$FLOE_UID:floe:/home/floe:/usr/sbin/nologin" >>"$ROOT/etc/passwd"
echo "floe:x:$FLOE_UID:" >>"$ROOT/etc/group"
echo "floe:!::0:99999:7:::" >>"$ROOT/etc/shadow"
echo "floe:!::" >>"$ROOT/etc/gshadow"
install -d -m 0755 -o "$FLOE_UID" -g "$FLOE_UID" "$ROOT/home/floe"
# Days since the epoch of the last password change: the day the tree was built; drop it.
sed -i -E 's/^([^:]*:[^:]*):[0-9]*:/\1::/' "$ROOT/etc/shadow"
rm -f "$ROOT"/etc/{passwd,group,shadow,gshadow,subuid,subgid}- "$ROOT"/etc/machine-id \
	"$ROOT"/var/lib/dbus/machine-id "$ROOT"/etc/resolv.conf "$ROOT"/etc/apt/sources.list~
printf 'floe\n' >"$ROOT/etc/hostname"
printf '127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n' >"$ROOT/etc/hosts"
find "$ROOT/var/log" "$ROOT/var/cache/apt" "$ROOT/var/lib/apt/lists" -type f -delete
rm -f "$ROOT"/var/cache/ldconfig/aux-cache "$ROOT"/var/lib/dpkg/*-old \
	"$ROOT"/var/cache/debconf/*-old "$ROOT"/var/lib/dpkg/lock*
find "$ROOT/usr/share/doc" -mindepth 1 ! -type d ! -name copyright -delete
find "$ROOT/usr/share/doc" -mindepth 1 -type d -empty -delete
rm -rf "$ROOT"/usr/share/{man,info,lintian}/*
find "$ROOT/usr/share/locale" -mindepth 1 -maxdepth 1 ! -name locale.alias -exec rm -rf {} +
for d in dev proc sys run tmp var/tmp; do
	find "$ROOT/$d" -mindepth 1 -delete 2>/dev/null || true
done

# The date of the newest file any package shipped, unless the caller fixed one.
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
	SOURCE_DATE_EPOCH=$(find "$ROOT/usr/share/doc" -name copyright -printf '%T@\n' |
		cut -d. -f1 | sort -n | tail -n 1)
fi
CREATED=$(date -u -d "@$SOURCE_DATE_EPOCH" +%Y-%m-%dT%H:%M:%SZ)

say "packing (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH, $CREATED)"
OUT=$WORK/image
mkdir -p "$OUT"
(cd "$ROOT" && LC_ALL=C ls -A | LC_ALL=C tar --sort=name --numeric-owner --format=gnu \
	--mtime="@$SOURCE_DATE_EPOCH" --clamp-mtime --no-xattrs --no-acls --no-selinux \
	-cf "$OUT/layer.tar" -T -)
DIFF_ID=sha256:$(sha256sum "$OUT/layer.tar" | cut -d' ' -f1)
PKGSET_SHA=$(printf '%s\n' "$PKGSET" | sha256sum | cut -d' ' -f1)

# The image config, byte for byte: its SHA-256 is the image ID.
printf '{"architecture":"amd64","config":{"Cmd":["bash"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Labels":{"org.floe.base.packages.sha256":"%s","org.floe.base.suite":"%s"}},"created":"%s","history":[{"created":"%s","created_by":"floe containers/build-base.sh: debootstrap --variant=minbase %s"}],"os":"linux","rootfs":{"diff_ids":["%s"],"type":"layers"}}' \
	"$PKGSET_SHA" "$SUITE" "$CREATED" "$CREATED" "$SUITE" "$DIFF_ID" >"$OUT/config.json"
ID=sha256:$(sha256sum "$OUT/config.json" | cut -d' ' -f1)
mv "$OUT/config.json" "$OUT/${ID#sha256:}.json"
mkdir "$OUT/layer" && mv "$OUT/layer.tar" "$OUT/layer/layer.tar"
printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["layer/layer.tar"]}]' \
	"${ID#sha256:}" "$TAG" >"$OUT/manifest.json"

say "loading into Docker as $TAG"
tar -C "$OUT" -c . | "$DOCKER" load >&2
GOT=$("$DOCKER" image inspect --format '{{.Id}}' "$TAG")
[ "$GOT" = "$ID" ] || die "Docker reports $GOT for $TAG, expected $ID"
if [ -n "$KEEP" ]; then
	rm -rf "$KEEP" && mv "$ROOT" "$KEEP"
fi
say "$TAG is $ID ($(du -sm "$OUT/layer/layer.tar" | cut -f1) MB uncompressed, $(wc -l <<<"$PKGSET") packages)"
echo "$ID"
