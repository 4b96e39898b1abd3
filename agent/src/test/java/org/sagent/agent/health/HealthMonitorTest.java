package org.sagent.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.FileInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.health.ocfs2.Ocfs2Check;
import org.sagent.agent.time.MonotonicClock;

/** The monitor with real threads and short intervals: hysteresis, timeouts, and a write that hangs in the kernel. */
class HealthMonitorTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    private final AtomicReference<HealthView> latest = new AtomicReference<>();

    private HealthView await(Predicate<HealthView> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            HealthView view = latest.get();
            if (view != null && wanted.test(view)) {
                return view;
            }
            Thread.sleep(10);
        }
        throw new AssertionError("never saw " + what + " within " + WAIT.toMillis() + " ms; last view: "
                + (latest.get() == null ? "none" : latest.get().summary()));
    }

    private static CheckState state(HealthView view, String name) {
        return view.checks().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** A check whose answer the test sets: the edge of the unit under test, not a stand-in for the kernel. */
    private static class Switch implements HealthCheck {
        final AtomicBoolean up = new AtomicBoolean(true);
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public String name() {
            return "switch";
        }

        @Override
        public CheckOutcome check() {
            runs.incrementAndGet();
            return up.get() ? CheckOutcome.pass("on") : CheckOutcome.fail("off");
        }
    }

    @Test
    void opensTheGateAfterRiseAndFallsAfterFall() throws Exception {
        Switch check = new Switch();
        try (HealthMonitor monitor = new HealthMonitor(List.of(check), Duration.ofMillis(50), Duration.ofMillis(50), 2, 3,
                MonotonicClock.system(), latest::set)) {
            monitor.start();
            HealthView open = await(HealthView::gateOpen, "the gate open");
            assertTrue(check.runs.get() >= 2);
            assertEquals(HealthView.NodeHealth.OK, open.nodeHealth());
            check.up.set(false);
            HealthView down = await(v -> v.nodeHealth() == HealthView.NodeHealth.UNHEALTHY, "the node unhealthy");
            assertEquals(3, state(down, "switch").failuresInRow());
        }
    }

    @Test
    void aCheckWhoseFailureIsAFactFailsAtOnceButRisesAsUsual() throws Exception {
        Switch check = new Switch() {
            @Override
            public boolean failsAtOnce() {
                return true;
            }
        };
        List<HealthView> views = new java.util.concurrent.CopyOnWriteArrayList<>();
        // A long interval: after the first, the only runs are the ones the test asks for.
        try (HealthMonitor monitor = new HealthMonitor(List.of(check), Duration.ofSeconds(60), Duration.ofSeconds(1), 2,
                3, MonotonicClock.system(), v -> {
                    views.add(v);
                    latest.set(v);
                })) {
            monitor.start();
            poke(monitor, HealthView::gateOpen, "the gate open after two passes");
            check.up.set(false);
            poke(monitor, v -> v.nodeHealth() == HealthView.NodeHealth.UNHEALTHY, "the node unhealthy");
            HealthView firstDown = views.stream().filter(v -> v.nodeHealth() == HealthView.NodeHealth.UNHEALTHY)
                    .findFirst().orElseThrow();
            assertEquals(1, state(firstDown, "switch").failuresInRow(), "one failure is enough, fall is 3");
            check.up.set(true);
            poke(monitor, v -> state(v, "switch").passesInRow() >= 1, "a pass");
            HealthView firstPass = views.stream().filter(v -> state(v, "switch").passesInRow() == 1).reduce((a, b) -> b)
                    .orElseThrow();
            assertEquals(HealthView.NodeHealth.UNHEALTHY, firstPass.nodeHealth(), "rise still needs two passes");
        }
    }

    @Test
    void theStartUpPassesComeAShortPauseApartNotAnIntervalApart() throws Exception {
        Switch check = new Switch();
        // An interval longer than the wait: the gate can only open through the quick start-up passes.
        try (HealthMonitor monitor = new HealthMonitor(List.of(check), Duration.ofSeconds(60), Duration.ofSeconds(1), 3,
                3, MonotonicClock.system(), latest::set)) {
            monitor.start();
            await(HealthView::gateOpen, "the gate open after three quick passes");
            assertEquals(3, check.runs.get(), "one run per pass the gate needed");
        }
    }

    /** Asks for runs (one at a time: a run in flight is not doubled) until {@code wanted} is seen. */
    private void poke(HealthMonitor monitor, Predicate<HealthView> wanted, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            HealthView view = latest.get();
            if (view != null && wanted.test(view)) {
                return;
            }
            monitor.runNow("switch");
            Thread.sleep(50);
        }
        throw new AssertionError("never saw " + what + " within " + WAIT.toMillis() + " ms");
    }

    @Test
    void aCheckThatThrowsFailsWithItsMessage() throws Exception {
        HealthCheck broken = new HealthCheck() {
            @Override
            public String name() {
                return "broken";
            }

            @Override
            public CheckOutcome check() throws Exception {
                throw new java.io.IOException("disk on fire");
            }
        };
        try (HealthMonitor monitor = new HealthMonitor(List.of(broken), Duration.ofMillis(50), Duration.ofMillis(50), 1, 1,
                MonotonicClock.system(), latest::set)) {
            monitor.start();
            HealthView view = await(v -> state(v, "broken").last().isPresent(), "a result");
            assertEquals("check failed: disk on fire", state(view, "broken").lastReason());
        }
    }

    /**
     * A FIFO with no reader stands in for a stuck OCFS2: opening it for writing blocks in the
     * kernel, as a write to a hung cluster filesystem does. The check must fail by timeout,
     * keep failing while it hangs, never start a second blocked write, leave other checks
     * running, and recover once the write returns.
     */
    @Test
    void aWriteThatHangsInTheKernelIsAFailureAndBlocksNothingElse(@TempDir Path dir) throws Exception {
        Path mount = Files.createDirectory(dir.resolve("mnt"));
        Path mountinfo = dir.resolve("mountinfo");
        Files.writeString(mountinfo, "131 28 147:0 / " + mount + " rw,relatime - ocfs2 /dev/drbd0 rw,heartbeat=local\n");
        Path configfs = dir.resolve("cluster");
        Files.createDirectories(configfs.resolve("scluster/node/s0"));
        Files.writeString(configfs.resolve("scluster/node/s0/local"), "1\n");
        Path probe = mount.resolve(".sagent-probe-s0");
        assertEquals(0, new ProcessBuilder("mkfifo", probe.toString()).start().waitFor(), "mkfifo");

        Switch other = new Switch();
        Ocfs2Check ocfs2 = new Ocfs2Check(mount, "scluster", mountinfo, configfs, ".sagent-probe-s0");
        try (HealthMonitor monitor = new HealthMonitor(List.of(ocfs2, other), Duration.ofMillis(100),
                Duration.ofMillis(150), 1, 2, MonotonicClock.system(), latest::set)) {
            monitor.start();
            HealthView hung = await(v -> state(v, "ocfs2").failuresInRow() >= 4, "four failures of the hung check");
            assertTrue(state(hung, "ocfs2").lastReason().startsWith("did not finish within 150 ms"),
                    state(hung, "ocfs2").lastReason());
            assertFalse(state(hung, "ocfs2").healthy());
            assertTrue(state(hung, "switch").healthy(), "the other check kept running");
            int otherRuns = other.runs.get();
            // The other check's worker may be busy at any instant; a second stuck write would keep
            // two busy all the time, so one moment with a single busy worker is the evidence.
            boolean oneStuck = false;
            for (int i = 0; i < 50 && !oneStuck; i++) {
                oneStuck = monitor.busyWorkers() == 1;
                if (!oneStuck) {
                    Thread.sleep(20);
                }
            }
            assertTrue(oneStuck, "exactly one thread is stuck (no second write was started); busy now: "
                    + monitor.busyWorkers());

            // The "filesystem" comes back: a reader lets the blocked open and write finish.
            try (FileInputStream reader = new FileInputStream(probe.toFile())) {
                byte[] buffer = new byte[4096];
                while (reader.read(buffer) >= 0) {
                    // drain until the writer closes
                }
            }
            HealthView recovered = await(v -> state(v, "ocfs2").healthy(), "the check healthy again");
            assertTrue(state(recovered, "ocfs2").lastReason().contains("write+fsync+delete took"),
                    state(recovered, "ocfs2").lastReason());
            assertTrue(other.runs.get() > otherRuns);
        }
    }
}
