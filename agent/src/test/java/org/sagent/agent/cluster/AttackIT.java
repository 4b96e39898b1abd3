package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.membership.Impostor;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;

/**
 * An attacker on the LAN (the client namespace) against two real agents: it joins the groups as
 * a configured node with the agents' own stack, forges every kind of state, and replays a capture
 * of real traffic. Nothing may move and the agents keep their view. docs/attacks.md lists the
 * attacks and the tests that try them.
 */
class AttackIT {

    private static final Duration ATTACK = Duration.ofSeconds(6);

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    /**
     * One cluster for both attacks (each cluster start costs the suite seconds): first hosts
     * without the secret, then a replay by a host with the group key.
     */
    @Test
    void impostorsOnTheLanMoveNothing() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto").twoNodesHome();
        aHostWithoutTheSecretJoinsNeitherPathAndItsForgeriesMoveNothing(cluster);
        aCaptureOfEarlierStatesReplayedUnderTheSendersNameIsRefused(cluster);
    }

    private void aHostWithoutTheSecretJoinsNeitherPathAndItsForgeriesMoveNothing(ClusterLab cluster)
            throws Exception {
        // Linux takes packets for the replication addresses on eth1 too (weak host model): the
        // attacker routes to them through s0's LAN address, as the attack did.
        lab.ip(cluster.client, "route", "add", "192.0.2.0/24", "via", "198.51.100.20").orFail("route to s0");
        Path ownSecret = dir.resolve("attacker-secret");
        Files.writeString(ownSecret, "not-the-cluster-secret-0123456789\n");

        // One address per impostor: each binds the port the agents use. JGroups' failure
        // detection binds port + 100 on every address, so the second on 7800 gets a host of its own.
        lab.address(cluster.client, "eth1", "198.51.100.101/24");
        lab.address(cluster.client, "eth1", "198.51.100.102/24");
        NetnsLab.Netns intruder = lab.namespace("intruder");
        lab.plug(intruder, "eth1", cluster.lan);
        lab.address(intruder, "eth1", "198.51.100.103/24");
        lab.ip(intruder, "route", "add", "192.0.2.0/24", "via", "198.51.100.20").orFail("route to s0");
        List<LabProcess> attackers = List.of(
                impostor(cluster, "forge", "198.51.100.101", ownSecret, "7800", "labcluster", "192.0.2.10,192.0.2.11"),
                impostor(cluster, "forge", "198.51.100.102", ownSecret, "7801", "labcluster-lan",
                        "198.51.100.20,198.51.100.21"),
                // the stack as it was, without encryption
                lab.startJava(intruder, Impostor.class, "plain", "s1", ownSecret.toString(), "198.51.100.103", "7800",
                        "labcluster", "192.0.2.10,192.0.2.11", Long.toString(ATTACK.toSeconds()), "-"));
        cluster.assertStable(ATTACK, ClusterLab.FIRST, ClusterLab.SECOND);
        for (LabProcess attacker : attackers) {
            assertNeverInAViewWithS0(attacker);
        }
        for (String node : List.of("s0", "s1")) {
            assertTrue(cluster.seesView(node, "s0, s1"), node + " still sees s0 and s1 only");
        }
        assertEquals(List.of("s0"), cluster.statusOf("s0", ClusterLab.PUBLIC_0).orElseThrow().holders(),
                "s0's status still says s0 holds .120");
        assertEquals(List.of("s1"), cluster.statusOf("s0", ClusterLab.PUBLIC_1).orElseThrow().holders());
    }

    private void aCaptureOfEarlierStatesReplayedUnderTheSendersNameIsRefused(ClusterLab cluster) throws Exception {
        Path secret = dir.resolve("secret");
        Path capture = dir.resolve("capture");
        // The capture holds the states in the clear, which a real attacker does not even have
        // (it sees SYM_ENCRYPT's ciphertext): the freshness checks must refuse them all the same.
        LabProcess recorder = impostor(cluster, "record", "198.51.100.100", secret, "7801", "labcluster-lan",
                "198.51.100.20,198.51.100.21", "8", capture.toString());
        recorder.awaitLine(line -> line.startsWith("view: ") && line.contains("s1"), "the recorder in the view",
                Duration.ofSeconds(20));
        cluster.setHealthy("s1", false);
        cluster.await(() -> cluster.held("s0").equals(ClusterLab.BOTH), Duration.ofSeconds(10),
                "s0 serving s1's address while s1 is unhealthy");
        String recorded = recorder.awaitLine(line -> line.startsWith("recorded: "), "the capture",
                Duration.ofSeconds(30));
        assertTrue(Integer.parseInt(recorded.substring("recorded: ".length())) > 2, recorded);

        cluster.setHealthy("s1", true);
        cluster.await(() -> cluster.held("s0").equals(ClusterLab.FIRST) && cluster.held("s1").equals(ClusterLab.SECOND),
                Duration.ofSeconds(20), "s1 healthy again and back home");

        LabProcess replayer = impostor(cluster, "replay", "198.51.100.101", secret, "7801", "labcluster-lan",
                "198.51.100.20,198.51.100.21", Long.toString(ATTACK.toSeconds()), capture.toString());
        replayer.awaitLine(line -> line.startsWith("view: ") && line.contains("s0"),
                "the replayer (it holds the group key) admitted by JGroups", Duration.ofSeconds(20));
        cluster.assertStable(ATTACK, ClusterLab.FIRST, ClusterLab.SECOND);
        String sent = replayer.awaitLine(line -> line.startsWith("sent: "), "the replay's end", Duration.ofSeconds(30));
        assertTrue(Long.parseLong(sent.substring("sent: ".length())) > 50, sent);
        assertFalse(cluster.logLines("s0", "ignored on the lan path: a state from s1 that is not fresh").isEmpty(),
                "s0 refused the replayed states as not fresh");
        assertEquals("OK", cluster.statusOfNode("s0", "s1").orElseThrow().state(), "s0 still takes s1 for healthy");
    }

    private static void assertNeverInAViewWithS0(LabProcess attacker) throws InterruptedException {
        attacker.awaitLine(line -> line.startsWith("sent: "), "the impostor's end", Duration.ofSeconds(30));
        assertFalse(attacker.stdout().stream().anyMatch(line -> line.startsWith("view: ") && line.contains("s0")),
                "a host without the secret never got into a view with s0: " + attacker.stdout());
    }

    /** An impostor calling itself s1, in the client namespace at {@code bind}. */
    private LabProcess impostor(ClusterLab cluster, String mode, String bind, Path secret, String port, String group,
                                String hosts) {
        return impostor(cluster, mode, bind, secret, port, group, hosts, Long.toString(ATTACK.toSeconds()), "-");
    }

    private LabProcess impostor(ClusterLab cluster, String mode, String bind, Path secret, String port, String group,
                                String hosts, String seconds, String file) {
        return lab.startJava(cluster.client, Impostor.class, mode, "s1", secret.toString(), bind, port, group, hosts,
                seconds, file);
    }
}
