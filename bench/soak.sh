#!/usr/bin/env bash
# No false failover under load: two agents in network namespaces, started through the packaged
# launcher, while every core of the machine is kept busy (twice as many spinning threads as
# cores) for MINUTES minutes; nothing may move (LoadSoak). As root; MINUTES + about 1 minute.
# See docs/benchmarks.md, "No false failover under load".
#
#   bench/soak.sh [--minutes 10] [--fast]   # --fast: README's fast profile instead of the defaults
#
# Prints one line of figures; exit 0 when nothing moved, non-zero otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=10 fast=false
while [ $# -gt 0 ]; do
    case "$1" in
        --minutes) minutes=$2; shift 2 ;;
        --fast) fast=true; shift ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "soak: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
case $minutes in ''|*[!0-9]*|0) echo "soak: --minutes wants a positive whole number, not '$minutes'" >&2; exit 2 ;; esac
if [ "$(id -u)" != 0 ]; then
    echo "soak: must run as root: it builds network namespaces" >&2
    exit 1
fi

. tools/packages.sh
install_missing soak iproute2 iputils-ping

# Builds the runnable jar, then runs only the soak (no unit or integration tests).
mkdir -p agent/target
log=agent/target/soak.log
status=0
mvn -q -pl agent -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=LoadSoak -Dfailsafe.failIfNoSpecifiedTests=false -Dsoak.minutes="$minutes" -Dsoak.fast="$fast" \
    > "$log" 2>&1 || status=$?
grep '^soak' "$log" || echo "soak: no figures printed (see $log)" >&2
if [ $status != 0 ]; then
    echo "soak: something moved, or the run failed (see $log):" >&2
    grep -A30 'under load alone\|ERROR' "$log" | head -60 >&2
fi
exit $status
