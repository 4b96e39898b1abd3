package org.sagent.agent.isolation;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.sagent.netlink.packet.ArpChannel;
import org.sagent.netlink.packet.Liveness;
import org.sagent.netlink.route.Link;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the witnesses by ARP, one after the other until one answers, every witness-interval;
 * while an arbitration runs, at once and every 500 ms, and the peers' LAN addresses too (a
 * peer silent on the LAN path but answering ARP is alive: never taken for dead). Each round's
 * answer goes to the consumer.
 */
public final class WitnessWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WitnessWatch.class);
    private static final Duration URGENT_INTERVAL = Duration.ofMillis(500);

    /** @param peersAlive by node name: answered ARP on its LAN address (only asked while urgent) */
    public record Round(boolean witnessReachable, String answeredBy, Map<String, Boolean> peersAlive) {
    }

    private final Link link;
    private final Inet4Address source;
    private final List<Inet4Address> witnesses;
    private final Map<String, Inet4Address> peers;
    private final Duration timeout;
    private final Duration interval;
    private final java.util.function.Consumer<Round> rounds;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean urgent;
    private volatile boolean running = true;
    private boolean lastReachable = true;

    public WitnessWatch(Link link, Inet4Address source, List<Inet4Address> witnesses, Map<String, Inet4Address> peers,
                        Duration timeout, Duration interval, java.util.function.Consumer<Round> rounds) {
        this.link = link;
        this.source = source;
        this.witnesses = List.copyOf(witnesses);
        this.peers = new TreeMap<>(peers);
        this.timeout = timeout;
        this.interval = interval;
        this.rounds = rounds;
        this.thread = new Thread(this::run, "witness-watch");
        thread.setDaemon(true);
    }

    public WitnessWatch start() {
        thread.start();
        return this;
    }

    /** While an arbitration runs: rounds at once and twice a second, with the peers asked too. */
    public void urgent(boolean on) {
        urgent = on;
        if (on) {
            wake.release();
        }
    }

    private void run() {
        while (running) {
            Round round = round(urgent);
            if (round.witnessReachable() != lastReachable) {
                lastReachable = round.witnessReachable();
                if (round.witnessReachable()) {
                    log.info("isolation: witness {} answers again on {}", round.answeredBy(), link.name());
                } else {
                    log.warn("isolation: no witness answers ARP on {} ({} within {} ms each): this node could not "
                            + "win an arbitration now", link.name(), witnesses.stream().map(Inet4Address::getHostAddress)
                            .toList(), timeout.toMillis());
                }
            }
            rounds.accept(round);
            try {
                wake.tryAcquire((urgent ? URGENT_INTERVAL : interval).toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private Round round(boolean askPeers) {
        String answeredBy = null;
        Map<String, Boolean> alive = new TreeMap<>();
        try (ArpChannel arp = ArpChannel.open(link)) {
            for (Inet4Address witness : witnesses) {
                if (arp.ping(source, witness, timeout) instanceof Liveness.Alive) {
                    answeredBy = witness.getHostAddress();
                    break;
                }
            }
            if (askPeers) {
                peers.forEach((name, address) -> alive.put(name, arp.ping(source, address, timeout)
                        instanceof Liveness.Alive));
            }
        } catch (RuntimeException e) {
            log.debug("witness round failed: {}", e.toString());
        }
        return new Round(answeredBy != null, answeredBy, alive);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
