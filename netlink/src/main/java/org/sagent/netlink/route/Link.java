package org.sagent.netlink.route;

import java.util.Optional;
import org.sagent.netlink.MacAddress;

/**
 * A network interface as the kernel reports it.
 *
 * @param mac     its hardware address; empty for links without one (loopback has zeros, tunnels none)
 * @param flags   IFF_* flags
 * @param carrier whether the link has carrier (IFLA_CARRIER): a cable, or a veth peer that is up
 */
public record Link(int index, String name, Optional<MacAddress> mac, int flags, OperState operState, boolean carrier,
                   int mtu) {

    public static final int IFF_UP = 0x1;
    public static final int IFF_LOOPBACK = 0x8;
    public static final int IFF_RUNNING = 0x40;
    public static final int IFF_LOWER_UP = 0x10000;

    /** Administratively up (ip link set up). */
    public boolean isUp() {
        return (flags & IFF_UP) != 0;
    }
}
