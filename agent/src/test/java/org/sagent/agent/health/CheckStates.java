package org.sagent.agent.health;

import java.time.Duration;
import org.sagent.agent.time.MonotonicInstant;

/** Check states for tests: a check fed outcomes a second apart, with rise 2 and fall 3. */
public final class CheckStates {

    private static final MonotonicInstant T0 = new MonotonicInstant(5_000_000_000L);

    private CheckStates() {
    }

    public static CheckState fed(String name, CheckOutcome... outcomes) {
        CheckState state = CheckState.initial(name);
        int second = 0;
        for (CheckOutcome outcome : outcomes) {
            state = state.next(new CheckResult(outcome, T0.plus(Duration.ofSeconds(second++)), Duration.ofMillis(5)), 2, 3);
        }
        return state;
    }
}
