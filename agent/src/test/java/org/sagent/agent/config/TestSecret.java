package org.sagent.agent.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * The test configurations name the packaged secret, /etc/sagent/secret, which a build machine
 * does not have. For the tests that check the files a configuration names (parseFile, the CLI),
 * this writes a secret of its own (mode 0600) and copies a configuration with its path in.
 */
public final class TestSecret {

    public static final String PACKAGED = "/etc/sagent/secret";
    private static Path secret;

    private TestSecret() {
    }

    /** A secret file for this test run, readable by its owner only. */
    public static synchronized Path file() {
        if (secret == null) {
            try {
                Path dir = Files.createTempDirectory("sagent-test-secret");
                secret = dir.resolve("secret");
                Files.writeString(secret, "test-secret-0123456789abcdef-0123456789\n");
                Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
                dir.toFile().deleteOnExit();
                secret.toFile().deleteOnExit();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return secret;
    }

    /** {@code text} with the packaged secret's path replaced by this run's. */
    public static String in(String text) {
        return text.replace(PACKAGED, file().toString());
    }

    /** The test resource good.yaml, copied so that it names this run's secret: a configuration that checks. */
    public static Path goodConfig() {
        try {
            return copyOf(Path.of(TestSecret.class.getResource("/config/good.yaml").toURI()));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A copy of {@code configuration} (in a temporary directory) that names this run's secret. */
    public static Path copyOf(Path configuration) {
        try {
            Path copy = Files.createTempDirectory("sagent-test-config").resolve(configuration.getFileName());
            Files.writeString(copy, in(Files.readString(configuration)));
            copy.toFile().deleteOnExit();
            copy.getParent().toFile().deleteOnExit();
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
