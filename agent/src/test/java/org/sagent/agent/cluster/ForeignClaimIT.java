package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.NetnsLab;

/** A host outside the cluster that uses a held public address is reported (status, metrics), not given in to. */
class ForeignClaimIT {

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    @Test
    void aForeignHostUsingAHeldAddressIsReportedOnceAndTheHolderKeepsIt() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto").twoNodesHome();

        lab.address(cluster.client, "eth1", ClusterLab.PUBLIC_0 + "/24");
        lab.exec(cluster.client, "ping", "-c", "1", "-W", "1", "-I", ClusterLab.PUBLIC_0, "198.51.100.21");
        cluster.await(() -> cluster.sagent("s0", "status").stdout().contains("(CONFLICT: "), Duration.ofSeconds(10),
                "conflict in status");
        String afterConflict = cluster.scrape("s0");
        // Counted once: reported once, not at every check.
        assertTrue(afterConflict.contains("sagent_address_conflicts_total{address=\"198.51.100.120\"} 1.0"), afterConflict);
        assertTrue(afterConflict.contains("sagent_address_conflict{address=\"198.51.100.120\"} 1.0"), afterConflict);
        assertEquals(ClusterLab.FIRST, cluster.held("s0"), "s0 does not give in to a foreign claim");
    }
}
