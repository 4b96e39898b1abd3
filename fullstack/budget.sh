#!/usr/bin/env bash
# Where the seconds of a failover go, on the reference cluster's two VMs (../shared/vm): for each
# scenario a per-phase time budget, read from the guests' own journals (kernel, DRBD, o2hb/o2dlm,
# sagent, the fence-peer handler) and from the client, REPEAT times, with the median per phase.
#
#   fullstack/budget.sh [--repeat N] [--scenarios 'power-loss freeze cable-cut graceful-stop']
#                       [--settings defaults|recommended] [--fresh]
#   fullstack/budget.sh --recompute fullstack/results/budget-DATE   (the phases and the table again,
#                       from the raw data a run kept; no VM needed)
#
# Scenarios (s0 holds 198.51.100.120, the address the client pings every 10 ms and copies a 64 KiB
# file through in a loop with smbclient):
#   power-loss     s0 powered off (the survivor's replication carrier drops with it), then on again;
#   freeze         s0 hung for FREEZE seconds (120; its carriers stay up), then thawed;
#   cable-cut      the replication cable pulled (both ends); healed once the loser is back;
#   graceful-stop  `systemctl stop sagent` on s0, then started again (failback).
# Phases, in ms from the fault (host clock; for a power loss or a freeze the victim's last answer
# to the client's pings, else the moment the fault was asked for; each guest's journal is brought
# onto the host clock by an offset measured through the guest agent just before the fault, ± half
# its round trip):
#   sagent knows   the survivor's agent takes the peer for dead (carrier path) or drops it from
#                  its view (heartbeats);
#   address moved  the survivor's agent took 198.51.100.120 (NOTICE line);
#   DRBD notices   the survivor's DRBD leaves Connected (ping timeout, network failure);
#   agent asked    the fence-peer handler DRBD started reached the agent (its start-up is frozen time);
#   handler done   DRBD's fence-peer handler returned (I/O resumes on exit 7);
#   o2hb dead      o2dlm evicts the lost node (o2hb declared it dead);
#   o2dlm done     o2dlm recovery ended and OCFS2 replayed the lost node's journal;
#   SMB resumed    the acknowledged copy that ended the longest gap since the fault (client clock);
#   SMB longest gap not a phase: the longest time without an acknowledged copy from the fault to the
#                  round's end (the figure the graceful stop's target is about);
#   SMB steady gap not a phase: the median time between acknowledged copies before the fault, what
#                  one copy costs on these guests (a gap after the fault cannot be shorter).
# Before a graceful stop the round also times one file copied through s0's address, then through
# s1's: the first copy through the other node, with no address moving, is OCFS2 moving the locks,
# the part of the stop's gap that is the storage stack's (a table after the phases).
# A phase that did not happen within the round is "-". Settings: `defaults` is DRBD's and o2cb's
# defaults with sagent's isolation (fencing handlers, the client as witness), as fullstack/suite.sh
# runs it; `recommended` applies README's "Tuning for fast failover" (DRBD net timings TUNED_NET,
# `fullstack/o2cb-tuning.sh tuned RECOMMENDED_THRESHOLD`, default 11, with `isolation.handler-deadline:
# RECOMMENDED_DEADLINE`, default 12s, the pair `sagent doctor` accepts, and `isolation.peer-silence:
# RECOMMENDED_PEER_SILENCE`, README's 3s, where the bed's own runs use 6s) and puts the defaults back at
# the end.
# Results: stdout and fullstack/results/budget-DATE.md (raw data, the journals included, in
# fullstack/results/budget-DATE/). Not part of `mvn verify`. As root, from the repository, after
# `mvn -q package -DskipTests`; CLUSTER_SH, VMWORK as for fullstack/suite.sh. Exit 0 when every
# round ran.
set -uo pipefail
self=$(readlink -f "$0")
repo=$(cd "$(dirname "$self")/.." && pwd)
# shellcheck source=fullstack/lib.sh
. "$repo/fullstack/lib.sh"
RESUME_WAIT=${RESUME_WAIT:-300}
HEAL_WAIT=${HEAL_WAIT:-900}
FREEZE=${FREEZE:-120}

repeat=3 scenarios="power-loss freeze cable-cut graceful-stop" settings=defaults fresh=0 recompute=
while [ $# -gt 0 ]; do
    case $1 in
        --repeat) repeat=${2:-}; shift; [[ $repeat =~ ^[1-9][0-9]*$ ]] || { echo "budget.sh: --repeat needs a number" >&2; exit 2; } ;;
        --scenarios) scenarios=${2:-}; shift ;;
        --settings) settings=${2:-}; shift ;;
        --fresh) fresh=1 ;;
        --recompute) recompute=${2:-}; shift; [ -f "$recompute/meta" ] || { echo "budget.sh: $recompute has no meta file: not a budget run's raw data" >&2; exit 2; } ;;
        -h|--help) sed -n '2,/^set -uo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "budget.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
for sc in $scenarios; do
    case $sc in power-loss|freeze|cable-cut|graceful-stop) ;;
        *) echo "budget.sh: unknown scenario '$sc' (power-loss, freeze, cable-cut, graceful-stop)" >&2; exit 2 ;; esac
done
case $settings in defaults|recommended) ;; *) echo "budget.sh: --settings is defaults or recommended" >&2; exit 2 ;; esac
results=$repo/fullstack/results
if [ -n "$recompute" ]; then
    raw=$(cd "$recompute" && pwd)
    results=$(dirname "$raw")
    stamp=${raw##*/budget-}
    # shellcheck disable=SC1091
    . "$raw/meta"
else
    need_root_and_cluster budget.sh
    deb=$(newest_deb "$repo") || exit 2
    stamp=$(date +%Y%m%d-%H%M%S)
    raw=$results/budget-$stamp
    mkdir -p "$raw"
fi
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
failed=0
PHASES=("sagent knows" "address moved" "DRBD notices" "agent asked" "handler done" "o2hb dead" "o2dlm done" "SMB resumed" "SMB longest gap" "SMB steady gap")

# clock_offset NODE: the guest's clock minus the host's (ms), and the round trip it was read in.
clock_offset() {
    local before guest after
    before=$(now_ms); guest=$(gt 20 "$1" 'date +%s%3N' 2>/dev/null); after=$(now_ms)
    [[ $guest =~ ^[0-9]+$ ]] || { echo "0 -1"; return; }
    echo "$((guest - (before + after) / 2)) $((after - before))"
}
# first_after FILE FROM REGEX: the host time (ms) of FILE's first line at or after FROM matching
# REGEX (FILE: "HOST-MS text", made by journal_of); empty when none.
first_after() { awk -v f="$2" -v re="$3" '$1 >= f && $0 ~ re { print $1; exit }' "$1"; }
# journal_of NODE FROM-HOST-MS OFFSET FILE: NODE's journal since FROM, each line "HOST-MS text".
journal_of() {
    local since=$(( ($2 + $3) / 1000 - 30 ))
    gt 120 "$1" "journalctl -o short-unix --no-pager --since @$since" 2>/dev/null |
        awk -v off="$3" '$1 ~ /^[0-9]+\.[0-9]+$/ { split($1, t, "."); ms = t[1] * 1000 + substr(t[2] "000", 1, 3) - off;
            $1 = ""; printf "%.0f%s\n", ms, $0 }' > "$4"
}
# The longest gap between acknowledged copies since the fault, and the copy that ended it.
smb_resumed() {  # ACKS FROM TO -> ms from FROM to the ack that ended the longest gap
    awk -v from="$2" -v to="$3" '$1 >= from && $1 <= to { t[n++] = $1 }
        END { p = from; m = -1; e = ""; for (i = 0; i < n; i++) { if (t[i] - p > m) { m = t[i] - p; e = t[i] } p = t[i] }
              if (e == "") print "-"; else print e - from }' "$1"
}
steady_gap() {  # ACKS FAULT -> the median gap (ms) between the acknowledged copies before FAULT
    awk -v f="$2" '$1 < f { if (p) g[n++] = $1 - p; p = $1 }
        END { for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (g[j] < g[i]) { t = g[i]; g[i] = g[j]; g[j] = t }
              if (n) print g[int(n / 2)]; else print "-" }' "$1"
}
# back_after_stand_down NODE: a node that stood down reboots itself (isolation.action: reboot);
# waits for its guest agent, or powers it off and on when it stays silent.
back_after_stand_down() {
    local n=$1 i
    for ((i = 0; i < 300; i += 5)); do
        gt 20 $n true >/dev/null 2>&1 && return 0
        sleep 5
    done
    note "$n: its guest agent silent for 300 s after standing down: power-cycled"
    "$C" power-off $n; "$C" power-on $n >/dev/null
}

# phases SCENARIO REP DIR: one CSV line of the round's phases (ms from the fault), from what the
# round kept in DIR: times.txt, the journals (host ms), acks.txt. Writes DIR/survivor.
phases() {
    local sc=$1 rep=$2 dir=$3 t_fault t_done t_end survivor=s1 other=s0 j phase k v
    read -r t_fault t_done t_end < "$dir/times.txt"
    # A cut cable has a winner, which is the node whose I/O matters: the one whose handler returned 7.
    if [ "$sc" = cable-cut ] && grep -q 'fence-peer helper returned 7' "$dir/journal-s0.txt" 2>/dev/null; then
        survivor=s0 other=s1
    fi
    echo $survivor > "$dir/survivor"
    j=$dir/journal-$survivor.txt
    declare -A at=()
    at["sagent knows"]=$(first_after "$j" "$t_fault" "sagent.*($other taken for dead|membership: $survivor(\$|[^,]))")
    at["address moved"]=$(first_after "$j" "$t_fault" "sagent.*took $PUB0/")
    at["DRBD notices"]=$(first_after "$j" "$t_fault" 'kernel: .*conn[(] Connected -> ')
    at["agent asked"]=$(first_after "$j" "$t_fault" 'sagent.*fence-peer asks who keeps writing')
    at["handler done"]=$(first_after "$j" "$t_fault" 'kernel: .*fence-peer helper returned')
    at["o2hb dead"]=$(first_after "$j" "$t_fault" 'kernel: .*o2dlm has evicted node')
    at["o2dlm done"]=$(first_after "$j" "$t_fault" 'kernel: .*ocfs2: End replay journal')
    v=$(smb_resumed "$dir/acks.txt" "$t_fault" "$t_end")
    printf '%s,%s' "$sc" "$rep"
    for phase in "${PHASES[@]}"; do
        if [ "$phase" = "SMB resumed" ]; then k=$v
        elif [ "$phase" = "SMB longest gap" ]; then k=$(gap_ms "$dir/acks.txt" "$t_fault" "$t_end")
        elif [ "$phase" = "SMB steady gap" ]; then k=$(steady_gap "$dir/acks.txt" "$t_fault")
        elif [ -n "${at[$phase]}" ]; then k=$(( ${at[$phase]} - t_fault )); else k=-; fi
        printf ',%s' "$k"
    done
    printf '\n'
}

# timed_copy ADDR NAME DIR: ms one `smbclient put` of DIR/payload as NAME through ADDR takes
# (client clock, in the client namespace); "fail" when it failed.
timed_copy() {
    "$C" client "s=\$(date +%s%3N); timeout 30 smbclient -N //$1/scluster -c 'put $3/payload $2' >> '$3/smbclient.log' 2>&1 &&
        echo \$((\$(date +%s%3N) - s)) || echo fail"
}

# other_node_copies DIR: before a graceful stop, what the first copy through the other node costs
# without any address moving: three copies of one file through s0's address, then two through
# s1's. The first through s1 waits for OCFS2 to move the file's and the directory's locks from s0
# (o2dlm over o2net, s0 writing back what it holds); the second shows a copy with the locks there.
# A graceful stop's first copy through the new holder pays the same. DIR/other-node.txt gets
# "s0 MS MS MS s1 FIRST-MS SECOND-MS".
other_node_copies() {
    local d=$1 a b c f s
    head -c 65536 /dev/urandom > "$d/payload"
    a=$(timed_copy $PUB0 budget-copy-0 "$d") b=$(timed_copy $PUB0 budget-copy-0 "$d") c=$(timed_copy $PUB0 budget-copy-0 "$d")
    f=$(timed_copy $PUB1 budget-copy-0 "$d") s=$(timed_copy $PUB1 budget-copy-0 "$d")
    echo "s0 $a $b $c s1 $f $s" > "$d/other-node.txt"
    echo "one file copied through s0's address: $a, $b, $c ms; then through s1's: $f ms (the locks move), $s ms"
}

round() {  # SCENARIO REP
    local sc=$1 rep=$2 dir=$raw/$1-$2 victim=s0 off0 off1 t_fault t_done t_end until i
    mkdir -p "$dir"
    say "$sc, round $rep"
    if ! wait_serving "$HEAL_WAIT"; then
        bad "not serving before the round: $why"; echo "$sc,$rep,not run" >> "$raw/phases.csv"; failed=1; return
    fi
    read -r off0 rtt0 < <(clock_offset s0)
    read -r off1 rtt1 < <(clock_offset s1)
    echo "guest clocks: s0 ${off0} ms (read in ${rtt0} ms), s1 ${off1} ms (read in ${rtt1} ms) from the host's" | tee "$dir/clocks.txt"
    until=$(( $(date +%s) + RESUME_WAIT + FREEZE + 120 ))
    bg "$C" client "exec timeout --foreground $((until - $(date +%s))) ping -D -n -i 0.01 -W 1 $PUB0 > '$dir/ping.txt' 2>&1"
    [ "$sc" = graceful-stop ] && other_node_copies "$dir"
    bg "$C" client "exec bash '$repo/fullstack/copy-loop.sh' $PUB0 '$dir' $until log budget-copy"
    sleep 15
    grep -q ' ack ' "$dir/log" 2>/dev/null || note "no acknowledged copy before the fault (see $dir/smbclient.log)"
    t_fault=$(now_ms)
    case $sc in
        power-loss) "$C" power-off $victim ;;
        freeze) "$C" freeze $victim ;;
        cable-cut) "$C" cut s0 rep; "$C" cut s1 rep ;;
        graceful-stop) g $victim 'systemctl stop sagent' ;;
    esac
    t_done=$(now_ms)
    echo "fault at $(date -d @$((t_fault / 1000)) +%T) (took $((t_done - t_fault)) ms to inflict)"
    for ((i = 0; i < RESUME_WAIT; i += 2)); do
        sleep 2
        if [ "$sc" = freeze ] && [ $(( $(now_ms) - t_fault )) -ge $((FREEZE * 1000)) ]; then break; fi
        awk -v f="$t_done" '$2 == "ack" && $3 > f { found = 1 } END { exit !found }' "$dir/log" 2>/dev/null || continue
        tail -n 3 "$dir/ping.txt" | grep -q 'bytes from' && [ "$sc" != freeze ] && break
    done
    if [ "$sc" = freeze ]; then
        while [ $(( $(now_ms) - t_fault )) -lt $((FREEZE * 1000)) ]; do sleep 1; done
        "$C" thaw $victim
        echo "thawed at $(( ($(now_ms) - t_fault) / 1000 )) s"
        sleep 20
    fi
    sleep 3
    t_end=$(now_ms)
    cleanup
    awk '$2 == "ack" { print $1 }' "$dir/log" > "$dir/acks.txt"
    ping_answers "$dir/ping.txt" > "$dir/answers.txt"
    # A power-off or a freeze takes a second or more to inflict through qemu: the node's last
    # answer to the client's pings (every 10 ms) before the outage dates it better.
    if [ "$sc" = power-loss ] || [ "$sc" = freeze ]; then
        local last
        last=$(awk -v a="$t_fault" -v b="$t_done" '$1 >= a && $1 <= b { l = $1 } END { print l }' "$dir/answers.txt")
        [ -n "$last" ] && { echo "the victim's last answer came $((last - t_fault)) ms into the fault's infliction: the fault's time"; t_fault=$last; }
    fi
    echo "IP outage $(gap_ms "$dir/answers.txt" "$t_fault" "$t_end") ms, SMB gap $(gap_ms "$dir/acks.txt" "$t_fault" "$t_end") ms"
    echo "$t_fault $t_done $t_end" > "$dir/times.txt"  # host ms: the fault, its infliction done, the round's end
    [ "$sc" = cable-cut ] && "$C" heal s0 rep && "$C" heal s1 rep
    journal_of s1 "$t_fault" "$off1" "$dir/journal-s1.txt"
    gt 20 s0 true >/dev/null 2>&1 && journal_of s0 "$t_fault" "$off0" "$dir/journal-s0.txt"
    # A cut cable has a winner, which is the node whose I/O matters: the one whose handler returned 7.
    phases "$sc" "$rep" "$dir" | tee -a "$raw/phases.csv"
    local other=s0
    [ "$(cat "$dir/survivor")" = s0 ] && other=s1
    # back to steady
    case $sc in
        power-loss) "$C" power-on $victim >/dev/null; wait_for_boot_ready $victim ;;
        freeze) back_after_stand_down $victim; wait_for_boot_ready $victim ;;
        cable-cut) back_after_stand_down $other; wait_for_boot_ready $other ;;
        graceful-stop) g $victim 'systemctl start sagent' ;;
    esac
    for n in s0 s1; do gt 20 $n 'systemctl is-active -q sagent || systemctl start --no-block sagent' >/dev/null 2>&1; done
}

printf 'scenario,round,%s\n' "$(IFS=,; echo "${PHASES[*]}")" > "$raw/phases.csv.new"
if [ -n "$recompute" ]; then
    for dir in "$raw"/*-[0-9]*/; do
        dir=${dir%/}; name=${dir##*/}
        [ -f "$dir/times.txt" ] || { note "$name: no times.txt, left out"; continue; }
        phases "${name%-*}" "${name##*-}" "$dir" >> "$raw/phases.csv.new"
    done
    mv "$raw/phases.csv.new" "$raw/phases.csv"
    failed=0
fi
if [ -z "$recompute" ]; then
mv "$raw/phases.csv.new" "$raw/phases.csv"
cluster_up budget.sh $fresh
install_deb_if_needed "$deb"
want=$(dpkg-deb -f "$deb" Version)
printf 'repeat=%s\nscenarios=%q\nsettings=%s\nwant=%q\n' "$repeat" "$scenarios" "$settings" "$want" > "$raw/meta"
say "sagent with isolation, DRBD with its fencing handlers ($settings)"
for n in s0 s1; do g $n 'systemctl stop sagent' >/dev/null 2>&1; done
if [ "$settings" = recommended ]; then sagent_settings recommended; fi
install_sagent_config 1 || exit 2
stack_settings "$settings" || exit 2
for n in s0 s1; do g $n 'rm -f /var/lib/sagent/fenced /var/lib/sagent/peer-fenced; systemctl enable -q sagent; systemctl restart sagent'; done

for ((rep = 1; rep <= repeat; rep++)); do
    for sc in $scenarios; do round "$sc" "$rep"; done
done
wait_serving "$HEAL_WAIT" || { note "not serving at the end: $why"; failed=1; }
fi  # not --recompute
if [ -z "$recompute" ] && [ "$settings" = recommended ]; then
    settings_back_to_defaults || { note "could not put the defaults back (see $raw)"; failed=1; }
fi

table=$results/budget-$stamp.md
{
    echo "Command: \`fullstack/budget.sh --repeat $repeat --settings $settings --scenarios '$scenarios'\` ($(date '+%Y-%m-%d %H:%M %Z'), sagent $want)"
    echo
    echo "Median over the rounds (each round's figures in budget-$stamp/phases.csv), ms from the fault:"
    echo
    printf '| scenario | rounds |'; printf ' %s |' "${PHASES[@]}"; printf '\n|---|---:|'; printf -- '---:|%.0s' "${PHASES[@]}"; printf '\n'
    for sc in $scenarios; do
        awk -F, -v s="$sc" -v np=${#PHASES[@]} 'BEGIN { rows = 0 }
            function med(col,   n, i, j, t, a) { n = 0
                for (i = 0; i < rows; i++) if (v[i, col] != "-" && v[i, col] != "") a[n++] = v[i, col] + 0
                for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                if (!n) return "-"
                return (n % 2) ? a[(n - 1) / 2] : int((a[n / 2 - 1] + a[n / 2]) / 2) }
            $1 == s && $3 != "not run" { for (c = 3; c <= np + 2; c++) v[rows, c] = $c; rows++ }
            END { if (!rows) exit; printf "| %s | %d |", s, rows; for (c = 3; c <= np + 2; c++) printf " %s |", med(c); printf "\n" }' \
            "$raw/phases.csv"
    done
    other=$(for f in "$raw"/graceful-stop-*/other-node.txt; do [ -f "$f" ] && cat "$f"; done)
    if [ -n "$other" ]; then
        echo
        echo "Graceful stop, before the fault: one file copied three times through s0's address, then twice through"
        echo "s1's, ms per copy (the first through s1 waits for OCFS2 to move the file's and the directory's locks from s0):"
        echo
        echo "| round | through s0 | through s1, first | through s1, second |"
        echo "|---:|---|---:|---:|"
        r=0
        while read -r _ a b c _ f s; do r=$((r + 1)); echo "| $r | $a, $b, $c | $f | $s |"; done <<< "$other"
    fi
} > "$table"
cat "$table"
exit $failed
