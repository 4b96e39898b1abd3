package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BenchmarkReportTest {

    @Test
    void nearestRankStatistics() {
        List<Long> ten = List.of(10L, 1L, 9L, 2L, 8L, 3L, 7L, 4L, 6L, 5L);
        assertEquals(new BenchmarkReport.Summary(10, 5, 10, 10), BenchmarkReport.summarise(ten));
        List<Long> twenty = new java.util.ArrayList<>();
        for (long i = 1; i <= 20; i++) {
            twenty.add(i * 100);
        }
        // 95 % of 20 is 19: the 19th smallest value.
        assertEquals(new BenchmarkReport.Summary(20, 1000, 1900, 2000), BenchmarkReport.summarise(twenty));
        assertEquals(new BenchmarkReport.Summary(1, 42, 42, 42), BenchmarkReport.summarise(List.of(42L)));
        assertEquals(new BenchmarkReport.Summary(0, 0, 0, 0), BenchmarkReport.summarise(List.of()));
    }

    @Test
    void ratioAgainstABaselineAndWithoutOne() {
        assertEquals("0.25×", BenchmarkReport.ratio(250, 1000L));
        assertEquals("–", BenchmarkReport.ratio(250, 0L));
        assertEquals("–", BenchmarkReport.ratio(250, null));
    }

    @Test
    void tableRowsRatiosFootprintAndFailures() {
        BenchmarkReport report = new BenchmarkReport();
        for (long ms : List.of(100L, 300L, 200L)) {
            report.add(new BenchmarkReport.Sample("sagent default", "power loss", ms, 0));
        }
        for (long ms : List.of(3600L, 3700L, 3500L)) {
            report.add(new BenchmarkReport.Sample("keepalived default", "power loss", ms, 20));
        }
        report.add(new BenchmarkReport.Failure("sagent default", "power loss", "never happened"));
        report.add(new BenchmarkReport.Footprint("sagent default", 2500, 80 * 1024, 0.5));
        String md = report.markdown(List.of("sagent default", "keepalived default"), List.of("power loss", "failback"),
                Map.of("sagent default", "keepalived default"));
        assertTrue(md.contains("| power loss | sagent default | 3 (+1 failed) | 200 | 300 | 300 | 0 / 0 | 0.06× |"), md);
        assertTrue(md.contains("| power loss | keepalived default | 3 | 3600 | 3700 | 3700 | 20 / 20 |  |"), md);
        assertFalse(md.contains("| failback |"), "a scenario nobody ran has no row: " + md);
        assertTrue(md.contains("| sagent default | 2500 | 80.0 | 0.50 % |"), md);
        assertTrue(md.contains("- sagent default, power loss: never happened"), md);
        assertEquals(7, report.csv().lines().count());
    }

    @Test
    void keepalivedHomeNodeIsMasterWithTheHigherPriorityAndFastUsesVrrp3() {
        String s0 = Contender.Keepalived.configuration(0, 1, false);
        String public0 = s0.substring(s0.indexOf("vrrp_instance public0"), s0.indexOf("vrrp_instance public1"));
        assertTrue(public0.contains("state MASTER") && public0.contains("priority 150"), public0);
        assertTrue(public0.contains("unicast_src_ip 192.0.2.10") && public0.contains("unicast_peer { 192.0.2.11 }"));
        assertTrue(public0.contains("dont_track_primary") && public0.contains("track_interface { eth1 }"), public0);
        assertTrue(public0.contains("virtual_ipaddress { " + ClusterLab.PUBLIC_0 + "/24 dev eth1 }"), public0);
        String public1 = s0.substring(s0.indexOf("vrrp_instance public1"));
        assertTrue(public1.contains("state BACKUP") && public1.contains("priority 100"), public1);
        assertTrue(s0.contains("advert_int 1\n") && !s0.contains("vrrp_version"), s0);
        String fast = Contender.Keepalived.configuration(1, 0, true);
        assertTrue(fast.contains("vrrp_version 3") && fast.contains("advert_int 0.1"), fast);
    }
}
