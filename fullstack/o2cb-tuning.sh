#!/usr/bin/env bash
# Applies (or undoes) the o2cb part of README's "Tuning for fast isolation" on the reference
# cluster's two VMs (../shared/vm): o2net on the LAN addresses instead of the replication cable,
# and a shorter disk-heartbeat dead threshold. Changing either needs the cluster offline on both
# nodes, so this stops sagent, smbd and OCFS2 on both, edits, and starts everything again.
#   fullstack/o2cb-tuning.sh tuned [THRESHOLD]   o2net on eth1 (198.51.100.2x), threshold (default 11: 20 s)
#   fullstack/o2cb-tuning.sh default             the reference set-up: o2net on eth0, threshold 31 (60 s)
# Run as root from the repository; CLUSTER_SH names cluster.sh (default ../shared/vm/cluster.sh).
set -euo pipefail
repo=$(cd "$(dirname "$(readlink -f "$0")")/.." && pwd)
C=${CLUSTER_SH:-$repo/../shared/vm/cluster.sh}
mode=${1:-}
threshold=${2:-11}
case "$mode" in
    tuned) net0=198.51.100.20 net1=198.51.100.21 ;;
    default) net0=192.0.2.10 net1=192.0.2.11 threshold=31 ;;
    *) echo "usage: $0 tuned [THRESHOLD] | default" >&2; exit 2 ;;
esac
[[ $threshold =~ ^[0-9]+$ ]] || { echo "$0: THRESHOLD must be a number of 2 s heartbeats" >&2; exit 2; }
[ "$(id -u)" = 0 ] || { echo "$0: run as root (the VMs need namespaces and qemu)" >&2; exit 2; }

for n in s0 s1; do
    echo "== $n: stopping sagent, smbd and OCFS2"
    "$C" exec "$n" 'systemctl stop sagent smbd; umount /srv/scluster 2>/dev/null; systemctl stop ocfs2 o2cb; true'
done
for n in s0 s1; do
    echo "== $n: o2net on $net0/$net1, O2CB_HEARTBEAT_THRESHOLD=$threshold"
    "$C" exec "$n" "sed -i -e '/number = 0/,/name = s0/s/ip_address = .*/ip_address = $net0/' \
        -e '/number = 1/,/name = s1/s/ip_address = .*/ip_address = $net1/' /etc/ocfs2/cluster.conf && \
        sed -i 's/^O2CB_HEARTBEAT_THRESHOLD=.*/O2CB_HEARTBEAT_THRESHOLD=$threshold/' /etc/default/o2cb && \
        grep ip_address /etc/ocfs2/cluster.conf && grep THRESHOLD /etc/default/o2cb"
done
for n in s0 s1; do
    echo "== $n: starting o2cb, OCFS2, smbd, sagent"
    "$C" exec "$n" 'systemctl start o2cb ocfs2 && mountpoint -q /srv/scluster && systemctl start smbd sagent && \
        cat /sys/kernel/config/cluster/scluster/heartbeat/dead_threshold'
done
"$C" status
