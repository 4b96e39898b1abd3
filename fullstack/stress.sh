#!/usr/bin/env bash
# Heavy load, no fault: on the reference cluster's two VMs (../shared/vm), both guests' CPU and
# OCFS2 are kept busy for MINUTES minutes while the client copies through both public addresses
# and pings them. Nothing may move: no false failover, no membership change, no DRBD disconnect,
# no o2hb self-fence or reboot. The lowest settings README recommends (--settings recommended,
# the default here) are the ones a loaded node is likeliest to trip; the script puts the test
# bed's defaults back at the end, as budget.sh and isolation.sh do.
#
#   fullstack/stress.sh [--minutes N] [--settings defaults|recommended] [--fresh]
#
# Load on each guest, every part bounded by `timeout`: BURNERS busy loops (default 2 per guest,
# which has one vCPU), a writer rewriting a 32 MiB file on OCFS2 with O_DIRECT and fsync, and a
# metadata loop creating, renaming and removing small files in a directory both nodes use (the
# o2dlm lock traffic between them). The client copies a 64 KiB file through each public address
# in a loop (fullstack/copy-loop.sh) and pings each every 100 ms.
# Checks: both guests on the same boot at the end; in the window, no agent line that takes or
# releases an address, changes the membership, takes the peer for dead or begins an arbitration;
# DRBD never leaves Connected; both addresses home and `cluster.sh status` healthy at the end.
# Printed: the guests' load average and the bytes the writers wrote (the load was real), each
# address's longest ping and copy gaps, and the number of copies acknowledged and failed.
# Results: stdout and fullstack/results/stress-DATE.md, raw data in fullstack/results/stress-DATE/.
# Not part of `mvn verify`. As root, from the repository, after `mvn -q package -DskipTests`;
# CLUSTER_SH and VMWORK as for fullstack/suite.sh. Exit 0 when every check passed, 1 when one
# failed, 2 when it could not run.
set -uo pipefail
self=$(readlink -f "$0")
repo=$(cd "$(dirname "$self")/.." && pwd)
# shellcheck source=fullstack/lib.sh
. "$repo/fullstack/lib.sh"
BURNERS=${BURNERS:-2}
READY_WAIT=${READY_WAIT:-600}

minutes=10 settings=recommended fresh=0
while [ $# -gt 0 ]; do
    case $1 in
        --minutes) minutes=${2:-}; shift; [[ $minutes =~ ^[1-9][0-9]*$ ]] || { echo "stress.sh: --minutes needs a number" >&2; exit 2; } ;;
        --settings) settings=${2:-}; shift
            case $settings in defaults|recommended) ;; *) echo "stress.sh: --settings is defaults or recommended" >&2; exit 2 ;; esac ;;
        --fresh) fresh=1 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "stress.sh: unknown argument '$1' (--minutes N, --settings S, --fresh)" >&2; exit 2 ;;
    esac
    shift
done
[[ $BURNERS =~ ^[0-9]+$ ]] && [ "$BURNERS" -le 8 ] || { echo "stress.sh: BURNERS is 0 to 8" >&2; exit 2; }

need_root_and_cluster stress.sh
deb=$(newest_deb "$repo") || exit 2
stamp=$(date +%Y%m%d-%H%M%S)
results=$repo/fullstack/results
raw=$results/stress-$stamp
table=$results/stress-$stamp.md
mkdir -p "$raw"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

# --- set-up ---------------------------------------------------------------------------------
cluster_up stress.sh $fresh
install_deb_if_needed "$deb"
want=$(dpkg-deb -f "$deb" Version)
say "sagent with isolation, DRBD with its fencing handlers ($settings settings)"
for n in s0 s1; do g $n 'systemctl stop sagent' >/dev/null 2>&1; done
[ "$settings" = recommended ] && sagent_settings recommended
install_sagent_config 1 || exit 2
add_durable_share || exit 2
stack_settings "$settings" || exit 2
for n in s0 s1; do g $n 'rm -f /var/lib/sagent/fenced /var/lib/sagent/peer-fenced; systemctl enable -q sagent; systemctl restart sagent'; done
say "waiting (at most ${READY_WAIT}s) until both serve their home address"
wait_serving "$READY_WAIT" || { bad "not serving before the load: $why"; exit 2; }
ok "both serving"

# --- the load -------------------------------------------------------------------------------
seconds=$((minutes * 60))
boot0=$(g s0 cat /proc/sys/kernel/random/boot_id) boot1=$(g s1 cat /proc/sys/kernel/random/boot_id)
g s0 'mkdir -p /srv/scluster/stress && chmod 0777 /srv/scluster/stress' || { bad "mkdir on OCFS2"; exit 2; }
since=$(( $(date +%s) - 2 ))
until=$(( $(date +%s) + seconds ))
say "load on both guests for ${minutes} min: $BURNERS busy loops, an O_DIRECT writer, a metadata loop; copies and pings from the client"
for a in $PUB0 $PUB1; do
    mkdir -p "$raw/$a"
    bg "$C" client "exec bash '$repo/fullstack/copy-loop.sh' $a '$raw/$a' $until log stress-$a"
    bg "$C" client "exec timeout --foreground $seconds ping -D -n -i 0.1 -W 1 $a > '$raw/ping-$a.txt' 2>&1"
done
for n in s0 s1; do
    # Detached in the guest, each bounded by timeout, so nothing outlives the window.
    g $n "cd /srv/scluster/stress && \
        for i in \$(seq 1 $BURNERS); do setsid timeout $seconds sh -c 'while :; do :; done' </dev/null >/dev/null 2>&1 & done; \
        setsid timeout $seconds sh -c 'w=0; while :; do dd if=/dev/zero of=big-$n bs=1M count=32 oflag=direct conv=fsync 2>/dev/null && w=\$((w + 32)); echo \$w > /run/stress-written; done' </dev/null >/dev/null 2>&1 & \
        setsid timeout $seconds sh -c 'i=0; while :; do i=\$((i + 1)); echo \$i > meta-$n-\$i && mv meta-$n-\$i moved-$n-\$i && rm -f moved-$n-\$i; ls >/dev/null; done' </dev/null >/dev/null 2>&1 & \
        true" || { bad "could not start the load on $n"; exit 2; }
done
loads=()
for ((t = 0; t < seconds; t += 60)); do
    sleep $(( seconds - t < 60 ? seconds - t : 60 ))
    l0=$(gt 30 s0 'cut -d" " -f1-3 /proc/loadavg' 2>/dev/null) l1=$(gt 30 s1 'cut -d" " -f1-3 /proc/loadavg' 2>/dev/null)
    echo "$(date +%T) load average s0: ${l0:-?}, s1: ${l1:-?}"
    loads+=("${l0%% *}/${l1%% *}")
done
sleep 5
cleanup
written0=$(gt 30 s0 'cat /run/stress-written 2>/dev/null') written1=$(gt 30 s1 'cat /run/stress-written 2>/dev/null')
g s0 'rm -rf /srv/scluster/stress' || note "could not remove /srv/scluster/stress"

# --- checks ---------------------------------------------------------------------------------
say "checks"
for n in s0 s1; do
    gt 120 $n "journalctl -o short-unix --no-pager --since @$since" > "$raw/journal-$n.txt" 2>/dev/null
done
[ "$(g s0 cat /proc/sys/kernel/random/boot_id)" = "$boot0" ] && ok "s0 did not reboot (no o2hb self-fence)" ||
    bad "s0 rebooted during the load"
[ "$(g s1 cat /proc/sys/kernel/random/boot_id)" = "$boot1" ] && ok "s1 did not reboot (no o2hb self-fence)" ||
    bad "s1 rebooted during the load"
moves='sagent.*: (took|released) 198\.51\.100\.|sagent.*membership: s[01](;|$)|sagent.*taken for dead|sagent.*arbitration begins|sagent.*stood down'
for n in s0 s1; do
    found=$(grep -E "$moves" "$raw/journal-$n.txt")
    [ -z "$found" ] && ok "$n's agent moved nothing and kept its peer" ||
        { bad "$n's agent acted during the load:"; printf '%s\n' "$found" | head -20; }
    drbd=$(grep -E 'conn\( Connected -> |susp\( 0 -> 1 \)|o2hb.*(dead|fence)|o2quo' "$raw/journal-$n.txt")
    [ -z "$drbd" ] && ok "$n: DRBD stayed Connected, o2hb declared nobody dead" ||
        { bad "$n: DRBD or o2hb acted during the load:"; printf '%s\n' "$drbd" | head -20; }
    unhealthy=$(grep -c 'sagent.*health: UNHEALTHY' "$raw/journal-$n.txt")
    [ "$unhealthy" = 0 ] || note "$n: $unhealthy 'health: UNHEALTHY' lines (see $raw/journal-$n.txt)"
done
wait_serving 120 && ok "both addresses home, cluster.sh status healthy" || bad "after the load: $why"
if [ "$settings" = recommended ]; then
    settings_back_to_defaults || bad "could not put the defaults back (see $raw)"
fi

rows=()
for a in $PUB0 $PUB1; do
    ping_answers "$raw/ping-$a.txt" > "$raw/ping-$a.ms"
    first=$(head -n 1 "$raw/ping-$a.ms") last=$(tail -n 1 "$raw/ping-$a.ms")
    pgap=$( [ -n "$first" ] && gap_ms "$raw/ping-$a.ms" "$first" "$last" || echo "-")
    awk '$2 == "ack" { print $1 }' "$raw/$a/log" > "$raw/$a/acks.ms"
    acks=$(wc -l < "$raw/$a/acks.ms") fails=$(grep -c ' fail ' "$raw/$a/log")
    cfirst=$(head -n 1 "$raw/$a/acks.ms") clast=$(tail -n 1 "$raw/$a/acks.ms")
    cgap=$( [ -n "$cfirst" ] && gap_ms "$raw/$a/acks.ms" "$cfirst" "$clast" || echo "-")
    [ "$acks" -gt 0 ] || bad "$a: no copy acknowledged during the load"
    [ "$fails" = 0 ] || note "$a: $fails copies failed (see $raw/$a/smbclient.log)"
    rows+=("| $a | $pgap | $acks | $fails | $cgap |")
done

{
    echo "Command: \`fullstack/stress.sh --minutes $minutes --settings $settings\` ($(date '+%Y-%m-%d %H:%M %Z'), sagent $want)"
    echo
    echo "Load: $BURNERS busy loops per guest (1 vCPU), an O_DIRECT writer and a metadata loop on OCFS2 on each."
    echo "Load average each minute (s0/s1): ${loads[*]}. Written by the O_DIRECT writers: s0 ${written0:-?} MiB, s1 ${written1:-?} MiB."
    echo
    echo "| address | longest ping gap (ms, every 100 ms) | copies acknowledged | copies failed | longest gap between copies (ms) |"
    echo "|---|---:|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    [ "$failures" = 0 ] && echo "Result: PASS (nothing moved, no reboot, DRBD stayed Connected)" || echo "Result: FAIL ($failures checks)"
} > "$table"
cat "$table"
exit $((failures > 0))
