package org.sagent.agent.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.ConfigParserTest;
import org.sagent.agent.control.StatusReport;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;

class AgentMetricsTest {

    private static StatusReport report(List<String> holders101) {
        return new StatusReport("a", "c1",
                List.of(new StatusReport.Node(0, "a", "192.0.2.1", true, "OK", List.of(), null),
                        new StatusReport.Node(1, "b", "192.0.2.2", false, "UNHEALTHY", List.of("samba: down"), null),
                        new StatusReport.Node(2, "c", "192.0.2.3", false, "DISCONNECTED", List.of(), null)),
                List.of(new StatusReport.Address("198.51.100.101/24", "eth1", "a", holders101, null, null, 2),
                        new StatusReport.Address("198.51.100.102/24", "eth1", "b", List.of("a", "b"), null, null, 0),
                        new StatusReport.Address("198.51.100.103/24", "eth1", "c", List.of(), null,
                                "02:00:00:00:00:99", 0),
                        new StatusReport.Address("198.51.100.104/24", "eth1", "a", List.of("b"), null, null, 0)),
                List.of(new StatusReport.Check("samba", true, false, "smbd.service active", 300, 12),
                        new StatusReport.Check("drbd", true, true, "StandAlone: the peer is not connected", 300, 5)),
                new StatusReport.Link("eth0", false, List.of("b"), "replication link down"), List.of());
    }

    private static String scrape(AgentMetrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new PrometheusTextFormatWriter(false).write(out, metrics.prometheusRegistry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void gaugesComeFromTheStatusReportAndEachFamilyIsOneFamily() throws Exception {
        AgentMetrics metrics = new AgentMetrics(MetricsScope.of(ConfigParserTest.valid(ConfigParserTest.MINIMAL)), "1.2.3",
                () -> Optional.of(report(List.of("a"))), MonotonicClock.system());
        metrics.healthChecks(List.of("samba", "drbd"));
        String text = scrape(metrics);
        assertTrue(text.contains("sagent_address_held{address=\"198.51.100.101\",interface=\"eth1\"} 1.0\n"), text);
        assertTrue(text.contains("sagent_address_held{address=\"198.51.100.104\",interface=\"eth1\"} 0.0\n"), text);
        assertTrue(text.contains("sagent_address_holders{address=\"198.51.100.102\"} 2.0\n"), text);
        assertTrue(text.contains("sagent_address_holders{address=\"198.51.100.103\"} 0.0\n"), text);
        assertTrue(text.contains("sagent_address_conflict{address=\"198.51.100.103\"} 1.0\n"), text);
        assertTrue(text.contains("sagent_node_state{node=\"b\",state=\"UNHEALTHY\"} 1.0\n"), text);
        assertTrue(text.contains("sagent_node_state{node=\"b\",state=\"OK\"} 0.0\n"), text);
        assertTrue(text.contains("sagent_node_state{node=\"c\",state=\"DISCONNECTED\"} 1.0\n"), text);
        assertTrue(text.contains("sagent_cluster_members 2.0\n"), text);
        assertTrue(text.contains("sagent_replication_link_up 0.0\n"), text);
        assertTrue(text.contains("sagent_health_check_healthy{check=\"samba\"} 1.0\n"), text);
        assertTrue(text.contains("sagent_health_check_degraded{check=\"samba\"} 0.0\n"), text);
        assertTrue(text.contains("sagent_health_check_degraded{check=\"drbd\"} 1.0\n"), "DRBD StandAlone: " + text);
        assertTrue(text.contains("sagent_health_check_duration_seconds{check=\"samba\"} 0.012\n"), text);
        assertTrue(text.contains("sagent_build_info{version=\"1.2.3\"} 1\n"), text);
        for (String process : java.util.List.of("process_resident_memory_bytes ", "process_cpu_seconds_total ",
                "process_start_time_seconds ", "process_open_fds ")) {
            assertTrue(text.contains("\n" + process), "the agent's own cost: " + process + " in " + text);
        }
        assertTrue(text.contains("# HELP sagent_address_held 1 if this node holds the public address"), text);
        assertEquals(1, text.split("# TYPE sagent_address_held gauge", -1).length - 1, text);
        assertFalse(text.contains("sagent_lan_peer_reachable"), "no LAN path configured: " + text);
    }

    @Test
    void theCountersAlertsWatchExistAtZeroBeforeTheFirstEvent() throws Exception {
        AgentMetrics metrics = new AgentMetrics(MetricsScope.of(ConfigParserTest.valid(ConfigParserTest.MINIMAL)), "1.2.3",
                () -> Optional.of(report(List.of("a"))), MonotonicClock.system());
        String text = scrape(metrics);
        for (String reason : List.of("released", "holder_lost", "unheld")) {
            assertTrue(text.contains("sagent_failovers_total{address=\"198.51.100.101\",reason=\"" + reason + "\"} 0.0\n"),
                    text);
        }
        assertTrue(text.contains("sagent_address_conflicts_total{address=\"198.51.100.101\"} 0.0\n"), text);
        // The reasons created up front are the ones the controller gives.
        assertEquals(org.sagent.agent.cluster.FailoverEvents.REASONS, List.of(new org.sagent.agent.core.TakeOrigin.Released("s1"),
                new org.sagent.agent.core.TakeOrigin.HolderLost(List.of("s1")),
                new org.sagent.agent.core.TakeOrigin.Unheld()).stream()
                .map(org.sagent.agent.core.TakeOrigin::metricReason).toList());
    }

    @Test
    void failoversAnnouncementsAndConflictsAreCountedPerAddressAndReason() throws Exception {
        AgentMetrics metrics = new AgentMetrics(MetricsScope.of(ConfigParserTest.valid(ConfigParserTest.MINIMAL)), "1.2.3",
                () -> Optional.of(report(List.of("a"))), MonotonicClock.system());
        metrics.tookOver("198.51.100.101", "holder_lost", Optional.of(Duration.ofMillis(250)));
        metrics.tookOver("198.51.100.101", "holder_lost", Optional.of(Duration.ofMillis(350)));
        metrics.tookOver("198.51.100.102", "released", Optional.empty());
        metrics.announced("198.51.100.101", 6);
        metrics.conflict("198.51.100.103");
        String text = scrape(metrics);
        assertTrue(text.contains("# TYPE sagent_failovers_total counter"), text);
        assertTrue(text.contains("sagent_failovers_total{address=\"198.51.100.101\",reason=\"holder_lost\"} 2.0\n"), text);
        assertTrue(text.contains("sagent_failovers_total{address=\"198.51.100.102\",reason=\"released\"} 1.0\n"), text);
        // A histogram: cumulative buckets, an exact sum and a count, which Prometheus can add up.
        assertTrue(text.contains("# TYPE sagent_failover_duration_seconds histogram"), text);
        assertTrue(text.contains("sagent_failover_duration_seconds_bucket{address=\"198.51.100.101\",le=\"0.1\"} 0\n"), text);
        assertTrue(text.contains("sagent_failover_duration_seconds_bucket{address=\"198.51.100.101\",le=\"0.25\"} 1\n"), text);
        assertTrue(text.contains("sagent_failover_duration_seconds_bucket{address=\"198.51.100.101\",le=\"0.5\"} 2\n"), text);
        assertTrue(text.contains("sagent_failover_duration_seconds_bucket{address=\"198.51.100.101\",le=\"+Inf\"} 2\n"), text);
        assertTrue(text.contains("sagent_failover_duration_seconds_count{address=\"198.51.100.101\"} 2\n"), text);
        assertTrue(text.contains("sagent_failover_duration_seconds_sum{address=\"198.51.100.101\"} 0.6\n"), text);
        // Every public address has its series from the start, at 0, like the failover counters.
        assertTrue(text.contains("sagent_failover_duration_seconds_count{address=\"198.51.100.103\"} 0\n"), text);
        assertTrue(text.contains("sagent_address_announcements_total{address=\"198.51.100.101\"} 6.0\n"), text);
        assertTrue(text.contains("sagent_address_conflicts_total{address=\"198.51.100.103\"} 1.0\n"), text);
    }

    @Test
    void aScrapeWhileTheAgentCannotAnswerLeavesTheGaugesOutAndAsksAgainNextTime() throws Exception {
        AtomicReference<Optional<StatusReport>> next = new AtomicReference<>(Optional.empty());
        AtomicInteger asked = new AtomicInteger();
        AtomicLong nanos = new AtomicLong(1_000_000_000L);
        AgentMetrics metrics = new AgentMetrics(MetricsScope.of(ConfigParserTest.valid(ConfigParserTest.MINIMAL)), "1.2.3", () -> {
            asked.incrementAndGet();
            return next.get();
        }, () -> new MonotonicInstant(nanos.get()));
        String busy = scrape(metrics);
        assertFalse(busy.contains("sagent_address_held{"), busy);
        assertTrue(busy.contains("sagent_build_info{version=\"1.2.3\"} 1"), busy);
        assertEquals(1, asked.get(), "a busy agent is asked once per scrape, not once per gauge");
        next.set(Optional.of(report(List.of())));
        nanos.addAndGet(AgentMetrics.REPORT_REUSE.toNanos());
        assertFalse(scrape(metrics).contains("sagent_address_held{"), "within REPORT_REUSE the unanswered ask is reused");
        assertEquals(1, asked.get(), "not asked again within REPORT_REUSE");
        nanos.addAndGet(1);
        String answered = scrape(metrics);
        assertTrue(answered.contains("sagent_address_held{address=\"198.51.100.101\",interface=\"eth1\"} 0.0"), answered);
        assertEquals(2, asked.get(), "asked again at the next scrape");
    }
}
