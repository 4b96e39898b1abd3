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

/** {@code sagent disable} drains a node, across an agent restart, until {@code sagent enable}. */
class DrainIT {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    @Test
    void aDisabledNodeHandsItsAddressOverStaysDrainedAcrossARestartAndFailsBackOnEnable() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto").twoNodesHome();

        NetnsLab.Result disable = cluster.sagent("s0", "disable");
        assertEquals(0, disable.exitCode(), disable.stderr());
        // disable waits for this node's release; the peer's take follows it by milliseconds.
        cluster.await(() -> cluster.held("s1").equals(ClusterLab.BOTH), Duration.ofSeconds(5), "s1 holding both");
        NetnsLab.Result degraded = cluster.sagent("s1", "status");
        assertEquals(1, degraded.exitCode(), "a disabled node is not fully OK: " + degraded.stdout());
        assertTrue(degraded.stdout().contains("s0           192.0.2.10       DISABLED"), degraded.stdout());

        // Disabled survives an agent restart.
        cluster.terminate("s0").awaitExit(Duration.ofSeconds(20));
        cluster.start("s0");
        cluster.await(() -> cluster.statusOfNode("s0", "s0").map(n -> n.state().equals("DISABLED")).orElse(false),
                ClusterLab.START, "s0 reporting itself still DISABLED");
        cluster.awaitView("s0", "s0, s1", ClusterLab.START);
        // Past the 2 s failback delay: nothing may come back.
        cluster.assertStable(Duration.ofSeconds(3), Set.of(), ClusterLab.BOTH);

        NetnsLab.Result enable = cluster.sagent("s0", "enable");
        assertEquals(0, enable.exitCode(), enable.stderr());
        cluster.await(() -> cluster.held("s0").equals(ClusterLab.FIRST), ClusterLab.START, "failback after enable");
    }
}
