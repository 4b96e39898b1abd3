package org.sagent.netlink;

import java.util.Map;

/** errno values the netlink and packet code meets, with their names and what usually fixes them. */
public final class Errno {

    public static final int EPERM = 1;
    public static final int ENOENT = 2;
    public static final int EINTR = 4;
    public static final int EAGAIN = 11;
    public static final int ENOMEM = 12;
    public static final int EACCES = 13;
    public static final int EBUSY = 16;
    public static final int EEXIST = 17;
    public static final int ENODEV = 19;
    public static final int EINVAL = 22;
    public static final int ENOBUFS = 105;
    public static final int EAFNOSUPPORT = 97;
    public static final int EADDRINUSE = 98;
    public static final int EADDRNOTAVAIL = 99;
    public static final int ENETDOWN = 100;
    public static final int ENETUNREACH = 101;
    public static final int EHOSTUNREACH = 113;
    public static final int ENXIO = 6;
    public static final int EOPNOTSUPP = 95;
    public static final int EPROTONOSUPPORT = 93;

    private static final Map<Integer, String> NAMES = Map.ofEntries(
            Map.entry(EPERM, "EPERM"), Map.entry(ENOENT, "ENOENT"), Map.entry(EINTR, "EINTR"),
            Map.entry(EAGAIN, "EAGAIN"), Map.entry(ENOMEM, "ENOMEM"), Map.entry(EACCES, "EACCES"),
            Map.entry(EBUSY, "EBUSY"), Map.entry(EEXIST, "EEXIST"), Map.entry(ENODEV, "ENODEV"),
            Map.entry(EINVAL, "EINVAL"), Map.entry(ENOBUFS, "ENOBUFS"), Map.entry(EAFNOSUPPORT, "EAFNOSUPPORT"),
            Map.entry(EADDRINUSE, "EADDRINUSE"), Map.entry(EADDRNOTAVAIL, "EADDRNOTAVAIL"),
            Map.entry(ENETDOWN, "ENETDOWN"), Map.entry(ENETUNREACH, "ENETUNREACH"),
            Map.entry(EHOSTUNREACH, "EHOSTUNREACH"), Map.entry(ENXIO, "ENXIO"), Map.entry(EOPNOTSUPP, "EOPNOTSUPP"),
            Map.entry(EPROTONOSUPPORT, "EPROTONOSUPPORT"));

    private static final Map<Integer, String> HINTS = Map.of(
            EPERM, "needs CAP_NET_ADMIN (and CAP_NET_RAW for packets): run as root or grant them in the unit",
            EACCES, "needs CAP_NET_ADMIN (and CAP_NET_RAW for packets): run as root or grant them in the unit",
            ENODEV, "no such interface: check the interface name in the configuration",
            ENETDOWN, "the interface is down: bring it up",
            ENOBUFS, "the receive buffer overflowed: events were lost and must be re-read",
            EAFNOSUPPORT, "this kernel lacks the address family (IPv6 disabled?)");

    private Errno() {
    }

    public static String name(int errno) {
        return NAMES.getOrDefault(errno, "errno " + errno);
    }

    /** What to do about it, or an empty string when there is nothing general to say. */
    public static String hint(int errno) {
        return HINTS.getOrDefault(errno, "");
    }
}
