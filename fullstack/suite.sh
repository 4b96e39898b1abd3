#!/usr/bin/env bash
# sagent end to end on the reference cluster's two VMs (../shared/vm, see its README): the freshly
# built .deb under the guests' real systemd, with real DRBD 8.4 (fencing and sagent's handlers, as
# README's "Isolation" sets it up), OCFS2 on o2cb and Samba. Each scenario starts from a clean
# state (both healthy, each address on its home node):
#   cold-start    the whole stack down, sagent started first: it stays STARTING, says what it
#                 waits for in STATUS= and holds nothing until DRBD, OCFS2 and smbd are up; then
#                 each node holds its home address and `sagent status` agrees on both
#   power-loss    s0 powered off: s1 takes 198.51.100.120, the SMB copy loop resumes on its own;
#                 s0 powered on: it takes nothing while it resyncs, then fails back
#   unhealthy     on s0, one after the other: DRBD detached, OCFS2 unmounted, smbd stopped; each
#                 moves .120 to s1, and the repair brings it back
#   lan-cut       s0's LAN cable cut: .120 moves to s1; healed: back (with --tuned, s1's cable,
#                 held until o2quo has reset s1: o2net runs on the LAN then)
#   o2net-loss    only o2net (tcp/7777) blocked on s1, DRBD still connected (spec F18): o2cb's
#                 quorum resets s1 (the higher node number); s0 serves .121 meanwhile; s1 comes
#                 back, resyncs and takes .121 back
#   stop-upgrade  `systemctl stop sagent` on s0 hands .120 over, a start takes it back; then a
#                 newer build of the .deb installed over the running one moves nothing
# During each, the client namespace pings both public addresses every 10 ms, copies a file through
# .120 in a loop with smbclient, and broadcasts an ARP request for each address every 200 ms while
# tcpdump records who answers (two MACs answering one request = a duplicate); it scrapes both
# nodes' Prometheus metrics before and after. Each guest samples once a second (from boot) which
# addresses it holds, its DRBD state and whether OCFS2 is mounted. Checks: the holders, no
# duplicate, a generous outage bound, no address held by a node that is not UpToDate and mounted,
# the failover counters against the moves seen. Prints per scenario the IP outage (longest ping
# silence) per address and the SMB copy loop's longest gap; writes a Markdown table to
# fullstack/results/suite-DATE.md (raw data in fullstack/results/suite-DATE/).
#
# Not part of `mvn verify` (the VMs take minutes to boot under emulation). As root, from the
# repository, after `mvn -q package -DskipTests`:
#   fullstack/suite.sh [cold-start|power-loss|unhealthy|lan-cut|o2net-loss|stop-upgrade|all|smoke ...]
#                      [--tuned] [--fresh]
#   smoke = cold-start power-loss; no scenario = all. --fresh: `cluster.sh up` first even if healthy.
#   --tuned: README's "Tuning for fast failover" (DRBD net TUNED_NET, default 'ping-int 3;
#   ping-timeout 10; timeout 25;', and `fullstack/o2cb-tuning.sh tuned TUNED_THRESHOLD`: o2net on
#   the LAN, heartbeat threshold 20, README's value with isolation's default handler-deadline);
#   put back to the test bed's defaults at the end. Without it the script makes sure the defaults
#   are in place. Either way it ends with `sagent doctor` on both nodes and fails on its errors.
# CLUSTER_SH names cluster.sh (default ../shared/vm/cluster.sh next to the repository); VMWORK is
# cluster.sh's. Bounds in seconds: MOVE_WAIT (120: a failover seen by the client), HEAL_WAIT (600:
# back to both healthy and home; a full resync after a power-on is 256 MiB), READY_WAIT (300).
# Exit 0 when every check passed, 1 when one failed, 2 when it could not run.
set -uo pipefail
self=$(readlink -f "$0")
repo=$(cd "$(dirname "$self")/.." && pwd)
# shellcheck source=fullstack/lib.sh
. "$repo/fullstack/lib.sh"
MOVE_WAIT=${MOVE_WAIT:-120}
HEAL_WAIT=${HEAL_WAIT:-600}
READY_WAIT=${READY_WAIT:-300}

scenarios=() fresh=0 tuned=0
while [ $# -gt 0 ]; do
    case $1 in
        cold-start|power-loss|unhealthy|lan-cut|o2net-loss|stop-upgrade) scenarios+=("$1") ;;
        all) scenarios+=(cold-start power-loss unhealthy lan-cut o2net-loss stop-upgrade) ;;
        smoke) scenarios+=(cold-start power-loss) ;;
        --fresh) fresh=1 ;;
        --tuned) tuned=1 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "suite.sh: unknown argument '$1' (cold-start, power-loss, unhealthy, lan-cut, o2net-loss," \
                "stop-upgrade, all, smoke, --tuned, --fresh)" >&2; exit 2 ;;
    esac
    shift
done
[ ${#scenarios[@]} -gt 0 ] || scenarios=(cold-start power-loss unhealthy lan-cut o2net-loss stop-upgrade)
need_root_and_cluster suite.sh
deb=$(newest_deb "$repo") || exit 2
missing=()
for tool in arping:iputils-arping tcpdump:tcpdump curl:curl smbclient:smbclient dpkg-deb:dpkg; do
    command -v "${tool%%:*}" >/dev/null || missing+=("${tool#*:}")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "suite.sh: installing ${missing[*]} for the client's probes"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null ||
        { echo "suite.sh: apt-get install ${missing[*]} failed" >&2; exit 2; }
fi

stamp=$(date +%Y%m%d-%H%M%S)
results=$repo/fullstack/results
raw=$results/suite-$stamp
mkdir -p "$raw"
# faults a scenario put in (a cut LAN, o2net's tc filters) must not outlive an interrupted run:
# the next run would find the cluster not serving
undo_faults=()
undo() { local u; for u in "${undo_faults[@]}"; do eval "$u" >/dev/null 2>&1; done; undo_faults=(); }
trap 'cleanup; undo' EXIT
trap 'cleanup; undo; exit 130' INT TERM

# --- set-up -----------------------------------------------------------------------------------
cluster_up suite.sh $fresh
say "install $(basename "$deb") on both"
install_deb_if_needed "$deb"
version=$(dpkg-deb -f "$deb" Version)
net=
[ $tuned = 1 ] && net=$TUNED_NET
say "DRBD with fencing and sagent's handlers${net:+, tuned: $net}; sagent's configuration with isolation"
apply_drbd_res 1 "$net" || exit 2
threshold=$(gt 30 s0 'cat /sys/kernel/config/cluster/scluster/heartbeat/dead_threshold' 2>/dev/null)
if [ $tuned = 1 ] && [ "$threshold" != "$TUNED_THRESHOLD" ]; then
    say "o2cb: README's tuning (o2net on the LAN, heartbeat threshold $TUNED_THRESHOLD)"
    bash "$repo/fullstack/o2cb-tuning.sh" tuned "$TUNED_THRESHOLD" > "$raw/o2cb-tuning.log" 2>&1 ||
        { echo "suite.sh: o2cb tuning failed (see $raw/o2cb-tuning.log)" >&2; exit 2; }
elif [ $tuned = 0 ] && [ "$threshold" != 31 ]; then
    say "o2cb: back to the test bed's defaults (threshold $threshold found)"
    bash "$repo/fullstack/o2cb-tuning.sh" default > "$raw/o2cb-default.log" 2>&1 ||
        { echo "suite.sh: o2cb default failed (see $raw/o2cb-default.log)" >&2; exit 2; }
fi
install_sagent_config 1 || exit 2
# Emulated guests stall for tens of seconds while a JVM starts next to DRBD and o2cb (a fork of
# systemctl took 10 s, a JVM 2.5 min to its first line): with the unit's 10 s watchdog systemd
# killed the agent again and again during the cold start, each restart loading the guest more. A
# longer watchdog here, as the health timings are longer here; NRestarts is checked per scenario.
dropin=$(mktemp)
printf '# fullstack/suite.sh: emulated guests stall for tens of seconds\n[Service]\nWatchdogSec=60s\n' > "$dropin"
for n in s0 s1; do
    g $n 'mkdir -p /etc/systemd/system/sagent.service.d' &&
        "$C" put $n "$dropin" /etc/systemd/system/sagent.service.d/50-emulated-guest.conf >/dev/null &&
        g $n 'chmod 644 /etc/systemd/system/sagent.service.d/50-emulated-guest.conf' &&
        g $n 'systemctl daemon-reload' || exit 2
done
rm -f "$dropin"

say "a sampler on each guest, from boot: one line a second (addresses held, DRBD, OCFS2 mounted)"
smp=$(mktemp) unit=$(mktemp)
cat > "$smp" <<'EOF'
#!/bin/sh
# suite-sampler: once a second, bounded to a day: guest time (ms), boot, public addresses on eth1,
# DRBD cs,ro,ds, whether /srv/scluster is mounted.
b=$(cut -c1-8 /proc/sys/kernel/random/boot_id)
i=0
while [ $i -lt 86400 ]; do
    i=$((i + 1))
    a=$(ip -o -4 addr show dev eth1)
    h=
    case $a in *" 198.51.100.120/"*) h=198.51.100.120 ;; esac
    case $a in *" 198.51.100.121/"*) h=${h:+$h,}198.51.100.121 ;; esac
    d=none
    while read -r l; do case $l in *cs:*) set -- $l; d="$2,$3,$4" ;; esac; done < /proc/drbd
    mountpoint -q /srv/scluster && m=yes || m=no
    echo "$(date +%s%3N) boot=$b addrs=$h drbd=$d mounted=$m" >> /var/log/suite-sampler.log
    sleep 1
done
EOF
cat > "$unit" <<'EOF'
[Unit]
Description=fullstack/suite.sh state sampler
DefaultDependencies=no
After=local-fs.target
[Service]
ExecStart=/bin/sh /root/suite-sampler.sh
[Install]
WantedBy=sysinit.target
EOF
for n in s0 s1; do
    "$C" put $n "$smp" /root/suite-sampler.sh >/dev/null && "$C" put $n "$unit" /etc/systemd/system/suite-sampler.service >/dev/null &&
        g $n 'systemctl daemon-reload && systemctl enable -q --now suite-sampler' || exit 2
done
rm -f "$smp" "$unit"

# --- the client's probes ------------------------------------------------------------------------
# probes_start DIR SECONDS: ping both addresses every 10 ms, the copy loop through .120, an ARP
# request for each address every 200 ms with tcpdump recording the answers; all ended by cleanup
# (timeout --foreground: a plain timeout moves its command to a process group of its own, which
# cleanup's kill of the group would miss).
probes_start() {
    local dir=$1 until=$(( $(date +%s) + $2 )) a
    for a in $PUB0 $PUB1; do
        bg "$C" client "exec timeout --foreground $2 ping -D -n -i 0.01 -W 1 $a > '$dir/ping-$a.txt' 2>&1"
        # arping's -i takes whole seconds: one single-request arping every 200 ms instead
        bg "$C" client "exec timeout --foreground $2 sh -c 'while :; do arping -q -b -c 1 -w 1 -I eth0 $a & sleep 0.2; done'"
    done
    bg "$C" client "exec timeout --foreground $2 tcpdump -l -n -e -tt -i eth0 arp > '$dir/arp.txt' 2>/dev/null"
    bg "$C" client "exec bash '$repo/fullstack/copy-loop.sh' $PUB0 '$dir' $until copies suite-copy"
}
# ARP requests from the client answered by two different MACs (each answer counts for the latest
# request for that address): "ADDR TIME-OF-REQUEST MAC MAC", one line per such request.
duplicates() {
    awk '/Request who-has/ && / tell 198\.51\.100\.100,/ { for (i = 1; i <= NF; i++) if ($i == "who-has") a = $(i + 1); req[a] = $1; next }
         / Reply / && $4 != "ff:ff:ff:ff:ff:ff," { for (i = 1; i <= NF; i++) if ($i == "Reply") { a = $(i + 1); mac = $(i + 3) }
             sub(/,$/, "", mac); k = a " " req[a]
             if (!((k, mac) in seen)) { seen[k, mac] = 1; macs[k] = macs[k] " " mac; count[k]++ } }
         END { for (k in count) if (count[k] > 1) print k macs[k] }' "$1"
}
# Prometheus: scrape NODE's metrics from the client into FILE.
# (an agent that has just started on a loaded emulated guest answers in tens of seconds)
scrape() { timeout 70 "$C" client "curl -s -m 60 http://$2:9775/metrics" > "$1" 2>/dev/null; }
# failovers FILE ADDR: sagent_failovers_total for ADDR, all reasons, as an integer.
failovers() {
    awk -v a="$2" '/^sagent_failovers_total\{/ && index($0, "address=\"" a "\"") { s += $NF } END { printf "%d", s }' "$1" 2>/dev/null
}
# The number of failover durations for ADDR (the histogram's count), and their sum (seconds).
durations() {
    awk -v a="$2" '/^sagent_failover_duration_seconds_count\{/ && index($0, "address=\"" a "\"") { s += $NF } END { printf "%d", s }' \
        "$1" 2>/dev/null
}
duration_sum() {
    awk -v a="$2" '/^sagent_failover_duration_seconds_sum\{/ && index($0, "address=\"" a "\"") { s += $NF } END { printf "%.3f", s }' \
        "$1" 2>/dev/null
}
# Samples from NODE's sampler log between guest times FROM and TO (ms) into FILE.
samples() { gt 60 "$1" "awk -v f=$2 -v t=$3 '\$1 >= f && \$1 <= t' /var/log/suite-sampler.log" > "$4" 2>/dev/null; }
# Samples where the node held a public address while not UpToDate or not mounted.
unfit_holding() { grep -v 'addrs= ' "$1" | grep -v 'drbd=[^ ]*,ds:UpToDate/[^ ]* mounted=yes' || true; }
guest_ms() { gt 20 "$1" 'date +%s%3N' 2>/dev/null; }

rows=()
declare -A restarts=()
# A scenario's frame: steady first, probes on; round_end judges the probes.
round_begin() {  # NAME -> $dir, $t_fault unset
    sc=$1 sfail=0 dir=$raw/$1
    mkdir -p "$dir"
    say "$sc"
    if ! wait_serving "$HEAL_WAIT"; then
        bad "$sc: not healthy and home before the scenario: $why"; rows+=("| $sc | not run: cluster not healthy before | | | | |"); return 1
    fi
    scrape "$dir/metrics-s0-before.txt" 198.51.100.20
    scrape "$dir/metrics-s1-before.txt" 198.51.100.21
    # the longest scenario (o2net loss: a reset, resync and failback) must not outlive its probes
    probes_start "$dir" 3600
    local t0=$SECONDS
    sleep 5
    # a copy takes seconds on the emulated guests: wait (bounded) for the first one
    while [ $((SECONDS - t0)) -lt 40 ] && ! grep -q ' ack ' "$dir/copies" 2>/dev/null; do sleep 2; done
    grep -q ' ack ' "$dir/copies" 2>/dev/null ||
        note "$sc: the copy loop has no acknowledged copy before the fault (see $dir/smbclient.log)"
    for n in s0 s1; do restarts[$n]=$(gt 20 $n 'systemctl show -p NRestarts --value sagent' 2>/dev/null); done
    return 0
}
# wait_holder NODE ADDR LIMIT WHAT: until NODE holds ADDR (and the other node does not).
wait_holder() {
    local n=$1 a=$2 limit=$3 what=$4 other t0=$SECONDS
    [ "$n" = s0 ] && other=s1 || other=s0
    while [ $((SECONDS - t0)) -lt "$limit" ]; do
        if holds "$n" "$a" && ! holds "$other" "$a"; then ok "$what: $a on $n (after $((SECONDS - t0))s)"; return 0; fi
        sleep 1
    done
    bad "$what: $a not (only) on $n within ${limit}s"
    return 1
}
# wait_new_boot NODE BOOT LIMIT: polls NODE's boot_id until it is no longer BOOT, for at most LIMIT
# s; prints the last one read (empty when the guest did not answer).
wait_new_boot() {
    local n=$1 boot=$2 limit=$3 t0=$SECONDS b=$2
    while [ $((SECONDS - t0)) -lt "$limit" ] && { [ -z "$b" ] || [ "$b" = "$boot" ]; }; do
        sleep 3
        b=$(gt 30 "$n" 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null)
    done
    echo "$b"
}
# wait_resumed FROM [ADDR [LIMIT]]: until the copy loop (through .120) has an acknowledged copy that
# started after FROM (ms: when the fault was complete, so not a copy that was already on its way)
# and ADDR (.120 unless given) has answered a ping sent after FROM; bounded by LIMIT s (MOVE_WAIT).
wait_resumed() {
    local from=$1 a=${2:-$PUB0} limit=${3:-$MOVE_WAIT} t0=$SECONDS last
    while [ $((SECONDS - t0)) -lt "$limit" ]; do
        # ping prints nothing for a lost request: the last answer's time, not the last lines, tells
        last=$(ping_answers "$dir/ping-$a.txt" | tail -1)
        if awk -v f="$from" '$2 == "ack" && $3 > f { x = 1 } END { exit !x }' "$dir/copies" 2>/dev/null &&
            [ "${last:-0}" -gt "$from" ]; then return 0; fi
        sleep 2
    done
    bad "$sc: the copy loop through $PUB0 or ping to $a did not resume within ${limit}s"
    return 1
}
round_end() {  # FROM-MS [BOUND-MS]: judges everything since FROM; no ping silence may exceed BOUND
    local from=$1 bound=${2:-} to
    sleep 3
    to=$(now_ms)
    scrape "$dir/metrics-s0-after.txt" 198.51.100.20
    scrape "$dir/metrics-s1-after.txt" 198.51.100.21
    # the whole journal of the round (kernel, DRBD, o2cb, smbd, sagent), and earlier boots' where the
    # guest keeps them on disk: the end-of-run copy holds sagent's lines of the last boot only
    for n in s0 s1; do
        gt 60 $n "journalctl --no-pager -o short-precise --since @$((from / 1000 - 60))" > "$dir/journal-$n.txt" 2>&1
    done
    cleanup
    ping_answers "$dir/ping-$PUB0.txt" > "$dir/answers-$PUB0.txt"
    ping_answers "$dir/ping-$PUB1.txt" > "$dir/answers-$PUB1.txt"
    out0=$(gap_ms "$dir/answers-$PUB0.txt" "$from" "$to")
    out1=$(gap_ms "$dir/answers-$PUB1.txt" "$from" "$to")
    awk '$2 == "ack" { print $1 }' "$dir/copies" > "$dir/acks.txt"
    smb=$(gap_ms "$dir/acks.txt" "$from" "$to")
    duplicates "$dir/arp.txt" > "$dir/duplicates.txt"
    if [ -s "$dir/duplicates.txt" ]; then
        bad "$sc: two MACs answered one ARP request: $(head -3 "$dir/duplicates.txt" | paste -sd';' -)"
    elif grep -q 'Reply' "$dir/arp.txt"; then
        ok "$sc: no ARP request answered by two MACs ($(grep -c 'Request who-has' "$dir/arp.txt") requests)"
    else
        bad "$sc: tcpdump saw no ARP reply at all: the duplicate watch did not work"
    fi
    echo "IP outage: $PUB0 ${out0} ms, $PUB1 ${out1} ms; SMB copy loop longest gap ${smb} ms"
    if [ -n "$bound" ]; then
        [ "$out0" -le "$bound" ] && [ "$out1" -le "$bound" ] && ok "$sc: no ping silence over ${bound} ms" ||
            bad "$sc: a ping silence over the bound of ${bound} ms ($PUB0 ${out0} ms, $PUB1 ${out1} ms)"
    fi
}
# round_row: the scenario's line in the table, once every check of it ran.
round_row() {
    local d n now cause
    # systemd restarting an agent (its watchdog, a crash) during a scenario is a failure of its own
    for n in s0 s1; do
        now=$(gt 20 $n 'systemctl show -p NRestarts --value sagent' 2>/dev/null)
        if [ -n "$now" ] && [ -n "${restarts[$n]:-}" ] && [ "$now" -gt "${restarts[$n]}" ]; then
            cause=$(gt 20 $n 'journalctl -u sagent -b --no-pager | grep -E "Watchdog timeout|Failed with result" | tail -1' 2>/dev/null)
            bad "$sc: systemd restarted sagent on $n $((now - restarts[$n])) time(s) ($cause)"
        fi
    done
    [ "$sfail" = 0 ] && d=pass || d="FAIL ($sfail)"
    rows+=("| $sc | $d | $out0 | $out1 | $smb | ${extra:-} |")
    extra=
}
# fit_check NODE FROM-GUEST-MS WHAT [BOOT]: NODE held no address while not UpToDate and mounted
# (since FROM, or over the whole boot whose boot_id starts with BOOT).
fit_check() {
    local n=$1 from=$2 what=$3 boot=${4:-} f=$dir/samples-$1.txt u
    if [ -n "$boot" ]; then
        samples "$n" 0 99999999999999 "$f.all"
        grep " boot=${boot:0:8} " "$f.all" > "$f" || true
    else
        samples "$n" "$from" 99999999999999 "$f"
    fi
    if [ ! -s "$f" ]; then bad "$what: no samples from $n"; return; fi
    u=$(unfit_holding "$f")
    if [ -n "$u" ]; then bad "$what: $n held an address while not UpToDate or not mounted: $(echo "$u" | head -2 | paste -sd';' -)"
    else ok "$what: $n held nothing while not UpToDate and mounted ($(wc -l < "$f") samples)"; fi
}
# counted NODE ADDR AT-LEAST WHAT [rebooted]: NODE's failover counter for ADDR grew by AT-LEAST over
# the round (from zero when NODE's agent started afresh during it).
counted() {
    local n=$1 a=$2 want=$3 what=$4 before after ip
    [ "$n" = s0 ] && ip=198.51.100.20 || ip=198.51.100.21
    before=$(failovers "$dir/metrics-$n-before.txt" "$a"); after=$(failovers "$dir/metrics-$n-after.txt" "$a")
    [ "${5:-}" = rebooted ] && before=0
    # a failed first scrape reads as 0 and would let any earlier failover pass for this round's
    if [ ! -s "$dir/metrics-$n-before.txt" ] && [ "${5:-}" != rebooted ]; then
        bad "$what: no scrape of $n ($ip:9775) before the round"; return 0
    fi
    if [ ! -s "$dir/metrics-$n-after.txt" ]; then bad "$what: no scrape of $n ($ip:9775) after the round"
    elif [ $((after - before)) -ge "$want" ]; then ok "$what: sagent_failovers_total{address=\"$a\"} on $n went $before -> $after"
    else bad "$what: sagent_failovers_total{address=\"$a\"} on $n went $before -> $after, expected +$want"; fi
    [ -s "$dir/metrics-$n-after.txt" ] || return 0
    # every counted failover has a duration, and this round's are not longer than what the client
    # saw: the histogram's sum grew by exactly their total, so one failover's is exact and several
    # are judged by their mean
    local db da sb sa w
    db=$(durations "$dir/metrics-$n-before.txt" "$a") da=$(durations "$dir/metrics-$n-after.txt" "$a")
    sb=$(duration_sum "$dir/metrics-$n-before.txt" "$a") sa=$(duration_sum "$dir/metrics-$n-after.txt" "$a")
    [ "${5:-}" = rebooted ] && db=0 sb=0
    [ $((da - db)) = $((after - before)) ] && ok "$what: $((da - db)) failover duration(s) recorded, as many as counted" ||
        bad "$what: $((da - db)) failover duration(s) recorded for $((after - before)) counted"
    [ $((da - db)) -gt 0 ] || return 0
    [ "$a" = "$PUB0" ] && w=$out0 || w=$out1
    local mean
    mean=$(awk -v s="$sa" -v sb="$sb" -v k=$((da - db)) 'BEGIN { printf "%.3f", (s - sb) / k }')
    if awk -v l="$mean" -v w="$w" 'BEGIN { exit !(l * 1000 <= w + 1000) }'; then
        ok "$what: the agent's failover of $a in this round ($mean s, mean of $((da - db))) is within the outage the client saw on it ($w ms)"
    else
        bad "$what: the agent reports $mean s (mean of $((da - db))) for the failover of $a in this round, longer than the outage the client saw on it ($w ms)"
    fi
}

# --- the scenarios ------------------------------------------------------------------------------
cold_start() {
    local n st t_fault g0 g1
    local stack_down="systemctl stop sagent smbd; umount /srv/scluster 2>/dev/null; systemctl stop ocfs2 o2cb drbd"
    local addrs_gone="ip addr del $PUB0/24 dev eth1 2>/dev/null; ip addr del $PUB1/24 dev eth1 2>/dev/null"
    round_begin cold-start || return
    t_fault=$(now_ms)
    for n in s0 s1; do
        gt 180 $n "$stack_down; $addrs_gone; true"
    done
    g0=$(guest_ms s0) g1=$(guest_ms s1)
    for n in s0 s1; do g $n 'systemctl start --no-block sagent'; done
    sleep 45
    for n in s0 s1; do
        # until the JVM has started and its first health pass has said what it waits for (bounded:
        # minutes on a loaded emulated guest; before that pass STATUS= is "joined cluster ...")
        local t0=$SECONDS
        st=
        while [ $((SECONDS - t0)) -lt 240 ]; do
            st=$(gt 30 $n 'systemctl show -p StatusText --value sagent')
            case $st in ""|"STARTING: joined cluster "*) sleep 5 ;; *) break ;; esac
        done
        echo "$n STATUS=$st"
        case $st in "STARTING: waiting for "*drbd:sstorage*ocfs2*) ok "cold-start: $n's STATUS= says what it waits for" ;;
            *) bad "cold-start: $n's STATUS= does not say what it waits for: '$st'" ;; esac
        if holds $n $PUB0 || holds $n $PUB1; then bad "cold-start: $n holds an address before its stack is up"
        else ok "cold-start: $n holds nothing"; fi
    done
    # a JVM start under the emulated guest's start-up load: minutes, not seconds
    gt 300 s0 'sagent status --timeout 30' > "$dir/status-gated-s0.txt" 2>&1
    grep -q 'STARTING' "$dir/status-gated-s0.txt" && ok "cold-start: sagent status on s0 shows STARTING" ||
        bad "cold-start: sagent status on s0 shows no STARTING (see $dir/status-gated-s0.txt)"
    say "cold-start: now DRBD, o2cb, OCFS2 and smbd on both"
    for n in s0 s1; do
        bg "$C" exec $n 'systemctl start drbd o2cb ocfs2; mountpoint -q /srv/scluster || mount /srv/scluster; systemctl start smbd'
    done
    if wait_serving "$HEAL_WAIT"; then ok "cold-start: both healthy, each address home, $(secs "$t_fault" "$(now_ms)") s after the stop"
    else bad "cold-start: not serving within ${HEAL_WAIT}s: $why"; fi
    fit_check s0 "$g0" cold-start
    fit_check s1 "$g1" cold-start
    if sagent_status_both; then
        cp "$raw"/sagent-status-s?.txt "$dir/"
        # each node adds its own client connections to the line of an address it holds
        held() { grep -E '^198\.51\.100\.12[01]' "$1" | sed -E 's/, [0-9]+ client connections?$//'; }
        if [ "$(held "$raw/sagent-status-s0.txt")" = "$(held "$raw/sagent-status-s1.txt")" ] &&
            held "$raw/sagent-status-s0.txt" | grep -qE "^$PUB0/24 +eth1 +s0 +s0$" &&
            held "$raw/sagent-status-s0.txt" | grep -qE "^$PUB1/24 +eth1 +s1 +s1$"
        then ok "cold-start: sagent status on both says s0 holds $PUB0 and s1 holds $PUB1"
        else bad "cold-start: sagent status disagrees between the nodes or with the holders (see $dir)"; fi
    else bad "cold-start: sagent status failed on a node"; fi
    round_end "$t_fault"
    round_row
}

power_loss() {
    local t_fault t_on g_on t_home
    round_begin power-loss || return
    t_fault=$(now_ms)
    "$C" power-off s0
    t_done=$(now_ms)
    echo "s0 powered off at $(date +%T.%3N)"
    wait_holder s1 $PUB0 "$MOVE_WAIT" "power-loss: failover" || true
    wait_resumed "$t_done" && ok "power-loss: the copy loop through $PUB0 resumed, $(secs "$t_fault" "$(now_ms)") s after the power loss"
    t_on=$(now_ms)
    "$C" power-on s0 >/dev/null || bad "power-loss: power-on s0 failed"
    g_on=$(( $(guest_ms s0) - 60000 ))
    wait_holder s0 $PUB0 "$HEAL_WAIT" "power-loss: failback after resync" && t_home=$(now_ms)
    [ -n "${t_home:-}" ] && echo "s0 serves $PUB0 again $(secs "$t_on" "$t_home") s after its power-on"
    fit_check s0 "$g_on" power-loss
    wait_serving "$HEAL_WAIT" && ok "power-loss: both healthy and home" || bad "power-loss: not healthy and home within ${HEAL_WAIT}s: $why"
    round_end "$t_fault" $((MOVE_WAIT * 1000))
    counted s1 $PUB0 1 "power-loss: s1 counted its takeover"
    counted s0 $PUB0 1 "power-loss: s0 (rebooted) counted its failback" rebooted
    round_row
}

unhealthy() {
    local fault repair name t_fault
    for name in drbd-detached ocfs2-unmounted smbd-stopped; do
        case $name in
            drbd-detached) fault='drbdadm detach sstorage' repair='drbdadm attach sstorage' ;;
            ocfs2-unmounted)
                fault='for i in 1 2 3 4 5 6 7 8 9 10; do umount /srv/scluster 2>/dev/null && exit 0; sleep 1; done; umount -l /srv/scluster'
                repair='mountpoint -q /srv/scluster || mount /srv/scluster' ;;
            smbd-stopped) fault='systemctl stop smbd' repair='systemctl start smbd' ;;
        esac
        round_begin "unhealthy-$name" || continue
        t_fault=$(now_ms)
        g s0 "$fault" || bad "$sc: '$fault' failed on s0"
        t_done=$(now_ms)
        wait_holder s1 $PUB0 "$MOVE_WAIT" "$sc: moved off the unhealthy node" || true
        wait_resumed "$t_done" || true
        g s0 "$repair" || bad "$sc: '$repair' failed on s0"
        wait_holder s0 $PUB0 "$HEAL_WAIT" "$sc: back once repaired" || true
        round_end "$t_fault" $((MOVE_WAIT * 1000))
        counted s1 $PUB0 1 "$sc: s1 counted its takeover"
        counted s0 $PUB0 1 "$sc: s0 counted its failback"
        round_row
    done
}

# The LAN cable of one node is cut. With o2net on the replication link (the defaults) that is s0's:
# s1 takes .120. With README's tuning o2net runs on the LAN, so a LAN cut is an o2net loss as well
# and o2quo resets the higher-numbered node of the two halves (s1) whatever sagent does: cutting
# s0's LAN would reset s1, the only node clients can reach (README, the cost of o2net on the LAN).
# Tuned, the suite cuts s1's LAN instead and holds the cut until o2quo has reset s1 (o2net's idle
# timeout, then its quorum decision): a cut healed within o2net's idle timeout loses nothing and
# would measure nothing. s0 serves both meanwhile.
lan_cut() {
    local t_fault v=s0 sv=s1 a=$PUB0 boot b g1
    [ $tuned = 1 ] && v=s1 sv=s0 a=$PUB1
    round_begin lan-cut || return
    [ $tuned = 1 ] && note "lan-cut: o2net runs on the LAN (tuned): cutting s1's, which o2quo resets"
    boot=$(gt 20 $v 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null)
    t_fault=$(now_ms)
    undo_faults+=("'$C' heal $v lan")
    "$C" cut $v lan || bad "lan-cut: cluster.sh cut $v lan failed"
    t_done=$(now_ms)
    wait_holder $sv $a "$MOVE_WAIT" "lan-cut: moved off the node without LAN" || true
    if [ $tuned = 1 ]; then
        b=$(wait_new_boot $v "$boot" 400)
        if [ -n "$b" ] && [ -n "$boot" ] && [ "$b" != "$boot" ]; then
            ok "lan-cut: o2quo reset $v (o2net on the LAN), seen $(secs "$t_done" "$(now_ms)") s after the cut"
        else bad "lan-cut: $v was not reset within 400 s of the cut although o2net runs on the LAN"; fi
        # OCFS2 on s0 serves again only once o2net's idle timeout (30 s), o2quo's reset of s1, the
        # heartbeat's dead time (38 s with threshold 20) and o2dlm's recovery have passed (132 s
        # measured), as in o2net-loss, whose bound this takes.
        wait_resumed "$t_done" "$a" 300 || true
    else
        wait_resumed "$t_done" "$a" || true
    fi
    "$C" heal $v lan || bad "lan-cut: cluster.sh heal $v lan failed"
    undo_faults=()
    [ $tuned = 1 ] && g1=$(( $(guest_ms $v) - 120000 ))
    wait_holder $v $a "$HEAL_WAIT" "lan-cut: back once healed" || true
    if [ $tuned = 1 ]; then
        # over s1's whole new boot (its first minutes may lie before g1)
        fit_check $v "$g1" lan-cut "$b"
    else
        b=$(gt 20 $v 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null)
        [ -n "$b" ] && [ "$b" = "$boot" ] && ok "lan-cut: $v kept running (o2net on the replication link)" ||
            bad "lan-cut: $v was reset by a LAN cut (boot_id ${boot:0:8} -> ${b:0:8})"
    fi
    wait_serving "$HEAL_WAIT" || bad "lan-cut: not healthy and home within ${HEAL_WAIT}s: $why"
    # tuned, OCFS2 stalls on s0 as in o2net-loss and its write check may give up its addresses (F7)
    if [ $tuned = 1 ]; then round_end "$t_fault" 300000
    else round_end "$t_fault" $((MOVE_WAIT * 1000)); fi
    counted $sv $a 1 "lan-cut: $sv counted its takeover"
    round_row
}

o2net_loss() {
    local t_fault boot1 b g1 iface t0
    round_begin o2net-loss || return  # first: s1 may still be rebooting from the round before
    iface=$(o2net_iface s1)
    boot1=$(gt 20 s1 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null)
    if [ -z "$boot1" ] || [ -z "$iface" ]; then
        bad "o2net-loss: could not read s1's boot_id or cluster.conf before the fault"; cleanup
        rows+=("| o2net-loss | FAIL: s1 not answering before the fault | | | | |"); return
    fi
    t_fault=$(now_ms)
    undo_faults+=("block_o2net_tc s1 $iface del")
    if block_o2net_tc s1 $iface add; then echo "tcp/7777 blocked on s1's $iface at $(date +%T.%3N)"
    else
        bad "o2net-loss: could not block o2net on s1's $iface"; undo; cleanup
        rows+=("| o2net-loss | FAIL: could not block o2net | | | | |"); return
    fi
    t_done=$(now_ms)
    t0=$SECONDS
    b=$(wait_new_boot s1 "$boot1" 400)
    # A guest just reset (resync, JVM start) may answer no command within the bound for minutes:
    # one more patient look, then its uptime says when it was reset.
    local up
    if [ -z "$b" ] || [ "$b" = "$boot1" ]; then
        b=$(gt 180 s1 'cat /proc/sys/kernel/random/boot_id' 2>/dev/null)
        up=$(gt 60 s1 "cut -d' ' -f1 /proc/uptime" 2>/dev/null)
    fi
    # a reset clears the tc filters with the rest of s1's kernel state
    if [ -n "$b" ] && [ "$b" != "$boot1" ] && [ -n "${up:-}" ]; then
        local booted_ms=$(( $(now_ms) - ${up%.*} * 1000 ))
        if [ $((booted_ms - t_done)) -le 400000 ]; then
            ok "o2net-loss: o2cb reset s1 (booted again $(secs "$t_done" "$booted_ms") s after the block; s1 answered only later)"
            undo_faults=()
        else bad "o2net-loss: s1 was reset only $(secs "$t_done" "$booted_ms") s after the block"; undo_faults=(); fi
    elif [ -n "$b" ] && [ "$b" != "$boot1" ]; then
        ok "o2net-loss: o2cb reset s1 (seen back $((SECONDS - t0)) s after the block)"; undo_faults=()
    else bad "o2net-loss: s1 was not reset within 400 s"; undo; b=; fi
    wait_holder s0 $PUB1 "$MOVE_WAIT" "o2net-loss: s0 serves s1's address" || true
    wait_resumed "$t_done" || true
    g1=$(( $(guest_ms s1) - 120000 ))
    wait_holder s1 $PUB1 "$HEAL_WAIT" "o2net-loss: failback once s1 is resynced" || true
    # over s1's whole new boot when it was reset (its first minutes may lie before g1)
    fit_check s1 "$g1" o2net-loss "$b"
    wait_serving "$HEAL_WAIT" && ok "o2net-loss: both healthy and home" || bad "o2net-loss: not healthy and home within ${HEAL_WAIT}s: $why"
    # OCFS2 stalls on both nodes until o2cb has reset s1 and recovered (about 166 s on these VMs,
    # measured): s0's write check hangs too, so s0 gives up its own address meanwhile (spec F7)
    round_end "$t_fault" 300000
    counted s0 $PUB1 1 "o2net-loss: s0 counted its takeover"
    round_row
}

# install_over_running DEB: dpkg -i on s0 then s1, each allowed 15 minutes. The package's postinst
# restarts the agent and waits for its READY=1 (a JVM start and a join): on a guest still loaded
# from a reset that took more than cluster.sh install-deb's 300 s, which then skipped s1.
install_over_running() {
    local n name
    name=$(basename "$1")
    for n in s0 s1; do
        "$C" put $n "$1" "/var/tmp/$name" || return 1
        EXEC_TIMEOUT=900 "$C" exec $n "out=\$(dpkg -i '/var/tmp/$name' 2>&1); rc=\$?; printf '%s\n' \"\$out\" | tail -5; exit \$rc" ||
            { echo "dpkg -i $name failed on $n"; return 1; }
    done
}

stop_upgrade() {
    local t_fault pid0 pid1 newer work newdeb g0 g1 f
    round_begin stop-upgrade || return
    t_fault=$(now_ms)
    g s0 'systemctl stop sagent' || bad "stop-upgrade: systemctl stop sagent on s0 failed"
    t_done=$(now_ms)
    wait_holder s1 $PUB0 30 "stop-upgrade: graceful stop hands over" || true
    wait_resumed "$t_done" || true
    g s0 'systemctl start sagent' || bad "stop-upgrade: systemctl start sagent on s0 failed"
    wait_holder s0 $PUB0 "$HEAL_WAIT" "stop-upgrade: failback after the start" || true
    wait_serving "$HEAL_WAIT" || bad "stop-upgrade: not healthy and home after the start: $why"
    round_end "$t_fault" 30000
    counted s1 $PUB0 1 "stop-upgrade: s1 counted its takeover"
    round_row

    round_begin upgrade || return
    work=$(mktemp -d)
    newer="$version.1"
    dpkg-deb -R "$deb" "$work/pkg" && sed -i "s/^Version: .*/Version: $newer/" "$work/pkg/DEBIAN/control" &&
        dpkg-deb -Zxz -b "$work/pkg" "$work/sagent_${newer}_all.deb" >/dev/null ||
        { bad "upgrade: could not build a newer .deb"; rm -rf "$work"; cleanup; return; }
    newdeb=$work/sagent_${newer}_all.deb
    pid0=$(g s0 'systemctl show -p MainPID --value sagent') pid1=$(g s1 'systemctl show -p MainPID --value sagent')
    g0=$(guest_ms s0) g1=$(guest_ms s1)
    t_fault=$(now_ms)
    install_over_running "$newdeb" > "$dir/install-deb.txt" 2>&1 ||
        bad "upgrade: installing $newer over the running one failed (see $dir/install-deb.txt)"
    sleep 20
    for n in s0 s1; do
        [ "$(g $n "dpkg-query -W -f '\${Version}' sagent")" = "$newer" ] && ok "upgrade: $n has $newer" ||
            bad "upgrade: $n does not have $newer"
    done
    [ "$(g s0 'systemctl show -p MainPID --value sagent')" != "$pid0" ] &&
        [ "$(g s1 'systemctl show -p MainPID --value sagent')" != "$pid1" ] &&
        ok "upgrade: the agents were restarted by the upgrade" || bad "upgrade: an agent was not restarted (MainPID unchanged)"
    samples s0 "$g0" 99999999999999 "$dir/samples-s0.txt"; samples s1 "$g1" 99999999999999 "$dir/samples-s1.txt"
    f=$(( $(grep -vc "addrs=$PUB0 " "$dir/samples-s0.txt") + $(grep -vc "addrs=$PUB1 " "$dir/samples-s1.txt") ))
    if [ "$f" = 0 ] && [ -s "$dir/samples-s0.txt" ] && [ -s "$dir/samples-s1.txt" ]; then
        ok "upgrade: each node held its address, and only it, in every sample"
    else bad "upgrade: an address moved or was dropped during the upgrade (see $dir/samples-s?.txt)"; fi
    extra="upgrade to $newer"
    # no failover: at most the pause of a restarted agent's first probes
    round_end "$t_fault" 3000
    round_row
    rm -rf "$work"
    # the installed build is now the repacked one: put the real one back for the next run
    install_over_running "$deb" > "$dir/reinstall-deb.txt" 2>&1 || note "could not reinstall $version (see $dir/reinstall-deb.txt)"
}

t_start=$SECONDS
say "sagent on both: started, both serving"
for n in s0 s1; do g $n systemctl restart --no-block sagent; done
wait_serving "$READY_WAIT" && ok "both serving their home address" || { bad "not serving within ${READY_WAIT}s: $why"; exit 1; }
for s in "${scenarios[@]}"; do
    case $s in
        cold-start) cold_start ;;
        power-loss) power_loss ;;
        unhealthy) unhealthy ;;
        lan-cut) lan_cut ;;
        o2net-loss) o2net_loss ;;
        stop-upgrade) stop_upgrade ;;
    esac
done
for n in s0 s1; do g $n "journalctl -b --no-pager -u sagent" > "$raw/journal-$n.txt" 2>&1; done
for n in s0 s1; do
    g $n 'sagent doctor' > "$raw/doctor-$n.txt" 2>&1
    # the settings the run measured must be ones the doctor accepts
    grep -q '^error:' "$raw/doctor-$n.txt" && bad "sagent doctor on $n: $(grep '^error:' "$raw/doctor-$n.txt" | paste -sd';' -)"
done
if [ $tuned = 1 ]; then
    say "back to the test bed's defaults"
    apply_drbd_res 1 "" || note "could not put DRBD's default timings back"
    bash "$repo/fullstack/o2cb-tuning.sh" default > "$raw/o2cb-default.log" 2>&1 ||
        note "could not put o2cb's defaults back (see $raw/o2cb-default.log)"
fi

table=$results/suite-$stamp.md
mode=default
[ $tuned = 1 ] && mode=tuned
{
    echo "Command: \`fullstack/suite.sh ${scenarios[*]}$([ $tuned = 1 ] && echo ' --tuned')\`" \
        "($(date '+%Y-%m-%d %H:%M %Z'), sagent $version, $((SECONDS - t_start)) s)"
    echo
    echo "| Scenario | Checks | IP outage $PUB0 ms | IP outage $PUB1 ms | SMB copy loop gap ms | |"
    echo "|---|---|---:|---:|---:|---|"
    printf '%s\n' "${rows[@]}"
} > "$table"
say "result"
cat "$table"
# A run of every scenario replaces its mode's table in docs/fullstack.md (between the markers).
docs=$repo/docs/fullstack.md
if [ "${scenarios[*]}" = "cold-start power-loss unhealthy lan-cut o2net-loss stop-upgrade" ] && [ -f "$docs" ] &&
    grep -q "^<!-- suite:$mode -->" "$docs"; then
    awk -v m="$mode" -v t="$table" '$0 == "<!-- suite:" m " -->" { print; while ((getline l < t) > 0) print l; skip = 1; next }
        $0 == "<!-- /suite:" m " -->" { skip = 0 } !skip' "$docs" > "$docs.new" && mv "$docs.new" "$docs" &&
        echo "docs/fullstack.md: the $mode table replaced"
fi
[ "$failures" = 0 ] && echo "all checks passed" || echo "$failures check(s) failed"
[ "$failures" = 0 ]
