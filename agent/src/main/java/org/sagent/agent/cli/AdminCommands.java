package org.sagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.sagent.agent.control.ControlClient;
import org.sagent.agent.control.StatusReport;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sagent disable} and {@code sagent enable}: drain a node for maintenance, and end that. */
final class AdminCommands {

    private static final ObjectMapper JSON = new ObjectMapper();

    private AdminCommands() {
    }

    abstract static class Toggle implements Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Mixin
        ControlOptions control;

        @CommandLine.Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "10",
                description = "How long to wait for the change to take effect (default: ${DEFAULT-VALUE}).")
        int waitSeconds;

        abstract String command();

        /** The request sent to the agent. */
        com.fasterxml.jackson.databind.node.ObjectNode request() {
            return JSON.createObjectNode().put("command", command());
        }

        /** True once the status shows the change done. */
        abstract boolean done(StatusReport report);

        abstract String doneText();

        @Override
        public Integer call() throws Exception {
            try {
                JsonNode reply = control.ask(request());
                if (!reply.path("ok").asBoolean()) {
                    spec.commandLine().getErr().println("sagent " + command() + ": " + reply.path("error").asText());
                    return ExitCodes.FAILED;
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(waitSeconds).toNanos();
                while (true) {
                    JsonNode status = control.ask(JSON.createObjectNode().put("command", "status"));
                    StatusReport report = JSON.treeToValue(status.get("status"), StatusReport.class);
                    if (done(report)) {
                        spec.commandLine().getOut().println(doneText());
                        return ExitCodes.OK;
                    }
                    if (System.nanoTime() > deadline) {
                        spec.commandLine().getErr().println("sagent " + command() + ": recorded, but not done after "
                                + waitSeconds + " s; sagent status shows why");
                        return ExitCodes.FAILED;
                    }
                    Thread.sleep(200);
                }
            } catch (ControlClient.Unreachable e) {
                spec.commandLine().getErr().println("sagent " + command() + ": " + e.getMessage());
                return ExitCodes.UNREACHABLE;
            }
        }
    }

    @Command(name = "disable", mixinStandardHelpOptions = true,
            description = {"Drain this node for maintenance: its addresses go to the other nodes.",
                    "It stays disabled across agent restarts until 'sagent enable'."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:done: this node holds no address", "1:refused, or not done in time",
                    "3:the agent cannot be asked"})
    static final class Disable extends Toggle {
        @Override
        String command() {
            return "disable";
        }

        @Override
        boolean done(StatusReport report) {
            return report.addresses().stream().noneMatch(a -> a.holders().contains(report.node()))
                    || report.nodes().stream().noneMatch(n -> !n.thisNode() && n.state().equals("OK"));
        }

        @Override
        String doneText() {
            return "disabled: this node holds no public address (or no other node could take them)";
        }
    }

    @Command(name = "enable", mixinStandardHelpOptions = true,
            description = "End 'sagent disable': this node may hold addresses again (its own return home per failback).",
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:done: this node is no longer disabled", "1:refused, or not done in time",
                    "3:the agent cannot be asked"})
    static final class Enable extends Toggle {
        @Override
        String command() {
            return "enable";
        }

        @Override
        boolean done(StatusReport report) {
            return report.nodes().stream().filter(StatusReport.Node::thisNode).noneMatch(n -> n.state().equals("DISABLED"));
        }

        @Override
        String doneText() {
            return "enabled";
        }
    }

    @Command(name = "move-ip", mixinStandardHelpOptions = true,
            description = {"Move a public address to a node now, and keep it there while that node can serve it.",
                    "Refused when the node is not OK (disconnected, starting, unhealthy or disabled).",
                    "Moving an address back to its home ends the move; with failback: manual this is how",
                    "an address goes home after a failover."},
            exitCodeListHeading = "%nExit status:%n",
            exitCodeList = {"0:done: NODE holds ADDRESS", "1:refused (the reason is printed), or not done in time",
                    "3:the agent cannot be asked"})
    static final class MoveIp extends Toggle {
        @CommandLine.Parameters(index = "0", paramLabel = "ADDRESS", description = "A public address, e.g. 172.20.1.20.")
        String address;

        @CommandLine.Parameters(index = "1", paramLabel = "NODE", description = "The node to move it to, e.g. s1.")
        String node;

        @Override
        String command() {
            return "move-ip";
        }

        @Override
        com.fasterxml.jackson.databind.node.ObjectNode request() {
            return super.request().put("address", address).put("node", node);
        }

        @Override
        boolean done(StatusReport report) {
            return report.addresses().stream().filter(a -> sameAddress(a.address(), address))
                    .anyMatch(a -> a.holders().equals(java.util.List.of(node)));
        }

        /** 2001:db8::120 and 2001:db8:0:0:0:0:0:120/64 are one address. */
        static boolean sameAddress(String a, String b) {
            java.util.Optional<java.net.InetAddress> x = org.sagent.agent.config.IpLiterals.parse(a.split("/")[0]);
            java.util.Optional<java.net.InetAddress> y = org.sagent.agent.config.IpLiterals.parse(b.split("/")[0]);
            return x.isPresent() && x.equals(y);
        }

        @Override
        String doneText() {
            return "moved: " + node + " holds " + address;
        }
    }
}
