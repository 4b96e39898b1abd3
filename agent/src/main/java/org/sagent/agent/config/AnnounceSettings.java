package org.sagent.agent.config;

import java.time.Duration;

/**
 * Gratuitous ARP (IPv4) and unsolicited neighbour advertisements (IPv6) after every takeover.
 *
 * @param count    announcements per address per takeover; three survives one lost frame on a
 *                 busy switch without flooding
 * @param interval pause between two announcements
 */
public record AnnounceSettings(int count, Duration interval) {

    public static final int DEFAULT_COUNT = 3;
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);
}
