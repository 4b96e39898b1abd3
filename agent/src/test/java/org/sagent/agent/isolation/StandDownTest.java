package org.sagent.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.config.IsolationSettings;
import org.sagent.agent.health.CommandRunner;

/** The stand-down's order (spec 7.3), with the agent's edges recorded instead of acted on. */
class StandDownTest {

    @TempDir
    Path dir;

    private final List<String> calls = new ArrayList<>();
    private int held = 2;
    private boolean acknowledged;

    private final StandDown.Steps steps = new StandDown.Steps() {
        @Override
        public void fence(String reason) {
            calls.add("fence: " + reason);
        }

        @Override
        public int held() {
            return held > 0 ? held-- : 0; // released over two polls
        }

        @Override
        public void stoodDown(String reason) {
            calls.add("stood down, record present: " + Files.exists(dir.resolve("fenced")));
            acknowledged = true;
        }

        @Override
        public boolean acknowledged() {
            return acknowledged;
        }

        @Override
        public CommandRunner.Result run(List<String> command, Duration timeout) {
            calls.add(String.join(" ", command));
            return new CommandRunner.Result(0, command.contains("is-active") ? "inactive\n" : "", false);
        }

        @Override
        public void reboot() {
            calls.add("reboot");
        }

        @Override
        public void sleep(Duration duration) {
        }
    };

    @Test
    void releasesRecordsTellsTheWinnerStopsSambaThenReboots() throws Exception {
        new StandDown(steps, IsolationSettings.Action.REBOOT, Optional.of("smbd.service"), dir.resolve("fenced"))
                .run("s0", "s0 keeps writing: lower node number", "sstorage");
        // Samba after the claim: the winner's I/O is frozen until the claim, and nothing on the
        // winner waits for smbd to stop (seconds on a frozen share).
        assertEquals(List.of("fence: stood down for s0 (s0 keeps writing: lower node number)",
                "stood down, record present: true",
                "systemctl stop --no-block smbd.service", "systemctl is-active smbd.service", "reboot"), calls);
        String record = Files.readString(dir.resolve("fenced"));
        assertTrue(record.contains("\"peer\":\"s0\"") && record.contains("\"resource\":\"sstorage\""), record);
        assertEquals("s0", FenceRecord.read(dir.resolve("fenced")).orElseThrow().peer());
    }

    @Test
    void stayFrozenDoesEverythingButTheReboot() throws Exception {
        new StandDown(steps, IsolationSettings.Action.STAY_FROZEN, Optional.empty(), dir.resolve("fenced"))
                .run("s0", "reason", "");
        assertEquals(List.of("fence: stood down for s0 (reason)", "stood down, record present: true"), calls);
    }

    @Test
    void withoutARecordOnDiskItClaimsNothingAndDoesNotReboot() throws Exception {
        // The record's place is a directory: the write fails as a full or read-only disk would.
        Files.createDirectories(dir.resolve("fenced"));
        new StandDown(steps, IsolationSettings.Action.REBOOT, Optional.of("smbd.service"), dir.resolve("fenced"))
                .run("s0", "s0 keeps writing: lower node number", "sstorage");
        assertEquals(List.of("fence: stood down for s0 (s0 keeps writing: lower node number)",
                "systemctl stop --no-block smbd.service", "systemctl is-active smbd.service"), calls,
                "released and Samba stopped, but no stand-down claimed and no reboot: it stays frozen");
    }

    @Test
    void anUnreadableRecordStillFences() throws Exception {
        Files.writeString(dir.resolve("fenced"), "{ half");
        FenceRecord record = FenceRecord.read(dir.resolve("fenced")).orElseThrow();
        assertTrue(record.reason().startsWith("unreadable fence record"), record.toString());
        assertEquals(Optional.empty(), FenceRecord.read(dir.resolve("absent")));
    }
}
