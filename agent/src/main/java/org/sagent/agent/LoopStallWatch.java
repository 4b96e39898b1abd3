package org.sagent.agent;

import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.stream.Collectors;

/**
 * Notices a task that holds the agent's event loop too long, once per task, and says where it
 * is. Everything the agent decides waits for that loop (a peer's state, a release, a status
 * request), so a stuck or slow task is worth a line in the journal that names the code holding
 * it, rather than only its consequences seconds later.
 *
 * <p>The loop made by {@link #newLoop} calls {@link #begin} and {@link #end} around each task,
 * scheduled or submitted; another thread calls {@link #overdue} now and then. Times are
 * {@link System#nanoTime()} values.
 */
final class LoopStallWatch {

    /** Frames of the loop thread shown: enough to reach the agent's own code from a JDK or library call. */
    static final int FRAMES = 12;

    private final long thresholdNanos;
    private volatile long taskSince;
    private volatile long reportedSince;
    private volatile Thread loopThread;

    LoopStallWatch(Duration threshold) {
        this.thresholdNanos = threshold.toNanos();
    }

    /**
     * A single-thread loop (a daemon thread named {@code threadName}) whose every task this watch
     * times: the periodic turns and what other threads submit (a status request, a fence-peer
     * question) alike.
     */
    ScheduledExecutorService newLoop(String threadName) {
        return new ScheduledThreadPoolExecutor(1, r -> {
            Thread thread = new Thread(r, threadName);
            thread.setDaemon(true);
            return thread;
        }) {
            @Override
            protected void beforeExecute(Thread thread, Runnable task) {
                loopThread = thread;
                begin(System.nanoTime());
            }

            @Override
            protected void afterExecute(Runnable task, Throwable failure) {
                end();
            }
        };
    }

    /** The thread of the loop {@link #newLoop} made, once it has run a task; null before. */
    Thread loopThread() {
        return loopThread;
    }

    /** A task starts on the loop. */
    void begin(long now) {
        taskSince = now == 0 ? 1 : now; // 0 means idle
    }

    /** The task is done. */
    void end() {
        taskSince = 0;
    }

    /** How long the current task has held the loop, the first time it is past the threshold; empty otherwise. */
    Optional<Duration> overdue(long now) {
        long since = taskSince;
        if (since == 0 || since == reportedSince || now - since < thresholdNanos) {
            return Optional.empty();
        }
        reportedSince = since;
        return Optional.of(Duration.ofNanos(now - since));
    }

    /** The top of a stack, one frame per "at ..." item, for one log line. */
    static String where(StackTraceElement[] stack) {
        return Arrays.stream(stack).limit(FRAMES).map(StackTraceElement::toString)
                .collect(Collectors.joining(" < "));
    }
}
