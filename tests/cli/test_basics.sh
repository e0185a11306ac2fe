#!/usr/bin/env bash
# test_basics.sh - the command table, help, usage errors and exit codes.
. "$(dirname "$0")/lib.sh"

run floe --help
rc_is 0 "floe --help exits 0"
out_has '^usage: floe' "floe --help prints the usage line"
for c in version hash data; do
	out_has "^  $c " "floe --help lists $c"
done
for c in version hash data; do
	run floe $c --help
	rc_is 0 "floe $c --help exits 0"
	out_has "^usage: floe $c" "floe $c --help prints its usage"
done

run floe frobnicate
rc_is 2 "unknown command exits 2"
err_has "^floe: unknown command 'frobnicate'$" "unknown command is named"
err_has '^usage: floe' "unknown command prints the usage line"
is "$(err_lines)" 2 "unknown command: two lines on stderr"

run floe hash --frob x
rc_is 2 "unknown option exits 2"
err_has "^floe hash: unknown option '--frob'$" "unknown option is named"
err_has '^usage: floe hash' "unknown option prints the command's usage"

run floe hash --threads
rc_is 2 "missing option value exits 2"
err_has "needs a value" "missing option value is explained"

run floe hash --threads zero x
rc_is 2 "bad --threads exits 2"

run floe
rc_is 2 "no command exits 2"

run floe --version
rc_is 0 "floe --version exits 0"
out_has '^floe [0-9]+\.[0-9]+\.[0-9]+ ' "floe --version prints the version"

done_testing
