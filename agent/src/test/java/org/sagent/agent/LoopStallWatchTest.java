package org.sagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
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

    private static void holdTheLoop(CountDownLatch inside, CountDownLatch release) {
        inside.countDown();
        try {
            release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
