#!/usr/bin/env bash
# The user's real alternative on the reference cluster's two VMs (../shared/vm, see its README):
# CTDB managing the two public addresses as the reference cluster ran it, against sagent with its
# defaults and with README's recommended settings, in one invocation. For each: a power loss of the node
# holding 198.51.100.120 and a graceful stop of its manager, REPEAT times each. A client in the
# client namespace pings .120 every 10 ms and copies a file through it in a loop with smbclient;
# the script reports the IP outage (longest ping silence) and the SMB copy loop's longest gap.
#
#   fullstack/ctdb-bench.sh [--repeat N] [--contenders 'ctdb sagent sagent-recommended'] [--fresh]
#
# CTDB as the reference ran it (../shared/reference): nodes = the replication addresses, public
# addresses on eth1, no recovery lock (OCFS2 on o2cb cannot hold CTDB's fcntl lock), CTDB's
# default tunables, only the 10.interface event script (it moves the addresses). DRBD as the test
# bed sets it up (no fencing: CTDB has none). sagent: the .deb as README sets it up, with its
# isolation (DRBD's fencing and sagent's handlers, the client as witness: it is also what tells
# DRBD at once that a dead peer is gone) and the VM suite's timings for emulated guests
# (failure-timeout 3 s, health every 10 s), DRBD's and o2cb's default timers. sagent-recommended:
# the same with README's recommended settings, as `fullstack/budget.sh --settings recommended`
# applies them: DRBD's net timings TUNED_NET ('ping-int 3; ping-timeout 10; timeout 25;'), o2cb's
# heartbeat threshold RECOMMENDED_THRESHOLD (11, o2net on the LAN) and isolation.handler-deadline
# RECOMMENDED_DEADLINE (12 s) with peer-silence RECOMMENDED_PEER_SILENCE (3 s); the script puts the defaults back at the end. sagent-tuned, the
# earlier runs' contender (the same timers without isolation), is kept for comparison. (The o2cb
# half alone is unsafe: with DRBD's default detection the survivor's own heartbeat writes hung past
# the 20 s threshold and o2hb reset it, measured.)
# Results: stdout and fullstack/results/ctdb-bench-DATE.md (raw data in
# fullstack/results/ctdb-bench-DATE/). Not part of `mvn verify`. As root, from the repository;
# CLUSTER_SH, VMWORK as for fullstack/isolation.sh. Exit 0 when every round ran, 1 otherwise.
set -uo pipefail
self=$(readlink -f "$0")
repo=$(cd "$(dirname "$self")/.." && pwd)
# shellcheck source=fullstack/lib.sh
. "$repo/fullstack/lib.sh"
RESUME_WAIT=${RESUME_WAIT:-300}
HEAL_WAIT=${HEAL_WAIT:-600}

repeat=3 contenders="ctdb sagent sagent-recommended" fresh=0
while [ $# -gt 0 ]; do
    case $1 in
        --repeat) repeat=${2:-}; shift; [[ $repeat =~ ^[1-9][0-9]*$ ]] || { echo "ctdb-bench.sh: --repeat needs a number" >&2; exit 2; } ;;
        --contenders) contenders=${2:-}; shift ;;
        --fresh) fresh=1 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "ctdb-bench.sh: unknown argument '$1' (--repeat N, --contenders LIST, --fresh)" >&2; exit 2 ;;
    esac
    shift
done
for c in $contenders; do
    case $c in ctdb|sagent|sagent-recommended|sagent-tuned) ;;
        *) echo "ctdb-bench.sh: unknown contender '$c' (ctdb, sagent, sagent-recommended, sagent-tuned)" >&2; exit 2 ;; esac
done
need_root_and_cluster ctdb-bench.sh
deb=$(newest_deb "$repo") || exit 2
grep -q '^ctdb ' "$VMWORK/image/packages.txt" 2>/dev/null ||
    { echo "ctdb-bench.sh: the guest image has no ctdb: rebuild it (FORCE=1 $C image)" >&2; exit 2; }

stamp=$(date +%Y%m%d-%H%M%S)
results=$repo/fullstack/results
raw=$results/ctdb-bench-$stamp
mkdir -p "$raw"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
failed=0

cluster_up ctdb-bench.sh $fresh
install_deb_if_needed "$deb"
want=$(dpkg-deb -f "$deb" Version)

say "CTDB's configuration"
printf '192.0.2.10\n192.0.2.11\n' > "$raw/ctdb-nodes"
printf '%s/24 eth1\n%s/24 eth1\n' $PUB0 $PUB1 > "$raw/ctdb-public_addresses"
cat > "$raw/ctdb.conf" <<'EOF'
# As the reference cluster ran CTDB: no recovery lock (OCFS2 on o2cb cannot hold its fcntl lock).
[logging]
	location = syslog
	log level = NOTICE
[cluster]
EOF
for n in s0 s1; do
    "$C" put $n "$raw/ctdb-nodes" /etc/ctdb/nodes >/dev/null &&
        "$C" put $n "$raw/ctdb-public_addresses" /etc/ctdb/public_addresses >/dev/null &&
        "$C" put $n "$raw/ctdb.conf" /etc/ctdb/ctdb.conf >/dev/null || exit 2
    # the event scripts enabled by hand (a symlink each): `ctdb event script enable` needs a running ctdbd
    g $n 'systemctl stop sagent ctdb; systemctl disable -q ctdb 2>/dev/null;
          for s in 00.ctdb 10.interface; do ln -sf /usr/share/ctdb/events/legacy/$s.script /etc/ctdb/events/legacy/$s.script; done;
          ls /etc/ctdb/events/legacy/' || exit 2
done

# Only one manager at a time: both stopped, the public addresses gone from both eth1.
stop_all() {
    local n
    for n in s0 s1; do
        gt 120 $n "systemctl stop sagent ctdb; ip addr del $PUB0/24 dev eth1 2>/dev/null; ip addr del $PUB1/24 dev eth1 2>/dev/null; true"
    done
}
holder() {  # the node whose eth1 holds ADDR (empty when none or both)
    local a=$1 h=() n
    for n in s0 s1; do gt 30 $n "ip -o addr show dev eth1 | grep -q ' $a/'" >/dev/null 2>&1 && h+=($n); done
    [ ${#h[@]} = 1 ] && echo "${h[0]}"
}
# Waits (bounded) until the cluster is healthy and each address has exactly one holder (its home
# for sagent; wherever CTDB puts it for CTDB).
wait_steady() {
    local c=$1 limit=$2 t0=$SECONDS h0 h1
    while [ $((SECONDS - t0)) -lt "$limit" ]; do
        if timeout 60 "$C" status >/dev/null 2>&1; then
            h0=$(holder $PUB0) h1=$(holder $PUB1)
            if [ -n "$h0" ] && [ -n "$h1" ]; then
                case $c in ctdb) return 0 ;; *) [ "$h0" = s0 ] && [ "$h1" = s1 ] && return 0 ;; esac
            fi
        fi
        sleep 3
    done
    return 1
}
start_manager() {  # CONTENDER NODE...
    local c=$1 n; shift
    for n in "$@"; do
        case $c in ctdb) g $n 'systemctl start --no-block ctdb' ;; *) g $n 'systemctl start --no-block sagent' ;; esac
    done
}
stop_manager() {  # CONTENDER NODE
    case $1 in ctdb) g $2 'systemctl stop ctdb' ;; *) g $2 'systemctl stop sagent' ;; esac
}

rows=()
round() {  # CONTENDER SCENARIO REP
    local c=$1 sc=$2 rep=$3 dir=$raw/$1-${2// /-}-$3 victim t_fault t_done t_end until i ipgap smbgap
    mkdir -p "$dir"
    say "$c, $sc, round $rep"
    if ! wait_steady "$c" "$HEAL_WAIT"; then
        echo "not steady before the round"; rows+=("| $c | $sc | $rep | not run: not steady before | |"); failed=1; return
    fi
    victim=$(holder $PUB0)
    until=$(( $(date +%s) + RESUME_WAIT + 120 ))
    bg "$C" client "exec timeout --foreground $((until - $(date +%s))) ping -D -n -i 0.01 -W 1 $PUB0 > '$dir/ping.txt' 2>&1"
    bg "$C" client "exec bash '$repo/fullstack/copy-loop.sh' $PUB0 '$dir' $until log bench-copy"
    sleep 15
    if ! grep -q ' ack ' "$dir/log" 2>/dev/null; then
        note "the copy loop has no acknowledged copy before the fault (see $dir/smbclient.log)"; failed=1
    fi
    t_fault=$(now_ms)
    case $sc in
        "power loss") "$C" power-off "$victim" ;;
        "graceful stop") stop_manager "$c" "$victim" ;;
    esac
    t_done=$(now_ms)
    echo "fault on $victim at $(date +%T.%3N)"
    # until the copy loop has an acknowledged copy that started once the fault was complete (not one
    # already on its way), and ping answers again
    for ((i = 0; i < RESUME_WAIT; i += 2)); do
        sleep 2
        awk -v f="$t_done" '$2 == "ack" && $3 > f { found = 1 } END { exit !found }' "$dir/log" 2>/dev/null || continue
        tail -n 3 "$dir/ping.txt" | grep -q 'bytes from' && break
    done
    sleep 3
    t_end=$(now_ms)
    cleanup
    ping_answers "$dir/ping.txt" > "$dir/answers.txt"
    ipgap=$(gap_ms "$dir/answers.txt" "$t_fault" "$t_end")
    awk '$2 == "ack" { print $1 }' "$dir/log" > "$dir/acks.txt"
    smbgap=$(gap_ms "$dir/acks.txt" "$t_fault" "$t_end")
    if [ $((t_end - t_fault)) -ge $((RESUME_WAIT * 1000)) ]; then
        note "no resumption within ${RESUME_WAIT}s: the gaps are lower bounds"; failed=1
    fi
    echo "IP outage ${ipgap} ms, SMB copy loop gap ${smbgap} ms"
    rows+=("| $c | $sc | $rep | $ipgap | $smbgap |")
    echo "$c,$sc,$rep,$ipgap,$smbgap" >> "$raw/samples.csv"
    case $sc in
        "power loss") "$C" power-on "$victim" >/dev/null ;;
    esac
    # sagent starts at boot (the package enables it); CTDB is not enabled, as on the reference
    # cluster's notes it is started by hand after OCFS2.
    wait_for_boot_ready "$victim"
    start_manager "$c" "$victim"
    wait_steady "$c" "$HEAL_WAIT" || { note "$c: not steady again within ${HEAL_WAIT}s"; failed=1; }
}

# DRBD as the test bed sets it up, o2cb at its defaults, whatever an earlier run left
apply_drbd_res 0 "" || exit 2
if [ "$(gt 30 s0 'cat /sys/kernel/config/cluster/scluster/heartbeat/dead_threshold' 2>/dev/null)" != 31 ]; then
    bash "$repo/fullstack/o2cb-tuning.sh" default > "$raw/o2cb-default.log" 2>&1 ||
        { echo "o2cb default failed (see $raw/o2cb-default.log)"; exit 2; }
fi
tuned_now=0  # the o2cb threshold o2cb-tuning.sh set, 0 for the test bed's default
for c in $contenders; do
    say "contender: $c"
    stop_all
    # sagent's configuration and DRBD's fencing for this contender: isolation (fencing, handlers)
    # except for CTDB and the earlier runs' sagent-tuned; the recommended handler deadline.
    fencing=1; case $c in ctdb|sagent-tuned) fencing=0 ;; esac
    if [ "$c" = sagent-recommended ]; then sagent_settings recommended; else sagent_settings defaults; fi
    install_sagent_config $fencing || exit 2
    for n in s0 s1; do g $n 'rm -f /var/lib/sagent/fenced /var/lib/sagent/peer-fenced'; done
    case $c in
        sagent-recommended) want_net=$TUNED_NET threshold=$RECOMMENDED_THRESHOLD ;;
        sagent-tuned) want_net=$TUNED_NET threshold=11 ;;
        *) want_net= threshold=31 ;;
    esac
    apply_drbd_res $fencing "$want_net" || exit 1
    if [ "$threshold" != 31 ] && [ "$tuned_now" != "$threshold" ]; then
        bash "$repo/fullstack/o2cb-tuning.sh" tuned "$threshold" > "$raw/o2cb-tuning.log" 2>&1 ||
            { echo "o2cb tuning failed (see $raw/o2cb-tuning.log)"; exit 1; }
        tuned_now=$threshold
        stop_all
    elif [ "$threshold" = 31 ] && [ "$tuned_now" != 0 ]; then
        bash "$repo/fullstack/o2cb-tuning.sh" default > "$raw/o2cb-default.log" 2>&1 || { echo "o2cb default failed"; exit 1; }
        tuned_now=0
        stop_all
    fi
    # the package enables sagent at boot: off while CTDB is measured, so a powered-on node runs one manager
    for n in s0 s1; do case $c in ctdb) g $n 'systemctl disable -q sagent' ;; *) g $n 'systemctl enable -q sagent' ;; esac; done
    t0=$(now_ms)
    start_manager "$c" s0 s1
    if ! wait_steady "$c" 600; then
        echo "$c never served both addresses"; rows+=("| $c | start | | never served | |"); failed=1; continue
    fi
    echo "$c: both addresses served $(( ($(now_ms) - t0) / 1000 )) s after the start"
    for ((rep = 1; rep <= repeat; rep++)); do
        round "$c" "power loss" $rep
        round "$c" "graceful stop" $rep
    done
    # a unit and a syslog identifier in one journalctl call must both match: two calls
    for n in s0 s1; do
        g $n "journalctl -b --no-pager -u sagent -u ctdb; journalctl -b --no-pager -t ctdbd -t ctdb-recoverd" \
            > "$raw/$c-journal-$n.txt" 2>&1
    done
done
stop_all
sagent_settings defaults; install_sagent_config 1
apply_drbd_res 1 ""
if [ "$tuned_now" != 0 ]; then bash "$repo/fullstack/o2cb-tuning.sh" default > "$raw/o2cb-default.log" 2>&1; fi
for n in s0 s1; do g $n 'systemctl enable -q sagent; systemctl start --no-block sagent'; done

table=$results/ctdb-bench-$stamp.md
{
    echo "Command: \`fullstack/ctdb-bench.sh --repeat $repeat --contenders '$contenders'\` ($(date '+%Y-%m-%d %H:%M %Z'), sagent $want)"
    echo
    echo "| Contender | Scenario | Round | IP outage ms | SMB copy loop gap ms |"
    echo "|---|---|---:|---:|---:|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "| Contender | Scenario | IP outage median / max ms | SMB gap median / max ms |"
    echo "|---|---|---:|---:|"
    for c in $contenders; do for sc in "power loss" "graceful stop"; do
        awk -F, -v c="$c" -v s="$sc" 'BEGIN { n = 0 } $1 == c && $2 == s { ip[n] = $4; smb[n] = $5; n++ }
            function med(a, n,   i, j, t) {
                for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                return n ? a[int((n + 1) / 2) - 1] : "-" }
            function mx(a, n,   i, m) { m = 0; for (i = 0; i < n; i++) if (a[i] > m) m = a[i]; return n ? m : "-" }
            END { if (n) printf "| %s | %s | %s / %s | %s / %s |\n", c, s,
                                med(ip, n), mx(ip, n), med(smb, n), mx(smb, n) }' "$raw/samples.csv"
    done; done
} > "$table"
cat "$table"
exit $failed
