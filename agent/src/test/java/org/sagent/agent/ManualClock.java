package org.sagent.agent;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock a test moves by hand, for code that takes its time from an injected {@link Clock}. */
public final class ManualClock extends Clock {

    private Instant now;
    private long nanos;

    public ManualClock(Instant start) {
        this.now = start;
    }

    public void advance(Duration duration) {
        now = now.plus(duration);
        nanos += duration.toNanos();
    }

    /** The monotonic time that goes with it (System.nanoTime's stand-in): moves only with advance. */
    public long nanos() {
        return nanos;
    }

    /** Steps the wall clock alone, as NTP or date -s does: the monotonic time does not move. */
    public void stepWallClock(Duration step) {
        now = now.plus(step);
    }

    @Override
    public Instant instant() {
        return now;
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
