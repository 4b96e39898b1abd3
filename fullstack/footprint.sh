#!/usr/bin/env bash
# The agent's footprint on the reference cluster's two VMs (../shared/vm), with the installed
# .deb: start to serving without and with the launcher's class-data archive, `sagent status`'s
# latency without and with it, and the running agent's RSS and idle CPU. The namespace bed's
# figures are bench/run.sh's and bench/profile.sh's; these are the emulated guests' (one vCPU
# each, software emulation), where every JVM start is slow (docs/benchmarks.md).
#
#   fullstack/footprint.sh [--fresh] [--cli-runs N]
#
# Start to serving: both agents stopped, then started at once; per node, from the guest's own
# clock at `systemctl start` to the agent's first log line, to "start-up gate open" and to
# "took <its home address>", from its journal. Done twice: first with the archive removed (as
# after an install or a JVM upgrade; the agent's stop writes it), then with it. `sagent status`
# is timed N times (default 5) on s0 with the archive mapped and N times with it turned off
# (SAGENT_CDS_ARCHIVE=). Idle: after IDLE_WARMUP s (default 60) serving, the JVM's CPU time over
# IDLE_WINDOW s (default 60) from /proc/PID/stat, its VmRSS from /proc/PID/status.
# Results: stdout and fullstack/results/footprint-DATE.md, raw data in fullstack/results/footprint-DATE/.
# Not part of `mvn verify`. As root, from the repository, after `mvn -q package -DskipTests`;
# CLUSTER_SH and VMWORK as for fullstack/suite.sh. Exit 0 when every step ran, 1 when one failed,
# 2 when it could not run.
set -uo pipefail
self=$(readlink -f "$0")
repo=$(cd "$(dirname "$self")/.." && pwd)
# shellcheck source=fullstack/lib.sh
. "$repo/fullstack/lib.sh"
READY_WAIT=${READY_WAIT:-600}
IDLE_WARMUP=${IDLE_WARMUP:-60}
IDLE_WINDOW=${IDLE_WINDOW:-60}

fresh=0 cli_runs=5
while [ $# -gt 0 ]; do
    case $1 in
        --fresh) fresh=1 ;;
        --cli-runs) cli_runs=${2:-}; shift; [[ $cli_runs =~ ^[1-9][0-9]?$ ]] || { echo "footprint.sh: --cli-runs needs 1 to 99" >&2; exit 2; } ;;
        -h|--help) sed -n '2,/^set -uo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "footprint.sh: unknown argument '$1' (--fresh, --cli-runs N)" >&2; exit 2 ;;
    esac
    shift
done

need_root_and_cluster footprint.sh
deb=$(newest_deb "$repo") || exit 2
stamp=$(date +%Y%m%d-%H%M%S)
results=$repo/fullstack/results
raw=$results/footprint-$stamp
table=$results/footprint-$stamp.md
mkdir -p "$raw"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# --- set-up ---------------------------------------------------------------------------------
cluster_up footprint.sh $fresh
install_deb_if_needed "$deb"
want=$(dpkg-deb -f "$deb" Version)
say "sagent with isolation, DRBD with its fencing handlers (the test bed's defaults)"
for n in s0 s1; do g $n 'systemctl stop sagent' >/dev/null 2>&1; done
install_sagent_config 1 || exit 2
stack_settings defaults || exit 2
for n in s0 s1; do g $n 'rm -f /var/lib/sagent/fenced /var/lib/sagent/peer-fenced; systemctl enable -q sagent'; done

home() { [ "$1" = s0 ] && echo $PUB0 || echo $PUB1; }

# start_both LABEL: stops both agents, starts them at once, waits until both serve, and appends
# one row per node: ms from `systemctl start` to the first log line, the gate, the home address.
start_rows=()
start_both() {
    local label=$1 n t first gate took
    say "start to serving, $label"
    for n in s0 s1; do g $n 'systemctl stop sagent' >/dev/null 2>&1; done
    if [ "$label" = "without the archive" ]; then
        for n in s0 s1; do g $n 'rm -f /var/cache/sagent/sagent.jsa /var/cache/sagent/sagent.jsa.for'; done
    fi
    for n in s0 s1; do
        g $n 'date +%s%3N > /run/footprint-start; systemctl start --no-block sagent' &
    done
    wait
    if ! wait_serving "$READY_WAIT"; then bad "$label: not serving within ${READY_WAIT}s: $why"; return 1; fi
    for n in s0 s1; do
        t=$(g $n cat /run/footprint-start)
        gt 60 $n "journalctl -u sagent -o short-unix --no-pager --since @$((t / 1000 - 1))" > "$raw/journal-$n-${label// /-}.txt"
        # short-unix: "SECONDS.MICROS host unit[pid]: message"; the first line of the agent itself.
        first=$(awk -v t="$t" '$1 * 1000 >= t && $3 ~ /^(sagent|java)\[/ { printf "%d", $1 * 1000 - t; exit }' "$raw/journal-$n-${label// /-}.txt")
        gate=$(awk -v t="$t" '$1 * 1000 >= t && /start-up gate open/ { printf "%d", $1 * 1000 - t; exit }' "$raw/journal-$n-${label// /-}.txt")
        took=$(awk -v t="$t" -v a="took $(home $n)" '$1 * 1000 >= t && index($0, a) { printf "%d", $1 * 1000 - t; exit }' "$raw/journal-$n-${label// /-}.txt")
        start_rows+=("| $label | $n | ${first:--} | ${gate:--} | ${took:--} |")
        ok "$n, $label: first log line ${first:--} ms, gate ${gate:--} ms, $(home $n) taken ${took:--} ms after the start"
    done
}

start_both "without the archive" || exit 1
g s0 'test -s /var/cache/sagent/sagent.jsa' && note "s0's agent had already written its archive while running" || true
start_both "with the archive" || exit 1
g s0 'test -s /var/cache/sagent/sagent.jsa' && ok "s0: the archive is there (/var/cache/sagent/sagent.jsa)" ||
    bad "s0: no archive after a run and a stop"

# --- sagent status --------------------------------------------------------------------------
# cli_times ENV: N timings of `sagent status` on s0, in ms, one per line, timed inside the guest.
cli_times() {
    gt 900 s0 "for i in \$(seq $cli_runs); do s=\$(date +%s%3N); $1 sagent status > /dev/null 2>&1 || echo fail; e=\$(date +%s%3N); echo \$((e - s)); done"
}
median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }'; }
say "sagent status on s0, $cli_runs times with the archive, $cli_runs without"
cli_times "" > "$raw/status-with-archive.ms"
cli_times "SAGENT_CDS_ARCHIVE=" > "$raw/status-without-archive.ms"
for f in with without; do
    if grep -q fail "$raw/status-$f-archive.ms"; then bad "sagent status failed $f the archive"; fi
done
with=$(grep -v fail "$raw/status-with-archive.ms" | median) without=$(grep -v fail "$raw/status-without-archive.ms" | median)
ok "sagent status: median $with ms with the archive, $without ms without ($(paste -sd' ' "$raw/status-with-archive.ms") / $(paste -sd' ' "$raw/status-without-archive.ms"))"

# --- idle -----------------------------------------------------------------------------------
say "idle: ${IDLE_WARMUP}s to settle, then the JVM's CPU over ${IDLE_WINDOW}s"
sleep "$IDLE_WARMUP"
idle_rows=()
for n in s0 s1; do
    gt $((IDLE_WINDOW + 60)) $n "p=\$(systemctl show -p MainPID --value sagent); hz=\$(getconf CLK_TCK);
        a=\$(awk '{ print \$14 + \$15 }' /proc/\$p/stat); sleep $IDLE_WINDOW; b=\$(awk '{ print \$14 + \$15 }' /proc/\$p/stat);
        awk -v a=\$a -v b=\$b -v hz=\$hz -v w=$IDLE_WINDOW 'BEGIN { printf \"%.2f\", (b - a) / hz / w * 100 }'; echo;
        awk '/^VmRSS/ { printf \"%.1f\n\", \$2 / 1024 }' /proc/\$p/status; cat /proc/loadavg" > "$raw/idle-$n.txt" &
done
wait
for n in s0 s1; do
    cpu=$(sed -n 1p "$raw/idle-$n.txt") rss=$(sed -n 2p "$raw/idle-$n.txt") load=$(sed -n 3p "$raw/idle-$n.txt" | cut -d' ' -f1)
    [ -n "$rss" ] || bad "$n: could not read the agent's /proc figures (see $raw/idle-$n.txt)"
    idle_rows+=("| $n | ${rss:--} | ${cpu:--} % | ${load:--} |")
    ok "$n: RSS ${rss:--} MiB, idle CPU ${cpu:--} % of its vCPU (load average ${load:--})"
done

{
    echo "Command: \`fullstack/footprint.sh --cli-runs $cli_runs\` ($(date '+%Y-%m-%d %H:%M %Z'), sagent $want)"
    echo
    echo "| start | node | first log line ms | start-up gate open ms | home address taken ms |"
    echo "|---|---|---:|---:|---:|"
    printf '%s\n' "${start_rows[@]}"
    echo
    echo "| \`sagent status\` on s0 | median ms | every run ms |"
    echo "|---|---:|---|"
    echo "| with the archive | $with | $(paste -sd' ' "$raw/status-with-archive.ms") |"
    echo "| without (SAGENT_CDS_ARCHIVE=) | $without | $(paste -sd' ' "$raw/status-without-archive.ms") |"
    echo
    echo "| node | RSS MiB | idle CPU (of its vCPU, ${IDLE_WINDOW} s) | load average |"
    echo "|---|---:|---:|---:|"
    printf '%s\n' "${idle_rows[@]}"
} > "$table"
cat "$table"
[ "${failures:-0}" = 0 ]
