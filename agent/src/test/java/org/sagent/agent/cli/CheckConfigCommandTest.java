package org.sagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.TestSecret;
import picocli.CommandLine;

/** The command line as an administrator uses it: output, error text and exit status. */
class CheckConfigCommandTest {

    record Run(int status, String out, String err) {
    }

    static Run sagent(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = SagentCommand.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int status = cli.execute(args);
        return new Run(status, out.toString(), err.toString());
    }

    private static String resource(String name) throws Exception {
        return Path.of(CheckConfigCommandTest.class.getResource(name).toURI()).toString();
    }

    @Test
    void aValidFileExitsZeroAndSummarises() throws Exception {
        String file = TestSecret.goodConfig().toString();
        Run run = sagent("check-config", file);
        assertEquals(ExitCodes.OK, run.status(), run.err());
        assertTrue(run.out().startsWith(file + ": valid: cluster testcluster, 2 nodes, 2 public addresses\n"
                + "  198.51.100.120/24 on eth1, home s0\n  198.51.100.121/24 on eth1, home s1\n"), run.out());
        assertEquals("", run.err());
    }

    @Test
    void anInvalidFileExitsOneWithPositionedErrorsAndACount() throws Exception {
        String file = org.sagent.agent.config.TestSecret.copyOf(Path.of(resource("/config/bad/24-bad-failback-mode.yaml")))
                .toString();
        Run run = sagent("check-config", file);
        assertEquals(ExitCodes.FAILED, run.status());
        assertEquals(file + ":19:13: error: failover.failback: 'automatic' is not a failback mode; write auto or manual\n"
                + file + ": 1 error\n", run.err());
        assertEquals("", run.out());
    }

    @Test
    void aMissingFileIsAnErrorNotAStackTrace() {
        Run run = sagent("check-config", "/nonexistent/sagent.yaml");
        assertEquals(ExitCodes.FAILED, run.status());
        assertTrue(run.err().startsWith("/nonexistent/sagent.yaml:1:1: error: no such file"), run.err());
        assertTrue(!run.err().contains("Exception"), run.err());
    }

    @Test
    void wrongUsageExitsTwo() {
        Run unknownOption = sagent("check-config", "--frobnicate");
        assertEquals(ExitCodes.USAGE, unknownOption.status());
        assertTrue(unknownOption.err().contains("Unknown option: '--frobnicate'"), unknownOption.err());
        assertEquals(ExitCodes.USAGE, sagent("no-such-command").status());
        assertEquals(ExitCodes.USAGE, sagent().status());
    }

    @Test
    void everyCommandHasHelp() {
        for (String command : new String[] {"run", "check-config", "version"}) {
            Run run = sagent(command, "--help");
            assertEquals(ExitCodes.OK, run.status(), command);
            assertTrue(run.out().startsWith("Usage: sagent " + command), run.out());
        }
        assertTrue(sagent("--help").out().contains("check-config"));
    }

    @Test
    void versionNamesSagentAndJava() {
        Run run = sagent("version");
        assertEquals(ExitCodes.OK, run.status());
        String[] lines = run.out().split("\n");
        assertTrue(lines[0].matches("sagent \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), run.out());
        assertTrue(lines[1].startsWith("Java " + System.getProperty("java.version")), run.out());
    }
}
