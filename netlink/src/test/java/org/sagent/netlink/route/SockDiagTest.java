package org.sagent.netlink.route;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.sagent.netlink.LibCConstants;

class SockDiagTest {

    /** A struct inet_diag_msg as the kernel writes it: network-order ports and addresses, native cookie. */
    private static ByteBuffer message(int family, byte[] src, int sport, byte[] dst, int dport, long cookie) {
        ByteBuffer b = ByteBuffer.allocate(SockDiag.MESSAGE_LENGTH);
        b.put((byte) family).put((byte) 1).put((byte) 0).put((byte) 0);
        b.order(ByteOrder.BIG_ENDIAN).putShort((short) sport).putShort((short) dport);
        b.put(java.util.Arrays.copyOf(src, 16)).put(java.util.Arrays.copyOf(dst, 16));
        b.order(ByteOrder.nativeOrder()).putInt(0).putInt((int) cookie).putInt((int) (cookie >>> 32));
        return b.rewind();
    }

    @Test
    void decodesAnIpv4Connection() throws Exception {
        TcpConnection c = SockDiag.decode(message(LibCConstants.AF_INET, new byte[] {(byte) 198, 51, 100, 120}, 445,
                new byte[] {(byte) 203, 0, 113, 7}, 51234, 0x1234_5678_9abcL));
        assertEquals(new TcpConnection(LibCConstants.AF_INET, InetAddress.getByName("198.51.100.120"), 445,
                InetAddress.getByName("203.0.113.7"), 51234, 0x1234_5678_9abcL), c);
    }

    @Test
    void anIpv4ClientOfAnIpv6SocketComesOutAsIpv4AndGoesBackMapped() throws Exception {
        byte[] mapped = new byte[16];
        mapped[10] = (byte) 0xff;
        mapped[11] = (byte) 0xff;
        System.arraycopy(new byte[] {(byte) 198, 51, 100, 120}, 0, mapped, 12, 4);
        byte[] client = mapped.clone();
        client[15] = 100;
        TcpConnection c = SockDiag.decode(message(LibCConstants.AF_INET6, mapped, 445, client, 40000, 7));
        assertEquals(InetAddress.getByName("198.51.100.120"), c.local());
        assertEquals(InetAddress.getByName("198.51.100.100"), c.remote());
        assertArrayEquals(mapped, SockDiag.wire(LibCConstants.AF_INET6, c.local()), "destroy names it as the kernel does");
    }
}
