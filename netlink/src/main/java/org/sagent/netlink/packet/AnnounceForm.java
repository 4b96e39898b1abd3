package org.sagent.netlink.packet;

/** The two shapes of gratuitous ARP; some devices heed only one, so sagent sends both by default. */
public enum AnnounceForm {
    /** An ARP request for our own address (RFC 5227's "ARP Announcement"). */
    REQUEST,
    /** An unsolicited ARP reply for our own address, broadcast (what {@code arping -A} sends). */
    REPLY
}
