package org.sagent.agent.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BooleanSupplier;
import org.sagent.agent.Agent;
import org.sagent.agent.cli.SagentCommand;
import org.sagent.agent.control.ControlClient;
import org.sagent.agent.control.StatusReport;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;

/**
 * A cluster of real agent processes in network namespaces, as the failure matrix needs it:
 * servers s0, s1 (and s2) with eth0 on the replication network and eth1 on the LAN, a client
 * on the LAN, and health inputs the test controls (a file per node that the node's script
 * check looks for).
 */
final class ClusterLab {

    static final String PUBLIC_0 = "198.51.100.120";
    static final String PUBLIC_1 = "198.51.100.121";
    static final Set<String> FIRST = Set.of(PUBLIC_0);
    static final Set<String> SECOND = Set.of(PUBLIC_1);
    static final Set<String> BOTH = Set.of(PUBLIC_0, PUBLIC_1);
    /** How long agents may take to start, find each other and take their addresses. */
    static final Duration START = Duration.ofSeconds(40);
    private static final Duration STATUS_TIMEOUT = Duration.ofSeconds(3);
    private static final Duration STABLE_SAMPLING = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();

    final NetnsLab lab;
    final Path dir;
    final Map<String, NetnsLab.Netns> servers = new LinkedHashMap<>();
    final Map<String, LabProcess> agents = new LinkedHashMap<>();
    /** Each server's port on the LAN bridge: taking it down cuts the server's LAN cable. */
    final Map<String, String> lanPorts = new LinkedHashMap<>();
    final NetnsLab.Netns client;
    final NetnsLab.Netns lan;
    final NetnsLab.Netns replication;
    private final String failback;
    private final boolean fast;
    /** When set, agents start through the packaged launcher on the runnable jar, as installed. */
    private Path launcher;
    private Path jar;
    /** Extra JVM flags for the launcher (its SAGENT_JAVA_OPTS), e.g. to profile; empty for none. */
    private String javaOptions = "";
    private final Map<String, Path> toolDirectories = new java.util.HashMap<>();

    ClusterLab(NetnsLab lab, Path dir, int nodes, String failback) throws IOException {
        this(lab, dir, nodes, failback, false);
    }

    /** {@code fast}: the README's fast profile instead of the default timings. */
    ClusterLab(NetnsLab lab, Path dir, int nodes, String failback, boolean fast) throws IOException {
        this.lab = lab;
        this.dir = dir;
        this.failback = failback;
        this.fast = fast;
        lan = lab.bridge("lan");
        // Two nodes share a direct cable, as the reference cluster does; more need a switch.
        replication = nodes > 2 ? lab.bridge("rep") : null;
        client = lab.namespace("client");
        lab.plug(client, "eth1", lan);
        lab.address(client, "eth1", "198.51.100.100/24");
        for (int i = 0; i < nodes; i++) {
            servers.put("s" + i, lab.namespace("s" + i));
        }
        if (replication == null && nodes == 2) {
            lab.veth(servers.get("s0"), "eth0", servers.get("s1"), "eth0");
        }
        for (int i = 0; i < nodes; i++) {
            String name = "s" + i;
            NetnsLab.Netns ns = servers.get(name);
            if (replication != null) {
                lab.plug(ns, "eth0", replication);
            }
            lanPorts.put(name, lab.plug(ns, "eth1", lan));
            if (replication != null || nodes == 2) {
                lab.address(ns, "eth0", "192.0.2." + (10 + i) + "/24");
            }
            lab.address(ns, "eth1", lanAddress(name) + "/24");
            setHealthy(name, true);
            Files.writeString(configOf(name), config(name, nodes));
        }
    }

    Path configOf(String node) {
        return dir.resolve(node + ".yaml");
    }

    private String config(String node, int nodes) {
        Path secret = dir.resolve("secret");
        try {
            if (!Files.exists(secret)) {
                Files.writeString(secret, "lab-secret-" + System.nanoTime() + "-0123456789\n");
                Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        StringBuilder yaml = new StringBuilder("cluster: { name: labcluster, port: 7800, secret-file: " + secret
                + " }\nnodes:\n");
        for (int i = 0; i < nodes; i++) {
            yaml.append("  - { name: s").append(i).append(", replication-address: 192.0.2.").append(10 + i)
                    .append(", lan-address: ").append(lanAddress("s" + i)).append(" }\n");
        }
        yaml.append("public-addresses:\n")
                .append("  - { address: ").append(PUBLIC_0).append("/24, interface: eth1, home: s0 }\n")
                .append("  - { address: ").append(PUBLIC_1).append("/24, interface: eth1, home: s1 }\n")
                .append("failover: { failback: ").append(failback).append(", failback-delay: 2s")
                .append(fast ? ", heartbeat-interval: 100ms, failure-timeout: 500ms, carrier-poll-interval: 20ms, "
                        + "peer-check-timeout: 30ms }\nprobe: { count: 1, interval: 10ms, wait: 30ms }\n" : " }\n")
                .append("health:\n  interval: 200ms\n  timeout: 200ms\n  rise: 1\n  fall: 1\n")
                .append("  scripts:\n    - { name: test-input, command: [/usr/bin/test, -e, ")
                .append(dir.resolve(node + ".healthy")).append("] }\n");
        return yaml.toString();
    }

    /**
     * The health checks at sagent's default timings (every 2 s, rise 2, fall 3) instead of the
     * tests' quick ones: the benchmark's footprint and start-up are those a user gets.
     */
    void useDefaultHealthTimings() throws IOException {
        for (String node : servers.keySet()) {
            String quick = "health:\n  interval: 200ms\n  timeout: 200ms\n  rise: 1\n  fall: 1\n";
            String config = Files.readString(configOf(node));
            if (!config.contains(quick)) {
                // A silent no-op would measure the tests' timings under the defaults' name.
                throw new IllegalStateException("the lab's health timings changed; update useDefaultHealthTimings");
            }
            Files.writeString(configOf(node), config.replace(quick, "health:\n"));
        }
    }

    /** Adds a section (e.g. isolation:) to every node's configuration; before the agents start. */
    void appendConfig(String yaml) throws IOException {
        for (String node : servers.keySet()) {
            Files.writeString(configOf(node), Files.readString(configOf(node)) + yaml);
        }
    }

    Path stateDirectory(String node) {
        return dir.resolve(node + "-state");
    }

    void setHealthy(String node, boolean healthy) throws IOException {
        Path flag = dir.resolve(node + ".healthy");
        if (healthy) {
            Files.writeString(flag, "ok\n");
        } else {
            Files.deleteIfExists(flag);
        }
    }

    /** Starts agents through {@code launcher} (the .deb's /usr/bin/sagent) on {@code jar}: the shipped JVM flags. */
    void useLauncher(Path launcher, Path jar) {
        this.launcher = launcher;
        this.jar = jar;
    }

    /**
     * A directory searched before the system's for {@code node}'s programs (stand-ins for DRBD's
     * tools), for agents started from now on; not with {@link #useLauncher}.
     */
    void useTools(String node, Path directory) {
        toolDirectories.put(node, directory);
    }

    /** JVM flags the launcher adds after its own (SAGENT_JAVA_OPTS), for agents started from now on. */
    void useJavaOptions(String options) {
        this.javaOptions = options;
    }

    LabProcess start(String node) {
        Path runtime = dir.resolve(node + "-run");
        try {
            Files.createDirectories(runtime);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> run = List.of("run", "--config", configOf(node).toString(), "--node", node, "--runtime-dir",
                runtime.toString(), "--state-dir", dir.resolve(node + "-state").toString());
        LabProcess agent;
        Path tools = toolDirectories.get(node);
        if (launcher == null && tools != null) {
            agent = lab.startJava(servers.get(node), Map.of("PATH", tools + ":" + System.getenv("PATH")),
                    SagentCommand.class, run.toArray(String[]::new));
        } else if (launcher == null) {
            agent = lab.startJava(servers.get(node), SagentCommand.class, run.toArray(String[]::new));
        } else {
            List<String> command = new ArrayList<>(List.of("env", "SAGENT_JAR=" + jar,
                    "SAGENT_JAVA_OPTS=" + javaOptions, "SAGENT_CDS_ARCHIVE=" + dir.resolve(node + ".jsa"), "sh",
                    launcher.toString()));
            command.addAll(run);
            agent = lab.start(servers.get(node), command.toArray(String[]::new));
        }
        agents.put(node, agent);
        return agent;
    }

    /**
     * Starts s0 and s1 and waits (bounded by {@link #START}) until each sees both in its
     * membership view and each node's kernel holds its home address.
     */
    ClusterLab twoNodesHome() throws InterruptedException {
        start("s0");
        start("s1");
        awaitView("s0", "s0, s1", START);
        awaitView("s1", "s0, s1", START);
        await(() -> held("s0").equals(FIRST) && held("s1").equals(SECOND), START, "each node holding its home address");
        return this;
    }

    /**
     * Waits (bounded by {@link #START}) until each of {@code nodes} has joined both paths: an
     * agent serves once its replication path has joined, but a SIGTERM waits until its LAN
     * path's join ends, up to ten join attempts when the peer it asks is stopped meanwhile.
     */
    void awaitJoined(List<String> nodes) throws InterruptedException {
        await(() -> nodes.stream().allMatch(n -> !logLines(n, "running as " + n + ": joined").isEmpty()), START,
                "each of " + nodes + " joined on both paths");
    }

    /** SIGKILL to the agent this lab started on {@code node}, by its pid: a crash, not a stop. */
    void kill(String node) throws InterruptedException {
        LabProcess agent = agents.get(node);
        stopped.add(agent);
        agent.kill();
    }

    /** SIGTERM to the agent this lab started on {@code node}, by its pid; returns at once (it hands over first). */
    LabProcess terminate(String node) throws IOException, InterruptedException {
        LabProcess agent = agents.get(node);
        stopped.add(agent);
        agent.signal("TERM");
        return agent;
    }

    /** The public addresses present on {@code node}'s eth1 now, read from its kernel. */
    Set<String> held(String node) {
        return held(node, false);
    }

    /**
     * The public addresses {@code node} can answer for: present on an eth1 that is up and has
     * carrier. A node whose links are down (powered off, frozen) or whose LAN cable is out keeps
     * its addresses configured but answers nobody.
     */
    Set<String> answering(String node) {
        return held(node, true);
    }

    private Set<String> held(String node, boolean answering) {
        Set<String> held = new TreeSet<>();
        // Without -o the first line carries the link's flags: LOWER_UP is up with carrier.
        String out = answering ? lab.ip(servers.get(node), "-4", "addr", "show", "dev", "eth1").stdout()
                : lab.ip(servers.get(node), "-o", "-4", "addr", "show", "dev", "eth1").stdout();
        if (answering && !out.lines().findFirst().orElse("").matches(".*<[^>]*\\bLOWER_UP\\b[^>]*>.*")) {
            return held;
        }
        for (String line : out.lines().toList()) {
            for (String address : List.of(PUBLIC_0, PUBLIC_1)) {
                if (line.contains(" " + address + "/")) {
                    held.add(address);
                }
            }
        }
        return held;
    }

    /** Polls (bounded) until {@code condition} holds; fails with what never happened and every agent's log tail. */
    void await(BooleanSupplier condition, Duration timeout, String what) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            boolean died = agents.values().stream().anyMatch(p -> !p.isAlive() && !stopped.contains(p));
            if (System.nanoTime() > deadline || died) {
                String logs = logTails();
                throw new AssertionError((died ? "an agent died before: " : "never happened within " + timeout.toMillis()
                        + " ms: ") + what + "; held: "
                        + heldEverywhere() + logs);
            }
            Thread.sleep(20);
        }
    }

    /**
     * Samples what each node's kernel holds every 100 ms for {@code span} and fails at the first
     * sample that differs from {@code expected} (node to addresses): nothing may move meanwhile.
     */
    void assertStable(Duration span, Map<String, Set<String>> expected) throws InterruptedException {
        long start = System.nanoTime();
        long deadline = start + span.toNanos();
        while (true) {
            for (Map.Entry<String, Set<String>> node : expected.entrySet()) {
                Set<String> now = held(node.getKey());
                if (!now.equals(node.getValue())) {
                    throw new AssertionError(node.getKey() + " holds " + now + " instead of " + node.getValue() + ", "
                            + (System.nanoTime() - start) / 1_000_000 + " ms into " + span.toMillis()
                            + " ms in which nothing should move; held: " + heldEverywhere() + logTails());
                }
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return;
            }
            // The sampling period: this wait lets time pass on purpose, to see that nothing happens.
            Thread.sleep(Math.max(1, Math.min(STABLE_SAMPLING.toMillis(), left / 1_000_000)));
        }
    }

    /** {@link #assertStable(Duration, Map)} for the two-node cluster. */
    void assertStable(Duration span, Set<String> s0, Set<String> s1) throws InterruptedException {
        assertStable(span, Map.of("s0", s0, "s1", s1));
    }

    /** Waits until {@code node}'s agent reports exactly {@code members} (", "-separated, sorted) in its view. */
    void awaitView(String node, String members, Duration timeout) throws InterruptedException {
        await(() -> seesView(node, members), timeout, node + " seeing the view " + members);
    }

    /**
     * True when {@code node}'s agent, asked for its status over its control socket, has exactly
     * {@code members} in its replication membership view (itself included).
     */
    boolean seesView(String node, String members) {
        return status(node).map(r -> {
            List<String> view = new ArrayList<>(r.replication().peersInView());
            view.add(r.node());
            return String.join(", ", view.stream().sorted().toList()).equals(members);
        }).orElse(false);
    }

    /**
     * {@code node}'s status as {@code sagent status --json} gives it, asked over the agent's
     * control socket from this JVM (no JVM start per ask); empty when the agent does not answer.
     */
    Optional<StatusReport> status(String node) {
        return status(node, STATUS_TIMEOUT);
    }

    /** {@link #status(String)}, waiting up to {@code timeout} for the answer. */
    Optional<StatusReport> status(String node, Duration timeout) {
        try {
            JsonNode reply = ControlClient.ask(Agent.controlSocket(dir.resolve(node + "-run")),
                    JSON.createObjectNode().put("command", "status"), timeout);
            JsonNode status = reply.get("status");
            return status == null ? Optional.empty() : Optional.of(JSON.treeToValue(status, StatusReport.class));
        } catch (ControlClient.Unreachable | IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code node}'s view of {@code address} (as configured, e.g. 198.51.100.120/24) in its status. */
    Optional<StatusReport.Address> statusOf(String node, String address) {
        return status(node).flatMap(r -> r.addresses().stream().filter(a -> a.address().startsWith(address + "/"))
                .findFirst());
    }

    /** {@code node}'s view of {@code other}'s state (OK, STARTING, DISABLED...) in its status. */
    Optional<StatusReport.Node> statusOfNode(String node, String other) {
        return status(node).flatMap(r -> r.nodes().stream().filter(n -> n.name().equals(other)).findFirst());
    }

    /** {@code node}'s isolation state in its status (idle, deciding, won, standing-down, stood-down, fenced). */
    Optional<String> isolationState(String node) {
        return status(node).flatMap(r -> Optional.ofNullable(r.isolation())).map(StatusReport.Isolation::state);
    }

    /** The moves of {@code address} (as printed, e.g. 198.51.100.120) in {@code node}'s status, oldest first. */
    List<StatusReport.Move> moves(String node, String address) {
        return status(node).map(r -> r.failovers().stream().filter(m -> m.address().startsWith(address)).toList())
                .orElse(List.of());
    }

    /**
     * The value of one series in {@code node}'s scrape, e.g.
     * {@code sagent_tickle_acks_total{address="198.51.100.120"}}; 0 when the series is absent (a
     * counter that was never incremented).
     */
    double metric(String node, String series) {
        return scrape(node).lines().filter(l -> l.startsWith(series + " ")).findFirst()
                .map(l -> Double.parseDouble(l.substring(series.length() + 1).strip())).orElse(0.0);
    }

    /** The DRBD handler the package installs (the launcher runs it for sagent fence-peer). */
    static final Path HANDLER = Path.of("../packaging/src/deb/share/drbd/sagent-drbd-handler");

    /** Runs {@code sagent fence-peer r0} in {@code node}'s namespace, as drbdadm runs it. */
    NetnsLab.Result fencePeer(String node) {
        return lab.exec(servers.get(node), "perl", HANDLER.toAbsolutePath().toString(), "fence-peer",
                "--runtime-dir", dir.resolve(node + "-run").toString(), "r0");
    }

    private static final Set<String> ARBITRATING = Set.of("deciding", "won", "standing-down", "stood-down");

    /** {@code node}'s status shows an arbitration under way (or decided). */
    boolean arbitrating(String node) {
        return isolationState(node).map(ARBITRATING::contains).orElse(false);
    }

    /** {@code node}'s own address on the LAN (its lan-address), e.g. 198.51.100.20 for s0. */
    static String lanAddress(String node) {
        return "198.51.100." + (20 + Integer.parseInt(node.substring(1)));
    }

    /** {@code node}'s metrics, scraped with curl inside its namespace on its lan-address, where they are served. */
    String scrape(String node) {
        NetnsLab.Result scrape = lab.exec(servers.get(node), "curl", "-sS", "--max-time", "5",
                "http://" + lanAddress(node) + ":9775/metrics");
        if (scrape.exitCode() != 0) {
            throw new AssertionError("scraping " + node + "'s metrics failed: " + scrape.stderr());
        }
        return scrape.stdout();
    }

    /** The last 40 log lines of every agent, for failure messages. */
    String logTails() {
        StringBuilder logs = new StringBuilder();
        agents.forEach((n, p) -> {
            List<String> err = p.stderr();
            logs.append("\n--- ").append(n).append(" ---\n")
                    .append(String.join("\n", err.subList(Math.max(0, err.size() - 40), err.size())));
        });
        return logs.toString();
    }

    Map<String, Set<String>> heldEverywhere() {
        Map<String, Set<String>> all = new LinkedHashMap<>();
        servers.keySet().forEach(n -> all.put(n, held(n)));
        return all;
    }

    Map<String, Set<String>> answeringEverywhere() {
        Map<String, Set<String>> all = new LinkedHashMap<>();
        servers.keySet().forEach(n -> all.put(n, answering(n)));
        return all;
    }

    /** Agents the test ended on purpose (their death is no failure). */
    final java.util.Set<LabProcess> stopped = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * Power loss: the agent freezes, the node's links go down (its addresses stay configured),
     * then the agent is killed. Frozen first, as the benchmark does it: nothing leaves the node
     * after the cut, not even the kernel's reset of a killed agent's connections, which would
     * tell the survivor through JGroups before the cable does.
     */
    void powerLoss(String node) throws IOException, InterruptedException {
        LabProcess agent = agents.get(node);
        stopped.add(agent);
        agent.signal("STOP");
        linksDown(node);
        agent.kill();
    }

    /** Runs a sagent command (status, disable, enable...) inside {@code node}'s namespace against its agent. */
    NetnsLab.Result sagent(String node, String... args) {
        List<String> command = new ArrayList<>(List.of(args));
        command.addAll(List.of("--runtime-dir", dir.resolve(node + "-run").toString()));
        return lab.execJava(servers.get(node), SagentCommand.class, command.toArray(String[]::new));
    }

    /** Both links at once (one ip process), as a power cut takes them. */
    void linksDown(String node) {
        links(node, "down");
    }

    void linksUp(String node) {
        links(node, "up");
    }

    /**
     * Power back on after {@link #powerLoss}: a rebooted server comes up without the public
     * addresses its kernel held before, so they are removed first, then the links come up.
     */
    void powerOn(String node) {
        for (String address : held(node)) {
            lab.ip(servers.get(node), "addr", "del", address + "/24", "dev", "eth1").orFail("removing " + address);
        }
        linksUp(node);
    }

    private void links(String node, String state) {
        try {
            Path batch = Files.createTempFile(dir, "links", ".ip");
            Files.writeString(batch, "link set eth1 " + state + "\nlink set eth0 " + state + "\n");
            lab.ip(servers.get(node), "-batch", batch.toString());
            Files.delete(batch);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The LAN cable of {@code node}: its eth1 stays up but loses carrier. */
    void lanCable(String node, boolean connected) {
        lab.ip(lan, "link", "set", lanPorts.get(node), connected ? "up" : "down");
    }

    /** Log lines of {@code node}'s agent that contain {@code text}. */
    List<String> logLines(String node, String text) {
        return log(node).stream().filter(l -> l.contains(text)).toList();
    }

    List<String> log(String node) {
        return new ArrayList<>(agents.get(node).stderr());
    }
}
