package org.sagent.agent.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.sagent.agent.core.NodeState;

/** A node's state on the wire, and the warm-up that builds the codec before the channel joins. */
class StateCodecTest {

    private static final MessageSigner SIGNER = new ClusterSecret("a cluster secret of enough bytes".getBytes(
            StandardCharsets.UTF_8)).stateSigner();

    @Test
    void theWarmUpStateHasEveryFieldSetAndComesBackWhole() throws Exception {
        NodeState sample = MembershipChannel.WARM_UP_STATE;
        assertNotNull(sample.isolation());
        assertNotNull(sample.isolation().episode());
        assertNotNull(sample.isolation().answers());
        assertTrue(!sample.pins().isEmpty() && !sample.clients().isEmpty() && !sample.macs().isEmpty()
                && !sample.held().isEmpty() && !sample.released().isEmpty() && !sample.reasons().isEmpty());
        assertEquals(sample, MembershipChannel.warmUp(SIGNER));
    }

    @Test
    void anEnvelopeOpensOnlyWithItsTagIntactAndTheSameSecret() throws Exception {
        StateEnvelope envelope = new StateEnvelope(StateEnvelope.VERSION, "lan", "s0", "run", 3,
                Map.of("s1", List.of(new Freshness.Stamp("s1-run", 9))), MembershipChannel.WARM_UP_STATE);
        byte[] wire = MembershipChannel.seal(envelope, SIGNER);
        byte[] framed = new byte[wire.length + 10];
        System.arraycopy(wire, 0, framed, 5, wire.length);
        assertEquals(envelope, MembershipChannel.open(framed, 5, wire.length, SIGNER).orElseThrow());

        framed[5 + 3] ^= 1;
        assertTrue(MembershipChannel.open(framed, 5, wire.length, SIGNER).isEmpty());
        MessageSigner other = new ClusterSecret("another secret, another cluster".getBytes(StandardCharsets.UTF_8))
                .stateSigner();
        assertTrue(MembershipChannel.open(wire, 0, wire.length, other).isEmpty());
    }

    @Test
    void theStateKeyIsNotTheSecretItself() {
        byte[] secret = "a cluster secret of enough bytes".getBytes(StandardCharsets.UTF_8);
        byte[] payload = {1, 2, 3};
        byte[] withDerived = new ClusterSecret(secret).stateSigner().sign(payload);
        byte[] withRaw = new MessageSigner(secret).sign(payload);
        assertTrue(!java.util.Arrays.equals(withDerived, withRaw), "a key per purpose, not the secret as such");
        assertEquals(16, new ClusterSecret(secret).groupKey().getEncoded().length);
    }
}
