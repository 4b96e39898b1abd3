package org.sagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A task that holds the event loop too long is reported once, with where it is. */
class LoopStallWatchTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void aLongTaskIsReportedOnceAndAShortOneNever() {
        LoopStallWatch watch = new LoopStallWatch(Duration.ofSeconds(2));
        assertEquals(Optional.empty(), watch.overdue(100 * SECOND), "idle");

        watch.begin(100 * SECOND);
        assertEquals(Optional.empty(), watch.overdue(101 * SECOND));
        assertEquals(Optional.of(Duration.ofMillis(2500)), watch.overdue(102 * SECOND + SECOND / 2));
        assertEquals(Optional.empty(), watch.overdue(104 * SECOND), "the same task is reported once");
        watch.end();
        assertEquals(Optional.empty(), watch.overdue(110 * SECOND));

        watch.begin(110 * SECOND);
        watch.end();
        watch.begin(111 * SECOND);
        assertEquals(Optional.of(Duration.ofSeconds(3)), watch.overdue(114 * SECOND), "a later task is its own");
    }

    @Test
    void theReportNamesTheMethodHoldingTheThread() throws Exception {
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread loop = new Thread(() -> holdTheLoop(inside, release), "test-loop");
        loop.start();
        try {
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            String where = LoopStallWatch.where(loop.getStackTrace());
            assertTrue(where.contains("LoopStallWatchTest.holdTheLoop"), where);
            assertTrue(where.split(" < ").length <= LoopStallWatch.FRAMES, where);
        } finally {
            release.countDown();
            loop.join(10_000);
        }
    }

    @Test
    void theLoopItMakesTimesSubmittedTasks() throws Exception {
        LoopStallWatch watch = new LoopStallWatch(Duration.ofMillis(50));
        ScheduledExecutorService loop = watch.newLoop("test-agent-loop");
        CountDownLatch inside = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        try {
            Future<?> held = loop.submit(() -> holdTheLoop(inside, release));
            assertTrue(inside.await(10, TimeUnit.SECONDS));
            Optional<Duration> busy = Optional.empty();
            for (int i = 0; i < 100 && busy.isEmpty(); i++) { // at most 5 s
                Thread.sleep(50);
                busy = watch.overdue(System.nanoTime());
            }
            assertTrue(busy.isPresent(), "a submitted task holding the loop past the threshold is reported");
            assertTrue(busy.get().compareTo(Duration.ofMillis(50)) >= 0, busy.toString());
            Thread thread = watch.loopThread();
            assertNotNull(thread);
            assertEquals("test-agent-loop", thread.getName());
            assertTrue(LoopStallWatch.where(thread.getStackTrace()).contains("LoopStallWatchTest.holdTheLoop"));

            release.countDown();
            held.get(10, TimeUnit.SECONDS);
            loop.submit(() -> { }).get(10, TimeUnit.SECONDS); // a short task, not yet reported
        } finally {
            release.countDown();
            loop.shutdown();
            assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        }
        // Terminated, so the short task's end has been recorded; asked as of twice the threshold
        // later, it would be reported if it had not.
        assertEquals(Optional.empty(), watch.overdue(System.nanoTime() + Duration.ofMillis(100).toNanos()),
                "a loop with no task running is not overdue");
    }

    private static void holdTheLoop(CountDownLatch inside, CountDownLatch release) {
        inside.countDown();
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
