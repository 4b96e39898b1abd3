package org.sagent.netlink.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.sagent.netlink.lab.NetnsLab;

/**
 * Benchmark, not a timed test: how long from the moment we ask the kernel for an address to
 * the moment the first gratuitous ARP is on the wire, seen by tcpdump in the neighbour's
 * namespace. Prints the figures; asserts only that every run was captured.
 */
class AddToAnnounceBenchmarkIT {

    private static final int RUNS = 20;

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @Test
    void printsTheTimeFromAddToFirstAnnouncement() throws Exception {
        NetnsLab.Netns a = lab.namespace("a");
        NetnsLab.Netns peer = lab.namespace("p");
        lab.veth(a, "eth1", peer, "eth1");
        lab.address(a, "eth1", "198.51.100.1/24");
        DriverClient driver = DriverClient.start(lab, a);
        List<Long> micros = new ArrayList<>();
        try (Capture capture = Capture.start(lab, peer, "eth1", "arp")) {
            List<Long> starts = new ArrayList<>();
            for (int i = 0; i < RUNS; i++) {
                String t0 = driver.one("add-announce eth1 198.51.100.120/24");
                starts.add(Long.parseLong(t0.substring(3)));
                assertEquals("deleted", driver.one("del eth1 198.51.100.120/24"));
            }
            List<Pcap.Packet> frames = capture.stopAfter(RUNS);
            assertEquals(RUNS, frames.size(), "one announcement per run on the wire");
            for (int i = 0; i < RUNS; i++) {
                micros.add(frames.get(i).timestampMicros() - starts.get(i));
            }
        }
        Collections.sort(micros);
        System.out.printf("add address -> first gratuitous ARP on the wire, %d runs: median %d us, p90 %d us, max %d us%n",
                RUNS, micros.get(RUNS / 2), micros.get(RUNS * 9 / 10), micros.get(RUNS - 1));
    }
}
