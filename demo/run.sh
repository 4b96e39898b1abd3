#!/usr/bin/env bash
# sagent two-node demo on one machine, in network namespaces:
#   s0 and s1 (eth0: a direct replication cable; eth1: the LAN), a client on the LAN.
# Starts both agents, shows who holds what, cuts s0's power (agent killed, links down),
# shows s1 taking over and the outage the client saw, brings s0 back and shows the failback.
# Everything it creates is removed at the end, even on Ctrl-C. Run as root.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(dirname "$here")
prefix="sagentdemo$$"
work=$(mktemp -d "/tmp/${prefix}.XXXXXX")
pids=()
namespaces=()

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
    for pid in "${pids[@]:-}"; do
        [ -n "$pid" ] && kill -KILL "$pid" 2>/dev/null || true
    done
    for ns in "${namespaces[@]:-}"; do
        [ -n "$ns" ] && ip netns delete "$ns" 2>/dev/null || true
    done
    rm -rf "$work"
}
trap cleanup EXIT INT TERM

if [ "$(id -u)" != 0 ]; then
    echo "demo: run as root (it creates network namespaces): sudo $0" >&2
    exit 1
fi
for tool in ip ping java mvn; do
    command -v "$tool" >/dev/null ||
        { echo "demo: $tool is missing (apt-get install iproute2 iputils-ping openjdk-17-jdk-headless maven)" >&2; exit 1; }
done

jar="$repo/packaging/target/lib/sagent.jar"
if [ ! -f "$jar" ]; then
    say "building sagent (mvn package, tests skipped)"
    (cd "$repo" && mvn -q -DskipTests package)
fi
sagent() { SAGENT_JAR="$jar" sh "$repo/packaging/src/deb/bin/sagent" "$@"; }

say "network: s0 and s1 with a replication cable (192.0.2.0/24) and a LAN (198.51.100.0/24) with a client"
ns() { local name="${prefix}-$1"; ip netns add "$name"; namespaces+=("$name"); ip -n "$name" link set lo up; }
ns lan; ns s0; ns s1; ns client
ip -n "${prefix}-lan" link add br0 type bridge
ip -n "${prefix}-lan" link set br0 type bridge forward_delay 0 stp_state 0
ip -n "${prefix}-lan" link set br0 up
ip -n "${prefix}-s0" link add eth0 type veth peer name eth0 netns "${prefix}-s1"
i=0
for node in s0 s1 client; do
    ip -n "${prefix}-$node" link add eth1 type veth peer name "p$node" netns "${prefix}-lan"
    ip -n "${prefix}-lan" link set "p$node" master br0 up
    ip -n "${prefix}-$node" link set eth1 up
done
ip -n "${prefix}-s0" addr add 192.0.2.10/24 dev eth0; ip -n "${prefix}-s0" link set eth0 up
ip -n "${prefix}-s1" addr add 192.0.2.11/24 dev eth0; ip -n "${prefix}-s1" link set eth0 up
ip -n "${prefix}-s0" addr add 198.51.100.20/24 dev eth1
ip -n "${prefix}-s1" addr add 198.51.100.21/24 dev eth1
ip -n "${prefix}-client" addr add 198.51.100.100/24 dev eth1

head -c 32 /dev/urandom | base64 > "$work/secret"
chmod 600 "$work/secret"
cat > "$work/sagent.yaml" <<YAML
cluster: { name: demo, secret-file: $work/secret }
nodes:
  - { name: s0, replication-address: 192.0.2.10, lan-address: 198.51.100.20 }
  - { name: s1, replication-address: 192.0.2.11, lan-address: 198.51.100.21 }
public-addresses:
  - { address: 198.51.100.120/24, interface: eth1, home: s0 }
  - { address: 198.51.100.121/24, interface: eth1, home: s1 }
failover: { failback: auto, failback-delay: 5s }
health:
  interval: 500ms
  rise: 2
  scripts: [ { name: demo-health, command: [/bin/true] } ]
YAML
sagent check-config "$work/sagent.yaml"

start_agent() {
    local node=$1
    mkdir -p "$work/$node-run"
    # Each node's class-data archive in the demo's directory, not the machine's /var/cache/sagent.
    ip netns exec "${prefix}-$node" env SAGENT_JAR="$jar" SAGENT_CDS_ARCHIVE="$work/$node.jsa" \
        sh "$repo/packaging/src/deb/bin/sagent" run \
        --config "$work/sagent.yaml" --node "$node" --runtime-dir "$work/$node-run" --state-dir "$work/$node-state" \
        >>"$work/$node.log" 2>&1 &
    pids+=($!)
    eval "pid_$node=$!"
}

held() { ip -n "${prefix}-$1" -o -4 addr show dev eth1 | awk '{print $4}' | grep -E '^198\.51\.100\.12[01]/' | sort | tr '\n' ' '; }

status() {  # sagent status, asked on every node whose agent runs
    for node in s0 s1; do
        local pid_var="pid_$node"
        if [ -n "${!pid_var:-}" ] && kill -0 "${!pid_var}" 2>/dev/null; then
            echo "--- sagent status on $node"
            ip netns exec "${prefix}-$node" env SAGENT_JAR="$jar" sh "$repo/packaging/src/deb/bin/sagent" status \
                --runtime-dir "$work/$node-run" || true
        else
            echo "--- $node: agent not running; public addresses its kernel still has: $(held "$node")"
        fi
    done
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...
    local limit=$1 what=$2; shift 2
    local end=$((SECONDS + limit))
    until "$@"; do
        if [ $SECONDS -ge $end ]; then
            echo "demo: $what did not happen within ${limit}s; logs in $work" >&2; cat "$work"/*.log >&2; exit 1
        fi
        sleep 0.2
    done
}
holds() { [ "$(held "$1")" = "$2" ]; }

say "starting both agents"
start_agent s0
start_agent s1
wait_for 60 "each node holding its home address" holds s0 "198.51.100.120/24 "
wait_for 60 "each node holding its home address" holds s1 "198.51.100.121/24 "
status

say "the client pings 198.51.100.120 every 10 ms; now s0 loses power (agent killed, links down)"
ip netns exec "${prefix}-client" ping -D -O -n -i 0.01 198.51.100.120 >"$work/ping.log" 2>&1 &
ping_pid=$!
pids+=($ping_pid)
sleep 1
kill -KILL "$pid_s0"
ip -n "${prefix}-s0" link set eth1 down
ip -n "${prefix}-s0" link set eth0 down
wait_for 20 "s1 taking over" holds s1 "198.51.100.120/24 198.51.100.121/24 "
sleep 1
status
outage() {
    awk -F'[][]' '/bytes from/ { t = $2 + 0; if (prev && t - prev > max) max = t - prev; prev = t }
                  END { printf "%d", (max - 0.01) * 1000 }' "$work/ping.log"
}
echo "client outage on 198.51.100.120: $(outage) ms"

say "s0 comes back (rebooted: no public address), agent started; after its start-up gate and the 5 s failback delay, .120 goes home"
: >"$work/ping.log"
ip -n "${prefix}-s0" addr del 198.51.100.120/24 dev eth1
ip -n "${prefix}-s0" link set eth0 up
ip -n "${prefix}-s0" link set eth1 up
start_agent s0
wait_for 60 "failback to s0" holds s1 "198.51.100.121/24 "
wait_for 10 "failback to s0" holds s0 "198.51.100.120/24 "
sleep 1
status
echo "client outage on 198.51.100.120 during the failback: $(outage) ms"

kill "$ping_pid" 2>/dev/null || true
say "stopping both agents (they hand over and release their addresses); removing the namespaces"
kill -TERM "$pid_s0" "$pid_s1" 2>/dev/null || true
wait "$pid_s0" "$pid_s1" 2>/dev/null || true
echo "demo done"
