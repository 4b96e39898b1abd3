package org.sagent.agent;

import java.net.Inet4Address;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.sagent.netlink.packet.ArpChannel;
import org.sagent.netlink.packet.Liveness;
import org.sagent.netlink.route.Link;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path to a dead peer: reads the replication interface's carrier from sysfs every
 * carrier-poll-interval (one pread on a descriptor kept open), and when it goes asks each peer over the LAN by ARP whether it is
 * alive (a dead peer, or only a cut cable?). Posts what it finds as events.
 *
 * <p>Sysfs, not netlink: the kernel's linkwatch batches carrier events up to a second, while
 * the sysfs attribute changes the moment the cable does.
 */
final class ReplicationCarrierWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** A peer that still answers is asked again after these waits: a dying machine's links do not all fail at once. */
    private static final List<Duration> ASK_AGAIN = List.of(Duration.ZERO, Duration.ofMillis(250), Duration.ofMillis(750));

    private final String replicationInterface;
    private final Link lanLink;
    private final Inet4Address ownLanAddress;
    private final Map<String, Inet4Address> peers;
    private final Duration pollInterval;
    private final Duration peerCheckTimeout;
    private final Consumer<AgentEvent> events;
    private final ExecutorService peerCheck = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "peer-check");
        thread.setDaemon(true);
        return thread;
    });
    private final Thread poller = new Thread(this::watch, "replication-carrier");
    private volatile boolean running = true;
    private volatile boolean up = true;

    /**
     * @param peers            every other node's LAN address, by name, in the order to ask them
     * @param peerCheckTimeout how long one ARP question waits for an answer
     */
    ReplicationCarrierWatch(String replicationInterface, Link lanLink, Inet4Address ownLanAddress,
                            Map<String, Inet4Address> peers, Duration pollInterval, Duration peerCheckTimeout,
                            Consumer<AgentEvent> events) {
        this.replicationInterface = replicationInterface;
        this.lanLink = lanLink;
        this.ownLanAddress = ownLanAddress;
        this.peers = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(peers));
        this.pollInterval = pollInterval;
        this.peerCheckTimeout = peerCheckTimeout;
        this.events = events;
        poller.setDaemon(true);
    }

    ReplicationCarrierWatch start() {
        poller.start();
        return this;
    }

    /** The carrier as last read (true until the first read says otherwise). */
    boolean up() {
        return up;
    }

    private void watch() {
        try (SysfsAttribute carrier = new SysfsAttribute(Path.of("/sys/class/net", replicationInterface, "carrier"))) {
            watch(carrier);
        }
    }

    private void watch(SysfsAttribute carrier) {
        boolean was = true;
        while (running) {
            // An interface that is down reads as an error (EINVAL): no carrier.
            boolean now = carrier.read().map("1"::equals).orElse(false);
            up = now;
            if (was != now) {
                events.accept(new AgentEvent.ReplicationCarrier(now));
            }
            if (was && !now) {
                peerCheck.execute(this::askPeersOverTheLan);
            }
            was = now;
            try {
                Thread.sleep(pollInterval.toMillis());
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** The replication cable lost carrier: an ARP request to each peer tells dead from cut, in a fraction of a second. */
    private void askPeersOverTheLan() {
        for (Map.Entry<String, Inet4Address> peer : peers.entrySet()) {
            Liveness answer = null;
            for (Duration wait : ASK_AGAIN) {
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
                answer = askOnce(peer.getValue());
                if (answer == null || answer instanceof Liveness.Silent) {
                    break;
                }
            }
            if (answer == null) {
                continue;
            }
            boolean alive = answer instanceof Liveness.Alive;
            String detail = alive ? "it answered ARP at " + peer.getValue().getHostAddress() + " in "
                    + ((Liveness.Alive) answer).roundTrip().toMillis() + " ms"
                    : "no ARP answer from " + peer.getValue().getHostAddress() + " on " + lanLink.name()
                    + " within " + 2 * peerCheckTimeout.toMillis() + " ms";
            events.accept(new AgentEvent.PeerLiveness(peer.getKey(), alive, detail));
        }
    }

    /** Two ARP requests at most; null when the question could not even be asked. */
    private Liveness askOnce(Inet4Address peerLan) {
        try (ArpChannel arp = ArpChannel.open(lanLink)) {
            Liveness answer = arp.ping(ownLanAddress, peerLan, peerCheckTimeout);
            return answer instanceof Liveness.Silent ? arp.ping(ownLanAddress, peerLan, peerCheckTimeout) : answer;
        } catch (RuntimeException e) {
            log.warn("could not ask {} over the LAN: {}", peerLan.getHostAddress(), e.getMessage());
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
        peerCheck.shutdownNow();
    }
}
