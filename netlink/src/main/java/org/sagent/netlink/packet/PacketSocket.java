package org.sagent.netlink.packet;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Duration;
import java.util.Optional;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.MacAddress;
import org.sagent.netlink.NativeSocket;
import org.sagent.netlink.WakeUp;

/**
 * An AF_PACKET socket bound to one interface and one EtherType: whole Ethernet frames in and out.
 * Frames the socket itself sent are not handed back. Not thread-safe: one user at a time.
 */
final class PacketSocket implements AutoCloseable {

    static final int ETH_P_ARP = 0x0806;
    static final int ETH_P_IPV6 = 0x86DD;
    private static final int PACKET_OUTGOING = 4;
    private static final int SOCKADDR_LL = 20;

    private final NativeSocket socket;
    private final int interfaceIndex;
    private final int etherType;
    private final byte[] buffer = new byte[2048];
    private final byte[] source = new byte[SOCKADDR_LL];

    /** A received frame: its bytes and the interface's view of who it was for. */
    record Frame(byte[] bytes, int length) {
        ByteBuffer buffer() {
            return ByteBuffer.wrap(bytes, 0, length).order(ByteOrder.BIG_ENDIAN);
        }
    }

    PacketSocket(int interfaceIndex, String interfaceName, int etherType) {
        this.interfaceIndex = interfaceIndex;
        this.etherType = etherType;
        // Protocol 0 at creation: nothing is queued until bind() names the interface and type.
        this.socket = NativeSocket.open(LibCConstants.AF_PACKET, LibCConstants.SOCK_RAW, 0,
                "packet socket on " + interfaceName + " (EtherType 0x" + Integer.toHexString(etherType) + ")");
        try {
            socket.bind(sockaddrLl(interfaceIndex, etherType, MacAddress.ZERO), "to " + interfaceName);
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** Receive every multicast frame too (IPv6 neighbour discovery uses solicited-node groups). */
    void acceptAllMulticast() {
        // struct packet_mreq { int mr_ifindex; unsigned short mr_type, mr_alen; unsigned char mr_address[8]; }
        byte[] request = ByteBuffer.allocate(16).order(ByteOrder.nativeOrder()).putInt(interfaceIndex)
                .putShort((short) LibCConstants.PACKET_MR_ALLMULTI).putShort((short) 0).array();
        socket.setOption(LibCConstants.SOL_PACKET, LibCConstants.PACKET_ADD_MEMBERSHIP, request, "PACKET_MR_ALLMULTI");
    }

    static byte[] sockaddrLl(int interfaceIndex, int etherType, MacAddress destination) {
        ByteBuffer address = ByteBuffer.allocate(SOCKADDR_LL).order(ByteOrder.nativeOrder());
        address.putShort((short) LibCConstants.AF_PACKET);
        address.order(ByteOrder.BIG_ENDIAN).putShort((short) etherType).order(ByteOrder.nativeOrder());
        address.putInt(interfaceIndex);
        address.putShort((short) 0); // hatype
        address.put((byte) 0); // pkttype
        address.put((byte) 6); // halen
        address.put(destination.bytes());
        return address.array();
    }

    void send(byte[] frame, MacAddress destination, String what) {
        socket.send(frame, frame.length, sockaddrLl(interfaceIndex, etherType, destination), what);
    }

    /** The next frame from someone else within {@code timeout}, or empty. */
    Optional<Frame> receive(Duration timeout) {
        return receive(timeout, null);
    }

    /** As {@link #receive(Duration)}, and empty at once when {@code wake} is signalled. */
    Optional<Frame> receive(Duration timeout, WakeUp wake) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            Optional<Integer> n = socket.receive(buffer, Duration.ofNanos(left), source, wake);
            if (n.isEmpty()) {
                return Optional.empty();
            }
            if (Byte.toUnsignedInt(source[10]) == PACKET_OUTGOING) {
                continue;
            }
            byte[] copy = new byte[n.get()];
            System.arraycopy(buffer, 0, copy, 0, n.get());
            return Optional.of(new Frame(copy, n.get()));
        }
    }

    @Override
    public void close() {
        socket.close();
    }
}
