package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.FailbackMode;

/** Release before acquire (spec 2.4), probes only when the last holder did not let go, adoption. */
class ReconcilePlanTest {

    private static final String A = "198.51.100.120";
    private static final String B = "198.51.100.121";

    private static NodeState state(String node, Set<String> held, Set<String> released) {
        return new NodeState(node, 1, Readiness.OK, List.of(), false, held, released, 60_000, 60_000, Set.of());
    }

    private static ClusterPicture picture(Set<String> view, NodeState... states) {
        Map<String, NodeState> map = new java.util.HashMap<>();
        for (NodeState s : states) {
            map.put(s.node(), s);
        }
        return Pictures.roundRobin(2, 2, view, map, FailbackMode.AUTO);
    }

    @Test
    void releasesWhatBelongsElsewhere() {
        ClusterPicture p = picture(Set.of("s0", "s1"), state("s0", Set.of(), Set.of()), state("s1", Set.of(A, B), Set.of()));
        ReconcilePlan plan = ReconcilePlan.of("s1", Map.of(A, Optional.of("s0"), B, Optional.of("s1")), Set.of(A, B), p);
        assertEquals(List.of(A), plan.release());
        assertEquals(List.of(), plan.take());
    }

    @Test
    void waitsWhileAnotherMemberStillHoldsIt() {
        ClusterPicture p = picture(Set.of("s0", "s1"), state("s0", Set.of(), Set.of()), state("s1", Set.of(A, B), Set.of()));
        ReconcilePlan plan = ReconcilePlan.of("s0", Map.of(A, Optional.of("s0"), B, Optional.of("s1")), Set.of(), p);
        assertEquals(List.of(), plan.take());
        assertEquals(List.of(A), plan.waiting());
    }

    @Test
    void takesWithoutAProbeWhatItsHolderReleased() {
        ClusterPicture p = picture(Set.of("s0", "s1"), state("s0", Set.of(), Set.of()), state("s1", Set.of(B), Set.of(A)));
        ReconcilePlan plan = ReconcilePlan.of("s0", Map.of(A, Optional.of("s0"), B, Optional.of("s1")), Set.of(), p);
        assertEquals(List.of(new ReconcilePlan.Take(A, false)), plan.take());
    }

    @Test
    void probesBeforeTakingFromANodeThatVanished() {
        // F3: s0 left the view holding .120; s1 must probe (s0's kernel may still answer: F1).
        ClusterPicture p = picture(Set.of("s1"), state("s0", Set.of(A), Set.of()), state("s1", Set.of(B), Set.of()));
        ReconcilePlan plan = ReconcilePlan.of("s1", Map.of(A, Optional.of("s1"), B, Optional.of("s1")), Set.of(B), p);
        assertEquals(List.of(new ReconcilePlan.Take(A, true)), plan.take());
    }

    @Test
    void keepsWhatItHoldsAndLeavesUndecidedAddressesAlone() {
        ClusterPicture p = picture(Set.of("s0"), state("s0", Set.of(A), Set.of()));
        ReconcilePlan plan = ReconcilePlan.of("s0", Map.of(A, Optional.of("s0"), B, Optional.empty()), Set.of(A, B), p);
        assertEquals(new ReconcilePlan(List.of(), List.of(), List.of()), plan);
    }
}
