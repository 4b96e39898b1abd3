package org.sagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** {@code sagent run} refuses to start on a bad configuration or an unknown node, with status 1. */
class RunCommandTest {

    @Test
    void refusesAnInvalidConfiguration() throws Exception {
        String file = java.nio.file.Path.of(getClass().getResource("/config/bad/02-unknown-key-in-failover.yaml").toURI())
                .toString();
        assertEquals(ExitCodes.FAILED, CheckConfigCommandTest.sagent("run", "--config", file).status());
    }

    @Test
    void refusesANodeNameThatIsNotConfigured() throws Exception {
        String file = java.nio.file.Path.of(getClass().getResource("/config/good.yaml").toURI()).toString();
        assertEquals(ExitCodes.FAILED, CheckConfigCommandTest.sagent("run", "--config", file, "--node", "s9").status());
    }
}
