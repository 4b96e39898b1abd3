package org.sagent.netlink;

/**
 * A kernel call failed unexpectedly. The message names the call, the errno and, where there
 * is one, what to do: {@code EPERM adding 198.51.100.120/24 to eth1: needs CAP_NET_ADMIN ...}.
 * Expected conditions (an address already present, a probe answered) are results, not this.
 */
public final class NetlinkException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int errno;

    public NetlinkException(int errno, String what) {
        super(message(errno, what));
        this.errno = errno;
    }

    public NetlinkException(String message) {
        super(message);
        this.errno = 0;
    }

    private static String message(int errno, String what) {
        String hint = Errno.hint(errno);
        return Errno.name(errno) + " " + what + (hint.isEmpty() ? "" : ": " + hint);
    }

    /** The errno, or 0 when the failure was not a system call's (a malformed reply, say). */
    public int errno() {
        return errno;
    }
}
