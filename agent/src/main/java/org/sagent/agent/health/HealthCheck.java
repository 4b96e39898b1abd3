package org.sagent.agent.health;

import java.time.Duration;
import java.util.Optional;

/** One thing that must hold for this node to serve. Runs on a health worker thread, never concurrently with itself. */
public interface HealthCheck {

    /** Names the check in status, logs and metrics: drbd:sstorage, ocfs2, samba, script:NAME, carrier:eth1. */
    String name();

    /**
     * Runs the check. May block (a stuck filesystem blocks forever): the monitor then counts it
     * as failed after its timeout and starts no second run while this one hangs. Expected
     * failures are outcomes; an exception is reported as a failure with its message.
     */
    CheckOutcome check() throws Exception;

    /**
     * True when one failure is a fact, not a sample that may be noise: the kernel saying a link
     * lost its carrier. Such a check fails at its first failed run, whatever {@code health.fall}
     * says (addresses on a link without carrier reach nobody, so waiting only adds outage);
     * it still needs {@code health.rise} passes to count as healthy again.
     */
    default boolean failsAtOnce() {
        return false;
    }

    /** Overrides health.timeout for this check (scripts have their own). */
    default Optional<Duration> timeout() {
        return Optional.empty();
    }
}
