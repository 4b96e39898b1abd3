package org.sagent.agent;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.config.ProbeSettings;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.core.PeerCheckRound;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.netlink.packet.ArpChannel;
import org.sagent.netlink.packet.ArpRound;
import org.sagent.netlink.packet.Liveness;
import org.sagent.netlink.packet.ProbeResult;
import org.sagent.netlink.route.InterfaceAddress;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.RtNetlink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * After the replication carrier went: one ARP round on the LAN that asks each peer whether it
 * is alive (a dead peer, or only a cut cable?) and, in the same frames' time, probes every
 * IPv4 public address on the LAN link that this node does not hold, so that a dead peer's
 * addresses can be taken without a probe of their own. Runs on its own thread
 * ({@code peer-check}); posts what it finds as {@link AgentEvent.PeerLiveness}.
 */
final class PeerCheck implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** A peer that still answers is asked again after these waits: a dying machine's links do not all fail at once. */
    private static final List<Duration> ASK_AGAIN = List.of(Duration.ZERO, Duration.ofMillis(250), Duration.ofMillis(750));
    /** A peer is asked at least this often in a round: one lost frame must not make a living peer dead. */
    static final int MIN_QUESTIONS = 2;

    private final Link lanLink;
    private final Inet4Address ownLanAddress;
    private final Map<String, Inet4Address> peers;
    private final Map<String, Inet4Address> publicAddresses;
    private final Timing timing;
    private final MonotonicClock clock;
    private final Consumer<AgentEvent> events;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "peer-check");
        t.setDaemon(true);
        return t;
    });

    /**
     * How one round goes: {@code questions} times {@code interval} apart, then silence concluded
     * {@code silence} after the last.
     */
    record Timing(int questions, Duration interval, Duration silence) {

        /**
         * The round from the settings: the probe's count and interval (the peer asked at least
         * {@link #MIN_QUESTIONS} times), and the longer of the peer check's timeout and the
         * probe's wait after the last, so the round is never a shorter probe than a take's own.
         */
        static Timing of(ProbeSettings probe, Duration peerCheckTimeout) {
            return new Timing(Math.max(MIN_QUESTIONS, probe.count()), probe.interval(),
                    peerCheckTimeout.compareTo(probe.answerWait()) > 0 ? peerCheckTimeout : probe.answerWait());
        }

        /** How long a round lasts when nobody answers. */
        Duration length() {
            return interval.multipliedBy(questions - 1L).plus(silence);
        }
    }

    /**
     * @param peers           every other node's LAN address, by name
     * @param publicAddresses the IPv4 public addresses on the LAN link, by {@link AddressReconciler#key}
     */
    PeerCheck(Link lanLink, Inet4Address ownLanAddress, Map<String, Inet4Address> peers,
              Map<String, Inet4Address> publicAddresses, Timing timing, MonotonicClock clock,
              Consumer<AgentEvent> events) {
        this.lanLink = lanLink;
        this.ownLanAddress = ownLanAddress;
        this.peers = Collections.unmodifiableMap(new LinkedHashMap<>(peers));
        this.publicAddresses = Collections.unmodifiableMap(new LinkedHashMap<>(publicAddresses));
        this.timing = timing;
        this.clock = clock;
        this.events = events;
    }

    /** Starts a check in the background (after the one under way, if any). */
    void start() {
        thread.execute(this::askPeersOverTheLan);
    }

    private void askPeersOverTheLan() {
        Map<String, Inet4Address> pending = new LinkedHashMap<>(peers);
        for (int ask = 0; ask < ASK_AGAIN.size() && !pending.isEmpty(); ask++) {
            try {
                Thread.sleep(ASK_AGAIN.get(ask).toMillis());
            } catch (InterruptedException e) {
                return;
            }
            Map<String, Inet4Address> probed = notHeld();
            ArpRound round;
            try (ArpChannel arp = ArpChannel.open(lanLink)) {
                round = arp.askAndProbe(ownLanAddress, pending.values(), probed.values(), timing.questions(),
                        timing.interval(), timing.silence());
            } catch (RuntimeException e) {
                log.warn("could not ask {} over the LAN: {}", pending.keySet(), e.getMessage());
                return;
            }
            PeerCheckRound found = findings(round, pending, probed);
            boolean lastAsk = ask == ASK_AGAIN.size() - 1;
            for (Map.Entry<String, Inet4Address> peer : List.copyOf(pending.entrySet())) {
                Liveness answer = round.neighbours().get(peer.getValue());
                if (answer instanceof Liveness.Alive alive) {
                    if (lastAsk) {
                        events.accept(new AgentEvent.PeerLiveness(peer.getKey(), true, "it answered ARP at "
                                + peer.getValue().getHostAddress() + " in " + alive.roundTrip().toMillis() + " ms",
                                found));
                    }
                    continue;
                }
                pending.remove(peer.getKey());
                events.accept(new AgentEvent.PeerLiveness(peer.getKey(), false, "no ARP answer from "
                        + peer.getValue().getHostAddress() + " on " + lanLink.name() + " in one round of "
                        + timing.questions() + " questions, " + timing.length().toMillis() + " ms", found));
            }
        }
    }

    /** The round's probe results by address key; it stands for a takeover's probe only if a peer was silent. */
    private PeerCheckRound findings(ArpRound round, Map<String, Inet4Address> asked, Map<String, Inet4Address> probed) {
        boolean silentPeer = asked.values().stream().anyMatch(a -> round.neighbours().get(a) instanceof Liveness.Silent);
        Set<String> clear = new HashSet<>();
        Map<String, String> answeredBy = new HashMap<>();
        probed.forEach((key, address) -> {
            ProbeResult result = round.probes().get(address);
            if (result instanceof ProbeResult.InUse inUse) {
                answeredBy.put(key, inUse.by().toString());
            } else if (result instanceof ProbeResult.Free) {
                clear.add(key);
            }
        });
        return new PeerCheckRound(silentPeer, clear, answeredBy, clock.now());
    }

    /** The public addresses to probe: those this node's LAN link does not carry now (all of them if unknown). */
    private Map<String, Inet4Address> notHeld() {
        Map<String, Inet4Address> probed = new LinkedHashMap<>(publicAddresses);
        try (RtNetlink rtnetlink = RtNetlink.open()) {
            for (InterfaceAddress held : rtnetlink.addresses(lanLink.index())) {
                probed.remove(AddressReconciler.key(held.address()));
            }
        } catch (RuntimeException e) {
            log.warn("could not read the addresses on {}: probing every public address there ({})", lanLink.name(),
                    e.getMessage());
        }
        return probed;
    }

    /** The IPv4 public addresses on {@code lanLink}, by key: those the round probes (IPv6 keeps its own probe). */
    static Map<String, Inet4Address> onTheLan(List<PublicAddressSpec> publicAddresses, Link lanLink) {
        Map<String, Inet4Address> onLan = new LinkedHashMap<>();
        for (PublicAddressSpec a : publicAddresses) {
            if (a.interfaceName().equals(lanLink.name()) && a.address().address() instanceof Inet4Address v4) {
                onLan.put(AddressReconciler.key(v4), v4);
            }
        }
        return onLan;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
