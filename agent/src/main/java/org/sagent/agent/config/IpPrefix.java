package org.sagent.agent.config;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Optional;

/** An address with its prefix length, as written on an interface: {@code 172.20.1.20/16}. */
public record IpPrefix(InetAddress address, int prefixLength) {

    public IpPrefix {
        int max = IpLiterals.maxPrefixLength(address);
        if (prefixLength < 0 || prefixLength > max) {
            throw new IllegalArgumentException("prefix length " + prefixLength + " is outside 0.." + max);
        }
    }

    /** Parses {@code ADDRESS/LENGTH}; empty when the text is not of that form. */
    public static Optional<IpPrefix> parse(String text) {
        int slash = text.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        Optional<InetAddress> address = IpLiterals.parse(text.substring(0, slash));
        String length = text.substring(slash + 1);
        if (address.isEmpty() || !length.matches("\\d{1,3}")) {
            return Optional.empty();
        }
        int prefixLength = Integer.parseInt(length);
        if (prefixLength > IpLiterals.maxPrefixLength(address.get())) {
            return Optional.empty();
        }
        return Optional.of(new IpPrefix(address.get(), prefixLength));
    }

    public boolean isIpv4() {
        return address instanceof Inet4Address;
    }

    /** True when {@code other} lies in this prefix's network. */
    public boolean contains(InetAddress other) {
        byte[] mine = address.getAddress();
        byte[] theirs = other.getAddress();
        if (mine.length != theirs.length) {
            return false;
        }
        int fullBytes = prefixLength / 8;
        for (int i = 0; i < fullBytes; i++) {
            if (mine[i] != theirs[i]) {
                return false;
            }
        }
        int restBits = prefixLength % 8;
        if (restBits == 0) {
            return true;
        }
        int mask = (0xff << (8 - restBits)) & 0xff;
        return (mine[fullBytes] & mask) == (theirs[fullBytes] & mask);
    }

    /** The network itself: the address with its host bits cleared, e.g. 172.20.0.0/16. */
    public IpPrefix network() {
        byte[] bytes = address.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        try {
            return new IpPrefix(InetAddress.getByAddress(bytes), prefixLength);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException("an address of " + bytes.length + " bytes", e);
        }
    }

    /** True when the two networks share an address: the shorter prefix contains the other. */
    public boolean overlaps(IpPrefix other) {
        return prefixLength <= other.prefixLength ? contains(other.address) : other.contains(address);
    }

    @Override
    public String toString() {
        return address.getHostAddress() + "/" + prefixLength;
    }
}
