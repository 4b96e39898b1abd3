package org.sagent.netlink.packet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.InetAddress;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class TcpTickleTest {

    @Test
    void anIpv4TickleMatchesAHandComputedHeader() throws Exception {
        byte[] segment = TcpTickle.segment(InetAddress.getByName("198.51.100.120"), 445,
                InetAddress.getByName("198.51.100.100"), 51234, 0, 0, TcpTickle.ACK, TcpTickle.WINDOW);
        // Ports 445, 51234; seq 0; ack 0; offset 5; ACK; window 1234; checksum; urgent 0.
        // Checksum by hand: pseudo-header c633+6478+c633+6464+0006+0014 = 0x2555c, header
        // 01bd+c822+5010+04d2 = 0x11ec1; total 0x3741d, folded 0x7420, complemented 0x8bdf.
        assertEquals("01bdc82200000000000000005010" + "04d2" + "8bdf" + "0000", HexFormat.of().formatHex(segment));
    }

    @Test
    void anIpv6TickleCarriesTheChecksumOverTheIpv6PseudoHeader() throws Exception {
        byte[] segment = TcpTickle.segment(InetAddress.getByName("2001:db8::120"), 445,
                InetAddress.getByName("2001:db8::7"), 51234, 0, 0, TcpTickle.ACK, TcpTickle.WINDOW);
        // 0x848a computed apart from this code: the RFC 8200 8.1 pseudo-header (source, destination,
        // 32-bit length 20, three zero bytes, next header 6) and the header, summed in 16-bit words.
        assertEquals("01bdc82200000000000000005010" + "04d2" + "848a" + "0000", HexFormat.of().formatHex(segment));
    }

    @Test
    void theChecksumOfAnyTickleVerifies() throws Exception {
        for (String[] pair : new String[][] {{"198.51.100.120", "203.0.113.7"}, {"2001:db8::120", "2001:db8::7"}}) {
            InetAddress source = InetAddress.getByName(pair[0]);
            InetAddress client = InetAddress.getByName(pair[1]);
            for (int port = 1; port < 65536; port += 997) {
                byte[] segment = TcpTickle.segment(source, 445, client, port, 0, 0, TcpTickle.ACK, TcpTickle.WINDOW);
                assertEquals(0, TcpTickle.checksum(source, client, segment),
                        "a segment carrying its right checksum sums to zero: " + HexFormat.of().formatHex(segment));
            }
        }
    }
}
