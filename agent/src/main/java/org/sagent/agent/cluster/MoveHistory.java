package org.sagent.agent.cluster;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.List;
import org.sagent.agent.control.StatusReport;

/** The last moves this node made, for {@code sagent status}: dated by the wall clock, for people to read. */
final class MoveHistory {

    private static final int KEPT = 20;

    private final Clock wallClock;
    private final ArrayDeque<StatusReport.Move> moves = new ArrayDeque<>();

    MoveHistory(Clock wallClock) {
        this.wallClock = wallClock;
    }

    /** @param outageMillis how long the address was unserved, when known */
    void add(String address, String from, String to, String reason, Long outageMillis) {
        // Milliseconds are what a move's time means to an operator; the clock may give nanoseconds.
        String at = wallClock.instant().truncatedTo(ChronoUnit.MILLIS).toString();
        moves.addLast(new StatusReport.Move(at, address, from, to, reason, outageMillis));
        while (moves.size() > KEPT) {
            moves.removeFirst();
        }
    }

    List<StatusReport.Move> moves() {
        return List.copyOf(moves);
    }
}
