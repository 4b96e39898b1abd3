package org.sagent.netlink.route;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sagent.netlink.Errno;
import org.sagent.netlink.NetlinkException;
import org.sagent.netlink.WakeUp;

/**
 * Subscribes to link and IPv4/IPv6 address changes and delivers them as typed events on a
 * named thread ({@code netlink-events}).
 *
 * <p>Carrier and administrative state are tracked per link, so a link message becomes
 * {@link NetlinkEvent.CarrierLost}, {@link NetlinkEvent.LinkDown} and so on only when that
 * state really changed. When the kernel reports that events were dropped (ENOBUFS), the
 * monitor reads the complete state again and delivers it as {@link NetlinkEvent.Resynchronised}.
 */
public final class NetlinkEventMonitor implements AutoCloseable {

    static final int RTMGRP_LINK = 0x1;
    static final int RTMGRP_IPV4_IFADDR = 0x10;
    static final int RTMGRP_IPV6_IFADDR = 0x100;
    /** Nothing to do between events: {@link #close} wakes the thread, so this only bounds a lost wake-up. */
    private static final Duration IDLE_WAIT = Duration.ofMinutes(1);
    private static final long JOIN_MILLIS = 2000;
    /** Events come in bursts (a link going down takes its routes and addresses with it). */
    public static final int DEFAULT_RECEIVE_BUFFER = 1 << 20;

    private final RouteSocket socket;
    private final WakeUp stopping = WakeUp.open();
    private final RtNetlink requests;
    private final NetlinkEventListener listener;
    private final Map<Integer, Link> known = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;

    private NetlinkEventMonitor(NetlinkEventListener listener, int receiveBufferBytes) {
        this.listener = listener;
        // Subscribe first, then read the current links: no change can fall between the two.
        this.socket = new RouteSocket(RTMGRP_LINK | RTMGRP_IPV4_IFADDR | RTMGRP_IPV6_IFADDR, "rtnetlink event socket",
                receiveBufferBytes);
        this.requests = RtNetlink.open();
        for (Link link : requests.links()) {
            known.put(link.index(), link);
        }
        this.thread = new Thread(this::loop, "netlink-events");
        this.thread.setDaemon(true);
    }

    /** Starts monitoring the calling process's network namespace. */
    public static NetlinkEventMonitor start(NetlinkEventListener listener) {
        return start(listener, DEFAULT_RECEIVE_BUFFER);
    }

    /** As {@link #start(NetlinkEventListener)} with a chosen receive buffer (tests use a tiny one to force ENOBUFS). */
    public static NetlinkEventMonitor start(NetlinkEventListener listener, int receiveBufferBytes) {
        NetlinkEventMonitor monitor = new NetlinkEventMonitor(listener, receiveBufferBytes);
        monitor.thread.start();
        return monitor;
    }

    private void loop() {
        while (running) {
            try {
                Optional<List<NetlinkMessage>> messages = socket.next(IDLE_WAIT, stopping);
                if (messages.isPresent()) {
                    for (NetlinkMessage message : messages.get()) {
                        handle(message);
                    }
                }
            } catch (NetlinkException e) {
                if (!running) {
                    return;
                }
                if (e.errno() == Errno.ENOBUFS) {
                    resynchronise();
                } else {
                    listener.onError(e);
                    pause();
                }
            } catch (RuntimeException e) {
                if (!running) {
                    return;
                }
                listener.onError(e);
                pause();
            }
        }
    }

    private void handle(NetlinkMessage message) {
        switch (message.type()) {
            case RtNetlink.RTM_NEWADDR -> RtNetlink.decodeAddress(message)
                    .ifPresent(a -> listener.onEvent(new NetlinkEvent.AddressAdded(a)));
            case RtNetlink.RTM_DELADDR -> RtNetlink.decodeAddress(message)
                    .ifPresent(a -> listener.onEvent(new NetlinkEvent.AddressRemoved(a)));
            case RtNetlink.RTM_NEWLINK -> linkChanged(RtNetlink.decodeLink(message));
            case RtNetlink.RTM_DELLINK -> {
                Link link = RtNetlink.decodeLink(message);
                known.remove(link.index());
                listener.onEvent(new NetlinkEvent.LinkRemoved(link));
            }
            default -> {
            }
        }
    }

    private void linkChanged(Link link) {
        Link previous = known.put(link.index(), link);
        if (previous == null) {
            listener.onEvent(new NetlinkEvent.LinkAppeared(link));
            return;
        }
        if (previous.isUp() != link.isUp()) {
            listener.onEvent(link.isUp() ? new NetlinkEvent.LinkUp(link) : new NetlinkEvent.LinkDown(link));
        }
        if (previous.carrier() != link.carrier()) {
            listener.onEvent(link.carrier() ? new NetlinkEvent.CarrierRegained(link) : new NetlinkEvent.CarrierLost(link));
        }
    }

    /** Enough for any queue a receive buffer holds; bounds the drain if events keep pouring in. */
    private static final int DRAIN_LIMIT = 100_000;

    private void resynchronise() {
        drain();
        List<Link> links = requests.links();
        known.clear();
        for (Link link : links) {
            known.put(link.index(), link);
        }
        listener.onEvent(new NetlinkEvent.Resynchronised(links, requests.addresses()));
    }

    /**
     * Empties the event socket before the dump. The kernel reports an overrun once per
     * congestion and clears its congested mark only when the queue runs empty: events it drops
     * after the first report and before the queue empties are lost with no second report (seen
     * as a resync that missed addresses added while it ran). Drained first, any later drop is
     * reported again; what the drain discards, the dump that follows covers.
     */
    private void drain() {
        for (int i = 0; i < DRAIN_LIMIT; i++) {
            try {
                if (socket.next(Duration.ZERO).isEmpty()) {
                    return;
                }
            } catch (NetlinkException e) {
                if (e.errno() != Errno.ENOBUFS) {
                    return;
                }
            }
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Wakes and stops the thread, then closes the sockets. */
    @Override
    public void close() {
        running = false;
        stopping.signal();
        try {
            thread.join(JOIN_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        socket.close();
        requests.close();
        stopping.close();
    }
}
