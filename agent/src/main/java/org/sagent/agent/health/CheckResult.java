package org.sagent.agent.health;

import java.time.Duration;
import java.time.Instant;

/** One finished (or abandoned) run of a check: its outcome, when it ended and how long it took. */
public record CheckResult(CheckOutcome outcome, Instant at, Duration took) {
}
