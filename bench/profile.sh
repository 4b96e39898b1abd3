#!/usr/bin/env bash
# Where sagent's footprint goes: starts one two-node lab in network namespaces through the
# packaged launcher at the default timings and profiles node s0: start-up milestones, idle CPU
# per thread, child processes, native memory by category, classes loaded. As root; about 3
# minutes. See docs/benchmarks.md, "Where the cost goes".
#
#   bench/profile.sh [--java-opts '-Xmx32m ...']   # flags to try on top of the launcher's
#
# Writes agent/target/footprint/{profile.md,nmt-summary.txt}.
set -euo pipefail
cd "$(dirname "$0")/.."

java_opts=""
while [ $# -gt 0 ]; do
    case "$1" in
        --java-opts) java_opts=$2; shift 2 ;;
        -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
        *) echo "profile: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
done
if [ "$(id -u)" != 0 ]; then
    echo "profile: must run as root: it builds network namespaces" >&2
    exit 1
fi

. tools/packages.sh
install_missing profile iproute2 strace

# Builds the runnable jar, then runs only the profile (no unit or integration tests).
mvn -q -pl agent -am verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false \
    -Dit.test=FootprintProfile -Dfailsafe.failIfNoSpecifiedTests=false -Dprofile.javaOpts="$java_opts"
cat agent/target/footprint/profile.md
