package org.sagent.netlink.route;

import java.util.List;

/** A change the kernel announced on the link and address multicast groups. */
public sealed interface NetlinkEvent {

    record AddressAdded(InterfaceAddress address) implements NetlinkEvent {
    }

    record AddressRemoved(InterfaceAddress address) implements NetlinkEvent {
    }

    /** A link the monitor had not seen before (created, or moved into this namespace). */
    record LinkAppeared(Link link) implements NetlinkEvent {
    }

    record LinkRemoved(Link link) implements NetlinkEvent {
    }

    /** Administratively up (IFF_UP set). */
    record LinkUp(Link link) implements NetlinkEvent {
    }

    /** Administratively down (IFF_UP cleared). */
    record LinkDown(Link link) implements NetlinkEvent {
    }

    /** The cable (or the veth peer) went away: nothing sent on this link arrives anywhere. */
    record CarrierLost(Link link) implements NetlinkEvent {
    }

    record CarrierRegained(Link link) implements NetlinkEvent {
    }

    /**
     * The kernel dropped events for us (receive buffer overrun, ENOBUFS): whatever happened
     * meanwhile is lost, so here is the complete current state to reconcile against.
     */
    record Resynchronised(List<Link> links, List<InterfaceAddress> addresses) implements NetlinkEvent {
        public Resynchronised {
            links = List.copyOf(links);
            addresses = List.copyOf(addresses);
        }
    }
}
