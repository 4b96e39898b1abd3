package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script on the built runnable jar, as a user runs it: the shipped example
 * configuration passes check-config, and {@code run} starts and stops cleanly on SIGTERM.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("sagent.launcher"));
    private static final Path JAR = Path.of(System.getProperty("sagent.jar"));
    private static final Path EXAMPLE = Path.of(System.getProperty("sagent.example.config"));

    record Ran(int status, String out, String err) {
    }

    private static Process start(Path errFile, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().put("SAGENT_JAR", JAR.toString());
        builder.environment().remove("JOURNAL_STREAM");
        builder.redirectError(errFile.toFile());
        return builder.start();
    }

    private static List<String> command(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static Ran run(Path dir, String... args) throws Exception {
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = start(err, args);
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "sagent " + String.join(" ", args) + " did not end");
        return new Ran(process.exitValue(), out, Files.readString(err));
    }

    @Test
    void printsTheVersionFromTheBuiltJar(@TempDir Path dir) throws Exception {
        Ran ran = run(dir, "version");
        assertEquals(0, ran.status(), ran.err());
        assertTrue(ran.out().startsWith("sagent " + System.getProperty("sagent.version", "")), ran.out());
        assertTrue(ran.out().contains("\nJava "), ran.out());
    }

    @Test
    void theShippedExampleConfigurationIsValid(@TempDir Path dir) throws Exception {
        Ran ran = run(dir, "check-config", EXAMPLE.toString());
        assertEquals(0, ran.status(), ran.err());
        assertTrue(ran.out().startsWith(EXAMPLE + ": valid: cluster scluster, 2 nodes, 2 public addresses"), ran.out());
        assertTrue(ran.out().contains("172.20.1.20/16 on eth1, home s0"), ran.out());
        assertEquals("", ran.err());
    }

    @Test
    void runStartsAndExitsZeroOnSigterm(@TempDir Path dir) throws Exception {
        Path err = dir.resolve("run.err");
        Process agent = start(err, "run", "--config", EXAMPLE.toString(), "--node", "s1");
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(err).contains("running as s1") && System.nanoTime() < deadline && agent.isAlive()) {
                Thread.sleep(50);
            }
            String log = Files.readString(err);
            assertTrue(log.contains("this node is s1 (named by --node)"), log);
            assertTrue(log.contains("running as s1 with"), "agent never said it was running: " + log);
            agent.destroy(); // SIGTERM to the java process: the launcher exec'd it
            assertTrue(agent.waitFor(20, TimeUnit.SECONDS), "agent ignored SIGTERM");
            assertEquals(0, agent.exitValue(), Files.readString(err));
            assertTrue(Files.readString(err).contains("stopping: SIGTERM"), Files.readString(err));
        } finally {
            agent.destroyForcibly();
        }
    }

    @Test
    void runRefusesToStartWhenNoNodeMatches(@TempDir Path dir) throws Exception {
        Ran ran = run(dir, "run", "--config", EXAMPLE.toString());
        assertEquals(1, ran.status(), ran.err());
        assertTrue(ran.err().contains("not starting: this machine has none of the nodes' replication addresses"), ran.err());
    }
}
