package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;
import java.time.Duration;

/**
 * The launcher script on the built runnable jar, as a user runs it: the shipped example
 * configuration passes check-config, and {@code run} starts and stops cleanly on SIGTERM.
 */
class LauncherIT {

    private static final Path LAUNCHER = Path.of(System.getProperty("sagent.launcher"));
    private static final Path JAR = Path.of(System.getProperty("sagent.jar"));
    private static final Path EXAMPLE = Path.of(System.getProperty("sagent.example.config"));

    record Ran(int status, String out, String err) {
    }

    private static Process start(Path errFile, String... args) throws IOException {
        return start(errFile, java.util.Map.of(), args);
    }

    private static Process start(Path errFile, java.util.Map<String, String> env, String... args) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command(args));
        builder.environment().put("SAGENT_JAR", JAR.toString());
        // The machine's own /var/cache/sagent is not the tests' to write.
        builder.environment().put("SAGENT_CDS_ARCHIVE", "");
        builder.environment().putAll(env);
        builder.environment().remove("JOURNAL_STREAM");
        builder.redirectError(errFile.toFile());
        return builder.start();
    }

    private static List<String> command(String... args) {
        List<String> command = new java.util.ArrayList<>(List.of("sh", LAUNCHER.toString()));
        command.addAll(List.of(args));
        return command;
    }

    private static Ran run(Path dir, String... args) throws Exception {
        return run(dir, java.util.Map.of(), args);
    }

    private static Ran run(Path dir, java.util.Map<String, String> env, String... args) throws Exception {
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = start(err, env, args);
        process.getOutputStream().close();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "sagent " + String.join(" ", args) + " did not end");
        return new Ran(process.exitValue(), out, Files.readString(err));
    }

    @Test
    void printsTheVersionFromTheBuiltJar(@TempDir Path dir) throws Exception {
        Ran ran = run(dir, "version");
        assertEquals(0, ran.status(), ran.err());
        assertTrue(ran.out().startsWith("sagent " + System.getProperty("sagent.version", "")), ran.out());
        assertTrue(ran.out().contains("\nJava "), ran.out());
    }

    @Test
    void theShippedExampleConfigurationIsValid(@TempDir Path dir) throws Exception {
        // As shipped it names /etc/sagent/secret, which the administrator creates: that is its only error.
        Ran shipped = run(dir, "check-config", EXAMPLE.toString());
        assertEquals(1, shipped.status(), shipped.err());
        assertTrue(shipped.err().contains(":24:16: error: cluster.secret-file: /etc/sagent/secret does not exist; "
                + "create it on one node") && shipped.err().contains(": 1 error"), shipped.err());

        Path example = exampleWithASecret(dir);
        Ran ran = run(dir, "check-config", example.toString());
        assertEquals(0, ran.status(), ran.err());
        assertTrue(ran.out().startsWith(example + ": valid: cluster scluster, 2 nodes, 2 public addresses"), ran.out());
        assertTrue(ran.out().contains("172.20.1.20/16 on eth1, home s0"), ran.out());
        assertEquals(example + ":1:1: warning: this is still the example the package installed: the service will not "
                + "start until this line is deleted; describe your cluster first\n", ran.err());
    }

    /** The shipped example, copied into {@code dir}, naming a secret that exists there. */
    private static Path exampleWithASecret(Path dir) throws IOException {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "launcher-test-secret-0123456789\n");
        Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        Path copy = dir.resolve("sagent.yaml");
        Files.writeString(copy, Files.readString(EXAMPLE).replace("/etc/sagent/secret", secret.toString()));
        return copy;
    }

    @Test
    void runServesInANamespaceAndHandsItsAddressBackOnSigterm(@TempDir Path dir) throws Exception {
        NetnsLab.requireRoot();
        try (NetnsLab lab = new NetnsLab()) {
            NetnsLab.Netns node = lab.namespace("node");
            NetnsLab.Netns peer = lab.namespace("peer");
            lab.veth(node, "eth0", peer, "eth0");
            lab.veth(node, "eth1", peer, "eth1");
            lab.address(node, "eth0", "192.0.2.10/24");
            lab.address(node, "eth1", "198.51.100.20/24");
            Path config = dir.resolve("sagent.yaml");
            Path secret = dir.resolve("secret");
            Files.writeString(secret, "launcher-test-secret-0123456789\n");
            Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
            Files.writeString(config, """
                    cluster: { name: launchertest, secret-file: SECRET }
                    nodes:
                      - { name: s0, replication-address: 192.0.2.10, lan-address: 198.51.100.20 }
                    public-addresses:
                      - { address: 198.51.100.120/24, interface: eth1 }
                    health: { interval: 200ms, rise: 1, scripts: [ { name: ok, command: [/bin/true] } ] }
                    """.replace("SECRET", secret.toString()));
            LabProcess agent = lab.start(node, "env", "SAGENT_JAR=" + JAR, "SAGENT_CDS_ARCHIVE=", "sh",
                    LAUNCHER.toString(), "run",
                    "--config", config.toString(), "--runtime-dir", dir.toString(), "--state-dir", dir.toString());
            agent.awaitErrorLine(l -> l.contains("took 198.51.100.120/24 on eth1"), "the agent taking its address",
                    Duration.ofSeconds(40));
            assertTrue(lab.ip(node, "-o", "addr", "show", "dev", "eth1").stdout().contains("198.51.100.120/24"));

            // The control socket is root's: a user gets told so, not a stack trace.
            NetnsLab.Result asNobody = lab.exec(node, "setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "env", "SAGENT_JAR=" + JAR, "sh", LAUNCHER.toString(), "status", "--runtime-dir", dir.toString());
            assertEquals(3, asNobody.exitCode(), "the agent cannot be asked: " + asNobody.stdout() + asNobody.stderr());
            assertTrue(asNobody.stderr().startsWith("sagent status: permission denied on "), asNobody.stderr());
            assertTrue(asNobody.stderr().contains("run as root"), asNobody.stderr());
            assertFalse(asNobody.stderr().contains("Exception"), asNobody.stderr());

            agent.signal("TERM");
            assertEquals(0, agent.awaitExit(Duration.ofSeconds(20)), String.join("\n", agent.stderr()));
            assertTrue(agent.stderr().stream().anyMatch(l -> l.contains("stopping: SIGTERM")), agent.stderr().toString());
            assertFalse(lab.ip(node, "-o", "addr", "show", "dev", "eth1").stdout().contains("198.51.100.120/24"),
                    "a stopped agent leaves no address behind");
        }
    }

    /**
     * The shade filters keep what the agent loads and drop what it never does; that the slim jar
     * still runs is {@link #runServesInANamespaceAndHandsItsAddressBackOnSigterm} (JNA takes the
     * address, JGroups builds the stack).
     */
    @Test
    void theJarCarriesOnlyWhatTheAgentLoads() throws IOException {
        List<String> entries;
        List<String> named = new java.util.ArrayList<>();
        try (java.util.zip.ZipFile jar = new java.util.zip.ZipFile(JAR.toFile())) {
            entries = jar.stream().map(java.util.zip.ZipEntry::getName).toList();
            for (String map : List.of("jg-magic-map.xml", "jg-protocol-ids.xml")) {
                String xml = new String(jar.getInputStream(jar.getEntry(map)).readAllBytes(), StandardCharsets.UTF_8);
                // external="true": another project's protocol (RAFT...), loaded only if present.
                java.util.regex.Matcher name = java.util.regex.Pattern.compile("name=\"([\\w.$]+)\"(\\s+external)?")
                        .matcher(xml);
                while (name.find()) {
                    if (name.group(2) == null) {
                        named.add(name.group(1).replace('.', '/') + ".class");
                    }
                }
            }
        }
        // JGroups loads every class its maps name when it starts (MPerf's header is one of them).
        assertTrue(named.size() > 50, "the maps name " + named.size() + " classes");
        assertEquals(List.of(), named.stream().filter(c -> !entries.contains(c)).toList(),
                "classes JGroups loads at start");
        for (String needed : List.of("com/sun/jna/linux-x86-64/libjnidispatch.so",
                "com/sun/jna/linux-aarch64/libjnidispatch.so", "jg-magic-map.xml", "jg-protocol-ids.xml",
                "JGROUPS_VERSION.properties", "org/jgroups/JChannel.class",
                "org/sagent/agent/membership/membership-stack.xml",
                "io/prometheus/metrics/expositionformats/PrometheusTextFormatWriter.class")) {
            assertTrue(entries.contains(needed), needed + " is missing from " + JAR);
        }
        List<String> natives = entries.stream().filter(e -> e.matches("com/sun/jna/[^/]+/.*jnidispatch.*")).toList();
        assertEquals(List.of("com/sun/jna/linux-aarch64/libjnidispatch.so", "com/sun/jna/linux-x86-64/libjnidispatch.so"),
                natives.stream().sorted().toList(), "JNA natives for other systems than Linux on x86-64 and aarch64");
        List<String> unused = entries.stream().filter(e -> e.startsWith("org/jgroups/demos/")
                || e.matches("org/jgroups/tests/[^/]+\\.class") || e.startsWith("org/jgroups/tests/rt/")
                || e.startsWith("org/jgroups/tests/perf/UPerf") || e.matches("(udp|tcp|fast|relay\\d?|fork-stacks)\\.xml")
                || e.endsWith(".btm") || e.endsWith(".xsd")).toList();
        assertEquals(List.of(), unused, "JGroups' demos, tests and sample stacks");
    }

    @Test
    void runRefusesToStartWhenNoNodeMatches(@TempDir Path dir) throws Exception {
        Ran ran = run(dir, "run", "--config", exampleWithASecret(dir).toString());
        assertEquals(1, ran.status(), ran.err());
        assertTrue(ran.err().contains("not starting: this machine has none of the nodes' replication addresses"), ran.err());
    }

    /**
     * The daemon's class-data archive: a run writes it as the JVM exits, later runs map it once
     * a run has lasted (a refused start's is made again), a new jar gets a new one, and a broken
     * one never stops the agent from starting.
     */
    @Test
    void runMakesItsClassArchiveOnceRenewsItForANewJarAndStartsPastABrokenOne(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("sagent.jar");
        Files.copy(JAR, jar);
        Path archive = dir.resolve("cache/sagent.jsa");
        Files.createDirectories(archive.getParent());
        java.util.Map<String, String> env = java.util.Map.of("SAGENT_JAR", jar.toString(),
                "SAGENT_CDS_ARCHIVE", archive.toString());
        String config = exampleWithASecret(dir).toString();
        String refusal = "not starting: this machine has none of the nodes' replication addresses";

        Ran refused = run(dir, env, "run", "--config", config);
        assertEquals(1, refused.status(), refused.err());
        assertTrue(refused.err().contains(refusal), refused.err());
        assertTrue(Files.size(archive) > 1_000_000, "the JVM wrote the archive as it exited");
        java.nio.file.attribute.FileTime brief = Files.getLastModifiedTime(archive);
        Ran again = run(dir, env, "run", "--config", config);
        assertEquals(1, again.status(), again.err());
        assertFalse(brief.equals(Files.getLastModifiedTime(archive)), "a run of a second is made again");

        lastedAMinute(archive); // as a serving agent's run does
        java.nio.file.attribute.FileTime made = Files.getLastModifiedTime(archive);

        Ran second = run(dir, env, "run", "--config", config);
        assertEquals(1, second.status(), second.err());
        assertEquals(made, Files.getLastModifiedTime(archive), "the archive is mapped, not made again");

        // An upgrade: a new file, built at another time.
        Files.copy(JAR, jar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.setLastModifiedTime(jar, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 86_400_000));
        Ran upgraded = run(dir, env, "run", "--config", config);
        assertEquals(1, upgraded.status(), upgraded.err());
        assertFalse(made.equals(Files.getLastModifiedTime(archive)), "a new jar, a new archive");

        Files.delete(archive);
        Files.writeString(archive, "not an archive");
        lastedAMinute(archive); // so that the launcher maps it
        Ran broken = run(dir, env, "run", "--config", config);
        assertEquals(1, broken.status(), broken.err());
        assertTrue(broken.err().contains(refusal), "the agent ran past a broken archive: " + broken.out() + broken.err());
    }

    /**
     * A client command maps the daemon's archive when it is current, with the same output as
     * without it, never writes one, and runs past a broken one without a word on stdout.
     */
    @Test
    void clientCommandsMapTheDaemonsArchiveWhenCurrentAndRunPastABrokenOne(@TempDir Path dir) throws Exception {
        Path jar = dir.resolve("sagent.jar");
        Files.copy(JAR, jar);
        Path archive = dir.resolve("cache/sagent.jsa");
        Files.createDirectories(archive.getParent());
        String config = exampleWithASecret(dir).toString();
        Ran plain = run(dir, java.util.Map.of("SAGENT_JAR", jar.toString(), "SAGENT_CDS_ARCHIVE", ""),
                "check-config", config);
        assertEquals(0, plain.status(), plain.err());

        Ran clientFirst = run(dir, java.util.Map.of("SAGENT_JAR", jar.toString(), "SAGENT_CDS_ARCHIVE",
                archive.toString()), "check-config", config);
        assertEquals(plain.out(), clientFirst.out());
        assertFalse(Files.exists(archive), "a client command made an archive");

        Ran daemon = run(dir, java.util.Map.of("SAGENT_JAR", jar.toString(), "SAGENT_CDS_ARCHIVE", archive.toString()),
                "run", "--config", config);
        assertEquals(1, daemon.status(), daemon.err());
        lastedAMinute(archive);
        Path classes = dir.resolve("classes.log");
        Ran mapped = run(dir, java.util.Map.of("SAGENT_JAR", jar.toString(), "SAGENT_CDS_ARCHIVE", archive.toString(),
                "SAGENT_JAVA_OPTS", "-Xlog:class+load=info:file=" + classes), "check-config", config);
        assertEquals(0, mapped.status(), mapped.err());
        assertEquals(plain.out(), mapped.out(), "the same answer with the archive");
        assertTrue(Files.readAllLines(classes).stream().anyMatch(l -> l.contains("org.sagent.agent.config.")
                && l.contains("shared objects file (top)")), "the agent's classes came from the daemon's archive");

        Files.delete(archive);
        Files.writeString(archive, "not an archive");
        lastedAMinute(archive);
        Ran broken = run(dir, java.util.Map.of("SAGENT_JAR", jar.toString(), "SAGENT_CDS_ARCHIVE", archive.toString()),
                "check-config", config);
        assertEquals(0, broken.status(), broken.err());
        assertEquals(plain.out(), broken.out(), "nothing about the broken archive on stdout");
    }

    /** Makes {@code archive} look written by a run that lasted a minute (its .for file is written at the start). */
    private static void lastedAMinute(Path archive) throws IOException {
        Files.setLastModifiedTime(archive.resolveSibling(archive.getFileName() + ".for"),
                java.nio.file.attribute.FileTime.fromMillis(Files.getLastModifiedTime(archive).toMillis() - 60_000));
    }

    @Test
    void theDrbdHandlersRunWithoutTheJvmAndNeverExitZeroWithoutAnAgent(@TempDir Path dir) throws Exception {
        Ran help = run(dir, "fence-peer", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().startsWith("usage: sagent fence-peer [--runtime-dir DIR] [--deadline SECONDS] [RESOURCE]"),
                help.out());
        // No agent behind the socket: the handler keeps asking until its deadline, then fails (I/O stays frozen).
        Ran alone = run(dir, "fence-peer", "--runtime-dir", dir.toString(), "--deadline", "1", "r0");
        assertEquals(1, alone.status(), alone.err());
        assertTrue(alone.err().contains("fence-peer r0 (DRBD lost the peer ?, I/O frozen): the agent cannot be asked "
                + "(cannot connect to " + dir + "/sagent.sock"), alone.err());
        assertTrue(alone.err().contains("no decision within"), alone.err());
        Ran unfence = run(dir, "unfence-peer", "--runtime-dir", dir.toString(), "r0");
        assertEquals(0, unfence.status(), unfence.err());
        Ran wrong = run(dir, "fence-peer", "--bogus");
        assertEquals(2, wrong.status(), wrong.err());
        assertTrue(wrong.err().contains("unknown option '--bogus'"), wrong.err());
    }
}
