package org.sagent.agent;

import java.net.Inet4Address;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.metrics.AgentMetrics;
import org.sagent.netlink.packet.ArpConflictWatcher;
import org.sagent.netlink.packet.ArpPacket;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.RtNetlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Listens on each interface with IPv4 public addresses for another host claiming one this
 * node holds (F13 after the fact: a host configured by hand, a peer that thinks it is free).
 * Never fights: reports it once in the log, in status and in the conflict metrics.
 */
final class ConflictWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final List<ArpConflictWatcher> watchers = new ArrayList<>();

    private ConflictWatch() {
    }

    /**
     * @param clusterMacs the MAC addresses of the cluster's own nodes, now (any thread)
     * @param addresses   records the claim (thread-safe for this call)
     */
    static ConflictWatch start(List<PublicAddressSpec> publicAddresses, Supplier<Set<String>> clusterMacs,
                               AddressReconciler addresses, AgentMetrics metrics) {
        ConflictWatch watch = new ConflictWatch();
        Set<String> interfaces = publicAddresses.stream()
                .filter(a -> a.address().address() instanceof Inet4Address)
                .map(PublicAddressSpec::interfaceName).collect(Collectors.toCollection(TreeSet::new));
        HeldCache held = new HeldCache(publicAddresses);
        try (RtNetlink rt = RtNetlink.open()) {
            watch.watch(rt, interfaces, held, clusterMacs, addresses, metrics);
        } catch (RuntimeException e) {
            watch.close(); // the ones already listening: nobody else would close them
            throw e;
        }
        return watch;
    }

    private void watch(RtNetlink rt, Set<String> interfaces, HeldCache held, Supplier<Set<String>> clusterMacs,
                       AddressReconciler addresses, AgentMetrics metrics) {
        for (String name : interfaces) {
            Optional<Link> found = rt.link(name);
            if (found.isEmpty()) {
                log.warn("no interface {}: not watching it for address conflicts", name);
                continue;
            }
            watchers.add(ArpConflictWatcher.start(found.get(), held::ipv4, (address, claimedBy, packet) -> {
                if (packet.senderIp().equals(ArpPacket.UNSPECIFIED)) {
                    return; // a probe asks, it does not claim: a peer cut off on the replication link probes (F6)
                }
                if (clusterMacs.get().contains(claimedBy.toString())) {
                    return; // a node of this cluster: a duplicate its agents resolve (F4), not a foreign host
                }
                String key = AddressReconciler.key(address);
                if (!held.fresh().contains(key)) {
                    return; // released meanwhile: a peer taking it over is no conflict
                }
                if (addresses.claimedWhileHeld(key, claimedBy.toString())) {
                    metrics.conflict(key);
                    log.warn("conflict: {} ({}) claims {}, which this node holds on {}: not fighting it; "
                            + "find that host (a hand-configured address?) and remove the address there",
                            claimedBy, packet, address.getHostAddress(), name);
                }
            }));
        }
    }

    @Override
    public void close() {
        for (ArpConflictWatcher watcher : watchers) {
            try {
                watcher.close();
            } catch (RuntimeException e) {
                log.warn("while stopping: {}", e.toString());
            }
        }
    }

    /** This node's public addresses from the kernel, re-read at most every half second for the ARP watchers. */
    private static final class HeldCache {
        private final List<PublicAddressSpec> publicAddresses;
        private final Set<String> publicKeys;
        private Set<String> held = Set.of();
        private long readAt;

        HeldCache(List<PublicAddressSpec> publicAddresses) {
            this.publicAddresses = publicAddresses;
            this.publicKeys = publicAddresses.stream().map(a -> AddressReconciler.key(a.address().address()))
                    .collect(Collectors.toSet());
        }

        synchronized Set<Inet4Address> ipv4() {
            if (System.nanoTime() - readAt > 500_000_000L) {
                fresh();
            }
            Set<Inet4Address> v4 = new HashSet<>();
            for (PublicAddressSpec spec : publicAddresses) {
                if (spec.address().address() instanceof Inet4Address a && held.contains(AddressReconciler.key(a))) {
                    v4.add(a);
                }
            }
            return v4;
        }

        synchronized Set<String> fresh() {
            try (RtNetlink rt = RtNetlink.open()) {
                held = rt.addresses().stream().map(a -> AddressReconciler.key(a.address()))
                        .filter(publicKeys::contains).collect(Collectors.toSet());
            } catch (RuntimeException e) {
                held = Set.of();
            }
            readAt = System.nanoTime();
            return held;
        }
    }
}
