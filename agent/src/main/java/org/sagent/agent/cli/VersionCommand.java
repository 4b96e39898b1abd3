package org.sagent.agent.cli;

import org.sagent.agent.BuildVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code sagent version}: what is installed, for bug reports. */
@Command(name = "version", mixinStandardHelpOptions = true,
        description = "Print sagent's version and the Java runtime it runs on.")
public final class VersionCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        for (String line : new Provider().getVersion()) {
            spec.commandLine().getOut().println(line);
        }
    }

    /** The version from the jar's build, shared with {@code sagent --version}. */
    public static String version() {
        return BuildVersion.version();
    }

    /** picocli's --version reads the same text. */
    public static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "sagent " + version(),
                "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"
            };
        }
    }
}
