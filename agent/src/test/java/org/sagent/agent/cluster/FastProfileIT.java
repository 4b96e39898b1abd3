package org.sagent.agent.cluster;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.sagent.netlink.lab.NetnsLab;

/**
 * The README's fast profile on a CPU-loaded machine: no false failover while both cores are
 * busy, then a power loss. Prints the outage (a measurement, not a timed assertion).
 */
@Isolated // alone, not beside another cluster test: it asserts that the fast timings move nothing under load it makes itself
class FastProfileIT {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    @Test
    void noFalseFailoverUnderLoadAndAFastTakeoverOnPowerLoss() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto", true).twoNodesHome();
        try (CpuBurners burners = new CpuBurners(Runtime.getRuntime().availableProcessors());
                ClientProbe probe = new ClientProbe(lab, cluster.client, ClusterLab.PUBLIC_0)) {
            // No false failover while both cores are busy.
            cluster.assertStable(Duration.ofSeconds(10), ClusterLab.FIRST, ClusterLab.SECOND);
            long fault = ClientProbe.nowMicros();
            cluster.powerLoss("s0");
            cluster.await(() -> cluster.held("s1").equals(ClusterLab.BOTH),
                    Duration.ofSeconds(10), "s1 taking .120");
            cluster.await(() -> probe.answers().stream().anyMatch(t -> t > fault + 50_000), Duration.ofSeconds(10),
                    "the client reaching .120 again");
            System.out.printf("fast profile, CPU loaded: power-loss outage on %s: %d ms%n", probe.address,
                    probe.longestGapAfter(fault).toMillis());
        }
    }
}
