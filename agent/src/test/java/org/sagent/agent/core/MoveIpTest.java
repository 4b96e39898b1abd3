package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sagent.agent.core.CorePictures.A20;
import static org.sagent.agent.core.CorePictures.B21;
import static org.sagent.agent.core.CorePictures.picture;
import static org.sagent.agent.core.CorePictures.pinned;
import static org.sagent.agent.core.CorePictures.state;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MoveIpTest {

    private static final Map<String, String> PRINTED = new LinkedHashMap<>(Map.of(A20, A20 + "/24"));
    private static final List<String> NODES = List.of("s0", "s1");

    static {
        PRINTED.put(B21, B21 + "/24");
    }

    private static MoveIp.Decision decide(Optional<String> address, String node, ClusterPicture picture) {
        return MoveIp.decide("what was typed", address, PRINTED, NODES, node, picture, 1_000);
    }

    @Test
    void anUnknownAddressOrNodeIsRefusedWithWhatIsConfigured() {
        ClusterPicture p = picture(Set.of("s0", "s1"), Map.of());
        assertEquals(new MoveIp.Refused("what was typed is not a public address of this cluster; configured: "
                + A20 + ", " + B21), decide(Optional.of("198.51.100.9"), "s1", p));
        assertEquals(new MoveIp.Refused("no node named s7; nodes: s0, s1"), decide(Optional.of(A20), "s7", p));
    }

    @Test
    void aNodeOutsideTheViewOrUnfitIsRefused() {
        assertEquals(new MoveIp.Refused("s1 is not in this node's cluster view (DISCONNECTED): it cannot take "
                + A20 + "/24"), decide(Optional.of(A20), "s1", picture(Set.of("s0"), Map.of())));
        NodeState unhealthy = new NodeState("s1", 1, Readiness.UNHEALTHY, List.of("smbd: inactive"), false, Set.of(),
                Set.of(), 0, 60_000, Set.of());
        assertEquals(new MoveIp.Refused("s1 is UNHEALTHY (smbd: inactive): it may not take " + A20 + "/24"),
                decide(Optional.of(A20), "s1", picture(Set.of("s0", "s1"), Map.of(), unhealthy)));
    }

    @Test
    void theNewPinIsNewerThanEveryPinKnownEvenFromAClockAhead() {
        ClusterPicture p = picture(Set.of("s0", "s1"), Map.of(), state("s1", Readiness.OK, Set.of(), Set.of()),
                pinned("s0", Map.of(A20, new Pin("s0", 5_000))));
        assertEquals(new MoveIp.Accepted(A20, new Pin("s1", 5_001)), decide(Optional.of(A20), "s1", p));
        ClusterPicture unpinned = picture(Set.of("s0", "s1"), Map.of(), state("s1", Readiness.OK, Set.of(), Set.of()));
        assertEquals(new MoveIp.Accepted(A20, new Pin("s1", 1_000)), decide(Optional.of(A20), "s1", unpinned));
    }
}
