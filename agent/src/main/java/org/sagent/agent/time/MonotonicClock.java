package org.sagent.agent.time;

import java.time.Duration;

/**
 * Where the agent reads the time for every interval it measures (a probe's back-off, how long
 * a node has been eligible, since when a peer is silent, whether the loop is alive). It only
 * moves forward, at a steady rate: NTP or an administrator's {@code date -s} step the wall
 * clock ({@link java.time.Clock}) by seconds or hours, and an interval read from it would then
 * delay a takeover or hide a stuck loop. The wall clock stays for what people read and what is
 * written down (status timestamps, move history, records). Any thread.
 */
@FunctionalInterface
public interface MonotonicClock {

    /** Now, on a scale that means nothing outside this process: only differences count. */
    MonotonicInstant now();

    /** How long ago {@code earlier} was. */
    default Duration since(MonotonicInstant earlier) {
        return now().since(earlier);
    }

    /** The process's own clock, {@link System#nanoTime()}. */
    static MonotonicClock system() {
        return () -> new MonotonicInstant(System.nanoTime());
    }
}
