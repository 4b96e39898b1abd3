package org.sagent.agent.health.drbd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.health.CheckOutcome;

/**
 * The supervisor of {@code drbdsetup events2}, with a stand-in program that prints real
 * captured events2 lines: state known after the initial dump, changes delivered at once, a
 * dead stream reported as unknown and restarted.
 */
class DrbdEventStreamTest {

    private static void await(Supplier<Boolean> condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!condition.get()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("never happened within 10 s: " + what);
            }
            Thread.sleep(10);
        }
    }

    @Test
    void followsTheStreamAndRestartsItWhenItDies(@TempDir Path dir) throws Exception {
        Path capture = Path.of(getClass().getResource("/fixtures/vm-drbd84/drbdsetup-84-events2-now-primary-primary.txt")
                .toURI());
        Path runs = dir.resolve("runs");
        Path fake = dir.resolve("drbdsetup");
        // Run 1: the real initial dump, then the peer's disk goes Outdated, then the stream dies.
        // Run 2 (the restart): the initial dump again, and it stays.
        Files.writeString(fake, "#!/bin/sh\n"
                + "echo run >> " + runs + "\n"
                + "[ \"$1 $2 $3 $4\" = \"events2 --timestamps --statistics all\" ] || { echo bad arguments; exit 2; }\n"
                + "sed 's/^/2026-11-25T12:00:00.000000+00:00 /' " + capture + "\n"
                + "if [ $(wc -l < " + runs + ") -eq 1 ]; then\n"
                + "  sleep 0.3\n"
                + "  echo '2026-11-25T12:00:01.000000+00:00 change peer-device name:sstorage peer-node-id:0 conn-name:peer "
                + "volume:0 replication:Established peer-disk:Outdated'\n"
                + "  sleep 0.3\n  exit 5\n"
                + "fi\n"
                + "exec sleep 30\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwx------"));

        List<String> changes = new CopyOnWriteArrayList<>();
        try (DrbdEventStream stream = new DrbdEventStream(fake.toString(), changes::add)) {
            DrbdCheck check = new DrbdCheck("sstorage", stream);
            assertInstanceOf(DrbdEventStream.Reading.Unknown.class, stream.read("sstorage"));
            stream.start();

            await(() -> check.check().passed() && !check.check().degraded(), "UpToDate from the initial dump");
            await(() -> check.check().degraded(), "the peer's Outdated disk");
            assertTrue(check.check().reason().contains("the peer is Outdated"), check.check().reason());
            assertTrue(changes.contains("sstorage"), changes.toString());

            await(() -> !check.check().passed(), "the stream's death");
            CheckOutcome down = check.check();
            assertTrue(down.reason().startsWith("DRBD state unknown: drbdsetup events2 exited with status 5; restarting in 1 s"),
                    down.reason());
            await(() -> check.check().passed(), "the restarted stream's state");
            assertEquals(2, Files.readAllLines(runs).size());
        }
    }

    @Test
    void aMissingProgramIsReportedWithItsName(@TempDir Path dir) throws Exception {
        try (DrbdEventStream stream = new DrbdEventStream(dir.resolve("no-drbdsetup").toString(), r -> { })) {
            stream.start();
            DrbdCheck check = new DrbdCheck("sstorage", stream);
            await(() -> check.check().reason().contains("cannot run"), "a reason naming the program");
            assertTrue(check.check().reason().contains("no-drbdsetup"), check.check().reason());
        }
    }
}
