package org.sagent.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sagent.agent.time.MonotonicClock;

class RisePaceTest {

    private static final int RISE = 3;
    private static final int FALL = 2;

    /** Feeds {@code passes} (true = pass) to a fresh check; returns its pace and state after each. */
    private static Object[] run(boolean... passes) {
        CheckState state = CheckState.initial("drbd");
        RisePace.Pace pace = RisePace.Pace.QUICK;
        for (boolean passed : passes) {
            CheckState before = state;
            state = state.next(new CheckResult(passed ? CheckOutcome.pass("ok") : CheckOutcome.fail("no"),
                    MonotonicClock.system().now(), Duration.ofMillis(1)), RISE, FALL);
            pace = RisePace.after(pace, before, state);
        }
        return new Object[] {pace, state};
    }

    @Test
    void aPassingCheckRunsAgainSoonUntilItHasRisen() {
        Object[] once = run(true);
        assertTrue(RisePace.runSooner((RisePace.Pace) once[0], (CheckState) once[1]));
        Object[] risen = run(true, true, true);
        assertFalse(RisePace.runSooner((RisePace.Pace) risen[0], (CheckState) risen[1]), "risen: the interval");
    }

    @Test
    void failuresBeforeTheFirstPassAreAServiceStillStartingNotAFlap() {
        Object[] state = run(false, false, true);
        assertEquals(RisePace.Pace.QUICK, state[0]);
        assertTrue(RisePace.runSooner((RisePace.Pace) state[0], (CheckState) state[1]));
    }

    @Test
    void aCheckThatFailsAfterAPassRisesAtTheIntervalFromThenOn() {
        Object[] flapped = run(true, false);
        assertEquals(RisePace.Pace.FLAPPED, flapped[0]);
        Object[] passingAgain = run(true, false, true, true);
        assertEquals(RisePace.Pace.FLAPPED, passingAgain[0]);
        assertFalse(RisePace.runSooner((RisePace.Pace) passingAgain[0], (CheckState) passingAgain[1]),
                "a flapping service opens the gate no sooner than rise intervals");
    }

    @Test
    void aFailureOnceRisenIsNoStartUpFlap() {
        Object[] state = run(true, true, true, false);
        assertEquals(RisePace.Pace.QUICK, state[0], "fall's business, not the gate's");
    }
}
