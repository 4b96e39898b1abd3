package org.sagent.agent.isolation;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.sagent.agent.core.WitnessQuorum;
import org.sagent.netlink.packet.ArpChannel;
import org.sagent.netlink.packet.EchoChannel;
import org.sagent.netlink.packet.EchoRound;
import org.sagent.netlink.packet.Liveness;
import org.sagent.netlink.route.Link;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pings every witness at once, each request with a fresh random payload only the witness's own
 * reply carries back, every witness-interval; while an arbitration runs, at once and every
 * 500 ms, and then also asks the peers' LAN addresses by ARP (a peer silent on the LAN path but
 * answering ARP is alive: never taken for dead). The witness counts as reached when a strict
 * majority of the witnesses answered ({@link WitnessQuorum}). Each round's answer goes to the
 * consumer.
 */
public final class WitnessWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WitnessWatch.class);
    private static final Duration URGENT_INTERVAL = Duration.ofMillis(500);
    /** Replies that answer nothing we asked are reported at most this often. */
    private static final Duration UNMATCHED_REPORT_INTERVAL = Duration.ofMinutes(1);

    /**
     * @param witnessReachable a strict majority of the witnesses answered this round's echo requests
     * @param answeredBy       the witnesses that answered (", "-separated), or null when none did
     * @param peersAlive       by node name: answered ARP on its LAN address (only asked while urgent)
     * @param askedAtNanos     when the witnesses were asked, on the agent's monotonic clock: what
     *                         the round says of them is true from then on, not before; empty: as of
     *                         the moment the round is handled
     */
    public record Round(boolean witnessReachable, String answeredBy, Map<String, Boolean> peersAlive,
                        OptionalLong askedAtNanos) {

        /** A round taken as asked the moment it is handled. */
        public Round(boolean witnessReachable, String answeredBy, Map<String, Boolean> peersAlive) {
            this(witnessReachable, answeredBy, peersAlive, OptionalLong.empty());
        }
    }

    private final Link link;
    private final Inet4Address source;
    private final List<Inet4Address> witnesses;
    private final Map<String, Inet4Address> peers;
    private final Duration timeout;
    private final Duration interval;
    private final Consumer<Round> rounds;
    private final LongSupplier nanos;
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile boolean urgent;
    private volatile boolean running = true;
    private List<Inet4Address> lastAnswering;
    private int unmatchedSinceReport;
    private long lastUnmatchedReport;
    private boolean unmatchedReported;

    /** @param nanos the agent's monotonic clock, the one its isolation coordinator counts on */
    public WitnessWatch(Link link, Inet4Address source, List<Inet4Address> witnesses, Map<String, Inet4Address> peers,
                        Duration timeout, Duration interval, LongSupplier nanos, Consumer<Round> rounds) {
        this.link = link;
        this.source = source;
        this.witnesses = List.copyOf(witnesses);
        this.peers = new TreeMap<>(peers);
        this.timeout = timeout;
        this.interval = interval;
        this.rounds = rounds;
        this.nanos = nanos;
        this.thread = new Thread(this::run, "witness-watch");
        thread.setDaemon(true);
        lastAnswering = this.witnesses; // a first round short of that is reported
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
            round(urgent);
            try {
                wake.tryAcquire((urgent ? URGENT_INTERVAL : interval).toMillis(), TimeUnit.MILLISECONDS);
                wake.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /**
     * Asks the witnesses and reports it at once; then, when {@code askPeers}, asks the peers by
     * ARP and reports that too. The witnesses' answer is not held back behind the peers' (a dead
     * peer's ARP waits the whole timeout): an arbitration waits for a witness asked after the
     * peer fell silent.
     */
    private void round(boolean askPeers) {
        OptionalLong asked = OptionalLong.of(nanos.getAsLong());
        List<Inet4Address> answering = List.of();
        try (EchoChannel echo = EchoChannel.open(link, source)) {
            EchoRound round = echo.ask(witnesses, timeout);
            answering = round.answered();
            reportUnmatched(round.unmatchedReplies());
        } catch (RuntimeException e) {
            log.debug("witness round failed: {}", e.toString());
        }
        boolean reachable = WitnessQuorum.reached(answering.size(), witnesses.size());
        reportChange(answering, reachable);
        String answeredBy = answering.isEmpty() ? null : addresses(answering);
        rounds.accept(new Round(reachable, answeredBy, Map.of(), asked));
        if (!askPeers) {
            return;
        }
        Map<String, Boolean> alive = new TreeMap<>();
        try (ArpChannel arp = ArpChannel.open(link)) {
            peers.forEach((name, address) -> alive.put(name, arp.ping(source, address, timeout)
                    instanceof Liveness.Alive));
        } catch (RuntimeException e) {
            log.debug("peer ARP round failed: {}", e.toString());
        }
        rounds.accept(new Round(reachable, answeredBy, alive, asked));
    }

    private void reportChange(List<Inet4Address> answering, boolean reachable) {
        if (answering.equals(lastAnswering)) {
            return;
        }
        boolean wasReachable = WitnessQuorum.reached(lastAnswering.size(), witnesses.size());
        lastAnswering = answering;
        String counted = answering.size() + " of " + witnesses.size() + " witnesses answer on " + link.name()
                + (answering.isEmpty() ? "" : " (" + addresses(answering) + ")");
        if (reachable) {
            log.info("isolation: {}, a majority{}", counted, wasReachable ? "" : " again");
        } else {
            log.warn("isolation: {} within {} ms, short of the {} needed: this node could not win an arbitration now",
                    counted, timeout.toMillis(), WitnessQuorum.needed(witnesses.size()));
        }
    }

    /** Replies from a witness that answer none of our requests are forged, replayed or late: said, not counted. */
    private void reportUnmatched(int unmatched) {
        unmatchedSinceReport += unmatched;
        long now = System.nanoTime();
        boolean due = !unmatchedReported || now - lastUnmatchedReport >= UNMATCHED_REPORT_INTERVAL.toNanos();
        if (unmatchedSinceReport > 0 && due) {
            log.warn("isolation: {} echo replies from witnesses answered no request of this node (forged, replayed, "
                    + "late, or answering another program's ping): not counted", unmatchedSinceReport);
            unmatchedSinceReport = 0;
            unmatchedReported = true;
            lastUnmatchedReport = now;
        }
    }

    private static String addresses(List<Inet4Address> addresses) {
        return String.join(", ", addresses.stream().map(Inet4Address::getHostAddress).toList());
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
