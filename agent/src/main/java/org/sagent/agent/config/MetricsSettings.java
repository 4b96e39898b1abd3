package org.sagent.agent.config;

import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * Where the Prometheus endpoint listens ({@code /metrics}).
 *
 * @param listen the address and port, or empty when the administrator wrote {@code listen: off}
 */
public record MetricsSettings(Optional<InetSocketAddress> listen) {

    /** All addresses: Prometheus usually scrapes from another host. */
    public static final int DEFAULT_PORT = 9775;

    public static MetricsSettings defaults() {
        return new MetricsSettings(Optional.of(new InetSocketAddress(DEFAULT_PORT)));
    }

    /**
     * Reads {@code PORT}, {@code HOST:PORT}, {@code [IPV6]:PORT} or {@code off}; empty when it is none of them.
     * The outer optional is "understood", the inner one "on or off".
     */
    static Optional<Optional<InetSocketAddress>> parse(String text) {
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
        if (host.isEmpty()) {
            return Optional.of(Optional.of(new InetSocketAddress(port)));
        }
        return IpLiterals.parse(host).map(address -> Optional.of(new InetSocketAddress(address, port)));
    }
}
