package org.sagent.agent.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.sagent.netlink.lab.NetnsLab;

/**
 * A shorter default must not buy false failovers: two agents started through the packaged
 * launcher (default timings, or the README's fast profile), every core of the machine kept busy
 * by twice as many spinning threads for {@code soak.minutes} (10 by default), a client pinging
 * both public addresses. Nothing may move: no address taken or released, no peer taken for
 * dead, no membership change, no arbitration, seen either in the kernel (sampled every 100 ms) or
 * in the agents' logs. Not part of {@code mvn verify} (it lasts minutes): {@code bench/soak.sh}
 * runs it; the figures go to docs/benchmarks.md.
 */
class LoadSoak {

    private static final Duration MINUTES = Duration.ofMinutes(Long.getLong("soak.minutes", 10));
    private static final boolean FAST = Boolean.getBoolean("soak.fast");
    private static final int BURNERS = Integer.getInteger("soak.burners", 2 * Runtime.getRuntime().availableProcessors());
    private static final Duration SAMPLING = Duration.ofMillis(100);
    /** What an agent logs when it acts on a peer or an address; none of it may appear under load alone. */
    private static final Pattern ACTED = Pattern.compile(
            "\\b(took|released) \\S+|taken for dead|membership: |arbitration begins|stood down|suspect");

    @Test
    void nothingMovesWhileEveryCoreIsBusy() throws Exception {
        NetnsLab.requireRoot();
        try (NetnsLab lab = new NetnsLab()) {
            Path dir = Files.createTempDirectory("sagent-soak-");
            ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto", FAST);
            cluster.useLauncher(Path.of("../packaging/src/deb/bin/sagent").toAbsolutePath(),
                    FailoverBenchmark.runnableJar());
            cluster.useDefaultHealthTimings();
            cluster.twoNodesHome();
            Map<String, Integer> logFrom = new LinkedHashMap<>();
            cluster.agents.forEach((node, agent) -> logFrom.put(node, agent.stderr().size()));

            long startMicros = ClientProbe.nowMicros();
            long start = System.nanoTime();
            long deadline = start + MINUTES.toNanos();
            int samples = 0;
            List<String> moves = new ArrayList<>();
            String loadAverages = "";
            try (CpuBurners burners = new CpuBurners(BURNERS);
                    ClientProbe first = new ClientProbe(lab, cluster.client, ClusterLab.PUBLIC_0);
                    ClientProbe second = new ClientProbe(lab, cluster.client, ClusterLab.PUBLIC_1)) {
                long nextLoadReading = start;
                while (System.nanoTime() < deadline && moves.size() < 20) {
                    Map<String, Set<String>> held = cluster.heldEverywhere();
                    samples++;
                    if (!held.get("s0").equals(ClusterLab.FIRST) || !held.get("s1").equals(ClusterLab.SECOND)) {
                        moves.add((System.nanoTime() - start) / 1_000_000 + " ms: " + held);
                    }
                    if (System.nanoTime() >= nextLoadReading) {
                        loadAverages += " " + Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
                        nextLoadReading += Duration.ofMinutes(1).toNanos();
                    }
                    // The sampling period: time passes on purpose, to see that nothing happens.
                    Thread.sleep(SAMPLING.toMillis());
                }
                long seconds = (System.nanoTime() - start) / 1_000_000_000;
                List<String> acted = new ArrayList<>();
                cluster.agents.forEach((node, agent) -> {
                    List<String> lines = agent.stderr();
                    lines.subList(Math.min(logFrom.get(node), lines.size()), lines.size()).stream()
                            .filter(l -> ACTED.matcher(l).find()).forEach(l -> acted.add(node + ": " + l));
                });
                System.out.printf("soak (%s profile, %d spinning threads on %d cores, %d s): %d samples of both "
                                + "servers' addresses, %d off home; %d agent log lines acting; longest client gap "
                                + ".120 %d ms, .121 %d ms; load average each minute:%s%n",
                        FAST ? "fast" : "default", BURNERS, Runtime.getRuntime().availableProcessors(), seconds,
                        samples, moves.size(), acted.size(), first.longestGapAfter(startMicros).toMillis(),
                        second.longestGapAfter(startMicros).toMillis(), loadAverages);
                if (!moves.isEmpty() || !acted.isEmpty()) {
                    throw new AssertionError("under load alone something moved:\n" + String.join("\n", moves) + "\n"
                            + String.join("\n", acted) + cluster.logTails());
                }
            }
        }
    }
}
