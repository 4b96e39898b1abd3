package org.sagent.agent.membership;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Authenticates what agents say with HMAC-SHA256 over each message and a key made from the
 * shared cluster secret (the JDK's own implementation): a host that lacks the secret cannot
 * make an agent believe a forged state.
 */
public final class MessageSigner {

    static final int TAG_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    public MessageSigner(byte[] secret) {
        if (secret.length < 16) {
            throw new IllegalArgumentException("a cluster secret needs at least 16 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), ALGORITHM);
    }

    /** The payload followed by its tag. */
    public byte[] sign(byte[] payload) {
        byte[] tag = tag(payload, 0, payload.length);
        byte[] signed = Arrays.copyOf(payload, payload.length + TAG_LENGTH);
        System.arraycopy(tag, 0, signed, payload.length, TAG_LENGTH);
        return signed;
    }

    /** The payload if its tag is right; empty for a forged, damaged or unsigned message. */
    public Optional<byte[]> verify(byte[] message, int offset, int length) {
        if (length < TAG_LENGTH) {
            return Optional.empty();
        }
        int payloadLength = length - TAG_LENGTH;
        byte[] expected = tag(message, offset, payloadLength);
        byte[] actual = Arrays.copyOfRange(message, offset + payloadLength, offset + length);
        if (!MessageDigest.isEqual(expected, actual)) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(message, offset, offset + payloadLength));
    }

    private byte[] tag(byte[] data, int offset, int length) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            mac.update(data, offset, length);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
