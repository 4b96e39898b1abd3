package org.sagent.agent.membership;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * The shared cluster secret and the two keys made from it: one that JGroups encrypts every frame
 * with (so a host without the secret can neither join a group nor speak in one), and one that
 * signs each node state (so what decides is authenticated even by a member). Separate keys for
 * separate jobs: a key never serves two algorithms.
 */
public final class ClusterSecret {

    static final int MINIMUM_BYTES = 16;

    private final byte[] stateKey;
    private final SecretKey groupKey;

    public ClusterSecret(byte[] secret) {
        if (secret.length < MINIMUM_BYTES) {
            throw new IllegalArgumentException("a cluster secret needs at least " + MINIMUM_BYTES + " bytes");
        }
        this.stateKey = derive(secret, "sagent node states v1");
        this.groupKey = new SecretKeySpec(Arrays.copyOf(derive(secret, "sagent group frames v1"), 16), "AES");
    }

    /** Reads the secret file (its whole content is the secret, trailing newline included). */
    public static ClusterSecret fromFile(Path file) throws IOException {
        return new ClusterSecret(Files.readAllBytes(file));
    }

    /** Signs and checks node states. */
    public MessageSigner stateSigner() {
        return new MessageSigner(stateKey);
    }

    /** The AES key of JGroups' SYM_ENCRYPT, on both paths. */
    public SecretKey groupKey() {
        return groupKey;
    }

    /** HMAC-SHA256(secret, label): one key per purpose out of one secret. */
    private static byte[] derive(byte[] secret, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
