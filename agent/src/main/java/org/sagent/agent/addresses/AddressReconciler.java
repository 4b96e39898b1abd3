package org.sagent.agent.addresses;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;
import org.sagent.agent.config.AnnounceSettings;
import org.sagent.agent.config.ConnectionsSettings;
import org.sagent.agent.config.ProbeSettings;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.config.SagentConfig;
import org.sagent.agent.core.ReconcilePlan;
import org.sagent.netlink.Errno;
import org.sagent.netlink.NetlinkException;
import org.sagent.netlink.packet.AnnounceForm;
import org.sagent.netlink.packet.ArpChannel;
import org.sagent.netlink.packet.NeighbourDiscoveryChannel;
import org.sagent.netlink.packet.ProbeResult;
import org.sagent.netlink.packet.TcpTickle;
import org.sagent.netlink.route.DeleteResult;
import org.sagent.netlink.route.InterfaceAddress;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.RtNetlink;
import org.sagent.netlink.route.SockDiag;
import org.sagent.netlink.route.TcpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this node's interfaces match a {@link ReconcilePlan}: removes addresses, probes and
 * adds them, and announces every one it adds (in the background, so the agent's loop is not
 * held up). What the node holds is always read back from the kernel, never remembered.
 * Used from the agent's loop thread only.
 */
public final class AddressReconciler implements AddressPort, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AddressReconciler.class);
    /** How long a released address is advertised as released (a taker then needs no probe). */
    static final Duration RELEASED_MEMORY = Duration.ofSeconds(10);
    /** After a probe was answered, wait this long before probing again (F1, F13). */
    static final Duration PROBE_BACKOFF = Duration.ofSeconds(1);

    private final Map<String, PublicAddressSpec> addresses = new LinkedHashMap<>();
    private final AnnounceSettings announce;
    private final ProbeSettings probe;
    private final Clock clock;
    private final RtNetlink rtnetlink = RtNetlink.open();
    private final Map<String, Instant> released = new HashMap<>();
    private final Map<String, Instant> probeBlockedUntil = new HashMap<>();
    private final Map<String, String> conflicts = new HashMap<>();
    private final ExecutorService announcer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "announcer");
        thread.setDaemon(true);
        return thread;
    });

    private SockDiag sockDiag;
    /** Told how many announcement frames went out for an address (on the announcer thread). */
    private volatile ObjIntConsumer<String> announced = (address, frames) -> { };
    private boolean connectionsUnsupportedLogged;

    /** How long a passively seen claim stays in status. */
    private static final Duration CLAIM_MEMORY = Duration.ofMinutes(1);
    private final Map<String, Claim> claimedWhileHeld = new ConcurrentHashMap<>();

    public AddressReconciler(SagentConfig config, Clock clock) {
        for (PublicAddressSpec spec : config.publicAddresses()) {
            addresses.put(key(spec.address().address()), spec);
        }
        this.announce = config.announce();
        this.probe = config.probe();
        this.clock = clock;
        Set<String> interfaces = new LinkedHashSet<>();
        addresses.values().forEach(a -> interfaces.add(a.interfaceName()));
        for (String name : interfaces) {
            try {
                // A public address may be the primary of its subnet: deleting it must not take secondaries.
                rtnetlink.enablePromoteSecondaries(name);
            } catch (NetlinkException e) {
                log.warn("cannot set promote_secondaries on {}: {}", name, e.getMessage());
            }
        }
    }

    /** How addresses are named between nodes: the bare address as Java prints it. */
    public static String key(InetAddress address) {
        return address.getHostAddress();
    }

    /** The configured public addresses present on their interfaces now (kernel truth). */
    @Override
    public Set<String> held() {
        Set<String> held = new LinkedHashSet<>();
        Map<Integer, String> names = new HashMap<>();
        for (Link link : rtnetlink.links()) {
            names.put(link.index(), link.name());
        }
        for (InterfaceAddress a : rtnetlink.addresses()) {
            PublicAddressSpec spec = addresses.get(key(a.address()));
            if (spec != null && spec.interfaceName().equals(names.get(a.interfaceIndex()))) {
                held.add(key(a.address()));
            }
        }
        return held;
    }

    /** Addresses released within {@link #RELEASED_MEMORY}. */
    @Override
    public Set<String> recentlyReleased() {
        Instant now = clock.instant();
        released.values().removeIf(at -> Duration.between(at, now).compareTo(RELEASED_MEMORY) > 0);
        return Set.copyOf(released.keySet());
    }

    /** Address to "answered by MAC" for addresses someone outside our view holds. */
    @Override
    public Map<String, String> conflicts() {
        Map<String, String> all = new HashMap<>();
        Instant now = clock.instant();
        claimedWhileHeld.forEach((address, claim) -> {
            if (Duration.between(claim.at(), now).compareTo(CLAIM_MEMORY) <= 0) {
                all.put(address, claim.mac());
            }
        });
        all.putAll(conflicts);
        return Map.copyOf(all);
    }

    /**
     * Another host claimed {@code address} while this node held it (seen passively on the LAN).
     * Returns true when it is news (not the same claimant within the last minute), to report once.
     */
    public boolean claimedWhileHeld(String address, String mac) {
        Instant now = clock.instant();
        Claim previous = claimedWhileHeld.put(address, new Claim(mac, now));
        return previous == null || !previous.mac().equals(mac)
                || Duration.between(previous.at(), now).compareTo(CLAIM_MEMORY) > 0;
    }

    private record Claim(String mac, Instant at) {
    }

    /** Removes {@code address}; returns true if it was there. */
    @Override
    public boolean release(String address) {
        PublicAddressSpec spec = addresses.get(address);
        Link link = rtnetlink.requireLink(spec.interfaceName());
        boolean wasThere = rtnetlink.deleteAddress(link, spec.address().address(), spec.address().prefixLength())
                instanceof DeleteResult.Deleted;
        released.put(address, clock.instant());
        return wasThere;
    }

    /**
     * Resets the established TCP connections on {@code address} (sock_diag SOCK_DESTROY) while it
     * is still ours, so the kernel's resets reach the clients and they reconnect to the new
     * holder at once. Returns the ones reset, as "CLIENT-IP CLIENT-PORT SERVER-PORT"; none when
     * the kernel cannot (logged once).
     */
    @Override
    public List<String> killConnections(String address) {
        InetAddress ip = addresses.get(address).address().address();
        List<String> killed = new ArrayList<>();
        try {
            destroyEstablished(ip, (connection, destroyed) -> {
                if (destroyed) {
                    killed.add(clientOf(connection));
                }
            }, (connection, e) -> {
                if (e.errno() == Errno.EOPNOTSUPP || e.errno() == Errno.EPERM) {
                    throw e; // no connection can be reset: said once, below
                }
                log.info("could not reset {}: {}", connection, e.getMessage()); // this one only; go on
            });
            return killed;
        } catch (NetlinkException e) {
            if (!connectionsUnsupportedLogged) {
                connectionsUnsupportedLogged = true;
                log.warn("cannot reset the client connections on {}: {}; clients reconnect after their TCP "
                        + "timeouts instead", ip.getHostAddress(), e.getMessage());
            }
            return List.of();
        }
    }

    private SockDiag sockDiag() {
        if (sockDiag == null) {
            sockDiag = SockDiag.open();
        }
        return sockDiag;
    }

    /** A connection as the nodes publish it for tickles: "CLIENT-IP CLIENT-PORT SERVER-PORT". */
    public static String clientOf(TcpConnection connection) {
        return connection.remote().getHostAddress() + " " + connection.remotePort() + " " + connection.localPort();
    }

    /**
     * After {@link #release}: the connections still established on {@code address}, accepted
     * after {@link #killConnections} and before the address was gone. Their resets can no longer
     * leave this node (no route from an address it does not have), so a client that is waiting
     * for the server's first answer would wait for its own timeout; the new holder tickles them
     * instead. Each is destroyed here too, so the server process holding it is told at once.
     * Returns at most {@code max}, as "CLIENT-IP CLIENT-PORT SERVER-PORT"; empty when the kernel
     * cannot list them.
     */
    @Override
    public List<String> strandedClients(String address, int max) {
        InetAddress ip = addresses.get(address).address().address();
        List<String> stranded = new ArrayList<>();
        try {
            destroyEstablished(ip, (connection, destroyed) -> {
                if (stranded.size() < max) {
                    stranded.add(clientOf(connection));
                }
            }, (connection, e) -> log.debug("could not close the stranded {}: {}", connection, e.getMessage()));
        } catch (NetlinkException e) {
            log.debug("could not list the connections left on {}: {}", ip.getHostAddress(), e.getMessage());
        }
        return stranded;
    }

    /** What to do with one connection after asking the kernel to destroy it. */
    private interface Destroyed {
        void accept(TcpConnection connection, boolean destroyed);
    }

    /** What to do when one connection could not be destroyed; throwing stops the sweep. */
    private interface NotDestroyed {
        void accept(TcpConnection connection, NetlinkException e);
    }

    /**
     * Destroys (sock_diag SOCK_DESTROY) every TCP connection established on {@code ip}: the one
     * sweep behind {@link #killConnections} and {@link #strandedClients}, which differ only in
     * what they keep and how loudly they report a failure.
     */
    private void destroyEstablished(InetAddress ip, Destroyed then, NotDestroyed failed) {
        for (TcpConnection connection : sockDiag().establishedOn(ip)) {
            boolean destroyed;
            try {
                destroyed = sockDiag.destroy(connection);
            } catch (NetlinkException e) {
                failed.accept(connection, e);
                continue;
            }
            then.accept(connection, destroyed);
        }
    }

    /**
     * After the announcements (same thread, so they go first): tickle ACKs to the clients the
     * previous holder left on {@code address} ("CLIENT-IP CLIENT-PORT SERVER-PORT" each).
     * {@code sent} receives the number of tickles sent.
     */
    @Override
    public void tickleInBackground(String address, List<String> clients, IntConsumer sent) {
        PublicAddressSpec spec = addresses.get(address);
        announcer.execute(() -> {
            int count = 0;
            try (TcpTickle tickle = TcpTickle.from(
                    spec.address().address())) {
                // Rounds a little apart, so that one lost while the switch learns the new port is sent again.
                for (int round = 0; round < ConnectionsSettings.TICKLES; round++) {
                    if (round > 0) {
                        Thread.sleep(100);
                    }
                    for (String client : clients) {
                        String[] parts = client.split(" ");
                        InetAddress peer = InetAddress.getByName(parts[0]);
                        if (peer.getClass() == spec.address().address().getClass()) {
                            count += tickle.send(Integer.parseInt(parts[2]), peer, Integer.parseInt(parts[1]), 1,
                                    Duration.ZERO);
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.io.IOException | RuntimeException e) {
                log.warn("could not tickle the clients of {}: {}", spec.address(), e.getMessage());
            }
            sent.accept(count); // counted before the line that says so: a reader of both never sees them disagree
            if (count > 0) {
                log.info("tickled {} client connections of {} ({} ACKs): they reset and reconnect now",
                        count / ConnectionsSettings.TICKLES, spec.address(), count);
            }
        });
    }

    /** Probes (if asked), adds and announces {@code address}. */
    @Override
    public TakeOutcome take(ReconcilePlan.Take take) {
        String address = take.address();
        PublicAddressSpec spec = addresses.get(address);
        Instant now = clock.instant();
        Instant blocked = probeBlockedUntil.get(address);
        if (blocked != null && now.isBefore(blocked)) {
            return new TakeOutcome.Deferred(Duration.between(now, blocked));
        }
        Link link = rtnetlink.requireLink(spec.interfaceName());
        InetAddress ip = spec.address().address();
        if (take.probe()) {
            ProbeResult result = probe(link, ip, true);
            if (result instanceof ProbeResult.InUse inUse) {
                probeBlockedUntil.put(address, now.plus(PROBE_BACKOFF));
                String previous = conflicts.put(address, inUse.by().toString());
                if (!inUse.by().toString().equals(previous)) {
                    log.warn("not taking {} on {}: {} answers for it (a node whose agent died, or a foreign host); "
                            + "probing again every {} s", spec.address(), link.name(), inUse.by(),
                            PROBE_BACKOFF.toSeconds());
                }
                return new TakeOutcome.InUse(inUse.by().toString());
            }
        }
        conflicts.remove(address);
        probeBlockedUntil.remove(address);
        rtnetlink.addAddress(link, ip, spec.address().prefixLength(), Optional.empty());
        released.remove(address);
        announceInBackground(address);
        return new TakeOutcome.Taken(take.probe(), announce.count());
    }

    /** Asks the LAN whether another host answers for an address this node holds: the MAC if so. */
    @Override
    public Optional<String> answeredByAnother(String address) {
        PublicAddressSpec spec = addresses.get(address);
        // Only a host that uses the address counts here: a peer probing for it (it found our
        // kernel answering while we were frozen) is no reason to let go.
        ProbeResult result = probe(rtnetlink.requireLink(spec.interfaceName()), spec.address().address(), false);
        return result instanceof ProbeResult.InUse inUse ? Optional.of(inUse.by().toString()) : Optional.empty();
    }

    private ProbeResult probe(Link link, InetAddress ip, boolean othersProbingConflict) {
        if (ip instanceof Inet4Address v4) {
            try (ArpChannel arp = ArpChannel.open(link)) {
                return arp.probe(v4, probe.count(), probe.interval(), probe.answerWait(), othersProbingConflict);
            }
        }
        try (NeighbourDiscoveryChannel nd = NeighbourDiscoveryChannel.open(link)) {
            return nd.probe((Inet6Address) ip, probe.count(), probe.interval(), probe.answerWait(),
                    othersProbingConflict);
        }
    }

    /** Who counts the announcement frames sent. */
    public void onAnnounced(ObjIntConsumer<String> listener) {
        announced = listener;
    }

    /** This node's MAC addresses on the public-address interfaces (what its peers see in ARP). */
    @Override
    public Set<String> interfaceMacs() {
        Set<String> macs = new TreeSet<>();
        for (PublicAddressSpec spec : addresses.values()) {
            rtnetlink.link(spec.interfaceName()).flatMap(Link::mac).ifPresent(m -> macs.add(m.toString()));
        }
        return macs;
    }

    /** Forgets what a take-time probe found for {@code address}: a member holds it, or it was a member. */
    @Override
    public void clearTakeConflict(String address) {
        conflicts.remove(address);
    }

    /** Gratuitous ARP (both forms) or unsolicited neighbour advertisements, off the loop thread. */
    @Override
    public void announceInBackground(String address) {
        PublicAddressSpec spec = addresses.get(address);
        announcer.execute(() -> {
            try {
                Link link = rtnetlink.requireLink(spec.interfaceName());
                if (spec.address().address() instanceof Inet4Address v4) {
                    try (ArpChannel arp = ArpChannel.open(link)) {
                        announced.accept(address, arp.announce(v4, announce.count(), announce.interval(),
                                AnnounceForm.REQUEST, AnnounceForm.REPLY));
                    }
                } else {
                    try (NeighbourDiscoveryChannel nd = NeighbourDiscoveryChannel.open(link)) {
                        announced.accept(address, nd.advertise((Inet6Address) spec.address().address(),
                                announce.count(), announce.interval()));
                    }
                }
            } catch (NetlinkException e) {
                log.warn("could not announce {}: {}", spec.address(), e.getMessage());
            }
        });
    }

    public PublicAddressSpec spec(String address) {
        return addresses.get(address);
    }

    @Override
    public void close() {
        if (sockDiag != null) {
            sockDiag.close();
        }
        announcer.shutdown();
        rtnetlink.close();
    }

}
