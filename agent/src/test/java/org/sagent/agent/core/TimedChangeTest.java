package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.FailbackMode;

class TimedChangeTest {

    private static NodeState state(String node, long eligibleFor, long upFor) {
        return new NodeState(node, 1, eligibleFor > 0 ? Readiness.OK : Readiness.STARTING, List.of(), false,
                Set.of(), Set.of(), eligibleFor, upFor, Set.of("s0", "s1"));
    }

    private static ClusterPicture picture(Set<String> view, FailbackMode failback, NodeState... states) {
        Map<String, NodeState> byNode = new java.util.HashMap<>();
        for (NodeState s : states) {
            byNode.put(s.node(), s);
        }
        return Pictures.roundRobin(2, 2, view, byNode, failback);
    }

    @Test
    void aSettledClusterHasNoTimedChangeAhead() {
        long longAgo = Pictures.FAILBACK_DELAY.toMillis() + Pictures.STARTUP_GRACE.toMillis();
        assertEquals(Optional.empty(), TimedChange.next(picture(Set.of("s0", "s1"), FailbackMode.AUTO,
                state("s0", longAgo, longAgo), state("s1", longAgo, longAgo))));
    }

    @Test
    void theNextChangeIsWhenAMembersUptimeReachesTheStartUpGrace() {
        long settled = Pictures.FAILBACK_DELAY.toMillis() + Pictures.STARTUP_GRACE.toMillis();
        assertEquals(Optional.of(Pictures.STARTUP_GRACE.minusMillis(4000)), TimedChange.next(picture(
                Set.of("s0", "s1"), FailbackMode.AUTO, state("s0", settled, settled), state("s1", 0, 4000))));
    }

    @Test
    void theNextChangeIsWhenAnEligibleMemberReachesTheFailbackDelayUnlessFailbackIsManual() {
        long up = Pictures.STARTUP_GRACE.toMillis() + 1;
        ClusterPicture returning = picture(Set.of("s0", "s1"), FailbackMode.AUTO,
                state("s0", 15_000, up), state("s1", 0, up));
        assertEquals(Optional.of(Pictures.FAILBACK_DELAY.minusMillis(15_000)), TimedChange.next(returning));
        assertEquals(Optional.empty(), TimedChange.next(picture(Set.of("s0", "s1"), FailbackMode.MANUAL,
                state("s0", 15_000, up), state("s1", 0, up))));
    }

    @Test
    void theSoonestOfSeveralThresholdsCounts() {
        assertEquals(Optional.of(Duration.ofMillis(1000)), TimedChange.next(picture(Set.of("s0", "s1"),
                FailbackMode.AUTO, state("s0", Pictures.FAILBACK_DELAY.toMillis() - 1000, 60_000),
                state("s1", 0, 2000))));
    }

    @Test
    void aDepartedNodesFrozenStateAndASilentMemberAgeNot() {
        long up = Pictures.STARTUP_GRACE.toMillis() + 1;
        // s1 left the view: its last state stays in the picture but no longer ages.
        assertEquals(Optional.empty(), TimedChange.next(picture(Set.of("s0"), FailbackMode.AUTO,
                state("s0", Pictures.FAILBACK_DELAY.toMillis(), up), state("s1", 1000, 1000))));
        // s1 is a member that has published nothing yet.
        assertEquals(Optional.empty(), TimedChange.next(picture(Set.of("s0", "s1"), FailbackMode.AUTO,
                state("s0", Pictures.FAILBACK_DELAY.toMillis(), up))));
    }
}
