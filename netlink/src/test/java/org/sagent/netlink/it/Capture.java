package org.sagent.netlink.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;

/** tcpdump writing a pcap file inside a namespace: what really crossed the wire, independent of our code. */
final class Capture implements AutoCloseable {

    private final NetnsLab lab;
    private final NetnsLab.Netns ns;
    private final LabProcess tcpdump;
    private final Path file;

    private Capture(NetnsLab lab, NetnsLab.Netns ns, LabProcess tcpdump, Path file) {
        this.lab = lab;
        this.ns = ns;
        this.tcpdump = tcpdump;
        this.file = file;
    }

    static Capture start(NetnsLab lab, NetnsLab.Netns ns, String interfaceName, String filter) throws Exception {
        Path file = Files.createTempFile("sagent-capture", ".pcap");
        List<String> command = new ArrayList<>(List.of("tcpdump", "-Z", "root", "--immediate-mode", "-i", interfaceName, "-n", "-U", "-w",
                file.toString()));
        command.addAll(List.of(filter.split(" ")));
        LabProcess tcpdump = lab.start(ns, command.toArray(String[]::new));
        tcpdump.awaitErrorLine(l -> l.contains("listening on"), "'listening on' from tcpdump (apt-get install tcpdump)",
                Duration.ofSeconds(10));
        return new Capture(lab, ns, tcpdump, file);
    }

    /** Waits (bounded) until {@code count} frames are in the file, stops tcpdump and returns them all. */
    List<Pcap.Packet> stopAfter(int count) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (Pcap.read(file).size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        tcpdump.stop(Duration.ofSeconds(5));
        return Pcap.read(file);
    }

    /** tcpdump's own verbose decoding of the capture (it checks ICMPv6 checksums). */
    String decodedByTcpdump() {
        return lab.exec(ns, "tcpdump", "-n", "-vv", "-r", file.toString()).stdout();
    }

    @Override
    public void close() throws IOException {
        tcpdump.stop(Duration.ofSeconds(2));
        Files.deleteIfExists(file);
    }
}
