package org.sagent.agent;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fast path to a dead peer: follows the replication interface's carrier, and when it goes
 * starts the {@link PeerCheck} (a dead peer, or only a cut cable?). Two sources, the first to
 * tell wins: the kernel's link event (sent at once only for a stacked device whose lower link's
 * index differs from its own: a bond's port, a VLAN, most veths) and a read of the sysfs
 * attribute every carrier-poll-interval (one pread on a descriptor kept open).
 *
 * <p>The poll stays as the bound: for a plain NIC the kernel's linkwatch is not urgent and may
 * hold the carrier event up to a second, while the sysfs attribute changes the moment the
 * driver reports the loss.
 */
final class ReplicationCarrierWatch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    private final String replicationInterface;
    private final Path carrierFile;
    private final Duration pollInterval;
    private final Runnable carrierLost;
    private final Consumer<AgentEvent> events;
    private final Thread poller = new Thread(this::watch, "replication-carrier");
    private volatile boolean running = true;
    /** The carrier as last told, by either source; guarded by this. */
    private boolean up = true;

    /** @param carrierLost starts the peer check (must return at once) */
    ReplicationCarrierWatch(String replicationInterface, Duration pollInterval, Runnable carrierLost,
                            Consumer<AgentEvent> events) {
        this(replicationInterface, Path.of("/sys/class/net", replicationInterface, "carrier"), pollInterval,
                carrierLost, events);
    }

    /** @param carrierFile the sysfs attribute to poll (a test's own file) */
    ReplicationCarrierWatch(String replicationInterface, Path carrierFile, Duration pollInterval, Runnable carrierLost,
                            Consumer<AgentEvent> events) {
        this.replicationInterface = replicationInterface;
        this.carrierFile = carrierFile;
        this.pollInterval = pollInterval;
        this.carrierLost = carrierLost;
        this.events = events;
        poller.setDaemon(true);
    }

    ReplicationCarrierWatch start() {
        poller.start();
        return this;
    }

    /** The replication interface's name. */
    String interfaceName() {
        return replicationInterface;
    }

    /** The carrier as last told (true until a source says otherwise). */
    synchronized boolean up() {
        return up;
    }

    /** A link event for the replication interface (on the netlink events' thread). */
    void linkEvent(boolean carrier) {
        told(carrier, "the link event");
    }

    /** Either source's reading: a change is posted once, by the first source to see it, and a loss starts the peer check. */
    private synchronized void told(boolean carrier, String source) {
        if (carrier == up || !running) {
            return;
        }
        up = carrier;
        if (!carrier) {
            carrierLost.run();
        }
        events.accept(new AgentEvent.ReplicationCarrier(carrier));
        log.info("replication carrier {} on {} (seen first by {}){}", carrier ? "back" : "lost", replicationInterface,
                source, carrier ? "" : ": one ARP round on the LAN asks the peers and probes the public addresses");
    }

    /**
     * Read under the lock: a reading taken before a link event and told after it would undo it
     * (the attribute changes before the kernel sends the event, so a read after it agrees).
     */
    synchronized void poll(SysfsAttribute carrier) {
        // An interface that is down reads as an error (EINVAL): no carrier.
        told(carrier.read().map("1"::equals).orElse(false), "the poll");
    }

    private void watch() {
        try (SysfsAttribute carrier = new SysfsAttribute(carrierFile)) {
            while (running) {
                poll(carrier);
                try {
                    Thread.sleep(pollInterval.toMillis());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        poller.interrupt();
    }
}
