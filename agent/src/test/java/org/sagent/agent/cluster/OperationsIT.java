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

        // move-ip: refused with the reason, done and kept past the failback delay, undone by moving it home.
        NetnsLab.Result unknown = cluster.sagent("s0", "move-ip", "198.51.100.120", "s9");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.stderr().contains("no node named s9; nodes: s0, s1"), unknown.stderr());
        NetnsLab.Result moved = cluster.sagent("s0", "move-ip", "198.51.100.120", "s1");
        assertEquals(0, moved.exitCode(), moved.stderr());
        assertTrue(moved.stdout().contains("moved: s1 holds 198.51.100.120"), moved.stdout());
        assertEquals(Set.of(), cluster.held("s0"));
        Thread.sleep(3000); // past the failback delay: the move holds against failback: auto
        assertEquals(Set.of(ClusterLab.PUBLIC_0, ClusterLab.PUBLIC_1), cluster.held("s1"));
        NetnsLab.Result pinned = cluster.sagent("s0", "status");
        assertTrue(pinned.stdout().contains("198.51.100.120/24      eth1       s0           s1 (moved there by sagent "
                + "move-ip)"), pinned.stdout());
        assertEquals(0, cluster.sagent("s1", "move-ip", "198.51.100.120", "s0").exitCode());
        assertEquals(FIRST, cluster.held("s0"));
        assertEquals(0, cluster.sagent("s1", "disable").exitCode());
        NetnsLab.Result toDisabled = cluster.sagent("s0", "move-ip", "198.51.100.121", "s1");
        assertEquals(1, toDisabled.exitCode());
        assertTrue(toDisabled.stderr().contains("s1 is DISABLED: it may not take 198.51.100.121/24"),
                toDisabled.stderr());
        assertEquals(0, cluster.sagent("s1", "enable").exitCode());
        cluster.await(() -> cluster.held("s1").equals(SECOND), START, "failback to s1 after enable");

        // Metrics: scraped over HTTP as Prometheus would, and valid for promtool.
        NetnsLab.Result scrape = lab.exec(cluster.servers.get("s0"), "curl", "-sS", "--max-time", "5",
                "http://192.0.2.10:9775/metrics");
        assertEquals(0, scrape.exitCode(), scrape.stderr());
        String metrics = scrape.stdout();
        assertTrue(metrics.contains("sagent_address_held{address=\"198.51.100.120\",interface=\"eth1\"} 1.0"), metrics);
        assertTrue(metrics.contains("sagent_address_held{address=\"198.51.100.121\",interface=\"eth1\"} 0.0"), metrics);
        assertTrue(metrics.contains("sagent_address_holders{address=\"198.51.100.121\"} 1.0"), metrics);
        assertTrue(metrics.contains("sagent_node_state{node=\"s1\",state=\"OK\"} 1.0"), metrics);
        assertTrue(metrics.contains("sagent_cluster_members 2.0"), metrics);
        assertTrue(metrics.contains("sagent_replication_link_up 1.0"), metrics);
        assertTrue(metrics.contains("sagent_lan_peer_reachable{peer=\"s1\"} 1.0"), metrics);
        assertTrue(metrics.contains("sagent_health_check_healthy{check=\"script:test-input\"} 1.0"), metrics);
        assertTrue(metrics.matches("(?s).*sagent_failovers_total\\{address=\"198\\.51\\.100\\.120\",reason=\"released\"} [1-9].*"),
                metrics);
        assertTrue(metrics.matches("(?s).*sagent_failover_duration_seconds_count\\{address=\"198\\.51\\.100\\.120\"} [1-9].*"),
                metrics);
        assertTrue(metrics.matches("(?s).*sagent_address_announcements_total\\{address=\"198\\.51\\.100\\.120\"} [1-9].*"),
                metrics);
        assertTrue(metrics.matches("(?s).*sagent_build_info\\{version=\"[^\"]+\"} 1\n.*"), metrics);
        PromtoolCheck.metrics(metrics);

        // A foreign host that uses s0's address is reported (status, metrics), and s0 keeps it.
        lab.address(cluster.client, "eth1", ClusterLab.PUBLIC_0 + "/24");
        lab.exec(cluster.client, "ping", "-c", "1", "-W", "1", "-I", ClusterLab.PUBLIC_0, "198.51.100.21");
        cluster.await(() -> cluster.sagent("s0", "status").stdout().contains("(CONFLICT: "), Duration.ofSeconds(10),
                "conflict in status");
        String afterConflict = lab.exec(cluster.servers.get("s0"), "curl", "-sS", "--max-time", "5",
                "http://192.0.2.10:9775/metrics").stdout();
        assertTrue(afterConflict.contains("sagent_address_conflicts_total{address=\"198.51.100.120\"} 1.0"), afterConflict);
        assertTrue(afterConflict.contains("sagent_address_conflict{address=\"198.51.100.120\"} 1.0"), afterConflict);
        assertEquals(1, cluster.logLines("s0", "conflict: ").size(), "reported once: " + cluster.logLines("s0", "conflict"));
        assertEquals(FIRST, cluster.held("s0"), "s0 does not give in to a foreign claim");
        lab.ip(cluster.client, "addr", "del", ClusterLab.PUBLIC_0 + "/24", "dev", "eth1");

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
