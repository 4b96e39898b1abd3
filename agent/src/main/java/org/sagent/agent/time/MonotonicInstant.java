package org.sagent.agent.time;

import java.time.Duration;

/**
 * A moment read from a {@link MonotonicClock}: nanoseconds from an arbitrary origin, so only
 * the difference of two of them means anything. Compared by difference, which stays right when
 * the counter wraps ({@link System#nanoTime()}'s rule).
 */
public record MonotonicInstant(long nanos) {

    /** How long after {@code earlier} this is (negative when it is before). */
    public Duration since(MonotonicInstant earlier) {
        return Duration.ofNanos(nanos - earlier.nanos);
    }

    public MonotonicInstant plus(Duration duration) {
        return new MonotonicInstant(nanos + duration.toNanos());
    }

    public boolean isBefore(MonotonicInstant other) {
        return nanos - other.nanos < 0;
    }

    public boolean isAfter(MonotonicInstant other) {
        return nanos - other.nanos > 0;
    }
}
