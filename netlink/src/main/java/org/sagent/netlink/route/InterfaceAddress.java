package org.sagent.netlink.route;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/**
 * An address on an interface as the kernel reports it.
 *
 * @param scope  RT_SCOPE_*: 0 universe, 253 link, 254 host
 * @param flags  IFA_F_* flags (the 32-bit IFA_FLAGS when present)
 * @param label  the IPv4 label (eth1, or eth1:pub for an alias label); empty for IPv6
 */
public record InterfaceAddress(int interfaceIndex, InetAddress address, int prefixLength, int scope, int flags,
                               Optional<String> label) {

    public static final int IFA_F_SECONDARY = 0x01;
    public static final int IFA_F_NODAD = 0x02;
    public static final int IFA_F_DADFAILED = 0x08;
    public static final int IFA_F_TENTATIVE = 0x40;
    public static final int IFA_F_PERMANENT = 0x80;

    /** An IPv4 address added in the subnet of an earlier one: it dies with that primary unless promoted. */
    public boolean isSecondary() {
        return (flags & IFA_F_SECONDARY) != 0;
    }

    /** IPv6 duplicate address detection has not finished: the address cannot be used yet. */
    public boolean isTentative() {
        return (flags & IFA_F_TENTATIVE) != 0;
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength + (isSecondary() ? " secondary" : "")
                + (isTentative() ? " tentative" : "") + " on #" + interfaceIndex + label.map(l -> " (" + l + ")").orElse("");
    }
}
