package org.sagent.agent.health;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.NetlinkEvent;
import org.sagent.netlink.route.NetlinkEventMonitor;
import org.sagent.netlink.route.RtNetlink;

/**
 * Keeps the carrier state of the public-address interfaces from netlink link events (no
 * polling) and says at once which interface changed.
 */
public final class LinkCarrierWatcher implements AutoCloseable {

    private final Set<String> interfaces;
    private final Consumer<String> onChange;
    private final Map<String, Boolean> carrier = new ConcurrentHashMap<>();
    private final NetlinkEventMonitor monitor;

    private LinkCarrierWatcher(Set<String> interfaces, Consumer<String> onChange) {
        this.interfaces = Set.copyOf(interfaces);
        this.onChange = onChange;
        // Subscribe first, then read: a change between the two cannot be lost.
        this.monitor = NetlinkEventMonitor.start(this::event);
        try (RtNetlink rt = RtNetlink.open()) {
            for (Link link : rt.links()) {
                record(link);
            }
        }
    }

    public static LinkCarrierWatcher start(Set<String> interfaces, Consumer<String> onChange) {
        return new LinkCarrierWatcher(interfaces, onChange);
    }

    /** The interface's carrier; empty when there is no such interface. */
    public Optional<Boolean> carrier(String interfaceName) {
        return Optional.ofNullable(carrier.get(interfaceName));
    }

    private void event(NetlinkEvent event) {
        if (event instanceof NetlinkEvent.CarrierLost e) {
            record(e.link());
        } else if (event instanceof NetlinkEvent.CarrierRegained e) {
            record(e.link());
        } else if (event instanceof NetlinkEvent.LinkAppeared e) {
            record(e.link());
        } else if (event instanceof NetlinkEvent.LinkDown e) {
            record(e.link());
        } else if (event instanceof NetlinkEvent.LinkUp e) {
            record(e.link());
        } else if (event instanceof NetlinkEvent.LinkRemoved e && interfaces.contains(e.link().name())) {
            carrier.remove(e.link().name());
            onChange.accept(e.link().name());
        } else if (event instanceof NetlinkEvent.Resynchronised r) {
            r.links().forEach(this::record);
        }
    }

    private void record(Link link) {
        if (!interfaces.contains(link.name())) {
            return;
        }
        // An administratively down link carries nothing either.
        boolean has = link.carrier() && link.isUp();
        Boolean before = carrier.put(link.name(), has);
        if (before == null || before != has) {
            onChange.accept(link.name());
        }
    }

    @Override
    public void close() {
        monitor.close();
    }
}
