package org.sagent.agent.cluster;

import java.time.Duration;
import java.util.Optional;

/** What the node controller reports as it moves addresses: the failover metrics. Loop thread. */
public interface FailoverEvents {

    /** This node took {@code address}; {@code reason} is released, holder_lost or unheld. */
    void tookOver(String address, String reason, Optional<Duration> outage);

    /** A host outside the cluster answered for {@code address}. */
    void conflict(String address);

    /** Client connections reset before releasing {@code address}. */
    void connectionsKilled(String address, int count);

    /** Tickle ACKs sent to the clients of {@code address} (any thread). */
    void tickles(String address, int count);
}
