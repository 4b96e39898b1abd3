package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Prometheus alert rules: valid for {@code promtool check rules}, and each alert
 * fires on the series that should raise it (and not before its {@code for}), by
 * {@code promtool test rules}.
 */
class AlertRulesTest {

    private static final Path RULES = Path.of(System.getProperty("sagent.alert.rules",
            "src/deb/share/prometheus/sagent-alerts.yml"));

    record Ran(int status, String output) {
    }

    private static Ran promtool(Path dir, String... args) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("promtool"));
        command.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            if (System.getenv("CI") != null) {
                throw new AssertionError("promtool is missing: .ci/run installs Debian's prometheus package", e);
            }
            Assumptions.abort("promtool is missing: install Debian's prometheus package to check the alert rules");
            throw e;
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "promtool did not finish");
        return new Ran(process.exitValue(), output);
    }

    @Test
    void theRulesAreValidAndEveryAlertFiresWhenItShould(@TempDir Path dir) throws Exception {
        Files.copy(RULES, dir.resolve("sagent-alerts.yml"));
        try (var in = getClass().getResourceAsStream("/sagent-alerts.test.yml")) {
            Files.copy(in, dir.resolve("sagent-alerts.test.yml"));
        }
        Ran check = promtool(dir, "check", "rules", "sagent-alerts.yml");
        assertEquals(0, check.status(), check.output());
        assertTrue(check.output().contains("SUCCESS: 14 rules found"), check.output());
        Ran test = promtool(dir, "test", "rules", "sagent-alerts.test.yml");
        assertEquals(0, test.status(), test.output());
        assertTrue(test.output().contains("SUCCESS"), test.output());
    }
}
