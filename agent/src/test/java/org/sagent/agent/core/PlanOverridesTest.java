package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanOverridesTest {

    private static final ReconcilePlan PLAN = new ReconcilePlan(List.of("198.51.100.122"),
            List.of(new ReconcilePlan.Take("198.51.100.121", true)), List.of("198.51.100.123"));
    private static final Duration PUBLISH = Duration.ofSeconds(1);

    @Test
    void aFencedNodeReleasesEverythingItHoldsAndTakesNothing() {
        Set<String> held = Set.of("198.51.100.120");
        assertEquals(new ReconcilePlan(List.of("198.51.100.120"), List.of(), List.of()),
                PlanOverrides.apply(PLAN, held, true, true));
    }

    @Test
    void untilEveryMemberHasSpokenNothingIsTakenButReleasesGoOn() {
        assertEquals(new ReconcilePlan(PLAN.release(), List.of(), PLAN.waiting()),
                PlanOverrides.apply(PLAN, Set.of(), false, false));
        assertEquals(PLAN, PlanOverrides.apply(PLAN, Set.of(), false, true));
    }

    @Test
    void aMemberIsHeardFromOnceItPublishedOrWhenItIsSuspected() {
        Set<String> view = Set.of("s0", "s1", "s2");
        assertFalse(PlanOverrides.heardFromEveryMember("s0", view, Set.of(), Set.of("s1"), Duration.ZERO, PUBLISH));
        assertTrue(PlanOverrides.heardFromEveryMember("s0", view, Set.of("s2"), Set.of("s1"), Duration.ZERO, PUBLISH));
        assertTrue(PlanOverrides.heardFromEveryMember("s0", view, Set.of(), Set.of("s1", "s2"), Duration.ZERO,
                PUBLISH));
    }

    @Test
    void aSilentMemberBlocksTakesForThreePublishIntervalsAtMost() {
        Set<String> view = Set.of("s0", "s1");
        assertFalse(PlanOverrides.heardFromEveryMember("s0", view, Set.of(), Set.of(), Duration.ofSeconds(3),
                PUBLISH));
        assertTrue(PlanOverrides.heardFromEveryMember("s0", view, Set.of(), Set.of(), Duration.ofMillis(3001),
                PUBLISH));
    }
}
