package org.sagent.agent.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;

/**
 * What a client sees: ping every 10 ms to one public address from the client namespace,
 * through its ordinary ARP cache. The outage is the longest gap between two answers.
 */
final class ClientProbe implements AutoCloseable {

    private static final Pattern REPLY = Pattern.compile("^\\[(\\d+)\\.(\\d{6})\\] \\d+ bytes from .*icmp_seq=(\\d+)");

    private final LabProcess ping;
    final String address;

    ClientProbe(NetnsLab lab, NetnsLab.Netns client, String address) {
        this.address = address;
        // -D timestamps each line, -O reports unanswered requests, -i 0.01 is 100 per second.
        this.ping = lab.start(client, "ping", "-D", "-O", "-n", "-i", "0.01", "-W", "1", address);
    }

    /** Wall-clock microseconds of every answer so far. */
    List<Long> answers() {
        List<Long> times = new ArrayList<>();
        for (String line : ping.stdout()) {
            Matcher m = REPLY.matcher(line);
            if (m.find()) {
                times.add(Long.parseLong(m.group(1)) * 1_000_000 + Long.parseLong(m.group(2)));
            }
        }
        return times;
    }

    /** The longest silence between two answers after {@code fromMicros} (0 when answers never stopped). */
    Duration longestGapAfter(long fromMicros) {
        List<Long> times = answers();
        long longest = 0;
        long previous = -1;
        for (long t : times) {
            if (t < fromMicros) {
                previous = t;
                continue;
            }
            if (previous >= 0) {
                longest = Math.max(longest, t - previous);
            }
            previous = t;
        }
        // Subtract the ping interval itself: back-to-back answers are no outage.
        return Duration.ofNanos(Math.max(0, longest - 10_000) * 1000);
    }

    static long nowMicros() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000 + now.getNano() / 1000;
    }

    @Override
    public void close() {
        ping.stop(Duration.ofSeconds(2));
    }
}
