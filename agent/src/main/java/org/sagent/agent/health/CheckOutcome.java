package org.sagent.agent.health;

/**
 * What one run of a check found.
 *
 * @param passed   this node is fit to serve as far as this check can tell
 * @param degraded passed, but something is worth an operator's attention (peer gone, resync)
 * @param reason   a sentence a person understands, for status and logs
 * @param frozenForFencing failed only because DRBD froze I/O for fencing (the replication link is
 *                 lost and fence-peer decides): otherwise fit. The freeze is the cut's own
 *                 consequence, alike on both nodes, so an arbitration does not count it against
 *                 this node's health at the cut (spec 7.2)
 */
public record CheckOutcome(boolean passed, boolean degraded, String reason, boolean frozenForFencing) {

    public CheckOutcome(boolean passed, boolean degraded, String reason) {
        this(passed, degraded, reason, false);
    }

    public static CheckOutcome pass(String reason) {
        return new CheckOutcome(true, false, reason);
    }

    public static CheckOutcome degraded(String reason) {
        return new CheckOutcome(true, true, reason);
    }

    public static CheckOutcome fail(String reason) {
        return new CheckOutcome(false, false, reason);
    }
}
