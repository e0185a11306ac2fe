#!/bin/sh
# stage-runtime.sh - assemble the root tree of floe's runtime image: the floe binary, the
# shared libraries it loads (resolved from the Debian system it was built on), the dynamic
# loader, a passwd/group with the non-root user `floe` (10001), and for each library the
# Debian package it came from (name, version) and that package's copyright file.
# Runs in the Dockerfile's build stage; nothing else (no shell, no package manager) goes
# into the runtime image.
# Usage: stage-runtime.sh BINARY OUTDIR
set -eu

BIN=$1
OUT=$2
LIBDIR=usr/lib/x86_64-linux-gnu
die() { echo "stage-runtime: $*" >&2; exit 1; }

# The Debian package owning FILE; dpkg may know it by its /usr-less name (merged /usr).
owner() {
	for f in "$1" "${1#/usr}"; do
		dpkg -S "$f" 2>/dev/null | head -n 1 | cut -d: -f1 | grep . && return 0
	done
	return 0
}

[ -x "$BIN" ] || die "$BIN: not an executable"
if ldd "$BIN" | grep -q 'not found'; then
	ldd "$BIN" | grep 'not found' >&2
	die "$BIN needs libraries this system does not have"
fi
mkdir -p "$OUT/usr/local/bin" "$OUT/$LIBDIR" "$OUT/usr/lib64" "$OUT/etc/ld.so.conf.d" \
	"$OUT/usr/share/floe/copyright" "$OUT/tmp" "$OUT/home/floe" "$OUT/work"
ln -s usr/lib "$OUT/lib"
ln -s usr/lib64 "$OUT/lib64"
chmod 1777 "$OUT/tmp"
install -m 0755 "$BIN" "$OUT/usr/local/bin/floe"

# Every library as the file name the loader asks for (its soname), from its real file.
: >"$OUT/usr/share/floe/packages.tmp"
ldd "$BIN" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 } $1 ~ /^\// { print "LOADER", $1 }' |
while read -r name path; do
	real=$(readlink -f "$path")
	if [ "$name" = LOADER ]; then
		cp "$real" "$OUT/usr/lib64/$(basename "$path")"
	else
		cp "$real" "$OUT/$LIBDIR/$name"
	fi
	pkg=$(owner "$real")
	[ -n "$pkg" ] || die "no Debian package owns $real"
	echo "$pkg" >>"$OUT/usr/share/floe/packages.tmp"
done
sort -u "$OUT/usr/share/floe/packages.tmp" | while read -r pkg; do
	dpkg-query -W -f='${Package} ${Version} ${Architecture}\n' "$pkg"
	doc=/usr/share/doc/$pkg/copyright
	[ ! -f "$doc" ] || cp "$doc" "$OUT/usr/share/floe/copyright/$pkg"
done >"$OUT/usr/share/floe/packages"
rm "$OUT/usr/share/floe/packages.tmp"

# A shell and the POSIX tools for `command` steps: a static busybox, when the build
# stage has one (/bin/sh and every applet as links to it).
if [ -x /bin/busybox ]; then
	mkdir -p "$OUT/usr/bin"
	ln -s usr/bin "$OUT/bin"
	cp /bin/busybox "$OUT/usr/bin/busybox"
	for a in $(/bin/busybox --list); do
		[ -e "$OUT/usr/bin/$a" ] || ln -s busybox "$OUT/usr/bin/$a"
	done
	echo "busybox-static $(dpkg-query -W -f='${Version} ${Architecture}' busybox-static)" \
		>>"$OUT/usr/share/floe/packages"
	cp /usr/share/doc/busybox-static/copyright "$OUT/usr/share/floe/copyright/busybox-static"
fi

# The loader's cache, so that it finds the libraries without a search.
cp /etc/ld.so.conf "$OUT/etc/"
cp /etc/ld.so.conf.d/*.conf "$OUT/etc/ld.so.conf.d/" 2>/dev/null || true
ldconfig -r "$OUT"
rm -f "$OUT/var/cache/ldconfig/aux-cache"

# The system the libraries come from, for floe's environment record.
cp -L /etc/os-release "$OUT/etc/os-release"

printf 'root:x:0:0:root:/root:/usr/sbin/nologin\nfloe:x:10001:10001:floe:/home/floe:/usr/sbin/nologin\n' \
	>"$OUT/etc/passwd"
printf 'root:x:0:\nfloe:x:10001:\n' >"$OUT/etc/group"
chown 10001:10001 "$OUT/home/floe" "$OUT/work"

"$OUT/usr/lib64/ld-linux-x86-64.so.2" --library-path "$OUT/$LIBDIR" "$OUT/usr/local/bin/floe" \
	version >/dev/null || die "the staged floe does not start"
echo "stage-runtime: $(wc -l <"$OUT/usr/share/floe/packages") packages, $(du -sm "$OUT" | cut -f1) MB" >&2
