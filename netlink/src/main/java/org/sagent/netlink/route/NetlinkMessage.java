package org.sagent.netlink.route;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import org.sagent.netlink.NetlinkException;

/**
 * One netlink message: the 16-byte header (struct nlmsghdr) and its payload.
 *
 * @param payload the bytes after the header, native order, positioned at 0
 */
public record NetlinkMessage(int type, int flags, int sequence, int portId, ByteBuffer payload) {

    public static final int HEADER_LENGTH = 16;

    public static final int NLMSG_NOOP = 1;
    public static final int NLMSG_ERROR = 2;
    public static final int NLMSG_DONE = 3;
    public static final int NLMSG_OVERRUN = 4;

    public static final int NLM_F_REQUEST = 0x1;
    public static final int NLM_F_MULTI = 0x2;
    public static final int NLM_F_ACK = 0x4;
    public static final int NLM_F_DUMP = 0x300;
    public static final int NLM_F_EXCL = 0x200;
    public static final int NLM_F_CREATE = 0x400;
    /** On an NLMSG_ERROR: extended-ack attributes follow. */
    public static final int NLM_F_ACK_TLVS = 0x200;

    /**
     * Splits a received datagram into messages; every length is checked against the bytes there.
     * The messages own a copy of the bytes: the caller's receive buffer is reused for the next
     * datagram of a multipart dump.
     */
    public static List<NetlinkMessage> decodeAll(byte[] received, int length) {
        byte[] data = java.util.Arrays.copyOf(received, length);
        ByteBuffer buffer = ByteBuffer.wrap(data, 0, length).order(ByteOrder.nativeOrder());
        List<NetlinkMessage> messages = new ArrayList<>();
        while (buffer.remaining() >= HEADER_LENGTH) {
            int start = buffer.position();
            int messageLength = buffer.getInt();
            int type = Short.toUnsignedInt(buffer.getShort());
            int flags = Short.toUnsignedInt(buffer.getShort());
            int sequence = buffer.getInt();
            int portId = buffer.getInt();
            if (messageLength < HEADER_LENGTH || start + messageLength > length) {
                throw new NetlinkException("malformed netlink message: length " + messageLength + " at offset "
                        + start + " of a " + length + "-byte datagram");
            }
            ByteBuffer payload = ByteBuffer.wrap(data, start + HEADER_LENGTH, messageLength - HEADER_LENGTH)
                    .slice().order(ByteOrder.nativeOrder());
            messages.add(new NetlinkMessage(type, flags, sequence, portId, payload));
            buffer.position(Math.min(length, start + align(messageLength)));
        }
        if (buffer.remaining() != 0) {
            throw new NetlinkException("malformed netlink datagram: " + buffer.remaining() + " trailing bytes");
        }
        return messages;
    }

    static int align(int length) {
        return (length + 3) & ~3;
    }
}
