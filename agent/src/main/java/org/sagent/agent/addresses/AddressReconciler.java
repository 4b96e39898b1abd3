package org.sagent.agent.addresses;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.time.Duration;
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
import org.sagent.agent.core.ReconcilePlan;
import org.sagent.agent.core.TakeProbe;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;
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
    /** The interfaces the public addresses live on, each once. */
    private final Set<String> interfaceNames = new LinkedHashSet<>();
    private final AnnounceSettings announce;
    private final ProbeSettings probe;
    /** Every interval here (release memory, probe back-off, claim memory) is on it, never on the wall clock. */
    private final MonotonicClock clock;
    private final RtNetlink rtnetlink;
    private final LanFrames frames;
    private final Map<String, MonotonicInstant> released = new HashMap<>();
    private final Map<String, MonotonicInstant> probeBlockedUntil = new HashMap<>();
    private final Map<String, String> conflicts = new HashMap<>();
    private final ExecutorService announcer = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "announcer");
        thread.setDaemon(true);
        return thread;
    });

    private final ConnectionResets resets = new ConnectionResets();
    /** Told how many announcement frames went out for an address (on the announcer thread). */
    private volatile ObjIntConsumer<String> announced = (address, frames) -> { };

    /** How long a passively seen claim stays in status. */
    private static final Duration CLAIM_MEMORY = Duration.ofMinutes(1);
    private final Map<String, Claim> claimedWhileHeld = new ConcurrentHashMap<>();

    /** The frames on the LAN: the duplicate-address probe and the announcement of a takeover. */
    interface LanFrames {
        /**
         * Asks whether a host answers for {@code ip} (RFC 5227 probe, or its IPv6 counterpart).
         *
         * @param othersProbingConflict another host probing for it at the same time counts as an answer
         */
        ProbeResult probe(Link link, InetAddress ip, boolean othersProbingConflict);

        /** Gratuitous ARP (both forms) or unsolicited neighbour advertisements; returns the frames sent. */
        int announce(Link link, InetAddress ip);
    }

    /** Over a netlink socket of its own, probing with real ARP and neighbour discovery frames. */
    public AddressReconciler(List<PublicAddressSpec> publicAddresses, AnnounceSettings announce, ProbeSettings probe,
                             MonotonicClock clock) {
        this(publicAddresses, announce, probe, clock, RtNetlink.open(), null);
    }

    /** @param frames null for the real ones, on packet sockets */
    AddressReconciler(List<PublicAddressSpec> publicAddresses, AnnounceSettings announce, ProbeSettings probe,
                      MonotonicClock clock, RtNetlink rtnetlink, LanFrames frames) {
        for (PublicAddressSpec spec : publicAddresses) {
            addresses.put(key(spec.address().address()), spec);
        }
        this.announce = announce;
        this.probe = probe;
        this.clock = clock;
        this.rtnetlink = rtnetlink;
        this.frames = frames != null ? frames : new LanFrames() {
            @Override
            public ProbeResult probe(Link link, InetAddress ip, boolean othersProbingConflict) {
                return probeOnTheLan(link, ip, othersProbingConflict);
            }

            @Override
            public int announce(Link link, InetAddress ip) {
                return announceOnTheLan(link, ip);
            }
        };
        addresses.values().forEach(a -> interfaceNames.add(a.interfaceName()));
        for (String name : interfaceNames) {
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
        // The configured interfaces looked up by name, not a dump of every link: this runs every
        // turn, and a server's other links (bonds, VLANs, bridges) each cost a kilobyte of stats.
        Map<Integer, String> names = new HashMap<>();
        for (String name : interfaceNames) {
            rtnetlink.link(name).ifPresent(link -> names.put(link.index(), name));
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
        MonotonicInstant now = clock.now();
        released.values().removeIf(at -> now.since(at).compareTo(RELEASED_MEMORY) > 0);
        return Set.copyOf(released.keySet());
    }

    /** Address to "answered by MAC" for addresses someone outside our view holds. */
    @Override
    public Map<String, String> conflicts() {
        Map<String, String> all = new HashMap<>();
        MonotonicInstant now = clock.now();
        claimedWhileHeld.forEach((address, claim) -> {
            if (now.since(claim.at()).compareTo(CLAIM_MEMORY) <= 0) {
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
        MonotonicInstant now = clock.now();
        Claim previous = claimedWhileHeld.put(address, new Claim(mac, now));
        return previous == null || !previous.mac().equals(mac) || now.since(previous.at()).compareTo(CLAIM_MEMORY) > 0;
    }

    private record Claim(String mac, MonotonicInstant at) {
    }

    /** Removes {@code address}; returns true if it was there. */
    @Override
    public boolean release(String address) {
        PublicAddressSpec spec = addresses.get(address);
        Link link = rtnetlink.requireLink(spec.interfaceName());
        boolean wasThere = rtnetlink.deleteAddress(link, spec.address().address(), spec.address().prefixLength())
                instanceof DeleteResult.Deleted;
        released.put(address, clock.now());
        return wasThere;
    }

    /**
     * Resets the established TCP connections on {@code address} while it is still ours, so the
     * kernel's resets reach the clients and they reconnect to the new holder at once.
     */
    @Override
    public List<String> killConnections(String address) {
        return resets.kill(addresses.get(address).address().address());
    }

    /** A connection as the nodes publish it for tickles: "CLIENT-IP CLIENT-PORT SERVER-PORT". */
    public static String clientOf(TcpConnection connection) {
        return ConnectionResets.clientOf(connection);
    }

    /** After {@link #release}: the connections that reached {@code address} while it was being released. */
    @Override
    public List<String> strandedClients(String address, int max) {
        return resets.stranded(addresses.get(address).address().address(), max);
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

    /**
     * Probes (if asked), adds and announces {@code address}. An answer found by the peer check's
     * round counts as this probe's answer: not taken, reported, probed again after the back-off.
     */
    @Override
    public TakeOutcome take(ReconcilePlan.Take take) {
        String address = take.address();
        PublicAddressSpec spec = addresses.get(address);
        MonotonicInstant now = clock.now();
        MonotonicInstant blocked = probeBlockedUntil.get(address);
        if (blocked != null && now.isBefore(blocked)) {
            return new TakeOutcome.Deferred(blocked.since(now));
        }
        Link link = rtnetlink.requireLink(spec.interfaceName());
        InetAddress ip = spec.address().address();
        Optional<String> answeredBy = Optional.empty();
        if (take.probing() instanceof TakeProbe.AnsweredInPeerCheck answered) {
            answeredBy = Optional.of(answered.mac()); // the round was this take's probe: its answer counts as one
        } else if (take.probe() && frames.probe(link, ip, true) instanceof ProbeResult.InUse inUse) {
            answeredBy = Optional.of(inUse.by().toString());
        }
        if (answeredBy.isPresent()) {
            probeBlockedUntil.put(address, now.plus(PROBE_BACKOFF));
            String previous = conflicts.put(address, answeredBy.get());
            if (!answeredBy.get().equals(previous)) {
                log.warn("not taking {} on {}: {} answers for it{} (a node whose agent died, or a foreign host); "
                        + "probing again every {} s", spec.address(), link.name(), answeredBy.get(),
                        take.probe() ? "" : " in the peer check's ARP round", PROBE_BACKOFF.toSeconds());
            }
            return new TakeOutcome.InUse(answeredBy.get());
        }
        conflicts.remove(address);
        probeBlockedUntil.remove(address);
        rtnetlink.addAddress(link, ip, spec.address().prefixLength(), Optional.empty());
        released.remove(address);
        announceInBackground(address);
        return new TakeOutcome.Taken(!(take.probing() instanceof TakeProbe.Released), announce.count());
    }

    /** Asks the LAN whether another host answers for an address this node holds: the MAC if so. */
    @Override
    public Optional<String> answeredByAnother(String address) {
        PublicAddressSpec spec = addresses.get(address);
        // Only a host that uses the address counts here: a peer probing for it (it found our
        // kernel answering while we were frozen) is no reason to let go.
        ProbeResult result = frames.probe(rtnetlink.requireLink(spec.interfaceName()), spec.address().address(), false);
        return result instanceof ProbeResult.InUse inUse ? Optional.of(inUse.by().toString()) : Optional.empty();
    }

    private ProbeResult probeOnTheLan(Link link, InetAddress ip, boolean othersProbingConflict) {
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

    private int announceOnTheLan(Link link, InetAddress ip) {
        if (ip instanceof Inet4Address v4) {
            try (ArpChannel arp = ArpChannel.open(link)) {
                return arp.announce(v4, announce.count(), announce.interval(), AnnounceForm.REQUEST,
                        AnnounceForm.REPLY);
            }
        }
        try (NeighbourDiscoveryChannel nd = NeighbourDiscoveryChannel.open(link)) {
            return nd.advertise((Inet6Address) ip, announce.count(), announce.interval());
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
                announced.accept(address, frames.announce(link, spec.address().address()));
            } catch (NetlinkException e) {
                log.warn("could not announce {}: {}", spec.address(), e.getMessage());
            }
        });
    }

    @Override
    public void close() {
        resets.close();
        announcer.shutdown();
        rtnetlink.close();
    }

}
