package org.sagent.netlink.packet;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.MacAddress;
import org.sagent.netlink.NativeSocket;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.RtNetlink;

/**
 * A LAN host that pretends to be a witness, for the namespace tests; run as its own process in
 * a namespace. It writes whole Ethernet frames, so it can put any address in them.
 * <ul>
 *   <li>{@code forge IFACE WITNESS VICTIM VICTIM_MAC SECONDS}: every 5 ms, an ARP reply "WITNESS is
 *       at my MAC" and an echo reply from WITNESS with a random identifier, sequence and payload,
 *       both to VICTIM: replies that answer nothing (the real witness may be gone).</li>
 *   <li>{@code record IFACE WITNESS SECONDS}: keeps every echo reply this host's kernel sends from
 *       WITNESS; after the line {@code replay} on standard input, sends them all again every 5 ms.</li>
 *   <li>{@code answer IFACE ADDRESS SECONDS}: answers echo requests to ADDRESS itself (its kernel must
 *       not: {@code net.ipv4.icmp_echo_ignore_all=1}), faithfully, or with the flaw named by a
 *       line {@code flaw payload|identifier|sequence|checksum|none} on standard input.</li>
 * </ul>
 * Prints "ready", then what it did ("forged N" and "replayed N" for the first and every hundredth
 * frame, "recorded N", "answered N FLAW" for each). Ends after SECONDS or when its standard input closes.
 */
public final class WitnessImpostor {

    private static final int ETH_P_ALL = 0x0003;
    private static final int ETH_P_IP = 0x0800;
    private static final int PACKET_HOST = 0;
    private static final int PACKET_OUTGOING = 4;
    private static final Duration PACE = Duration.ofMillis(5);

    private final Link link;
    private final MacAddress mac;
    private final long deadline;
    private final SecureRandom random = new SecureRandom();
    private volatile String command = "";
    private volatile boolean inputOpen = true;

    private WitnessImpostor(Link link, Duration lifetime) {
        this.link = link;
        this.mac = link.mac().orElseThrow();
        this.deadline = System.nanoTime() + lifetime.toNanos();
    }

    public static void main(String[] args) throws Exception {
        Link link;
        try (RtNetlink rt = RtNetlink.open()) {
            link = rt.requireLink(args[1]);
        }
        Duration lifetime = Duration.ofSeconds(Long.parseLong(args[args.length - 1]));
        WitnessImpostor impostor = new WitnessImpostor(link, lifetime);
        impostor.readCommands();
        switch (args[0]) {
            case "forge" -> impostor.forge(ipv4(args[2]), ipv4(args[3]), MacAddress.parse(args[4]));
            case "record" -> impostor.recordThenReplay(ipv4(args[2]));
            case "answer" -> impostor.answer(ipv4(args[2]));
            default -> throw new IllegalArgumentException("forge, record or answer, not " + args[0]);
        }
        System.exit(0);
    }

    private void readCommands() {
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    command = line.strip();
                }
            } catch (java.io.IOException e) {
                // the test went away
            }
            inputOpen = false;
        }, "impostor-stdin");
        reader.setDaemon(true);
        reader.start();
    }

    private boolean going() {
        return inputOpen && System.nanoTime() < deadline;
    }

    private void forge(Inet4Address witness, Inet4Address victim, MacAddress victimMac) {
        try (PacketSocket arp = new PacketSocket(link.index(), link.name(), PacketSocket.ETH_P_ARP);
             PacketSocket ip = new PacketSocket(link.index(), link.name(), ETH_P_IP)) {
            say("ready");
            int forged = 0;
            while (going()) {
                arp.send(new ArpPacket(victimMac, mac, ArpPacket.REPLY, mac, witness, victimMac, victim).encode(),
                        victimMac, "a forged ARP reply");
                byte[] payload = new byte[EchoChannel.PAYLOAD];
                random.nextBytes(payload);
                EchoPacket reply = new EchoPacket(EchoPacket.ECHO_REPLY, random.nextInt(0x10000),
                        random.nextInt(0x10000), payload);
                ip.send(frame(victimMac, mac, witness, victim, reply.encode()), victimMac, "a forged echo reply");
                if (++forged == 1 || forged % 100 == 0) {
                    say("forged " + forged);
                }
                ArpChannel.sleep(PACE);
            }
        }
    }

    private void recordThenReplay(Inet4Address witness) {
        List<byte[]> recorded = new ArrayList<>();
        try (NativeSocket capture = capture(ETH_P_ALL); // a socket bound to one protocol sees no outgoing frame
             PacketSocket out = new PacketSocket(link.index(), link.name(), ETH_P_IP)) {
            say("ready");
            while (going() && !command.equals("replay")) {
                Optional<byte[]> frame = receive(capture, PACKET_OUTGOING);
                frame.flatMap(f -> echoIn(f).filter(r -> r.source().equals(witness)
                        && r.echo().type() == EchoPacket.ECHO_REPLY).map(r -> f)).ifPresent(f -> {
                            recorded.add(f);
                            say("recorded " + recorded.size());
                        });
            }
            int replayed = 0;
            while (going() && !recorded.isEmpty()) {
                for (byte[] f : recorded) {
                    out.send(f, MacAddress.of(Arrays.copyOfRange(f, 0, 6)), "a replayed echo reply");
                    if (++replayed == 1 || replayed % 100 == 0) {
                        say("replayed " + replayed);
                    }
                }
                ArpChannel.sleep(PACE);
            }
        }
    }

    private void answer(Inet4Address address) {
        try (NativeSocket capture = capture(ETH_P_IP);
             PacketSocket out = new PacketSocket(link.index(), link.name(), ETH_P_IP)) {
            say("ready");
            int answered = 0;
            String flawSaid = "";
            while (going()) {
                String flaw = command.startsWith("flaw ") ? command.substring(5) : "none";
                if (!flaw.equals(flawSaid)) {
                    say("flaw " + flaw);
                    flawSaid = flaw;
                }
                Optional<byte[]> frame = receive(capture, PACKET_HOST);
                Optional<EchoPacket.Received> request = frame.flatMap(WitnessImpostor::echoIn).filter(r ->
                        r.destination().equals(address) && r.echo().type() == EchoPacket.ECHO_REQUEST);
                if (request.isEmpty()) {
                    continue;
                }
                MacAddress asker = MacAddress.of(Arrays.copyOfRange(frame.get(), 6, 12));
                out.send(frame(asker, mac, address, request.get().source(), flawed(request.get().echo(), flaw)), asker,
                        "an echo reply");
                say("answered " + ++answered + " " + flaw);
            }
        }
    }

    /** The reply to {@code request}, with {@code flaw}. */
    private static byte[] flawed(EchoPacket request, String flaw) {
        byte[] payload = request.payload();
        int identifier = request.identifier();
        int sequence = request.sequence();
        switch (flaw) {
            case "payload" -> payload[0] ^= 1;
            case "identifier" -> identifier ^= 1;
            case "sequence" -> sequence ^= 1;
            case "none", "checksum" -> {
            }
            default -> throw new IllegalArgumentException("no such flaw: " + flaw);
        }
        byte[] message = new EchoPacket(EchoPacket.ECHO_REPLY, identifier, sequence, payload).encode();
        if (flaw.equals("checksum")) {
            message[3] ^= 1;
        }
        return message;
    }

    private NativeSocket capture(int etherType) {
        NativeSocket socket = NativeSocket.open(LibCConstants.AF_PACKET, LibCConstants.SOCK_RAW, 0,
                "capture on " + link.name());
        socket.bind(PacketSocket.sockaddrLl(link.index(), etherType, MacAddress.ZERO), "to " + link.name());
        return socket;
    }

    /** The next frame of the given packet type within 50 ms, or empty. */
    private static Optional<byte[]> receive(NativeSocket socket, int packetType) {
        byte[] buffer = new byte[2048];
        byte[] from = new byte[20];
        Optional<Integer> n = socket.receive(buffer, Duration.ofMillis(50), from);
        if (n.isEmpty() || Byte.toUnsignedInt(from[10]) != packetType) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOf(buffer, n.get()));
    }

    private static Optional<EchoPacket.Received> echoIn(byte[] frame) {
        if (frame.length < 34 || ByteBuffer.wrap(frame, 12, 2).getShort() != ETH_P_IP) {
            return Optional.empty();
        }
        byte[] datagram = Arrays.copyOfRange(frame, 14, frame.length);
        return EchoPacket.decodeDatagram(datagram, datagram.length);
    }

    /** An Ethernet frame carrying an IPv4 datagram with {@code icmp}, its header checksum computed. */
    private byte[] frame(MacAddress to, MacAddress from, Inet4Address source, Inet4Address destination, byte[] icmp) {
        ByteBuffer ip = ByteBuffer.allocate(20 + icmp.length);
        ip.put((byte) 0x45).put((byte) 0).putShort((short) (20 + icmp.length)).putShort((short) random.nextInt(0x10000))
                .putShort((short) 0x4000).put((byte) 64).put((byte) EchoPacket.IPPROTO_ICMP).putShort((short) 0)
                .put(source.getAddress()).put(destination.getAddress()).put(icmp);
        byte[] datagram = ip.array();
        int checksum = InternetChecksum.of(datagram, 0, 20);
        datagram[10] = (byte) (checksum >>> 8);
        datagram[11] = (byte) checksum;
        return ByteBuffer.allocate(14 + datagram.length).put(to.bytes()).put(from.bytes()).putShort((short) ETH_P_IP)
                .put(datagram).array();
    }

    private static Inet4Address ipv4(String text) throws java.net.UnknownHostException {
        return (Inet4Address) InetAddress.getByName(text);
    }

    private static synchronized void say(String line) {
        System.out.println(line);
        System.out.flush();
    }
}
