package org.sagent.agent;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.sagent.agent.config.NodeSpec;
import org.sagent.netlink.route.InterfaceAddress;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.RtNetlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which interfaces carry this node's replication and LAN addresses: the replication carrier
 * tells a dead peer fast, and the LAN interface is where the peers and witnesses are asked.
 *
 * @param replicationInterface the interface with the replication address; empty when the fast
 *                             peer-death path is off (an interface or the IPv4 LAN address is missing)
 * @param lanLink              the interface with the LAN address, if it is on one
 */
record OwnInterfaces(Optional<String> replicationInterface, Optional<Link> lanLink) {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration ADDRESS_WAIT = Duration.ofSeconds(30);

    /** Reads them from the kernel now. */
    static OwnInterfaces find(NodeSpec self) {
        String replication = null;
        Link lan = null;
        try (RtNetlink rt = RtNetlink.open()) {
            Map<Integer, Link> links = linksByIndex(rt);
            for (InterfaceAddress a : rt.addresses()) {
                Link link = links.get(a.interfaceIndex());
                if (link != null && a.address().equals(self.replicationAddress())) {
                    replication = link.name();
                }
                if (link != null && a.address().equals(self.lanAddress())) {
                    lan = link;
                }
            }
        }
        if (replication == null || lan == null || !(self.lanAddress() instanceof Inet4Address)) {
            log.warn("replication address on {}, LAN address on {}: peer death is detected by heartbeats only",
                    replication == null ? "no interface" : replication, lan == null ? "no interface" : lan.name());
            replication = null;
        }
        return new OwnInterfaces(Optional.ofNullable(replication), Optional.ofNullable(lan));
    }

    /**
     * At boot the agent may start before its interfaces are up: waits (bounded) until the
     * replication and LAN addresses sit on interfaces that are up, so the groups and the metrics endpoint can bind.
     */
    static void awaitAddresses(NodeSpec self) throws InterruptedException {
        long deadline = System.nanoTime() + ADDRESS_WAIT.toNanos();
        boolean logged = false;
        while (true) {
            try (RtNetlink rt = RtNetlink.open()) {
                Map<Integer, Link> links = linksByIndex(rt);
                boolean replication = false;
                boolean lan = false;
                for (InterfaceAddress a : rt.addresses()) {
                    Link link = links.get(a.interfaceIndex());
                    // IFF_RUNNING, not just the carrier bit: the JDK (and so JGroups) binds only to
                    // running interfaces, and the kernel sets it up to a second after the carrier.
                    boolean up = link != null && link.isUp() && (link.flags() & Link.IFF_RUNNING) != 0;
                    replication |= up && a.address().equals(self.replicationAddress());
                    lan |= up && a.address().equals(self.lanAddress());
                }
                if (replication && lan) {
                    return;
                }
                if (System.nanoTime() > deadline) {
                    log.warn("{} and {} still not on an interface that is up after {} s; starting anyway",
                            self.replicationAddress().getHostAddress(), self.lanAddress().getHostAddress(),
                            ADDRESS_WAIT.toSeconds());
                    return;
                }
                if (!logged) {
                    logged = true;
                    log.info("waiting for {} (replication) and {} (LAN) to be on interfaces that are up",
                            self.replicationAddress().getHostAddress(), self.lanAddress().getHostAddress());
                }
            }
            Thread.sleep(200);
        }
    }

    private static Map<Integer, Link> linksByIndex(RtNetlink rt) {
        Map<Integer, Link> links = new HashMap<>();
        rt.links().forEach(l -> links.put(l.index(), l));
        return links;
    }
}
