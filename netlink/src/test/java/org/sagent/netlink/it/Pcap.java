package org.sagent.netlink.it;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Reads the classic pcap files tcpdump writes: the tests decode what really went on the wire. */
final class Pcap {

    record Packet(long timestampMicros, byte[] bytes) {
    }

    private Pcap() {
    }

    static List<Packet> read(Path file) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(Files.readAllBytes(file));
        if (in.remaining() < 24) {
            return List.of();
        }
        int magic = in.order(ByteOrder.LITTLE_ENDIAN).getInt(0);
        if (magic == 0xa1b2c3d4) {
            in.order(ByteOrder.LITTLE_ENDIAN);
        } else if (Integer.reverseBytes(magic) == 0xa1b2c3d4) {
            in.order(ByteOrder.BIG_ENDIAN);
        } else {
            throw new IOException(file + " is not a microsecond pcap file (magic 0x" + Integer.toHexString(magic) + ")");
        }
        in.position(24);
        List<Packet> packets = new ArrayList<>();
        while (in.remaining() >= 16) {
            long seconds = Integer.toUnsignedLong(in.getInt());
            long micros = Integer.toUnsignedLong(in.getInt());
            int captured = in.getInt();
            in.getInt(); // original length
            if (captured < 0 || captured > in.remaining()) {
                break; // tcpdump was stopped mid-write
            }
            byte[] bytes = new byte[captured];
            in.get(bytes);
            packets.add(new Packet(seconds * 1_000_000 + micros, bytes));
        }
        return packets;
    }
}
