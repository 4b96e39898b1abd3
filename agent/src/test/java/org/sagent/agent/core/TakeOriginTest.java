package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sagent.agent.core.CorePictures.A20;
import static org.sagent.agent.core.CorePictures.picture;
import static org.sagent.agent.core.CorePictures.state;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TakeOriginTest {

    @Test
    void aMemberThatReleasedTheAddressIsItsOrigin() {
        NodeState s0 = state("s0", Readiness.UNHEALTHY, Set.of(), Set.of(A20));
        TakeOrigin origin = TakeOrigin.of(A20, List.of(s0), picture(Set.of("s0", "s1"), Map.of(), s0));
        assertEquals(new TakeOrigin.Released("s0"), origin);
        assertEquals("s0 (released it)", origin.describe());
        assertEquals("released", origin.metricReason());
    }

    @Test
    void holdersThatLeftTheViewAreAllNamed() {
        NodeState s0 = state("s0", Readiness.OK, Set.of(A20), Set.of());
        NodeState s2 = state("s2", Readiness.OK, Set.of(A20), Set.of());
        TakeOrigin origin = TakeOrigin.of(A20, List.of(), picture(Set.of("s1"), Map.of(), s0, s2));
        assertEquals(new TakeOrigin.HolderLost(List.of("s0", "s2")), origin);
        assertEquals("s0, s2", origin.from()); // the move history names both, not "s0,"
        assertEquals("left the view", origin.why());
        assertEquals("holder_lost", origin.metricReason());
    }

    @Test
    void anAddressNobodyHeldComesFromNobody() {
        TakeOrigin origin = TakeOrigin.of(A20, List.of(), picture(Set.of("s1"), Map.of()));
        assertEquals("nobody (unheld)", origin.describe());
        assertEquals("unheld", origin.metricReason());
    }

    @Test
    void aReleaseByAMemberCountsBeforeAHolderThatLeft() {
        NodeState s0 = state("s0", Readiness.OK, Set.of(A20), Set.of());
        NodeState s2 = state("s2", Readiness.OK, Set.of(), Set.of(A20));
        assertEquals(new TakeOrigin.Released("s2"),
                TakeOrigin.of(A20, List.of(s2), picture(Set.of("s1", "s2"), Map.of(), s0, s2)));
    }
}
