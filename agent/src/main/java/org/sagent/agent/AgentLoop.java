package org.sagent.agent;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's event loop: every decision, in order, on one thread ({@code agent-loop}). Other
 * threads post events to it or ask it a question with a deadline; every task is timed by a
 * {@link LoopStallWatch}.
 */
final class AgentLoop {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);

    /** A loop task busy this long gets a warning with its stack: everything else waits for it. */
    private final LoopStallWatch stalls = new LoopStallWatch(Duration.ofSeconds(2));
    private final ScheduledExecutorService executor = stalls.newLoop("agent-loop");

    /** Runs after every task (the timed turn is brought forward when a task made it due sooner). */
    private volatile Runnable afterEveryTask = () -> { };

    /** Sets what runs on the loop after every task; set once, before the loop has work that needs it. */
    void afterEveryTask(Runnable hook) {
        this.afterEveryTask = hook;
    }

    /** Runs {@code task} on the loop later; a failure is logged and the loop goes on. Any thread. */
    void post(Runnable task) {
        try {
            executor.execute(() -> runThenHook(task));
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** Runs {@code task} on the loop after {@code delay}; null when the loop is stopping. Any thread. */
    Future<?> later(Duration delay, Runnable task) {
        try {
            return executor.schedule(() -> runThenHook(task), delay.toNanos(), TimeUnit.NANOSECONDS);
        } catch (RejectedExecutionException e) {
            return null;
        }
    }

    private void runThenHook(Runnable task) {
        safely(task);
        safely(afterEveryTask);
    }

    private <T> Callable<T> thenHook(Callable<T> question) {
        return () -> {
            try {
                return question.call();
            } finally {
                safely(afterEveryTask);
            }
        };
    }

    /** A failing task is logged and the next turn tries again: the loop must never die. */
    static void safely(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            log.error("unexpected failure in the agent loop (the next turn retries): {}", e.toString(), e);
        }
    }

    /**
     * Asks the loop and waits for the answer at most {@code wait}; a question not answered by
     * then is withdrawn (a control-socket client or a scrape has given up on it).
     *
     * @throws TimeoutException the loop is busy or stuck
     */
    <T> T ask(Callable<T> question, Duration wait) throws Exception {
        return answer(executor.submit(thenHook(question)), wait, true);
    }

    /**
     * Like {@link #ask}, but a task not done within {@code wait} stays queued and still runs once
     * the loop is free (the stop's drain: late is better than never).
     */
    <T> T await(Callable<T> task, Duration wait) throws Exception {
        return answer(executor.submit(thenHook(task)), wait, false);
    }

    private static <T> T answer(Future<T> future, Duration wait, boolean withdrawOnTimeout) throws Exception {
        try {
            return future.get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            if (withdrawOnTimeout) {
                future.cancel(false); // not left queued on a loop that is already behind
            }
            throw e;
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** Like {@link #ask}, empty when the loop did not answer in time or failed; the question is withdrawn. */
    <T> Optional<T> tryAsk(Callable<T> question, Duration wait) {
        try {
            return Optional.ofNullable(ask(question, wait));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // too late (withdrawn), failed, or stopping: nothing to say
        }
        return Optional.empty();
    }

    /** How long the current task has held the loop, once it is past the threshold, and where it is. */
    Optional<String> stall(long nowNanos) {
        Thread held = stalls.loopThread();
        return stalls.overdue(nowNanos).map(busy -> busy.toMillis() + " ms with one task (peers' states, releases "
                + "and status requests wait meanwhile); it is at: "
                + (held == null ? "?" : LoopStallWatch.where(held.getStackTrace())));
    }

    /** Stops taking tasks; true if the running one ended within the grace (else it is interrupted). */
    boolean stop(Duration grace) throws InterruptedException {
        executor.shutdown();
        if (executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
            return true;
        }
        executor.shutdownNow();
        return executor.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS);
    }
}
