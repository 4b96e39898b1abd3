package org.sagent.netlink.packet;

/** The Internet checksum (RFC 1071), which ICMP, ICMPv6 and TCP share. */
final class InternetChecksum {

    private InternetChecksum() {
    }

    /**
     * Of {@code length} bytes from {@code offset}; 0 over a message that carries its own. An odd
     * last byte is padded with zero.
     */
    static int of(byte[] bytes, int offset, int length) {
        long sum = 0;
        int end = offset + length;
        for (int i = offset; i + 1 < end; i += 2) {
            sum += ((bytes[i] & 0xff) << 8) | (bytes[i + 1] & 0xff);
        }
        if (length % 2 == 1) {
            sum += (bytes[end - 1] & 0xff) << 8;
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) (~sum & 0xffff);
    }
}
