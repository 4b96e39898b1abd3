package org.sagent.netlink.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;
import org.sagent.netlink.packet.WitnessImpostor;

/**
 * ICMP echo where only a reply to our own request counts, on a real kernel: server b
 * (198.51.100.2) asks the client c (198.51.100.100), which stands for a witness; a
 * {@link WitnessImpostor} forges, replays and mangles replies. Each refusal is checked to have
 * seen the impostor's replies arrive (unmatched above zero), so it cannot pass for lack of them.
 */
class EchoChannelIT extends TwoServersAndAClient {

    private static final Duration READY = Duration.ofSeconds(20);
    private static final Pattern ROUND = Pattern.compile("answered=\\[([^]]*)] unmatched=(\\d+) .*");

    /** What one round found: who answered, and how many replies from those asked answered nothing. */
    private record Round(List<String> answered, int unmatched) {
    }

    private static Round round(DriverClient driver, String... targets) throws IOException, InterruptedException {
        String line = driver.one("echo eth1 198.51.100.2 500 " + String.join(" ", targets));
        Matcher m = ROUND.matcher(line);
        assertTrue(m.matches(), line);
        return new Round(m.group(1).isEmpty() ? List.of() : List.of(m.group(1).split(", ")),
                Integer.parseInt(m.group(2)));
    }

    private String mac(NetnsLab.Netns ns) {
        return lab.ip(ns, "-o", "link", "show", "eth1").stdout().replaceAll("(?s).*link/ether ([0-9a-f:]{17}).*", "$1");
    }

    private LabProcess impostor(NetnsLab.Netns ns, String... args) throws InterruptedException {
        LabProcess impostor = lab.startJava(ns, WitnessImpostor.class, args);
        impostor.awaitLine("ready"::equals, "'ready' from the impostor in " + ns.shortName(), READY);
        return impostor;
    }

    private static void tell(LabProcess process, String line) throws IOException {
        process.stdin().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.stdin().flush();
    }

    /** Tells the answering impostor its flaw and waits (bounded) until it says it took it. */
    private static void flaw(LabProcess impostor, String flaw) throws IOException, InterruptedException {
        String said = "flaw " + flaw;
        long before = impostor.stdout().stream().filter(said::equals).count();
        tell(impostor, said);
        long deadline = System.nanoTime() + READY.toNanos();
        while (impostor.stdout().stream().filter(said::equals).count() == before) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("the impostor never took the flaw " + flaw + ": " + impostor.stdout());
            }
            Thread.sleep(10);
        }
    }

    /** The witness's kernel stops answering pings (its address and ARP stay). */
    private void stopAnsweringPings(NetnsLab.Netns ns) {
        lab.exec(ns, "sysctl", "-q", "-w", "net.ipv4.icmp_echo_ignore_all=1").orFail("icmp_echo_ignore_all");
    }

    private void awaitNeighbour(NetnsLab.Netns ns, String address, String mac) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        String entry;
        while (!(entry = lab.ip(ns, "neigh", "show", address).stdout()).contains(mac)) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(ns.shortName() + "'s neighbour entry for " + address + " never pointed at "
                        + mac + ": " + entry);
            }
            Thread.sleep(50);
        }
    }

    @Test
    void hostsThatAnswerAreAnsweredAndEachRequestCarriesAFreshPayload() throws Exception {
        DriverClient driver = DriverClient.start(lab, b);
        List<Pcap.Packet> frames;
        try (Capture capture = Capture.start(lab, client, "eth1", "icmp and dst host 198.51.100.100")) {
            Round round = round(driver, "198.51.100.100", "198.51.100.1", "198.51.100.77");
            assertEquals(List.of("198.51.100.100", "198.51.100.1"), round.answered(), "198.51.100.77 is nobody");
            assertEquals(0, round.unmatched());
            assertEquals(List.of("198.51.100.100"), round(driver, "198.51.100.100").answered());
            frames = capture.stopAfter(2);
        }
        assertEquals(2, frames.size(), "one request to the client per round");
        byte[][] payloads = new byte[2][];
        for (int i = 0; i < 2; i++) {
            byte[] f = frames.get(i).bytes();
            assertEquals(0x0800, ByteBuffer.wrap(f, 12, 2).getShort() & 0xffff, "EtherType IPv4");
            assertEquals(1, f[23], "protocol ICMP");
            assertEquals("c6336402", HexFormat.of().formatHex(f, 26, 30), "from b's LAN address 198.51.100.2");
            assertEquals(8, f[34], "type: echo request");
            assertEquals(14 + 20 + 8 + 32, f.length, "a 32-byte payload");
            payloads[i] = Arrays.copyOfRange(f, 42, 74);
        }
        assertFalse(Arrays.equals(payloads[0], payloads[1]), "each request has a payload of its own");
        assertNotEquals(HexFormat.of().formatHex(frames.get(0).bytes(), 38, 42),
                HexFormat.of().formatHex(frames.get(1).bytes(), 38, 42), "and an identifier and sequence of their own");
    }

    @Test
    void aReplyWithAWrongPayloadIdentifierSequenceOrChecksumIsNoAnswer() throws Exception {
        DriverClient driver = DriverClient.start(lab, b);
        stopAnsweringPings(client);
        assertEquals(List.of(), round(driver, "198.51.100.100").answered(), "the client's kernel no longer answers");
        LabProcess witness = impostor(client, "answer", "eth1", "198.51.100.100", "60");
        // The impostor's faithful replies count: the flawed ones below fail for their flaw alone.
        assertEquals(List.of("198.51.100.100"), round(driver, "198.51.100.100").answered(), "a faithful reply");
        for (String flaw : List.of("payload", "identifier", "sequence", "checksum")) {
            flaw(witness, flaw);
            Round round = round(driver, "198.51.100.100");
            assertEquals(List.of(), round.answered(), "a reply with a wrong " + flaw);
            assertEquals(1, round.unmatched(), "the flawed reply arrived and was refused");
            witness.awaitLine(l -> l.startsWith("answered ") && l.endsWith(" " + flaw), "a reply with a wrong " + flaw,
                    READY);
        }
        flaw(witness, "none");
        assertEquals(List.of("198.51.100.100"), round(driver, "198.51.100.100").answered(), "faithful again");
    }

    @Test
    void forgedEchoAndArpRepliesForAWitnessThatIsGoneAreNoAnswer() throws Exception {
        DriverClient driver = DriverClient.start(lab, b);
        assertEquals(List.of("198.51.100.100"), round(driver, "198.51.100.100").answered());
        lab.ip(client, "link", "set", "eth1", "down"); // the real witness is gone
        LabProcess forger = impostor(a, "forge", "eth1", "198.51.100.100", "198.51.100.2", mac(b), "60");
        forger.awaitLine("forged 100"::equals, "a hundred forged replies", READY);
        // The forged ARP does what ARP lets it do: b's kernel sends the witness's traffic to a (once
        // its entry is older than the 1 s locktime), and an ARP liveness request takes a for the witness.
        awaitNeighbour(b, "198.51.100.100", mac(a));
        assertEquals("alive " + mac(a), driver.one("ping eth1 198.51.100.2 198.51.100.100 500"));

        Round round = round(driver, "198.51.100.100");
        assertEquals(List.of(), round.answered(), "forged replies answer no request");
        assertTrue(round.unmatched() > 0, "the forged replies reached the socket and were refused: " + round);
    }

    @Test
    void aGenuineReplyRecordedAndReplayedLaterIsNoAnswer() throws Exception {
        DriverClient driver = DriverClient.start(lab, b);
        LabProcess recorder = impostor(client, "record", "eth1", "198.51.100.100", "60");
        assertEquals(List.of("198.51.100.100"), round(driver, "198.51.100.100").answered(), "the witness answers");
        recorder.awaitLine("recorded 1"::equals, "the witness's reply recorded", READY);

        stopAnsweringPings(client);
        tell(recorder, "replay");
        recorder.awaitLine("replayed 100"::equals, "the recorded reply replayed a hundred times", READY);
        Round round = round(driver, "198.51.100.100");
        assertEquals(List.of(), round.answered(), "a replayed reply answers an earlier request, not this one");
        assertTrue(round.unmatched() > 0, "the replayed replies reached the socket and were refused: " + round);
    }
}
