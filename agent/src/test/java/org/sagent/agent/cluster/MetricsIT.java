package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.NetnsLab;

/** The metrics endpoint, scraped over HTTP as Prometheus would after a move, and valid for promtool. */
class MetricsIT {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    @Test
    void afterAFailbackTheScrapeShowsHoldersStatesAndTheMoveAndPassesPromtool() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto").twoNodesHome();
        // A move to count: s0 drained, then back (s1 releases .120 to it).
        assertEquals(0, cluster.sagent("s0", "disable").exitCode());
        cluster.await(() -> cluster.held("s1").equals(ClusterLab.BOTH), ClusterLab.START, "s1 taking .120");
        assertEquals(0, cluster.sagent("s0", "enable").exitCode());
        cluster.await(() -> cluster.held("s0").equals(ClusterLab.FIRST) && cluster.held("s1").equals(ClusterLab.SECOND),
                ClusterLab.START, "failback to s0 after enable");

        String metrics = cluster.scrape("s0");
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
    }
}
