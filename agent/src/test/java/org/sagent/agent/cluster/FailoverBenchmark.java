package org.sagent.agent.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Isolated;
import org.sagent.netlink.lab.NetnsLab;

/**
 * The failover benchmark: sagent (default and fast profiles) and keepalived (default and fast
 * VRRP timers) on the same namespace cluster, the same faults, the same client, in one run.
 * Not part of {@code mvn verify}: {@code bench/run.sh} runs it (README, "Benchmarks"). It prints
 * and writes figures; it asserts only that the run itself worked.
 *
 * <p>Per repetition and scenario the client pings both public addresses every 10 ms through its
 * ordinary ARP cache; the outage is the longest silence on either address from the fault until
 * the cluster is back in the scenario's end state. A sampler reads both servers' addresses every
 * ~10 ms and adds up the time two servers could answer for one address.
 */
@Isolated // alone, not beside another cluster test: it measures outages
class FailoverBenchmark {

    static final String SAGENT_DEFAULT = "sagent default";
    static final String SAGENT_FAST = "sagent fast";
    static final String KEEPALIVED_DEFAULT = "keepalived default";
    static final String KEEPALIVED_FAST = "keepalived fast";
    static final List<String> CONTENDERS = List.of(SAGENT_DEFAULT, SAGENT_FAST, KEEPALIVED_DEFAULT, KEEPALIVED_FAST);
    static final Map<String, String> BASELINE = Map.of(SAGENT_DEFAULT, KEEPALIVED_DEFAULT, SAGENT_FAST,
            KEEPALIVED_FAST);

    static final String POWER_LOSS = "power loss";
    static final String FAILBACK = "failback";
    static final String GRACEFUL_STOP = "graceful stop";
    static final String LAN_DOWN = "holder's LAN link down";
    static final String REPLICATION_CUT = "replication link cut";
    static final String RESTART = "agent restart";
    static final List<String> SCENARIOS = List.of(POWER_LOSS, FAILBACK, GRACEFUL_STOP, LAN_DOWN, REPLICATION_CUT,
            RESTART);

    private static final Duration END_STATE = Duration.ofSeconds(60);
    private static final Duration SPLIT_HELD = Duration.ofSeconds(5);
    /** A JVM compiles for its first tens of seconds: idle is measured after this, for IDLE_WINDOW. */
    private static final Duration WARM_UP = Duration.ofSeconds(30);
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(30);
    private static final Set<String> FIRST = Set.of(ClusterLab.PUBLIC_0);
    private static final Set<String> SECOND = Set.of(ClusterLab.PUBLIC_1);
    private static final Set<String> BOTH = Set.of(ClusterLab.PUBLIC_0, ClusterLab.PUBLIC_1);

    private final BenchmarkReport report = new BenchmarkReport();
    private final int repetitions = Integer.getInteger("bench.repetitions", 10);
    private final List<String> contenders = listProperty("bench.contenders", CONTENDERS);
    private final List<String> scenarios = listProperty("bench.scenarios", SCENARIOS);
    private final Path output = Path.of(System.getProperty("bench.output", "target/benchmarks")).toAbsolutePath();

    @Test
    void outageSideBySide() throws Exception {
        NetnsLab.requireRoot();
        if (contenders.stream().anyMatch(c -> c.startsWith("keepalived")) && !onPath("keepalived")) {
            Assumptions.abort("keepalived is not installed (apt-get install keepalived; bench/run.sh does it)");
        }
        Files.createDirectories(output);
        Path jar = runnableJar();
        for (String name : contenders) {
            try (NetnsLab lab = new NetnsLab()) {
                Path dir = Files.createTempDirectory("sagent-bench-");
                boolean fast = name.endsWith("fast");
                ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto", fast);
                Contender contender;
                if (name.startsWith("sagent")) {
                    cluster.useLauncher(Path.of("../packaging/src/deb/bin/sagent").toAbsolutePath(), jar);
                    cluster.useDefaultHealthTimings();
                    contender = Contender.sagent(name, cluster);
                } else {
                    contender = Contender.keepalived(name, cluster, fast);
                }
                try {
                    run(contender);
                } finally {
                    keepLogs(contender);
                }
            }
        }
        String table = report.markdown(contenders, scenarios, BASELINE);
        System.out.println(table);
        Files.writeString(output.resolve("results.md"), table);
        Files.writeString(output.resolve("samples.csv"), report.csv());
        OutageChart.write(report, contenders, scenarios, output.resolve("outage.png"));
        String docs = System.getProperty("bench.docs");
        if (docs != null) {
            BenchmarkDocs.update(Path.of(docs), table, machine(), System.getProperty("bench.command", "bench/run.sh"),
                    output);
        }
        if (report.samples().isEmpty()) {
            throw new AssertionError("no repetition completed: " + report.failures());
        }
    }

    private void run(Contender contender) throws Exception {
        ClusterLab cluster = contender.cluster();
        if (contender.name().startsWith("sagent")) {
            // As on a server that has run the agent before: the first run leaves the JVM's class
            // archive (the launcher's), which every later start maps. Measured: the starts after.
            contender.start("s0");
            contender.start("s1");
            awaitHomes(cluster);
            cluster.awaitJoined(List.of("s0", "s1"));
            contender.gracefulStop("s0");
            contender.gracefulStop("s1");
        }
        long started = System.nanoTime();
        contender.start("s0");
        contender.start("s1");
        awaitHomes(cluster);
        long serving = Duration.ofNanos(System.nanoTime() - started).toMillis();
        Thread.sleep(WARM_UP.toMillis());
        report.add(footprint(contender, serving));
        System.out.printf("%s: serving %d ms after start%n", contender.name(), serving);
        try (HolderSampler sampler = new HolderSampler(cluster)) {
            for (int rep = 1; rep <= repetitions; rep++) {
                for (String scenario : scenarios) {
                    if (scenario.equals(FAILBACK) && scenarios.contains(POWER_LOSS)) {
                        continue; // measured as the second half of the power-loss round
                    }
                    try {
                        runScenario(contender, scenario, sampler);
                    } catch (AssertionError | RuntimeException e) {
                        report.add(new BenchmarkReport.Failure(contender.name(), scenario,
                                firstLine(e.getMessage())));
                        System.out.printf("%s, %s, round %d failed: %s%n", contender.name(), scenario, rep,
                                e.getMessage());
                        recover(contender);
                    }
                }
            }
        }
    }

    private void runScenario(Contender contender, String scenario, HolderSampler sampler) throws Exception {
        ClusterLab cluster = contender.cluster();
        awaitHomes(cluster);
        cluster.await(contender::settled, END_STATE, contender.name() + " settled after the previous round");
        Thread.sleep(1000); // a quiet second before the fault, so the round's samples start from calm
        try (Round round = new Round(contender, scenario, sampler)) {
            switch (scenario) {
                case POWER_LOSS -> {
                    contender.powerLoss("s0");
                    cluster.await(() -> cluster.answering("s1").equals(BOTH), END_STATE, "s1 serving both addresses");
                    round.finish();
                    if (scenarios.contains(FAILBACK)) {
                        try (Round back = new Round(contender, FAILBACK, sampler)) {
                            cluster.powerOn("s0");
                            contender.start("s0");
                            awaitHomes(cluster);
                            back.finish();
                        }
                    } else {
                        cluster.powerOn("s0");
                        contender.start("s0");
                    }
                }
                case FAILBACK -> {
                    contender.gracefulStop("s0");
                    cluster.await(() -> cluster.answering("s1").equals(BOTH), END_STATE, "s1 serving both addresses");
                    round.restart();
                    contender.start("s0");
                    awaitHomes(cluster);
                    round.finish();
                }
                case GRACEFUL_STOP -> {
                    contender.gracefulStop("s0");
                    cluster.await(() -> cluster.answering("s1").equals(BOTH), END_STATE, "s1 serving both addresses");
                    round.finish();
                    contender.start("s0");
                }
                case LAN_DOWN -> {
                    cluster.lanCable("s0", false);
                    cluster.await(() -> cluster.answering("s1").equals(BOTH), END_STATE, "s1 serving both addresses");
                    round.finish();
                    cluster.lanCable("s0", true);
                }
                case REPLICATION_CUT -> {
                    cluster.lab.ip(cluster.servers.get("s0"), "link", "set", "eth0", "down");
                    Thread.sleep(SPLIT_HELD.toMillis());
                    cluster.lab.ip(cluster.servers.get("s0"), "link", "set", "eth0", "up");
                    awaitHomes(cluster);
                    round.finish();
                }
                case RESTART -> {
                    contender.gracefulStop("s0");
                    contender.start("s0");
                    awaitHomes(cluster);
                    round.finish();
                }
                default -> throw new IllegalArgumentException("unknown scenario " + scenario);
            }
        }
    }

    /**
     * One measured round: probes on both addresses, the fault instant, the sampler's duplicate
     * time at the start. {@link #finish()} waits until both addresses answer again and records.
     */
    private final class Round implements AutoCloseable {
        private final Contender contender;
        private final String scenario;
        private final HolderSampler sampler;
        private final List<ClientProbe> probes = new ArrayList<>();
        private long fault;
        private long duplicateBefore;

        Round(Contender contender, String scenario, HolderSampler sampler) throws InterruptedException {
            this.contender = contender;
            this.scenario = scenario;
            this.sampler = sampler;
            ClusterLab cluster = contender.cluster();
            for (String address : List.of(ClusterLab.PUBLIC_0, ClusterLab.PUBLIC_1)) {
                probes.add(new ClientProbe(cluster.lab, cluster.client, address));
            }
            long from = ClientProbe.nowMicros();
            cluster.await(() -> probes.stream().allMatch(p -> p.answers().stream().filter(t -> t > from).count() >= 10),
                    Duration.ofSeconds(10), "the client reaching both addresses before the fault");
            restart();
        }

        /** The fault starts now (after a preparation that is not part of the measurement). */
        void restart() {
            fault = ClientProbe.nowMicros();
            duplicateBefore = sampler.duplicateTime().toMillis();
        }

        void finish() throws InterruptedException {
            long reached = ClientProbe.nowMicros();
            contender.cluster().await(() -> probes.stream().allMatch(
                    p -> p.answers().stream().anyMatch(t -> t > reached + 50_000)), Duration.ofSeconds(10),
                    "the client reaching both addresses again");
            long outage = probes.stream().mapToLong(p -> p.longestGapAfter(fault).toMillis()).max().orElseThrow();
            long duplicate = sampler.duplicateTime().toMillis() - duplicateBefore;
            report.add(new BenchmarkReport.Sample(contender.name(), scenario, outage, duplicate));
            System.out.printf("%s, %s: outage %d ms, duplicate %d ms%n", contender.name(), scenario, outage,
                    duplicate);
        }

        @Override
        public void close() {
            probes.forEach(ClientProbe::close);
        }
    }

    /** Each server's log of the run, next to the figures, for whoever wants to know why. */
    private void keepLogs(Contender contender) throws IOException {
        String slug = contender.name().replace(' ', '-');
        for (String node : List.of("s0", "s1")) {
            List<String> lines = contender instanceof Contender.Keepalived keepalived ? keepalived.log(node)
                    : contender.cluster().agents.containsKey(node) ? contender.cluster().log(node) : List.of();
            Files.write(output.resolve(slug + "-" + node + ".log"), lines);
        }
    }

    private static void awaitHomes(ClusterLab cluster) throws InterruptedException {
        cluster.await(() -> cluster.answering("s0").equals(FIRST) && cluster.answering("s1").equals(SECOND), END_STATE,
                "each server serving its home address");
    }

    /** After a failed round: everything back to a known start, or the contender is given up. */
    private void recover(Contender contender) throws Exception {
        ClusterLab cluster = contender.cluster();
        for (String node : List.of("s0", "s1")) {
            try {
                contender.gracefulStop(node);
            } catch (Exception | AssertionError e) {
                // already stopped
            }
            cluster.lanCable(node, true);
            cluster.powerOn(node);
        }
        contender.start("s0");
        contender.start("s1");
        awaitHomes(cluster);
    }

    private BenchmarkReport.Footprint footprint(Contender contender, long serving) throws Exception {
        Map<Long, Long> before = new LinkedHashMap<>();
        List<Long> pids = new ArrayList<>();
        for (String node : List.of("s0", "s1")) {
            pids.addAll(contender.pids(node));
        }
        for (long pid : pids) {
            before.put(pid, cpuTicks(pid));
        }
        long start = System.nanoTime();
        Thread.sleep(IDLE_WINDOW.toMillis());
        double seconds = (System.nanoTime() - start) / 1e9;
        long ticks = 0;
        long rss = 0;
        for (long pid : pids) {
            ticks += cpuTicks(pid) - before.get(pid);
            rss += rssKib(pid);
        }
        // Per node: two nodes ran. Clock ticks are 1/100 s on Linux (USER_HZ).
        double cpuPercent = ticks / 100.0 / seconds * 100 / 2;
        return new BenchmarkReport.Footprint(contender.name(), serving, rss / 2, cpuPercent);
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // The command name may hold spaces: fields are counted after its closing parenthesis.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
    }

    private static long rssKib(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream().filter(l -> l.startsWith("VmRSS:"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", ""))).findFirst().orElse(0L);
    }

    /** The runnable jar `mvn package` made, which the packaged launcher runs. */
    static Path runnableJar() throws IOException {
        try (var files = Files.list(Path.of("target"))) {
            return files.filter(p -> p.getFileName().toString().matches("sagent-agent-.*-all\\.jar")).findFirst()
                    .orElseThrow(() -> new IllegalStateException("no runnable jar in agent/target: run mvn package"))
                    .toAbsolutePath();
        }
    }

    /** Where the figures came from: enough to tell two machines apart. */
    static String machine() throws IOException {
        String cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                .map(l -> l.replaceAll("^[^:]*:\\s*", "")).findFirst().orElse("unknown CPU");
        String memory = Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                .map(l -> Long.parseLong(l.replaceAll("\\D", "")) / 1024 / 1024 + " GiB").findFirst().orElse("?");
        String keepalived = onPath("keepalived") ? firstLine(output("keepalived", "--version")) : "no keepalived";
        return String.format("%s, %d cores, %s RAM; Linux %s; Java %s; %s; run %s", cpu,
                Runtime.getRuntime().availableProcessors(), memory, System.getProperty("os.version"),
                System.getProperty("java.version"), keepalived,
                ZonedDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm z")));
    }

    private static String output(String... command) throws IOException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var in = process.getInputStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    private static boolean onPath(String command) {
        return Arrays.stream(System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":"))
                .anyMatch(d -> Files.isExecutable(Path.of(d, command)))
                || Files.isExecutable(Path.of("/usr/sbin", command));
    }

    private static List<String> listProperty(String name, List<String> all) {
        String value = System.getProperty(name);
        if (value == null || value.isBlank()) {
            return all;
        }
        List<String> chosen = Arrays.stream(value.split(",")).map(String::strip).toList();
        for (String c : chosen) {
            if (!all.contains(c)) {
                throw new IllegalArgumentException(name + ": unknown '" + c + "'; choose from " + all);
            }
        }
        return chosen;
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }
}
