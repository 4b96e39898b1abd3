package org.sagent.agent.health.samba;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.sagent.agent.health.CheckOutcome;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.health.ocfs2.MountTableParser;
import org.sagent.netlink.lab.NetnsLab;

/**
 * The Samba check by unit reads a real kernel cgroup: a process in it makes the check pass
 * without asking systemd; once the process is gone, {@code systemctl is-active} decides (and
 * says the made-up unit is not active, on any machine).
 */
class SambaUnitCgroupIT {

    @Test
    void liveProcessesInTheUnitsCgroupPassWithoutAskingSystemd() throws Exception {
        NetnsLab.requireRoot();
        Path root = UnitCgroup.cgroup2Root(MountTableParser.parse(Files.readString(Path.of("/proc/self/mountinfo"))))
                .orElseThrow(() -> new IllegalStateException("no cgroup2 hierarchy mounted: the kernel test needs one"));
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path parent = root.resolve("sagent-it-" + id);
        String unit = "sagent-it-smbd-" + id + ".service";
        Path cgroup = parent.resolve(unit);
        Process sleeper = null;
        try {
            Files.createDirectories(cgroup);
            SambaCheck check = SambaCheck.unit(unit, Optional.of(UnitCgroup.at(cgroup)), Duration.ofSeconds(5),
                    new CommandRunner());

            CheckOutcome empty = check.check();
            assertFalse(empty.passed(), empty.reason());
            assertTrue(empty.reason().startsWith(unit + " is "), empty.reason()); // systemctl's verdict

            sleeper = new ProcessBuilder("sleep", "60").start();
            Files.writeString(cgroup.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
            CheckOutcome running = check.check();
            assertTrue(running.passed(), running.reason());
            assertEquals(unit + " is running (live processes in " + cgroup + ")", running.reason());

            sleeper.destroy();
            assertTrue(sleeper.waitFor(10, TimeUnit.SECONDS), "sleep did not end");
            CheckOutcome after = awaitFailure(check);
            assertTrue(after.reason().startsWith(unit + " is "), after.reason());
        } finally {
            if (sleeper != null) {
                sleeper.destroyForcibly();
                sleeper.waitFor(10, TimeUnit.SECONDS);
            }
            Files.deleteIfExists(cgroup); // rmdir of an empty cgroup
            Files.deleteIfExists(parent);
        }
        assertFalse(Files.exists(parent), "the test's cgroup is left behind: " + parent);
    }

    /** The kernel updates cgroup.events once the exit is reaped: a few tries, bounded. */
    private static CheckOutcome awaitFailure(SambaCheck check) throws InterruptedException {
        CheckOutcome outcome = check.check();
        for (int i = 0; i < 50 && outcome.passed(); i++) {
            Thread.sleep(100);
            outcome = check.check();
        }
        assertFalse(outcome.passed(), "still passing 5 s after the unit's last process ended: " + outcome.reason());
        return outcome;
    }
}
