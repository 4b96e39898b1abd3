package org.sagent.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.sagent.agent.cluster.NodeController;
import org.sagent.agent.control.ControlServer;
import org.sagent.agent.isolation.IsolationCoordinator;

/**
 * The commands the control socket takes ({@code sagent status}, {@code disable}, {@code move-ip},
 * the fence-peer handler's questions): each becomes a question to the agent's loop with the
 * deadline the client gave, and its answer a JSON reply.
 */
final class ControlCommands {

    /** In the state directory: the node stays disabled across agent restarts until enabled. */
    static final String DISABLED_FLAG = "disabled";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(ControlCommands.class);
    /** A fence-peer question that waits this long for the loop is said: DRBD's I/O is frozen meanwhile. */
    static final long SLOW_FENCE_QUESTION_MS = 200;

    private final AgentLoop loop;
    private final NodeController controller;
    private final IsolationCoordinator isolation;
    private final EventRouter router;
    private final Path stateDirectory;
    /** Dates the disable flag, for the administrator who reads it. */
    private final Clock wallClock;
    private final Duration handlerDeadline;

    ControlCommands(AgentLoop loop, NodeController controller, IsolationCoordinator isolation, EventRouter router,
                    Path stateDirectory, Clock wallClock, Duration handlerDeadline) {
        this.loop = loop;
        this.controller = controller;
        this.isolation = isolation;
        this.router = router;
        this.stateDirectory = stateDirectory;
        this.wallClock = wallClock;
        this.handlerDeadline = handlerDeadline;
    }

    /** @param wait what the client has left of its wait (the control server counts it from the accept) */
    JsonNode answer(JsonNode request, Duration wait) {
        String command = request.path("command").asText();
        try {
            return switch (command) {
                case "status" -> ControlServer.ok().set("status", JSON.valueToTree(loop.ask(router::report, wait)));
                case "move-ip" -> {
                    String address = request.path("address").asText("");
                    String node = request.path("node").asText("");
                    Optional<String> refused = loop.ask(() -> controller.moveIp(address, node), wait);
                    yield refused.map(ControlServer::error).orElseGet(ControlServer::ok);
                }
                case "disable", "enable" -> {
                    boolean disable = command.equals("disable");
                    Path flag = stateDirectory.resolve(DISABLED_FLAG);
                    if (disable) {
                        Files.createDirectories(stateDirectory);
                        Files.writeString(flag, "disabled by sagent disable at " + wallClock.instant() + "\n");
                    } else {
                        Files.deleteIfExists(flag);
                    }
                    // Recorded on disk already: a loop too busy to answer now still carries it out later.
                    loop.await(() -> {
                        controller.setDisabled(disable);
                        return null;
                    }, wait);
                    yield ControlServer.ok().put("disabled", disable);
                }
                case "fence-peer" -> {
                    String resource = request.path("resource").asText("");
                    boolean gaveUp = request.path("gave-up").asBoolean(false);
                    long received = System.nanoTime();
                    IsolationCoordinator.Answer answer = loop.ask(() -> {
                        long queued = (System.nanoTime() - received) / 1_000_000;
                        if (queued >= SLOW_FENCE_QUESTION_MS) {
                            // Frozen time the failover budget must be able to tell from the handler's start-up.
                            log.warn("fence-peer {}: the handler's question waited {} ms for the agent's event loop",
                                    resource, queued);
                        }
                        return isolation.fencePeer(resource, gaveUp);
                    }, wait);
                    yield ControlServer.ok().put("outcome", answer.outcome().name().toLowerCase())
                            .put("exit", answer.exitCode()).put("message", answer.message())
                            .put("deadline-ms", handlerDeadline.toMillis());
                }
                case "unfence" -> {
                    String handler = request.path("handler").asText("unfence-peer");
                    String resource = request.path("resource").asText("");
                    loop.ask(() -> {
                        isolation.unfence(handler, resource);
                        return null;
                    }, wait);
                    yield ControlServer.ok();
                }
                default -> ControlServer.error("unknown command '" + command + "'; known: status, disable, enable, "
                        + "move-ip, fence-peer, unfence");
            };
        } catch (IOException e) {
            return ControlServer.error("cannot record the change in " + stateDirectory + ": " + e.getMessage());
        } catch (TimeoutException e) {
            return ControlServer.error("the agent's event loop did not answer within " + wait.toMillis() + " ms: it is "
                    + "busy (a loaded machine, a slow probe) or stuck (the journal says which); ask again with a "
                    + "longer --timeout");
        } catch (Exception e) {
            return ControlServer.error("the agent could not answer: " + e);
        }
    }
}
