package org.sagent.netlink.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.TcpHold;

/**
 * Client connections at a failover, on a real kernel: sock_diag lists and destroys the
 * connections on a public address (the client sees the reset at once), and a tickle ACK from
 * the new holder makes a client whose server vanished, or whose connection outlived a released
 * address, reset its connection now. The tickle
 * frame is captured on the client and its TCP checksum verified by our decoder and by tcpdump.
 */
class TcpConnectionsIT extends TwoServersAndAClient {

    /** The public address a holds when each test starts. */
    @BeforeEach
    void publicAddressOnA() {
        lab.address(a, "eth1", "198.51.100.120/24");
    }

    private LabProcess connectedClient() throws Exception {
        LabProcess server = lab.startJava(a, TcpHold.class, "server", "198.51.100.120", "4450");
        server.awaitLine("listening"::equals, "the server listening", Duration.ofSeconds(20));
        LabProcess holder = lab.startJava(client, TcpHold.class, "client", "198.51.100.120", "4450");
        holder.awaitLine(l -> l.startsWith("connected "), "the client connected", Duration.ofSeconds(20));
        return holder;
    }

    private static int clientPort(LabProcess holder) {
        return holder.stdout().stream().filter(l -> l.startsWith("connected ")).findFirst()
                .map(l -> Integer.parseInt(l.substring("connected ".length()))).orElseThrow();
    }

    @Test
    void theConnectionsOnAnAddressAreListedAndDestroyedAndTheClientSeesTheReset() throws Exception {
        LabProcess holder = connectedClient();
        int port = clientPort(holder);
        DriverClient driver = DriverClient.start(lab, a);
        assertEquals("conns 1 4450>198.51.100.100:" + port, driver.one("conns 198.51.100.120"));
        assertEquals("conns 0", driver.one("conns 198.51.100.1"), "only the connections on that address");
        long start = System.nanoTime();
        assertEquals("destroyed 1", driver.one("destroy 198.51.100.120"));
        holder.awaitLine("reset"::equals, "the client seeing the reset", Duration.ofSeconds(5));
        System.out.printf("client saw the reset %d ms after the destroy request%n", (System.nanoTime() - start) / 1_000_000);
        assertEquals("conns 0", driver.one("conns 198.51.100.120"));
        assertEquals("destroyed 0", driver.one("destroy 198.51.100.120"), "nothing left to destroy");
    }

    @Test
    void aTickleAckFromTheNewHolderResetsTheClientsDeadConnectionNow() throws Exception {
        LabProcess holder = connectedClient();
        int port = clientPort(holder);
        // a dies with the connection open; b takes the address over and announces it.
        lab.ip(a, "link", "set", "eth1", "down");
        lab.address(b, "eth1", "198.51.100.120/24");
        DriverClient driver = DriverClient.start(lab, b);
        driver.one("announce eth1 198.51.100.120 1 10 request");
        Thread.sleep(300); // time for a reset to reach the client, had anything sent one: nothing may have
        assertTrue(holder.stdout().stream().noneMatch(l -> l.equals("reset")), "nothing reset the client yet");

        try (Capture capture = Capture.start(lab, client, "eth1", "tcp and src host 198.51.100.120")) {
            long start = System.nanoTime();
            assertEquals("sent 2", driver.one("tickle 198.51.100.120 4450 198.51.100.100 " + port + " 2"));
            holder.awaitLine("reset"::equals, "the client resetting its dead connection", Duration.ofSeconds(5));
            System.out.printf("client reset %d ms after the tickle%n", (System.nanoTime() - start) / 1_000_000);

            List<Pcap.Packet> frames = capture.stopAfter(3);
            byte[] tickle = frames.get(0).bytes();
            ByteBuffer ip = ByteBuffer.wrap(tickle, 14, tickle.length - 14);
            assertEquals(0x45, ip.get(14) & 0xff, "IPv4, 20-byte header");
            assertEquals(6, ip.get(14 + 9) & 0xff, "TCP");
            byte[] segment = java.util.Arrays.copyOfRange(tickle, 34, 54);
            ByteBuffer tcp = ByteBuffer.wrap(segment);
            assertEquals(4450, tcp.getShort(0) & 0xffff);
            assertEquals(port, tcp.getShort(2) & 0xffff);
            assertEquals(0, tcp.getInt(4), "sequence 0");
            assertEquals(0, tcp.getInt(8), "acknowledgement 0");
            assertEquals(0x10, segment[13] & 0xff, "ACK only");
            assertArrayEquals(new byte[] {(byte) 198, 51, 100, 120}, java.util.Arrays.copyOfRange(tickle, 26, 30));
            int ones = checksumOverPseudoHeader(java.util.Arrays.copyOfRange(tickle, 26, 30),
                    java.util.Arrays.copyOfRange(tickle, 30, 34), segment);
            assertEquals(0xffff, ones, "the segment's checksum is right (sums to all ones)");
            String decoded = capture.decodedByTcpdump();
            assertTrue(decoded.contains("198.51.100.120.4450 > 198.51.100.100." + port + ": Flags [.]"), decoded);
            assertTrue(decoded.contains("(correct)"), "tcpdump verifies the checksum: " + decoded);
            // After the tickle: the client's answer drew the new holder's reset.
            assertTrue(decoded.contains("Flags [R]"), "b's kernel reset the client's connection: " + decoded);
        }
    }

    /**
     * A connection the old holder accepted after it reset the others and before its address was
     * gone, from a client waiting for the server's first answer (as smbclient waits for the
     * negotiation reply): the old holder still lists it, but its reset cannot leave once the
     * address is gone, and the client, with nothing to send, would wait for its own timeout. A
     * tickle ACK from the new holder ends it. What the agent does at a release (README, "Client connections").
     */
    @Test
    void aConnectionLeftWhenTheAddressGoesCanOnlyBeEndedByTheNewHoldersTickle() throws Exception {
        LabProcess holder = connectedClient();
        int port = clientPort(holder);
        lab.ip(a, "address", "del", "198.51.100.120/24", "dev", "eth1");
        DriverClient old = DriverClient.start(lab, a);
        assertEquals("conns 1 4450>198.51.100.100:" + port, old.one("conns 198.51.100.120"),
                "the connection outlives the address");
        assertEquals("destroyed 1", old.one("destroy 198.51.100.120"));
        Thread.sleep(1000); // time for the reset to reach the client, were it able to: it must not
        assertTrue(holder.stdout().stream().noneMatch(l -> l.equals("reset")),
                "a reset from an address the node no longer has does not reach the client: " + holder.stdout());

        lab.address(b, "eth1", "198.51.100.120/24");
        DriverClient taker = DriverClient.start(lab, b);
        taker.one("announce eth1 198.51.100.120 1 10 request");
        Thread.sleep(300); // the announcement alone must not end the connection
        assertTrue(holder.stdout().stream().noneMatch(l -> l.equals("reset")), "the client has nothing to send yet");
        long start = System.nanoTime();
        assertEquals("sent 1", taker.one("tickle 198.51.100.120 4450 198.51.100.100 " + port + " 1"));
        holder.awaitLine("reset"::equals, "the client resetting the stranded connection", Duration.ofSeconds(5));
        System.out.printf("stranded connection reset %d ms after the new holder's tickle%n",
                (System.nanoTime() - start) / 1_000_000);
    }

    /** One's-complement sum of pseudo-header and segment: 0xffff when the checksum inside is right. */
    private static int checksumOverPseudoHeader(byte[] source, byte[] destination, byte[] segment) {
        ByteBuffer all = ByteBuffer.allocate(12 + segment.length).put(source).put(destination).put((byte) 0)
                .put((byte) 6).putShort((short) segment.length).put(segment);
        long sum = 0;
        for (int i = 0; i < all.capacity(); i += 2) {
            sum += ((all.get(i) & 0xff) << 8) | (all.get(i + 1) & 0xff);
        }
        while ((sum >>> 16) != 0) {
            sum = (sum & 0xffff) + (sum >>> 16);
        }
        return (int) sum;
    }
}
