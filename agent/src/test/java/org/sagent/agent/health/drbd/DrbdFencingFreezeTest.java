package org.sagent.agent.health.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.health.CheckOutcome;

/**
 * DRBD's I/O freeze for fencing is the cut's consequence, not a fault of the node: the check
 * fails (nothing can be written) but says the node is fit apart from it, which an arbitration
 * uses for "healthy at the cut". On the reference VMs' capture of a node frozen 25 s into a cut.
 */
class DrbdFencingFreezeTest {

    private static String capture(String name) throws Exception {
        return Files.readString(DrbdFixtureVerdictsTest.fixtures().resolve("vm-fence-peer/r3-s0exit7-s1never/" + name));
    }

    private static Optional<DrbdResourceStatus> status(String events2) {
        return DrbdEvents2State.of(events2).resource("sstorage");
    }

    @Test
    void aPrimaryUpToDateNodeFrozenForFencingIsFitButForTheFreeze() throws Exception {
        String frozen = capture("drbdsetup-events2-now-cut-25s-s1.txt");
        assertTrue(frozen.contains("suspended:fencing"), "the capture is of a frozen node");
        DrbdVerdict verdict = DrbdJudge.judge("sstorage", status(frozen));
        assertFalse(verdict.healthy(), "nothing can be written while frozen: " + verdict);
        assertEquals("Suspended", verdict.state());
        assertTrue(DrbdJudge.fitButForFencingFreeze("sstorage", status(frozen)));
    }

    @Test
    void aFreezeForAnotherReasonOrOverABadDiskCountsAsItIs() throws Exception {
        String frozen = capture("drbdsetup-events2-now-cut-25s-s1.txt");
        assertFalse(DrbdJudge.fitButForFencingFreeze("sstorage",
                status(frozen.replace("suspended:fencing", "suspended:user"))), "suspended by hand");
        assertFalse(DrbdJudge.fitButForFencingFreeze("sstorage",
                status(frozen.replace(" disk:UpToDate", " disk:Outdated"))), "frozen over an Outdated disk");
        assertFalse(DrbdJudge.fitButForFencingFreeze("sstorage",
                status(frozen.replace("role:Primary", "role:Secondary"))), "frozen as Secondary");
        String flowing = capture("drbdsetup-events2-now-cut-25s-s0.txt");
        assertFalse(DrbdJudge.fitButForFencingFreeze("sstorage", status(flowing)), "I/O flows: no freeze to set aside");
        assertFalse(DrbdJudge.fitButForFencingFreeze("sstorage", Optional.empty()), "not configured");
    }

    @Test
    void theCheckSaysSoInItsOutcome(@TempDir Path dir) throws Exception {
        Path capture = DrbdFixtureVerdictsTest.fixtures().resolve(
                "vm-fence-peer/r3-s0exit7-s1never/drbdsetup-events2-now-cut-25s-s1.txt");
        Path fake = dir.resolve("drbdsetup");
        Files.writeString(fake, "#!/bin/sh\nsed 's/^/2026-11-25T12:00:00.000000+00:00 /' " + capture
                + "\nexec sleep 30\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));
        try (DrbdEventStream stream = new DrbdEventStream(fake.toString(), r -> { })) {
            DrbdCheck check = new DrbdCheck("sstorage", stream);
            stream.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (stream.read("sstorage") instanceof DrbdEventStream.Reading.Unknown && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            CheckOutcome outcome = check.check();
            assertFalse(outcome.passed(), outcome.toString());
            assertTrue(outcome.frozenForFencing(), outcome.toString());
        }
    }
}
