package org.sagent.netlink.route;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.NativeSocket;
import org.sagent.netlink.NetlinkException;
import org.sagent.netlink.WakeUp;

/**
 * A NETLINK_ROUTE socket. For requests: sends one, collects the replies that carry its
 * sequence number until the ACK, the error or the end of the dump. For events: bound to
 * multicast groups, hands over whatever arrives.
 *
 * <p>Not thread-safe: {@link RtNetlink} serialises its requests.
 */
final class RouteSocket implements AutoCloseable {

    static final int NETLINK_ROUTE = 0;
    private static final int RECEIVE_BUFFER = 1 << 16;
    private static final int NLMSGERR_ATTR_MSG = 1;

    private final NativeSocket socket;
    private final int portId;
    private final byte[] buffer = new byte[RECEIVE_BUFFER];
    private int sequence = (int) (System.nanoTime() & 0x7fffffff);

    /** The outcome of one request: an errno (0 for success), the kernel's own explanation, the replies. */
    record Reply(int errno, String kernelMessage, List<NetlinkMessage> messages) {
    }

    RouteSocket(int groups, String description) {
        this(groups, description, 0);
    }

    /** {@code receiveBufferBytes} 0 keeps the system default. */
    RouteSocket(int groups, String description, int receiveBufferBytes) {
        this(NETLINK_ROUTE, groups, description, receiveBufferBytes);
    }

    /** A socket of another netlink family with the same request/reply rules (e.g. NETLINK_SOCK_DIAG). */
    RouteSocket(int protocol, int groups, String description, int receiveBufferBytes) {
        socket = NativeSocket.open(LibCConstants.AF_NETLINK, LibCConstants.SOCK_RAW, protocol, description);
        try {
            // Errors carry the kernel's explanation (extended ACK) and not a copy of our request.
            socket.setOption(LibCConstants.SOL_NETLINK, LibCConstants.NETLINK_EXT_ACK, 1, "NETLINK_EXT_ACK");
            socket.setOption(LibCConstants.SOL_NETLINK, LibCConstants.NETLINK_CAP_ACK, 1, "NETLINK_CAP_ACK");
            if (receiveBufferBytes > 0) {
                socket.setOption(LibCConstants.SOL_SOCKET, LibCConstants.SO_RCVBUF, receiveBufferBytes, "SO_RCVBUF");
            }
            socket.bind(sockaddrNl(0, groups), groups == 0 ? "" : "to groups 0x" + Integer.toHexString(groups));
            portId = ByteBuffer.wrap(socket.localAddress(12)).order(ByteOrder.nativeOrder()).getInt(4);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    private static byte[] sockaddrNl(int pid, int groups) {
        return ByteBuffer.allocate(12).order(ByteOrder.nativeOrder())
                .putShort((short) LibCConstants.AF_NETLINK).putShort((short) 0).putInt(pid).putInt(groups).array();
    }

    /** Sends {@code request} and gathers its replies; {@code what} names it in errors. */
    Reply transact(MessageBuilder request, String what, Duration timeout) {
        int seq = ++sequence;
        byte[] bytes = request.build(seq);
        socket.send(bytes, bytes.length, sockaddrNl(0, 0), what);
        List<NetlinkMessage> replies = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            Optional<Integer> received = socket.receive(buffer, Duration.ofNanos(Math.max(0, left)), null);
            if (received.isEmpty()) {
                throw new NetlinkException("no reply from the kernel " + what + " within " + timeout.toMillis() + " ms");
            }
            for (NetlinkMessage message : NetlinkMessage.decodeAll(buffer, received.get())) {
                if (message.sequence() != seq || (message.portId() != portId && message.portId() != 0)) {
                    continue; // a late reply to an earlier request that timed out
                }
                switch (message.type()) {
                    case NetlinkMessage.NLMSG_ERROR -> {
                        return error(message, replies);
                    }
                    case NetlinkMessage.NLMSG_DONE -> {
                        return new Reply(0, "", replies);
                    }
                    case NetlinkMessage.NLMSG_NOOP -> {
                    }
                    case NetlinkMessage.NLMSG_OVERRUN -> throw new NetlinkException("netlink overrun " + what);
                    default -> {
                        replies.add(message);
                        if ((message.flags() & NetlinkMessage.NLM_F_MULTI) == 0
                                && (request.flags() & NetlinkMessage.NLM_F_ACK) == 0) {
                            return new Reply(0, "", replies);
                        }
                    }
                }
            }
        }
    }

    private static Reply error(NetlinkMessage message, List<NetlinkMessage> replies) {
        ByteBuffer payload = message.payload();
        if (payload.remaining() < 4) {
            throw new NetlinkException("malformed netlink error message: " + payload.remaining() + " bytes");
        }
        int errno = -payload.getInt(0);
        String explanation = "";
        // With NETLINK_CAP_ACK the error holds only the request's header; TLVs may follow it.
        if ((message.flags() & NetlinkMessage.NLM_F_ACK_TLVS) != 0
                && payload.remaining() >= 4 + NetlinkMessage.HEADER_LENGTH) {
            Attributes tlvs = Attributes.parse(payload.duplicate().position(4 + NetlinkMessage.HEADER_LENGTH),
                    "extended ack");
            explanation = tlvs.string(NLMSGERR_ATTR_MSG).orElse("");
        }
        return new Reply(errno, explanation, replies);
    }

    /** For event listeners: the next datagram's messages, or empty after {@code timeout}. */
    Optional<List<NetlinkMessage>> next(Duration timeout) {
        return next(timeout, null);
    }

    /** As {@link #next(Duration)}, and empty at once when {@code wake} is signalled. */
    Optional<List<NetlinkMessage>> next(Duration timeout, WakeUp wake) {
        return socket.receive(buffer, timeout, null, wake).map(n -> NetlinkMessage.decodeAll(buffer, n));
    }

    @Override
    public void close() {
        socket.close();
    }
}
