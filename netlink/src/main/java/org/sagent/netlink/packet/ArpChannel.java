package org.sagent.netlink.packet;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.sagent.netlink.MacAddress;
import org.sagent.netlink.NetlinkException;
import org.sagent.netlink.WakeUp;
import org.sagent.netlink.route.Link;

/**
 * ARP on one interface: gratuitous announcements, RFC 5227 probes, liveness requests, and both
 * at once in one round.
 * Not thread-safe: give each thread its own channel (they are cheap).
 */
public final class ArpChannel implements AutoCloseable {

    private final Link link;
    private final MacAddress mac;
    private final PacketSocket socket;

    private ArpChannel(Link link, MacAddress mac) {
        this.link = link;
        this.mac = mac;
        this.socket = new PacketSocket(link.index(), link.name(), PacketSocket.ETH_P_ARP);
    }

    /** Opens a channel on {@code link}, which must have an Ethernet address. */
    public static ArpChannel open(Link link) {
        MacAddress mac = link.mac().filter(m -> !m.equals(MacAddress.ZERO)).orElseThrow(() -> new NetlinkException(
                "ARP on " + link.name() + ": the interface has no Ethernet address"));
        return new ArpChannel(link, mac);
    }

    public MacAddress mac() {
        return mac;
    }

    /** One gratuitous ARP for {@code address} in the given form, broadcast. */
    public void announce(Inet4Address address, AnnounceForm form) {
        ArpPacket packet = form == AnnounceForm.REQUEST
                ? new ArpPacket(MacAddress.BROADCAST, mac, ArpPacket.REQUEST, mac, address, MacAddress.ZERO, address)
                : new ArpPacket(MacAddress.BROADCAST, mac, ArpPacket.REPLY, mac, address, mac, address);
        socket.send(packet.encode(), MacAddress.BROADCAST, "sending gratuitous ARP for " + address.getHostAddress()
                + " on " + link.name());
    }

    /**
     * {@code count} rounds of announcements, {@code interval} apart; each round sends the forms
     * given. Returns the number of frames sent.
     */
    public int announce(Inet4Address address, int count, Duration interval, AnnounceForm... forms) {
        int sent = 0;
        for (int i = 0; i < count; i++) {
            if (i > 0) {
                sleep(interval);
            }
            for (AnnounceForm form : forms) {
                announce(address, form);
                sent++;
            }
        }
        return sent;
    }

    /**
     * RFC 5227 probe: {@code count} requests from 0.0.0.0 asking for {@code address},
     * {@code interval} apart, then listening {@code wait} more. Anyone else who claims the
     * address (a reply, a request or an announcement with it as sender) or probes for it too
     * makes it {@link ProbeResult.InUse}.
     */
    public ProbeResult probe(Inet4Address address, int count, Duration interval, Duration wait) {
        return probe(address, count, interval, wait, true);
    }

    /**
     * As {@link #probe(Inet4Address, int, Duration, Duration)}; with {@code othersProbingConflict}
     * false, only a host that uses the address counts, not one that merely probes for it (a
     * holder checking for a duplicate must not yield to a newcomer's probe).
     */
    public ProbeResult probe(Inet4Address address, int count, Duration interval, Duration wait,
                             boolean othersProbingConflict) {
        ArpPacket probe = new ArpPacket(MacAddress.BROADCAST, mac, ArpPacket.REQUEST, mac, ArpPacket.UNSPECIFIED,
                MacAddress.ZERO, address);
        for (int i = 0; i < count; i++) {
            socket.send(probe.encode(), MacAddress.BROADCAST, "sending ARP probe for " + address.getHostAddress()
                    + " on " + link.name());
            Optional<MacAddress> holder = listenForClaim(address, i == count - 1 ? wait : interval,
                    othersProbingConflict);
            if (holder.isPresent()) {
                return new ProbeResult.InUse(holder.get());
            }
        }
        return new ProbeResult.Free();
    }

    private Optional<MacAddress> listenForClaim(Inet4Address address, Duration period, boolean probesConflict) {
        long deadline = System.nanoTime() + period.toNanos();
        Optional<ArpPacket> packet;
        while ((packet = nextArp(deadline)).isPresent()) {
            boolean uses = !packet.get().senderMac().equals(mac) && packet.get().senderIp().equals(address);
            if (probesConflict ? claims(packet.get(), address) : uses) {
                return Optional.of(packet.get().senderMac());
            }
        }
        return Optional.empty();
    }

    /** The next ARP packet from someone else before {@code deadlineNanos} (System.nanoTime), or empty. */
    private Optional<ArpPacket> nextArp(long deadlineNanos) {
        return nextArp(deadlineNanos, null);
    }

    /** As {@link #nextArp(long)}, and empty at once when {@code wake} is signalled. */
    private Optional<ArpPacket> nextArp(long deadlineNanos, WakeUp wake) {
        while (true) {
            long left = deadlineNanos - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            Optional<PacketSocket.Frame> frame = socket.receive(Duration.ofNanos(left), wake);
            if (frame.isEmpty()) {
                return Optional.empty();
            }
            Optional<ArpPacket> packet = ArpPacket.decode(frame.get().bytes(), frame.get().length());
            if (packet.isPresent()) {
                return packet;
            }
        }
    }

    /** True when {@code packet}, from someone else, uses {@code address} as its own or probes for it. */
    boolean claims(ArpPacket packet, Inet4Address address) {
        if (packet.senderMac().equals(mac)) {
            return false;
        }
        boolean usesIt = packet.senderIp().equals(address);
        boolean probesForIt = packet.operation() == ArpPacket.REQUEST && packet.senderIp().equals(ArpPacket.UNSPECIFIED)
                && packet.targetIp().equals(address);
        return usesIt || probesForIt;
    }

    /**
     * Asks "who has {@code target}?" from {@code source} and waits for the answer: the agent's
     * "is my peer still alive on the LAN?".
     */
    public Liveness ping(Inet4Address source, Inet4Address target, Duration timeout) {
        ArpPacket request = new ArpPacket(MacAddress.BROADCAST, mac, ArpPacket.REQUEST, mac, source, MacAddress.ZERO, target);
        long start = System.nanoTime();
        socket.send(request.encode(), MacAddress.BROADCAST, "sending ARP request for " + target.getHostAddress()
                + " on " + link.name());
        long deadline = start + timeout.toNanos();
        Optional<ArpPacket> packet;
        while ((packet = nextArp(deadline)).isPresent()) {
            if (packet.get().operation() == ArpPacket.REPLY && packet.get().senderIp().equals(target)) {
                return new Liveness.Alive(packet.get().senderMac(), Duration.ofNanos(System.nanoTime() - start));
            }
        }
        return new Liveness.Silent(timeout);
    }

    /**
     * Asks each of {@code neighbours} "who has?" from {@code source} and probes each of
     * {@code probed} (RFC 5227 form) in the same round: {@code count} times, {@code interval}
     * apart, then listening {@code wait} more. A neighbour that replies is {@link Liveness.Alive}
     * (its round trip counted from the first question); anyone else who claims a probed address
     * or probes for it too makes it {@link ProbeResult.InUse}, as in {@link #probe}. The round
     * always runs to its end, so every probe result is as complete as a probe of its own.
     */
    public ArpRound askAndProbe(Inet4Address source, Collection<Inet4Address> neighbours,
                                Collection<Inet4Address> probed, int count, Duration interval, Duration wait) {
        Map<Inet4Address, Liveness> alive = new LinkedHashMap<>();
        Map<Inet4Address, ProbeResult> inUse = new LinkedHashMap<>();
        long start = System.nanoTime();
        long deadline = start;
        for (int i = 0; i < count; i++) {
            for (Inet4Address neighbour : neighbours) {
                if (!alive.containsKey(neighbour)) {
                    ArpPacket request = new ArpPacket(MacAddress.BROADCAST, mac, ArpPacket.REQUEST, mac, source,
                            MacAddress.ZERO, neighbour);
                    socket.send(request.encode(), MacAddress.BROADCAST, "sending ARP request for "
                            + neighbour.getHostAddress() + " on " + link.name());
                }
            }
            for (Inet4Address address : probed) {
                if (!inUse.containsKey(address)) {
                    ArpPacket probe = new ArpPacket(MacAddress.BROADCAST, mac, ArpPacket.REQUEST, mac,
                            ArpPacket.UNSPECIFIED, MacAddress.ZERO, address);
                    socket.send(probe.encode(), MacAddress.BROADCAST, "sending ARP probe for "
                            + address.getHostAddress() + " on " + link.name());
                }
            }
            // Paced from the round's start, not from each send: the round lasts what it says.
            deadline = start + interval.toNanos() * i + (i == count - 1 ? wait : interval).toNanos();
            Optional<ArpPacket> packet;
            while ((packet = nextArp(deadline)).isPresent()) {
                ArpPacket p = packet.get();
                if (p.operation() == ArpPacket.REPLY && neighbours.contains(p.senderIp())
                        && !alive.containsKey(p.senderIp())) {
                    alive.put(p.senderIp(), new Liveness.Alive(p.senderMac(), Duration.ofNanos(System.nanoTime() - start)));
                }
                for (Inet4Address address : probed) {
                    if (!inUse.containsKey(address) && claims(p, address)) {
                        inUse.put(address, new ProbeResult.InUse(p.senderMac()));
                    }
                }
            }
        }
        Duration waited = Duration.ofNanos(deadline - start);
        Map<Inet4Address, Liveness> neighbourResults = new LinkedHashMap<>();
        neighbours.forEach(n -> neighbourResults.put(n, alive.getOrDefault(n, new Liveness.Silent(waited))));
        Map<Inet4Address, ProbeResult> probeResults = new LinkedHashMap<>();
        probed.forEach(a -> probeResults.put(a, inUse.getOrDefault(a, new ProbeResult.Free())));
        return new ArpRound(neighbourResults, probeResults);
    }

    /** The next ARP packet from someone else within {@code timeout}. */
    public Optional<ArpPacket> receive(Duration timeout) {
        return receive(timeout, null);
    }

    /** As {@link #receive(Duration)}, and empty at once when {@code wake} is signalled (null: none). */
    public Optional<ArpPacket> receive(Duration timeout, WakeUp wake) {
        return nextArp(System.nanoTime() + timeout.toNanos(), wake);
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis(), (int) (duration.toNanos() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NetlinkException("interrupted while pacing packets");
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
