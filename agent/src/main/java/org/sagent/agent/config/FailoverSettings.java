package org.sagent.agent.config;

import java.time.Duration;

/**
 * How fast a failed node is detected and when addresses go home.
 *
 * @param heartbeatInterval how often each agent says it is alive on the replication link
 * @param failureTimeout    silence after which a peer is suspected dead; at least twice the
 *                          heartbeat interval, so one late heartbeat fails nothing over
 * @param failback          whether addresses return home by themselves
 * @param failbackDelay     continuous eligibility the home node needs before its address returns
 * @param carrierPollInterval how often the replication interface's carrier is read (its link event
 *                          usually tells first): a lost carrier starts the fast peer check at once
 * @param peerCheckTimeout  how long after the last of the peer check's ARP questions (asked
 *                          {@code probe.count} times, at least twice, {@code probe.interval} apart,
 *                          with the public addresses probed in the same round) the peer's silence
 *                          takes it for dead; the round waits {@code probe.wait} if that is longer
 */
public record FailoverSettings(Duration heartbeatInterval, Duration failureTimeout, FailbackMode failback,
                               Duration failbackDelay, Duration carrierPollInterval, Duration peerCheckTimeout) {

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_FAILURE_TIMEOUT = Duration.ofSeconds(1);
    public static final FailbackMode DEFAULT_FAILBACK = FailbackMode.AUTO;
    public static final Duration DEFAULT_FAILBACK_DELAY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CARRIER_POLL_INTERVAL = Duration.ofMillis(50);
    /**
     * A live node's kernel answers ARP in softirq, within a millisecond or two even when busy:
     * with three questions 20 ms apart the first has 80 ms for its answer, the last 40 ms.
     */
    public static final Duration DEFAULT_PEER_CHECK_TIMEOUT = Duration.ofMillis(40);
}
