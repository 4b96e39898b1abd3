package org.sagent.agent.config;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where the Prometheus endpoint listens ({@code /metrics}).
 *
 * @param listen where, or empty when the administrator wrote {@code listen: off}
 */
public record MetricsSettings(Optional<Listen> listen) {

    public static final int DEFAULT_PORT = 9775;

    /** Where to listen: the written port on each node's own LAN address (the default), or one address for all. */
    public sealed interface Listen {
        int port();

        /**
         * {@code PORT}: each node on its own {@code lan-address}. Never 0.0.0.0, which includes
         * the public addresses: the endpoint would face the clients and follow the addresses as
         * they move. The LAN address is where Prometheus reaches a node, and it never moves.
         */
        record OwnLanAddress(int port) implements Listen {
        }

        /** {@code ADDRESS:PORT}: the same address on every node (loopback, or the wildcard). */
        record Fixed(InetSocketAddress address) implements Listen {
            @Override
            public int port() {
                return address.getPort();
            }
        }
    }

    public static MetricsSettings defaults() {
        return new MetricsSettings(Optional.of(new Listen.OwnLanAddress(DEFAULT_PORT)));
    }

    /** The socket address {@code self} serves on; empty when metrics are off. */
    public Optional<InetSocketAddress> endpointOf(NodeSpec self) {
        return listen.map(where -> where instanceof Listen.Fixed fixed ? fixed.address()
                : new InetSocketAddress(self.lanAddress(), where.port()));
    }

    /**
     * Reads {@code PORT}, {@code HOST:PORT}, {@code [IPV6]:PORT} or {@code off}; empty when it is none of them.
     * The outer optional is "understood", the inner one "on or off".
     */
    static Optional<Optional<Listen>> parse(String text) {
        String value = text.strip();
        if (value.equals("off")) {
            return Optional.of(Optional.empty());
        }
        int colon = value.lastIndexOf(':');
        String host = colon < 0 ? "" : value.substring(0, colon);
        String portText = colon < 0 ? value : value.substring(colon + 1);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":")) {
            return Optional.empty(); // a bare IPv6 literal needs brackets to tell its port apart
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        if (port < 1 || port > 65535) {
            return Optional.empty();
        }
        if (colon < 0) {
            return Optional.of(Optional.of(new Listen.OwnLanAddress(port)));
        }
        return IpLiterals.parse(host).map(address -> Optional.of(new Listen.Fixed(new InetSocketAddress(address, port))));
    }
}
