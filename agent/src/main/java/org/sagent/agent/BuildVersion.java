package org.sagent.agent;

import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Properties;

/**
 * The version this agent was built as, for metrics ({@code sagent_build_info}) and
 * {@code sagent version}. Installed from the package, it is the package's own version and the
 * commit it was built from (the file {@value #BUILD_FILE} the package puts next to the jar,
 * e.g. "0.1.0~git20261207112512 (commit 1a2b3c4d5e6f)"); from a source tree, the Maven version.
 */
public final class BuildVersion {

    static final String BUILD_FILE = "build";

    private BuildVersion() {
    }

    public static String version() {
        return fromBuildFile(jarDirectory()).orElseGet(BuildVersion::mavenVersion);
    }

    /** The package's version file in {@code directory}, if there is one with a line in it. */
    static Optional<String> fromBuildFile(Optional<Path> directory) {
        try {
            if (directory.isPresent() && Files.isRegularFile(directory.get().resolve(BUILD_FILE))) {
                String line = Files.readString(directory.get().resolve(BUILD_FILE), StandardCharsets.UTF_8).strip();
                return line.isEmpty() || line.contains("\n") ? Optional.empty() : Optional.of(line);
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static Optional<Path> jarDirectory() {
        try {
            var source = BuildVersion.class.getProtectionDomain().getCodeSource();
            if (source == null) {
                return Optional.empty();
            }
            Path location = Path.of(source.getLocation().toURI());
            return Files.isRegularFile(location) ? Optional.ofNullable(location.getParent()) : Optional.empty();
        } catch (URISyntaxException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static String mavenVersion() {
        Properties properties = new Properties();
        try (InputStream in = BuildVersion.class.getResourceAsStream("/org/sagent/agent/version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return properties.getProperty("version", "unknown");
    }
}
