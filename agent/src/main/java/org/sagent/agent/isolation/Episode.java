package org.sagent.agent.isolation;

import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Set;
import org.sagent.agent.core.Arbitration;

/**
 * One arbitration: from the moment the replication link is seen lost (carrier, membership) or
 * DRBD calls the fence-peer handler, until the link is back or the peer is resynced. Mutable,
 * owned by the {@link IsolationCoordinator} on the agent's loop.
 */
final class Episode {
    final Instant startedAt;
    final boolean healthyAtCut;
    final String why;
    Instant drbdLostAt;
    String resource = "";
    Arbitration.Decision decision;
    String decisionWhy = "";
    boolean standingDown;
    String stoodDownAt;
    String standDownReason;
    Instant wonAt;
    String wonHow;
    boolean undecidedCounted;
    final Set<String> acknowledged = new LinkedHashSet<>();

    Episode(Instant startedAt, boolean healthyAtCut, String why) {
        this.startedAt = startedAt;
        this.healthyAtCut = healthyAtCut;
        this.why = why;
    }
}
