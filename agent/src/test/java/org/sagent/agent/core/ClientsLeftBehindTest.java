package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.FailbackMode;

/** Which client connections a node publishes, and which the new holder of an address tickles. */
class ClientsLeftBehindTest {

    private static final String A = "198.51.100.120";
    private static final String B = "198.51.100.121";

    private static NodeState state(String node, Set<String> held, Set<String> released, Map<String, List<String>> clients) {
        return new NodeState(node, 1, Readiness.OK, List.of(), false, held, released, 1000, 1000, Set.of(), Map.of(),
                clients);
    }

    private static ClusterPicture picture(Set<String> view, NodeState... states) {
        Map<String, NodeState> byNode = new java.util.LinkedHashMap<>();
        for (NodeState s : states) {
            byNode.put(s.node(), s);
        }
        return Pictures.roundRobin(3, 2, view, byNode, FailbackMode.AUTO);
    }

    @Test
    void aHolderPublishesWhatItListsOnItsAddressesAndAfterAReleaseWhatItLeftBehindThere() {
        Map<String, List<String>> listed = Map.of(A, List.of("198.51.100.100 40000 445"),
                B, List.of("198.51.100.100 40002 445"));
        // holds both: everything listed, nothing stranded
        assertEquals(listed, ClientsLeftBehind.published(listed, Set.of(A, B), Map.of()));
        // released A: the periodic listing of A is stale; what the release left behind (reset or
        // connected during it) replaces it
        Map<String, List<String>> leftBehind = Map.of(A, List.of("198.51.100.100 40000 445", "198.51.100.100 40001 445"));
        assertEquals(Map.of(A, List.of("198.51.100.100 40000 445", "198.51.100.100 40001 445"),
                B, List.of("198.51.100.100 40002 445")), ClientsLeftBehind.published(listed, Set.of(B), leftBehind));
        // released A with no connection on it: nothing published for it
        assertEquals(Map.of(B, List.of("198.51.100.100 40002 445")),
                ClientsLeftBehind.published(listed, Set.of(B), Map.of(A, List.of())));
        // took A back: its own listing counts again, what it left behind before does not
        assertEquals(listed, ClientsLeftBehind.published(listed, Set.of(A, B), leftBehind));
    }

    @Test
    void theNewHolderTicklesWhatTheReleaserLeftBehindAndWhatAVanishedHolderHad() {
        NodeState releaser = state("s0", Set.of(), Set.of(A), Map.of(A, List.of("198.51.100.100 40001 445")));
        NodeState taker = state("s1", Set.of(A), Set.of(), Map.of(A, List.of("198.51.100.100 50000 445")));
        assertEquals(List.of("198.51.100.100 40001 445"),
                ClientsLeftBehind.toTickle(A, "s1", picture(Set.of("s0", "s1"), releaser, taker)));
        // not for another address, and never its own connections
        assertEquals(List.of(), ClientsLeftBehind.toTickle(B, "s1", picture(Set.of("s0", "s1"), releaser, taker)));

        NodeState vanished = state("s2", Set.of(B), Set.of(), Map.of(B, List.of("198.51.100.101 40005 445")));
        assertEquals(List.of("198.51.100.101 40005 445"),
                ClientsLeftBehind.toTickle(B, "s1", picture(Set.of("s0", "s1"), releaser, taker, vanished)));
    }

    @Test
    void aMemberStillHoldingTheAddressOrOneThatNeverHadItIsNotTickledFor() {
        // s0 in the view, holds A and did not release it: a duplicate being resolved, not a move
        NodeState holder = state("s0", Set.of(A), Set.of(), Map.of(A, List.of("198.51.100.100 40001 445")));
        NodeState taker = state("s1", Set.of(A), Set.of(), Map.of());
        assertEquals(List.of(), ClientsLeftBehind.toTickle(A, "s1", picture(Set.of("s0", "s1"), holder, taker)));
        // a node that left the view without holding A
        NodeState gone = state("s2", Set.of(B), Set.of(A), Map.of(A, List.of("198.51.100.100 40009 445")));
        assertEquals(List.of(), ClientsLeftBehind.toTickle(A, "s1", picture(Set.of("s0", "s1"), holder, taker, gone)));
    }
}
