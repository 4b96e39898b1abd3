package org.sagent.agent.config;

import java.time.Duration;

/**
 * ARP probes (RFC 5227 form) sent before taking an address another node may still hold.
 * RFC 5227's own timings take seconds; these short ones fit a switched LAN, where a holder
 * answers within a millisecond or two. After a lost replication carrier the same probes go out
 * in the peer check's ARP round, and a take right after it needs no probe of its own.
 *
 * @param count    probes sent
 * @param interval pause between probes
 * @param answerWait how long to listen for an answer after the last probe
 */
public record ProbeSettings(int count, Duration interval, Duration answerWait) {

    public static final int DEFAULT_COUNT = 3;
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(20);
    /** As the peer check's silence: the two run as one ARP round after a lost replication carrier. */
    public static final Duration DEFAULT_WAIT = Duration.ofMillis(40);
}
