package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;
import org.sagent.netlink.packet.WitnessImpostor;

/**
 * Spec 7.2 as amended, with real agents in namespaces: the witness counts only as a strict
 * majority of the configured witnesses answering this node's own echo requests. A LAN split
 * with the cable cut leaves one winner, the side with most witnesses; a LAN host forging
 * replies for a witness that is gone wins nothing.
 */
class WitnessIT {

    private static final Duration MOVE = Duration.ofSeconds(10);
    /** The DRBD handler the package installs (the launcher runs it for sagent fence-peer). */
    private static final Path HANDLER = Path.of("../packaging/src/deb/share/drbd/sagent-drbd-handler");

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    private static String isolation(String witnesses) {
        return "isolation:\n  witnesses: [" + witnesses + "]\n  witness-timeout: 100ms\n  witness-interval: 200ms\n"
                + "  action: stay-frozen\n  handler-deadline: 8s\n";
    }

    /** A witness host: its namespace and its port on the LAN bridge. */
    private record WitnessHost(NetnsLab.Netns ns, String port) {
    }

    /** A witness host on the cluster's LAN, in a namespace of its own (its kernel answers pings). */
    private WitnessHost witnessHost(ClusterLab cluster, String name, String address) {
        NetnsLab.Netns ns = lab.namespace(name);
        String port = lab.plug(ns, "eth1", cluster.lan);
        lab.address(ns, "eth1", address + "/24");
        return new WitnessHost(ns, port);
    }

    private static Optional<Boolean> reachesWitness(ClusterLab cluster, String node) {
        return cluster.status(node).map(r -> r.isolation().witnessReachable());
    }

    private void awaitWitness(ClusterLab cluster, String node, boolean reachable, String why)
            throws InterruptedException {
        cluster.await(() -> reachesWitness(cluster, node).equals(Optional.of(reachable)), MOVE,
                node + (reachable ? " reaching" : " not reaching") + " the witness: " + why);
    }

    /** Runs {@code sagent fence-peer r0} in {@code node}'s namespace, as drbdadm runs it. */
    private CompletableFuture<NetnsLab.Result> fencePeer(ClusterLab cluster, String node) {
        String runtime = dir.resolve(node + "-run").toString();
        return CompletableFuture.supplyAsync(() -> lab.exec(cluster.servers.get(node), "perl",
                HANDLER.toAbsolutePath().toString(), "fence-peer", "--runtime-dir", runtime, "r0"));
    }

    private static boolean arbitrating(ClusterLab cluster, String node) {
        return cluster.isolationState(node).map(s -> !s.equals("idle")).orElse(false);
    }

    /**
     * Splits the LAN in two: the given ports move to a second bridge (switch) in the LAN's
     * namespace, every other port stays. Re-enslaving a port leaves it up, so no host sees its
     * carrier go.
     */
    private void splitLan(ClusterLab cluster, List<String> oneSide) {
        lab.ip(cluster.lan, "link", "add", "br1", "type", "bridge");
        lab.ip(cluster.lan, "link", "set", "br1", "type", "bridge", "forward_delay", "0", "stp_state", "0");
        lab.ip(cluster.lan, "link", "set", "br1", "up");
        for (String port : oneSide) {
            lab.ip(cluster.lan, "link", "set", port, "master", "br1");
        }
    }

    @Test
    void aLanSplitWithACutCableLeavesOneWinnerTheSideWithMostWitnesses() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto");
        // The client (198.51.100.100) is the third witness.
        WitnessHost w1 = witnessHost(cluster, "w1", "198.51.100.101");
        witnessHost(cluster, "w2", "198.51.100.102");
        cluster.appendConfig(isolation("198.51.100.100, 198.51.100.101, 198.51.100.102"));
        cluster.twoNodesHome();
        awaitWitness(cluster, "s0", true, "three of three answer");
        awaitWitness(cluster, "s1", true, "three of three answer");

        // s0 and w1 on one side; s1, w2 and the client on the other.
        splitLan(cluster, List.of(cluster.lanPorts.get("s0"), w1.port()));
        awaitWitness(cluster, "s0", false, "one of three is no majority");
        awaitWitness(cluster, "s1", true, "two of three are");
        cluster.await(() -> cluster.statusOfNode("s1", "s0").map(n -> Boolean.FALSE.equals(n.lanReachable()))
                .orElse(false), MOVE, "s1 no longer seeing s0 on the LAN");

        lab.ip(cluster.servers.get("s0"), "link", "set", "eth0", "down");
        cluster.await(() -> arbitrating(cluster, "s0") && arbitrating(cluster, "s1"), MOVE, "both arbitrating");
        CompletableFuture<NetnsLab.Result> s0 = fencePeer(cluster, "s0");
        CompletableFuture<NetnsLab.Result> s1 = fencePeer(cluster, "s1");
        NetnsLab.Result minority = s0.get();
        NetnsLab.Result majority = s1.get();
        // With any one witness enough, s0 (w1 answers it, s1 is silent) would have won as well.
        assertEquals(7, majority.exitCode(), "s1 reaches two witnesses of three and wins: " + majority.stderr());
        assertEquals(1, minority.exitCode(), "s0 reaches one of three and stays frozen: " + minority.stderr());
        assertTrue(minority.stderr().contains("no decision within"), minority.stderr());
        assertEquals(Optional.of(false), reachesWitness(cluster, "s0"), "s0 still short of a majority");
    }

    @Test
    void forgedRepliesForAWitnessThatIsGoneWinNothingAfterAPowerLoss() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto");
        WitnessHost witness = witnessHost(cluster, "w1", "198.51.100.101");
        cluster.appendConfig(isolation("198.51.100.101"));
        cluster.twoNodesHome();
        awaitWitness(cluster, "s0", true, "the one witness answers");

        lab.ip(witness.ns(), "link", "set", "eth1", "down");
        String s0Mac = lab.ip(cluster.servers.get("s0"), "-o", "link", "show", "eth1").stdout()
                .replaceAll("(?s).*link/ether ([0-9a-f:]{17}).*", "$1");
        // The client forges ARP and echo replies from the witness's address to s0, every 5 ms.
        LabProcess forger = lab.startJava(cluster.client, WitnessImpostor.class, "forge", "eth1", "198.51.100.101",
                "198.51.100.20", s0Mac, "120");
        forger.awaitLine("forged 100"::equals, "a hundred forged replies", MOVE);
        awaitWitness(cluster, "s0", false, "the witness is gone and forged replies answer no request");
        // The journal is the only record that forged replies arrived and were refused.
        cluster.await(() -> !cluster.logLines("s0", "answered no request of this node").isEmpty(), MOVE,
                "s0 refusing the forged replies");

        cluster.powerLoss("s1");
        cluster.await(() -> arbitrating(cluster, "s0"), MOVE, "s0 arbitrating");
        NetnsLab.Result result = fencePeer(cluster, "s0").get();
        assertEquals(1, result.exitCode(), "no witness, no win: " + result.stderr());
        assertTrue(result.stderr().contains("no decision within"), result.stderr());
        assertTrue(forger.isAlive(), "the forger kept forging throughout");
    }
}
