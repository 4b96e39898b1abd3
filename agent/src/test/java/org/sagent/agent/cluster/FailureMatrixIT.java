package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.NetnsLab;

/** Spec section 3 with real agent processes in namespaces: each row a test. */
class FailureMatrixIT {

    private static final Duration START = Duration.ofSeconds(30);

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    private ClusterLab twoNodesRunning() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "");
        cluster.start("s0");
        cluster.start("s1");
        cluster.awaitView("s0", "s0, s1", START);
        cluster.awaitView("s1", "s0, s1", START);
        cluster.await(() -> cluster.held("s0").equals(Set.of(ClusterLab.PUBLIC_0))
                && cluster.held("s1").equals(Set.of(ClusterLab.PUBLIC_1)), START, "each node holding its home address");
        return cluster;
    }

    @Test
    void f3PowerLossMovesTheAddressToTheSurvivor() throws Exception {
        ClusterLab cluster = twoNodesRunning();
        try (ClientProbe probe = new ClientProbe(lab, cluster.client, ClusterLab.PUBLIC_0)) {
            cluster.await(() -> !probe.answers().isEmpty(), Duration.ofSeconds(5), "the client reaching .120");
            long fault = ClientProbe.nowMicros();
            cluster.powerLoss("s0");
            cluster.await(() -> cluster.held("s1").equals(Set.of(ClusterLab.PUBLIC_0, ClusterLab.PUBLIC_1)),
                    Duration.ofSeconds(10), "s1 holding both addresses");
            cluster.await(() -> probe.answers().stream().anyMatch(t -> t > fault + 100_000), Duration.ofSeconds(10),
                    "the client reaching .120 again");
            Duration outage = probe.longestGapAfter(fault);
            System.out.printf("F3 power loss: client outage on %s %d ms%n", probe.address, outage.toMillis());
            cluster.log("s1").stream().filter(l -> l.contains("NodeController") || l.contains("WARN"))
                    .forEach(l -> System.out.println("  s1: " + l));
            assertTrue(outage.compareTo(Duration.ofSeconds(5)) < 0, "outage " + outage.toMillis() + " ms");
        }
    }
}
