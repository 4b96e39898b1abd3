package org.sagent.agent.membership;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Only a holder of the cluster secret can produce a message an agent accepts from the LAN. */
class MessageSignerTest {

    private final MessageSigner signer = new MessageSigner("correct horse battery staple".getBytes(StandardCharsets.UTF_8));

    @Test
    void acceptsWhatItSignedAndReturnsThePayload() {
        byte[] payload = "{\"node\":\"s0\"}".getBytes(StandardCharsets.UTF_8);
        byte[] signed = signer.sign(payload);
        assertEquals(payload.length + MessageSigner.TAG_LENGTH, signed.length);
        assertArrayEquals(payload, signer.verify(signed, 0, signed.length).orElseThrow());
    }

    @Test
    void refusesForgedDamagedAndUnsignedMessages() {
        byte[] signed = signer.sign("{\"node\":\"s0\",\"held\":[]}".getBytes(StandardCharsets.UTF_8));
        byte[] tampered = signed.clone();
        tampered[5] ^= 1;
        assertEquals(Optional.empty(), signer.verify(tampered, 0, tampered.length));
        MessageSigner stranger = new MessageSigner("another secret, sixteen+ bytes".getBytes(StandardCharsets.UTF_8));
        byte[] forged = stranger.sign("{\"node\":\"s0\"}".getBytes(StandardCharsets.UTF_8));
        assertEquals(Optional.empty(), signer.verify(forged, 0, forged.length));
        assertEquals(Optional.empty(), signer.verify(new byte[10], 0, 10));
    }

    @Test
    void verifiesWithinALargerBuffer() {
        byte[] signed = signer.sign(new byte[] {1, 2, 3});
        byte[] buffer = new byte[signed.length + 8];
        System.arraycopy(signed, 0, buffer, 4, signed.length);
        assertArrayEquals(new byte[] {1, 2, 3}, signer.verify(buffer, 4, signed.length).orElseThrow());
    }
}
