package org.sagent.agent.health;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.sagent.agent.health.samba.SambaCheck;
import org.sagent.agent.health.script.ScriptCheck;

/** Script and Samba checks against real processes and sockets. */
class ChecksTest {

    private final CommandRunner runner = new CommandRunner();

    private CheckOutcome script(String shell, Duration timeout) {
        return new ScriptCheck("t", List.of("/bin/sh", "-c", shell), timeout, runner).check();
    }

    @Test
    void aScriptsExitStatusDecidesAndItsLastLineExplains() {
        assertEquals(CheckOutcome.pass("quorum disk reachable"), script("echo starting; echo quorum disk reachable", Duration.ofSeconds(5)));
        assertEquals(CheckOutcome.fail("/bin/sh exited 3: no quorum"), script("echo no quorum >&2; exit 3", Duration.ofSeconds(5)));
        assertEquals(CheckOutcome.pass("/bin/sh exited 0"), script("true", Duration.ofSeconds(5)));
    }

    @Test
    void aScriptThatHangsIsKilledAtItsTimeout() {
        long start = System.nanoTime();
        CheckOutcome outcome = script("sleep 30", Duration.ofMillis(300));
        long millis = (System.nanoTime() - start) / 1_000_000;
        assertEquals(CheckOutcome.fail("/bin/sh killed after 300 ms"), outcome);
        assertTrue(millis < 10_000, "took " + millis + " ms");
    }

    @Test
    void keepsOnlyTheTailOfAChattyScript() {
        CommandRunner.Result result = runner.run(List.of("/bin/sh", "-c", "i=0; while [ $i -lt 5000 ]; do echo line $i; "
                + "i=$((i+1)); done"), Duration.ofSeconds(10));
        assertTrue(result.output().length() <= CommandRunner.KEEP_BYTES, "kept " + result.output().length());
        assertEquals("line 4999", result.lastLine());
    }

    @Test
    void aMissingProgramIsAFailureThatNamesIt() {
        CheckOutcome outcome = new ScriptCheck("t", List.of("/nonexistent/check"), Duration.ofSeconds(2), runner).check();
        assertFalse(outcome.passed());
        assertTrue(outcome.reason().contains("/nonexistent/check"), outcome.reason());
    }

    @Test
    void sambaByPortPassesOnlyWhileSomethingListens() throws Exception {
        int port;
        try (ServerSocket server = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = server.getLocalPort();
            CheckOutcome listening = SambaCheck.port(port, Duration.ofSeconds(1)).check();
            assertEquals(CheckOutcome.pass("smbd accepts connections on port " + port), listening);
        }
        CheckOutcome closed = SambaCheck.port(port, Duration.ofSeconds(1)).check();
        assertFalse(closed.passed());
        assertTrue(closed.reason().startsWith("nothing accepts connections on 127.0.0.1:" + port), closed.reason());
    }
}
