package org.sagent.agent.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Parses IP address literals without ever asking DNS (a host name is refused, not resolved). */
public final class IpLiterals {

    private static final Pattern IPV4 =
            Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");

    private IpLiterals() {
    }

    /** An IPv4 dotted quad or an IPv6 literal (no zone, no brackets), or empty. */
    public static Optional<InetAddress> parse(String text) {
        if (IPV4.matcher(text).matches()) {
            return Optional.of(literal(text));
        }
        if (text.contains(":") && IPV6_CHARS.matcher(text).matches()) {
            try {
                // With a colon and only hex digits, InetAddress parses the literal and never resolves.
                InetAddress address = InetAddress.getByName(text);
                return address instanceof Inet6Address ? Optional.of(address) : Optional.empty();
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    public static int maxPrefixLength(InetAddress address) {
        return address instanceof Inet4Address ? 32 : 128;
    }

    private static InetAddress literal(String dottedQuad) {
        try {
            return InetAddress.getByName(dottedQuad);
        } catch (UnknownHostException e) {
            throw new IllegalStateException("a matched dotted quad did not parse: " + dottedQuad, e);
        }
    }
}
