package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sagent.agent.cluster.ControllerHarness.A20;
import static org.sagent.agent.cluster.ControllerHarness.B21;

import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sagent.agent.core.Readiness;

/** How soon the controller asks for its next turn when no input comes: events drive it, time only when it must. */
class NodeControllerTurnsTest {

    @Test
    void aSettledNodeTurnsNextWhenItsStateIsDueToBePublishedAgain() {
        ControllerHarness a = ControllerHarness.twoNodesHome("s0");
        assertEquals(NodeController.PUBLISH_EVERY, a.controller.nextTurnWithin());
        a.clock.advance(Duration.ofMillis(300));
        assertEquals(NodeController.PUBLISH_EVERY.minusMillis(300), a.controller.nextTurnWithin());
    }

    @Test
    void aTakeKeepsTheQuickCadenceUntilATurnFindsNothingLeftToDo() {
        ControllerHarness a = ControllerHarness.twoNodesHome("s0");
        a.view("s0"); // s1 left: s0 takes its address
        assertEquals(Set.of(A20, B21), a.kernel.held());
        assertEquals(NodeController.IN_MOTION, a.controller.nextTurnWithin());
        a.after(NodeController.IN_MOTION);
        assertEquals(NodeController.PUBLISH_EVERY.minus(NodeController.IN_MOTION), a.controller.nextTurnWithin(),
                "settled again: the next turn when the state published with the take is due again");
    }

    @Test
    void anAddressRemovedBehindTheAgentsBackIsPutBackByTheTimedTurn() {
        ControllerHarness a = ControllerHarness.twoNodesHome("s0");
        a.kernel.release(A20); // by hand, and its netlink event lost
        a.after(a.controller.nextTurnWithin());
        assertEquals(Set.of(A20), a.kernel.held());
    }

    @Test
    void theHolderTurnsWhenTheHomeReachesTheFailbackDelayNotASecondLater() {
        ControllerHarness b = ControllerHarness.as("s1");
        b.kernel.holding(A20, B21);
        b.start().health(true).view("s0", "s1");
        b.clock.advance(Duration.ofSeconds(10)); // past the start-up grace of s1 itself
        b.peerSays(Readiness.OK, Set.of(), Set.of(), Duration.ofMillis(29_600)).after(Duration.ZERO);
        assertEquals(Duration.ofMillis(400), b.controller.nextTurnWithin(), "s0's 30 s come in 400 ms");
        b.after(b.controller.nextTurnWithin());
        assertEquals(Set.of(B21), b.kernel.held(), "failback at the delay");
    }
}
