package org.sagent.netlink.route;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.sagent.netlink.NetlinkException;

/** The attributes (struct rtattr) of one message, by type; every length is checked. */
final class Attributes {

    private final Map<Integer, ByteBuffer> byType = new HashMap<>();

    /** Reads attributes from {@code payload}'s position to its limit. */
    static Attributes parse(ByteBuffer payload, String what) {
        Attributes attributes = new Attributes();
        ByteBuffer buffer = payload.duplicate().order(ByteOrder.nativeOrder());
        while (buffer.remaining() >= 4) {
            int start = buffer.position();
            int length = Short.toUnsignedInt(buffer.getShort());
            int type = Short.toUnsignedInt(buffer.getShort()) & 0x3fff; // drop NLA_F_NESTED / NET_BYTEORDER
            if (length < 4 || start + length > buffer.limit()) {
                throw new NetlinkException("malformed attribute in " + what + ": length " + length + " at offset "
                        + start + " of " + buffer.limit());
            }
            ByteBuffer value = buffer.duplicate().position(start + 4).limit(start + length).slice()
                    .order(ByteOrder.nativeOrder());
            attributes.byType.put(type, value);
            buffer.position(Math.min(buffer.limit(), start + NetlinkMessage.align(length)));
        }
        return attributes;
    }

    Optional<byte[]> bytes(int type) {
        ByteBuffer value = byType.get(type);
        if (value == null) {
            return Optional.empty();
        }
        byte[] bytes = new byte[value.remaining()];
        value.duplicate().get(bytes);
        return Optional.of(bytes);
    }

    Optional<String> string(int type) {
        return bytes(type).map(b -> {
            int end = 0;
            while (end < b.length && b[end] != 0) {
                end++;
            }
            return new String(b, 0, end, StandardCharsets.UTF_8);
        });
    }

    Optional<Integer> u8(int type) {
        return bytes(type).map(b -> {
            if (b.length < 1) {
                throw new NetlinkException("attribute " + type + " is empty, expected one byte");
            }
            return Byte.toUnsignedInt(b[0]);
        });
    }

    Optional<Integer> u32(int type) {
        return bytes(type).map(b -> {
            if (b.length < 4) {
                throw new NetlinkException("attribute " + type + " has " + b.length + " bytes, expected 4");
            }
            return ByteBuffer.wrap(b).order(ByteOrder.nativeOrder()).getInt();
        });
    }
}
