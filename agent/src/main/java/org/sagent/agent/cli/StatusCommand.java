package org.sagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.config.ConfigParser;
import org.sagent.agent.config.ConfigResult;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.control.ControlClient;
import org.sagent.agent.control.StatusRenderer;
import org.sagent.agent.control.StatusReport;
import org.sagent.netlink.route.InterfaceAddress;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.RtNetlink;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sagent status}: every node, every public address and its holder, this node's checks, recent moves. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the cluster as this node's agent sees it.",
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:every node OK and every public address held exactly once",
                "1:degraded: a node not OK, or an address unserved or held twice",
                "2:the agent cannot be asked (not running, or permission denied)"})
public final class StatusCommand implements Callable<Integer> {

    static final int UNREACHABLE = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--json", description = "Print the status as JSON (schema in README).")
    boolean json;

    @CommandLine.Mixin
    ControlOptions control;

    @CommandLine.Option(names = {"-c", "--config"}, paramLabel = "FILE",
            defaultValue = CheckConfigCommand.DEFAULT_CONFIG,
            description = "Used when the agent is down, to show the addresses present on this node.")
    Path config;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode reply;
        try {
            reply = control.ask(JSON.createObjectNode().put("command", "status"));
        } catch (ControlClient.Unreachable e) {
            spec.commandLine().getErr().println("sagent status: " + e.getMessage());
            if (e.getMessage().startsWith("the agent is not running")) {
                localAddresses(out);
            }
            return UNREACHABLE;
        }
        if (!reply.path("ok").asBoolean()) {
            spec.commandLine().getErr().println("sagent status: " + reply.path("error").asText());
            return UNREACHABLE;
        }
        StatusReport report = JSON.treeToValue(reply.get("status"), StatusReport.class);
        out.print(json ? JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report) + "\n"
                : StatusRenderer.render(report));
        out.flush();
        return report.fullyOk() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Without the agent: what this node's own interfaces carry, from the kernel. */
    private void localAddresses(PrintWriter out) {
        ConfigResult result = ConfigParser.parseFile(config);
        if (!(result instanceof ConfigResult.Valid valid)) {
            out.println("(cannot list this node's public addresses: " + config + " is not a valid configuration)");
            out.flush();
            return;
        }
        out.println("Public addresses configured on this node's interfaces (the agent is not running):");
        try (RtNetlink rt = RtNetlink.open()) {
            java.util.Map<Integer, String> names = new java.util.HashMap<>();
            for (Link link : rt.links()) {
                names.put(link.index(), link.name());
            }
            java.util.List<InterfaceAddress> present = rt.addresses();
            for (PublicAddressSpec spec : valid.config().publicAddresses()) {
                boolean here = present.stream().anyMatch(a -> AddressReconciler.key(a.address())
                        .equals(AddressReconciler.key(spec.address().address()))
                        && spec.interfaceName().equals(names.get(a.interfaceIndex())));
                out.printf("  %-22s %-10s %s%n", spec.address(), spec.interfaceName(), here ? "present" : "absent");
            }
        }
        out.flush();
    }
}
