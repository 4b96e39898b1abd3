package org.sagent.netlink.packet;

import java.time.Duration;
import org.sagent.netlink.MacAddress;

/** Whether a neighbour answered an ARP request. */
public sealed interface Liveness {
    record Alive(MacAddress mac, Duration roundTrip) implements Liveness {
    }

    record Silent(Duration waited) implements Liveness {
    }
}
