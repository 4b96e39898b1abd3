package org.sagent.agent.tuning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.health.drbd.DrbdConfigParser;

/**
 * README's "Tuning for fast failover" against settings captured on the reference VMs: the test bed's
 * defaults (fixtures/vm-drbd84/drbdadm-84-dump-sstorage-default.txt, vm-ocfs2/configfs-cluster-tree-mounted.txt)
 * and the tuned DRBD net options (vm-drbd84/drbdsetup-84-show-tuned.txt).
 */
class FailoverTuningCheckTest {

    private static final List<NodeSpec> NODES = List.of(
            new NodeSpec("s0", 0, address("192.0.2.10"), address("198.51.100.20")),
            new NodeSpec("s1", 1, address("192.0.2.11"), address("198.51.100.21")));

    private static InetAddress address(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String fixture(String name) throws Exception {
        return Files.readString(Path.of(FailoverTuningCheckTest.class.getResource("/fixtures/" + name).toURI()));
    }

    /** The configfs tree capture ("./scluster/heartbeat/dead_threshold = 31") as the files under scluster/. */
    private static Map<String, String> configfsFiles(String capture) {
        Map<String, String> files = new LinkedHashMap<>();
        for (String line : capture.split("\n")) {
            int eq = line.indexOf(" = ");
            if (line.startsWith("./scluster/") && eq > 0) {
                files.put(line.substring("./scluster/".length(), eq), line.substring(eq + 3).trim());
            }
        }
        return files;
    }

    private static List<String> unfollowed(List<FailoverTuningCheck.Advice> advice) {
        return advice.stream().filter(a -> !a.followed()).map(FailoverTuningCheck.Advice::text).toList();
    }

    @Test
    void theTestBedsO2cbDefaultsAreReportedWithWhatEachCostsAndWhereToChangeIt() throws Exception {
        O2cbLiveSettings live = O2cbLiveSettings.fromFiles(configfsFiles(fixture("vm-ocfs2/configfs-cluster-tree-mounted.txt")));
        assertEquals(OptionalInt.of(31), live.deadThreshold());
        assertEquals(OptionalInt.of(30000), live.idleTimeoutMs());
        assertEquals(OptionalInt.of(2000), live.keepaliveDelayMs());
        assertEquals(Map.of("s0", "192.0.2.10", "s1", "192.0.2.11"), live.nodeAddresses());

        List<FailoverTuningCheck.Advice> all = FailoverTuningCheck.o2cb(live, NODES, Optional.empty());
        assertTrue(all.contains(new FailoverTuningCheck.Advice(true, "o2net idle timeout 30000 ms, keepalive 2000 ms")),
                all.toString());
        List<String> advice = unfollowed(all);
        assertEquals(3, advice.size(), advice.toString());
        assertTrue(advice.get(0).contains("dead threshold is 31") && advice.get(0).contains("about 60 s")
                && advice.get(0).contains("O2CB_HEARTBEAT_THRESHOLD in /etc/default/o2cb"), advice.get(0));
        assertTrue(advice.stream().anyMatch(a -> a.contains("o2cb node s1 runs over 192.0.2.11")
                && a.contains("write 198.51.100.21 as its ip_address in /etc/ocfs2/cluster.conf")), advice.toString());
    }

    @Test
    void o2cbAsRecommendedIsFollowedAndATooShortThresholdIsNot() {
        O2cbLiveSettings tuned = new O2cbLiveSettings(OptionalInt.of(11), OptionalInt.of(30000), OptionalInt.of(2000),
                Map.of("s0", "198.51.100.20", "s1", "198.51.100.21"));
        List<FailoverTuningCheck.Advice> advice = FailoverTuningCheck.o2cb(tuned, NODES, Optional.empty());
        assertEquals(List.of(), unfollowed(advice));
        assertEquals(4, advice.size());

        O2cbLiveSettings reckless = new O2cbLiveSettings(OptionalInt.of(4), OptionalInt.of(30000), OptionalInt.of(2000), Map.of());
        List<String> tooShort = unfollowed(FailoverTuningCheck.o2cb(reckless, NODES, Optional.empty()));
        assertEquals(1, tooShort.size());
        assertTrue(tooShort.get(0).contains("resets itself"), tooShort.get(0));
    }

    @Test
    void o2netTimeoutsBelowO2cbsDefaultsAreReportedAndMissingOnesSaid() {
        O2cbLiveSettings shortened = new O2cbLiveSettings(OptionalInt.of(11), OptionalInt.of(10000), OptionalInt.of(2000),
                Map.of());
        List<String> advice = unfollowed(FailoverTuningCheck.o2cb(shortened, NODES, Optional.empty()));
        assertEquals(1, advice.size(), advice.toString());
        assertTrue(advice.get(0).contains("idle timeout 10000 ms") && advice.get(0).contains("busy for 10 s")
                && advice.get(0).contains("O2CB_IDLE_TIMEOUT_MS=30000"), advice.get(0));

        O2cbLiveSettings keepaliveOnly = new O2cbLiveSettings(OptionalInt.of(11), OptionalInt.of(30000),
                OptionalInt.of(500), Map.of());
        assertEquals(1, unfollowed(FailoverTuningCheck.o2cb(keepaliveOnly, NODES, Optional.empty())).size());

        O2cbLiveSettings unknown = new O2cbLiveSettings(OptionalInt.of(11), OptionalInt.empty(), OptionalInt.empty(),
                Map.of());
        List<String> missing = unfollowed(FailoverTuningCheck.o2cb(unknown, NODES, Optional.empty()));
        assertEquals(1, missing.size(), missing.toString());
        assertTrue(missing.get(0).contains("no o2net idle_timeout_ms"), missing.get(0));
    }

    @Test
    void drbdDefaultsFromTheTestBedsDumpAreReported() throws Exception {
        DrbdConfigParser.ResourceConfig config = DrbdConfigParser.parse(
                fixture("vm-drbd84/drbdadm-84-dump-sstorage-default.txt")).get("sstorage");
        List<String> advice = unfollowed(FailoverTuningCheck.drbd("sstorage", config));
        assertEquals(2, advice.size(), advice.toString());
        assertTrue(advice.get(0).contains("ping-int is 10 s") && advice.get(0).contains("'ping-int 3; ping-timeout 10; timeout 25;'"),
                advice.get(0));
        assertTrue(advice.get(1).contains("timeout is 6 s"), advice.get(1));
    }

    @Test
    void theTunedNetOptionsTheKernelShowsFollowTheRecommendation() throws Exception {
        DrbdConfigParser.ResourceConfig config = DrbdConfigParser.parse(
                fixture("vm-drbd84/drbdsetup-84-show-tuned.txt")).get("sstorage");
        List<FailoverTuningCheck.Advice> advice = FailoverTuningCheck.drbd("sstorage", config);
        assertEquals(List.of(), unfollowed(advice));
        assertEquals(List.of("sstorage: ping-int 3 s", "sstorage: timeout 2.5 s"),
                advice.stream().map(FailoverTuningCheck.Advice::text).toList());
    }

    @Test
    void aShortPingIntWithTheDefaultPingTimeoutIsReported() {
        DrbdConfigParser.ResourceConfig config = DrbdConfigParser.parse(
                "resource r0 { net { ping-int 2; timeout 20; } }").get("r0");
        List<String> advice = unfollowed(FailoverTuningCheck.drbd("r0", config));
        assertEquals(1, advice.size(), advice.toString());
        assertTrue(advice.get(0).contains("ping-timeout is 0.5 s"), advice.get(0));
    }

    @Test
    void aLowThresholdWithDrbdsDefaultDetectionIsUnsafeAndTheTunedPairIsNot() throws Exception {
        DrbdConfigParser.ResourceConfig defaults = vmResource("drbdadm-84-dump-sstorage-default.txt");
        DrbdConfigParser.ResourceConfig tuned = vmResource("drbdsetup-84-show-tuned.txt");
        O2cbLiveSettings eleven = threshold(11);
        O2cbLiveSettings stock = threshold(31);

        // the pair that reset the survivor on the reference VMs
        String unsafe = FailoverTuningCheck.unsafeTogether("sstorage", defaults, eleven).orElseThrow();
        assertTrue(unsafe.contains("threshold 11 (20 s) is too short for sstorage's ping-int 10 s")
                && unsafe.contains("about 20.5 s") && unsafe.contains("at least 22"), unsafe);
        assertEquals(java.util.Optional.empty(), FailoverTuningCheck.unsafeTogether("sstorage", tuned, eleven));
        assertEquals(java.util.Optional.empty(), FailoverTuningCheck.unsafeTogether("sstorage", defaults, stock));
        assertEquals(java.util.Optional.empty(), FailoverTuningCheck.unsafeTogether("sstorage", defaults,
                threshold(22)));
        assertTrue(FailoverTuningCheck.unsafeTogether("sstorage", defaults,
                threshold(21)).isPresent());
    }

    @Test
    void theLiveReaderTakesTheAttributesFromAClusterDirectory(@TempDir Path root) throws Exception {
        Path cluster = root.resolve("scluster");
        Files.createDirectories(cluster.resolve("heartbeat/8742DD6D07BE4C62B43129E140F882A2"));
        Files.createDirectories(cluster.resolve("node/s0"));
        Files.writeString(cluster.resolve("heartbeat/dead_threshold"), "31\n");
        Files.writeString(cluster.resolve("heartbeat/8742DD6D07BE4C62B43129E140F882A2/blocks"), "255\n");
        Files.writeString(cluster.resolve("idle_timeout_ms"), "30000\n");
        Files.writeString(cluster.resolve("node/s0/ipv4_address"), "192.0.2.10\n");
        O2cbLiveSettings live = O2cbLiveSettings.read(cluster).orElseThrow();
        assertEquals(OptionalInt.of(31), live.deadThreshold());
        assertEquals(OptionalInt.of(30000), live.idleTimeoutMs());
        assertEquals(Map.of("s0", "192.0.2.10"), live.nodeAddresses());
        assertFalse(O2cbLiveSettings.read(root.resolve("other")).isPresent());
    }

    @Test
    void theFenceHandlersDeadlineMustEndBeforeTheHeartbeatGivesUp() throws Exception {
        DrbdConfigParser.ResourceConfig tuned = vmResource("drbdsetup-84-show-tuned.txt");
        DrbdConfigParser.ResourceConfig defaults = vmResource("drbdadm-84-dump-sstorage-default.txt");
        O2cbLiveSettings eleven = threshold(11);
        O2cbLiveSettings stock = threshold(31);

        // the pair that reset both VMs after an o2net loss: 20 s of heartbeat, 7 s of detection, a 30 s handler
        String error = FailoverTuningCheck.handlerOutlastsHeartbeat("sstorage", tuned, eleven,
                java.time.Duration.ofSeconds(30)).orElseThrow();
        assertTrue(error.contains("threshold 11 (20 s)") && error.contains("about 7 s")
                && error.contains("isolation.handler-deadline (30 s)") && error.contains("at most 12s")
                && error.contains("at least 20"), error);
        assertEquals(java.util.Optional.empty(), FailoverTuningCheck.handlerOutlastsHeartbeat("sstorage", tuned, eleven,
                java.time.Duration.ofSeconds(12)), "7 + 12 s fits in 20 s");
        assertTrue(FailoverTuningCheck.handlerOutlastsHeartbeat("sstorage", tuned, eleven,
                java.time.Duration.ofSeconds(13)).isPresent(), "7 + 13 s does not");
        assertEquals(java.util.Optional.empty(), FailoverTuningCheck.handlerOutlastsHeartbeat("sstorage", tuned,
                threshold(20),
                java.time.Duration.ofSeconds(30)), "the threshold it proposes is enough");

        // the test bed's stock settings: 20.5 s of detection and 30 s of handler fit in 60 s; 50 s do not
        assertEquals(java.util.Optional.empty(), FailoverTuningCheck.handlerOutlastsHeartbeat("sstorage", defaults, stock,
                java.time.Duration.ofSeconds(30)));
        String tooLong = FailoverTuningCheck.handlerOutlastsHeartbeat("sstorage", defaults, stock,
                java.time.Duration.ofSeconds(50)).orElseThrow();
        assertTrue(tooLong.contains("at most 39s"), tooLong);
    }

    @Test
    void withIsolationTheRecommendedThresholdLeavesRoomForTheHandlersDeadline() {
        assertEquals(11, FailoverTuningCheck.recommendedDeadThreshold(Optional.empty()));
        assertEquals(11, FailoverTuningCheck.recommendedDeadThreshold(Optional.of(java.time.Duration.ofSeconds(12))));
        assertEquals(12, FailoverTuningCheck.recommendedDeadThreshold(Optional.of(java.time.Duration.ofSeconds(13))));
        assertEquals(20, FailoverTuningCheck.recommendedDeadThreshold(Optional.of(java.time.Duration.ofSeconds(30))));

        Optional<java.time.Duration> stockDeadline = Optional.of(java.time.Duration.ofSeconds(30));
        // threshold 11 is what README leads with, but not with the default 30 s deadline: advice agrees with the error
        List<String> eleven = unfollowed(FailoverTuningCheck.o2cb(threshold(11), NODES, stockDeadline));
        assertTrue(eleven.stream().anyMatch(a -> a.contains("threshold is 11 (20 s)") && a.contains("recommends 20 with "
                + "isolation.handler-deadline 30 s (11 with a deadline of 12 s or less)")), eleven.toString());
        List<String> stock = unfollowed(FailoverTuningCheck.o2cb(threshold(31), NODES, stockDeadline));
        assertTrue(stock.stream().anyMatch(a -> a.contains("threshold is 31") && a.contains("recommends 20 (38 s)")),
                stock.toString());
        assertTrue(FailoverTuningCheck.o2cb(threshold(20), NODES, stockDeadline)
                .contains(new FailoverTuningCheck.Advice(true, "o2cb heartbeat dead threshold 20 (38 s)")));
        assertTrue(FailoverTuningCheck.o2cb(threshold(11), NODES, Optional.of(java.time.Duration.ofSeconds(12)))
                .contains(new FailoverTuningCheck.Advice(true, "o2cb heartbeat dead threshold 11 (20 s)")));
    }

    /** The sstorage resource of a DRBD output captured on the reference VMs. */
    private static DrbdConfigParser.ResourceConfig vmResource(String file) throws Exception {
        return DrbdConfigParser.parse(fixture("vm-drbd84/" + file)).get("sstorage");
    }

    /** A live o2cb with only a heartbeat dead threshold. */
    @Test
    void aSilentPeersDetectionAndTheHandlerMustEndBeforeTheHeartbeatGivesUp() {
        java.time.Duration second = java.time.Duration.ofSeconds(1);
        // the test bed's F16 that reset the winner: 3 s failure timeout, 6 s peer-silence, 12 s deadline, threshold 11
        String error = FailoverTuningCheck.silentPeerOutlastsHeartbeat(threshold(11), second.multipliedBy(3),
                second.multipliedBy(6), second.multipliedBy(12)).orElseThrow();
        assertTrue(error.contains("threshold 11 (20 s)") && error.contains("failover.failure-timeout (3s)")
                && error.contains("isolation.peer-silence (6s)") && error.contains("isolation.handler-deadline (12s)")
                && error.contains("at most 4s") && error.contains("at least 12"), error);
        // the same bed with README's 3 s, which passed: 18 s fit in 20 s
        assertEquals(Optional.empty(), FailoverTuningCheck.silentPeerOutlastsHeartbeat(threshold(11),
                second.multipliedBy(3), second.multipliedBy(3), second.multipliedBy(12)));
        // README's recommendation: 1 + 3 + 12 s
        assertEquals(Optional.empty(), FailoverTuningCheck.silentPeerOutlastsHeartbeat(threshold(11), second,
                second.multipliedBy(3), second.multipliedBy(12)));
        // the defaults: 1 + 3 + 30 s in o2cb's 60 s
        assertEquals(Optional.empty(), FailoverTuningCheck.silentPeerOutlastsHeartbeat(threshold(31), second,
                second.multipliedBy(3), second.multipliedBy(30)));
        // a deadline that leaves no room for any silence proposes only the threshold
        String noRoom = FailoverTuningCheck.silentPeerOutlastsHeartbeat(threshold(11), second,
                second.multipliedBy(3), second.multipliedBy(19)).orElseThrow();
        assertTrue(!noRoom.contains("peer-silence to at most") && noRoom.contains("at least 13"), noRoom);
    }

    private static O2cbLiveSettings threshold(int deadThreshold) {
        return new O2cbLiveSettings(OptionalInt.of(deadThreshold), OptionalInt.empty(), OptionalInt.empty(), Map.of());
    }

    @Test
    void drbdLeftToItsOwnTimersOrToldLateIsAdviceAndTheDefaultIsFollowed() {
        FailoverTuningCheck.Advice off = FailoverTuningCheck.drbdToldAtOnce(Optional.empty());
        assertFalse(off.followed());
        assertTrue(off.text().contains("remove the line (1s)"), off.text());
        FailoverTuningCheck.Advice late = FailoverTuningCheck.drbdToldAtOnce(Optional.of(java.time.Duration.ofSeconds(5)));
        assertFalse(late.followed());
        assertTrue(late.text().contains("is 5s: a cut cable freezes the winner's writes at least that long"), late.text());
        assertTrue(FailoverTuningCheck.drbdToldAtOnce(Optional.of(java.time.Duration.ofSeconds(1))).followed());
    }
}
