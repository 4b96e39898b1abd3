package org.sagent.agent.config;

import java.time.Duration;

/**
 * ARP probes (RFC 5227 form) sent before taking an address another node may still hold.
 * RFC 5227's own timings take seconds; these short ones fit a switched LAN, where a holder
 * answers within a millisecond or two.
 *
 * @param count    probes sent
 * @param interval pause between probes
 * @param answerWait how long to listen for an answer after the last probe
 */
public record ProbeSettings(int count, Duration interval, Duration answerWait) {

    public static final int DEFAULT_COUNT = 3;
    public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(20);
    public static final Duration DEFAULT_WAIT = Duration.ofMillis(60);
}
