#!/usr/bin/env bash
# Installs the freshly built .deb on the reference cluster's two VMs (../shared/vm, see its
# README) and shows sagent under a real systemd, DRBD 8.4, OCFS2 and Samba:
#   - the package enables the unit but does not start it; the example config keeps it from starting;
#   - `systemctl start` returns (is-active: active) only after READY; `systemctl status` shows STATUS=;
#   - `journalctl -p warning` shows the warnings only;
#   - the hardened unit still adds addresses, sends ARP and writes the OCFS2 probe;
#   - `sagent status` works on both nodes; stopping the unit on one node hands its address over.
# Not part of `mvn verify` (the VMs take minutes to boot under emulation). Run as root from the
# repository: packaging/vm/systemd-check.sh. CLUSTER_SH names cluster.sh (default
# ../shared/vm/cluster.sh next to the repository). Exit 0 when every check passed.
set -uo pipefail
repo=$(cd "$(dirname "$(readlink -f "$0")")/../.." && pwd)
# the VM scripts' helpers (say, ok, bad, g, wait_for, need_root_and_cluster), cluster.sh as C,
# PUB0 and PUB1, the configuration writer
# shellcheck source=fullstack/lib.sh
. "$repo/fullstack/lib.sh"
failures=0

need_root_and_cluster systemd-check.sh
deb=$(ls -t "$repo"/packaging/target/sagent_*_all.deb 2>/dev/null | head -1)
if [ -z "$deb" ]; then
    (cd "$repo" && mvn -q package -DskipTests) || exit 1
    deb=$(ls -t "$repo"/packaging/target/sagent_*_all.deb | head -1)
fi

say "the cluster"
"$C" status || "$C" up || { echo "systemd-check.sh: cluster.sh up failed" >&2; exit 1; }

since=$(g s0 date '+%F %T')  # the journal of this run only
say "install $(basename "$deb") on both"
"$C" install-deb "$deb" || exit 1
for n in s0 s1; do
    [ "$(g $n systemctl is-enabled sagent)" = enabled ] && ok "$n: enabled by postinst" || bad "$n: not enabled"
    [ "$(g $n systemctl is-active sagent)" = inactive ] && ok "$n: not started by postinst" || bad "$n: started"
done
g s0 systemctl start sagent
g s0 "journalctl -u sagent --since '$since' --no-pager | grep -q 'is still the example the package installed'" \
    && ok "s0: the example config keeps the unit from starting, and the journal says why" \
    || bad "s0: no ExecCondition message"
g s0 "systemctl status sagent --no-pager | head -8"
[ "$(g s0 systemctl is-active sagent)" = inactive ] && ok "s0: still inactive" || bad "s0: started on the example"

say "a test configuration (public addresses from 198.51.100.0/24) and a shared secret"
cfg=$(mktemp)
# the test bed's configuration without isolation, with sagent's own failure timeout and ARP probe
write_sagent_config "$cfg" 0 vmcheck defaults
secret=$(head -c 32 /dev/urandom | base64)
for n in s0 s1; do
    "$C" put $n "$cfg" /etc/sagent/sagent.yaml >/dev/null
    g $n "umask 077; echo '$secret' > /etc/sagent/secret"
    g $n sagent check-config /etc/sagent/sagent.yaml
done
rm -f "$cfg"

say "start: active only after READY"
for n in s0 s1; do g $n systemctl start --no-block sagent; done
# s0's is-active every 0.2 s until it says active (5 minutes at most)
poll="for i in \$(seq 1 1500); do s=\$(systemctl is-active sagent); echo \$s; [ \$s = active ] && break; sleep 0.2; done"
states=$(g s0 "$poll" | uniq | paste -sd' ')
echo "s0 is-active while starting: $states"
case "$states" in
    *deactivating*|*failed*) bad "s0: the start failed or was retried: '$states'" ;;
    activating*active) ok "s0: activating until READY, then active" ;;
    *) bad "s0: states were '$states'" ;;
esac
g s0 "journalctl -u sagent --since '$since' -o short-precise --no-pager | grep -m1 -E 'running as s0'"
started="journalctl -u systemd -u init.scope --since '$since' -o short-precise --no-pager 2>/dev/null | grep -m1 'Started sagent'"
g s0 "$started || journalctl --since '$since' -o short-precise --no-pager | grep -m1 'Started sagent'"
wait_for s0 "s0 holds $PUB0" "ip -o addr show dev eth1 | grep -q ' $PUB0/'" 120
wait_for s1 "s1 holds $PUB1" "ip -o addr show dev eth1 | grep -q ' $PUB1/'" 120

say "systemctl status carries the gate's STATUS= text"
g s0 "systemctl status sagent --no-pager | head -12"
g s0 "systemctl status sagent --no-pager | grep -q '^ *Status: \"'" && ok "s0: Status: line present" || bad "s0: no Status: line"

say "sagent status on both"
for n in s0 s1; do
    g $n sagent status --timeout 30; rc=$?
    [ $rc -eq 0 ] && ok "$n: sagent status exit 0 (all OK)" || bad "$n: sagent status exit $rc"
done
g s0 "sagent status --timeout 30 | grep -E 'drbd|ocfs2|samba'"
g s0 "sagent status --timeout 30 --json | grep -A1 '\"name\" : \"ocfs2\"'" | grep -q '"healthy" : true' \
    && ok "s0: the OCFS2 write probe works under ProtectSystem=strict" || bad "s0: OCFS2 check not healthy"
g s0 "sagent status --timeout 30 --json | grep -A1 '\"name\" : \"drbd:sstorage\"'" | grep -q '"healthy" : true' \
    && ok "s0: drbdsetup works with the unit's capabilities" || bad "s0: DRBD check not healthy"

say "ARP from the hardened unit: the client learns the addresses' MACs, Samba answers on them"
"$C" client "ip neigh flush dev eth0; ping -c 2 -W 2 $PUB0 >/dev/null; ping -c 2 -W 2 $PUB1 >/dev/null; ip neigh show dev eth0"
"$C" client "smbclient -N //$PUB0/scluster -c 'ls' >/dev/null" && ok "client: the share answers on $PUB0" \
    || bad "client: no share on $PUB0"

say "journalctl -p warning filters by level"
# A foreign host claims s0's address: the agent logs a warning (and does not fight).
"$C" client "ip addr add $PUB0/24 dev eth0 && ping -c 1 -W 1 -I $PUB0 198.51.100.21 >/dev/null; ip addr del $PUB0/24 dev eth0"
sleep 2
g s0 "journalctl -u sagent --since '$since' -p warning --no-pager"
warn=$(g s0 "journalctl -u sagent --since '$since' -p warning --no-pager -o cat")
info=$(g s0 "journalctl -u sagent --since '$since' -p info --no-pager -o cat")
if printf '%s' "$warn" | grep -q 'conflict:' && ! printf '%s' "$warn" | grep -q 'took '"$PUB0" \
        && printf '%s' "$info" | grep -q 'took '"$PUB0"; then
    ok "s0: -p warning shows the conflict warning and not the info lines"
else
    bad "s0: journal priorities not as expected"
fi
g s0 "ip -o addr show dev eth1 | grep -q ' $PUB0/'" && ok "s0 kept $PUB0 (no fight)" || bad "s0 lost $PUB0"

say "systemctl stop sagent on s0 hands $PUB0 to s1"
g s0 systemctl stop sagent
wait_for s1 "s1 holds $PUB0" "ip -o addr show dev eth1 | grep -q ' $PUB0/'" 10
g s0 "ip -o addr show dev eth1 | grep -q ' $PUB0/'" && bad "s0 still has $PUB0" || ok "s0 released $PUB0"
g s1 sagent status --timeout 30
"$C" client "smbclient -N //$PUB0/scluster -c 'ls' >/dev/null" && ok "client: the share answers on $PUB0 via s1" \
    || bad "client: no share on $PUB0 after the hand-over"
g s0 "journalctl -u sagent --since '$since' --no-pager -o short-precise | tail -8"

say "start s0 again: failback after failback-delay"
g s0 systemctl start sagent
wait_for s0 "s0 holds $PUB0 again" "ip -o addr show dev eth1 | grep -q ' $PUB0/'" 90
g s1 "ip -o addr show dev eth1 | grep -q ' $PUB0/'" && bad "s1 still has $PUB0" || ok "s1 released $PUB0"

say "systemd-analyze on the installed units"
verify=$(g s0 "systemd-analyze verify --man=no sagent.service ctdb.service 2>&1; echo verify exit \$?")
printf '%s\n' "$verify"
printf '%s\n' "$verify" | grep -q "verify exit 0" \
    && ok "systemd-analyze verify: sagent.service and ctdb.service with its drop-in" || bad "systemd-analyze verify"
# o2cb.service is generated from /etc/init.d/o2cb at run time: the manager shows the drop-in on it.
g s0 "systemctl cat o2cb.service ctdb.service | grep -A3 50-sagent"
g s0 "systemctl show -p After o2cb.service" | grep -q drbd.service && ok "o2cb.service is ordered after drbd.service" \
    || bad "o2cb.service not after drbd.service"
g s0 "systemd-analyze security sagent.service --no-pager | tail -3"

say "result"
if [ $failures -eq 0 ]; then echo "all checks passed"; else echo "$failures check(s) failed"; fi
exit $((failures > 0))
