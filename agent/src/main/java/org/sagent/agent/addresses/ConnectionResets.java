package org.sagent.agent.addresses;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import org.sagent.netlink.Errno;
import org.sagent.netlink.NetlinkException;
import org.sagent.netlink.route.SockDiag;
import org.sagent.netlink.route.TcpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resets the client TCP connections on a public address (sock_diag SOCK_DESTROY) as it is
 * released, and finds those that arrived while it was going. Opens its sock_diag socket on
 * first use. Loop thread only.
 */
final class ConnectionResets implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(AddressReconciler.class);

    private SockDiag sockDiag;
    private boolean connectionsUnsupportedLogged;

    /**
     * Resets the established TCP connections on {@code ip} (sock_diag SOCK_DESTROY) while it
     * is still ours, so the kernel's resets reach the clients and they reconnect to the new
     * holder at once. Returns the ones reset, as "CLIENT-IP CLIENT-PORT SERVER-PORT"; none when
     * the kernel cannot (logged once).
     */
    List<String> kill(InetAddress ip) {
        List<String> killed = new ArrayList<>();
        try {
            destroyEstablished(ip, (connection, destroyed) -> {
                if (destroyed) {
                    killed.add(clientOf(connection));
                }
            }, (connection, e) -> {
                if (e.errno() == Errno.EOPNOTSUPP || e.errno() == Errno.EPERM) {
                    throw e; // no connection can be reset: said once, below
                }
                log.info("could not reset {}: {}", connection, e.getMessage()); // this one only; go on
            });
            return killed;
        } catch (NetlinkException e) {
            if (!connectionsUnsupportedLogged) {
                connectionsUnsupportedLogged = true;
                log.warn("cannot reset the client connections on {}: {}; clients reconnect after their TCP "
                        + "timeouts instead", ip.getHostAddress(), e.getMessage());
            }
            return List.of();
        }
    }

    private SockDiag sockDiag() {
        if (sockDiag == null) {
            sockDiag = SockDiag.open();
        }
        return sockDiag;
    }

    /** A connection as the nodes publish it for tickles: "CLIENT-IP CLIENT-PORT SERVER-PORT". */
    static String clientOf(TcpConnection connection) {
        return connection.remote().getHostAddress() + " " + connection.remotePort() + " " + connection.localPort();
    }

    /**
     * After the address was released: the connections still established on {@code ip}, accepted
     * after {@link #kill} and before the address was gone. Their resets can no longer
     * leave this node (no route from an address it does not have), so a client that is waiting
     * for the server's first answer would wait for its own timeout; the new holder tickles them
     * instead. Each is destroyed here too, so the server process holding it is told at once.
     * Returns at most {@code max}, as "CLIENT-IP CLIENT-PORT SERVER-PORT"; empty when the kernel
     * cannot list them.
     */
    List<String> stranded(InetAddress ip, int max) {
        List<String> stranded = new ArrayList<>();
        try {
            destroyEstablished(ip, (connection, destroyed) -> {
                if (stranded.size() < max) {
                    stranded.add(clientOf(connection));
                }
            }, (connection, e) -> log.debug("could not close the stranded {}: {}", connection, e.getMessage()));
        } catch (NetlinkException e) {
            log.debug("could not list the connections left on {}: {}", ip.getHostAddress(), e.getMessage());
        }
        return stranded;
    }

    /** What to do with one connection after asking the kernel to destroy it. */
    private interface Destroyed {
        void accept(TcpConnection connection, boolean destroyed);
    }

    /** What to do when one connection could not be destroyed; throwing stops the sweep. */
    private interface NotDestroyed {
        void accept(TcpConnection connection, NetlinkException e);
    }

    /**
     * Destroys (sock_diag SOCK_DESTROY) every TCP connection established on {@code ip}: the one
     * sweep behind {@link #kill} and {@link #stranded}, which differ only in
     * what they keep and how loudly they report a failure.
     */
    private void destroyEstablished(InetAddress ip, Destroyed then, NotDestroyed failed) {
        for (TcpConnection connection : sockDiag().establishedOn(ip)) {
            boolean destroyed;
            try {
                destroyed = sockDiag.destroy(connection);
            } catch (NetlinkException e) {
                failed.accept(connection, e);
                continue;
            }
            then.accept(connection, destroyed);
        }
    }

    @Override
    public void close() {
        if (sockDiag != null) {
            sockDiag.close();
        }
    }
}
