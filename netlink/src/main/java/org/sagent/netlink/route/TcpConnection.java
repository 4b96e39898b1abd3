package org.sagent.netlink.route;

import java.net.InetAddress;

/**
 * An established TCP connection as sock_diag reports it. IPv4 connections accepted on an IPv6
 * socket are reported with plain IPv4 addresses ({@code family} still says which socket).
 *
 * @param family  the socket's address family (AF_INET or AF_INET6), needed to destroy it
 * @param cookie  the kernel's identity of the socket: destroying by cookie never hits a newer
 *                socket that happens to reuse the same addresses and ports
 */
public record TcpConnection(int family, InetAddress local, int localPort, InetAddress remote, int remotePort,
                            long cookie) {

    @Override
    public String toString() {
        return local.getHostAddress() + ":" + localPort + " <- " + remote.getHostAddress() + ":" + remotePort;
    }
}
