package org.sagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.sagent.agent.control.ControlClient;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The DRBD handlers (spec 7.1): thin clients of the local agent. DRBD 8.4 runs them through
 * drbdadm with DRBD_RESOURCE in the environment and reads only the exit status of fence-peer.
 */
final class DrbdHandlerCommands {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** DRBD 8.4: "peer was stonithed"; the peer disk is marked Outdated and I/O resumes. */
    static final int PEER_STONITHED = 7;
    /** Anything but 3-7 is "helper broken" to DRBD: I/O stays frozen. 0 is never used (DRBD reads it as broken too). */
    static final int STAY_FROZEN = 1;
    private static final Duration ASK_EVERY = Duration.ofMillis(200);

    private DrbdHandlerCommands() {
    }

    static String resource(String argument) {
        if (argument != null && !argument.isBlank()) {
            return argument;
        }
        String fromDrbd = System.getenv("DRBD_RESOURCE");
        return fromDrbd == null ? "" : fromDrbd;
    }

    @Command(name = "fence-peer", mixinStandardHelpOptions = true,
            description = {"DRBD fence-peer handler: asks the local agent whether this node keeps writing.",
                    "Configure it in DRBD as: handlers { fence-peer \"/usr/bin/sagent fence-peer\"; } with "
                            + "disk { fencing resource-and-stonith; } (see README, Isolation).",
                    "It asks until the agent says this node won, or until the deadline; it never exits 0, "
                            + "which DRBD reads as a broken handler."},
            exitCodeListHeading = "%nExit status (what DRBD 8.4 does with it):%n",
            exitCodeList = {"7:this node won: DRBD marks the peer Outdated and resumes I/O here",
                    "1:this node did not win (lost, undecided, agent unreachable, not configured): I/O stays frozen",
                    "2:wrong usage"})
    static final class FencePeer implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = "--runtime-dir", paramLabel = "DIR", defaultValue = "/run/sagent",
                description = "Where the agent's control socket is (default: ${DEFAULT-VALUE}).")
        java.nio.file.Path runtimeDirectory;

        @CommandLine.Option(names = "--deadline", paramLabel = "SECONDS", defaultValue = "30",
                description = "Give up (exit 1, I/O stays frozen) after this long; the agent's isolation."
                        + "handler-deadline replaces it once the agent answers (default: ${DEFAULT-VALUE}).")
        int deadlineSeconds;

        @CommandLine.Parameters(arity = "0..1", paramLabel = "RESOURCE",
                description = "The DRBD resource (default: $DRBD_RESOURCE, as drbdadm sets it).")
        String resourceArgument;

        @Override
        public Integer call() throws InterruptedException {
            String resource = resource(resourceArgument);
            long start = System.nanoTime();
            long deadline = start + Duration.ofSeconds(deadlineSeconds).toNanos();
            boolean deadlineFromAgent = false;
            String lastMessage = "";
            say(Syslog.LOG_WARNING, "fence-peer " + resource + ": DRBD lost the peer (" + env("DRBD_PEER_ADDRESS")
                    + ") and froze I/O; asking the agent who keeps writing");
            while (System.nanoTime() < deadline) {
                long left = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
                try {
                    JsonNode reply = ControlClient.ask(org.sagent.agent.Agent.controlSocket(runtimeDirectory),
                            JSON.createObjectNode().put("command", "fence-peer").put("resource", resource),
                            Duration.ofMillis(Math.min(4000, left)));
                    if (!reply.path("ok").asBoolean()) {
                        lastMessage = note(lastMessage, Syslog.LOG_ERR, "the agent refused: " + reply.path("error").asText());
                    } else {
                        if (!deadlineFromAgent && reply.has("deadline-ms")) {
                            deadlineFromAgent = true;
                            deadline = start + reply.path("deadline-ms").asLong() * 1_000_000;
                        }
                        String outcome = reply.path("outcome").asText();
                        String message = reply.path("message").asText();
                        if (outcome.equals("won")) {
                            say(Syslog.LOG_WARNING, "fence-peer " + resource + ": " + message + "; exit 7: DRBD "
                                    + "resumes I/O here after " + (System.nanoTime() - start) / 1_000_000 + " ms");
                            return PEER_STONITHED;
                        }
                        if (outcome.equals("lost") || outcome.equals("not_configured")) {
                            say(Syslog.LOG_ERR, "fence-peer " + resource + ": " + message + "; exit 1");
                            return STAY_FROZEN;
                        }
                        lastMessage = note(lastMessage, Syslog.LOG_INFO, "waiting: " + message);
                    }
                } catch (ControlClient.Unreachable e) {
                    lastMessage = note(lastMessage, Syslog.LOG_ERR, "the agent cannot be asked (" + e.getMessage()
                            + "); asking again until the deadline");
                }
                Thread.sleep(ASK_EVERY.toMillis());
            }
            try {
                ControlClient.ask(org.sagent.agent.Agent.controlSocket(runtimeDirectory),
                        JSON.createObjectNode().put("command", "fence-peer").put("resource", resource)
                                .put("gave-up", true), Duration.ofSeconds(2));
            } catch (ControlClient.Unreachable e) {
                // already said
            }
            say(Syslog.LOG_ERR, "fence-peer " + resource + ": no decision within "
                    + (System.nanoTime() - start) / 1_000_000_000 + " s (" + lastMessage + "); exit 1: I/O stays "
                    + "frozen on this node");
            return STAY_FROZEN;
        }

        private String note(String last, int priority, String message) {
            if (!message.equals(last)) {
                say(priority, "fence-peer " + resource(resourceArgument) + ": " + message);
            }
            return message;
        }

        private void say(int priority, String message) {
            Syslog.log("sagent-fence-peer", priority, message);
            spec.commandLine().getErr().println(message);
        }
    }

    /** unfence-peer (on the former winner) and after-resync-target (on the node that resynced). */
    abstract static class Unfence implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ControlOptions control;

        @CommandLine.Parameters(arity = "0..1", paramLabel = "RESOURCE",
                description = "The DRBD resource (default: $DRBD_RESOURCE, as drbdadm sets it).")
        String resourceArgument;

        abstract String handler();

        @Override
        public Integer call() {
            String resource = resource(resourceArgument);
            try {
                JsonNode reply = control.ask(JSON.createObjectNode().put("command", "unfence").put("handler", handler())
                        .put("resource", resource));
                String message = handler() + " " + resource + ": " + (reply.path("ok").asBoolean()
                        ? "told the agent; the fence records are cleared once the node is resynced and healthy"
                        : "the agent refused: " + reply.path("error").asText());
                Syslog.log("sagent-" + handler(), Syslog.LOG_INFO, message);
                spec.commandLine().getErr().println(message);
            } catch (ControlClient.Unreachable e) {
                String message = handler() + " " + resource + ": the agent cannot be asked (" + e.getMessage()
                        + "); it clears its fence record itself once this node is resynced and healthy";
                Syslog.log("sagent-" + handler(), Syslog.LOG_WARNING, message);
                spec.commandLine().getErr().println(message);
            }
            return ExitCodes.OK; // DRBD does not act on this handler's status; the clean-up is the agent's
        }
    }

    @Command(name = "unfence-peer", mixinStandardHelpOptions = true,
            description = {"DRBD unfence-peer handler: the resync after a fence is done; tells the local agent."},
            exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:always (DRBD does not act on it)"})
    static final class UnfencePeer extends Unfence {
        @Override
        String handler() {
            return "unfence-peer";
        }
    }

    @Command(name = "after-resync-target", mixinStandardHelpOptions = true,
            description = {"DRBD after-resync-target handler: this node finished resyncing; tells the local agent."},
            exitCodeListHeading = "%nExit status:%n", exitCodeList = {"0:always (DRBD does not act on it)"})
    static final class AfterResyncTarget extends Unfence {
        @Override
        String handler() {
            return "after-resync-target";
        }
    }

    private static String env(String name) {
        String value = System.getenv(name);
        return value == null ? "?" : value;
    }

}
