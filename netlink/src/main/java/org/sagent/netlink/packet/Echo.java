package org.sagent.netlink.packet;

import java.time.Duration;

/** What became of one echo request: answered by the host asked, or not. */
public sealed interface Echo {

    /** A reply came from the host asked, with this request's identifier, sequence and payload. */
    record Answered(Duration roundTrip) implements Echo {
    }

    /** No such reply within the time given. */
    record Silent(Duration waited) implements Echo {
    }

    /** The request could not be sent (no route, the interface down): the host cannot be reached from here. */
    record Unsent(String reason) implements Echo {
    }
}
