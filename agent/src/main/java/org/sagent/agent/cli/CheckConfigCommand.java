package org.sagent.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sagent.agent.config.ConfigProblem;
import org.sagent.agent.config.ConfigParser;
import org.sagent.agent.config.ConfigResult;
import org.sagent.agent.config.LocalAddresses;
import org.sagent.agent.config.NodeIdentity;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.config.SagentConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sagent check-config [FILE]}: validates a configuration without starting or changing anything. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = {"Validate a configuration file without starting anything.",
                "Prints every problem as FILE:LINE:COLUMN: error|warning: what is wrong; what to write instead."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:the file is valid (warnings may have been printed)", "1:the file has errors",
                "2:wrong usage"})
public final class CheckConfigCommand implements Callable<Integer> {

    public static final String DEFAULT_CONFIG = "/etc/sagent/sagent.yaml";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Parameters(index = "0", arity = "0..1", paramLabel = "FILE", defaultValue = DEFAULT_CONFIG,
            description = "The configuration file (default: ${DEFAULT-VALUE}).")
    Path file;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigResult result = ConfigParser.parseFile(file);
        for (ConfigProblem problem : result.problems()) {
            err.println(problem);
        }
        if (result instanceof ConfigResult.Valid valid) {
            SagentConfig config = valid.config();
            out.printf("%s: valid: cluster %s, %d nodes, %d public addresses%n", file, config.cluster().name(),
                    config.nodes().size(), config.publicAddresses().size());
            for (PublicAddressSpec address : config.publicAddresses()) {
                out.printf("  %s on %s, home %s%n", address.address(), address.interfaceName(), address.home());
            }
            NodeIdentity.Outcome self = NodeIdentity.find(config, Optional.empty(), LocalAddresses.current());
            if (self instanceof NodeIdentity.Outcome.Found found) {
                out.printf("this machine is node %s (%s)%n", found.node().name(), found.how());
            } else {
                out.printf("this machine is none of its nodes (fine when checking a file for another server)%n");
            }
            out.flush();
            return ExitCodes.OK;
        }
        long errors = result.problems().stream().filter(ConfigProblem::isError).count();
        err.printf("%s: %d error%s%n", file, errors, errors == 1 ? "" : "s");
        err.flush();
        return ExitCodes.FAILED;
    }
}
