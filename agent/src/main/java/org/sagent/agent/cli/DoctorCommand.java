package org.sagent.agent.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.sagent.agent.config.ConfigParser;
import org.sagent.agent.config.ConfigProblem;
import org.sagent.agent.config.ConfigResult;
import org.sagent.agent.config.SagentConfig;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.health.drbd.DrbdConfigParser;
import org.sagent.agent.isolation.FencingConfigCheck;
import org.sagent.agent.tuning.FailoverTuningCheck;
import org.sagent.agent.tuning.O2cbLiveSettings;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sagent doctor}: checks the live system against what the configuration needs: the DRBD
 * configuration drbdadm applies (its {@code drbdadm dump}) against the isolation settings of spec
 * 7.1 (errors), then the live DRBD and o2cb timings against README's "Tuning for fast failover"
 * (advice: the defaults are safe, only slow).
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Check the live DRBD configuration (drbdadm dump) against what sagent needs:",
                "fencing resource-and-stonith, sagent's fence-peer, unfence-peer and after-resync-target",
                "handlers, after-sb-2pri disconnect. Each problem says the line to add.",
                "Then, as advice ('tuning:' lines, not errors), the DRBD net timings and the running o2cb",
                "cluster's heartbeat threshold and o2net addresses against README's Tuning for fast failover."},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:nothing wrong (warnings may have been printed)", "1:errors found, or the check could not run",
                "2:wrong usage"})
final class DoctorCommand implements Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @CommandLine.Option(names = "--config", paramLabel = "FILE", defaultValue = CheckConfigCommand.DEFAULT_CONFIG,
            description = "The configuration file (default: ${DEFAULT-VALUE}).")
    Path file;

    @CommandLine.Option(names = "--drbd-dump", paramLabel = "FILE",
            description = "Read this saved 'drbdadm dump' output instead of running drbdadm (another node's, a test).")
    Path dumpFile;

    @CommandLine.Option(names = "--o2cb-configfs", paramLabel = "DIR", defaultValue = "/sys/kernel/config/cluster",
            description = "Where o2cb shows its running clusters (default: ${DEFAULT-VALUE}).")
    Path o2cbConfigfs;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ConfigResult result = ConfigParser.parseFile(file);
        if (!(result instanceof ConfigResult.Valid valid)) {
            result.problems().forEach(err::println);
            err.println("sagent doctor: " + file + " has errors; sagent check-config " + file + " lists them");
            return ExitCodes.FAILED;
        }
        SagentConfig config = valid.config();
        // the fence handler's deadline is part of the timing only when sagent's isolation is on
        Optional<Duration> handlerDeadline = config.isolation().enabled()
                ? Optional.of(config.isolation().handlerDeadline())
                : Optional.empty();
        List<String> resources = config.health().drbd().map(d -> d.resources()).orElse(List.of());
        if (resources.isEmpty()) {
            out.println("no DRBD resources in health.drbd.resources: nothing to check");
            readO2cb(config, out).ifPresent(live -> printO2cbAdvice(live, config, handlerDeadline, out));
            out.flush();
            return ExitCodes.OK;
        }
        String dump;
        if (dumpFile != null) {
            dump = java.nio.file.Files.readString(dumpFile);
        } else {
            CommandRunner.Result ran = new CommandRunner().run(List.of("drbdadm", "dump"), Duration.ofSeconds(20));
            if (ran.exitCode() != 0) {
                err.println("sagent doctor: drbdadm dump failed (exit " + ran.exitCode() + "): " + ran.lastLine()
                        + "; is drbd-utils installed and /etc/drbd.conf valid?");
                return ExitCodes.FAILED;
            }
            dump = ran.output();
        }
        Map<String, DrbdConfigParser.ResourceConfig> parsed = DrbdConfigParser.parse(dump);
        int errors = 0;
        for (String resource : resources) {
            List<FencingConfigCheck.Finding> findings = FencingConfigCheck.check(resource,
                    Optional.ofNullable(parsed.get(resource)));
            for (FencingConfigCheck.Finding finding : findings) {
                if (finding.level() == FencingConfigCheck.Level.ERROR && !config.isolation().enabled()) {
                    out.println("note: " + finding.text() + " (isolation is off in " + file + ")");
                    continue;
                }
                (finding.level() == FencingConfigCheck.Level.OK ? out : err).println(
                        finding.level().name().toLowerCase() + ": " + finding.text());
                if (finding.level() == FencingConfigCheck.Level.ERROR) {
                    errors++;
                }
            }
        }
        if (!config.isolation().enabled()) {
            err.println("warning: no isolation: section in " + file + ": when the replication cable is cut, nothing "
                    + "stops both nodes from writing (see README, Isolation)");
        }
        out.println("Tuning for fast failover (README): advice, not errors");
        if (config.isolation().enabled()) {
            print(FailoverTuningCheck.drbdToldAtOnce(config.isolation().drbdDisconnectAfter()), out);
        }
        Optional<O2cbLiveSettings> o2cb = readO2cb(config, out);
        for (String resource : resources) {
            DrbdConfigParser.ResourceConfig found = parsed.get(resource);
            if (found == null) {
                continue; // FencingConfigCheck has said it is missing
            }
            FailoverTuningCheck.drbd(resource, found).forEach(a -> print(a, out));
            // the one timing that is an error: a heartbeat threshold the survivor of a power loss cannot meet
            Optional<String> unsafe = o2cb.flatMap(live -> FailoverTuningCheck.unsafeTogether(resource, found, live));
            if (unsafe.isPresent()) {
                err.println("error: " + unsafe.get());
                errors++;
            }
            // and the freeze the fence handler adds to it, when sagent's isolation is on
            Optional<String> frozen = handlerDeadline.flatMap(deadline -> o2cb.flatMap(live ->
                    FailoverTuningCheck.handlerOutlastsHeartbeat(resource, found, live, deadline)));
            if (frozen.isPresent()) {
                err.println("error: " + frozen.get());
                errors++;
            }
        }
        // and the silence a survivor that keeps its replication carrier waits out before all that
        Optional<String> silent = config.isolation().enabled()
                ? o2cb.flatMap(live -> FailoverTuningCheck.silentPeerOutlastsHeartbeat(live,
                        config.failover().failureTimeout(), config.isolation().peerSilence(),
                        config.isolation().handlerDeadline()))
                : Optional.empty();
        if (silent.isPresent()) {
            err.println("error: " + silent.get());
            errors++;
        }
        o2cb.ifPresent(live -> printO2cbAdvice(live, config, handlerDeadline, out));
        out.flush();
        err.flush();
        return errors == 0 ? ExitCodes.OK : ExitCodes.FAILED;
    }

    /** The running o2cb cluster the configuration names; says so when it is not running. */
    private Optional<O2cbLiveSettings> readO2cb(SagentConfig config, PrintWriter out) throws java.io.IOException {
        Optional<String> cluster = config.health().ocfs2().map(o -> o.cluster());
        if (cluster.isEmpty()) {
            return Optional.empty();
        }
        Optional<O2cbLiveSettings> live = O2cbLiveSettings.read(o2cbConfigfs.resolve(cluster.get()));
        if (live.isEmpty()) {
            out.println("tuning: o2cb cluster " + cluster.get() + " is not running (no " + o2cbConfigfs.resolve(cluster.get())
                    + "): its heartbeat threshold and o2net addresses cannot be read; run sagent doctor again once "
                    + "o2cb is started");
        }
        return live;
    }

    private static void printO2cbAdvice(O2cbLiveSettings live, SagentConfig config,
            Optional<Duration> handlerDeadline, PrintWriter out) {
        FailoverTuningCheck.o2cb(live, config.nodes(), handlerDeadline).forEach(a -> print(a, out));
    }

    private static void print(FailoverTuningCheck.Advice advice, PrintWriter out) {
        out.println((advice.followed() ? "ok: " : "tuning: ") + advice.text());
    }
}
