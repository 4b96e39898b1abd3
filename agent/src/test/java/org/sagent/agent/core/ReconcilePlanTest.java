package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.FailbackMode;

/**
 * Release before acquire (spec 2.4), probes only when the last holder did not let go and no
 * recent peer check's round probed the address, adoption.
 */
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
    void takesWithoutASecondProbeWhatTheRecentPeerCheckRoundFoundClear() {
        // F3 on the carrier path: s0 taken for dead, .120 probed in the same ARP round, nobody answered.
        ClusterPicture p = picture(Set.of("s1"), state("s0", Set.of(A), Set.of()), state("s1", Set.of(B), Set.of()));
        ReconcilePlan plan = ReconcilePlan.of("s1", Map.of(A, Optional.of("s1"), B, Optional.of("s1")), Set.of(B), p,
                Map.of(A, new TakeProbe.ClearWithPeerCheck()));
        assertEquals(List.of(new ReconcilePlan.Take(A, new TakeProbe.ClearWithPeerCheck())), plan.take());
        assertFalse(plan.take().get(0).probe(), "no second probe");
    }

    @Test
    void probesAsEverWithoutARoundOrForAnAddressTheRoundDidNotProbe() {
        ClusterPicture p = picture(Set.of("s1"), state("s0", Set.of(A), Set.of()), state("s1", Set.of(B), Set.of()));
        Map<String, Optional<String>> allocation = Map.of(A, Optional.of("s1"), B, Optional.of("s1"));
        assertEquals(List.of(new ReconcilePlan.Take(A, true)), ReconcilePlan.of("s1", allocation, Set.of(B), p,
                Map.of()).take(), "no recent round: a probe of its own");
        assertEquals(List.of(new ReconcilePlan.Take(A, true)), ReconcilePlan.of("s1", allocation, Set.of(B), p,
                Map.of("198.51.100.122", new TakeProbe.ClearWithPeerCheck())).take());
    }

    @Test
    void anAnswerInTheRoundStopsTheTakeEvenOfAnAddressReleased() {
        ClusterPicture p = picture(Set.of("s0", "s1"), state("s0", Set.of(), Set.of()), state("s1", Set.of(B), Set.of(A)));
        ReconcilePlan plan = ReconcilePlan.of("s0", Map.of(A, Optional.of("s0"), B, Optional.of("s1")), Set.of(), p,
                Map.of(A, new TakeProbe.AnsweredInPeerCheck("02:00:00:00:00:11")));
        assertEquals(List.of(new ReconcilePlan.Take(A, new TakeProbe.AnsweredInPeerCheck("02:00:00:00:00:11"))),
                plan.take(), "somebody answers for it: whoever released it, a probe's answer stops the take");
    }

    @Test
    void aReleasedAddressTheRoundFoundClearIsStillTakenAsReleased() {
        ClusterPicture p = picture(Set.of("s0", "s1"), state("s0", Set.of(), Set.of()), state("s1", Set.of(B), Set.of(A)));
        ReconcilePlan plan = ReconcilePlan.of("s0", Map.of(A, Optional.of("s0"), B, Optional.of("s1")), Set.of(), p,
                Map.of(A, new TakeProbe.ClearWithPeerCheck()));
        assertEquals(List.of(new ReconcilePlan.Take(A, false)), plan.take());
    }

    @Test
    void keepsWhatItHoldsAndLeavesUndecidedAddressesAlone() {
        ClusterPicture p = picture(Set.of("s0"), state("s0", Set.of(A), Set.of()));
        ReconcilePlan plan = ReconcilePlan.of("s0", Map.of(A, Optional.of("s0"), B, Optional.empty()), Set.of(A, B), p);
        assertEquals(new ReconcilePlan(List.of(), List.of(), List.of()), plan);
    }

    private static NodeState arbitrating(String node, Readiness readiness, Set<String> held, String stoodDownAt) {
        return new NodeState(node, 1, readiness, List.of(), false, held, Set.of(), 60_000, 60_000, Set.of(), Map.of(),
                Map.of(), Set.of(), new IsolationClaim(true, true, true, stoodDownAt, stoodDownAt == null ? null
                : "s0 keeps writing", Set.of()));
    }

    @Test
    void aNodeFrozenInAnArbitrationKeepsItsAddressesUntilItStandsDown() {
        // s1 froze first (its DRBD was disconnected a moment before s0's): its address stays.
        ClusterPicture frozen = picture(Set.of("s0", "s1"), arbitrating("s0", Readiness.OK, Set.of(A), null),
                arbitrating("s1", Readiness.UNHEALTHY, Set.of(B), null));
        assertEquals(Optional.of("s1"), Allocation.compute(frozen).get(B));
        ClusterPicture stoodDown = picture(Set.of("s0", "s1"), arbitrating("s0", Readiness.OK, Set.of(A), null),
                arbitrating("s1", Readiness.UNHEALTHY, Set.of(B), "2026-12-07T12:00:00Z"));
        assertEquals(Optional.of("s0"), Allocation.compute(stoodDown).get(B));
        ClusterPicture unhealthy = picture(Set.of("s0", "s1"), state("s0", Set.of(A), Set.of()),
                new NodeState("s1", 1, Readiness.UNHEALTHY, List.of(), false, Set.of(B), Set.of(), 0, 60_000, Set.of()));
        assertEquals(Optional.of("s0"), Allocation.compute(unhealthy).get(B), "outside an arbitration it moves");
    }
}
