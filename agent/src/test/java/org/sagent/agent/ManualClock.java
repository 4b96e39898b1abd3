package org.sagent.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;

/**
 * Both of the agent's clocks, moved by the test: the wall clock ({@link Clock}) and the
 * monotonic one intervals are measured on. {@link #advance} is time passing (both move);
 * {@link #stepWallClock} is NTP or {@code date -s} (only the wall clock moves, by any amount,
 * backwards too). Any thread.
 */
public final class ManualClock extends Clock implements MonotonicClock {

    private volatile Instant wall;
    /** An origin far from zero, as {@link System#nanoTime()}'s is: nothing may take it for a date. */
    private volatile long nanos = 7_000_000_000_000L;

    public ManualClock(Instant start) {
        this.wall = start;
    }

    /** Time passes. */
    public synchronized void advance(Duration duration) {
        if (duration.isNegative()) {
            throw new IllegalArgumentException("time does not pass backwards: " + duration);
        }
        wall = wall.plus(duration);
        nanos += duration.toNanos();
    }

    /** The wall clock is set (forwards or backwards) while no time passes. */
    public synchronized void stepWallClock(Duration step) {
        wall = wall.plus(step);
    }

    @Override
    public Instant instant() {
        return wall;
    }

    /** The monotonic time as {@link System#nanoTime()} gives it. */
    public long nanos() {
        return nanos;
    }

    @Override
    public MonotonicInstant now() {
        return new MonotonicInstant(nanos);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
