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
    /** Random: the peer's stand-down and acknowledgement must name it. */
    final String id = randomId();
    final Instant startedAt;
    /** System.nanoTime() at the start, for durations (a wall-clock step must not change them). */
    final long startedNanos;
    final boolean healthyAtCut;
    final String why;
    Instant drbdLostAt;
    long drbdLostNanos;
    String resource = "";
    Arbitration.Decision decision;
    String decisionWhy = "";
    boolean standingDown;
    String stoodDownAt;
    String standDownReason;
    Instant wonAt;
    long wonNanos;
    String wonHow;
    boolean undecidedCounted;
    /** The coordinator disconnected DRBD in this arbitration. */
    boolean drbdDisconnectAsked;
    long drbdDisconnectNanos;
    /** Begun by the peer's silence on both paths while the replication carrier stayed up (a hung peer). */
    boolean peerSilentOnBothPaths;
    final Set<String> acknowledged = new LinkedHashSet<>();

    Episode(Instant startedAt, long startedNanos, boolean healthyAtCut, String why) {
        this.startedAt = startedAt;
        this.startedNanos = startedNanos;
        this.healthyAtCut = healthyAtCut;
        this.why = why;
    }

    private static String randomId() {
        byte[] id = new byte[8];
        new java.security.SecureRandom().nextBytes(id);
        return java.util.HexFormat.of().formatHex(id);
    }
}
