package org.sagent.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * "Healthy at the cut" sets DRBD's freeze for fencing aside: a cut DRBD found first fails the
 * DRBD check on every state change it makes (three in a row within milliseconds), before the
 * arbitration begins. Anything else that fails still counts.
 */
class HealthViewFencingFreezeTest {

    private static final CheckOutcome FROZEN = new CheckOutcome(false, false,
            "DRBD sstorage has its I/O suspended (fencing): nothing can be written", true);

    private static final CheckOutcome PASS = CheckOutcome.pass("fine");

    @Test
    void aDrbdCheckFailingOnlyOnTheFencingFreezeLeavesTheNodeHealthyAtTheCut() {
        CheckState drbd = CheckStates.fed("drbd:sstorage", PASS, PASS, FROZEN, FROZEN, FROZEN);
        CheckState samba = CheckStates.fed("samba:smbd.service", PASS, PASS);
        HealthView view = new HealthView(List.of(drbd, samba), 2);
        assertFalse(drbd.healthy(), "three failures in a row: the check is down");
        assertEquals(HealthView.NodeHealth.UNHEALTHY, view.nodeHealth(), "nothing can be written: not fit to serve");
        assertTrue(view.healthyButForFencingFreeze());
    }

    @Test
    void anyOtherFailureStillCounts() {
        CheckState drbd = CheckStates.fed("drbd:sstorage", PASS, PASS, FROZEN, FROZEN, FROZEN);
        CheckState sambaDown = CheckStates.fed("samba:smbd.service", PASS, PASS, CheckOutcome.fail("smbd is inactive"),
                CheckOutcome.fail("smbd is inactive"), CheckOutcome.fail("smbd is inactive"));
        assertFalse(new HealthView(List.of(drbd, sambaDown), 2).healthyButForFencingFreeze(), "Samba down as well");
        CheckState outdated = CheckStates.fed("drbd:sstorage", PASS, PASS, CheckOutcome.fail("disk is Outdated"),
                CheckOutcome.fail("disk is Outdated"), CheckOutcome.fail("disk is Outdated"));
        assertFalse(new HealthView(List.of(outdated), 2).healthyButForFencingFreeze(), "an Outdated disk");
        CheckState starting = CheckStates.fed("drbd:sstorage", FROZEN);
        assertFalse(new HealthView(List.of(starting), 2).healthyButForFencingFreeze(), "the gate never opened");
    }
}
