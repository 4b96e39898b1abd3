package org.sagent.netlink.packet;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.NativeSocket;

/**
 * Tickle ACKs, as CTDB sends them after an IP takeover: a bare TCP ACK with zero sequence
 * and acknowledgement numbers from public-address:port to a client:port the old holder was
 * serving. The client answers with its real numbers; this node's kernel has no such
 * connection and answers that with a reset; the client drops the dead connection and
 * reconnects now, instead of after its retransmission back-off. A raw IPPROTO_TCP socket
 * (CAP_NET_RAW): the kernel adds the IP header, the TCP header and its checksum are ours.
 */
public final class TcpTickle implements AutoCloseable {

    static final int IPPROTO_TCP = 6;
    static final int TCP_HEADER = 20;
    static final int ACK = 0x10;
    /** The window CTDB advertises in its tickles; any value works. */
    static final int WINDOW = 1234;

    private final NativeSocket socket;
    private final InetAddress source;

    private TcpTickle(InetAddress source) {
        int family = source instanceof Inet4Address ? LibCConstants.AF_INET : LibCConstants.AF_INET6;
        this.source = source;
        socket = NativeSocket.open(family, LibCConstants.SOCK_RAW, IPPROTO_TCP, "raw TCP socket for tickle ACKs");
        try {
            // Bound to the public address: the kernel's IP header then carries it as the source.
            socket.bind(sockaddr(source, 0), "to " + source.getHostAddress());
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A sender from {@code source}, which must be an address of this node (the one just taken). */
    public static TcpTickle from(InetAddress source) {
        return new TcpTickle(source);
    }

    /** Sends {@code count} tickle ACKs to client:clientPort from source:sourcePort, {@code interval} apart. */
    public int send(int sourcePort, InetAddress client, int clientPort, int count, Duration interval) {
        byte[] segment = segment(source, sourcePort, client, clientPort, 0, 0, ACK, WINDOW);
        byte[] to = sockaddr(client, 0); // raw sockets take the port from our header, not the address
        for (int i = 0; i < count; i++) {
            socket.send(segment, segment.length, to, "tickle ACK to " + client.getHostAddress() + ":" + clientPort);
            if (i + 1 < count && !interval.isZero()) {
                ArpChannel.sleep(interval);
            }
        }
        return count;
    }

    /** A 20-byte TCP header, checksum included (over the IPv4 or IPv6 pseudo-header). */
    static byte[] segment(InetAddress source, int sourcePort, InetAddress destination, int destinationPort,
                          int sequence, int acknowledgement, int flags, int window) {
        ByteBuffer tcp = ByteBuffer.allocate(TCP_HEADER).order(ByteOrder.BIG_ENDIAN);
        tcp.putShort((short) sourcePort).putShort((short) destinationPort).putInt(sequence).putInt(acknowledgement)
                .put((byte) (5 << 4)).put((byte) flags).putShort((short) window).putShort((short) 0).putShort((short) 0);
        byte[] bytes = tcp.array();
        int checksum = checksum(source, destination, bytes);
        bytes[16] = (byte) (checksum >>> 8);
        bytes[17] = (byte) checksum;
        return bytes;
    }

    /** The Internet checksum (RFC 1071) of a TCP segment with its pseudo-header (RFC 793, RFC 8200 8.1). */
    static int checksum(InetAddress source, InetAddress destination, byte[] segment) {
        ByteBuffer pseudo;
        if (source instanceof Inet6Address) {
            pseudo = ByteBuffer.allocate(40 + segment.length).order(ByteOrder.BIG_ENDIAN);
            pseudo.put(source.getAddress()).put(destination.getAddress()).putInt(segment.length)
                    .put(new byte[3]).put((byte) IPPROTO_TCP);
        } else {
            pseudo = ByteBuffer.allocate(12 + segment.length).order(ByteOrder.BIG_ENDIAN);
            pseudo.put(source.getAddress()).put(destination.getAddress()).put((byte) 0).put((byte) IPPROTO_TCP)
                    .putShort((short) segment.length);
        }
        pseudo.put(segment);
        return InternetChecksum.of(pseudo.array(), 0, pseudo.capacity());
    }

    /** struct sockaddr_in or sockaddr_in6. */
    static byte[] sockaddr(InetAddress address, int port) {
        if (address instanceof Inet4Address) {
            return ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putShort((short) LibCConstants.AF_INET)
                    .order(ByteOrder.BIG_ENDIAN).putShort((short) port).put(address.getAddress()).put(new byte[8])
                    .array();
        }
        return ByteBuffer.allocate(28).order(ByteOrder.nativeOrder()).putShort((short) LibCConstants.AF_INET6)
                .order(ByteOrder.BIG_ENDIAN).putShort((short) port).putInt(0).put(address.getAddress()).putInt(0)
                .array();
    }

    @Override
    public void close() {
        socket.close();
    }
}
