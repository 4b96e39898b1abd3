package org.sagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.config.TestSecret;

/**
 * {@code sagent doctor} as an administrator runs it, on DRBD dumps captured on the reference VMs
 * (fixtures/vm-drbd84) and an o2cb configfs directory laid out as the VMs' (vm-ocfs2/configfs-cluster-tree-mounted.txt).
 */
class DoctorCommandTest {

    private static String resource(String name) throws Exception {
        return Path.of(DoctorCommandTest.class.getResource(name).toURI()).toString();
    }

    /** o2cb's configfs for cluster scluster with the given threshold and o2net addresses. */
    private static Path configfs(Path root, int threshold, String s0, String s1) throws Exception {
        Path c = root.resolve("scluster");
        Files.createDirectories(c.resolve("heartbeat"));
        Files.writeString(c.resolve("heartbeat/dead_threshold"), threshold + "\n");
        Files.writeString(c.resolve("idle_timeout_ms"), "30000\n");
        Files.writeString(c.resolve("keepalive_delay_ms"), "2000\n");
        for (String[] node : new String[][] {{"s0", s0}, {"s1", s1}}) {
            Files.createDirectories(c.resolve("node/" + node[0]));
            Files.writeString(c.resolve("node/" + node[0] + "/ipv4_address"), node[1] + "\n");
        }
        return root;
    }

    @Test
    void theTestBedsDefaultsAreAdviceNotErrors(@TempDir Path root) throws Exception {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("doctor", "--config", TestSecret.goodConfig().toString(),
                "--drbd-dump", resource("/fixtures/vm-drbd84/drbdadm-84-dump-sstorage-fencing.txt"),
                "--o2cb-configfs", configfs(root, 31, "192.0.2.10", "192.0.2.11").toString());
        // fencing is complete in that dump; the isolation: section is missing from good.yaml (a warning)
        assertEquals(ExitCodes.OK, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("Tuning for fast failover (README): advice, not errors\n"), run.out());
        assertTrue(run.out().contains("tuning: sstorage: ping-int is 10 s"), run.out());
        assertTrue(run.out().contains("tuning: o2cb heartbeat dead threshold is 31"), run.out());
        assertTrue(run.out().contains("tuning: o2net of o2cb node s0 runs over 192.0.2.10, the replication link"), run.out());
    }

    @Test
    void settingsAsRecommendedAreAllOk(@TempDir Path root) throws Exception {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("doctor", "--config", TestSecret.goodConfig().toString(),
                "--drbd-dump", resource("/fixtures/vm-drbd84/drbdsetup-84-show-tuned.txt"),
                "--o2cb-configfs", configfs(root, 11, "198.51.100.20", "198.51.100.21").toString());
        String tuning = run.out().substring(run.out().indexOf("Tuning for fast failover"));
        assertTrue(!tuning.contains("tuning:"), tuning);
        assertTrue(tuning.contains("ok: o2net of o2cb node s1 runs over the LAN (198.51.100.21)"), tuning);
        assertTrue(tuning.contains("ok: o2cb heartbeat dead threshold 11 (20 s)"), tuning);
    }

    @Test
    void aThresholdTheSurvivorCannotMeetIsAnError(@TempDir Path root) throws Exception {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("doctor", "--config", TestSecret.goodConfig().toString(),
                "--drbd-dump", resource("/fixtures/vm-drbd84/drbdadm-84-dump-sstorage-fencing.txt"),
                "--o2cb-configfs", configfs(root, 11, "198.51.100.20", "198.51.100.21").toString());
        assertEquals(ExitCodes.FAILED, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("error: o2cb heartbeat dead threshold 11 (20 s) is too short for sstorage's "
                + "ping-int 10 s"), run.err());
    }

    /**
     * The doctor with good.yaml plus an isolation: section (its default 30 s handler-deadline), on
     * DRBD tuned and fenced as README says, with o2net on the LAN and the given heartbeat threshold.
     */
    private static CheckConfigCommandTest.Run doctorWithIsolation(Path root, int threshold) throws Exception {
        return doctorWithIsolation(root, threshold, "1s", "");
    }

    /** The same with good.yaml's failure-timeout replaced and more lines in the isolation: section. */
    private static CheckConfigCommandTest.Run doctorWithIsolation(Path root, int threshold, String failureTimeout,
                                                                  String isolationLines) throws Exception {
        Path config = root.resolve("isolated.yaml");
        Files.writeString(config, Files.readString(TestSecret.goodConfig())
                .replace("failure-timeout: 1s", "failure-timeout: " + failureTimeout)
                + "isolation:\n  witnesses: [198.51.100.100]\n" + isolationLines);
        return CheckConfigCommandTest.sagent("doctor", "--config", config.toString(),
                "--drbd-dump", resource("/fixtures/vm-drbd84/drbdadm-84-dump-sstorage-fencing-tuned.txt"),
                "--o2cb-configfs", configfs(root.resolve("configfs"), threshold, "198.51.100.20", "198.51.100.21").toString());
    }

    @Test
    void withIsolationTheHandlersDeadlineRaisesTheRecommendedThreshold(@TempDir Path root) throws Exception {
        // threshold 11: right without isolation, an error with the isolation's default 30 s handler-deadline
        CheckConfigCommandTest.Run run = doctorWithIsolation(root, 11);
        assertEquals(ExitCodes.FAILED, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("error: o2cb heartbeat dead threshold 11 (20 s) is not longer than sstorage's "
                + "worst DRBD detection"), run.err());
        assertTrue(run.err().contains("raise O2CB_HEARTBEAT_THRESHOLD to at least 20"), run.err());
        assertTrue(run.out().contains("tuning: o2cb heartbeat dead threshold is 11 (20 s): shorter than DRBD's "
                + "detection of a lost peer plus the fence-peer handler's deadline"), run.out());
        assertTrue(run.out().contains("README recommends 20 with isolation.handler-deadline 30 s"), run.out());
        assertTrue(run.out().contains("ok: isolation.drbd-disconnect-after 1s: the agent tells DRBD of a dead peer or "
                + "a cut cable itself"), run.out());
    }

    @Test
    void aSilentPeersWaitThatOutlastsTheHeartbeatIsAnError(@TempDir Path root) throws Exception {
        // the reference VMs' F16 that reset the winner: 3 s + 6 s + 12 s against threshold 11's 20 s
        CheckConfigCommandTest.Run run = doctorWithIsolation(root, 11, "3s",
                "  handler-deadline: 12s\n  peer-silence: 6s\n");
        assertEquals(ExitCodes.FAILED, run.status(), run.out() + run.err());
        assertTrue(run.err().contains("error: o2cb heartbeat dead threshold 11 (20 s) is not longer than "
                + "failover.failure-timeout (3s) plus isolation.peer-silence (6s) plus isolation.handler-deadline (12s)"),
                run.err());
        assertTrue(!run.err().contains("worst DRBD detection"), "7 + 12 s fit: only the silence is wrong: " + run.err());
        // README's recommendation: 1 s + 3 s + 12 s
        CheckConfigCommandTest.Run recommended = doctorWithIsolation(Files.createDirectory(root.resolve("recommended")),
                11, "1s",
                "  handler-deadline: 12s\n");
        assertEquals(ExitCodes.OK, recommended.status(), recommended.out() + recommended.err());
    }

    @Test
    void withIsolationThreshold20IsAllOk(@TempDir Path root) throws Exception {
        CheckConfigCommandTest.Run run = doctorWithIsolation(root, 20);
        assertEquals(ExitCodes.OK, run.status(), run.out() + run.err());
        assertTrue(!run.err().contains("error:"), run.err());
        assertTrue(run.out().contains("ok: o2cb heartbeat dead threshold 20 (38 s)"), run.out());
    }

    @Test
    void aStoppedO2cbIsSaidSo(@TempDir Path root) throws Exception {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("doctor", "--config", TestSecret.goodConfig().toString(),
                "--drbd-dump", resource("/fixtures/vm-drbd84/drbdadm-84-dump-sstorage-default.txt"),
                "--o2cb-configfs", root.toString());
        // the default dump has no fencing: only a note while good.yaml has no isolation: section
        assertEquals(ExitCodes.OK, run.status(), run.out() + run.err());
        assertTrue(run.out().contains("note: sstorage: fencing is dont-care"), run.out());
        assertTrue(run.out().contains("tuning: o2cb cluster scluster is not running"), run.out());
    }
}
