package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.lab.NetnsLab;

/**
 * Spec 7 with DRBD told at once: real agents in namespaces whose {@code drbdadm} and
 * {@code drbdsetup} are stand-ins. {@code drbdsetup events2} prints a state captured on the
 * reference VMs (Primary, UpToDate, connected), so the DRBD health check passes; {@code drbdadm}
 * records each call and, on {@code disconnect}, starts the packaged fence-peer handler as DRBD
 * starts it when it loses its peer. What is proven is the agent's part: when it disconnects DRBD,
 * that the handler's answer follows, and when it connects again; that a real DRBD freezes I/O
 * and calls the handler on a forced disconnect was measured on the VMs (docs/budget.md).
 */
class DrbdDisconnectIT {

    private static final Duration MOVE = Duration.ofSeconds(10);
    private static final String ISOLATION = "isolation:\n  witnesses: [198.51.100.100]\n  witness-timeout: 100ms\n"
            + "  action: stay-frozen\n  handler-deadline: 8s\n";
    private static final String EVENTS2 = "/fixtures/vm-drbd84/drbdsetup-84-events2-now-primary-primary.txt";

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    private ClusterLab twoNodesWithDrbd() throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto");
        cluster.appendConfig(ISOLATION);
        Path events2 = Path.of(getClass().getResource(EVENTS2).toURI());
        for (String node : List.of("s0", "s1")) {
            String config = Files.readString(cluster.configOf(node));
            assertEquals(1, config.split("\nhealth:\n", -1).length - 1, "one health section in the lab's config");
            Files.writeString(cluster.configOf(node), config.replace("\nhealth:\n",
                    "\nhealth:\n  drbd: { resources: [sstorage] }\n"));
            cluster.useTools(node, tools(node, events2));
        }
        return cluster.twoNodesHome();
    }

    /** {@code node}'s stand-ins for drbdadm and drbdsetup. */
    private Path tools(String node, Path events2) throws IOException {
        Path tools = Files.createDirectories(dir.resolve(node + "-tools"));
        Path run = dir.resolve(node + "-run");
        executable(tools.resolve("drbdsetup"), "#!/bin/sh\n"
                + "# events2: the captured state, then stay (bounded) while the agent that started it lives\n"
                + "[ \"$1\" = events2 ] || exit 0\n"
                + "cat '" + events2 + "'\n"
                + "i=0\n"
                + "while [ $i -lt 1200 ] && kill -0 $PPID 2>/dev/null; do sleep 0.5; i=$((i + 1)); done\n");
        executable(tools.resolve("drbdadm"), "#!/bin/sh\n"
                + "echo \"$*\" >> '" + drbdLog(node) + "'\n"
                + "if [ \"$1\" = disconnect ]; then\n"
                + "  # as DRBD does on losing its peer: the fence-peer handler, while drbdadm has returned\n"
                + "  ( perl '" + ClusterLab.HANDLER.toAbsolutePath() + "' fence-peer --runtime-dir '" + run
                + "' sstorage > '" + dir.resolve(node + "-handler.out") + "' 2>&1\n"
                + "    echo \"fence-peer exit $?\" >> '" + drbdLog(node) + "' ) < /dev/null > /dev/null 2>&1 &\n"
                + "fi\n");
        return tools;
    }

    private static void executable(Path file, String text) throws IOException {
        Files.writeString(file, text);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    private Path drbdLog(String node) {
        return dir.resolve(node + "-drbdadm.log");
    }

    /** What {@code node}'s drbdadm was asked, and what the handler it started exited with, in order. */
    private List<String> drbd(String node) {
        try {
            return Files.exists(drbdLog(node)) ? Files.readAllLines(drbdLog(node)) : List.of();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private String handlerOutput(String node) throws IOException {
        Path out = dir.resolve(node + "-handler.out");
        return Files.exists(out) ? Files.readString(out) : "";
    }

    @Test
    void theSurvivorOfAPowerLossDisconnectsDrbdAtOnceWinsAndConnectsAgain() throws Exception {
        ClusterLab cluster = twoNodesWithDrbd();
        assertEquals(List.of(), drbd("s0"), "nothing asked of DRBD while both serve");
        long lost = System.nanoTime();
        cluster.powerLoss("s1");
        cluster.await(() -> drbd("s0").contains("fence-peer exit 7"), MOVE, "s0's handler exiting 7");
        long resumedMillis = (System.nanoTime() - lost) / 1_000_000;
        cluster.await(() -> drbd("s0").size() >= 3, MOVE, "s0 connecting DRBD again");
        assertEquals(List.of("disconnect --force sstorage", "fence-peer exit 7", "connect sstorage"), drbd("s0"));
        assertTrue(handlerOutput("s0").contains("s1 is silent on the LAN and a witness answers"), handlerOutput("s0"));
        assertTrue(cluster.logLines("s0", "s1 taken for dead (replication carrier lost, no ARP answer): "
                + "disconnecting DRBD now").size() == 1, cluster.logTails());
        cluster.await(() -> cluster.held("s0").equals(ClusterLab.BOTH), MOVE, "s0 holding both addresses");
        System.out.printf("DRBD told at once in namespaces: the survivor's handler exited 7 %d ms after the power "
                + "loss (carrier poll, peer check, drbdadm, the handler's start and answer)%n", resumedMillis);
        cluster.log("s0").stream().filter(l -> l.contains("isolation") || l.contains("taken for dead"))
                .forEach(l -> System.out.println("  s0: " + l));
    }

    @Test
    void aCutCableHasBothDisconnectedAndOnlyTheWinnerConnectsAgain() throws Exception {
        ClusterLab cluster = twoNodesWithDrbd();
        lab.ip(cluster.servers.get("s0"), "link", "set", "eth0", "down");
        cluster.await(() -> drbd("s0").contains("fence-peer exit 7") && drbd("s1").contains("fence-peer exit 1"),
                MOVE, "s0's handler exiting 7 and s1's 1");
        assertTrue(handlerOutput("s0").contains("s1 stood down at"), handlerOutput("s0"));
        assertTrue(handlerOutput("s1").contains("this node lost"), handlerOutput("s1"));
        cluster.await(() -> drbd("s0").contains("connect sstorage"), MOVE, "s0 connecting DRBD again");
        cluster.await(() -> cluster.held("s0").equals(ClusterLab.BOTH) && cluster.held("s1").isEmpty(), MOVE,
                "s0 holding both addresses, s1 none");
        lab.ip(cluster.servers.get("s0"), "link", "set", "eth0", "up");
        Thread.sleep(2000); // the cable back: the loser stays disconnected and frozen whatever follows
        assertEquals(List.of("disconnect --force sstorage", "fence-peer exit 1"), drbd("s1"));
        assertTrue(cluster.logLines("s1", "replication carrier lost for").size() == 1, cluster.logTails());
    }

    @Test
    void aCableBackWithinDrbdDisconnectAfterTellsDrbdNothing() throws Exception {
        ClusterLab cluster = twoNodesWithDrbd();
        lab.ip(cluster.servers.get("s0"), "link", "set", "eth0", "down");
        Thread.sleep(400); // the blip under test, shorter than drbd-disconnect-after's 1 s
        lab.ip(cluster.servers.get("s0"), "link", "set", "eth0", "up");
        cluster.await(() -> !cluster.logLines("s0", "arbitration over: the replication link is back").isEmpty()
                && !cluster.logLines("s1", "arbitration over: the replication link is back").isEmpty(), MOVE,
                "both dropping the arbitration");
        Thread.sleep(1500); // past drbd-disconnect-after: nothing may be asked late either
        assertEquals(List.of(), drbd("s0"));
        assertEquals(List.of(), drbd("s1"));
        assertEquals(ClusterLab.FIRST, cluster.held("s0"));
        assertEquals(ClusterLab.SECOND, cluster.held("s1"));
    }

    @Test
    void aHungPeerSilentOnBothPathsHasTheSurvivorDisconnectDrbdAndWin() throws Exception {
        ClusterLab cluster = twoNodesWithDrbd();
        // A hung machine: its agent stands still and its kernel answers no ARP; both carriers stay up.
        lab.ip(cluster.servers.get("s1"), "link", "set", "eth1", "arp", "off");
        cluster.agents.get("s1").signal("STOP");
        try {
            cluster.await(() -> drbd("s0").contains("fence-peer exit 7"), Duration.ofSeconds(20),
                    "s0's handler exiting 7");
            assertEquals(List.of("disconnect --force sstorage", "fence-peer exit 7"), drbd("s0").subList(0, 2));
            assertEquals(1, cluster.logLines("s0", "s1 silent on both paths (out of both views, no ARP answer, no "
                    + "message for 3s): disconnecting DRBD now").size(), cluster.logTails());
            cluster.await(() -> drbd("s0").contains("connect sstorage"), MOVE, "s0 connecting DRBD again");
            cluster.await(() -> cluster.held("s0").equals(ClusterLab.BOTH), MOVE, "s0 holding both addresses");
        } finally {
            cluster.agents.get("s1").signal("CONT");
        }
    }
}
