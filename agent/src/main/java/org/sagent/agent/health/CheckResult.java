package org.sagent.agent.health;

import java.time.Duration;
import org.sagent.agent.time.MonotonicInstant;

/**
 * One finished (or abandoned) run of a check: its outcome, when it ended (on the monotonic
 * clock: status shows how long ago) and how long it took.
 */
public record CheckResult(CheckOutcome outcome, MonotonicInstant at, Duration took) {
}
