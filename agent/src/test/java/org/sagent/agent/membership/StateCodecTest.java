package org.sagent.agent.membership;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sagent.agent.core.NodeState;

/** A node's state on the wire, and the warm-up that builds the codec before the channel joins. */
class StateCodecTest {

    private static final MessageSigner SIGNER = new MessageSigner("a cluster secret of enough bytes".getBytes(
            StandardCharsets.UTF_8));

    @Test
    void theWarmUpStateHasEveryFieldSetAndComesBackWhole() throws Exception {
        NodeState sample = MembershipChannel.WARM_UP_STATE;
        assertNotNull(sample.isolation());
        assertTrue(!sample.pins().isEmpty() && !sample.clients().isEmpty() && !sample.macs().isEmpty()
                && !sample.held().isEmpty() && !sample.released().isEmpty() && !sample.reasons().isEmpty());
        assertEquals(sample, MembershipChannel.warmUp(Optional.empty()));
        assertEquals(sample, MembershipChannel.warmUp(Optional.of(SIGNER)));
    }

    @Test
    void aSignedStateDecodesOnlyWithItsTagIntact() throws Exception {
        byte[] wire = MembershipChannel.encode(MembershipChannel.WARM_UP_STATE, Optional.of(SIGNER));
        byte[] framed = new byte[wire.length + 10];
        System.arraycopy(wire, 0, framed, 5, wire.length);
        assertEquals(Optional.of(MembershipChannel.WARM_UP_STATE),
                MembershipChannel.decode(framed, 5, wire.length, Optional.of(SIGNER)));

        framed[5 + 3] ^= 1;
        assertTrue(MembershipChannel.decode(framed, 5, wire.length, Optional.of(SIGNER)).isEmpty());
        MessageSigner other = new MessageSigner("another secret, another cluster".getBytes(StandardCharsets.UTF_8));
        assertTrue(MembershipChannel.decode(wire, 0, wire.length, Optional.of(other)).isEmpty());
    }
}
