package org.sagent.netlink.route;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds one netlink request: header, fixed part, then attributes (struct rtattr), 4-byte aligned. */
final class MessageBuilder {

    private final ByteBuffer buffer = ByteBuffer.allocate(1024).order(ByteOrder.nativeOrder());
    private final int flags;

    MessageBuilder(int type, int flags) {
        this.flags = flags;
        buffer.putInt(0); // length, set by build()
        buffer.putShort((short) type);
        buffer.putShort((short) flags);
        buffer.putInt(0); // sequence, set by build()
        buffer.putInt(0); // port id: 0 addresses the kernel
    }

    int flags() {
        return flags;
    }

    MessageBuilder u8(int value) {
        buffer.put((byte) value);
        return this;
    }

    MessageBuilder u16(int value) {
        buffer.putShort((short) value);
        return this;
    }

    MessageBuilder u32(int value) {
        buffer.putInt(value);
        return this;
    }

    /** Bytes as they are (network-order fields, addresses). */
    MessageBuilder bytes(byte[] value) {
        buffer.put(value);
        return this;
    }

    MessageBuilder attribute(int type, byte[] value) {
        int length = 4 + value.length;
        buffer.putShort((short) length);
        buffer.putShort((short) type);
        buffer.put(value);
        pad();
        return this;
    }

    MessageBuilder attributeU32(int type, int value) {
        return attribute(type, ByteBuffer.allocate(4).order(ByteOrder.nativeOrder()).putInt(value).array());
    }

    /** A NUL-terminated string attribute, as the kernel expects for names and labels. */
    MessageBuilder attributeString(int type, String value) {
        byte[] text = value.getBytes(StandardCharsets.UTF_8);
        byte[] withNul = new byte[text.length + 1];
        System.arraycopy(text, 0, withNul, 0, text.length);
        return attribute(type, withNul);
    }

    private void pad() {
        while (buffer.position() % 4 != 0) {
            buffer.put((byte) 0);
        }
    }

    /** The finished message with its length and sequence number filled in. */
    byte[] build(int sequence) {
        pad();
        int length = buffer.position();
        buffer.putInt(0, length);
        buffer.putInt(8, sequence);
        byte[] bytes = new byte[length];
        buffer.get(0, bytes);
        return bytes;
    }
}
