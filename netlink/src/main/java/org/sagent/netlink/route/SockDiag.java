package org.sagent.netlink.route;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sagent.netlink.Errno;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.NetlinkException;

/**
 * TCP sockets through netlink sock_diag (linux/inet_diag.h): lists the established
 * connections and destroys one (SOCK_DESTROY, as {@code ss -K} does: the kernel aborts the
 * socket and sends the peer a reset). Needs CAP_NET_ADMIN for destroying and a kernel built
 * with CONFIG_INET_DIAG_DESTROY (Debian's is).
 */
public final class SockDiag implements AutoCloseable {

    static final int NETLINK_SOCK_DIAG = 4;
    static final int SOCK_DIAG_BY_FAMILY = 20;
    static final int SOCK_DESTROY = 21;
    static final int IPPROTO_TCP = 6;
    static final int ESTALE = 116;
    static final int TCP_ESTABLISHED = 1;
    /** struct inet_diag_req_v2: family, protocol, ext, pad, states, then struct inet_diag_sockid. */
    static final int REQUEST_LENGTH = 56;
    /** struct inet_diag_msg before its attributes. */
    static final int MESSAGE_LENGTH = 72;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final RouteSocket socket;

    private SockDiag() {
        socket = new RouteSocket(NETLINK_SOCK_DIAG, 0, "sock_diag socket", 0);
    }

    public static SockDiag open() {
        return new SockDiag();
    }

    /** Every established TCP connection of this network namespace, IPv4 and IPv6 sockets. */
    public synchronized List<TcpConnection> established() {
        List<TcpConnection> all = new ArrayList<>();
        for (int family : new int[] {LibCConstants.AF_INET, LibCConstants.AF_INET6}) {
            MessageBuilder request = new MessageBuilder(SOCK_DIAG_BY_FAMILY,
                    NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_DUMP);
            request.u8(family).u8(IPPROTO_TCP).u8(0).u8(0).u32(1 << TCP_ESTABLISHED);
            for (int i = 0; i < 48; i += 4) {
                request.u32(0); // any socket id: the dump filters by state only
            }
            RouteSocket.Reply reply = socket.transact(request, "listing TCP sockets", TIMEOUT);
            if (reply.errno() != 0) {
                throw new NetlinkException(reply.errno(), "listing TCP sockets " + reply.kernelMessage());
            }
            for (NetlinkMessage message : reply.messages()) {
                if (message.type() == SOCK_DIAG_BY_FAMILY) {
                    all.add(decode(message.payload()));
                }
            }
        }
        return all;
    }

    /** The established connections whose local end is {@code local}. */
    public List<TcpConnection> establishedOn(InetAddress local) {
        return established().stream().filter(c -> c.local().equals(local)).toList();
    }

    /**
     * Aborts {@code connection}: the kernel resets it towards the peer and the owning process
     * sees ECONNABORTED. Returns false when it is already gone (ENOENT).
     */
    public synchronized boolean destroy(TcpConnection connection) {
        MessageBuilder request = new MessageBuilder(SOCK_DESTROY, NetlinkMessage.NLM_F_REQUEST | NetlinkMessage.NLM_F_ACK);
        request.u8(connection.family()).u8(IPPROTO_TCP).u8(0).u8(0).u32(1 << TCP_ESTABLISHED);
        request.bytes(ByteBuffer.allocate(4).order(ByteOrder.BIG_ENDIAN).putShort((short) connection.localPort())
                .putShort((short) connection.remotePort()).array());
        request.bytes(wire(connection.family(), connection.local()));
        request.bytes(wire(connection.family(), connection.remote()));
        request.u32(0); // any interface
        request.u32((int) connection.cookie()).u32((int) (connection.cookie() >>> 32));
        RouteSocket.Reply reply = socket.transact(request, "destroying " + connection, TIMEOUT);
        if (reply.errno() == 0) {
            return true;
        }
        if (reply.errno() == Errno.ENOENT || reply.errno() == ESTALE) { // closed meanwhile; another socket now
            return false;
        }
        throw new NetlinkException(reply.errno(), "destroying " + connection
                + (reply.errno() == Errno.EOPNOTSUPP ? " (this kernel lacks CONFIG_INET_DIAG_DESTROY)" : "")
                + " " + reply.kernelMessage());
    }

    /** One struct inet_diag_msg. */
    static TcpConnection decode(ByteBuffer payload) {
        ByteBuffer b = payload.duplicate().order(ByteOrder.BIG_ENDIAN);
        int start = b.position();
        if (b.remaining() < MESSAGE_LENGTH) {
            throw new NetlinkException("short inet_diag_msg: " + b.remaining() + " bytes");
        }
        int family = b.get(start) & 0xff;
        int localPort = b.getShort(start + 4) & 0xffff;
        int remotePort = b.getShort(start + 6) & 0xffff;
        byte[] local = new byte[16];
        byte[] remote = new byte[16];
        b.get(start + 8, local);
        b.get(start + 24, remote);
        ByteBuffer cookie = payload.duplicate().order(ByteOrder.nativeOrder());
        long low = cookie.getInt(start + 44) & 0xffffffffL;
        long high = cookie.getInt(start + 48) & 0xffffffffL;
        return new TcpConnection(family, address(family, local), localPort, address(family, remote), remotePort,
                high << 32 | low);
    }

    /** An address as inet_diag carries it; an IPv4-mapped IPv6 address comes out as IPv4. */
    static InetAddress address(int family, byte[] sixteen) {
        try {
            if (family == LibCConstants.AF_INET) {
                return InetAddress.getByAddress(java.util.Arrays.copyOf(sixteen, 4));
            }
            return InetAddress.getByAddress(sixteen); // Java returns an Inet4Address for ::ffff:a.b.c.d
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The 16 bytes inet_diag wants for {@code address} on a socket of {@code family}. */
    static byte[] wire(int family, InetAddress address) {
        byte[] raw = address.getAddress();
        byte[] out = new byte[16];
        if (family == LibCConstants.AF_INET) {
            System.arraycopy(raw, 0, out, 0, 4);
        } else if (address instanceof Inet4Address) {
            out[10] = (byte) 0xff;
            out[11] = (byte) 0xff;
            System.arraycopy(raw, 0, out, 12, 4);
        } else if (address instanceof Inet6Address) {
            System.arraycopy(raw, 0, out, 0, 16);
        }
        return out;
    }

    @Override
    public void close() {
        socket.close();
    }
}
