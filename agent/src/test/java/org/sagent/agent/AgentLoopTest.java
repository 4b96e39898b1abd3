package org.sagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The agent's loop on a real thread: questions with a deadline, and tasks that fail. */
class AgentLoopTest {

    private final AgentLoop loop = new AgentLoop();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() throws InterruptedException {
        release.countDown();
        assertTrue(loop.stop(Duration.ofSeconds(5)), "the loop stopped");
    }

    /** Holds the loop until the test lets it go (or 10 s pass). */
    private void holdTheLoop() {
        loop.post(() -> {
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void aQuestionNotAnsweredInTimeIsWithdrawn() throws Exception {
        holdTheLoop();
        AtomicBoolean ran = new AtomicBoolean();
        assertThrows(TimeoutException.class, () -> loop.ask(() -> ran.getAndSet(true), Duration.ofMillis(100)));
        release.countDown();
        assertEquals("after", loop.ask(() -> "after", Duration.ofSeconds(5)));
        assertEquals(false, ran.get(), "the withdrawn question never ran");
    }

    @Test
    void aTaskAwaitedTooLongStillRunsOnceTheLoopIsFree() throws Exception {
        holdTheLoop();
        AtomicBoolean drained = new AtomicBoolean();
        assertThrows(TimeoutException.class, () -> loop.await(() -> drained.getAndSet(true), Duration.ofMillis(100)));
        release.countDown();
        assertEquals("after", loop.ask(() -> "after", Duration.ofSeconds(5)));
        assertTrue(drained.get(), "the stop's drain runs late rather than never");
    }

    @Test
    void aFailingTaskDoesNotEndTheLoopAndAFailingQuestionSaysWhy() throws Exception {
        loop.post(() -> {
            throw new IllegalStateException("a bug in one turn");
        });
        assertEquals(Optional.of(42), loop.tryAsk(() -> 42, Duration.ofSeconds(5)));
        IllegalStateException failure = assertThrows(IllegalStateException.class,
                () -> loop.ask(() -> {
                    throw new IllegalStateException("no such address");
                }, Duration.ofSeconds(5)));
        assertEquals("no such address", failure.getMessage());
        assertEquals(Optional.empty(), loop.tryAsk(() -> {
            throw new IllegalStateException("no");
        }, Duration.ofSeconds(5)));
    }

    @Test
    void theHookRunsOnTheLoopAfterEveryKindOfTaskEvenAFailingOne() throws Exception {
        List<String> seen = new CopyOnWriteArrayList<>();
        loop.afterEveryTask(() -> seen.add("hook on " + Thread.currentThread().getName()));
        loop.post(() -> seen.add("posted"));
        loop.post(() -> {
            throw new IllegalStateException("a bug in one turn");
        });
        CountDownLatch later = new CountDownLatch(1);
        loop.later(Duration.ofMillis(10), later::countDown);
        assertTrue(later.await(5, TimeUnit.SECONDS), "the delayed task ran");
        loop.ask(() -> seen.add("asked"), Duration.ofSeconds(5));
        String hook = "hook on agent-loop";
        assertEquals(List.of("posted", hook, hook, hook, "asked", hook), seen);
    }
}
