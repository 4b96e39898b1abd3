package org.sagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.config.TestSecret;

/** {@code sagent status} when the agent cannot be asked: its own exit status, and JSON stays JSON. */
class StatusCommandTest {

    @TempDir
    Path runtime;

    @Test
    void withTheAgentDownJsonIsStillJsonAndTheStatusIsNotUsages() throws Exception {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("status", "--json", "--runtime-dir",
                runtime.toString(), "--config", TestSecret.goodConfig().toString());
        assertEquals(ExitCodes.UNREACHABLE, run.status(), run.err());
        JsonNode answer = new ObjectMapper().readTree(run.out());
        assertFalse(answer.path("ok").asBoolean(true), run.out());
        assertTrue(answer.path("error").asText().startsWith("the agent is not running"), run.out());
        // good.yaml's public addresses are documentation addresses this machine does not carry.
        JsonNode addresses = answer.path("addressesOnThisNode");
        assertTrue(addresses.size() > 0, run.out());
        addresses.elements().forEachRemaining(present -> assertFalse(present.asBoolean(true), run.out()));
        assertTrue(run.err().contains("sagent status: the agent is not running"), run.err());
    }

    @Test
    void withTheAgentDownTheTextSaysWhatTheInterfacesCarry() throws Exception {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("status", "--runtime-dir", runtime.toString(),
                "--config", TestSecret.goodConfig().toString());
        assertEquals(ExitCodes.UNREACHABLE, run.status(), run.err());
        assertTrue(run.out().startsWith("Public addresses configured on this node's interfaces (the agent is not "
                + "running):"), run.out());
        assertTrue(run.out().contains(" absent"), run.out());
    }

    @Test
    void aWrongOptionIsUsageNotUnreachable() {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("status", "--bogus");
        assertEquals(ExitCodes.USAGE, run.status(), run.err());
    }
}
