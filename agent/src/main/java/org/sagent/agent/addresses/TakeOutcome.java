package org.sagent.agent.addresses;

import java.time.Duration;

/** The outcome of trying to take a public address. */
public sealed interface TakeOutcome {

    /**
     * Added: after a clear probe ({@code probed}: its own, or the peer check's round), or without
     * one; {@code announcements} rounds sent.
     */
    record Taken(boolean probed, int announcements) implements TakeOutcome {
    }

    /** A host with this MAC answered the probe: not taken. */
    record InUse(String mac) implements TakeOutcome {
    }

    /** A probe was answered a moment ago: not probed again before {@code retryIn}. */
    record Deferred(Duration retryIn) implements TakeOutcome {
    }
}
