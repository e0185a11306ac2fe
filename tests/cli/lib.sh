# lib.sh - a tiny TAP producer for the command-line tests. Source it, call
# `run floe ARGS...` to capture stdout/stderr/exit code, then assertions.
# Each assertion prints one TAP line; `done_testing` prints the plan.
set -u
FLOE=${FLOE:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/floe}
SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
T_N=0
T_FAIL=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/floe-cli-XXXXXX")
trap 'rm -rf "$WORK"' EXIT
OUT=$WORK/.out
ERR=$WORK/.err
RC=0

floe() { "$FLOE" "$@"; }

# run CMD ARGS... : run with stdout/stderr captured in $OUT/$ERR, code in $RC.
run() {
	"$@" >"$OUT" 2>"$ERR"
	RC=$?
}

_result() { # ok?, description, diagnostics
	T_N=$((T_N + 1))
	if [ "$1" = 0 ]; then
		echo "ok $T_N - $2"
	else
		echo "not ok $T_N - $2"
		T_FAIL=$((T_FAIL + 1))
		# Diagnostics go to standard error, as Test::More does, so that
		# prove shows them (with the script's name) in any log, CI's too.
		{
			echo "# failed: $(basename "$0") test $T_N - $2"
			[ -n "${3:-}" ] && printf '%s\n' "$3" | sed 's/^/#   /'
		} >&2
	fi
}

ok() { # ok CONDITION-EXIT-CODE DESCRIPTION
	_result "$1" "$2"
}

is() { # is GOT EXPECTED DESCRIPTION
	[ "$1" = "$2" ]
	_result $? "$3" "got: '$1'
expected: '$2'"
}

rc_is() { # rc_is EXPECTED DESCRIPTION
	[ "$RC" = "$1" ]
	_result $? "$2" "exit code $RC, expected $1; stderr: $(head -c 2000 "$ERR")"
}

out_has() { # out_has REGEX DESCRIPTION
	grep -Eq -- "$1" "$OUT"
	_result $? "$2" "stdout lacks /$1/: $(head -c 2000 "$OUT")"
}

err_has() { # err_has REGEX DESCRIPTION
	grep -Eq -- "$1" "$ERR"
	_result $? "$2" "stderr lacks /$1/: $(head -c 2000 "$ERR")"
}

err_lines() { wc -l <"$ERR" | tr -d ' '; }

skip() { # skip REASON
	T_N=$((T_N + 1))
	echo "ok $T_N # SKIP $1"
}

done_testing() {
	echo "1..$T_N"
	[ "$T_FAIL" = 0 ]
}
