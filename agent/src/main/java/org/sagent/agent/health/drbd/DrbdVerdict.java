package org.sagent.agent.health.drbd;

/**
 * What a DRBD resource's state means for serving (spec section 4).
 *
 * @param healthy  this node may serve from this resource
 * @param degraded serving, but without full redundancy (peer gone, resync running): said loudly
 * @param state    one word for status and metrics: UpToDate, StandAlone, SyncTarget, ...
 * @param reason   a sentence a person understands
 */
public record DrbdVerdict(boolean healthy, boolean degraded, String state, String reason) {
}
