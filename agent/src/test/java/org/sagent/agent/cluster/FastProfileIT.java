package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.NetnsLab;

/**
 * The README's fast profile on a CPU-loaded machine: no false failover while both cores are
 * busy, then a power loss. Prints the outage (a measurement, not a timed assertion).
 */
class FastProfileIT {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    @Test
    void noFalseFailoverUnderLoadAndAFastTakeoverOnPowerLoss() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto", true);
        cluster.start("s0");
        cluster.start("s1");
        cluster.awaitView("s1", "s0, s1", Duration.ofSeconds(40));
        cluster.await(() -> !cluster.logLines("s0", "running as s0").isEmpty()
                && !cluster.logLines("s1", "running as s1").isEmpty(), Duration.ofSeconds(40), "both agents started");
        Set<String> first = Set.of(ClusterLab.PUBLIC_0);
        Set<String> second = Set.of(ClusterLab.PUBLIC_1);
        cluster.await(() -> cluster.held("s0").equals(first) && cluster.held("s1").equals(second),
                Duration.ofSeconds(40), "homes held");
        AtomicBoolean burning = new AtomicBoolean(true);
        List<Thread> burners = new ArrayList<>();
        for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
            Thread burner = new Thread(() -> {
                long x = 0;
                while (burning.get()) {
                    x += System.nanoTime() % 7;
                }
                if (x == 42) {
                    System.out.print("");
                }
            }, "cpu-burner-" + i);
            burner.setDaemon(true);
            burner.start();
            burners.add(burner);
        }
        try (ClientProbe probe = new ClientProbe(lab, cluster.client, ClusterLab.PUBLIC_0)) {
            long until = System.currentTimeMillis() + 10_000;
            while (System.currentTimeMillis() < until) {
                assertEquals(first, cluster.held("s0"), "false failover under load");
                assertEquals(second, cluster.held("s1"), "false failover under load");
                Thread.sleep(100);
            }
            long fault = ClientProbe.nowMicros();
            cluster.powerLoss("s0");
            cluster.await(() -> cluster.held("s1").equals(Set.of(ClusterLab.PUBLIC_0, ClusterLab.PUBLIC_1)),
                    Duration.ofSeconds(10), "s1 taking .120");
            cluster.await(() -> probe.answers().stream().anyMatch(t -> t > fault + 50_000), Duration.ofSeconds(10),
                    "the client reaching .120 again");
            System.out.printf("fast profile, CPU loaded: power-loss outage on %s: %d ms%n", probe.address,
                    probe.longestGapAfter(fault).toMillis());
        } finally {
            burning.set(false);
            for (Thread burner : burners) {
                burner.join(1000);
            }
        }
    }
}
