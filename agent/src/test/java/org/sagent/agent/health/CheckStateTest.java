package org.sagent.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sagent.agent.time.MonotonicInstant;

/** Rise/fall hysteresis and the start-up gate, with explicit timestamps (no clock reads). */
class CheckStateTest {

    private static final MonotonicInstant T0 = new MonotonicInstant(5_000_000_000L);

    private static CheckResult result(boolean passed, int second) {
        return new CheckResult(passed ? CheckOutcome.pass("fine") : CheckOutcome.fail("broken"),
                T0.plus(Duration.ofSeconds(second)), Duration.ofMillis(5));
    }

    private static CheckState feed(CheckState state, String pattern) {
        for (int i = 0; i < pattern.length(); i++) {
            state = state.next(result(pattern.charAt(i) == '+', i), 2, 3);
        }
        return state;
    }

    @Test
    void startsUnhealthyAndRisesAfterRisePassesInARow() {
        CheckState s = CheckState.initial("ocfs2");
        assertFalse(s.healthy());
        assertFalse(feed(s, "+").healthy());
        assertFalse(feed(s, "+-+").healthy(), "a failure resets the count");
        CheckState risen = feed(s, "+-++");
        assertTrue(risen.healthy());
        assertTrue(risen.risen());
        assertEquals(T0.plus(Duration.ofSeconds(3)), risen.last().orElseThrow().at());
    }

    @Test
    void fallsOnlyAfterFallFailuresInARow() {
        CheckState healthy = feed(CheckState.initial("x"), "++");
        assertTrue(feed(healthy, "--").healthy(), "two failures are not three");
        assertTrue(feed(healthy, "--+--").healthy(), "a pass in between resets");
        CheckState fallen = feed(healthy, "---");
        assertFalse(fallen.healthy());
        assertTrue(fallen.risen(), "the gate, once passed, stays passed");
        assertFalse(feed(fallen, "+").healthy(), "recovering needs rise passes again");
        assertTrue(feed(fallen, "++").healthy());
    }

    @Test
    void theGateWaitsForEveryCheckAndSaysWhatItWaitsFor() {
        CheckState drbd = feed(CheckState.initial("drbd:sstorage"), "++");
        CheckState ocfs2 = feed(CheckState.initial("ocfs2"), "+-");
        CheckState samba = feed(CheckState.initial("samba"), "+");
        HealthView starting = new HealthView(List.of(drbd, ocfs2, samba), 2);
        assertFalse(starting.gateOpen());
        assertEquals(HealthView.NodeHealth.STARTING, starting.nodeHealth());
        assertEquals("STARTING: waiting for ocfs2 (broken), samba (1/2 passes)", starting.summary());

        HealthView open = new HealthView(List.of(drbd, feed(ocfs2, "++"), feed(samba, "+")), 2);
        assertTrue(open.gateOpen());
        assertEquals("OK: 3 checks healthy", open.summary());

        HealthView unhealthy = new HealthView(List.of(drbd, feed(ocfs2, "++---"), feed(samba, "+")), 2);
        assertEquals(HealthView.NodeHealth.UNHEALTHY, unhealthy.nodeHealth());
        assertEquals("UNHEALTHY: ocfs2: broken", unhealthy.summary());

        // passing again but not yet risen: its passing reason alone would read as healthy
        HealthView recovering = new HealthView(List.of(drbd, feed(ocfs2, "++---+"), feed(samba, "+")), 2);
        assertEquals(HealthView.NodeHealth.UNHEALTHY, recovering.nodeHealth());
        assertEquals("UNHEALTHY: ocfs2: recovering, 1/2 passes: fine", recovering.summary());
    }

    @Test
    void aDegradedPassIsHealthyAndSaidSo() {
        CheckState drbd = CheckState.initial("drbd:sstorage")
                .next(new CheckResult(CheckOutcome.degraded("peer gone"), T0, Duration.ZERO), 1, 3);
        assertTrue(drbd.healthy());
        assertTrue(drbd.degraded());
        assertEquals("OK, degraded: drbd:sstorage: peer gone", new HealthView(List.of(drbd), 1).summary());
    }
}
