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
 * @param carrierPollInterval how often the replication interface's carrier is read: a lost carrier
 *                          starts the fast peer check at once
 * @param peerCheckTimeout  how long to wait for the peer's ARP answer on the LAN (asked twice)
 *                          before taking it for dead
 */
public record FailoverSettings(Duration heartbeatInterval, Duration failureTimeout, FailbackMode failback,
                               Duration failbackDelay, Duration carrierPollInterval, Duration peerCheckTimeout) {

    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofMillis(200);
    public static final Duration DEFAULT_FAILURE_TIMEOUT = Duration.ofSeconds(1);
    public static final FailbackMode DEFAULT_FAILBACK = FailbackMode.AUTO;
    public static final Duration DEFAULT_FAILBACK_DELAY = Duration.ofSeconds(30);
    public static final Duration DEFAULT_CARRIER_POLL_INTERVAL = Duration.ofMillis(50);
    /** A live node answers ARP within a millisecond or two; this leaves room for a busy one. */
    public static final Duration DEFAULT_PEER_CHECK_TIMEOUT = Duration.ofMillis(100);
}
