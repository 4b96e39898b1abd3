package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.sagent.agent.health.CheckOutcome;
import org.sagent.agent.health.CheckState;
import org.sagent.agent.health.CheckStates;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.time.MonotonicClock;

/**
 * What the arbitration reads as "healthy at the cut": the node's fitness with DRBD's freeze for
 * fencing set aside, and nothing else (a drain, a fence or another failing check still count).
 */
class LocalNodeAtCutTest {

    private static final CheckOutcome PASS = CheckOutcome.pass("fine");
    private static final CheckOutcome FROZEN = new CheckOutcome(false, false,
            "DRBD sstorage has its I/O suspended (fencing): nothing can be written", true);

    private static LocalNode nodeWith(CheckState... checks) {
        LocalNode node = new LocalNode(MonotonicClock.system());
        node.health(new HealthView(List.of(checks), 2));
        return node;
    }

    @Test
    void drbdFrozenForFencingIsNotOkButOkAtTheCut() {
        LocalNode node = nodeWith(CheckStates.fed("drbd:sstorage", PASS, PASS, FROZEN, FROZEN, FROZEN),
                CheckStates.fed("samba", PASS, PASS));
        assertFalse(node.ok(), "nothing can be written: not fit to serve now");
        assertTrue(node.okAtCut());
    }

    @Test
    void anotherFailureADrainOrAFenceStillCountsAtTheCut() {
        CheckOutcome down = CheckOutcome.fail("smbd is inactive");
        assertFalse(nodeWith(CheckStates.fed("drbd:sstorage", PASS, PASS, FROZEN, FROZEN, FROZEN),
                CheckStates.fed("samba", PASS, PASS, down, down, down)).okAtCut(), "Samba down as well");
        LocalNode draining = nodeWith(CheckStates.fed("drbd:sstorage", PASS, PASS, FROZEN, FROZEN, FROZEN));
        draining.drain();
        assertFalse(draining.okAtCut(), "stopping");
        LocalNode fenced = nodeWith(CheckStates.fed("drbd:sstorage", PASS, PASS));
        fenced.fence("stood down at the last cut", true);
        assertFalse(fenced.okAtCut(), "still fenced from before");
    }
}
