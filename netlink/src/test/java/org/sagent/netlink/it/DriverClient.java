package org.sagent.netlink.it;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;

/** Talks to a {@link NetlinkDriver} running in a namespace: one command, its answer lines. */
final class DriverClient {

    private static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(20);

    private final LabProcess process;
    private int cursor;

    private DriverClient(LabProcess process) {
        this.process = process;
    }

    static DriverClient start(NetnsLab lab, NetnsLab.Netns ns) throws InterruptedException {
        DriverClient client = new DriverClient(lab.startJava(ns, NetlinkDriver.class));
        client.process.awaitLine("ready"::equals, "'ready' from the netlink driver in " + ns.shortName(), ANSWER_TIMEOUT);
        return client;
    }

    /** Sends one command; returns its answer lines (without events and the final "."). */
    List<String> call(String command) throws IOException, InterruptedException {
        process.stdin().write((command + "\n").getBytes(StandardCharsets.UTF_8));
        process.stdin().flush();
        long deadline = System.nanoTime() + ANSWER_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            List<String> lines = process.stdout();
            List<String> answer = new ArrayList<>();
            for (int i = cursor; i < lines.size(); i++) {
                String line = lines.get(i);
                if (line.equals(".")) {
                    cursor = i + 1;
                    return answer;
                }
                if (!line.startsWith("event ") && !line.startsWith("conflict ") && !line.equals("ready")) {
                    answer.add(line);
                }
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no answer to '" + command + "' within " + ANSWER_TIMEOUT.toMillis() + " ms; stderr "
                + process.stderr());
    }

    /** The single-line answer to {@code command}. */
    String one(String command) throws IOException, InterruptedException {
        List<String> answer = call(command);
        if (answer.size() != 1) {
            throw new AssertionError("'" + command + "' answered " + answer);
        }
        return answer.get(0);
    }

    /** Waits for an asynchronous line (event or conflict) that matches. */
    String awaitAsync(Predicate<String> wanted, String what, Duration timeout) throws InterruptedException {
        return process.awaitLine(wanted, what, timeout);
    }

    List<String> output() {
        return process.stdout();
    }
}
