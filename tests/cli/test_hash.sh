#!/usr/bin/env bash
# test_hash.sh - `floe hash` against sha256sum and an independent Python
# implementation of the folder digest (docs/hashing.md).
. "$(dirname "$0")/lib.sh"

mkdir -p "$WORK/d/a/b" "$WORK/d/c"
printf 'hello\n' >"$WORK/d/a/one.txt"
printf 'two' >"$WORK/d/a/b/two.bin"
: >"$WORK/d/c/empty"
printf '#!/bin/sh\n' >"$WORK/d/run.sh"
chmod 755 "$WORK/d/run.sh"
ln -s a/one.txt "$WORK/d/link"
head -c 3000000 /dev/urandom >"$WORK/big"

run floe hash "$WORK/big" "$WORK/d/a/one.txt"
rc_is 0 "hash of files exits 0"
is "$(cat "$OUT")" "$(sha256sum "$WORK/big" "$WORK/d/a/one.txt")" "file digests equal sha256sum's output"

expected=$(python3 - "$WORK/d" <<'PY'
import hashlib, os, stat, sys
def digest(p):
    st = os.lstat(p)
    if stat.S_ISLNK(st.st_mode):
        return hashlib.sha256(os.readlink(p).encode()).digest()
    if stat.S_ISREG(st.st_mode):
        return hashlib.sha256(open(p, "rb").read()).digest()
    h = hashlib.sha256()
    for name in sorted(os.listdir(p), key=lambda s: s.encode()):
        q = os.path.join(p, name)
        m = os.lstat(q).st_mode
        if stat.S_ISLNK(m): t, mode = "l", "777"
        elif stat.S_ISDIR(m): t, mode = "d", "755"
        else: t, mode = "f", "755" if m & stat.S_IXUSR else "644"
        h.update(f"{t} {mode} {name}".encode() + b"\0" + digest(q))
    return h.digest()
print(digest(sys.argv[1]).hex())
PY
)
run floe hash "$WORK/d"
rc_is 0 "hash of a folder exits 0"
is "$(cut -d' ' -f1 "$OUT")" "$expected" "folder digest equals the documented Merkle format"

run floe hash --threads 1 "$WORK/d"
is "$(cut -d' ' -f1 "$OUT")" "$expected" "one thread gives the same folder digest"

run floe hash --json "$WORK/d"
rc_is 0 "hash --json exits 0"
out_has "\"sha256\": \"$expected\"" "JSON output carries the digest"
out_has '"files": 4' "JSON output counts the files"

run floe hash "$WORK/nope"
rc_is 1 "missing path exits 1"
is "$(cat "$ERR")" "floe: $WORK/nope: No such file or directory" "missing path: its name and the reason, nothing else"

if [ "$(id -u)" != 0 ]; then
	printf 'x' >"$WORK/secret"; chmod 000 "$WORK/secret"
	run floe hash "$WORK/secret"
	rc_is 1 "unreadable file exits 1"
	err_has "Permission denied" "unreadable file: the system's reason"
else
	skip "unreadable file: running as root, permissions do not apply"
fi

done_testing
