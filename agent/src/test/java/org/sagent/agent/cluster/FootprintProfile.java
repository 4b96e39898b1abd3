package org.sagent.agent.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;

/**
 * Where sagent's footprint goes, on the benchmark's bed: two agents started through the
 * packaged launcher at the default timings, then for one node its start-up milestones, its
 * idle CPU per thread, the child processes it starts, its native memory by category and the
 * classes it loads. Not part of {@code mvn verify}: {@code bench/profile.sh} runs it and the
 * figures go to docs/benchmarks.md, "Where the cost goes".
 */
class FootprintProfile {

    private static final Duration SERVING = Duration.ofSeconds(60);
    /** As the benchmark: a JVM compiles for its first tens of seconds; idle is measured after. */
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("profile.warmUpSeconds", 30));
    private static final Duration IDLE_WINDOW = Duration.ofSeconds(Long.getLong("profile.idleSeconds", 60));
    /** strace stops the agent at every system call while attached: children are counted after the CPU window. */
    private static final Duration TRACE_WINDOW = Duration.ofSeconds(20);
    /** `sagent status` runs per variant: the median of an odd count. */
    private static final int CLIENT_RUNS = 7;
    private static final DateTimeFormatter LOG_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
    private static final Pattern NMT_CATEGORY =
            Pattern.compile("^-\\s+(.+?) \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern NMT_TOTAL = Pattern.compile("^Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    private final Path output = Path.of(System.getProperty("profile.output", "target/footprint")).toAbsolutePath();
    /** Flags to try on top of the launcher's (e.g. a smaller heap), as SAGENT_JAVA_OPTS. */
    private final String extraOptions = System.getProperty("profile.javaOpts", "");

    @Test
    void profileOneNode() throws Exception {
        NetnsLab.requireRoot();
        Files.createDirectories(output);
        Path jar = FailoverBenchmark.runnableJar();
        StringBuilder report = new StringBuilder();
        try (NetnsLab lab = new NetnsLab()) {
            Path dir = Files.createTempDirectory("sagent-profile-");
            ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto", false);
            cluster.useLauncher(Path.of("../packaging/src/deb/bin/sagent").toAbsolutePath(), jar);
            cluster.useDefaultHealthTimings();
            // NMT summary costs a few hundred KiB of its own; the class log is written once, at load.
            cluster.useJavaOptions(("-XX:NativeMemoryTracking=summary -Xlog:class+load=info:file=" + dir
                    + "/classes-%p.log " + extraOptions).strip());
            // The launcher's class archive is written when a first run exits; profiled: a later start.
            cluster.start("s0");
            cluster.start("s1");
            cluster.await(() -> cluster.answering("s0").equals(ClusterLab.FIRST)
                    && cluster.answering("s1").equals(ClusterLab.SECOND), SERVING, "the first run serving");
            cluster.awaitJoined(List.of("s0", "s1"));
            for (String node : List.of("s0", "s1")) {
                cluster.terminate(node).awaitExit(Duration.ofSeconds(20));
            }
            cluster.stopped.clear();
            long startedNanos = System.nanoTime();
            LocalDateTime startedAt = LocalDateTime.now();
            cluster.start("s0");
            cluster.start("s1");
            cluster.await(() -> cluster.answering("s0").equals(ClusterLab.FIRST)
                    && cluster.answering("s1").equals(ClusterLab.SECOND), SERVING, "each server serving its home address");
            long serving = Duration.ofNanos(System.nanoTime() - startedNanos).toMillis();
            LabProcess agent = cluster.agents.get("s0");
            long pid = agent.pid();
            report.append("# Footprint profile of one node (s0)\n\n")
                    .append("Machine: ").append(FailoverBenchmark.machine()).append('\n')
                    .append("Launcher flags added: `").append(extraOptions.isBlank() ? "none" : extraOptions)
                    .append("` (plus NMT summary and the class-load log)\n\n")
                    .append("## Start-up\n\nBoth agents started together; both home addresses answered after ")
                    .append(serving).append(" ms.\n\n");
            report.append(milestones(cluster.log("s0"), startedAt));

            Thread.sleep(WARM_UP.toMillis());
            report.append(idleCpu(pid));
            report.append(children(pid, dir));
            report.append(nativeMemory(pid));
            report.append(classes(dir.resolve("classes-" + pid + ".log")));
            report.append(clientLatency(lab, cluster, jar, dir));
            String text = report.toString();
            System.out.println(text);
            Files.writeString(output.resolve("profile.md"), text);
            if (!agent.isAlive()) {
                throw new AssertionError("s0's agent died during the profile:" + cluster.logTails());
            }
        }
    }

    /**
     * {@code sagent status} through the launcher, as an administrator runs it on s0, without and
     * with the daemon's class archive (the one s0's first run wrote): wall time per command, the
     * JVM's start included.
     */
    private static String clientLatency(NetnsLab lab, ClusterLab cluster, Path jar, Path dir) {
        StringBuilder out = new StringBuilder("## `sagent status` (launcher, JVM start included)\n\n"
                + "| class archive | runs | median ms | min ms | max ms |\n|---|---:|---:|---:|---:|\n");
        String launcher = Path.of("../packaging/src/deb/bin/sagent").toAbsolutePath().toString();
        for (String archive : List.of("", dir.resolve("s0.jsa").toString())) {
            List<Long> millis = new java.util.ArrayList<>();
            for (int i = 0; i < CLIENT_RUNS; i++) {
                long started = System.nanoTime();
                NetnsLab.Result ran = lab.exec(cluster.servers.get("s0"), "env", "SAGENT_JAR=" + jar,
                        "SAGENT_CDS_ARCHIVE=" + archive, "sh", launcher, "status", "--runtime-dir",
                        dir.resolve("s0-run").toString());
                millis.add((System.nanoTime() - started) / 1_000_000);
                if (ran.exitCode() != 0) {
                    throw new AssertionError("sagent status failed: " + ran.stdout() + ran.stderr());
                }
            }
            java.util.Collections.sort(millis);
            out.append("| ").append(archive.isEmpty() ? "none (the JDK's)" : "the daemon's").append(" | ")
                    .append(CLIENT_RUNS).append(" | ").append(millis.get(CLIENT_RUNS / 2)).append(" | ")
                    .append(millis.get(0)).append(" | ").append(millis.get(CLIENT_RUNS - 1)).append(" |\n");
        }
        return out.append('\n').toString();
    }

    /** The agent's own log lines up to its first address, each with its time since the start. */
    private static String milestones(List<String> log, LocalDateTime startedAt) {
        StringBuilder out = new StringBuilder("| ms since start | s0's log |\n|---:|---|\n");
        for (String line : log) {
            if (line.length() < 23) {
                continue;
            }
            try {
                LocalDateTime at = LocalDateTime.parse(line.substring(0, 23), LOG_TIME);
                long ms = Duration.between(startedAt, at).toMillis();
                String text = line.substring(23).strip();
                out.append("| ").append(ms).append(" | ")
                        .append(text.length() > 140 ? text.substring(0, 140) + "…" : text).append(" |\n");
                if (text.contains("took ")) {
                    break;
                }
            } catch (DateTimeParseException e) {
                // a continuation line
            }
        }
        return out.append('\n').toString();
    }

    /** CPU time per thread (named as the JVM names it, numbers folded) over the idle window. */
    private static String idleCpu(long pid) throws Exception {
        Map<String, long[]> before = threadTicks(pid);
        long childrenBefore = processTicks(pid, 13) + processTicks(pid, 14);
        long start = System.nanoTime();
        Thread.sleep(IDLE_WINDOW.toMillis());
        double seconds = (System.nanoTime() - start) / 1e9;
        Map<String, long[]> after = threadTicks(pid);
        long childrenTicks = processTicks(pid, 13) + processTicks(pid, 14) - childrenBefore;
        Map<String, long[]> byName = new TreeMap<>(); // name -> {ticks, threads}
        long total = 0;
        for (Map.Entry<String, long[]> thread : after.entrySet()) {
            long[] was = before.getOrDefault(thread.getKey(), new long[] {0, 0});
            long ticks = thread.getValue()[0] - was[0];
            String name = fold(thread.getKey().substring(thread.getKey().indexOf(' ') + 1));
            long[] sum = byName.computeIfAbsent(name, n -> new long[2]);
            sum[0] += ticks;
            sum[1]++;
            total += ticks;
        }
        StringBuilder out = new StringBuilder(String.format(
                "## Idle CPU over %.0f s (%d threads)%n%nThe JVM's own threads: %.2f %% of one core; "
                        + "its child processes (waited for): %.2f %%.%n%n| thread | threads | CPU s | %% of one core |%n"
                        + "|---|---:|---:|---:|%n",
                seconds, after.size(), total / seconds, childrenTicks / seconds));
        byName.entrySet().stream().sorted(Comparator.comparingLong((Map.Entry<String, long[]> e) -> -e.getValue()[0]))
                .forEach(e -> out.append(String.format("| %s | %d | %.2f | %.2f |%n", e.getKey(), e.getValue()[1],
                        e.getValue()[0] / 100.0, e.getValue()[0] / seconds)));
        return out.append('\n').toString();
    }

    /** "tid name" -> {utime + stime in ticks}. */
    private static Map<String, long[]> threadTicks(long pid) throws IOException {
        Map<String, long[]> ticks = new LinkedHashMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            for (Path task : tasks.toList()) {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    ticks.put(task.getFileName() + " " + name,
                            new long[] {Long.parseLong(fields[11]) + Long.parseLong(fields[12])});
                } catch (IOException e) {
                    // the thread ended meanwhile
                }
            }
        }
        return ticks;
    }

    /** One field of /proc/PID/stat, counted after the command name (11 utime, 12 stime, 13 cutime, 14 cstime). */
    private static long processTicks(long pid, int field) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        return Long.parseLong(stat.substring(stat.lastIndexOf(')') + 2).split(" ")[field]);
    }

    /** Thread names carry counters (jgroups-12, metrics-http-3): folded to one row per kind. */
    static String fold(String name) {
        return name.replaceAll("\\d+", "N");
    }

    /** Every program the agent starts over {@link #TRACE_WINDOW}, counted by strace. */
    private static String children(long pid, Path dir) throws Exception {
        Path trace = dir.resolve("execve.trace");
        Process strace = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=execve", "-e", "signal=none", "-o",
                trace.toString(), "-p", Long.toString(pid)).redirectErrorStream(true).start();
        Thread.sleep(TRACE_WINDOW.toMillis());
        strace.destroy();
        if (!strace.waitFor(10, TimeUnit.SECONDS)) {
            strace.destroyForcibly();
        }
        Map<String, Integer> programs = new TreeMap<>();
        Pattern execve = Pattern.compile("execve\\(\"([^\"]+)\", \\[([^\\]]*)\\]");
        for (String line : Files.exists(trace) ? Files.readAllLines(trace) : List.<String>of()) {
            Matcher m = execve.matcher(line);
            if (m.find()) {
                programs.merge(m.group(1) + " " + m.group(2).replace("\"", "").replace(",", ""), 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder(String.format(
                "## Child processes over %d s (strace -f -e trace=execve)%n%n", TRACE_WINDOW.toSeconds()));
        if (programs.isEmpty()) {
            return out.append("None.\n\n").toString();
        }
        out.append("| program | starts | per minute |\n|---|---:|---:|\n");
        programs.forEach((p, n) -> out.append(String.format("| `%s` | %d | %.0f |%n", p.length() > 90
                ? p.substring(0, 90) + "…" : p, n, n * 60.0 / TRACE_WINDOW.toSeconds())));
        return out.append('\n').toString();
    }

    /** jcmd's native memory summary, committed KiB per category, beside the kernel's RSS. */
    private String nativeMemory(long pid) throws Exception {
        String summary = run("jcmd", Long.toString(pid), "VM.native_memory", "summary");
        Files.writeString(output.resolve("nmt-summary.txt"), summary);
        Map<String, Long> rss = new LinkedHashMap<>();
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            for (String key : List.of("VmRSS", "RssAnon", "RssFile", "RssShmem", "Threads")) {
                if (line.startsWith(key + ":")) {
                    rss.put(key, Long.parseLong(line.replaceAll("\\D", "")));
                }
            }
        }
        StringBuilder out = new StringBuilder(String.format("## Memory%n%nKernel: RSS %.1f MiB (anonymous %.1f, "
                + "file-backed %.1f: the JVM's libraries, the CDS archive, the jar), %d threads.%n%n",
                rss.getOrDefault("VmRSS", 0L) / 1024.0, rss.getOrDefault("RssAnon", 0L) / 1024.0,
                rss.getOrDefault("RssFile", 0L) / 1024.0, rss.getOrDefault("Threads", 0L)));
        out.append("| NMT category | reserved MiB | committed MiB |\n|---|---:|---:|\n");
        for (String line : summary.lines().toList()) {
            Matcher total = NMT_TOTAL.matcher(line.strip());
            Matcher category = NMT_CATEGORY.matcher(line.strip());
            if (total.find()) {
                out.append(String.format("| **total** | %.1f | %.1f |%n", Long.parseLong(total.group(1)) / 1024.0,
                        Long.parseLong(total.group(2)) / 1024.0));
            } else if (category.find() && Long.parseLong(category.group(3)) >= 64) {
                out.append(String.format("| %s | %.1f | %.1f |%n", category.group(1),
                        Long.parseLong(category.group(2)) / 1024.0, Long.parseLong(category.group(3)) / 1024.0));
            }
        }
        Matcher threads = Pattern.compile("\\(thread #(\\d+)\\)").matcher(summary);
        Matcher stacks = Pattern.compile("\\(stack: reserved=(\\d+)KB, committed=(\\d+)KB\\)").matcher(summary);
        if (threads.find() && stacks.find()) {
            out.append(String.format("%nThreads known to NMT: %s; their stacks reserve %.1f MiB, commit %.1f MiB.%n",
                    threads.group(1), Long.parseLong(stacks.group(1)) / 1024.0, Long.parseLong(stacks.group(2)) / 1024.0));
        }
        return out.append('\n').toString();
    }

    /** The class-load log: how many classes, from where (the CDS archive, the JDK, the jar), by library. */
    private static String classes(Path log) throws IOException {
        if (!Files.exists(log)) {
            return "## Classes\n\nNo class-load log at " + log + ".\n\n";
        }
        Map<String, Integer> sources = new TreeMap<>();
        Map<String, Integer> libraries = new TreeMap<>();
        int count = 0;
        Pattern line = Pattern.compile("\\] (\\S+) source: (.*)$");
        for (String entry : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            Matcher m = line.matcher(entry);
            if (!m.find()) {
                continue;
            }
            count++;
            String source = m.group(2);
            String from = source.startsWith("shared objects file") ? "CDS archive"
                    : source.startsWith("jrt:") ? "JDK modules" : source.contains(".jar") ? "sagent.jar"
                    : "generated (lambdas, proxies)";
            sources.merge(from, 1, Integer::sum);
            if (from.equals("sagent.jar")) {
                libraries.merge(library(m.group(1)), 1, Integer::sum);
            }
        }
        StringBuilder out = new StringBuilder("## Classes\n\n" + count + " classes loaded: ");
        List<String> parts = new ArrayList<>();
        sources.forEach((s, n) -> parts.add(n + " " + s));
        out.append(String.join(", ", parts)).append(".\n\n| from the jar | classes |\n|---|---:|\n");
        libraries.entrySet().stream().sorted(Comparator.comparingInt((Map.Entry<String, Integer> e) -> -e.getValue()))
                .forEach(e -> out.append("| ").append(e.getKey()).append(" | ").append(e.getValue()).append(" |\n"));
        return out.append('\n').toString();
    }

    /** The library a class belongs to, by its package's first segments (org.jgroups, io.prometheus...). */
    static String library(String className) {
        int lastDot = className.lastIndexOf('.');
        String[] parts = (lastDot < 0 ? "(default package)" : className.substring(0, lastDot)).split("\\.");
        int depth = parts[0].equals("org") && parts.length > 2 && parts[1].equals("sagent") ? 3
                : parts.length > 3 && parts[1].equals("fasterxml") ? 4 : 2;
        return String.join(".", java.util.Arrays.copyOf(parts, Math.min(depth, parts.length)));
    }

    private static String run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String text;
        try (var in = process.getInputStream()) {
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        return text;
    }
}
