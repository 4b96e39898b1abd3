package org.sagent.netlink.packet;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;

/**
 * An ICMP echo request or reply (RFC 792): the message alone, as a raw IPv4 ICMP socket sends
 * it (the kernel adds the IP header), and decoded from the whole datagram such a socket reads.
 *
 * @param type       {@link #ECHO_REQUEST} or {@link #ECHO_REPLY}
 * @param identifier 16 bits
 * @param sequence   16 bits
 * @param payload    the data a reply must carry back unchanged
 */
public record EchoPacket(int type, int identifier, int sequence, byte[] payload) {

    public static final int ECHO_REPLY = 0;
    public static final int ECHO_REQUEST = 8;
    static final int HEADER = 8;
    static final int IPPROTO_ICMP = 1;
    private static final int IPV4_HEADER = 20;

    public EchoPacket {
        if (type != ECHO_REQUEST && type != ECHO_REPLY) {
            throw new IllegalArgumentException("an echo packet is of type 8 (request) or 0 (reply), not " + type);
        }
        if (identifier < 0 || identifier > 0xffff || sequence < 0 || sequence > 0xffff) {
            throw new IllegalArgumentException("identifier and sequence are 16 bits: " + identifier + ", " + sequence);
        }
        payload = payload.clone();
    }

    @Override
    public byte[] payload() {
        return payload.clone();
    }

    /** The reply a faithful host sends to this packet: the same identifier, sequence and payload. */
    public EchoPacket reply() {
        return new EchoPacket(ECHO_REPLY, identifier, sequence, payload);
    }

    /** True when this is a reply that carries back {@code request}'s identifier, sequence and payload exactly. */
    public boolean answers(EchoPacket request) {
        return type == ECHO_REPLY && request.type == ECHO_REQUEST && identifier == request.identifier
                && sequence == request.sequence && Arrays.equals(payload, request.payload);
    }

    /** The ICMP message, checksum included. */
    public byte[] encode() {
        ByteBuffer message = ByteBuffer.allocate(HEADER + payload.length);
        message.put((byte) type).put((byte) 0).putShort((short) 0).putShort((short) identifier)
                .putShort((short) sequence).put(payload);
        byte[] bytes = message.array();
        int checksum = InternetChecksum.of(bytes, 0, bytes.length);
        bytes[2] = (byte) (checksum >>> 8);
        bytes[3] = (byte) checksum;
        return bytes;
    }

    /**
     * Decodes an ICMP message; empty for anything but an echo request or reply of code 0 whose
     * checksum verifies.
     */
    public static Optional<EchoPacket> decode(byte[] bytes, int offset, int length) {
        if (length < HEADER || offset < 0 || offset + length > bytes.length
                || InternetChecksum.of(bytes, offset, length) != 0) {
            return Optional.empty();
        }
        ByteBuffer message = ByteBuffer.wrap(bytes, offset, length);
        int type = Byte.toUnsignedInt(message.get());
        int code = Byte.toUnsignedInt(message.get());
        message.getShort();
        if ((type != ECHO_REQUEST && type != ECHO_REPLY) || code != 0) {
            return Optional.empty();
        }
        int identifier = Short.toUnsignedInt(message.getShort());
        int sequence = Short.toUnsignedInt(message.getShort());
        byte[] payload = new byte[length - HEADER];
        message.get(payload);
        return Optional.of(new EchoPacket(type, identifier, sequence, payload));
    }

    /** An echo packet and the addresses of the IPv4 datagram that carried it. */
    public record Received(Inet4Address source, Inet4Address destination, EchoPacket echo) {
    }

    /**
     * Decodes an IPv4 datagram as a raw ICMP socket hands it over (header included); empty for
     * anything short, not IPv4, not ICMP, fragmented or whose echo does not decode.
     */
    public static Optional<Received> decodeDatagram(byte[] bytes, int length) {
        if (length < IPV4_HEADER || length > bytes.length || (bytes[0] & 0xf0) != 0x40) {
            return Optional.empty();
        }
        int headerLength = (bytes[0] & 0x0f) * 4;
        int totalLength = Short.toUnsignedInt(ByteBuffer.wrap(bytes, 2, 2).getShort());
        boolean fragment = (ByteBuffer.wrap(bytes, 6, 2).getShort() & 0x3fff) != 0; // MF flag or an offset
        if (headerLength < IPV4_HEADER || totalLength < headerLength + HEADER || totalLength > length || fragment
                || bytes[9] != IPPROTO_ICMP) {
            return Optional.empty();
        }
        return decode(bytes, headerLength, totalLength - headerLength).map(echo -> new Received(
                ArpPacket.ipv4(Arrays.copyOfRange(bytes, 12, 16)), ArpPacket.ipv4(Arrays.copyOfRange(bytes, 16, 20)),
                echo));
    }

    /** The source address of an IPv4 datagram, or empty if it is none; whatever it carries. */
    public static Optional<Inet4Address> sourceOf(byte[] bytes, int length) {
        if (length < IPV4_HEADER || length > bytes.length || (bytes[0] & 0xf0) != 0x40) {
            return Optional.empty();
        }
        return Optional.of(ArpPacket.ipv4(Arrays.copyOfRange(bytes, 12, 16)));
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof EchoPacket that && type == that.type && identifier == that.identifier
                && sequence == that.sequence && Arrays.equals(payload, that.payload);
    }

    @Override
    public int hashCode() {
        return ((type * 31 + identifier) * 31 + sequence) * 31 + Arrays.hashCode(payload);
    }

    @Override
    public String toString() {
        return (type == ECHO_REQUEST ? "echo request" : "echo reply") + " id " + identifier + " seq " + sequence
                + " payload " + HexFormat.of().formatHex(payload);
    }
}
