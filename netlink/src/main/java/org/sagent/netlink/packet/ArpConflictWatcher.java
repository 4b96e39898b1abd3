package org.sagent.netlink.packet;

import java.net.Inet4Address;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.sagent.netlink.MacAddress;
import org.sagent.netlink.WakeUp;
import org.sagent.netlink.route.Link;

/**
 * Passive conflict detection while we hold addresses: reports every ARP packet on the
 * interface in which another host uses one of our addresses as its own (or probes for it),
 * on a thread named {@code arp-watch-IF}.
 */
public final class ArpConflictWatcher implements AutoCloseable {

    /** Receives conflicts on the watcher's thread. */
    public interface Listener {
        void onConflict(Inet4Address address, MacAddress claimedBy, ArpPacket packet);
    }

    /** Nothing to do between packets: {@link #close} wakes the thread, so this only bounds a lost wake-up. */
    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);
    /** After a failed receive, before the next. */
    private static final Duration RETRY = Duration.ofMillis(200);
    private static final long JOIN_MILLIS = 2000;

    private final ArpChannel channel;
    private final WakeUp stopping = WakeUp.open();
    private final Thread thread;
    private volatile boolean running = true;

    private ArpConflictWatcher(Link link, Supplier<Set<Inet4Address>> held, Listener listener) {
        this.channel = ArpChannel.open(link);
        this.thread = new Thread(() -> loop(held, listener), "arp-watch-" + link.name());
        this.thread.setDaemon(true);
    }

    /** Starts watching; {@code held} is asked for the current set of our addresses at every packet. */
    public static ArpConflictWatcher start(Link link, Supplier<Set<Inet4Address>> held, Listener listener) {
        ArpConflictWatcher watcher = new ArpConflictWatcher(link, held, listener);
        watcher.thread.start();
        return watcher;
    }

    private void loop(Supplier<Set<Inet4Address>> held, Listener listener) {
        while (running) {
            Optional<ArpPacket> packet;
            try {
                packet = channel.receive(IDLE_WAIT, stopping);
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                ArpChannel.sleep(RETRY);
                continue;
            }
            if (packet.isEmpty()) {
                continue;
            }
            for (Inet4Address address : held.get()) {
                if (channel.claims(packet.get(), address)) {
                    listener.onConflict(address, packet.get().senderMac(), packet.get());
                }
            }
        }
    }

    @Override
    public void close() {
        running = false;
        stopping.signal();
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close();
        stopping.close();
    }
}
