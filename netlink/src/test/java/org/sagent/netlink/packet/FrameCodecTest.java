package org.sagent.netlink.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sagent.netlink.MacAddress;

/** ARP and neighbour-discovery frames encode and decode to themselves; corrupted ones are refused. */
class FrameCodecTest {

    private static final MacAddress MAC = MacAddress.parse("02:aa:bb:cc:dd:01");

    @Test
    void arpRoundTrips() throws Exception {
        Inet4Address ip = (Inet4Address) InetAddress.getByName("198.51.100.120");
        ArpPacket packet = new ArpPacket(MacAddress.BROADCAST, MAC, ArpPacket.REPLY, MAC, ip, MAC, ip);
        byte[] frame = packet.encode();
        assertEquals(60, frame.length);
        assertEquals(Optional.of(packet), ArpPacket.decode(frame, frame.length));
        assertEquals(Optional.empty(), ArpPacket.decode(frame, 41), "too short");
        frame[12] = 0x08;
        frame[13] = 0x00;
        assertEquals(Optional.empty(), ArpPacket.decode(frame, frame.length), "not ARP");
    }

    @Test
    void neighbourAdvertisementRoundTripsAndItsChecksumVerifies() throws Exception {
        Inet6Address ip = (Inet6Address) InetAddress.getByName("2001:db8::120");
        NeighbourDiscoveryPacket na = NeighbourDiscoveryPacket.unsolicitedAdvertisement(MAC, ip);
        byte[] frame = na.encode();
        assertEquals(Optional.of(na), NeighbourDiscoveryPacket.decode(frame, frame.length));
        frame[frame.length - 1] ^= 1; // one bit of the MAC option
        assertEquals(Optional.empty(), NeighbourDiscoveryPacket.decode(frame, frame.length), "checksum must fail");
    }

    @Test
    void solicitedNodeGroupsAndTheirMacs() throws Exception {
        Inet6Address ip = (Inet6Address) InetAddress.getByName("2001:db8::1:2345:6789");
        assertEquals(InetAddress.getByName("ff02::1:ff45:6789"), NeighbourDiscoveryPacket.solicitedNode(ip));
        assertEquals("33:33:ff:45:67:89", NeighbourDiscoveryPacket.multicastMac(NeighbourDiscoveryPacket.solicitedNode(ip))
                .toString());
    }

    @Test
    void checksumMatchesAWorkedExample() throws Exception {
        // RFC 1071 style check: a message whose checksum field holds the computed value sums to zero.
        Inet6Address src = (Inet6Address) InetAddress.getByName("fe80::1");
        Inet6Address dst = (Inet6Address) InetAddress.getByName("ff02::1");
        byte[] message = HexFormat.of().parseHex("8800000020000000fe800000000000000000000000000001020102aabbccdd01");
        int sum = NeighbourDiscoveryPacket.checksum(src, dst, message);
        message[2] = (byte) (sum >> 8);
        message[3] = (byte) sum;
        assertEquals(0, NeighbourDiscoveryPacket.checksum(src, dst, message));
        assertTrue(sum != 0);
    }
}
