package org.sagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The timed turn's arming, on a scheduler the test steps by hand. */
class TurnTimerTest {

    /** A scheduled task and when it is due, in the test's nanoseconds. */
    private record Scheduled(long dueNanos, Runnable task, CompletableFuture<Void> future) {
    }

    private final List<Scheduled> scheduled = new ArrayList<>();
    private long now;
    private int turns;
    private Duration asked = Duration.ofSeconds(1);

    private final TurnTimer timer = new TurnTimer(this::schedule, () -> now, () -> turns++, () -> asked);

    private Future<?> schedule(Duration delay, Runnable task) {
        Scheduled s = new Scheduled(now + delay.toNanos(), task, new CompletableFuture<>());
        scheduled.add(s);
        return s.future();
    }

    /** The one task armed and not cancelled; fails when there is none or more than one. */
    private Scheduled armed() {
        List<Scheduled> live = scheduled.stream().filter(s -> !s.future().isDone()).toList();
        assertEquals(1, live.size(), "exactly one timed turn is armed");
        return live.get(0);
    }

    /** Moves the clock to the armed turn and runs it. */
    private void runArmed() {
        Scheduled s = armed();
        now = s.dueNanos();
        s.task().run();
        s.future().complete(null);
    }

    @Test
    void theFirstTurnComesAtOnceAndEachArmsTheNextForWhenThePartsAsk() {
        timer.start();
        assertEquals(0, armed().dueNanos());
        runArmed();
        assertEquals(1, turns);
        assertEquals(Duration.ofSeconds(1).toNanos(), armed().dueNanos());
        asked = Duration.ofMillis(200);
        runArmed();
        assertEquals(2, turns);
        assertEquals(Duration.ofMillis(1200).toNanos(), armed().dueNanos());
    }

    @Test
    void anEventThatAsksForASoonerTurnBringsItForward() {
        timer.start();
        runArmed();
        now += Duration.ofMillis(100).toNanos();
        asked = Duration.ofMillis(200);
        timer.bringForward();
        assertEquals(Duration.ofMillis(300).toNanos(), armed().dueNanos(), "the sooner turn replaces the later one");
    }

    @Test
    void eventsNeverPutTheTimedTurnBack() {
        timer.start();
        runArmed();
        for (int i = 0; i < 50; i++) {
            now += Duration.ofMillis(100).toNanos();
            timer.bringForward(); // each event would ask for a turn a second from now
        }
        assertEquals(Duration.ofSeconds(1).toNanos(), armed().dueNanos(), "the turn armed first still stands");
    }

    @Test
    void aFailingTurnStillArmsTheNext() {
        TurnTimer failing = new TurnTimer(this::schedule, () -> now, () -> {
            throw new IllegalStateException("boom");
        }, () -> asked);
        failing.start();
        try {
            runArmed();
        } catch (IllegalStateException expected) {
            // the loop logs it; the timer must go on
        }
        assertTrue(scheduled.size() == 2 && !scheduled.get(1).future().isDone(), "the next turn is armed");
    }
}
