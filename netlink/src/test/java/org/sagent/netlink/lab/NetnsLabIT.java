package org.sagent.netlink.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The namespace fixture itself: it builds working networks and always removes them. */
class NetnsLabIT {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    private static boolean namespaceExists(String name) {
        return NetnsLab.run("ip", "netns", "list").stdout().lines().anyMatch(l -> l.split(" ")[0].equals(name));
    }

    @Test
    void twoNamespacesTalkOverAVethPair() throws Exception {
        NetnsLab.Netns a = lab.namespace("a");
        NetnsLab.Netns b = lab.namespace("b");
        lab.veth(a, "eth0", b, "eth0");
        lab.address(a, "eth0", "192.0.2.1/24");
        lab.address(b, "eth0", "192.0.2.2/24");

        LabProcess server = lab.startJava(b, UdpEcho.class, "server", "192.0.2.2", "7000");
        server.awaitLine("listening"::equals, "'listening' from the server", Duration.ofSeconds(20));
        NetnsLab.Result client = lab.execJava(a, UdpEcho.class, "client", "192.0.2.2", "7000", "hello");

        assertEquals(0, client.exitCode(), client.stderr());
        assertEquals("echo hello from 192.0.2.1", client.stdout().strip());
        assertEquals(0, server.awaitExit(Duration.ofSeconds(10)));
    }

    @Test
    void namespacesOnABridgeReachEachOtherButNotTheRootNamespace() {
        NetnsLab.Netns lan = lab.bridge("lan");
        NetnsLab.Netns x = lab.namespace("x");
        NetnsLab.Netns y = lab.namespace("y");
        lab.plug(x, "eth1", lan);
        lab.plug(y, "eth1", lan);
        lab.address(x, "eth1", "198.51.100.1/24");
        lab.address(y, "eth1", "198.51.100.2/24");

        NetnsLab.Result ping = lab.exec(x, "ping", "-c", "1", "-W", "2", "198.51.100.2");
        assertEquals(0, ping.exitCode(), "ping over the bridge: " + ping);
        // The namespaces hold every interface: the root namespace gained none.
        String rootLinks = NetnsLab.run("ip", "-o", "link", "show").stdout();
        assertFalse(rootLinks.contains(lan.name()) || rootLinks.matches("(?s).*\\bp\\d+[xy]\\b.*"), rootLinks);
    }

    @Test
    void closingRemovesNamespacesAndEndsProcessesEvenAfterAFailure() throws Exception {
        NetnsLab own = new NetnsLab();
        NetnsLab.Netns ns;
        LabProcess sleeper;
        try {
            ns = own.namespace("c");
            sleeper = own.start(ns, "sleep", "60");
            assertTrue(namespaceExists(ns.name()));
            assertTrue(sleeper.isAlive());
            assertThrows(IllegalStateException.class, () -> own.ip(ns, "link", "set", "nosuchdev", "up"));
        } finally {
            own.close();
        }
        assertFalse(namespaceExists(ns.name()), "namespace left behind");
        assertFalse(sleeper.isAlive(), "process left running");
    }

    @Test
    void refusesAddressesOutsideTheDocumentationRanges() {
        NetnsLab.Netns a = lab.namespace("r");
        assertThrows(IllegalArgumentException.class, () -> lab.address(a, "lo", "10.0.0.1/24"));
    }
}
