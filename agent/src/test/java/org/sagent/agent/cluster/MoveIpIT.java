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

/**
 * {@code sagent move-ip}: refused with the reason, done and kept past the failback delay, undone
 * by moving the address home.
 */
class MoveIpIT {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    @Test
    void aMovedAddressStaysAgainstFailbackUntilMovedHomeAndAMoveToADisabledNodeIsRefused() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto").twoNodesHome();

        NetnsLab.Result unknown = cluster.sagent("s0", "move-ip", "198.51.100.120", "s9");
        assertEquals(1, unknown.exitCode());
        assertTrue(unknown.stderr().contains("no node named s9; nodes: s0, s1"), unknown.stderr());
        NetnsLab.Result moved = cluster.sagent("s0", "move-ip", "198.51.100.120", "s1");
        assertEquals(0, moved.exitCode(), moved.stderr());
        assertTrue(moved.stdout().contains("moved: s1 holds 198.51.100.120"), moved.stdout());
        assertEquals(Set.of(), cluster.held("s0"));
        // Past the 2 s failback delay: the move holds against failback: auto.
        cluster.assertStable(Duration.ofSeconds(3), Set.of(), ClusterLab.BOTH);
        NetnsLab.Result pinned = cluster.sagent("s0", "status");
        assertTrue(pinned.stdout().contains("198.51.100.120/24      eth1       s0           s1 (moved there by sagent "
                + "move-ip)"), pinned.stdout());
        assertEquals(0, cluster.sagent("s1", "move-ip", "198.51.100.120", "s0").exitCode());
        assertEquals(ClusterLab.FIRST, cluster.held("s0"));

        assertEquals(0, cluster.sagent("s1", "disable").exitCode());
        NetnsLab.Result toDisabled = cluster.sagent("s0", "move-ip", "198.51.100.121", "s1");
        assertEquals(1, toDisabled.exitCode());
        assertTrue(toDisabled.stderr().contains("s1 is DISABLED: it may not take 198.51.100.121/24"),
                toDisabled.stderr());
        assertEquals(0, cluster.sagent("s1", "enable").exitCode());
        cluster.await(() -> cluster.held("s1").equals(ClusterLab.SECOND), ClusterLab.START, "failback to s1 after enable");
    }
}
