package org.sagent.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version the jar was built as (from the build's filtered resource), for metrics and {@code sagent version}. */
public final class BuildVersion {

    private BuildVersion() {
    }

    public static String version() {
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
