package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.NetnsLab;

/** {@code sagent status}, {@code disable} and {@code enable} against real agents, as an administrator runs them. */
class OperationsIT {

    private static final Duration START = Duration.ofSeconds(40);
    private static final Set<String> FIRST = Set.of(ClusterLab.PUBLIC_0);
    private static final Set<String> SECOND = Set.of(ClusterLab.PUBLIC_1);

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    @Test
    void statusDisableAndEnableAsAnAdministratorUsesThem() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto");
        cluster.start("s0");
        cluster.start("s1");
        cluster.awaitView("s0", "s0, s1", START);
        cluster.await(() -> cluster.held("s0").equals(FIRST) && cluster.held("s1").equals(SECOND), START, "homes held");
        cluster.await(() -> cluster.sagent("s0", "status").exitCode() == 0, Duration.ofSeconds(20), "status exit 0");

        NetnsLab.Result status = cluster.sagent("s0", "status");
        assertTrue(status.stdout().contains("0   s0           192.0.2.10       OK            this node"), status.stdout());
        assertTrue(status.stdout().contains("1   s1           192.0.2.11       OK            reachable"), status.stdout());
        assertTrue(status.stdout().contains("198.51.100.120/24      eth1       s0           s0"), status.stdout());
        assertTrue(status.stdout().contains("198.51.100.121/24      eth1       s1           s1"), status.stdout());
        assertTrue(status.stdout().contains("script:test-input"), status.stdout());

        JsonNode json = new ObjectMapper().readTree(cluster.sagent("s1", "status", "--json").stdout());
        assertEquals("s1", json.path("node").asText());
        assertEquals("s1", json.path("addresses").get(1).path("holders").get(0).asText());

        NetnsLab.Result disable = cluster.sagent("s0", "disable");
        assertEquals(0, disable.exitCode(), disable.stderr());
        assertEquals(Set.of(ClusterLab.PUBLIC_0, ClusterLab.PUBLIC_1), cluster.held("s1"));
        NetnsLab.Result degraded = cluster.sagent("s1", "status");
        assertEquals(1, degraded.exitCode(), "a disabled node is not fully OK: " + degraded.stdout());
        assertTrue(degraded.stdout().contains("s0           192.0.2.10       DISABLED"), degraded.stdout());

        // Disabled survives an agent restart.
        cluster.stopped.add(cluster.agents.get("s0"));
        cluster.agents.get("s0").signal("TERM");
        cluster.agents.get("s0").awaitExit(Duration.ofSeconds(20));
        cluster.start("s0");
        cluster.await(() -> !cluster.logLines("s0", "this node stays disabled").isEmpty(), START, "s0 still disabled");
        cluster.awaitView("s0", "s0, s1", START);
        Thread.sleep(3000); // past the failback delay: nothing may come back
        assertEquals(Set.of(), cluster.held("s0"));

        NetnsLab.Result enable = cluster.sagent("s0", "enable");
        assertEquals(0, enable.exitCode(), enable.stderr());
        cluster.await(() -> cluster.held("s0").equals(FIRST), START, "failback after enable");

        // With the agent stopped, status says so and shows what the interfaces still carry.
        cluster.agents.get("s1").signal("TERM");
        cluster.stopped.add(cluster.agents.get("s1"));
        cluster.agents.get("s1").awaitExit(Duration.ofSeconds(20));
        NetnsLab.Result down = cluster.sagent("s1", "status", "--config", cluster.configOf("s1").toString());
        assertEquals(2, down.exitCode());
        assertTrue(down.stderr().contains("the agent is not running"), down.stderr());
        assertTrue(down.stdout().contains("198.51.100.121/24      eth1       absent"), down.stdout());
    }
}
