#!/usr/bin/env bash
# Section 7 of docs/spec.md on the reference cluster's two VMs (../shared/vm, see its
# README): the isolation failures F14-F18 under real DRBD 8.4, OCFS2 (o2cb) and Samba, with SMB
# clients writing through both public addresses all along.
#   F14  replication cable cut (both ends), both nodes alive; healed after CUT_HOLD s
#   F15  power loss of s1; powered on again after POWER_HOLD s
#   F16  s1 loses both its replication link and its LAN; healed after CUT_HOLD s
#   F17  replication cable cut and back within a second: nobody may be fenced or rebooted
#   F18  only o2net (tcp/7777) lost on s1, DRBD still connected: o2cb reboots s1
#   F4   s1 hung (frozen, its carriers up) for FREEZE_HOLD s, then thawed: s0 serves both, and the
#        thawed s1 never writes again before it has resynced (no split brain, every write kept)
# After each one it checks that every write a client saw acknowledged is on both nodes with its
# exact content, that DRBD is Connected UpToDate/UpToDate again without a manual step and that no
# split brain happened; it prints the winner's I/O freeze, the client-visible outage per address
# and the time until both nodes are back to full redundancy, as a Markdown table (stdout and
# fullstack/results/isolation-DATE.md; raw logs, the agents' journals included, in
# fullstack/results/isolation-DATE/).
#
# Not part of `mvn verify` (the VMs take minutes to boot under emulation). Run as root from the
# repository:
#   fullstack/isolation.sh [F14|F15|F16|F17|F18|F4|all ...] [--repeat N] [--tuned]
#                          [--settings defaults|recommended] [--fresh] [--baseline] [--f18-tc]
#   --repeat N   run each chosen scenario N times (default 1); a scenario may also be named again
#   --tuned      shorter DRBD peer-loss detection (TUNED_NET: ping-int 3 s, ping-timeout 1 s,
#                timeout 2.5 s) instead of DRBD's defaults
#   --settings recommended
#                README's recommended settings, as budget.sh applies them: --tuned, o2cb's
#                heartbeat threshold RECOMMENDED_THRESHOLD (11) with o2net on the LAN, and
#                isolation.handler-deadline RECOMMENDED_DEADLINE (12 s) and peer-silence
#                RECOMMENDED_PEER_SILENCE (3 s, the bed's own runs use 6 s); put back to the test
#                bed's defaults at the end. `defaults` (the default) changes none of them.
#   --fresh      `cluster.sh up` first even if the cluster is healthy
#   --baseline   no `isolation:` section and DRBD without fencing or handlers (the test bed as set
#                up): what the cluster does without sagent's isolation rules; F14 is expected to fail
#   --f18-tc     the guest image has neither nft nor iptables: block tcp/7777 with tc filters instead
# The .deb is the newest packaging/target/sagent_*_all.deb (build it with
# `mvn -q package -DskipTests`). CLUSTER_SH names cluster.sh (default ../shared/vm/cluster.sh next
# to the repository); VMWORK is cluster.sh's (same default). CUT_HOLD (90), POWER_HOLD (60), FREEZE_HOLD (120),
# HEAL_WAIT (600: a full 256 MiB resync took over 7 min on a loaded host) and READY_WAIT (300) are
# seconds. Exit 0 when every check passed, 1 when one failed, 2 when it could not run.
set -uo pipefail
self=$(readlink -f "$0")
repo=$(cd "$(dirname "$self")/.." && pwd)
# shellcheck source=fullstack/lib.sh
. "$repo/fullstack/lib.sh"
CUT_HOLD=${CUT_HOLD:-90}
POWER_HOLD=${POWER_HOLD:-60}
FREEZE_HOLD=${FREEZE_HOLD:-120}
HEAL_WAIT=${HEAL_WAIT:-600}
READY_WAIT=${READY_WAIT:-300}

# --- helpers that run in the background, started by this script on itself --------------------
# --writer ADDR DIR UNTIL REMOTEDIR: one `smbclient put` after the other, in the client namespace,
# until the epoch second UNTIL; DIR/log gets "N ack END-MS START-MS" or "N fail END-MS START-MS rc=RC".
if [ "${1:-}" = --writer ]; then
    addr=$2 dir=$3 until=$4 rdir=$5 n=0
    mkdir -p "$dir/files"
    while [ "$(date +%s)" -lt "$until" ]; do
        n=$((n + 1))
        f=$dir/files/w-$addr-$n
        printf '%s %d %s\n' "$addr" "$n" "$(date +%s.%N)" > "$f"
        s=$(date +%s%3N)
        timeout 20 smbclient -N "//$addr/durable" -D "$rdir" -c "put $f w-$addr-$n" >> "$dir/smbclient.log" 2>&1
        rc=$?
        e=$(date +%s%3N)
        if [ $rc -eq 0 ]; then echo "$n ack $e $s"; else echo "$n fail $e $s rc=$rc"; fi >> "$dir/log"
        sleep 0.2
    done
    exit 0
fi
# --- arguments ------------------------------------------------------------------------------
scenarios=() repeat=1 tuned=0 fresh=0 baseline=0 f18tc=0 settings=defaults
while [ $# -gt 0 ]; do
    case $1 in
        F14|F15|F16|F17|F18|F4) scenarios+=("$1") ;;
        all) scenarios+=(F14 F15 F16 F17 F18 F4) ;;
        --repeat) repeat=${2:-}; shift; [[ $repeat =~ ^[1-9][0-9]*$ ]] || { echo "isolation.sh: --repeat needs a number" >&2; exit 2; } ;;
        --tuned) tuned=1 ;;
        --settings) settings=${2:-}; shift
            case $settings in defaults|recommended) ;; *) echo "isolation.sh: --settings is defaults or recommended" >&2; exit 2 ;; esac ;;
        --fresh) fresh=1 ;;
        --baseline) baseline=1 ;;
        --f18-tc) f18tc=1 ;;
        -h|--help) sed -n '2,/^set -uo/p' "$self" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "isolation.sh: unknown argument '$1' (F14..F18, F4, all, --repeat N, --tuned, --settings S, --fresh, --baseline, --f18-tc)" >&2; exit 2 ;;
    esac
    shift
done
if [ $settings = recommended ]; then
    [ $baseline = 0 ] || { echo "isolation.sh: --settings recommended needs sagent's isolation, not --baseline" >&2; exit 2; }
    tuned=1
    sagent_settings recommended
fi
[ ${#scenarios[@]} -gt 0 ] || scenarios=(F14 F15 F16 F17 F18 F4)

need_root_and_cluster isolation.sh
deb=$(newest_deb "$repo") || exit 2

stamp=$(date +%Y%m%d-%H%M%S)
results=$repo/fullstack/results
raw=$results/isolation-$stamp
table=$results/isolation-$stamp.md
mkdir -p "$raw"
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM
stop_bg() { cleanup; sleep 1; }

# --- set-up ---------------------------------------------------------------------------------
cluster_up isolation.sh $fresh

say "install $(basename "$deb") on both"
install_deb_if_needed "$deb"
want=$(dpkg-deb -f "$deb" Version)

if [ $baseline = 1 ]; then say "DRBD: as the test bed sets it up (no fencing, no handlers)$( [ $tuned = 1 ] && echo ", tuned: $TUNED_NET")"
else say "DRBD: fencing resource-and-stonith, sagent's handlers, after-sb policies$( [ $tuned = 1 ] && echo ", tuned: $TUNED_NET")"; fi
fencing=$((1 - baseline)) net=
[ $tuned = 1 ] && net=$TUNED_NET
apply_drbd_res $fencing "$net" || exit 1

say "Samba: the [durable] share (strict sync, sync always) on /srv/scluster/durable"
add_durable_share || exit 1

say "a state sampler for the guests (one line a second on the serial console, which survives a reset)"
smp=$(mktemp)
cat > "$smp" <<'EOF'
#!/bin/sh
# isolation-sampler SECONDS: once a second for SECONDS s, a line on the serial console (kept by the
# host across a reset): guest time, boot, public addresses held, DRBD state, fence record.
b=$(cut -c1-8 /proc/sys/kernel/random/boot_id)
i=0 n=$1
while [ $i -lt "$n" ]; do
    i=$((i + 1))
    t=$(date +%s%3N)
    a=$(ip -o -4 addr show dev eth1)
    h=
    case $a in *" 198.51.100.120/"*) h=198.51.100.120 ;; esac
    case $a in *" 198.51.100.121/"*) h=${h:+$h,}198.51.100.121 ;; esac
    d=
    while read -r l; do case $l in *cs:*) set -- $l; d="$2,$3,$4,${6:-}" ;; esac; done < /proc/drbd
    [ -e /var/lib/sagent/fenced ] && f=yes || f=no
    echo "ISOSAMPLE $t boot=$b addrs=$h drbd=$d fenced=$f"
    sleep 1
done
EOF
for n in s0 s1; do "$C" put $n "$smp" /root/isolation-sampler.sh >/dev/null || exit 2; done
rm -f "$smp"

say "the guests' journal kept on disk, synced every second (a reset node's last lines are read after it)"
journal_survives_reset || exit 2

say "sagent: /etc/sagent/sagent.yaml and a shared secret on both"
install_sagent_config $((1 - baseline)) || exit 2
out=$(g s0 'sagent check-config /etc/sagent/sagent.yaml 2>&1; echo "exit $?"')
printf '%s\n' "$out"
case $out in
    *"exit 0") ok "sagent check-config accepts the configuration" ;;
    *isolation*)
        bad "this .deb ($want) does not accept the isolation: section yet:" \
            "build the new one (mvn -q package -DskipTests), or run with --baseline"
        exit 1 ;;
    *) bad "sagent check-config refuses the configuration"; exit 1 ;;
esac


[ $settings = recommended ] && say "o2cb: heartbeat threshold $RECOMMENDED_THRESHOLD, o2net on the LAN (fullstack/o2cb-tuning.sh)"
o2cb_settings $settings || exit 1
say "start sagent on both and wait (at most ${READY_WAIT}s) until each serves its address"
for n in s0 s1; do g $n systemctl restart --no-block sagent; done
t0=$SECONDS
if wait_serving "$READY_WAIT"; then
    ok "both serving their home address (after $((SECONDS - t0))s)"
else
    bad "not serving within ${READY_WAIT}s: $why"
    for n in s0 s1; do g $n "systemctl status sagent --no-pager | head -12; journalctl -u sagent -b --no-pager | tail -15"; done
    exit 1
fi
if sagent_status_both; then
    ok "sagent status exit 0 on both"
else
    bad "sagent status not OK on both (exit $(cat "$raw/sagent-status-s0.rc") / $(cat "$raw/sagent-status-s1.rc"))"
    cat "$raw/sagent-status-s0.txt" "$raw/sagent-status-s1.txt"
    exit 1
fi

# --- one scenario ---------------------------------------------------------------------------
rows=()
block_o2net() {  # NODE add|del: drop tcp/7777 (o2net) both ways
    local n=$1 op=$2
    case $f18tool in
        nft)
            if [ "$op" = add ]; then
                local chain='nft add chain inet isolation' rule='nft add rule inet isolation' hooks drops
                hooks="$chain in '{ type filter hook input priority 0; }'; $chain out '{ type filter hook output priority 0; }'"
                drops="$rule in tcp dport 7777 drop; $rule in tcp sport 7777 drop"
                drops+="; $rule out tcp dport 7777 drop; $rule out tcp sport 7777 drop"
                g $n "nft add table inet isolation; $hooks; $drops"
            else g $n "nft delete table inet isolation"; fi ;;
        iptables)
            local a input output; [ "$op" = add ] && a=-I || a=-D
            input="iptables $a INPUT -p tcp" output="iptables $a OUTPUT -p tcp"
            g $n "$input --dport 7777 -j DROP; $input --sport 7777 -j DROP; $output --dport 7777 -j DROP; $output --sport 7777 -j DROP" ;;
        tc) block_o2net_tc $n "$(o2net_iface $n)" $op ;;
    esac
}
f18tool=
if grep -q '^nftables ' "$VMWORK/image/packages.txt" 2>/dev/null; then f18tool=nft
elif grep -q '^iptables ' "$VMWORK/image/packages.txt" 2>/dev/null; then f18tool=iptables
elif [ $f18tc = 1 ]; then f18tool=tc
fi

# Longest gap (s) between consecutive times (ms, one a line) within [FROM, TO] ms, the window's
# ends counting as times: gap_ms on stdin, in seconds.
longest_gap() { gap_ms - "$1" "$2" | awk '{ printf "%.2f", $1 / 1000 }'; }
# Console lines of NODE written since byte OFFSET.
console_since() { tail -c +"$(($2 + 1))" "$VMWORK/run/$1.console.log" 2>/dev/null | tr -d '\r'; }
# freeze NODE OFFSET UPTIME-AT-FAULT: "<freeze s> <suspended s after the fault>" from the first
# susp( 0 -> 1 ) after the fault to the next susp( 1 -> 0 ) of the same boot; "never" when it
# was not resumed in that boot, "-" when it was never suspended.
freeze() {
    console_since "$1" "$2" | awk -v f="$3" '
        /Linux version/ { if (s != "") stop = 1; else newboot = 1 }
        function up() { return match($0, /\[ *[0-9]+\.[0-9]+\]/) ? substr($0, RSTART + 1, RLENGTH - 2) + 0 : -1 }
        /susp\( 0 -> 1 \)/ && s == "" && !stop { s = up() }
        /susp\( 1 -> 0 \)/ && s != "" && r == "" && !stop { r = up() }
        END { if (s == "") { print "- -"; exit }
              d = (f > 0 && !newboot) ? sprintf("%.1f", s - f) : "?"
              if (r == "") print "never " d; else printf "%.1f %s\n", r - s, d }'
}

# clock NODE: appends "BOOT OFFSET-MS" (host minus guest clock) for NODE's current boot.
clock() {
    local t1 t2 out
    t1=$(now_ms); out=$(gt 30 $1 'echo $(cut -c1-8 /proc/sys/kernel/random/boot_id) $(date +%s%3N)'); t2=$(now_ms)
    [ -n "$out" ] && echo "$out" | awk -v m=$(( (t1 + t2) / 2 )) '{ print $1, m - $2 }' >> "$dir/clock.txt"
}
# states NODE OFFSET: the sampler's console lines as "HOST-MS NODE addrs=... drbd=... fenced=... boot=...".
states() {
    console_since "$1" "$2" | grep -a -o 'ISOSAMPLE [0-9]* boot=[0-9a-f]* addrs=[0-9.,]* drbd=[^ ]* fenced=[a-z]*' |
        awk -v n="$1" -v clk="$dir/clock.txt" '
            BEGIN { while ((getline l < clk) > 0) { split(l, f, " "); if (!(f[1] in off)) off[f[1]] = f[2] } }
            { b = substr($3, 6); if (!(b in off)) next; printf "%.0f %s %s %s %s %s\n", $2 + off[b], n, $4, $5, $6, $3 }'
}

run_scenario() {
    local sc=$1 rep=$2 tag=$1-$2 dir=$raw/$1-$2 sfail=0
    local n rdir until t_fault t_heal t_serving boot0 boot1 off0 off1 up0 up1 th0 th1 hold winner loser
    mkdir -p "$dir"
    say "$sc (run $rep): $(case $sc in
        F14) echo "replication cable cut on both ends, healed after ${CUT_HOLD}s" ;;
        F15) echo "power loss of s1, powered on after ${POWER_HOLD}s" ;;
        F16) echo "s1 loses its replication link and its LAN, healed after ${CUT_HOLD}s" ;;
        F17) echo "replication cable cut and back after 1s" ;;
        F18) echo "only o2net (tcp/7777) blocked on s1 ($f18tool)" ;;
        F4) echo "s1 hung (frozen, carriers up), thawed after ${FREEZE_HOLD}s" ;; esac)"
    if [ $sc = F18 ] && [ -z "$f18tool" ]; then
        echo "SKIP: F18 needs nft or iptables in the guests and the image has neither ($VMWORK/image/packages.txt);"
        echo "      --f18-tc blocks tcp/7777 with tc filters (iproute2) instead"
        rows+=("| $sc | $rep | skipped: no nft/iptables in the guest image (try --f18-tc) | | | | | | | |")
        return 0
    fi
    if [ $sc = F17 ] && [ $baseline = 0 ]; then
        # F17 is a cable back before the agent tells DRBD (isolation.drbd-disconnect-after, 1 s); the
        # test bed's cut and heal of both ends take about 2.3 s on these guests, so this round raises
        # it to F17_DISCONNECT_AFTER and puts the configuration back afterwards.
        DRBD_DISCONNECT_AFTER=$F17_DISCONNECT_AFTER install_sagent_config 1 &&
            for n in s0 s1; do g $n 'systemctl restart sagent'; done
    fi
    if ! wait_serving 300; then
        bad "$sc: the cluster is not serving before the fault: $why"
        rows+=("| $sc | $rep | not run: cluster not healthy before | | | | | | | |"); return 1
    fi
    boot0=$(g s0 cat /proc/sys/kernel/random/boot_id) boot1=$(g s1 cat /proc/sys/kernel/random/boot_id)
    for n in s0 s1; do
        g $n 'test ! -e /var/lib/sagent/fenced' || note "$n has a fence record before $sc"
    done
    off0=$(stat -c %s "$VMWORK/run/s0.console.log") off1=$(stat -c %s "$VMWORK/run/s1.console.log")
    # guest uptime <-> host time, to place the console's kernel times after the fault
    th0=$(now_ms); up0=$(g s0 "cut -d' ' -f1 /proc/uptime"); th0=$(( (th0 + $(now_ms)) / 2 ))
    th1=$(now_ms); up1=$(g s1 "cut -d' ' -f1 /proc/uptime"); th1=$(( (th1 + $(now_ms)) / 2 ))
    : > "$dir/clock.txt"
    clock s0; clock s1

    rdir=$stamp-$tag
    g s0 "mkdir -m 0777 /srv/scluster/durable/$rdir" || { bad "$sc: mkdir on the share"; return 1; }
    until=$(( $(date +%s) + 60 + CUT_HOLD + POWER_HOLD + HEAL_WAIT ))
    for a in $PUB0 $PUB1; do
        mkdir -p "$dir/$a"
        bg "$C" client "exec bash '$self' --writer $a '$dir/$a' $until '$rdir'"
        # no ping -w: with a deadline, iputils ping stops at its first error (an unanswered ARP)
        bg "$C" client "exec timeout --foreground $((until - $(date +%s))) ping -D -n -i 0.01 -W 1 $a > '$dir/ping-$a.txt' 2>&1"
    done
    local sampler="setsid sh /root/isolation-sampler.sh"
    for n in s0 s1; do
        g $n "$sampler $((until - $(date +%s))) > /dev/ttyS0 2>&1 < /dev/null & echo \$! > /run/isolation-sampler.pid"
    done
    sleep 20
    grep -q ' ack ' "$dir/$PUB0/log" && grep -q ' ack ' "$dir/$PUB1/log" || note "$sc: a writer has no acknowledged put after 20 s"

    t_fault=$(now_ms)
    case $sc in
        F14) "$C" cut s0 rep; "$C" cut s1 rep ;;
        F15) "$C" power-off s1 ;;
        F16) "$C" cut s1 rep; "$C" cut s1 lan ;;
        F17) "$C" cut s0 rep; "$C" cut s1 rep ;;
        F18) block_o2net s1 add && echo "tcp/7777 blocked on s1 at $(date +%T.%3N)" || bad "$sc: could not block o2net on s1" ;;
        F4) "$C" freeze s1 ;;
    esac
    case $sc in
        F14|F16) hold=$CUT_HOLD ;;
        F15) hold=$POWER_HOLD ;;
        F17) hold=1 ;;
        F18) hold=0 ;;
        F4) hold=$FREEZE_HOLD ;;
    esac
    sleep "$hold"
    if [ $sc = F18 ]; then
        # o2cb reboots s1 about 70-100 s after the block: wait (bounded) for the new boot, then lift
        # the block (a rebooted guest has no filters any more; lifting covers a node that did not reboot).
        local i b
        for ((i = 0; i < 200; i += 2)); do
            b=$(gt 10 s1 cat /proc/sys/kernel/random/boot_id 2>/dev/null)
            [ -n "$b" ] && [ "$b" != "$boot1" ] && break
            sleep 2
        done
        [ -n "$b" ] && [ "$b" != "$boot1" ] && note "s1 rebooted, seen $(secs "$t_fault" "$(now_ms)") s after the block" \
            || { note "s1 did not reboot within 200 s: lifting the block"; block_o2net s1 del; }
    fi
    t_heal=$(now_ms)
    case $sc in
        F14|F17) "$C" heal s0 rep; "$C" heal s1 rep ;;
        F15) "$C" power-on s1 ;;
        F16) "$C" heal s1 rep; "$C" heal s1 lan ;;
        F4) "$C" thaw s1 ;;
    esac
    if wait_serving "$HEAL_WAIT"; then
        t_serving=$(now_ms)
        ok "$sc: healthy again and both addresses home, $(secs "$t_fault" "$t_serving") s after the fault," \
            "$(secs "$t_heal" "$t_serving") s after the heal, no manual step"
    else
        t_serving=
        bad "$sc: not healthy with both addresses home within ${HEAL_WAIT}s of the heal: $why"
    fi
    if [ $sc = F17 ]; then sleep 60; fi  # DRBD pings every 10 s: give a late reaction time to show
    sleep 10  # writes after the return
    # The window ends before the writers and pings stop: the guests' commands below take seconds on
    # a loaded host, and the silence they would add at the end is not an outage.
    local t_end; t_end=$(now_ms)
    stop_bg
    for n in s0 s1; do
        gt 30 $n 'kill $(cat /run/isolation-sampler.pid 2>/dev/null) 2>/dev/null; rm -f /run/isolation-sampler.pid'; clock $n
    done
    "$C" status > "$dir/status-after.txt" 2>&1
    cat "$dir/status-after.txt"

    # the writes every client saw acknowledged: present, with their content, on both nodes
    local a acked=0 failed=0 bad0=0 bad1=0 exp got0 got1
    exp=$dir/expected.sha256
    : > "$exp"
    for a in $PUB0 $PUB1; do
        awk '$2 == "ack" { print $1 }' "$dir/$a/log" | while read -r k; do
            (cd "$dir/$a/files" && sha256sum "w-$a-$k")
        done >> "$exp"
        acked=$((acked + $(awk '$2 == "ack"' "$dir/$a/log" | wc -l)))
        failed=$((failed + $(awk '$2 == "fail"' "$dir/$a/log" | wc -l)))
    done
    for n in s0 s1; do
        gt 300 $n "cd /srv/scluster/durable/$rdir && sha256sum w-* 2>/dev/null" > "$dir/found-$n.sha256"
        LC_ALL=C sort -k2 "$dir/found-$n.sha256" -o "$dir/found-$n.sha256"
    done
    got0=$(LC_ALL=C sort -k2 "$exp" | LC_ALL=C join -1 2 -2 2 -o 1.1,2.1,0 -a 1 - "$dir/found-s0.sha256" |
        awk '$1 != $2' | tee "$dir/missing-s0.txt" | wc -l)
    got1=$(LC_ALL=C sort -k2 "$exp" | LC_ALL=C join -1 2 -2 2 -o 1.1,2.1,0 -a 1 - "$dir/found-s1.sha256" |
        awk '$1 != $2' | tee "$dir/missing-s1.txt" | wc -l)
    if [ "$acked" -gt 0 ] && [ "$got0" = 0 ] && [ "$got1" = 0 ]; then
        ok "$sc: all $acked acknowledged writes are on s0 and s1 with their content ($failed puts failed or timed out)"
    else
        bad "$sc: of $acked acknowledged writes, $got0 missing or different on s0, $got1 on s1 (see $dir/missing-*.txt)"
    fi
    grep -q 'cs:Connected ro:Primary/Primary ds:UpToDate/UpToDate' "$dir/status-after.txt" \
        && [ "$(grep -c 'ds:UpToDate/UpToDate' "$dir/status-after.txt")" = 2 ] \
        && ok "$sc: DRBD Connected, Primary/Primary, UpToDate/UpToDate on both" || bad "$sc: DRBD not Connected UpToDate/UpToDate on both"
    console_since s0 "$off0" | grep -a -v '^ISOSAMPLE' > "$dir/console-s0.txt"
    console_since s1 "$off1" | grep -a -v '^ISOSAMPLE' > "$dir/console-s1.txt"
    # the agents' journals from 30 s before the fault, a reset node's previous boot included (guest clocks)
    for n in s0 s1; do
        gt 60 $n "journalctl -u sagent -o short-precise --no-pager --since @$(( t_fault / 1000 - 30 ))" > "$dir/sagent-$n.txt" 2>&1
    done
    states s0 "$off0" > "$dir/state-s0.txt"
    states s1 "$off1" > "$dir/state-s1.txt"
    if grep -q -a 'Split-Brain detected' "$dir/console-s0.txt" "$dir/console-s1.txt"; then
        bad "$sc: DRBD split brain: $(grep -h -a 'Split-Brain detected' "$dir"/console-s*.txt | head -1)"
    else
        ok "$sc: no 'Split-Brain detected' in either kernel log"
    fi
    grep -q -a -E 'run fsck.ocfs2|ocfs2_abort|OCFS2: .*read-only' "$dir"/console-s*.txt &&
        bad "$sc: OCFS2 reported an error: $(grep -h -a -E 'run fsck.ocfs2|ocfs2_abort|read-only' "$dir"/console-s*.txt | head -1)"

    # who rebooted, who held what during the fault
    local nb0 nb1 rb=""
    nb0=$(g s0 cat /proc/sys/kernel/random/boot_id) nb1=$(g s1 cat /proc/sys/kernel/random/boot_id)
    [ "$nb0" != "$boot0" ] && rb="$rb s0"
    [ "$nb1" != "$boot1" ] && rb="$rb s1"
    rb=${rb# }
    cat "$dir/state-s0.txt" "$dir/state-s1.txt" | sort -n > "$dir/state.txt"
    local dup
    # "dup": an address another node held in its samples just before and just after this one
    # F16: s1's copies while its LAN is cut reach no client; only the time after the heal counts
    local dfrom=0; [ $sc = F16 ] && dfrom=$t_heal
    dup=$(awk -v from="$dfrom" '$1 >= from { t = $1; n = $2; a = ""; for (i = 3; i <= NF; i++) if ($i ~ /^addrs=/) a = substr($i, 7)
                 k = cnt[n]++; T[n, k] = t; A[n, k] = "," a "," }
        END { for (b in cnt) { o = (b == "s0") ? "s1" : "s0"
                for (k = 0; k < cnt[b]; k++) { c = split(substr(A[b, k], 2), l, ",")
                    for (j = 1; j <= c; j++) if (l[j] != "") { x = "," l[j] ","; p = -1; q = -1
                        for (m = 0; m < cnt[o]; m++) { if (T[o, m] <= T[b, k]) p = m; else { q = m; break } }
                        if (p >= 0 && q >= 0 && index(A[o, p], x) && index(A[o, q], x)) {
                            print l[j] " on " b " and " o " around " T[b, k]; exit } } } } }' "$dir/state.txt")
    [ -z "$dup" ] && ok "$sc: no public address on both nodes at once" || bad "$sc: an address held by both nodes: $dup"
    # the holder of each address at the end of the fault (last samples before the heal)
    local h0 h1
    holder() {
        awk -v a="$1" -v t="$2" '$1 <= t { for (i = 3; i <= NF; i++) if ($i ~ /^addrs=/) {
                s = "," substr($i, 7) ","; if (index(s, "," a ",")) h[$2] = $1; else delete h[$2] } }
            END { for (n in h) if (t - h[n] < 5000) r = r n; print (r == "") ? "nobody" : r }' "$dir/state.txt"
    }
    h0=$(holder $PUB0 "$t_heal") h1=$(holder $PUB1 "$t_heal")
    echo "before the heal: $PUB0 on $h0, $PUB1 on $h1; rebooted: ${rb:-nobody}"
    # the time each address moved to the other node after the fault (sample resolution ~1-2 s)
    local mv
    mv=$(awk -v f="$t_fault" '$1 >= f && $2 == "s0" && / addrs=[^ ]*198\.51\.100\.121/ { print $1; exit }' "$dir/state.txt")
    [ -n "$mv" ] && echo "$PUB1 seen on s0 $(secs "$t_fault" "$mv") s after the fault"
    mv=$(awk -v f="$t_fault" '$1 >= f && $2 == "s1" && / addrs=[^ ]*198\.51\.100\.120/ { print $1; exit }' "$dir/state.txt")
    [ -n "$mv" ] && echo "$PUB0 seen on s1 $(secs "$t_fault" "$mv") s after the fault"
    # the returning node's gate: no public address while its own disk is not UpToDate
    local gate
    gate=$(awk -v f="$t_fault" '$1 >= f { a = ""; d = ""
            for (i = 3; i <= NF; i++) { if ($i ~ /^addrs=/) a = substr($i, 7); if ($i ~ /^drbd=/) d = $i }
            if (a != "" && d !~ /ds:UpToDate\//) { print $2 " held " a " with " d " at " $1; exit } }' "$dir/state.txt")
    [ -z "$gate" ] && ok "$sc: no node held an address while its disk was not UpToDate" || bad "$sc: gate: $gate"

    case $sc in
        F14)
            winner=; loser=
            [ "$rb" = s0 ] && { winner=s1; loser=s0; }
            [ "$rb" = s1 ] && { winner=s0; loser=s1; }
            if [ -n "$winner" ]; then ok "$sc: exactly one node rebooted ($loser)"
            else bad "$sc: rebooted: '${rb:-nobody}' (expected exactly one)"; fi
            if [ -n "$winner" ] && [ "$h0" = "$winner" ] && [ "$h1" = "$winner" ]; then
                ok "$sc: $winner alone served both addresses at the end of the cut"
            elif [ -n "$winner" ] && grep -q "^[0-9]* $winner addrs=[^ ]*$PUB0,$PUB1 " "$dir/state.txt"; then
                bad "$sc: $winner took both addresses, but not before the heal (at the heal: $PUB0 on $h0, $PUB1 on $h1)"
            else bad "$sc: $winner never held both addresses (at the heal: $PUB0 on $h0, $PUB1 on $h1)"; fi ;;
        F15)
            winner=s0
            [ "$nb0" = "$boot0" ] && ok "$sc: s0 did not reboot" || bad "$sc: s0 rebooted"
            [ "$h0" = s0 ] && [ "$h1" = s0 ] && ok "$sc: s0 served both addresses while s1 was off" ||
                bad "$sc: while s1 was off $PUB0 was on $h0 and $PUB1 on $h1" ;;
        F16)
            winner=s0
            [ "$nb0" = "$boot0" ] && ok "$sc: s0 did not reboot" || bad "$sc: s0 rebooted"
            [ "$h0" = s0 ] && [ "$h1" = s0 ] && ok "$sc: s0 served both addresses while s1 was cut off" ||
                bad "$sc: while s1 was cut off $PUB0 was on $h0 and $PUB1 on $h1" ;;
        F17)
            winner=-
            [ -z "$rb" ] && ok "$sc: nobody rebooted (boot ids unchanged)" || bad "$sc: rebooted: $rb"
            grep -q 'fenced=yes' "$dir/state.txt" && bad "$sc: a fence record appeared: $(grep -m1 'fenced=yes' "$dir/state.txt")" \
                || ok "$sc: no fence record on either node at any sample"
            for n in s0 s1; do g $n 'test ! -e /var/lib/sagent/fenced' || bad "$sc: $n has /var/lib/sagent/fenced"; done ;;
        F4)
            winner=s0
            [ "$nb0" = "$boot0" ] && ok "$sc: s0 did not reboot" || bad "$sc: s0 rebooted"
            [ "$h0" = s0 ] && [ "$h1" = s0 ] && ok "$sc: s0 served both addresses while s1 was hung" ||
                bad "$sc: while s1 was hung $PUB0 was on $h0 and $PUB1 on $h1"
            # The thawed node must not write before it has resynced: had it written alone, DRBD
            # would have found both sides changed when they connected again (the split-brain
            # check above); its own I/O freeze after the thaw is printed with the numbers.
            echo "s1 after the thaw: rebooted: $([ "$nb1" != "$boot1" ] && echo yes || echo no)" ;;
        F18)
            winner=s0
            [ "$rb" = s1 ] && ok "$sc: o2cb rebooted s1 only" || bad "$sc: rebooted: '${rb:-nobody}' (expected s1)"
            mv=$(awk -v f="$t_fault" -v b="boot=${boot1:0:8}" '$1 >= f && $2 == "s1" && $NF == b { t = $1 } END { print t }' \
                "$dir/state.txt")
            local mv2
            mv2=$(awk -v f="$t_fault" '$1 >= f && $2 == "s0" && / addrs=[^ ]*198\.51\.100\.121/ { print $1; exit }' "$dir/state.txt")
            if [ -n "$mv" ] && [ -n "$mv2" ]; then
                echo "s1's last sample before its reboot: $(secs "$t_fault" "$mv") s after the block;" \
                    "$PUB1 on s0 $(secs "$mv" "$mv2") s after that"
            fi ;;
    esac
    for n in s0 s1; do
        wait_for $n "$sc: $n has no fence record once healthy" 'test ! -e /var/lib/sagent/fenced' 60 || true
    done

    # numbers
    local f0 f1 fz wf out0 out1 w0 w1 redund
    f0=$(freeze s0 "$off0" "$(awk -v u="$up0" -v th="$th0" -v tf="$t_fault" 'BEGIN { printf "%.3f", u + (tf - th) / 1000 }')")
    f1=$(freeze s1 "$off1" "$(awk -v u="$up1" -v th="$th1" -v tf="$t_fault" 'BEGIN { printf "%.3f", u + (tf - th) / 1000 }')")
    echo "I/O freeze (s, then when it began after the fault): s0: $f0; s1: $f1"
    case ${winner:-} in s0) fz=$f0 ;; s1) fz=$f1 ;; *) fz="s0 $f0 / s1 $f1" ;; esac
    wf=${fz%% *}; [ "$wf" = "-" ] && wf="none" || { [ "$wf" = never ] || wf="$wf s"; }
    [ "${winner:-}" = - ] || [ -z "${winner:-}" ] && wf="s0: ${f0%% *}, s1: ${f1%% *}"
    out0=$(awk '{ gsub(/[\[\]]/, "", $1); if ($0 ~ /bytes from/) printf "%.0f\n", $1 * 1000 }' "$dir/ping-$PUB0.txt" |
        longest_gap "$t_fault" "$t_end")
    out1=$(awk '{ gsub(/[\[\]]/, "", $1); if ($0 ~ /bytes from/) printf "%.0f\n", $1 * 1000 }' "$dir/ping-$PUB1.txt" |
        longest_gap "$t_fault" "$t_end")
    w0=$(awk '$2 == "ack" { print $3 }' "$dir/$PUB0/log" | longest_gap "$t_fault" "$t_end")
    w1=$(awk '$2 == "ack" { print $3 }' "$dir/$PUB1/log" | longest_gap "$t_fault" "$t_end")
    echo "longest ping gap: $PUB0 $out0 s, $PUB1 $out1 s; longest gap between acknowledged writes: $PUB0 $w0 s, $PUB1 $w1 s"
    [ -n "$t_serving" ] && redund="$(secs "$t_fault" "$t_serving") s ($(secs "$t_heal" "$t_serving") s after heal/return)" ||
        redund="not within ${HEAL_WAIT}s"
    local verdict; [ $sfail = 0 ] && verdict=PASS || verdict="FAIL ($sfail)"
    local row="| $sc | $rep | ${winner:-?} (rebooted: ${rb:-nobody}) | $wf | ${f0#* } / ${f1#* } | $out0 / $w0 | $out1 / $w1"
    rows+=("$row | $acked ack, $failed fail; missing s0 $got0, s1 $got1 | $redund | $verdict |")
    echo "$sc run $rep: $verdict"
    if [ $sc = F17 ] && [ $baseline = 0 ]; then
        install_sagent_config 1 && for n in s0 s1; do g $n 'systemctl restart sagent'; done
    fi
}

# A scenario named more than once (F16 F14 F16: the same fault between others) keeps counting its runs.
declare -A runs_of
for sc in "${scenarios[@]}"; do
    for ((r = 1; r <= repeat; r++)); do
        runs_of[$sc]=$((${runs_of[$sc]:-0} + 1))
        run_scenario "$sc" "${runs_of[$sc]}"
    done
done

if [ $settings = recommended ]; then
    settings_back_to_defaults || bad "could not put the defaults back (see $raw)"
fi

# --- results --------------------------------------------------------------------------------
drbd_setup=$( [ $baseline = 1 ] && echo "without fencing (--baseline)" || echo "fencing resource-and-stonith + sagent handlers")
drbd_timers=$( [ $tuned = 1 ] && echo ", tuned net: $TUNED_NET" || echo ", default DRBD timers")
[ $settings = recommended ] && drbd_timers+="; recommended settings: o2cb threshold $RECOMMENDED_THRESHOLD, handler deadline $RECOMMENDED_DEADLINE, peer-silence $RECOMMENDED_PEER_SILENCE"
{
    echo "# Isolation scenarios on the test VMs, $(date '+%F %T')"
    echo
    echo "sagent $want; DRBD $drbd_setup$drbd_timers; CUT_HOLD ${CUT_HOLD}s, POWER_HOLD ${POWER_HOLD}s. Raw logs: isolation-$stamp/."
    echo
    echo "| scenario | run | winner | winner's I/O freeze | suspended after the fault (s0 / s1, s) |" \
        "$PUB0 outage: ping / writes (s) | $PUB1 outage: ping / writes (s) | writes | full redundancy after the fault | result |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    printf '%s\n' "${rows[@]}"
    echo
    echo "Outage: the longest gap between ping replies (every 10 ms) and between acknowledged SMB writes from the fault to the end." \
        "Freeze: from DRBD's \`susp( 0 -> 1 )\` to \`susp( 1 -> 0 )\`" \
        "in the winner's kernel log (\"never\": not resumed before its reboot)." \
        "Full redundancy: \`cluster.sh status\` healthy and each address on its home node."
} > "$table"
say "results ($table)"
cat "$table"
say "result"
if [ $failures -eq 0 ]; then echo "all checks passed"; else echo "$failures check(s) failed"; fi
exit $((failures > 0))
