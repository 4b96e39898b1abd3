package org.sagent.agent.cli;

import com.sun.jna.Library;
import com.sun.jna.Native;

/**
 * The C library's syslog(3), for the DRBD handlers: drbdadm captures neither their output nor
 * their errors, so what they decide must reach the journal by itself (it listens on /dev/log).
 */
final class Syslog {

    static final int LOG_ERR = 3;
    static final int LOG_WARNING = 4;
    static final int LOG_INFO = 6;
    private static final int LOG_DAEMON = 3 << 3;
    private static final int LOG_PID = 0x01;

    private interface CLibrary extends Library {
        void openlog(com.sun.jna.Pointer ident, int option, int facility);

        void syslog(int priority, String format, Object... arguments);
    }

    private static CLibrary libc;
    /** openlog keeps the pointer: the identifier's memory must live as long as the process. */
    private static com.sun.jna.Memory identMemory;

    private Syslog() {
    }

    /** Logs one line under the identifier {@code ident}; never fails (a missing libc or socket is ignored). */
    static synchronized void log(String ident, int priority, String message) {
        try {
            if (libc == null) {
                libc = Native.load("c", CLibrary.class);
                identMemory = new com.sun.jna.Memory(ident.length() + 1L);
                identMemory.setString(0, ident, "US-ASCII");
                libc.openlog(identMemory, LOG_PID, LOG_DAEMON);
            }
            libc.syslog(LOG_DAEMON | priority, "%s", message);
        } catch (RuntimeException | LinkageError e) {
            // the message is printed on stderr as well
        }
    }
}
