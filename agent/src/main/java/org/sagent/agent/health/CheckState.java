package org.sagent.agent.health;

import java.util.Optional;

/**
 * A check's hysteresis (spec section 4): it starts failed; {@code rise} passes in a row make
 * it healthy, {@code fall} failures in a row make it unhealthy again. {@code risen} records
 * that it has been healthy since start, which the start-up gate waits for. Pure and immutable.
 */
public record CheckState(String name, boolean healthy, int passesInRow, int failuresInRow, boolean risen,
                         Optional<CheckResult> last) {

    public static CheckState initial(String name) {
        return new CheckState(name, false, 0, 0, false, Optional.empty());
    }

    /** The state after {@code result}. */
    public CheckState next(CheckResult result, int rise, int fall) {
        boolean passed = result.outcome().passed();
        int passes = passed ? passesInRow + 1 : 0;
        int failures = passed ? 0 : failuresInRow + 1;
        boolean nowHealthy = healthy ? failures < fall : passes >= rise;
        return new CheckState(name, nowHealthy, passes, failures, risen || nowHealthy, Optional.of(result));
    }

    /** True when the last result says degraded while the check is healthy. */
    public boolean degraded() {
        return healthy && last.map(r -> r.outcome().degraded()).orElse(false);
    }

    public String lastReason() {
        return last.map(r -> r.outcome().reason()).orElse("not run yet");
    }
}
