package org.sagent.netlink.packet;

import org.sagent.netlink.MacAddress;

/** What a duplicate-address probe found. */
public sealed interface ProbeResult {
    /** Nobody answered within the probe's time: the address may be taken. */
    record Free() implements ProbeResult {
    }

    /** Someone answered for the address (or is probing for it too). */
    record InUse(MacAddress by) implements ProbeResult {
    }
}
