package org.sagent.agent.config;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/** The addresses configured on this machine's interfaces, as the JDK reports them. */
public final class LocalAddresses {

    private LocalAddresses() {
    }

    /** Every address on every interface, up or down; empty if the JDK cannot list them. */
    public static Set<InetAddress> current() {
        Set<InetAddress> addresses = new LinkedHashSet<>();
        try {
            for (NetworkInterface nic : Collections.list(NetworkInterface.getNetworkInterfaces())) {
                for (InetAddress address : Collections.list(nic.getInetAddresses())) {
                    // Drop the %scope the JDK attaches to IPv6 addresses so equality with configured ones works.
                    addresses.add(InetAddress.getByAddress(address.getAddress()));
                }
            }
        } catch (SocketException | java.net.UnknownHostException e) {
            return Set.of();
        }
        return addresses;
    }
}
