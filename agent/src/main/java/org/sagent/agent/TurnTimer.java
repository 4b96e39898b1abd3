package org.sagent.agent;

import java.time.Duration;
import java.util.concurrent.Future;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The agent loop's timed turn, armed for when the deciding parts next need one if no event
 * comes first ({@link EventRouter#nextTurnWithin}). After every task on the loop the timer is
 * brought forward when the parts now ask for a sooner turn, never put back: a stream of
 * events cannot starve it. Loop thread only, apart from {@link #start}.
 */
final class TurnTimer {

    /** Runs a task on the loop after a delay; null when the loop no longer takes tasks. */
    interface Scheduler {
        Future<?> schedule(Duration delay, Runnable task);
    }

    private final Scheduler scheduler;
    private final LongSupplier nanos;
    private final Runnable turn;
    private final Supplier<Duration> nextWithin;
    private Future<?> armed;
    private long armedForNanos;

    /**
     * @param turn       the timed turn
     * @param nextWithin how soon the parts need the next turn, asked after every turn and task
     */
    TurnTimer(Scheduler scheduler, LongSupplier nanos, Runnable turn, Supplier<Duration> nextWithin) {
        this.scheduler = scheduler;
        this.nanos = nanos;
        this.turn = turn;
        this.nextWithin = nextWithin;
    }

    /** The first turn, at once; every later one is armed by the one before. */
    void start() {
        arm(Duration.ZERO);
    }

    /** After a task on the loop: a turn comes within what the parts now ask, or sooner if already armed so. */
    void bringForward() {
        Duration within = asked();
        if (armed != null && !armed.isDone() && armedForNanos - (nanos.getAsLong() + within.toNanos()) <= 0) {
            return;
        }
        if (armed != null) {
            armed.cancel(false);
        }
        arm(within);
    }

    private void arm(Duration within) {
        armedForNanos = nanos.getAsLong() + within.toNanos();
        armed = scheduler.schedule(within, this::fire);
    }

    private void fire() {
        armed = null;
        try {
            turn.run();
        } finally {
            arm(asked());
        }
    }

    /** What the parts ask; the in-motion cadence if they cannot say (the loop must keep turning). */
    private Duration asked() {
        try {
            return nextWithin.get();
        } catch (RuntimeException e) {
            return org.sagent.agent.cluster.NodeController.IN_MOTION;
        }
    }
}
