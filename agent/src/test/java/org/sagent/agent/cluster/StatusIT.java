package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.NetnsLab;

/** {@code sagent status}, as an administrator runs it against real agents: running, and stopped. */
class StatusIT {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    private static final String S1_REACHABLE = "1   s1           192.0.2.11       OK            reachable";

    @Test
    void statusShowsEveryNodeAddressAndCheckAndSaysWhenTheAgentIsNotRunning() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto").twoNodesHome();
        // The LAN path's view comes on its own, after the replication view twoNodesHome waits for.
        cluster.await(() -> {
            NetnsLab.Result r = cluster.sagent("s0", "status");
            return r.exitCode() == 0 && r.stdout().contains(S1_REACHABLE);
        }, Duration.ofSeconds(20), "status exit 0 with s1 reachable on the LAN");

        NetnsLab.Result status = cluster.sagent("s0", "status");
        assertTrue(status.stdout().contains("0   s0           192.0.2.10       OK            this node"), status.stdout());
        assertTrue(status.stdout().contains(S1_REACHABLE), status.stdout());
        assertTrue(status.stdout().contains("198.51.100.120/24      eth1       s0           s0"), status.stdout());
        assertTrue(status.stdout().contains("198.51.100.121/24      eth1       s1           s1"), status.stdout());
        assertTrue(status.stdout().contains("script:test-input"), status.stdout());

        JsonNode json = new ObjectMapper().readTree(cluster.sagent("s1", "status", "--json").stdout());
        assertEquals("s1", json.path("node").asText());
        assertEquals("s1", json.path("addresses").get(1).path("holders").get(0).asText());

        // s0's administrator watches while s1 stops: the frames show s0 taking s1's address,
        // and s1's own watch goes on through its agent's end, saying it cannot be asked.
        org.sagent.netlink.lab.LabProcess watch0 = lab.startJava(cluster.servers.get("s0"),
                org.sagent.agent.cli.SagentCommand.class, "status", "--watch", "0.3",
                "--runtime-dir", dir.resolve("s0-run").toString());
        org.sagent.netlink.lab.LabProcess watch1 = lab.startJava(cluster.servers.get("s1"),
                org.sagent.agent.cli.SagentCommand.class, "status", "--watch", "0.3", "--json",
                "--runtime-dir", dir.resolve("s1-run").toString(), "--config", cluster.configOf("s1").toString());
        watch0.awaitLine(l -> l.startsWith("Every 0.3s: sagent status ") && l.endsWith("all OK"),
                "a first frame of s0's watch", Duration.ofSeconds(30));
        watch1.awaitLine(l -> l.startsWith("{\"node\":\"s1\""), "a first JSON frame of s1's watch", Duration.ofSeconds(30));
        // With the agent stopped, status says so and shows what the interfaces still carry.
        cluster.terminate("s1").awaitExit(Duration.ofSeconds(20));
        watch0.awaitLine(l -> l.equals("198.51.100.121/24      eth1       s1           s0"),
                "a frame with s0 holding s1's address", Duration.ofSeconds(20));
        watch1.awaitLine(l -> l.startsWith("{\"ok\":false,\"error\":\"the agent is not running"),
                "a JSON frame saying s1's agent is not running", Duration.ofSeconds(20));
        assertTrue(watch0.isAlive() && watch1.isAlive(), "a watch runs until it is interrupted");
        watch0.stop(Duration.ofSeconds(5));
        watch1.stop(Duration.ofSeconds(5));
        NetnsLab.Result down = cluster.sagent("s1", "status", "--config", cluster.configOf("s1").toString());
        assertEquals(3, down.exitCode(), "the agent cannot be asked: not 2, which is wrong usage");
        assertTrue(down.stderr().contains("the agent is not running"), down.stderr());
        assertTrue(down.stdout().contains("198.51.100.121/24      eth1       absent"), down.stdout());
    }
}
