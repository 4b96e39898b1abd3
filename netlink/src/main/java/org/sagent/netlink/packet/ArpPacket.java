package org.sagent.netlink.packet;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.util.Optional;
import org.sagent.netlink.MacAddress;

/**
 * An ARP packet for IPv4 over Ethernet (RFC 826) inside its Ethernet frame.
 *
 * @param operation {@link #REQUEST} or {@link #REPLY}
 */
public record ArpPacket(MacAddress ethernetDestination, MacAddress ethernetSource, int operation,
                        MacAddress senderMac, Inet4Address senderIp, MacAddress targetMac, Inet4Address targetIp) {

    public static final int REQUEST = 1;
    public static final int REPLY = 2;
    /** Ethernet frames are at least 60 bytes before the checksum; ARP needs 42, the rest is padding. */
    static final int FRAME_LENGTH = 60;

    public static final Inet4Address UNSPECIFIED = ipv4(new byte[4]);

    public byte[] encode() {
        ByteBuffer frame = ByteBuffer.allocate(FRAME_LENGTH);
        frame.put(ethernetDestination.bytes()).put(ethernetSource.bytes()).putShort((short) PacketSocket.ETH_P_ARP);
        frame.putShort((short) 1);        // hardware type: Ethernet
        frame.putShort((short) 0x0800);   // protocol type: IPv4
        frame.put((byte) 6).put((byte) 4); // address lengths
        frame.putShort((short) operation);
        frame.put(senderMac.bytes()).put(senderIp.getAddress());
        frame.put(targetMac.bytes()).put(targetIp.getAddress());
        return frame.array();
    }

    /** Decodes an Ethernet/IPv4 ARP frame; empty for anything else or anything short. */
    public static Optional<ArpPacket> decode(byte[] bytes, int length) {
        if (length < 42) {
            return Optional.empty();
        }
        ByteBuffer frame = ByteBuffer.wrap(bytes, 0, length);
        byte[] destination = new byte[6];
        byte[] source = new byte[6];
        frame.get(destination).get(source);
        if (Short.toUnsignedInt(frame.getShort()) != PacketSocket.ETH_P_ARP || frame.getShort() != 1
                || frame.getShort() != 0x0800 || frame.get() != 6 || frame.get() != 4) {
            return Optional.empty();
        }
        int operation = Short.toUnsignedInt(frame.getShort());
        byte[] sha = new byte[6];
        byte[] spa = new byte[4];
        byte[] tha = new byte[6];
        byte[] tpa = new byte[4];
        frame.get(sha).get(spa).get(tha).get(tpa);
        return Optional.of(new ArpPacket(MacAddress.of(destination), MacAddress.of(source), operation, MacAddress.of(sha),
                ipv4(spa), MacAddress.of(tha), ipv4(tpa)));
    }

    static Inet4Address ipv4(byte[] bytes) {
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IPv4 address has 4 bytes, not " + bytes.length, e);
        }
    }

    @Override
    public String toString() {
        return (operation == REQUEST ? "request" : operation == REPLY ? "reply" : "op " + operation) + " who-has "
                + targetIp.getHostAddress() + " tell " + senderIp.getHostAddress() + " (" + senderMac + ")";
    }
}
