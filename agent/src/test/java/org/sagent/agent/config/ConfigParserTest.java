package org.sagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

public class ConfigParserTest {

    public static final String MINIMAL = """
            cluster: { name: c1, secret-file: /etc/sagent/secret }
            nodes:
              - { name: a, replication-address: 192.0.2.1, lan-address: 198.51.100.1 }
              - { name: b, replication-address: 192.0.2.2, lan-address: 198.51.100.2 }
              - { name: c, replication-address: 192.0.2.3, lan-address: 198.51.100.3 }
            public-addresses:
              - { address: 198.51.100.101/24, interface: eth1 }
              - { address: 198.51.100.102/24, interface: eth1 }
              - { address: 198.51.100.103/24, interface: eth1 }
              - { address: 198.51.100.104/24, interface: eth1 }
            health:
              samba: {}
            """;

    public static SagentConfig valid(String text) {
        ConfigResult result = ConfigParser.parse("t.yaml", text);
        return assertInstanceOf(ConfigResult.Valid.class, result, () -> "problems: " + result.problems()).config();
    }

    @Test
    void readsEveryValueOfACompleteFile() throws Exception {
        Path file = TestSecret.goodConfig();
        ConfigResult result = ConfigParser.parseFile(file);
        SagentConfig config = assertInstanceOf(ConfigResult.Valid.class, result, result.problems()::toString).config();

        assertEquals(new ClusterSettings("testcluster", 7800, 7801, TestSecret.file()), config.cluster());
        assertEquals(List.of(
                new NodeSpec("s0", 0, InetAddress.getByName("192.0.2.10"), InetAddress.getByName("198.51.100.20")),
                new NodeSpec("s1", 1, InetAddress.getByName("192.0.2.11"), InetAddress.getByName("198.51.100.21"))),
                config.nodes());
        assertEquals(List.of(
                new PublicAddressSpec(IpPrefix.parse("198.51.100.120/24").orElseThrow(), "eth1", "s0"),
                new PublicAddressSpec(IpPrefix.parse("198.51.100.121/24").orElseThrow(), "eth1", "s1")),
                config.publicAddresses());
        assertEquals(new FailoverSettings(Duration.ofMillis(200), Duration.ofSeconds(1), FailbackMode.AUTO,
                Duration.ofSeconds(30), Duration.ofMillis(50), Duration.ofMillis(40)), config.failover());
        assertEquals(new AnnounceSettings(3, Duration.ofMillis(100)), config.announce());
        assertEquals(new ProbeSettings(3, Duration.ofMillis(20), Duration.ofMillis(60)), config.probe());
        HealthSettings health = config.health();
        assertEquals(Duration.ofSeconds(2), health.interval());
        assertEquals(Duration.ofMillis(1500), health.timeout());
        assertEquals(2, health.rise());
        assertEquals(3, health.fall());
        assertEquals(List.of("sstorage"), health.drbd().orElseThrow().resources());
        assertEquals(new HealthSettings.Ocfs2(Path.of("/srv/scluster"), "scluster"), health.ocfs2().orElseThrow());
        assertEquals(Optional.of("smbd.service"), health.samba().orElseThrow().unit());
        assertEquals(List.of(new HealthSettings.Script("always-fine", List.of("/bin/true"), Duration.ofSeconds(1))),
                health.scripts());
        assertTrue(result.problems().isEmpty(), result.problems().toString());
    }

    @Test
    void fillsDefaultsAndGivesHomesRoundRobin() {
        SagentConfig config = valid(MINIMAL);

        assertEquals(ClusterSettings.DEFAULT_PORT, config.cluster().port());
        assertEquals(List.of("a", "b", "c", "a"), config.publicAddresses().stream().map(PublicAddressSpec::home).toList());
        assertEquals(List.of(0, 1, 2), config.nodes().stream().map(NodeSpec::number).toList());
        assertEquals(FailoverSettings.DEFAULT_FAILURE_TIMEOUT, config.failover().failureTimeout());
        assertEquals(FailbackMode.AUTO, config.failover().failback());
        assertEquals(AnnounceSettings.DEFAULT_COUNT, config.announce().count());
        assertEquals(ProbeSettings.DEFAULT_WAIT, config.probe().answerWait());
        assertEquals(HealthSettings.DEFAULT_RISE, config.health().rise());
        assertEquals(Optional.of("smbd.service"), config.health().samba().orElseThrow().unit(),
                "an empty samba section checks smbd.service");
    }

    @Test
    void defaultHomesFollowNodeNumbersNotListOrder() {
        SagentConfig config = valid(MINIMAL.replace("name: a,", "name: a, number: 2,").replace("name: c,", "name: c, number: 0,"));
        assertEquals(List.of("c", "b", "a", "c"), config.publicAddresses().stream().map(PublicAddressSpec::home).toList());
    }

    @Test
    void acceptsIpv6Everywhere() {
        SagentConfig config = valid("""
                cluster: { name: v6, secret-file: /etc/sagent/secret }
                nodes:
                  - { name: a, replication-address: "2001:db8:1::1", lan-address: "2001:db8:2::1" }
                  - { name: b, replication-address: "2001:db8:1::2", lan-address: "2001:db8:2::2" }
                public-addresses:
                  - { address: "2001:db8:2::100/64", interface: eth1 }
                health: { scripts: [ { name: ok, command: [/bin/true] } ] }
                """);
        assertEquals("2001:db8:2:0:0:0:0:100/64", config.publicAddresses().get(0).address().toString());
        assertEquals(HealthSettings.DEFAULT_TIMEOUT, config.health().scripts().get(0).timeout());
    }

    @Test
    void metricsAreServedOnEachNodesLanAddressByDefaultAndForAPortAlone() throws Exception {
        SagentConfig defaults = valid(MINIMAL);
        NodeSpec b = defaults.node("b").orElseThrow();
        assertEquals(Optional.of(new InetSocketAddress(InetAddress.getByName("198.51.100.2"), 9775)),
                defaults.metrics().endpointOf(b), "never 0.0.0.0: that includes the public addresses");
        assertEquals(Optional.of(new InetSocketAddress(InetAddress.getByName("198.51.100.2"), 9100)),
                valid(MINIMAL + "metrics: { listen: 9100 }\n").metrics().endpointOf(b));
        assertEquals(Optional.of(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 9775)),
                valid(MINIMAL + "metrics: { listen: 127.0.0.1:9775 }\n").metrics().endpointOf(b));
        assertEquals(Optional.of(new InetSocketAddress(InetAddress.getByName("::1"), 9775)),
                valid(MINIMAL + "metrics: { listen: \"[::1]:9775\" }\n").metrics().endpointOf(b));
        assertEquals(Optional.empty(), valid(MINIMAL + "metrics: { listen: off }\n").metrics().endpointOf(b));
    }

    @Test
    void warnsButAcceptsMetricsOnEveryAddress() {
        ConfigResult result = ConfigParser.parse("t.yaml", MINIMAL + "metrics: { listen: 0.0.0.0:9775 }\n");
        ConfigResult.Valid valid = assertInstanceOf(ConfigResult.Valid.class, result, result.problems()::toString);
        assertEquals(List.of("t.yaml:13:20: warning: metrics.listen: 0.0.0.0 serves /metrics on every address of the "
                + "node, the public addresses included (to the clients, wherever the addresses move); write the port "
                + "alone (9775) to serve on each node's lan-address only"),
                valid.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void refusesMetricsOnAPublicAddressOfEitherFamily() {
        ConfigResult v4 = ConfigParser.parse("t.yaml", MINIMAL + "metrics: { listen: 198.51.100.103:9775 }\n");
        assertTrue(v4.problems().get(0).toString().startsWith("t.yaml:13:20: error: metrics.listen: 198.51.100.103 is "
                + "a public address"), v4.problems().toString());
        ConfigResult v6 = ConfigParser.parse("t.yaml", """
                cluster: { name: v6, secret-file: /etc/sagent/secret }
                nodes:
                  - { name: a, replication-address: "2001:db8:1::1", lan-address: "2001:db8:2::1" }
                public-addresses:
                  - { address: "2001:db8:2::100/64", interface: eth1 }
                health: { samba: {} }
                metrics: { listen: "[2001:db8:2:0::100]:9775" }
                """);
        assertTrue(v6.problems().get(0).toString().startsWith("t.yaml:7:20: error: metrics.listen: 2001:db8:2:0:0:0:0:100 "
                + "is a public address"), v6.problems().toString());
    }

    @Test
    void refusesMetricsOnOneNodesOwnAddressWhichTheOthersCannotListenOn() {
        ConfigResult lan = ConfigParser.parse("t.yaml", MINIMAL + "metrics: { listen: 198.51.100.2:9775 }\n");
        assertEquals(List.of("t.yaml:13:20: error: metrics.listen: 198.51.100.2 is b's own address, and every node "
                + "reads this file; write the port alone (9775) and each node serves on its own lan-address"),
                lan.problems().stream().map(ConfigProblem::toString).toList());
        ConfigResult replication = ConfigParser.parse("t.yaml", MINIMAL + "metrics: { listen: 192.0.2.1:9775 }\n");
        assertTrue(replication.problems().get(0).toString().startsWith("t.yaml:13:20: error: metrics.listen: "
                + "192.0.2.1 is a's own address"), replication.problems().toString());
    }

    @Test
    void manualFailbackIsCaseInsensitive() {
        assertEquals(FailbackMode.MANUAL, valid(MINIMAL + "failover: { failback: Manual }\n").failover().failback());
    }

    @Test
    void warnsButAcceptsAFileWithoutHealthChecks() {
        ConfigResult result = ConfigParser.parse("t.yaml", MINIMAL.replace("health:\n  samba: {}\n", ""));
        ConfigResult.Valid valid = assertInstanceOf(ConfigResult.Valid.class, result, result.problems()::toString);
        assertEquals(1, valid.problems().size());
        assertTrue(valid.problems().get(0).toString().startsWith("t.yaml:1:1: warning: no health checks are configured"),
                valid.problems().toString());
    }

    @Test
    void warnsWhenAScriptIsNotExecutableHere() {
        ConfigResult result = ConfigParser.parse("t.yaml", MINIMAL.replace("samba: {}",
                "scripts: [ { name: x, command: [/nonexistent/check] } ]"));
        ConfigResult.Valid valid = assertInstanceOf(ConfigResult.Valid.class, result, result.problems()::toString);
        assertEquals("t.yaml:12:35: warning: health.scripts[0].command: /nonexistent/check is not an executable file "
                + "on this machine; the check will fail until it is", valid.problems().get(0).toString());
    }

    @Test
    void theFastPathsTimingsOfEarlierReleasesStillReadAsWritten() {
        SagentConfig config = valid(MINIMAL + """
                failover: { carrier-poll-interval: 50ms, peer-check-timeout: 100ms }
                probe: { count: 3, interval: 20ms, wait: 60ms }
                """);
        assertEquals(Duration.ofMillis(100), config.failover().peerCheckTimeout());
        assertEquals(new ProbeSettings(3, Duration.ofMillis(20), Duration.ofMillis(60)), config.probe());
    }

    @Test
    void thePeerCheckTimeoutIsRefusedOutsideItsRange() {
        ConfigResult result = ConfigParser.parse("t.yaml", MINIMAL + """
                failover: { peer-check-timeout: 5ms }
                """);
        assertEquals(List.of("t.yaml:13:33: error: failover.peer-check-timeout: 5ms is out of range; write a duration "
                + "from 10ms to 2s"), result.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void theDefaultsMakeThePeerCheckAndTheProbeOneRoundOf80Ms() {
        SagentConfig config = valid(MINIMAL);
        assertEquals(Duration.ofMillis(40), config.failover().peerCheckTimeout());
        assertEquals(new ProbeSettings(3, Duration.ofMillis(20), Duration.ofMillis(40)), config.probe());
    }

    @Test
    void reportsEveryErrorOfAFileInOneRun() {
        ConfigResult result = ConfigParser.parse("t.yaml", MINIMAL + """
                failover: { failback: sometimes, failback-delay: soon }
                announce: { count: 0 }
                """);
        assertEquals(List.of(
                "t.yaml:13:23: error: failover.failback: 'sometimes' is not a failback mode; write auto or manual",
                "t.yaml:13:50: error: failover.failback-delay: 'soon' is not a duration; write a number and a unit, e.g. 200ms, 2s, 1m",
                "t.yaml:14:20: error: announce.count: 0 is out of range; write a number from 1 to 30"),
                result.problems().stream().map(ConfigProblem::toString).toList());
    }

    @Test
    void aMissingFileSaysWhereTheExampleIs() {
        ConfigResult result = ConfigParser.parseFile(Path.of("/nonexistent/sagent.yaml"));
        assertEquals("/nonexistent/sagent.yaml:1:1: error: no such file; create it (cp "
                + "/usr/share/sagent/sagent.yaml.example /etc/sagent/sagent.yaml: the package's commented example) or "
                + "give its path", result.problems().get(0).toString());
    }

    @Test
    void aDirectoryIsNotAFile() {
        ConfigResult result = ConfigParser.parseFile(Path.of("/"));
        assertTrue(result.problems().get(0).message().startsWith("is a directory"), result.problems().toString());
    }

    @Test
    void aSecretFileMustExistBeLongEnoughAndReadableByItsOwnerOnly(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        Path secret = dir.resolve("secret");
        String withSecret = MINIMAL.replace(TestSecret.PACKAGED, secret.toString());

        ConfigResult missing = ConfigParser.parseAndCheckFiles("t.yaml", withSecret);
        assertTrue(missing.problems().get(0).toString().startsWith("t.yaml:1:35: error: cluster.secret-file: " + secret
                + " does not exist; create it on one node (head -c 32 /dev/urandom | base64 > "),
                missing.problems().toString());

        java.nio.file.Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
        java.nio.file.Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        ConfigResult open = ConfigParser.parseAndCheckFiles("t.yaml", withSecret);
        assertEquals("t.yaml:1:35: error: cluster.secret-file: " + secret + " is readable by others (mode rw-r--r--): "
                + "anyone who reads it can speak for a node on the LAN; chmod 600 " + secret,
                open.problems().get(0).toString());

        java.nio.file.Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        SagentConfig config = assertInstanceOf(ConfigResult.Valid.class, ConfigParser.parseAndCheckFiles("t.yaml",
                withSecret)).config();
        assertEquals(secret, config.cluster().secretFile());
        assertEquals(7801, config.cluster().lanPort());

        java.nio.file.Files.writeString(secret, "short");
        assertTrue(ConfigParser.parseAndCheckFiles("t.yaml", withSecret).problems().get(0).message()
                .contains("fewer than 16 bytes"));
    }

    @Test
    void theSecretIsRequiredAndItsFileIsCheckedAfterTheText() {
        ConfigResult without = ConfigParser.parse("t.yaml", MINIMAL.replace(", secret-file: " + TestSecret.PACKAGED,
                ""));
        assertEquals("t.yaml:1:10: error: cluster.secret-file is missing: the agents authenticate everything they "
                + "tell each other with a shared secret; create it on one node (head -c 32 /dev/urandom | base64 > "
                + "/etc/sagent/secret; chmod 600 /etc/sagent/secret), copy it to the others, and add secret-file: "
                + "/etc/sagent/secret under cluster:", without.problems().get(0).toString());

        String alsoWrong = MINIMAL.replace(TestSecret.PACKAGED, "/nonexistent/secret").replace("192.0.2.1,", "192.0.2.1/24,");
        List<ConfigProblem> problems = ConfigParser.parseAndCheckFiles("t.yaml", alsoWrong).problems();
        assertTrue(problems.size() >= 1 && problems.get(problems.size() - 1).message().startsWith(
                "cluster.secret-file: /nonexistent/secret does not exist"), problems.toString());
        assertTrue(ConfigParser.parse("t.yaml", MINIMAL.replace(TestSecret.PACKAGED, "/nonexistent/secret"))
                instanceof ConfigResult.Valid, "the text alone does not look at the file");
    }
}
