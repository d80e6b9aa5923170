#!/usr/bin/env bash
# Installs what is missing and runs the whole test suite, then checks that the suite left no
# process of its own running: every child a test starts inherits SHUNIU_TEST_RUN, so one still
# alive after `swift test` has ended is a leak. It is named, killed, and fails the run.
set -euo pipefail
cd "$(dirname "$0")/.."
Ops/install-deps.sh

run="tests-$$-$(date +%s%N)"
status=0
SHUNIU_TEST_RUN="$run" swift test "$@" || status=$?

leaked=0
for environ in /proc/[0-9]*/environ; do
    pid=${environ#/proc/}
    pid=${pid%/environ}
    # Processes of other users, or gone since the glob, cannot be read: not ours.
    if tr '\0' '\n' 2>/dev/null <"$environ" | grep -qx "SHUNIU_TEST_RUN=$run"; then
        echo "run-tests: a process started by the tests is still running: $pid $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null)" >&2
        kill -KILL "$pid" 2>/dev/null || true
        leaked=1
    fi
done
if ((leaked)); then
    echo "run-tests: the suite leaked processes (killed now); a test must stop every child it starts" >&2
    ((status)) || status=1
fi
exit "$status"
