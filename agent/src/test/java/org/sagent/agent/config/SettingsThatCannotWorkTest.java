package org.sagent.agent.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Settings that every section reader used to accept although the cluster could never work with
 * them: each is refused with its line, column and what to write instead. The files are
 * good.yaml with one thing changed; the expected line is found in the text, so that a key added
 * to good.yaml moves no expectation.
 */
class SettingsThatCannotWorkTest {

    private static String good() throws Exception {
        return Files.readString(Path.of(SettingsThatCannotWorkTest.class.getResource("/config/good.yaml").toURI()));
    }

    private static String goodWith(String from, String to) throws Exception {
        String good = good();
        assertTrue(good.contains(from), "good.yaml has no '" + from + "'");
        return good.replace(from, to);
    }

    /** The errors of {@code text}, as check-config prints them. */
    private static List<String> errors(String text) {
        return errors(ConfigParser.parse("t.yaml", text));
    }

    private static List<String> errors(ConfigResult result) {
        assertInstanceOf(ConfigResult.Invalid.class, result, "accepted, with: " + result.problems());
        return result.problems().stream().filter(ConfigProblem::isError).map(ConfigProblem::toString).toList();
    }

    /** The number of the first line of {@code text} that contains {@code fragment}. */
    private static int lineOf(String text, String fragment) {
        List<String> lines = text.lines().toList();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(fragment)) {
                return i + 1;
            }
        }
        throw new AssertionError("no line contains '" + fragment + "'");
    }

    /** "t.yaml:LINE:COLUMN: error: " for the line of {@code text} that holds {@code fragment}. */
    private static String at(String text, String fragment, int column) {
        return "t.yaml:" + lineOf(text, fragment) + ":" + column + ": error: ";
    }

    /** good.yaml naming {@code secret} as its cluster secret, in place of any it names. */
    private static String withSecret(Path secret) throws Exception {
        String good = good().replaceFirst("(?m)^  secret-file: .*\\n", "");
        assertTrue(good.contains("cluster:\n"), "good.yaml has no cluster section");
        return good.replaceFirst("cluster:\n",
                java.util.regex.Matcher.quoteReplacement("cluster:\n  secret-file: " + secret + "\n"));
    }

    private static void assertRefused(String expected, String text) {
        List<String> errors = errors(text);
        assertTrue(errors.contains(expected), "expected\n  " + expected + "\namong\n  " + String.join("\n  ", errors));
    }

    private static SagentConfig assertAccepted(String text) {
        ConfigResult result = ConfigParser.parse("t.yaml", text);
        return assertInstanceOf(ConfigResult.Valid.class, result, () -> "refused: " + result.problems()).config();
    }

    // ---- isolation: exactly the two DRBD peers

    @Test
    void isolationWithThreeNodesIsRefusedAtTheSection() throws Exception {
        String threeNodes = goodWith("public-addresses:\n", "  - name: s2\n    replication-address: 192.0.2.12\n"
                + "    lan-address: 198.51.100.22\npublic-addresses:\n");
        assertAccepted(threeNodes);
        String text = threeNodes + "isolation:\n  witnesses: [198.51.100.1]\n";
        assertRefused(at(text, "isolation:", 1) + "isolation: needs exactly two nodes, the two DRBD peers, and nodes "
                + "lists 3; isolation arbitrates between a node and its one DRBD peer: remove the isolation section, or "
                + "list the two servers of the DRBD resource only", text);
    }

    @Test
    void isolationWithOneNodeIsRefusedToo() throws Exception {
        String oneNode = goodWith("  - name: s1\n    replication-address: 192.0.2.11\n    lan-address: 198.51.100.21\n",
                "").replace(", home: s1 }", " }");
        String text = oneNode + "isolation:\n  witnesses: [198.51.100.1]\n";
        assertRefused(at(text, "isolation:", 1) + "isolation: needs exactly two nodes, the two DRBD peers, and nodes "
                + "lists 1; isolation arbitrates between a node and its one DRBD peer: remove the isolation section, or "
                + "list the two servers of the DRBD resource only", text);
    }

    // ---- public addresses on the LAN

    @Test
    void aPublicAddressInAnotherSubnetThanTheNodesLanAddressesIsRefused() throws Exception {
        String text = goodWith("198.51.100.120/24", "203.0.113.120/24");
        assertRefused(at(text, "203.0.113.120/24", 16) + "public-addresses[0].address: 203.0.113.120/24 is outside "
                + "the LAN: s0's lan-address 198.51.100.20, s1's lan-address 198.51.100.21 are not in 203.0.113.0/24; "
                + "write an address of the LAN's subnet with the LAN's prefix length (ip -brief address shows it beside "
                + "the lan-address)", text);
    }

    @Test
    void aPrefixTooLongToHoldTheNodesIsRefusedNamingOnlyTheNodesOutside() throws Exception {
        // 198.51.100.120/27 is .96-.127: s0 (.20) and s1 (.21) are both outside; /26 (.64-.127) too.
        String host = goodWith("198.51.100.120/24", "198.51.100.120/32");
        assertRefused(at(host, "198.51.100.120/32", 16) + "public-addresses[0].address: 198.51.100.120/32 is outside "
                + "the LAN: s0's lan-address 198.51.100.20, s1's lan-address 198.51.100.21 are not in 198.51.100.120/32; "
                + "write an address of the LAN's subnet with the LAN's prefix length (ip -brief address shows it beside "
                + "the lan-address)", host);
        String oneOutside = goodWith("lan-address: 198.51.100.21", "lan-address: 198.51.100.200")
                .replace("198.51.100.120/24", "198.51.100.120/25").replace("198.51.100.121/24", "198.51.100.121/25");
        assertRefused(at(oneOutside, "198.51.100.120/25", 16) + "public-addresses[0].address: 198.51.100.120/25 is "
                + "outside the LAN: s1's lan-address 198.51.100.200 is not in 198.51.100.0/25; write an address of the LAN's subnet "
                + "with the LAN's prefix length (ip -brief address shows it beside the lan-address)", oneOutside);
    }

    @Test
    void aWiderPrefixThatHoldsTheNodesIsTheLansAndAccepted() throws Exception {
        SagentConfig config = assertAccepted(goodWith("198.51.100.120/24", "198.51.100.120/16")
                .replace("198.51.100.121/24", "198.51.100.121/16"));
        assertEquals(16, config.publicAddresses().get(1).address().prefixLength());
    }

    @Test
    void publicAddressesOfOneSubnetWithDifferentPrefixLengthsAreRefused() throws Exception {
        String text = goodWith("198.51.100.121/24", "198.51.100.121/16");
        assertRefused(at(text, "198.51.100.121/16", 16) + "public-addresses[1].address: 198.51.100.121/16 is in the "
                + "subnet of public-addresses[0].address (198.51.100.120/24, line " + lineOf(text, "198.51.100.120/24")
                + ") with another prefix length; the addresses of one LAN share its prefix length: write "
                + "198.51.100.121/24 or correct the other", text);
    }

    @Test
    void aPublicAddressOfTheOtherFamilyIsNotHeldToTheLanAddressesPrefix() throws Exception {
        SagentConfig config = assertAccepted(goodWith("public-addresses:\n",
                "public-addresses:\n  - { address: \"2001:db8::120/64\", interface: eth1, home: s0 }\n"));
        assertEquals(3, config.publicAddresses().size());
        String text = goodWith("public-addresses:\n", "public-addresses:\n  - { address: \"2001:db8::120/64\", "
                + "interface: eth1 }\n  - { address: \"2001:db8::121/48\", interface: eth1 }\n");
        assertRefused(at(text, "2001:db8::121/48", 16) + "public-addresses[1].address: 2001:db8:0:0:0:0:0:121/48 is in "
                + "the subnet of public-addresses[0].address (2001:db8:0:0:0:0:0:120/64, line "
                + lineOf(text, "2001:db8::120/64") + ") with another prefix length; the addresses of one LAN share its "
                + "prefix length: write 2001:db8:0:0:0:0:0:121/64 or correct the other", text);
    }

    // ---- names, timings, ports, addresses, mount

    @Test
    void anEmptyClusterNameIsRefused() throws Exception {
        for (String empty : List.of("\"\"", "'  '")) {
            String text = goodWith("name: testcluster", "name: " + empty);
            assertRefused(at(text, "name: " + empty, 9) + "cluster.name: is empty; write name: scluster", text);
        }
    }

    @Test
    void anEmptyNodeNameIsRefused() throws Exception {
        String text = goodWith("- name: s0", "- name: \"\"").replace("home: s0", "home: s1");
        assertRefused(at(text, "- name: \"\"", 11) + "nodes[0].name: is empty; write name: s0", text);
    }

    @Test
    void aHealthTimeoutNoCheckCanMeetIsRefused() throws Exception {
        // As written, as the message prints it.
        for (List<String> tooShort : List.of(List.of("0s", "0ms"), List.of("99ms", "99ms"))) {
            String text = goodWith("timeout: 1500ms", "timeout: " + tooShort.get(0));
            assertRefused(at(text, "timeout: " + tooShort.get(0), 12) + "health.timeout (" + tooShort.get(1) + ") is "
                    + "too short for any check to finish, so this node would never become healthy; write timeout: "
                    + "100ms or more (at most health.interval, 2s)", text);
        }
        assertEquals(java.time.Duration.ofMillis(100),
                assertAccepted(goodWith("timeout: 1500ms", "timeout: 100ms")).health().timeout());
    }

    @Test
    void aScriptTimeoutNoCheckCanMeetIsRefused() throws Exception {
        String text = goodWith("command: [/bin/true], timeout: 1s", "command: [/bin/true], timeout: 0ms");
        assertRefused(at(text, "timeout: 0ms", 59) + "health.scripts[0].timeout (0ms) is too short for any check to "
                + "finish, so this node would never become healthy; write timeout: 100ms or more (at most "
                + "health.interval, 2s)", text);
    }

    @Test
    void aHeartbeatAsLongAsTheFailureTimeoutIsRefused() throws Exception {
        String equal = goodWith("heartbeat-interval: 200ms", "heartbeat-interval: 1s");
        String expected = at(equal, "failure-timeout: 1s", 20) + "failover.failure-timeout (1s) must be at least "
                + "twice failover.heartbeat-interval (1s), or one late heartbeat fails a healthy node over; write "
                + "failure-timeout: 5s or lower the heartbeat interval";
        assertRefused(expected, equal);
        assertRefused(expected.replace("(1s), or", "(2s), or").replace("failure-timeout: 5s", "failure-timeout: 10s"),
                goodWith("heartbeat-interval: 200ms", "heartbeat-interval: 2s"));
    }

    @Test
    void aPortWhoseFailureDetectionPortIsBeyond65535IsRefused() throws Exception {
        String high = goodWith("port: 7800", "port: 65500");
        assertRefused(at(high, "port: 65500", 9) + "cluster.port: 65500 is out of range: the agents' failure "
                + "detection listens on port + 100 (65600), beyond 65535; write a number from 1 to 65435", high);
        String zero = goodWith("port: 7800", "port: 0");
        assertRefused(at(zero, "port: 0", 9) + "cluster.port: 0 is out of range; write a number from 1 to 65435", zero);
        String lan = goodWith("port: 7800", "port: 7800\n  lan-port: 65436");
        assertRefused(at(lan, "lan-port: 65436", 13) + "cluster.lan-port: 65436 is out of range: the agents' failure "
                + "detection listens on lan-port + 100 (65536), beyond 65535; write a number from 1 to 65435", lan);
    }

    @Test
    void aPortThatLeavesNoRoomForTheDefaultLanPortIsRefused() throws Exception {
        String text = goodWith("port: 7800", "port: 65435");
        assertRefused(at(text, "port: 65435", 9) + "cluster.port: 65435 leaves no room for cluster.lan-port, which "
                + "defaults to port + 1 (65436) and whose failure detection listens on that + 100 (65536), beyond "
                + "65535; write port: 65434 or lower, or set lan-port", text);
        SagentConfig config = assertAccepted(goodWith("port: 7800", "port: 65435\n  lan-port: 65434"));
        assertEquals(65434, config.cluster().lanPort());
        assertEquals(65435, assertAccepted(goodWith("port: 7800", "port: 65434")).cluster().lanPort());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
        "replication-address: 192.0.2.10|replication-address: 0.0.0.0|26|nodes[0].replication-address: 0.0.0.0 "
                + "is the unspecified address (any), not the node's own; write the address this node has on the "
                + "replication link, e.g. 10.0.0.10",
        "replication-address: 192.0.2.10|replication-address: 127.0.0.1|26|nodes[0].replication-address: "
                + "127.0.0.1 is a loopback address, not the node's own; write the address this node has on the "
                + "replication link, e.g. 10.0.0.10",
        "replication-address: 192.0.2.11|replication-address: 224.0.0.1|26|nodes[1].replication-address: "
                + "224.0.0.1 is a multicast address, not the node's own; write the address this node has on the "
                + "replication link, e.g. 10.0.0.11",
        "replication-address: 192.0.2.10|replication-address: '::'|26|nodes[0].replication-address: 0:0:0:0:0:0:0:0 "
                + "is the unspecified address (any), not the node's own; write the address this node has on the "
                + "replication link, e.g. 10.0.0.10",
        "lan-address: 198.51.100.20|lan-address: 255.255.255.255|18|nodes[0].lan-address: 255.255.255.255 is "
                + "the broadcast address, not the node's own; write the address this node has on the LAN, e.g. "
                + "172.20.0.20",
        "lan-address: 198.51.100.21|lan-address: '::1'|18|nodes[1].lan-address: 0:0:0:0:0:0:0:1 is a loopback "
                + "address, not the node's own; write the address this node has on the LAN, e.g. 172.20.0.21",
    })
    void aNodeAddressThatNamesNoSingleHostIsRefused(String from, String to, int column, String message)
            throws Exception {
        String text = goodWith(from, to);
        assertRefused(at(text, to, column) + message, text);
    }

    @Test
    void aLanAddressThatNamesNoHostIsNotReportedAgainAsOutsideThePublicAddressesLan() throws Exception {
        String text = goodWith("lan-address: 198.51.100.20", "lan-address: 127.0.0.1");
        assertEquals(List.of(at(text, "lan-address: 127.0.0.1", 18) + "nodes[0].lan-address: 127.0.0.1 is a loopback "
                + "address, not the node's own; write the address this node has on the LAN, e.g. 172.20.0.20"),
                errors(text));
    }

    @Test
    void theRootDirectoryIsNeverTheOcfs2Mount() throws Exception {
        for (String root : List.of("/", "//", "/srv/..")) {
            String text = goodWith("mount: /srv/scluster", "mount: " + root);
            assertRefused(at(text, "mount: " + root, 12) + "health.ocfs2.mount: '" + root + "' is the root file "
                    + "system, never the shared OCFS2 volume; write its own mount point as in /etc/fstab, e.g. "
                    + "/srv/scluster", text);
        }
        String relative = goodWith("mount: /srv/scluster", "mount: srv/scluster");
        assertRefused(at(relative, "mount: srv/scluster", 12) + "health.ocfs2.mount: 'srv/scluster' is not an absolute "
                + "path; write the mount point as in /etc/fstab, e.g. /srv/scluster", relative);
    }

    // ---- hostile YAML

    @Test
    void aFileNestedThousandsOfLevelsDeepGetsOneLineNotAStackTrace() {
        for (String deep : List.of("cluster: " + "[".repeat(5000) + "]".repeat(5000) + "\n",
                "cluster: " + "{a: ".repeat(5000) + "}".repeat(5000) + "\n",
                "- ".repeat(5000) + "x\n")) {
            List<String> errors = errors(deep);
            assertEquals(1, errors.size(), errors.toString());
            assertTrue(errors.get(0).matches("t\\.yaml:1:\\d+: error: nested more than 50 levels deep, and a sagent "
                    + "configuration needs at most 5; check the indentation and the brackets around this line"),
                    errors.get(0));
        }
    }

    @Test
    void nestingUpToTheLimitIsOnlyJudgedAsConfiguration() {
        List<String> errors = errors("cluster: " + "[".repeat(49) + "]".repeat(49) + "\n");
        assertFalse(errors.stream().anyMatch(e -> e.contains("nested")), errors.toString());
        assertTrue(errors.contains("t.yaml:1:10: error: cluster must be a mapping of keys to values; write { name: "
                + "scluster, port: 7800 }"), errors.toString());
    }

    // ---- the secret file's owner

    @Test
    void aSecretFileOwnedByAnotherUserIsRefused(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        int owner = (Integer) Files.getAttribute(secret, "unix:uid");
        String name = Files.getOwner(secret).getName();
        String text = withSecret(secret);
        int other = owner + 1;

        List<String> errors = errors(ConfigParser.parse("t.yaml", text, new SecretOwners(java.util.Set.of(other))));
        String ownedBy = name.equals(Integer.toString(owner)) ? "uid " + owner : name + " (uid " + owner + ")";
        assertEquals(List.of(at(text, "secret-file: ", 16) + "cluster.secret-file: " + secret + " is owned by " + ownedBy
                + ", not by the user sagent runs as (uid " + other + "): its owner can read or replace the secret; "
                + "chown root:root " + secret), errors);

        assertInstanceOf(ConfigResult.Valid.class, ConfigParser.parse("t.yaml", text, SecretOwners.rootAnd(owner)));
        if (owner != SecretOwners.ROOT) {
            assertTrue(errors(ConfigParser.parse("t.yaml", text, SecretOwners.rootAnd(other))).get(0)
                    .contains(", not by root or the user sagent runs as (uid " + other + "): "));
        }
    }

    @Test
    void theAgentAcceptsASecretOwnedByTheUserItRunsAs(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret");
        Files.writeString(secret, "0123456789abcdef0123456789abcdef\n");
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
        // Written by this process, so owned by the user it runs as: root, or the tester.
        assertTrue(SecretOwners.ofThisProcess().uids().contains((Integer) Files.getAttribute(secret, "unix:uid")));
        assertTrue(SecretOwners.ofThisProcess().uids().contains(SecretOwners.ROOT));
        assertAccepted(withSecret(secret));
    }
}
