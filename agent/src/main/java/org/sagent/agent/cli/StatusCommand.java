package org.sagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.Writer;
import java.time.Clock;
import java.time.Duration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
                "3:the agent cannot be asked (not running, permission denied, no answer in time)"})
public final class StatusCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--json", description = "Print the status as JSON (schema in README); when the "
            + "agent cannot be asked, a JSON object that says why.")
    boolean json;

    @CommandLine.Option(names = "--watch", arity = "0..1", fallbackValue = "1", paramLabel = "SECONDS",
            description = "Show the status again every SECONDS (default 1, at least 0.1) until interrupted, "
                    + "through agent restarts; with --json, one JSON object per line.")
    Double watchSeconds;

    @CommandLine.Mixin
    ControlOptions control;

    @CommandLine.Option(names = {"-c", "--config"}, paramLabel = "FILE",
            defaultValue = CheckConfigCommand.DEFAULT_CONFIG,
            description = "Used when the agent is down, to show the addresses present on this node.")
    Path config;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        if (watchSeconds == null) {
            return show(out, spec.commandLine().getErr());
        }
        if (!(watchSeconds >= 0.1 && watchSeconds <= 3600)) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--watch wants an interval from 0.1 to 3600 seconds, not " + watchSeconds);
        }
        StatusWatch watch = new StatusWatch(Duration.ofMillis(Math.round(watchSeconds * 1000)),
                System.console() != null, json, Clock.systemDefaultZone());
        watch.run(() -> {
            StringWriter frame = new StringWriter();
            PrintWriter both = new PrintWriter(frame);
            // In a frame, why the agent cannot be asked is part of what is shown, not a line on stderr.
            int exitCode = show(both, json ? new PrintWriter(Writer.nullWriter()) : both);
            both.flush();
            return new StatusWatch.Frame(frame.toString(), exitCode);
        }, out, duration -> Thread.sleep(duration.toMillis()), Long.MAX_VALUE);
        return ExitCodes.OK;
    }

    /** One look: the status printed on {@code out} (problems on {@code err}), and its exit status. */
    private int show(PrintWriter out, PrintWriter err) throws Exception {
        JsonNode reply;
        try {
            reply = control.ask(JSON.createObjectNode().put("command", "status"));
        } catch (ControlClient.Unreachable e) {
            return unreachable(out, err, e.getMessage(), e.getMessage().startsWith("the agent is not running"));
        }
        if (!reply.path("ok").asBoolean()) {
            return unreachable(out, err, reply.path("error").asText(), false);
        }
        StatusReport report = JSON.treeToValue(reply.get("status"), StatusReport.class);
        out.print(json ? jsonLine(report) : StatusRenderer.render(report));
        out.flush();
        return report.fullyOk() ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** Pretty JSON for a person; one compact line per frame under --watch, for a script to follow. */
    private String jsonLine(Object value) throws Exception {
        return (watchSeconds != null ? JSON.writeValueAsString(value)
                : JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value)) + "\n";
    }

    /**
     * The agent cannot be asked: why on standard error, and, when it is not running, what this
     * node's interfaces still carry. With --json, standard output is a JSON object all the same
     * ({"ok": false, "error": ..., "addressesOnThisNode": {...}}), so a script never parses text.
     */
    private int unreachable(PrintWriter out, PrintWriter err, String why, boolean agentDown) throws Exception {
        err.println("sagent status: " + why);
        err.flush();
        List<Carried> carried = agentDown ? localAddresses(err) : null;
        if (json) {
            ObjectNode answer = JSON.createObjectNode().put("ok", false).put("error", why);
            if (carried != null) {
                ObjectNode addresses = answer.putObject("addressesOnThisNode");
                carried.forEach(c -> addresses.put(c.address(), c.present()));
            }
            out.print(jsonLine(answer));
        } else if (carried != null) {
            out.println("Public addresses configured on this node's interfaces (the agent is not running):");
            carried.forEach(c -> out.printf("  %-22s %-10s %s%n", c.address(), c.interfaceName(),
                    c.present() ? "present" : "absent"));
        }
        out.flush();
        return ExitCodes.UNREACHABLE;
    }

    /** A configured public address (as written, e.g. 198.51.100.120/24), and whether its interface carries it. */
    private record Carried(String address, String interfaceName, boolean present) {
    }

    /**
     * Without the agent: each configured public address and whether this node's interface
     * carries it, from the kernel; null when the configuration cannot be read (said on standard
     * error).
     */
    private List<Carried> localAddresses(PrintWriter err) {
        ConfigResult result = ConfigParser.parseFile(config);
        if (!(result instanceof ConfigResult.Valid valid)) {
            err.println("(cannot list this node's public addresses: " + config
                    + " is not a valid configuration)");
            return null;
        }
        List<Carried> carried = new ArrayList<>();
        try (RtNetlink rt = RtNetlink.open()) {
            java.util.Map<Integer, String> names = new java.util.HashMap<>();
            for (Link link : rt.links()) {
                names.put(link.index(), link.name());
            }
            List<InterfaceAddress> present = rt.addresses();
            for (PublicAddressSpec spec : valid.config().publicAddresses()) {
                boolean here = present.stream().anyMatch(a -> AddressReconciler.key(a.address())
                        .equals(AddressReconciler.key(spec.address().address()))
                        && spec.interfaceName().equals(names.get(a.interfaceIndex())));
                carried.add(new Carried(spec.address().toString(), spec.interfaceName(), here));
            }
        }
        return carried;
    }
}
