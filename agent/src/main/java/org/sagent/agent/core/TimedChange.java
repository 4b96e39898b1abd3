package org.sagent.agent.core;

import java.time.Duration;
import java.util.Optional;
import org.sagent.agent.config.FailbackMode;

/**
 * When time alone, with no new input, can next change what {@link Allocation} decides: the
 * moment a member's uptime reaches the start-up grace (it stops reserving its home address,
 * or may now take an absent node's) or a member's eligibility reaches failback-delay (its
 * address comes home). The agent's loop turns then instead of polling for it. Pure.
 *
 * <p>Only members' states age (a departed node's last state is frozen), and a member that has
 * published nothing yet has no clock: its first state is an input of its own.
 */
public final class TimedChange {

    private TimedChange() {
    }

    /** How long from the picture's moment until the next threshold is crossed; empty when none lies ahead. */
    public static Optional<Duration> next(ClusterPicture picture) {
        long grace = picture.startupGrace().toMillis();
        long failbackDelay = picture.failbackDelay().toMillis();
        long soonest = Long.MAX_VALUE;
        for (String member : picture.view()) {
            NodeState state = picture.states().get(member);
            if (state == null) {
                continue;
            }
            if (state.upForMillis() < grace) {
                soonest = Math.min(soonest, grace - state.upForMillis());
            }
            if (picture.failback() == FailbackMode.AUTO && state.eligibleForMillis() > 0
                    && state.eligibleForMillis() < failbackDelay) {
                soonest = Math.min(soonest, failbackDelay - state.eligibleForMillis());
            }
        }
        return soonest == Long.MAX_VALUE ? Optional.empty() : Optional.of(Duration.ofMillis(soonest));
    }
}
