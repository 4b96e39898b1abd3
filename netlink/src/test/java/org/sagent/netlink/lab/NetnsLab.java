package org.sagent.netlink.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A test network built from Linux network namespaces, veth pairs and bridges, that always
 * removes what it made.
 *
 * <p>Register it as a JUnit 5 extension: as an instance field everything is removed after each
 * test, as a static field after the class. It can also be used directly and closed.
 *
 * <p>It needs root. Without root the tests that use it are skipped with a message saying so;
 * with {@code CI=true} they fail instead, because CI runs as root and a skipped kernel test
 * there would hide a broken set-up.
 *
 * <p>Nothing is created in the root namespace: veth pairs are created with both ends already
 * in their namespaces, and bridges live in a namespace of their own. Names start with
 * {@code sgt<pid>x<n>-}, so parallel runs do not collide and a later run can remove what a
 * killed one left behind (only namespaces whose creating process is gone).
 */
public final class NetnsLab implements AutoCloseable, BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback {

    private static final String PREFIX = "sgt";
    private static final AtomicInteger LABS = new AtomicInteger();
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(20);

    private final String prefix;
    private final List<Netns> namespaces = Collections.synchronizedList(new ArrayList<>());
    private final List<LabProcess> processes = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger portCounter = new AtomicInteger();
    private final Thread shutdownHook = new Thread(this::removeEverything, "netns-lab-cleanup");
    private boolean classScoped;
    private boolean hookInstalled;

    public NetnsLab() {
        this.prefix = PREFIX + ProcessHandle.current().pid() + "x" + LABS.incrementAndGet() + "-";
    }

    /** A namespace of this lab, by the name the test knows it by. */
    public record Netns(String name, String shortName) {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The outcome of a command that ran to its end. */
    public record Result(int exitCode, String stdout, String stderr) {
        public Result orFail(String what) {
            if (exitCode != 0) {
                throw new IllegalStateException(what + " failed with status " + exitCode + ": " + stderr.strip()
                        + " " + stdout.strip());
            }
            return this;
        }
    }

    // ---- JUnit lifecycle -------------------------------------------------------------------

    @Override
    public void beforeAll(ExtensionContext context) {
        classScoped = true;
        requireRoot();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        requireRoot();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (!classScoped) {
            close();
        }
    }

    /** Skips (or, under CI, fails) the calling test unless this process can build namespaces. */
    public static void requireRoot() {
        String why = missingPrivilege();
        if (why == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new IllegalStateException("CI=true but " + why + ": kernel tests must run in CI, not skip");
        }
        Assumptions.abort("skipped: " + why + " (network namespace tests need root; CI runs them as root)");
    }

    private static String missingPrivilege() {
        try {
            String status = Files.readString(Path.of("/proc/self/status"));
            boolean root = status.lines().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
            if (!root) {
                return "not running as root";
            }
        } catch (IOException e) {
            return "cannot read /proc/self/status (" + e.getMessage() + ")";
        }
        if (!Files.isExecutable(Path.of("/usr/sbin/ip")) && !Files.isExecutable(Path.of("/sbin/ip"))
                && !Files.isExecutable(Path.of("/usr/bin/ip")) && !Files.isExecutable(Path.of("/bin/ip"))) {
            return "the ip command is missing (apt-get install iproute2)";
        }
        return null;
    }

    // ---- building the network ------------------------------------------------------------

    /** Creates a namespace with its loopback up. */
    public Netns namespace(String shortName) {
        if (!shortName.matches("[a-z0-9]{1,12}")) {
            throw new IllegalArgumentException("short namespace names are 1-12 lower-case letters or digits: " + shortName);
        }
        installHook();
        removeStaleNamespaces();
        Netns ns = new Netns(prefix + shortName, shortName);
        run("ip", "netns", "add", ns.name()).orFail("creating namespace " + ns.name());
        namespaces.add(ns);
        ip(ns, "link", "set", "lo", "up");
        return ns;
    }

    /** A veth pair with one end in each namespace, both up, created there directly. */
    public void veth(Netns a, String nameInA, Netns b, String nameInB) {
        ip(a, "link", "add", nameInA, "type", "veth", "peer", "name", nameInB, "netns", b.name());
        ip(a, "link", "set", nameInA, "up");
        ip(b, "link", "set", nameInB, "up");
    }

    /** A bridge in its own namespace, up, standing in for a switch. */
    public Netns bridge(String shortName) {
        Netns ns = namespace(shortName);
        ip(ns, "link", "add", "br0", "type", "bridge");
        // No STP delays: a port forwards as soon as it is up.
        ip(ns, "link", "set", "br0", "type", "bridge", "forward_delay", "0", "stp_state", "0");
        ip(ns, "link", "set", "br0", "up");
        return ns;
    }

    /** Plugs {@code ns} into the bridge with a veth named {@code ifName} on its side; returns the port name. */
    public String plug(Netns ns, String ifName, Netns bridge) {
        String port = "p" + portCounter.incrementAndGet() + ns.shortName();
        port = port.length() > 15 ? port.substring(0, 15) : port;
        veth(ns, ifName, bridge, port);
        ip(bridge, "link", "set", port, "master", "br0");
        return port;
    }

    /** Adds an address (documentation ranges only, by the project's rule) and brings the link up. */
    public void address(Netns ns, String ifName, String cidr) {
        if (!cidr.matches("(192\\.0\\.2|198\\.51\\.100|203\\.0\\.113)\\.\\d{1,3}/\\d{1,2}|2001:db8:[0-9a-f:]*/\\d{1,3}")) {
            throw new IllegalArgumentException("test addresses come from 192.0.2.0/24, 198.51.100.0/24, "
                    + "203.0.113.0/24 (or 2001:db8::/32): " + cidr);
        }
        ip(ns, "address", "add", cidr, "dev", ifName);
        ip(ns, "link", "set", ifName, "up");
    }

    /** {@code ip -n NS ARGS...}, failing the test if it fails. */
    public Result ip(Netns ns, String... args) {
        List<String> command = new ArrayList<>(List.of("ip", "-n", ns.name()));
        command.addAll(List.of(args));
        return run(command.toArray(String[]::new)).orFail(String.join(" ", command));
    }

    // ---- running things inside ------------------------------------------------------------

    /** Runs a command inside {@code ns} to its end (bounded by a timeout). */
    public Result exec(Netns ns, String... command) {
        return run(inside(ns, List.of(command)).toArray(String[]::new));
    }

    /** Starts a long-running command inside {@code ns}; it is ended, by its pid, when the lab closes. */
    public LabProcess start(Netns ns, String... command) {
        return launch(inside(ns, List.of(command)));
    }

    /** Starts {@code main} in a fresh JVM inside {@code ns}, with this JVM's class path. */
    public LabProcess startJava(Netns ns, Class<?> main, String... args) {
        return launch(inside(ns, javaCommand(main, args)));
    }

    /**
     * Starts {@code main} in a fresh JVM inside {@code ns} with {@code environment} added to this
     * process's ({@code env} execs the JVM, so the pid held is still the JVM's).
     */
    public LabProcess startJava(Netns ns, Map<String, String> environment, Class<?> main, String... args) {
        List<String> command = new ArrayList<>(List.of("env"));
        environment.forEach((name, value) -> command.add(name + "=" + value));
        command.addAll(javaCommand(main, args));
        return launch(inside(ns, command));
    }

    /** Runs {@code main} in a fresh JVM inside {@code ns} to its end. */
    public Result execJava(Netns ns, Class<?> main, String... args) {
        return run(inside(ns, javaCommand(main, args)).toArray(String[]::new));
    }

    private static List<String> javaCommand(Class<?> main, String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Xshare:auto", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return command;
    }

    private static List<String> inside(Netns ns, List<String> command) {
        // `ip netns exec` execs the command, so the pid we hold is the command's own.
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", ns.name()));
        full.addAll(command);
        return full;
    }

    private LabProcess launch(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).start();
            LabProcess handle = new LabProcess(process, String.join(" ", command));
            processes.add(handle);
            return handle;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start " + command + ": " + e.getMessage(), e);
        }
    }

    static Result run(String... command) {
        try {
            Process process = new ProcessBuilder(command).start();
            process.getOutputStream().close();
            CompletableFuture<String> out = drain(process.getInputStream());
            CompletableFuture<String> err = drain(process.getErrorStream());
            if (!process.waitFor(COMMAND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(String.join(" ", command) + " did not finish within " + COMMAND_TIMEOUT);
            }
            return new Result(process.exitValue(), out.join(), err.join());
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + String.join(" ", command), e);
        }
    }

    static CompletableFuture<String> drain(java.io.InputStream stream) {
        return CompletableFuture.supplyAsync(() -> {
            try (stream) {
                return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
    }

    // ---- cleaning up ----------------------------------------------------------------------

    public List<Netns> namespaces() {
        return List.copyOf(namespaces);
    }

    /** Ends every process this lab started and removes every namespace it made. */
    @Override
    public void close() {
        removeEverything();
        if (hookInstalled) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // already shutting down: the hook is running or ran
            }
            hookInstalled = false;
        }
    }

    private synchronized void removeEverything() {
        List<LabProcess> started;
        synchronized (processes) {
            started = new ArrayList<>(processes);
            processes.clear();
        }
        for (LabProcess process : started) {
            process.stop(Duration.ofSeconds(3));
        }
        List<Netns> made;
        synchronized (namespaces) {
            made = new ArrayList<>(namespaces);
            namespaces.clear();
        }
        Collections.reverse(made);
        for (Netns ns : made) {
            // Deleting a namespace removes its interfaces, and with them the veth peers elsewhere.
            run("ip", "netns", "delete", ns.name());
        }
    }

    private void installHook() {
        if (!hookInstalled) {
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            hookInstalled = true;
        }
    }

    /** Namespaces of our prefix whose creating process is gone were left by a killed run. */
    private static void removeStaleNamespaces() {
        Path dir = Path.of("/run/netns");
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (var names = Files.list(dir)) {
            for (Path path : names.toList()) {
                String name = path.getFileName().toString();
                java.util.regex.Matcher m = java.util.regex.Pattern.compile(PREFIX + "(\\d+)x\\d+-.*").matcher(name);
                if (m.matches() && ProcessHandle.of(Long.parseLong(m.group(1))).isEmpty()) {
                    run("ip", "netns", "delete", name);
                }
            }
        } catch (IOException e) {
            // Stale namespaces are a nuisance, not a reason to fail this test.
        }
    }
}
