package org.sagent.netlink.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.sagent.netlink.NetlinkException;

/** Encoding and decoding of netlink messages, without a kernel: lengths, alignment, malformed input. */
class NetlinkMessageTest {

    @Test
    void buildsAnAlignedRequestWithItsLengthAndSequence() {
        byte[] bytes = new MessageBuilder(RtNetlink.RTM_NEWADDR, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK)
                .u8(2).u8(24).u8(0).u8(0).u32(7)
                .attribute(RtNetlink.IFA_LOCAL, new byte[] {(byte) 198, 51, 100, 120})
                .attributeString(RtNetlink.IFA_LABEL, "eth1:p")
                .build(42);
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        // header 16 + ifaddrmsg 8 + (4+4) + (4+7 -> 12) = 44
        assertEquals(44, bytes.length);
        assertEquals(44, b.getInt(0));
        assertEquals(RtNetlink.RTM_NEWADDR, b.getShort(4));
        assertEquals(NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK, b.getShort(6));
        assertEquals(42, b.getInt(8));
        assertEquals(7, b.getInt(20));
        assertEquals(8, b.getShort(24));
        assertEquals(RtNetlink.IFA_LOCAL, b.getShort(26));
        assertEquals(11, b.getShort(32), "label attribute length counts the NUL, not the padding");
        assertEquals(0, bytes[43], "padding is zero");
    }

    @Test
    void decodesSeveralMessagesInOneDatagramAndTheirAttributes() {
        byte[] first = new MessageBuilder(RtNetlink.RTM_NEWADDR, NetlinkMessage.NLM_F_MULTI)
                .u8(2).u8(24).u8(0x81).u8(0).u32(3)
                .attribute(RtNetlink.IFA_ADDRESS, new byte[] {(byte) 198, 51, 100, 1})
                .attribute(RtNetlink.IFA_LOCAL, new byte[] {(byte) 198, 51, 100, 120})
                .attributeString(RtNetlink.IFA_LABEL, "eth1")
                .build(5);
        byte[] done = new MessageBuilder(NetlinkMessage.NLMSG_DONE, NetlinkMessage.NLM_F_MULTI).u32(0).build(5);
        byte[] datagram = new byte[first.length + done.length];
        System.arraycopy(first, 0, datagram, 0, first.length);
        System.arraycopy(done, 0, datagram, first.length, done.length);

        List<NetlinkMessage> messages = NetlinkMessage.decodeAll(datagram, datagram.length);
        assertEquals(2, messages.size());
        assertEquals(NetlinkMessage.NLMSG_DONE, messages.get(1).type());
        InterfaceAddress address = RtNetlink.decodeAddress(messages.get(0)).orElseThrow();
        assertEquals("198.51.100.120", address.address().getHostAddress(), "IFA_LOCAL wins over IFA_ADDRESS");
        assertEquals(24, address.prefixLength());
        assertEquals(3, address.interfaceIndex());
        assertTrue(address.isSecondary());
        assertEquals(Optional.of("eth1"), address.label());
    }

    @Test
    void refusesLengthsThatDoNotFit() {
        byte[] message = new MessageBuilder(RtNetlink.RTM_NEWLINK, 0).u32(0).u32(0).u32(0).u32(0).build(1);
        ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).putInt(0, 400);
        assertThrows(NetlinkException.class, () -> NetlinkMessage.decodeAll(message, message.length));
        ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).putInt(0, 8);
        assertThrows(NetlinkException.class, () -> NetlinkMessage.decodeAll(message, message.length));
        assertThrows(NetlinkException.class, () -> NetlinkMessage.decodeAll(new byte[20], 20));
    }

    @Test
    void refusesAnAttributeLongerThanItsMessage() {
        byte[] message = new MessageBuilder(RtNetlink.RTM_NEWLINK, 0).u8(0).u8(0).u16(0).u32(4).u32(1).u32(0)
                .attributeString(RtNetlink.IFLA_IFNAME, "eth1").build(1);
        ByteBuffer.wrap(message).order(ByteOrder.nativeOrder()).putShort(32, (short) 64);
        NetlinkMessage decoded = NetlinkMessage.decodeAll(message, message.length).get(0);
        NetlinkException e = assertThrows(NetlinkException.class, () -> RtNetlink.decodeLink(decoded));
        assertTrue(e.getMessage().startsWith("malformed attribute in RTM_NEWLINK"), e.getMessage());
    }

    @Test
    void decodesALinkWithCarrierAndOperState() {
        byte[] message = new MessageBuilder(RtNetlink.RTM_NEWLINK, 0).u8(0).u8(0).u16(1).u32(4).u32(0x11043).u32(0)
                .attributeString(RtNetlink.IFLA_IFNAME, "eth1")
                .attribute(RtNetlink.IFLA_ADDRESS, new byte[] {2, 0, 0, 0, 0, 1})
                .attribute(RtNetlink.IFLA_OPERSTATE, new byte[] {6})
                .attribute(RtNetlink.IFLA_CARRIER, new byte[] {1})
                .attributeU32(RtNetlink.IFLA_MTU, 1500)
                .build(1);
        Link link = RtNetlink.decodeLink(NetlinkMessage.decodeAll(message, message.length).get(0));
        assertEquals(new Link(4, "eth1", Optional.of(org.sagent.netlink.MacAddress.parse("02:00:00:00:00:01")), 0x11043,
                OperState.UP, true, 1500), link);
        assertTrue(link.isUp());
    }

    @Test
    void computesTheIpv4BroadcastAndSubnets() throws Exception {
        assertArrayEquals(new byte[] {(byte) 172, 20, (byte) 255, (byte) 255},
                RtNetlink.broadcast(InetAddress.getByName("172.20.1.20"), 16));
        assertArrayEquals(new byte[] {(byte) 198, 51, 100, 127}, RtNetlink.broadcast(InetAddress.getByName("198.51.100.7"), 25));
        assertTrue(RtNetlink.sameSubnet(InetAddress.getByName("198.51.100.1"), InetAddress.getByName("198.51.100.200"), 24));
        assertTrue(!RtNetlink.sameSubnet(InetAddress.getByName("198.51.100.1"), InetAddress.getByName("198.51.100.200"), 25));
    }

    @Test
    void decodedMessagesSurviveTheReuseOfTheReceiveBuffer() {
        byte[] buffer = new MessageBuilder(RtNetlink.RTM_NEWLINK, 0).u8(0).u8(0).u16(1).u32(4).u32(0).u32(0)
                .attributeString(RtNetlink.IFLA_IFNAME, "eth1").build(1);
        NetlinkMessage message = NetlinkMessage.decodeAll(buffer, buffer.length).get(0);
        java.util.Arrays.fill(buffer, (byte) 0x55); // the next datagram of a dump lands here
        assertEquals("eth1", RtNetlink.decodeLink(message).name());
    }
}
