package org.sagent.agent.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.sagent.agent.health.CommandRunner;
import org.sagent.agent.health.drbd.DrbdInput;
import org.sagent.agent.health.drbd.DrbdParseException;
import org.sagent.agent.health.drbd.DrbdVerdict;
import org.sagent.agent.health.ocfs2.MountTableParser;
import org.sagent.agent.health.ocfs2.Ocfs2MountVerdict;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sagent probe drbd|ocfs2}: the health verdict on a saved capture or on this machine. */
@Command(name = "probe", mixinStandardHelpOptions = true,
        description = {"Judge DRBD or OCFS2 state as the agent would, from a saved capture or this machine.",
                "Support engineers run it on outputs collected from customers."},
        subcommands = {ProbeCommand.Drbd.class, ProbeCommand.Ocfs2.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {"0:healthy (possibly degraded)", "1:unhealthy, or the input could not be read", "2:wrong usage"})
public final class ProbeCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "name what to probe: drbd or ocfs2");
    }

    static int report(PrintWriter out, boolean json, boolean healthy, boolean degraded, String state, String reason) {
        if (json) {
            Map<String, Object> verdict = new LinkedHashMap<>();
            verdict.put("healthy", healthy);
            verdict.put("degraded", degraded);
            verdict.put("state", state);
            verdict.put("reason", reason);
            try {
                out.println(new ObjectMapper().writeValueAsString(verdict));
            } catch (IOException e) {
                throw new IllegalStateException("cannot write JSON", e);
            }
        } else {
            out.println((healthy ? degraded ? "HEALTHY (degraded)" : "HEALTHY" : "UNHEALTHY") + " " + state + ": " + reason);
        }
        out.flush();
        return healthy ? ExitCodes.OK : ExitCodes.FAILED;
    }

    @Command(name = "drbd", mixinStandardHelpOptions = true,
            description = {"Judge one DRBD resource. The input's format is recognised: /proc/drbd, drbdadm status,",
                    "drbdsetup status [--verbose --statistics], drbdsetup status --json, drbdsetup events2 --now."})
    static final class Drbd implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = "--input", paramLabel = "FILE",
                description = "A saved output; without it, this machine's DRBD (drbdsetup events2 --now, else /proc/drbd).")
        Optional<Path> input;

        @CommandLine.Option(names = "--resource", required = true, paramLabel = "NAME", description = "The resource.")
        String resource;

        @CommandLine.Option(names = "--minor", paramLabel = "N",
                description = "The resource's minor, for /proc/drbd captures listing several.")
        Optional<Integer> minor;

        @CommandLine.Option(names = "--json", description = "Print {\"healthy\", \"degraded\", \"state\", \"reason\"}.")
        boolean json;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            try {
                String text = input.isPresent() ? Files.readString(input.get()) : live();
                DrbdVerdict v = DrbdInput.judge(text, resource, minor);
                return report(out, json, v.healthy(), v.degraded(), v.state(), v.reason());
            } catch (IOException | DrbdParseException e) {
                spec.commandLine().getErr().println("sagent probe drbd: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }

        private String live() throws IOException {
            CommandRunner.Result events = new CommandRunner().run(
                    List.of("drbdsetup", "events2", "--now", "--statistics", "all"), Duration.ofSeconds(5));
            if (events.exitCode() == 0 && !events.timedOut()) {
                return events.output();
            }
            Path proc = Path.of("/proc/drbd");
            if (Files.exists(proc)) {
                return Files.readString(proc);
            }
            throw new IOException("neither drbdsetup events2 (" + events.lastLine() + ") nor /proc/drbd answered: "
                    + "is DRBD installed and its module loaded?");
        }
    }

    @Command(name = "ocfs2", mixinStandardHelpOptions = true,
            description = "Judge an OCFS2 mount from a mount table (/proc/self/mountinfo or /proc/mounts).")
    static final class Ocfs2 implements java.util.concurrent.Callable<Integer> {
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @CommandLine.Option(names = "--mountinfo", paramLabel = "FILE",
                description = "A saved mount table; without it, /proc/self/mountinfo.")
        Optional<Path> mountinfo;

        @CommandLine.Option(names = "--mount", required = true, paramLabel = "PATH", description = "The mount point.")
        Path mount;

        @CommandLine.Option(names = "--json", description = "Print {\"healthy\", \"degraded\", \"state\", \"reason\"}.")
        boolean json;

        @Override
        public Integer call() {
            try {
                String table = Files.readString(mountinfo.orElse(Path.of("/proc/self/mountinfo")));
                Ocfs2MountVerdict v = Ocfs2MountVerdict.judge(MountTableParser.parse(table), mount.normalize());
                return report(spec.commandLine().getOut(), json, v.healthy(), false, v.state(), v.reason());
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("sagent probe ocfs2: " + e.getMessage());
                return ExitCodes.FAILED;
            }
        }
    }
}
