# Shared by the scripts that drive the reference cluster's two VMs (../shared/vm): fullstack/'s
# and packaging/vm/systemd-check.sh. Output helpers, guest commands with host-side bounds,
# background helpers the caller can always end, and the test bed's sagent, DRBD and Samba set-up.
# Sourced, not run, by a script that has set repo (the repository) and, before it calls
# apply_drbd_res, install_sagent_config, wait_serving or sagent_status_both, raw (its result
# directory, where those keep what they wrote or saw).

# cluster.sh (CLUSTER_SH names another copy) and its work directory (VMWORK, cluster.sh's default)
C=${CLUSTER_SH:-$repo/../shared/vm/cluster.sh}
VMWORK=${VMWORK:-/var/tmp/sagent-vm}
export VMWORK
# README's DRBD timings for fast failover and isolation (--tuned)
TUNED_NET=${TUNED_NET:-ping-int 3; ping-timeout 10; timeout 25;}
# and the o2cb heartbeat threshold README recommends with isolation's default handler-deadline (30 s):
# 20 (38 s) outlasts the tuned DRBD detection (7 s) plus the deadline. Its 11 needs a deadline of 12 s
# or less, which the fence handler cannot meet on these guests (it starts in 13-25 s there).
TUNED_THRESHOLD=${TUNED_THRESHOLD:-20}
# What README and `sagent doctor` recommend now that sagent tells DRBD at once (budget.sh
# --settings recommended): threshold 11 (20 s) with a fence-peer handler deadline of 12 s.
RECOMMENDED_THRESHOLD=${RECOMMENDED_THRESHOLD:-11}
RECOMMENDED_DEADLINE=${RECOMMENDED_DEADLINE:-12s}
# isolation.handler-deadline written by write_sagent_config; empty: the agent's default (30 s)
HANDLER_DEADLINE=${HANDLER_DEADLINE:-}
# isolation.peer-silence written by write_sagent_config: the test bed's 6 s for its default runs (the
# figures in docs/ were measured with it), README's recommended 3 s with the recommended settings.
# With threshold 11 a survivor that keeps its replication carrier (this bed, when s1's NIC is cut)
# must find the silent peer, tell DRBD and win within o2hb's 20 s from the cut: 6 s left it 2-3 s
# of margin on the emulated guests (F16 reset the winner once), 3 s leaves it 5-6 s.
BED_PEER_SILENCE=6s
RECOMMENDED_PEER_SILENCE=${RECOMMENDED_PEER_SILENCE:-3s}
PEER_SILENCE=${PEER_SILENCE:-$BED_PEER_SILENCE}
# isolation.drbd-disconnect-after written by write_sagent_config; empty: the agent's default (1 s).
# isolation.sh's F17 round (the cable back before the agent tells DRBD) uses F17_DISCONNECT_AFTER,
# longer than the 2.3 s the test bed takes to cut and heal both ends.
DRBD_DISCONNECT_AFTER=${DRBD_DISCONNECT_AFTER:-}
F17_DISCONNECT_AFTER=${F17_DISCONNECT_AFTER:-5s}
PUB0=198.51.100.120
PUB1=198.51.100.121
WITNESS=198.51.100.100
failures=${failures:-0}
sfail=${sfail:-0}

say() { printf '\n=== %s\n' "$*"; }
ok() { printf 'PASS: %s\n' "$*"; }
bad() { printf 'FAIL: %s\n' "$*"; failures=$((failures + 1)); sfail=$((sfail + 1)); }
note() { printf 'NOTE: %s\n' "$*"; }
g() { "$C" exec "$@"; }
gt() { local t=$1; shift; timeout "$t" "$C" exec "$@"; }  # a guest command with a host-side bound
now_ms() { date +%s%3N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }  # ms -> s
# gap_ms FILE FROM TO: the longest silence (ms) in FILE's times (ms, first field) within
# [FROM, TO], the ends counting.
gap_ms() {
    awk -v from="$2" -v to="$3" '$1 >= from && $1 <= to { t[n++] = $1 }
        END { p = from; m = 0; for (i = 0; i < n; i++) { if (t[i] - p > m) m = t[i] - p; p = t[i] }
              if (to - p > m) m = to - p; print m }' "$1"
}
# ping_answers FILE: the times (ms) of the answers in FILE, the output of `ping -D`.
ping_answers() { sed -n 's/^\[\([0-9]*\)\.\([0-9]\{3\}\)[0-9]*\] .*bytes from.*/\1\2/p' "$1"; }

# wait_for NODE WHAT LINE [LIMIT]: waits (at most LIMIT s) until the shell line succeeds on NODE.
wait_for() {
    local node=$1 what=$2 line=$3 limit=${4:-60} t0=$SECONDS
    while [ $((SECONDS - t0)) -lt "$limit" ]; do
        if gt 20 "$node" "$line" >/dev/null 2>&1; then ok "$what (after $((SECONDS - t0))s)"; return 0; fi
        sleep 1
    done
    bad "$what (not within ${limit}s)"
    return 1
}

# bg CMD...: starts CMD in a process group of its own; cleanup ends every such group (and only those).
bgpids=()
bg() { setsid "$@" </dev/null >/dev/null 2>&1 & bgpids+=($!); }
cleanup() {
    local p
    for p in "${bgpids[@]}"; do kill -- "-$p" 2>/dev/null; done
    bgpids=()
}

# need_root_and_cluster NAME: exits 2, saying why, unless run as root with cluster.sh at $C; NAME
# (the calling script's) begins the message.
need_root_and_cluster() {
    [ "$(id -u)" = 0 ] || { echo "$1: run as root (the VMs need namespaces and qemu)" >&2; exit 2; }
    [ -x "$C" ] || { echo "$1: no cluster.sh at $C (set CLUSTER_SH)" >&2; exit 2; }
}
# cluster_up NAME FRESH: `cluster.sh up` when FRESH is 1 or `cluster.sh status` finds the cluster
# not healthy; exits 2 when that fails, NAME (the calling script's) beginning the message.
cluster_up() {
    say "the cluster"
    if [ "$2" = 1 ] || ! "$C" status; then
        "$C" up || { echo "$1: cluster.sh up failed" >&2; exit 2; }
    fi
}

# newest_deb REPO: the newest packaging/target/sagent_*_all.deb, or exit 2 saying how to build it.
newest_deb() {
    local d
    d=$(ls -t "$1"/packaging/target/sagent_*_all.deb 2>/dev/null | head -1)
    [ -n "$d" ] || { echo "no packaging/target/sagent_*_all.deb: build it first with 'mvn -q package -DskipTests'" >&2; exit 2; }
    echo "$d"
}

# install_deb_if_needed DEB: installs DEB on both guests unless that version is there already.
install_deb_if_needed() {
    local want have0 have1
    want=$(dpkg-deb -f "$1" Version)
    have0=$(g s0 "dpkg-query -W -f '\${Version}' sagent" 2>/dev/null)
    have1=$(g s1 "dpkg-query -W -f '\${Version}' sagent" 2>/dev/null)
    if [ "$have0" = "$want" ] && [ "$have1" = "$want" ]; then
        echo "sagent $want is installed on both"
    else
        "$C" install-deb "$1" || { echo "install-deb failed" >&2; exit 2; }
    fi
}

# write_drbd_res FILE FENCING NET: the test bed's sstorage resource
# (../shared/vm/guest/etc/drbd.d/sstorage.res); FENCING=1 adds what README's "Isolation" asks for
# (fencing resource-and-stonith, sagent's handlers, after-sb policies); NET is extra net options
# ("ping-int 3; ping-timeout 10;"), empty for DRBD's defaults.
write_drbd_res() {
    local file=$1 fencing=$2 net=$3 n
    {
        echo "# The test bed's sstorage (../shared/vm/guest/etc/drbd.d/sstorage.res) as fullstack/ runs it."
        echo "resource sstorage {"
        if [ "$fencing" = 1 ]; then
            printf '\tdisk {\n\t\tfencing resource-and-stonith;\n\t}\n'
            printf '\thandlers {\n'
            printf '\t\tfence-peer "/usr/bin/sagent fence-peer";\n'
            printf '\t\tunfence-peer "/usr/bin/sagent unfence-peer";\n'
            printf '\t\tafter-resync-target "/usr/bin/sagent after-resync-target";\n'
            printf '\t}\n'
        fi
        printf '\tstartup {\n\t\tbecome-primary-on both;\n\t}\n'
        printf '\tnet {\n\t\tallow-two-primaries;\n'
        [ "$fencing" = 1 ] && printf '\t\t%s;\n' 'after-sb-0pri discard-zero-changes' \
            'after-sb-1pri discard-secondary' 'after-sb-2pri disconnect'
        [ -n "$net" ] && printf '%s\n' "$net" | tr ';' '\n' | sed 's/^ *//; /^$/d; s/.*/\t\t&;/'
        printf '\t}\n'
        for n in 0 1; do
            printf '\ton s%d {\n\t\tdevice /dev/drbd0;\n\t\tdisk /dev/vdb;\n' $n
            printf '\t\taddress 192.0.2.1%d:7789;\n\t\tmeta-disk internal;\n\t}\n' $n
        done
        echo "}"
    } > "$file"
}

# apply_drbd_res FENCING NET: writes the resource on both guests and applies it (drbdadm adjust).
apply_drbd_res() {
    local res out n
    res=$(mktemp)
    write_drbd_res "$res" "$1" "$2"
    cp "$res" "$raw/sstorage.res"
    for n in s0 s1; do
        "$C" put $n "$res" /etc/drbd.d/sstorage.res >/dev/null || { rm -f "$res"; return 1; }
        out=$(g $n 'drbdadm adjust sstorage 2>&1; echo "exit $?"')
        case $out in
            *"exit 0") ok "$n: drbdadm adjust sstorage" ;;
            *) bad "$n: drbdadm adjust sstorage: $out"; rm -f "$res"; return 1 ;;
        esac
    done
    rm -f "$res"
    g s0 'drbdsetup show sstorage' > "$raw/drbdsetup-show-s0.txt" 2>&1
}

# journal_survives_reset: the guests' journald keeps the journal on disk and syncs it every
# second, so that what a node logged up to a reset (a loser's stand-down, the reboot's cause) can be
# read after it; the test bed's default keeps it in memory and a reset loses the last minutes.
journal_survives_reset() {
    local n
    for n in s0 s1; do
        gt 60 $n 'mkdir -p /etc/systemd/journald.conf.d &&
            printf "[Journal]\nStorage=persistent\nSyncIntervalSec=1s\n" > /etc/systemd/journald.conf.d/sync.conf &&
            systemctl restart systemd-journald' >/dev/null 2>&1 || { bad "$n: journald could not be set to keep its journal"; return 1; }
    done
}

# o2cb_settings defaults|recommended: o2cb's heartbeat as the settings want it
# (fullstack/o2cb-tuning.sh): `recommended` is threshold RECOMMENDED_THRESHOLD with o2net on the
# LAN, `defaults` the test bed's threshold 31 with o2net on the replication cable (left alone when
# it is already 31). Logs in $raw.
o2cb_settings() {
    if [ "$1" = recommended ]; then
        bash "$repo/fullstack/o2cb-tuning.sh" tuned "$RECOMMENDED_THRESHOLD" > "$raw/o2cb-tuning.log" 2>&1 ||
            { bad "o2cb tuning failed (see $raw/o2cb-tuning.log)"; return 1; }
    elif [ "$(gt 30 s0 'cat /sys/kernel/config/cluster/scluster/heartbeat/dead_threshold' 2>/dev/null)" != 31 ]; then
        bash "$repo/fullstack/o2cb-tuning.sh" default > "$raw/o2cb-default.log" 2>&1 ||
            { bad "o2cb defaults failed (see $raw/o2cb-default.log)"; return 1; }
    fi
}

# stack_settings defaults|recommended: DRBD (with sagent's fencing) and o2cb as the settings want
# them: `recommended` is README's "Tuning for fast failover" (DRBD's TUNED_NET, o2cb_settings
# recommended), `defaults` DRBD's own timers and the test bed's o2cb. sagent's handler deadline
# goes with the configuration: HANDLER_DEADLINE before install_sagent_config.
stack_settings() {
    if [ "$1" = recommended ]; then apply_drbd_res 1 "$TUNED_NET" || return 1
    else apply_drbd_res 1 "" || return 1; fi
    o2cb_settings "$1"
}

# sagent_settings defaults|recommended: the isolation settings install_sagent_config writes next:
# `recommended` is README's handler deadline (RECOMMENDED_DEADLINE) and peer-silence
# (RECOMMENDED_PEER_SILENCE), `defaults` the agent's deadline and the test bed's peer-silence.
sagent_settings() {
    if [ "$1" = recommended ]; then HANDLER_DEADLINE=$RECOMMENDED_DEADLINE PEER_SILENCE=$RECOMMENDED_PEER_SILENCE
    else HANDLER_DEADLINE= PEER_SILENCE=$BED_PEER_SILENCE; fi
}

# settings_back_to_defaults: what a run with the recommended settings puts back at its end, so the
# next script finds the test bed as it was: sagent's configuration without a handler deadline and
# with the bed's peer-silence, DRBD's timers, o2cb's threshold 31.
settings_back_to_defaults() {
    say "back to the test bed's defaults: DRBD timers, o2cb, the handler deadline, peer-silence"
    sagent_settings defaults && install_sagent_config 1 && stack_settings defaults
}

# add_durable_share: the [durable] share (strict sync, sync always: an acknowledged write is on
# stable storage) on /srv/scluster/durable, on both.
add_durable_share() {
    local share n append
    share=$(mktemp)
    cat > "$share" <<'EOF'

# Added by fullstack/: every acknowledged write is on stable storage.
[durable]
	path = /srv/scluster/durable
	guest ok = yes
	guest only = yes
	read only = no
	create mask = 0666
	directory mask = 0777
	strict sync = yes
	sync always = yes
EOF
    g s0 'mkdir -p /srv/scluster/durable && chmod 0777 /srv/scluster/durable' || { rm -f "$share"; return 1; }
    append="grep -q '^\[durable\]' /etc/samba/smb.conf || cat /root/durable-share.conf >> /etc/samba/smb.conf"
    for n in s0 s1; do
        "$C" put $n "$share" /root/durable-share.conf >/dev/null || { rm -f "$share"; return 1; }
        g $n "$append; testparm -s >/dev/null 2>&1 && systemctl reload smbd" \
            && ok "$n: [durable] in smb.conf, smbd reloaded" || { bad "$n: smb.conf or smbd reload"; rm -f "$share"; return 1; }
    done
    rm -f "$share"
}

# write_sagent_config FILE ISOLATION [NAME [TIMINGS]]: the test bed's /etc/sagent/sagent.yaml, for
# the cluster NAME (default scluster); ISOLATION=1 adds the isolation: section (the client
# namespace as witness). TIMINGS emulated (the default) sets failover's failure-timeout and the ARP
# probe for loaded emulated guests; defaults leaves both at sagent's (packaging/vm/systemd-check.sh).
write_sagent_config() {
    local name=${3:-scluster} timings=${4:-emulated}
    cat > "$1" <<YAML
cluster:
  name: $name
  port: 7800
  secret-file: /etc/sagent/secret
nodes:
  - { name: s0, replication-address: 192.0.2.10, lan-address: 198.51.100.20 }
  - { name: s1, replication-address: 192.0.2.11, lan-address: 198.51.100.21 }
public-addresses:
  - { address: $PUB0/24, interface: eth1, home: s0 }
  - { address: $PUB1/24, interface: eth1, home: s1 }
failover:
  failback: auto
  failback-delay: 5s
YAML
    if [ "$timings" != defaults ]; then
        cat >> "$1" <<YAML
  # The VMs are emulated (TCG) and the agents pause for a second or two under load: the default
  # 1 s would take a busy peer for dead.
  failure-timeout: 3s
# An emulated guest under load answers ARP in hundreds of ms: with the default 40 ms wait a probe of
# an address the peer still holds can come back clear (seen in F14: a 5 s duplicate while both froze).
probe: { count: 3, interval: 100ms, wait: 1s }
YAML
    fi
    cat >> "$1" <<YAML
health:
  # The VMs are emulated (TCG): forking systemctl or a JVM takes seconds there, not milliseconds.
  interval: 10s
  timeout: 8s
  drbd: { resources: [sstorage] }
  ocfs2: { mount: /srv/scluster, cluster: scluster }
  samba: { unit: smbd.service }
YAML
    if [ "$2" = 1 ]; then
        cat >> "$1" <<YAML
isolation:
  witnesses: [$WITNESS]
  witness-timeout: 1s
  peer-silence: $PEER_SILENCE
  tie-break: lowest-number
  action: reboot
YAML
        if [ -n "$HANDLER_DEADLINE" ]; then echo "  handler-deadline: $HANDLER_DEADLINE" >> "$1"; fi
        if [ -n "$DRBD_DISCONNECT_AFTER" ]; then echo "  drbd-disconnect-after: $DRBD_DISCONNECT_AFTER" >> "$1"; fi
    fi
}

# install_sagent_config ISOLATION: that configuration and a fresh shared secret on both guests.
install_sagent_config() {
    local cfg secret n
    cfg=$(mktemp) secret=$(mktemp)
    write_sagent_config "$cfg" "$1"
    cp "$cfg" "$raw/sagent.yaml"
    head -c 32 /dev/urandom | base64 > "$secret"
    for n in s0 s1; do
        "$C" put $n "$cfg" /etc/sagent/sagent.yaml >/dev/null && "$C" put $n "$secret" /etc/sagent/secret >/dev/null &&
            g $n 'chown root:root /etc/sagent/secret && chmod 600 /etc/sagent/secret' || { rm -f "$cfg" "$secret"; return 1; }
    done
    rm -f "$cfg" "$secret"
}

# o2net_iface NODE: the interface o2net runs on, as NODE's cluster.conf says: eth1 once
# o2cb-tuning.sh has moved it to the LAN addresses (198.51.100.x), eth0 (the replication cable) else.
# Prints nothing when NODE cannot be asked, so the caller fails rather than guessing.
o2net_iface() {
    gt 30 "$1" "if grep -q 'ip_address = 198\.51\.100\.' /etc/ocfs2/cluster.conf; then echo eth1; else echo eth0; fi" 2>/dev/null
}

# block_o2net_tc NODE IFACE add|del: drops tcp/7777 (o2net) both ways on IFACE with tc filters
# (iproute2: the guest image has neither nft nor iptables); gone by itself at a reboot.
block_o2net_tc() {
    local filter="tc filter add dev $2 \$d protocol ip u32 match ip protocol 6 0xff match ip \$m 7777 0xffff action drop"
    if [ "$3" = add ]; then
        g "$1" "tc qdisc add dev $2 clsact && for d in ingress egress; do for m in dport sport; do $filter || exit 1; done; done"
    else g "$1" "tc qdisc del dev $2 clsact"; fi
}

# holds NODE ADDR: whether NODE's eth1 carries ADDR.
holds() { gt 20 "$1" "ip -o addr show dev eth1 | grep -q ' $2/'" >/dev/null 2>&1; }
# addresses_home: each public address on its home node and only there.
addresses_home() {
    gt 20 s0 "ip -o addr show dev eth1 | grep -q ' $PUB0/' && ! ip -o addr show dev eth1 | grep -q ' $PUB1/'" >/dev/null 2>&1 &&
        gt 20 s1 "ip -o addr show dev eth1 | grep -q ' $PUB1/' && ! ip -o addr show dev eth1 | grep -q ' $PUB0/'" >/dev/null 2>&1
}
# wait_serving LIMIT: until `cluster.sh status` is healthy and both addresses are home; on failure
# $why says what was still wrong.
wait_serving() {
    local limit=$1 t0=$SECONDS
    why=
    while [ $((SECONDS - t0)) -lt "$limit" ]; do
        if ! timeout 60 "$C" status > "$raw/last-status.txt" 2>&1; then
            why="cluster.sh status: $(grep -v '^cluster.sh' "$raw/last-status.txt" | paste -sd';' -)"
        elif ! addresses_home; then why="a public address is not (only) on its home node"
        else why=; return 0; fi
        sleep 2
    done
    return 1
}
# wait_for_boot_ready NODE: until (at most HEAL_WAIT s) NODE's OCFS2 is mounted and smbd active,
# as after a power-on (resync first); a note when not.
wait_for_boot_ready() {
    local n=$1 i
    for ((i = 0; i < HEAL_WAIT; i += 3)); do
        gt 30 $n 'mountpoint -q /srv/scluster && systemctl is-active -q smbd' >/dev/null 2>&1 && return 0
        sleep 3
    done
    note "$n: OCFS2 or smbd not back within ${HEAL_WAIT}s"
}
# sagent_status_both: `sagent status` on both at once (a JVM start each: tens of seconds under
# emulation), into $raw/sagent-status-NODE.txt; true when both exit 0.
sagent_status_both() {
    local n rc0 rc1 pids=()
    for n in s0 s1; do
        (gt 300 $n sagent status --timeout 30 > "$raw/sagent-status-$n.txt" 2>&1; echo $? > "$raw/sagent-status-$n.rc") &
        pids+=($!)
    done
    wait "${pids[@]}"  # only these two: the background probes run on
    rc0=$(cat "$raw/sagent-status-s0.rc") rc1=$(cat "$raw/sagent-status-s1.rc")
    [ "$rc0" = 0 ] && [ "$rc1" = 0 ]
}
