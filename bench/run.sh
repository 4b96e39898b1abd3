#!/usr/bin/env bash
# The failover benchmark: sagent (default and fast profiles) against keepalived (default and fast
# VRRP timers) in network namespaces on this machine, in one run. As root. See README.md,
# "Benchmarks", and docs/benchmarks.md for what it measures.
#
#   bench/run.sh [--repetitions N] [--contenders 'sagent default,keepalived default,...']
#                [--scenarios 'power loss,graceful stop,...'] [--no-docs]
#
# Writes agent/target/benchmarks/{results.md,samples.csv,outage.png} and, unless --no-docs,
# the results section of docs/benchmarks.md with the chart and the samples beside it.
set -euo pipefail
cd "$(dirname "$0")/.."

repetitions=10
contenders=""
scenarios=""
docs=true
while [ $# -gt 0 ]; do
    case "$1" in
        --repetitions) repetitions=$2; shift 2 ;;
        --contenders) contenders=$2; shift 2 ;;
        --scenarios) scenarios=$2; shift 2 ;;
        --no-docs) docs=false; shift ;;
        -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
        *) echo "bench: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if ! [[ "$repetitions" =~ ^[1-9][0-9]*$ ]]; then
    echo "bench: --repetitions wants a positive whole number, not '$repetitions'" >&2
    exit 2
fi
if [ "$(id -u)" != 0 ]; then
    echo "bench: must run as root: it builds network namespaces and runs keepalived in them" >&2
    exit 1
fi

# keepalived is the comparison; ping is the client; fonts draw the chart.
. tools/packages.sh
install_missing bench keepalived iproute2 iputils-ping fontconfig fonts-dejavu-core
# Only the program is wanted: the benchmark runs its own keepalived in its namespaces.
stop_started keepalived keepalived

command="bench/run.sh --repetitions $repetitions"
[ -z "$contenders" ] || command+=" --contenders '$contenders'"
[ -z "$scenarios" ] || command+=" --scenarios '$scenarios'"
args=(-Dbench.repetitions="$repetitions" -Dbench.command="$command")
[ -z "$contenders" ] || args+=(-Dbench.contenders="$contenders")
[ -z "$scenarios" ] || args+=(-Dbench.scenarios="$scenarios")
[ "$docs" = false ] || args+=(-Dbench.docs="$PWD/docs/benchmarks.md")

# Builds the runnable jar, then runs only the benchmark (no unit or integration tests).
mvn -q -pl agent -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=FailoverBenchmark -Dfailsafe.failIfNoSpecifiedTests=false "${args[@]}"
cat agent/target/benchmarks/results.md
