package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/** Runs {@code promtool check metrics} (Debian package prometheus) on an exposition: lint errors fail the test. */
final class PromtoolCheck {

    private PromtoolCheck() {
    }

    static void metrics(String exposition) throws IOException, InterruptedException {
        Process process = new ProcessBuilder("promtool", "check", "metrics").redirectErrorStream(true).start();
        process.getOutputStream().write(exposition.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("promtool check metrics did not finish in 30 s");
        }
        assertEquals(0, process.exitValue(), "promtool check metrics:\n" + output + "\non:\n" + exposition);
        assertEquals("", output.strip(), "promtool check metrics found problems:\n" + output);
    }
}
