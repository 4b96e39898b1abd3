package org.sagent.netlink.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sagent.netlink.lab.NetnsLab;

/** rtnetlink on a real kernel: addresses, errors, the primary/secondary rules, events. */
class RtNetlinkIT {

    private static final Duration EVENT_WAIT = Duration.ofSeconds(5);

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    private NetnsLab.Netns a;
    private NetnsLab.Netns b;

    @BeforeEach
    void network() {
        a = lab.namespace("a");
        b = lab.namespace("b");
        lab.veth(a, "eth1", b, "eth1");
        lab.address(a, "eth1", "203.0.113.1/24");
        lab.address(b, "eth1", "203.0.113.2/24");
    }

    private List<String> kernelAddresses(NetnsLab.Netns ns) {
        return lab.ip(ns, "-o", "addr", "show", "dev", "eth1").stdout().lines().toList();
    }

    @Test
    void addsListsDeletesAndReAddsIpv4AndIpv6Addresses() throws Exception {
        DriverClient driver = DriverClient.start(lab, a);

        assertEquals("added", driver.one("add eth1 198.51.100.120/24"));
        assertEquals("already-present", driver.one("add eth1 198.51.100.120/24"));
        assertTrue(kernelAddresses(a).stream().anyMatch(l -> l.contains("inet 198.51.100.120/24 brd 198.51.100.255")),
                "the kernel shows the address with its broadcast: " + kernelAddresses(a));
        List<String> listed = driver.call("addresses");
        assertTrue(listed.stream().anyMatch(l -> l.matches("addr \\d+ 198\\.51\\.100\\.120/24 flags=0x80 label=eth1")),
                listed.toString());

        assertEquals("deleted", driver.one("del eth1 198.51.100.120/24"));
        assertEquals("not-present", driver.one("del eth1 198.51.100.120/24"));
        assertFalse(kernelAddresses(a).toString().contains("198.51.100.120"));
        assertEquals("added", driver.one("add eth1 198.51.100.120/24 eth1:pub"));
        assertTrue(driver.call("addresses").stream().anyMatch(l -> l.contains("198.51.100.120/24") && l.endsWith("label=eth1:pub")));

        assertEquals("added", driver.one("add eth1 2001:db8::120/64"));
        assertEquals("already-present", driver.one("add eth1 2001:db8::120/64"));
        String v6 = driver.call("addresses").stream().filter(l -> l.contains("2001:db8:0:0:0:0:0:120/64")).findFirst()
                .orElseThrow(() -> new AssertionError("IPv6 address not listed"));
        assertFalse(v6.contains("tentative"), "added without DAD, usable at once: " + v6);
        assertEquals("deleted", driver.one("del eth1 2001:db8::120/64"));
        assertEquals("not-present", driver.one("del eth1 2001:db8::120/64"));
    }

    @Test
    void errorsNameTheCallTheErrnoAndTheRemedy() throws Exception {
        DriverClient driver = DriverClient.start(lab, a);
        assertEquals("no-link", driver.one("link eth9"));
        assertEquals("error ENODEV looking up eth9: no interface eth9 in this network namespace: no such interface: "
                + "check the interface name in the configuration", driver.one("add eth9 198.51.100.120/24"));

        // The same driver without CAP_NET_ADMIN: root, but with the capability dropped from its bounding set.
        var unprivileged = lab.start(a, "setpriv", "--bounding-set=-net_admin", "--",
                ProcessHandle.current().info().command().orElse("java"), "-cp", System.getProperty("java.class.path"),
                NetlinkDriver.class.getName());
        unprivileged.awaitLine("ready"::equals, "'ready' from the unprivileged driver", Duration.ofSeconds(20));
        unprivileged.stdin().write("add eth1 198.51.100.120/24\n".getBytes());
        unprivileged.stdin().flush();
        String error = unprivileged.awaitLine(l -> l.startsWith("error") || l.equals("added"), "an answer",
                Duration.ofSeconds(10));
        assertEquals("error EPERM adding 198.51.100.120/24 to eth1: needs CAP_NET_ADMIN (and CAP_NET_RAW for packets): "
                + "run as root or grant them in the unit", error);
    }

    @Test
    void secondariesSurviveTheDeletionOfTheirPrimary() throws Exception {
        DriverClient driver = DriverClient.start(lab, a);
        // 203.0.113.1/24 is eth1's own address; a public address in the same subnet becomes secondary.
        assertEquals("added", driver.one("add eth1 203.0.113.120/24"));
        assertTrue(driver.call("addresses").stream().anyMatch(l -> l.contains("203.0.113.120/24") && l.contains(" secondary")));

        // The kernel's own rule, shown with the ip command: without promote_secondaries,
        // deleting the primary deletes its secondaries too.
        lab.exec(a, "sysctl", "-qw", "net.ipv4.conf.eth1.promote_secondaries=0").orFail("sysctl");
        lab.ip(a, "addr", "del", "203.0.113.1/24", "dev", "eth1");
        assertFalse(kernelAddresses(a).toString().contains("203.0.113.120"), "the kernel took the secondary along");

        // Our delete never does that: it turns promotion on first, so the secondary is promoted.
        lab.ip(a, "addr", "add", "203.0.113.1/24", "dev", "eth1");
        assertEquals("added", driver.one("add eth1 203.0.113.120/24"));
        assertEquals("deleted", driver.one("del eth1 203.0.113.1/24"));
        List<String> left = driver.call("addresses");
        assertTrue(left.stream().anyMatch(l -> l.contains("203.0.113.120/24") && !l.contains("secondary")),
                "promoted to primary: " + left);
        assertEquals("1", lab.exec(a, "sysctl", "-n", "net.ipv4.conf.eth1.promote_secondaries").stdout().strip());
    }

    @Test
    void deliversAddressLinkAndCarrierEvents() throws Exception {
        DriverClient driver = DriverClient.start(lab, a);
        assertEquals("events started", driver.one("events"));

        lab.ip(a, "addr", "add", "198.51.100.7/24", "dev", "eth1");
        driver.awaitAsync("event AddressAdded 198.51.100.7/24"::equals, "an AddressAdded event", EVENT_WAIT);
        lab.ip(a, "addr", "del", "198.51.100.7/24", "dev", "eth1");
        driver.awaitAsync("event AddressRemoved 198.51.100.7/24"::equals, "an AddressRemoved event", EVENT_WAIT);
        lab.ip(a, "addr", "add", "2001:db8::7/64", "dev", "eth1", "nodad");
        driver.awaitAsync("event AddressAdded 2001:db8:0:0:0:0:0:7/64"::equals, "an IPv6 AddressAdded event", EVENT_WAIT);

        // The far end of the cable goes down: our link stays up but loses carrier.
        lab.ip(b, "link", "set", "eth1", "down");
        driver.awaitAsync("event CarrierLost eth1"::equals, "a CarrierLost event", EVENT_WAIT);
        lab.ip(b, "link", "set", "eth1", "up");
        driver.awaitAsync("event CarrierRegained eth1"::equals, "a CarrierRegained event", EVENT_WAIT);

        lab.ip(a, "link", "set", "eth1", "down");
        driver.awaitAsync("event LinkDown eth1"::equals, "a LinkDown event", EVENT_WAIT);
        lab.ip(a, "link", "set", "eth1", "up");
        driver.awaitAsync("event LinkUp eth1"::equals, "a LinkUp event", EVENT_WAIT);

        lab.ip(a, "link", "add", "extra0", "type", "veth", "peer", "name", "extra1");
        driver.awaitAsync("event LinkAppeared extra0"::equals, "a LinkAppeared event", EVENT_WAIT);
        lab.ip(a, "link", "del", "extra0");
        driver.awaitAsync("event LinkRemoved extra0"::equals, "a LinkRemoved event", EVENT_WAIT);
    }

    @Test
    void resynchronisesWithAFullDumpAfterAnOverrun() throws Exception {
        DriverClient driver = DriverClient.start(lab, a);
        // A tiny receive buffer and a listener that stalls on its first event: the kernel must drop.
        assertEquals("events started", driver.one("events 1024 1500"));
        StringBuilder batch = new StringBuilder();
        for (int i = 1; i <= 200; i++) {
            batch.append("addr add 198.51.100.").append(i).append("/32 dev eth1\n");
        }
        java.nio.file.Path file = java.nio.file.Files.createTempFile("sagent-batch", ".ip");
        try {
            java.nio.file.Files.writeString(file, batch);
            lab.ip(a, "-batch", file.toString());
        } finally {
            java.nio.file.Files.delete(file);
        }
        driver.awaitAsync(l -> l.startsWith("event Resynchronised"), "a Resynchronised event", Duration.ofSeconds(10));
        // Nothing is lost: what the latest dump held plus what was announced after it covers all
        // 200 addresses (the dump may run while the batch is still being applied, and the tiny
        // buffer may overrun again, which brings a later dump), plus 127.0.0.1 and eth1's own
        // 203.0.113.1.
        String resync = "";
        long covered = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (covered < 202 && System.nanoTime() < deadline) {
            List<String> lines = driver.output();
            int latest = lastIndexOf(lines, l -> l.startsWith("event Resynchronised"));
            resync = lines.get(latest);
            long dumped = Integer.parseInt(resync.replaceAll(".*addresses=(\\d+).*", "$1"));
            long addedAfter = lines.subList(latest + 1, lines.size()).stream()
                    .filter(l -> l.matches("event AddressAdded 198\\.51\\.100\\.\\d+/32")).count();
            covered = dumped + addedAfter;
            Thread.sleep(20);
        }
        assertTrue(covered >= 202, "latest " + resync + ": " + covered + " addresses known, 202 expected");
    }

    private static int lastIndexOf(List<String> lines, java.util.function.Predicate<String> match) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (match.test(lines.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no matching line in " + lines);
    }

    @Test
    void listsEveryLinkOfADumpThatSpansSeveralDatagrams() throws Exception {
        for (int i = 0; i < 20; i++) {
            lab.ip(a, "link", "add", "va" + i, "type", "veth", "peer", "name", "vb" + i);
        }
        DriverClient driver = DriverClient.start(lab, a);
        List<String> links = driver.call("links");
        // lo, eth1 and 40 veth ends: far more than one datagram holds.
        assertEquals(42, links.size(), links.toString());
        for (int i = 0; i < 20; i++) {
            String name = "va" + i;
            assertTrue(links.stream().anyMatch(l -> l.split(" ")[2].equals(name)), name + " missing: " + links);
        }
    }
}
