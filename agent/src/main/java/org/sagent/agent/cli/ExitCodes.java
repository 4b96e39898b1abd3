package org.sagent.agent.cli;

/** Exit statuses of every sagent command, as README and the man page document them. */
public final class ExitCodes {

    /** Done; for check-config: the file is valid (warnings may have been printed). */
    public static final int OK = 0;
    /** The command ran and found a problem: an invalid configuration, a failed start. */
    public static final int FAILED = 1;
    /** The command line itself was wrong (unknown option, missing argument). */
    public static final int USAGE = 2;
    /**
     * {@code status}, {@code disable}, {@code enable}, {@code move-ip}: the agent cannot be
     * asked (not running, permission denied, no answer in time). Not {@link #USAGE}: a script
     * must tell "the agent is down" from "I called it wrong".
     */
    public static final int UNREACHABLE = 3;
    /**
     * {@code run}: the configuration cannot work (errors in the file, a --node it does not name).
     * sysexits.h's EX_CONFIG; sagent.service lists it in RestartPreventExitStatus= because
     * starting again cannot help, while FAILED (a port in use, an interface not up yet) may.
     */
    public static final int CONFIG = 78;

    private ExitCodes() {
    }
}
