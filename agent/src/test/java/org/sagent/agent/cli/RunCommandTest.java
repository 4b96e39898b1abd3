package org.sagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.sagent.agent.config.TestSecret;

/**
 * {@code sagent run} refuses to start on a configuration that cannot work with status 78, which
 * sagent.service does not restart, and with 1 where starting again may succeed.
 */
class RunCommandTest {

    @Test
    void refusesAnInvalidConfigurationWithTheStatusSystemdDoesNotRestart() throws Exception {
        String file = java.nio.file.Path.of(getClass().getResource("/config/bad/02-unknown-key-in-failover.yaml").toURI())
                .toString();
        assertEquals(ExitCodes.CONFIG, CheckConfigCommandTest.sagent("run", "--config", file).status());
    }

    @Test
    void refusesANodeNameThatIsNotConfiguredAsAConfigurationError() throws Exception {
        String file = TestSecret.goodConfig().toString();
        assertEquals(ExitCodes.CONFIG, CheckConfigCommandTest.sagent("run", "--config", file, "--node", "s9").status());
    }

    @Test
    void aMachineWithoutAnyNodesAddressMayStartLaterSoItsStatusIsRestartable() throws Exception {
        // good.yaml's replication addresses are documentation addresses no test machine has.
        String file = TestSecret.goodConfig().toString();
        assertEquals(ExitCodes.FAILED, CheckConfigCommandTest.sagent("run", "--config", file).status());
    }

    @Test
    void theConfigurationStatusIsTheOneTheUnitDoesNotRestart() throws Exception {
        java.nio.file.Path unit = java.nio.file.Path.of("../systemd/units/sagent.service");
        String text = java.nio.file.Files.readString(unit);
        assertEquals(1, text.lines().filter(l -> l.equals("RestartPreventExitStatus=" + ExitCodes.CONFIG)).count(),
                unit + " must say RestartPreventExitStatus=" + ExitCodes.CONFIG);
    }
}
