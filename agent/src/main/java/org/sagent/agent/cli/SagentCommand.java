package org.sagent.agent.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code sagent} command: subcommands for the daemon and for the administrator. */
@Command(name = "sagent",
        mixinStandardHelpOptions = true,
        versionProvider = VersionCommand.Provider.class,
        description = "Moves a Samba cluster's public addresses between healthy nodes.",
        subcommands = {RunCommand.class, StatusCommand.class, AdminCommands.Disable.class, AdminCommands.Enable.class,
                AdminCommands.MoveIp.class, DoctorCommand.class,
                CheckConfigCommand.class, ProbeCommand.class, VersionCommand.class,
                CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit status:%n",
        exitCodeList = {
                "0:success (check-config: the file is valid)",
                "1:the command failed (check-config: the file has errors)",
                "2:wrong usage (unknown option, missing argument)",
                "78:run: the configuration cannot work (systemd does not restart the agent)"})
public final class SagentCommand implements java.util.concurrent.Callable<Integer> {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getErr().println("sagent: name a command, e.g. sagent check-config");
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    public static CommandLine commandLine() {
        // picocli's own statuses match ours: 2 for usage errors, 1 for an exception in a command.
        return new CommandLine(new SagentCommand()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }
}
