package org.sagent.netlink.packet;

import java.net.Inet4Address;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sagent.netlink.Errno;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.NativeSocket;
import org.sagent.netlink.NetlinkException;
import org.sagent.netlink.route.Link;

/**
 * ICMP echo (ping) from one address on one interface, where only a reply to our own request
 * counts. Each request carries a fresh random identifier, sequence number and 32-byte payload;
 * a reply counts only if it comes from the host asked, on this interface, to this address,
 * before the timeout, and carries all three back exactly. An ARP reply carries no nonce, so it
 * proves nothing about whom it answers; a forged or replayed echo reply would have to guess 256
 * random bits.
 *
 * <p>A raw IPPROTO_ICMP socket (CAP_NET_RAW): the kernel adds the IP header and resolves the
 * neighbour. It is bound to the interface (SO_BINDTODEVICE) and to the source address, so the
 * requests leave there and the kernel hands over only datagrams that arrived there for that
 * address; an ICMP filter drops every type but echo replies. Not thread-safe: one per thread.
 */
public final class EchoChannel implements AutoCloseable {

    static final int SOL_RAW = 255;
    static final int ICMP_FILTER = 1;
    static final int PAYLOAD = 32;
    /** Send failures that mean "cannot be reached from here now", not a broken node. */
    private static final Set<Integer> UNREACHABLE = Set.of(Errno.ENETUNREACH, Errno.EHOSTUNREACH, Errno.ENETDOWN,
            Errno.EADDRNOTAVAIL);

    private final NativeSocket socket;
    private final String interfaceName;
    private final Inet4Address source;
    private final SecureRandom random = new SecureRandom();
    private final byte[] buffer = new byte[2048];

    private EchoChannel(Link link, Inet4Address source) {
        this.interfaceName = link.name();
        this.source = source;
        this.socket = NativeSocket.open(LibCConstants.AF_INET, LibCConstants.SOCK_RAW, EchoPacket.IPPROTO_ICMP,
                "raw ICMP socket on " + link.name());
        try {
            byte[] name = (link.name() + "\0").getBytes(StandardCharsets.US_ASCII);
            socket.setOption(LibCConstants.SOL_SOCKET, LibCConstants.SO_BINDTODEVICE, name, "SO_BINDTODEVICE "
                    + link.name());
            // struct icmp_filter { __u32 data; }: a set bit drops that ICMP type.
            socket.setOption(SOL_RAW, ICMP_FILTER, ~(1 << EchoPacket.ECHO_REPLY), "ICMP_FILTER (echo replies only)");
            socket.bind(TcpTickle.sockaddr(source, 0), "to " + source.getHostAddress());
        } catch (RuntimeException e) {
            socket.close();
            throw e;
        }
    }

    /** A channel on {@code link} from {@code source}, which must be an address of this node. */
    public static EchoChannel open(Link link, Inet4Address source) {
        return new EchoChannel(link, source);
    }

    /** Asks every host in {@code targets} at once and waits at most {@code timeout} for all their replies. */
    public EchoRound ask(List<Inet4Address> targets, Duration timeout) {
        Map<Inet4Address, EchoPacket> requests = new LinkedHashMap<>();
        Map<Inet4Address, Echo> outcomes = new LinkedHashMap<>();
        long start = System.nanoTime();
        for (Inet4Address target : targets) {
            EchoPacket request = freshRequest();
            requests.put(target, request);
            byte[] message = request.encode();
            try {
                socket.send(message, message.length, TcpTickle.sockaddr(target, 0), "sending an echo request to "
                        + target.getHostAddress() + " from " + source.getHostAddress() + " on " + interfaceName);
            } catch (NetlinkException e) {
                if (!UNREACHABLE.contains(e.errno())) {
                    throw e;
                }
                outcomes.put(target, new Echo.Unsent(e.getMessage()));
            }
        }
        long deadline = start + timeout.toNanos();
        int unmatched = 0;
        long waiting = requests.keySet().stream().filter(t -> !outcomes.containsKey(t)).count();
        while (waiting > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            Optional<Integer> n = socket.receive(buffer, Duration.ofNanos(left), null);
            if (n.isEmpty()) {
                break;
            }
            Optional<Inet4Address> from = EchoPacket.sourceOf(buffer, n.get());
            if (from.isEmpty() || !requests.containsKey(from.get())) {
                continue; // an echo reply for this address from a host we did not ask: none of our business
            }
            Optional<EchoPacket.Received> reply = EchoPacket.decodeDatagram(buffer, n.get());
            if (reply.isPresent() && reply.get().echo().answers(requests.get(from.get()))) {
                if (!outcomes.containsKey(from.get())) {
                    outcomes.put(from.get(), new Echo.Answered(Duration.ofNanos(System.nanoTime() - start)));
                    waiting--;
                }
            } else {
                unmatched++;
            }
        }
        Map<Inet4Address, Echo> ordered = new LinkedHashMap<>();
        for (Inet4Address target : requests.keySet()) {
            ordered.put(target, outcomes.getOrDefault(target, new Echo.Silent(timeout)));
        }
        return new EchoRound(ordered, unmatched);
    }

    /** Asks one host; see {@link #ask(List, Duration)}. */
    public Echo ask(Inet4Address target, Duration timeout) {
        return ask(List.of(target), timeout).outcomes().get(target);
    }

    private EchoPacket freshRequest() {
        byte[] payload = new byte[PAYLOAD];
        random.nextBytes(payload);
        return new EchoPacket(EchoPacket.ECHO_REQUEST, random.nextInt(0x10000), random.nextInt(0x10000), payload);
    }

    @Override
    public void close() {
        socket.close();
    }

    @Override
    public String toString() {
        return "echo channel from " + source.getHostAddress() + " on " + interfaceName;
    }
}
