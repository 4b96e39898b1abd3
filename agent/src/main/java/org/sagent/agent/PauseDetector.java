package org.sagent.agent;

import java.time.Duration;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sleeps a quarter of the failure timeout at a time (250 ms at most) and notices when the gap
 * between two looks is longer than the failure timeout: the whole process was stopped
 * (SIGSTOP, a paused VM), which the peers took for a death. Also says when one task has held
 * the agent's loop too long. Monotonic time throughout.
 */
final class PauseDetector implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    /** Each look wakes the process: no more often than the freezes it looks for need. */
    private static final long MAX_TICK_MILLIS = 250;

    private final Duration failureTimeout;
    private final AgentLoop loop;
    private final Consumer<AgentEvent> events;
    private final Thread thread = new Thread(this::run, "pause-detector");
    private volatile boolean running = true;

    PauseDetector(Duration failureTimeout, AgentLoop loop, Consumer<AgentEvent> events) {
        this.failureTimeout = failureTimeout;
        this.loop = loop;
        this.events = events;
        thread.setDaemon(true);
    }

    PauseDetector start() {
        thread.start();
        return this;
    }

    private void run() {
        long limit = failureTimeout.toNanos();
        long tick = Math.max(10, Math.min(MAX_TICK_MILLIS, failureTimeout.toMillis() / 4));
        long last = System.nanoTime();
        while (running) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException e) {
                return;
            }
            long now = System.nanoTime();
            long gap = now - last;
            last = now;
            if (gap > limit) {
                events.accept(new AgentEvent.Thawed(Duration.ofNanos(gap)));
            }
            loop.stall(now).ifPresent(stall -> log.warn("the event loop has been busy {}", stall));
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
