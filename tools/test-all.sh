#!/usr/bin/env bash
# The whole test suite, README's second set-up command: installs what the tests need, then runs
# `mvn verify`. Runs as root on Debian 12 with Java 17 and Maven; safe to run again (installs
# only what is missing). Arguments go to Maven (e.g. -o, -Dit.test=StatusIT).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" != 0 ]; then
    echo "test-all: must run as root: it installs packages, and the network-namespace tests are part of the suite" >&2
    exit 1
fi

# iproute2: namespaces, veth, bridges for the kernel tests; iputils-ping and tcpdump: tests
# that check reachability and capture frames; curl scrapes the metrics endpoint; prometheus
# brings promtool, which checks the exposition and the alert rules; util-linux's setpriv runs
# a client as an unprivileged user; lintian checks the .deb and debootstrap makes the minimal
# Debian 12 tree it is installed into; samba and smbclient serve and use a share in the
# client-connection tests; the JDK and Maven build everything.
. tools/packages.sh
install_missing test-all openjdk-17-jdk-headless maven iproute2 iputils-ping tcpdump curl prometheus util-linux \
    lintian debootstrap samba smbclient
# Only the tools are wanted (promtool; smbd run by the tests in their own namespaces).
stop_started prometheus prometheus
stop_started smbd samba
stop_started nmbd samba

mvn verify "$@"
