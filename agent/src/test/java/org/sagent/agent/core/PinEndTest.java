package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.sagent.agent.core.CorePictures.A20;
import static org.sagent.agent.core.CorePictures.picture;
import static org.sagent.agent.core.CorePictures.state;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** When a pin this node was given ends ({@link Pins#ended}). */
class PinEndTest {

    private static final Map<String, Pin> OWN = Map.of(A20, new Pin("s1", 1_000));

    @Test
    void aPinStandsWhileItsNodeCanTakeTheAddress() {
        ClusterPicture p = picture(Set.of("s0", "s1"), Map.of(A20, "s1"), state("s1", Readiness.OK, Set.of(), Set.of()));
        assertEquals(List.of(), Pins.ended(OWN, p));
    }

    @Test
    void itEndsWhenItsNodeCanNoLongerServe() {
        ClusterPicture p = picture(Set.of("s0", "s1"), Map.of(A20, "s1"),
                state("s1", Readiness.UNHEALTHY, Set.of(), Set.of()));
        assertEquals(List.of(new PinEnd.CannotServe(A20, "s1")), Pins.ended(OWN, p));
    }

    @Test
    void itEndsWhenANewerPinForAnotherNodeIsAgreed() {
        ClusterPicture p = picture(Set.of("s0", "s1"), Map.of(A20, "s0"), state("s1", Readiness.OK, Set.of(), Set.of()),
                state("s0", Readiness.OK, Set.of(), Set.of()));
        assertEquals(List.of(new PinEnd.Superseded(A20)), Pins.ended(OWN, p));
    }
}
