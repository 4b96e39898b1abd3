package org.sagent.agent.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class StatusRendererTest {

    private static StatusReport report(List<String> holders120, String peerState) {
        return new StatusReport("s0", "scluster",
                List.of(new StatusReport.Node(0, "s0", "192.0.2.10", true, "OK", List.of(), true),
                        new StatusReport.Node(1, "s1", "192.0.2.11", false, peerState,
                                peerState.equals("OK") ? List.of() : List.of("ocfs2: not mounted"), true)),
                List.of(new StatusReport.Address("198.51.100.120/24", "eth1", "s0", holders120, null, null, 3),
                        new StatusReport.Address("198.51.100.121/24", "eth1", "s1", List.of("s1"), "s1",
                                "02:00:00:00:00:99", 0)),
                List.of(new StatusReport.Check("drbd:sstorage", true, false, "DRBD sstorage is Primary and UpToDate", 1200, 3)),
                new StatusReport.Link("eth0", true, List.of("s1"), "up"),
                List.of(new StatusReport.Move("2026-11-25T12:03:04.512Z", "198.51.100.120", "s1", "s0", "released it", 42L)));
    }

    @Test
    void showsNodesAddressesChecksAndMoves() {
        String text = StatusRenderer.render(report(List.of("s0"), "OK"));
        assertTrue(text.contains("0   s0           192.0.2.10       OK            this node"), text);
        assertTrue(text.contains("198.51.100.120/24      eth1       s0           s0"), text);
        assertTrue(text.contains("  drbd:sstorage        OK        1.2s ago     DRBD sstorage is Primary and UpToDate"), text);
        assertTrue(text.contains("Replication link eth0: up; peers in view: s1"), text);
        assertTrue(text.contains("2026-11-25T12:03:04.512Z  198.51.100.120  s1 -> s0  released it, unserved 42 ms"),
                text);
        assertTrue(text.contains("198.51.100.121/24      eth1       s1           s1 (moved there by sagent move-ip) "
                + "(CONFLICT: 02:00:00:00:00:99 outside the cluster answers for it)"), text);
        assertTrue(report(List.of("s0"), "OK").fullyOk());
    }

    @Test
    void flagsDuplicatesUnservedAddressesAndUnhealthyNodes() {
        String duplicate = StatusRenderer.render(report(List.of("s0", "s1"), "OK"));
        assertTrue(duplicate.contains("s0 and s1 (DUPLICATE)"), duplicate);
        String unserved = StatusRenderer.render(report(List.of(), "UNHEALTHY"));
        assertTrue(unserved.contains("nobody (UNSERVED)"), unserved);
        assertTrue(unserved.contains("UNHEALTHY     reachable  ocfs2: not mounted"), unserved);
        assertFalse(report(List.of(), "OK").fullyOk());
        assertEquals(false, report(List.of("s0"), "UNHEALTHY").fullyOk());
    }
}
