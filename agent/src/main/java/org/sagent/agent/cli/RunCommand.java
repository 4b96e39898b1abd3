package org.sagent.agent.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sagent.agent.Agent;
import org.sagent.agent.config.ConfigParser;
import org.sagent.agent.config.ConfigProblem;
import org.sagent.agent.config.ConfigResult;
import org.sagent.agent.config.LocalAddresses;
import org.sagent.agent.config.NodeIdentity;
import org.sagent.agent.time.MonotonicClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sagent run}: the daemon, as systemd starts it. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the agent in the foreground until SIGTERM.",
                "Log lines go to standard error, with syslog priorities when it is the journal."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:stopped by SIGTERM",
                "1:could not start, and starting again may succeed (no local replication address yet, a port in use)",
                "2:wrong usage",
                "78:the configuration cannot work (errors in the file, --node names no node); systemd does not "
                        + "restart the agent after it"})
public final class RunCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @CommandLine.Option(names = {"-c", "--config"}, paramLabel = "FILE",
            defaultValue = CheckConfigCommand.DEFAULT_CONFIG,
            description = "The configuration file (default: ${DEFAULT-VALUE}).")
    Path config;

    @CommandLine.Option(names = "--node", paramLabel = "NAME",
            description = "This machine's node name, when its replication address does not tell.")
    Optional<String> node;

    @CommandLine.Option(names = "--runtime-dir", paramLabel = "DIR", defaultValue = "/run/sagent",
            description = "Runtime directory (default: ${DEFAULT-VALUE}); a file named keep-addresses there at stop "
                    + "time makes the agent leave its addresses in place for the next one (upgrades).")
    java.nio.file.Path runtimeDirectory;

    @CommandLine.Option(names = "--state-dir", paramLabel = "DIR", defaultValue = "/var/lib/sagent",
            description = "State kept across restarts (default: ${DEFAULT-VALUE}): the disabled flag.")
    java.nio.file.Path stateDirectory;

    @Override
    public Integer call() throws Exception {
        ConfigResult result = ConfigParser.parseFile(config);
        for (ConfigProblem problem : result.problems()) {
            if (problem.isError()) {
                log.error("{}", problem);
            } else {
                log.warn("{}", problem);
            }
        }
        if (!(result instanceof ConfigResult.Valid valid)) {
            log.error("not starting: {} has errors; fix them (sagent check-config {} lists them)", config, config);
            return ExitCodes.CONFIG;
        }
        NodeIdentity.Outcome self = NodeIdentity.find(valid.config(), node, LocalAddresses.current());
        if (self instanceof NodeIdentity.Outcome.NotFound notFound) {
            log.error("not starting: {}", notFound.reason());
            return notFound.mayComeLater() ? ExitCodes.FAILED : ExitCodes.CONFIG;
        }
        NodeIdentity.Outcome.Found found = (NodeIdentity.Outcome.Found) self;
        Agent agent = new Agent(valid.config(), found.node(), Clock.systemUTC(), MonotonicClock.system(),
                runtimeDirectory, stateDirectory);
        log.info("this node is {} ({})", found.node().name(), found.how());
        // Handle SIGTERM (systemctl stop) and SIGINT ourselves: the JVM's default would run
        // shutdown hooks and exit with status 143, which systemd counts as a failure.
        StopSignals.onStop(agent::requestStop);
        try {
            agent.start();
        } catch (Exception e) {
            log.error("could not start: {}", e.toString(), e);
            agent.stop("start failed");
            return ExitCodes.FAILED;
        }
        String why = agent.awaitStopRequest();
        agent.stop(why);
        return ExitCodes.OK;
    }
}
