package org.sagent.agent.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sagent.agent.core.NodeState;
import org.sagent.agent.core.Readiness;

/** What a channel passes on from a message: only a configured node's own, authentic, fresh state. */
class SignedStatesTest {

    private static final ClusterSecret SECRET = new ClusterSecret("the cluster secret, 32 bytes long"
            .getBytes(StandardCharsets.UTF_8));
    private long now = 5_000_000_000L;
    private final Freshness freshness = new Freshness("a-run", () -> now, Duration.ofSeconds(15));
    private int newRuns;
    private final IncomingStates onA = new IncomingStates(MembershipEvent.Path.REPLICATION, "a",
            Set.of("a", "b", "c"), SECRET.stateSigner(), freshness, () -> newRuns++);

    private static NodeState state(String node, Set<String> held) {
        return new NodeState(node, 1, Readiness.OK, List.of(), false, held, Set.of(), 0, 0, Set.of());
    }

    private byte[] wire(String path, String from, long seq, NodeState state, ClusterSecret secret) throws Exception {
        StateEnvelope envelope = new StateEnvelope(StateEnvelope.VERSION, path, from, from + "-run", seq,
                Map.of("a", List.of(freshness.next().stamp())), state);
        return MembershipChannel.seal(envelope, secret.stateSigner());
    }

    private boolean passes(byte[] wire, String sender) {
        return onA.received(wire, 0, wire.length, sender).isPresent();
    }

    @Test
    void aConfiguredNodesFreshStateUnderItsOwnNamePasses() throws Exception {
        assertTrue(passes(wire("replication", "b", 1, state("b", Set.of("198.51.100.102")), SECRET), "b"));
        assertEquals(1, newRuns, "a new run of b: this node answers at once");
    }

    @Test
    void everyOtherMessageIsRefused() throws Exception {
        NodeState b = state("b", Set.of());
        ClusterSecret other = new ClusterSecret("some other cluster's secret, 32 b".getBytes(StandardCharsets.UTF_8));
        assertEquals(false, passes(wire("replication", "b", 1, b, other), "b"), "another secret");
        assertEquals(false, passes(wire("replication", "x", 1, state("x", Set.of()), SECRET), "x"), "no such node");
        assertEquals(false, passes(wire("replication", "b", 2, b, SECRET), "c"), "b's state sent by member c");
        assertEquals(false, passes(wire("replication", "b", 3, state("c", Set.of()), SECRET), "b"), "c's state from b");
        assertEquals(false, passes(wire("replication", "a", 4, state("a", Set.of()), SECRET), "a"), "our own name");
        assertEquals(false, passes(wire("lan", "b", 5, b, SECRET), "b"), "signed for the LAN path");
        byte[] unsigned = "{\"node\":\"b\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals(false, passes(unsigned, "b"), "no tag");
    }

    @Test
    void aRecordedStateReplayedLaterIsRefused() throws Exception {
        byte[] recorded = wire("replication", "b", 1, state("b", Set.of("198.51.100.101")), SECRET);
        assertTrue(passes(recorded, "b"));
        assertEquals(false, passes(recorded, "b"), "the same message again");
        byte[] heldBack = wire("replication", "b", 2, state("b", Set.of()), SECRET);
        now += Duration.ofSeconds(20).toNanos();
        assertEquals(false, passes(heldBack, "b"), "a message held back 20 s");
        assertTrue(passes(wire("replication", "b", 3, state("b", Set.of()), SECRET), "b"), "the live ones go on");
    }
}
