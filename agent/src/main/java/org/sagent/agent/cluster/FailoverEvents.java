package org.sagent.agent.cluster;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.sagent.agent.core.TakeOrigin;

/** What the node controller reports as it moves addresses: the failover metrics. Loop thread. */
public interface FailoverEvents {

    /** Every {@code reason} {@link #tookOver} is given. */
    List<String> REASONS = TakeOrigin.METRIC_REASONS;

    /** This node took {@code address}; {@code reason} is one of {@link #REASONS}. */
    void tookOver(String address, String reason, Optional<Duration> outage);

    /** A host outside the cluster answered for {@code address}. */
    void conflict(String address);

    /** Client connections reset before releasing {@code address}. */
    void connectionsKilled(String address, int count);

    /** Tickle ACKs sent to the clients of {@code address} (any thread). */
    void tickles(String address, int count);
}
