package org.sagent.agent.health;

/**
 * What one run of a check found.
 *
 * @param passed   this node is fit to serve as far as this check can tell
 * @param degraded passed, but something is worth an operator's attention (peer gone, resync)
 * @param reason   a sentence a person understands, for status and logs
 */
public record CheckOutcome(boolean passed, boolean degraded, String reason) {

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
