package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sagent.agent.core.CorePictures.A20;
import static org.sagent.agent.core.CorePictures.B21;
import static org.sagent.agent.core.CorePictures.picture;
import static org.sagent.agent.core.CorePictures.state;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReleaseReasonTest {

    private static final ClusterPicture CALM = picture(Set.of("s0", "s1"), Map.of(),
            state("s0", Readiness.OK, Set.of(A20), Set.of()), state("s1", Readiness.OK, Set.of(B21), Set.of()));

    private static ReleaseReason of(String self, String home, Optional<String> fence, boolean draining,
                                    Readiness readiness, ClusterPicture picture) {
        return ReleaseReason.of(A20, self, home, fence, draining, readiness, List.of("drbd: Secondary"), picture);
    }

    @Test
    void aFenceComesFirst() {
        assertEquals("this node stands down (stood down for s1)",
                of("s0", "s0", Optional.of("stood down for s1"), true, Readiness.UNHEALTHY, CALM).describe());
    }

    @Test
    void thenStoppingThenHealth() {
        assertEquals(new ReleaseReason.Stopping(), of("s0", "s0", Optional.empty(), true, Readiness.UNHEALTHY, CALM));
        assertEquals("this node is unhealthy (drbd: Secondary)",
                of("s0", "s0", Optional.empty(), false, Readiness.UNHEALTHY, CALM).describe());
    }

    @Test
    void aPinToAnotherNodeIsAnAdministratorsMove() {
        ClusterPicture pinned = picture(Set.of("s0", "s1"), Map.of(A20, "s1"));
        assertEquals("moved to s1 by sagent move-ip",
                of("s0", "s0", Optional.empty(), false, Readiness.OK, pinned).describe());
    }

    @Test
    void twoHoldersAreADuplicate() {
        ClusterPicture both = picture(Set.of("s0", "s1"), Map.of(),
                state("s0", Readiness.OK, Set.of(A20), Set.of()), state("s1", Readiness.OK, Set.of(A20), Set.of()));
        assertEquals("duplicate: s0 and s1 both held it; it belongs to the other",
                of("s0", "s0", Optional.empty(), false, Readiness.OK, both).describe());
    }

    @Test
    void otherwiseTheHomeIsBackOrTheAllocationMovedIt() {
        assertEquals(new ReleaseReason.HomeBack("s0"), of("s1", "s0", Optional.empty(), false, Readiness.OK, CALM));
        assertEquals(new ReleaseReason.MovedByAllocation(),
                of("s0", "s0", Optional.empty(), false, Readiness.OK, CALM));
    }
}
