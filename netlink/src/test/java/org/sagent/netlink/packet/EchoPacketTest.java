package org.sagent.netlink.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** ICMP echo messages encode and decode to themselves; a reply counts only if it carries the request back exactly. */
class EchoPacketTest {

    private static final byte[] PAYLOAD = HexFormat.of().parseHex("00112233445566778899aabbccddeeff");
    private static final EchoPacket REQUEST = new EchoPacket(EchoPacket.ECHO_REQUEST, 0x1234, 0xbeef, PAYLOAD);

    @Test
    void anEchoRequestRoundTripsAndItsChecksumVerifies() {
        byte[] message = REQUEST.encode();
        assertEquals(8 + PAYLOAD.length, message.length);
        assertEquals(8, message[0], "type: echo request");
        assertEquals(0, message[1], "code 0");
        assertEquals(0x1234, ByteBuffer.wrap(message, 4, 2).getShort() & 0xffff);
        assertEquals(0xbeef, ByteBuffer.wrap(message, 6, 2).getShort() & 0xffff);
        assertEquals(0, InternetChecksum.of(message, 0, message.length), "a message with its checksum sums to zero");
        assertEquals(Optional.of(REQUEST), EchoPacket.decode(message, 0, message.length));
        message[message.length - 1] ^= 1;
        assertEquals(Optional.empty(), EchoPacket.decode(message, 0, message.length), "checksum must fail");
    }

    @Test
    void theChecksumMatchesRfc1071sWorkedExample() {
        // RFC 1071, section 3: the bytes 00 01 f2 03 f4 f5 f6 f7 sum to ddf2; the checksum is its complement.
        byte[] bytes = HexFormat.of().parseHex("0001f203f4f5f6f7");
        assertEquals(0x220d, InternetChecksum.of(bytes, 0, bytes.length));
        byte[] odd = HexFormat.of().parseHex("0001f203f4f5f6f7ab");
        // ddf2 + ab00 = 188f2, folded 88f3, complemented 770c.
        assertEquals(0x770c, InternetChecksum.of(odd, 0, odd.length), "an odd last byte is padded with zero");
    }

    @Test
    void onlyTheExactReplyAnswersARequest() {
        assertTrue(REQUEST.reply().answers(REQUEST));
        byte[] other = PAYLOAD.clone();
        other[3] ^= 0x40;
        assertFalse(new EchoPacket(EchoPacket.ECHO_REPLY, 0x1234, 0xbeef, other).answers(REQUEST), "wrong payload");
        assertFalse(new EchoPacket(EchoPacket.ECHO_REPLY, 0x1235, 0xbeef, PAYLOAD).answers(REQUEST), "wrong identifier");
        assertFalse(new EchoPacket(EchoPacket.ECHO_REPLY, 0x1234, 0xbeee, PAYLOAD).answers(REQUEST), "wrong sequence");
        assertFalse(new EchoPacket(EchoPacket.ECHO_REPLY, 0x1234, 0xbeef, new byte[0]).answers(REQUEST), "no payload");
        assertFalse(REQUEST.answers(REQUEST), "a request is no reply (our own request looped back)");
    }

    @Test
    void aDatagramIsDecodedWithItsAddressesAndRefusedWhenItIsNotAWholeIcmpEcho() throws Exception {
        byte[] icmp = REQUEST.reply().encode();
        byte[] datagram = ipv4(icmp, 1, 0);
        Optional<EchoPacket.Received> received = EchoPacket.decodeDatagram(datagram, datagram.length);
        assertTrue(received.isPresent());
        assertEquals(InetAddress.getByName("198.51.100.100"), received.get().source());
        assertEquals(InetAddress.getByName("198.51.100.2"), received.get().destination());
        assertEquals(REQUEST.reply(), received.get().echo());
        assertEquals(Optional.of(InetAddress.getByName("198.51.100.100")), EchoPacket.sourceOf(datagram, datagram.length)
                .map(a -> (InetAddress) a));

        assertEquals(Optional.empty(), EchoPacket.decodeDatagram(datagram, 27), "shorter than its total length");
        byte[] udp = ipv4(icmp, 17, 0);
        assertEquals(Optional.empty(), EchoPacket.decodeDatagram(udp, udp.length), "not ICMP");
        byte[] fragment = ipv4(icmp, 1, 0x2000);
        assertEquals(Optional.empty(), EchoPacket.decodeDatagram(fragment, fragment.length), "a first fragment");
        byte[] unreachable = icmp.clone();
        unreachable[0] = 3;
        int sum = InternetChecksum.of(withZeroChecksum(unreachable), 0, unreachable.length);
        unreachable[2] = (byte) (sum >>> 8);
        unreachable[3] = (byte) sum;
        byte[] notEcho = ipv4(unreachable, 1, 0);
        assertEquals(Optional.empty(), EchoPacket.decodeDatagram(notEcho, notEcho.length), "destination unreachable");
    }

    private static byte[] withZeroChecksum(byte[] message) {
        byte[] copy = message.clone();
        copy[2] = 0;
        copy[3] = 0;
        return copy;
    }

    /** A 20-byte IPv4 header from 198.51.100.100 to 198.51.100.2 around {@code payload}. */
    private static byte[] ipv4(byte[] payload, int protocol, int flagsAndOffset) {
        ByteBuffer ip = ByteBuffer.allocate(20 + payload.length);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putShort((short) 7)
                .putShort((short) flagsAndOffset).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(new byte[] {(byte) 198, 51, 100, 100}).put(new byte[] {(byte) 198, 51, 100, 2}).put(payload);
        return ip.array();
    }
}
