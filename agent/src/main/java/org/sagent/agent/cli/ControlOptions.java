package org.sagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Duration;
import org.sagent.agent.Agent;
import org.sagent.agent.control.ControlClient;
import picocli.CommandLine;

/** The options of every command that talks to the running agent, and the asking itself. */
final class ControlOptions {

    @CommandLine.Option(names = "--runtime-dir", paramLabel = "DIR", defaultValue = "/run/sagent",
            description = "Where the agent's control socket is (default: ${DEFAULT-VALUE}).")
    Path runtimeDirectory;

    @CommandLine.Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "5",
            description = "How long to wait for each answer of the agent (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    JsonNode ask(JsonNode request) throws ControlClient.Unreachable {
        return ControlClient.ask(Agent.controlSocket(runtimeDirectory), request, Duration.ofSeconds(timeoutSeconds));
    }
}
