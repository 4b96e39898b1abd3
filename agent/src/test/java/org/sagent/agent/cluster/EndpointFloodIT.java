package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.sagent.agent.Agent;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;

/**
 * Issue #23, the endpoints, against real agents in namespaces: floods of idle, slow and garbage
 * clients ({@link EndpointFlood}) on s0's metrics endpoint, from the LAN as any host there can,
 * and on its control socket, from a local process. Meanwhile and afterwards the agent answers
 * {@code status}, the DRBD handlers ({@code sagent fence-peer}, {@code unfence-peer}, run as
 * drbdadm runs them) get their answers within their deadline, Prometheus still scrapes, and no
 * address moves. The rows of docs/attacks.md that name this test.
 */
@Isolated // alone, not beside another cluster test: its floods load the machine
class EndpointFloodIT {

    /** Long enough for every check made during the flood, on two loaded cores. */
    private static final Duration FLOOD = Duration.ofSeconds(14);
    /** The fence-peer handler's deadline, passed to it: it gives up (exit 1, I/O frozen) after this. */
    private static final Duration HANDLER_DEADLINE = Duration.ofSeconds(8);
    /** How long a status request may take; the agent's loop answers in milliseconds. */
    private static final Duration STATUS_WAIT = Duration.ofSeconds(5);
    /** Lines the agent may log during the flood: a line per dropped client would be thousands. */
    private static final int MOST_LOG_LINES = 40;
    private static final Path HANDLER = Path.of("../packaging/src/deb/share/drbd/sagent-drbd-handler");
    private static final String S0_METRICS = "http://" + ClusterLab.lanAddress("s0") + ":9775/metrics";
    private static final Pattern SUMMARY = Pattern.compile("flooded .*: connections=(\\d+) idle-closed=(\\d+) "
            + "slow-closed=(\\d+) garbage-answered=(\\d+) garbage-closed-silently=(\\d+) connect-failed=(\\d+)");

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    @Test
    void floodsOnTheMetricsEndpointAndTheControlSocketStarveNeitherStatusNorTheFenceHandlerAndMoveNothing()
            throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto").twoNodesHome();
        // Served where Prometheus reaches the node, never where the clients reach the cluster.
        assertEquals(0, scrapeFromTheLan(cluster, S0_METRICS).exitCode(), "Prometheus on the LAN scrapes s0");
        NetnsLab.Result onPublic = scrapeFromTheLan(cluster, "http://" + ClusterLab.PUBLIC_0 + ":9775/metrics");
        assertEquals(7, onPublic.exitCode(), "no /metrics on s0's public address, the connection is refused: "
                + onPublic.stdout() + onPublic.stderr());
        int movesBefore = moves(cluster);
        int logLinesBefore = cluster.log("s0").size();

        Path socket = Agent.controlSocket(dir.resolve("s0-run"));
        LabProcess onMetrics = lab.startJava(cluster.client, EndpointFlood.class, "http", ClusterLab.lanAddress("s0"),
                "9775", String.valueOf(FLOOD.toSeconds()));
        LabProcess onControl = lab.startJava(cluster.servers.get("s0"), EndpointFlood.class, "unix", socket.toString(),
                String.valueOf(FLOOD.toSeconds()));
        onMetrics.awaitLine(l -> l.startsWith("flooding"), "the flood on the metrics endpoint under way",
                Duration.ofSeconds(20));
        onControl.awaitLine(l -> l.startsWith("flooding"), "the flood on the control socket under way",
                Duration.ofSeconds(20));
        CompletableFuture<Void> nothingMoves = CompletableFuture.runAsync(() -> {
            try {
                cluster.assertStable(FLOOD.minusSeconds(8), ClusterLab.FIRST, ClusterLab.SECOND);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });

        answersEverything(cluster, "during the floods");
        assertTrue(onMetrics.isAlive() && onControl.isAlive(), "the floods lasted through the checks");
        nothingMoves.join();

        assertEquals(0, onMetrics.awaitExit(FLOOD.plusSeconds(20)), String.join("\n", onMetrics.stderr()));
        assertEquals(0, onControl.awaitExit(FLOOD.plusSeconds(20)), String.join("\n", onControl.stderr()));
        int[] metrics = summary(onMetrics);
        int[] control = summary(onControl);
        System.out.println("metrics endpoint: " + String.join(" ", onMetrics.stdout()));
        System.out.println("control socket: " + String.join(" ", onControl.stdout()));
        // The endpoints' limits acted: silent and unfinished clients were cut off, not left to pile up.
        assertTrue(metrics[1] > 0 && metrics[2] > 0, "the metrics endpoint closed idle and slow clients: "
                + onMetrics.stdout());
        assertTrue(control[1] > 0 && control[2] > 0, "the control socket closed idle and slow clients: "
                + onControl.stdout());
        assertTrue(control[3] > 0, "the control socket answered garbage with errors: " + onControl.stdout());

        answersEverything(cluster, "after the floods");
        cluster.assertStable(Duration.ofSeconds(1), ClusterLab.FIRST, ClusterLab.SECOND);
        assertEquals(movesBefore, moves(cluster), "no failover recorded");
        assertTrue(cluster.seesView("s0", "s0, s1") && cluster.seesView("s1", "s0, s1"), "the view held");
        List<String> logged = cluster.log("s0").subList(logLinesBefore, cluster.log("s0").size());
        assertTrue(logged.size() <= MOST_LOG_LINES, "the floods did not fill s0's journal: " + logged.size()
                + " lines:\n" + String.join("\n", logged.subList(0, Math.min(logged.size(), 60))));
    }

    /** Status over the control socket, both DRBD handlers, and a scrape from the LAN, each answered once. */
    private void answersEverything(ClusterLab cluster, String when) {
        for (int i = 0; i < 3; i++) {
            assertTrue(cluster.status("s0", STATUS_WAIT).isPresent(), "s0 answered status " + when);
        }

        long asked = System.nanoTime();
        NetnsLab.Result fence = handler(cluster, "fence-peer", "--deadline", String.valueOf(HANDLER_DEADLINE.toSeconds()));
        long tookMillis = (System.nanoTime() - asked) / 1_000_000;
        System.out.println("fence-peer " + when + ": answered in " + tookMillis + " ms");
        // Isolation is not configured here: the agent's answer is "not configured" (exit 1), which
        // the handler only prints when it got it; without an answer it retries until its deadline.
        assertTrue(fence.stderr().contains("isolation is not configured"), "the fence-peer handler got the agent's "
                + "answer " + when + ": " + fence.stderr());
        assertEquals(1, fence.exitCode(), fence.stderr());
        assertTrue(tookMillis < HANDLER_DEADLINE.toMillis(), "answered within the handler's deadline " + when + ": "
                + tookMillis + " ms");
        NetnsLab.Result unfence = handler(cluster, "unfence-peer");
        assertTrue(unfence.stderr().contains("told the agent"), "the unfence-peer handler got the agent's answer "
                + when + ": " + unfence.stderr());

        NetnsLab.Result scrape = scrapeFromTheLan(cluster, S0_METRICS);
        assertEquals(0, scrape.exitCode(), "Prometheus scraped s0 " + when + ": " + scrape.stderr());
        assertTrue(scrape.stdout().contains("sagent_address_held{address=\"" + ClusterLab.PUBLIC_0
                + "\",interface=\"eth1\"} 1.0"), scrape.stdout());
    }

    /** A DRBD handler in s0's namespace, as drbdadm runs it (perl, no JVM). */
    private NetnsLab.Result handler(ClusterLab cluster, String name, String... options) {
        List<String> command = new ArrayList<>(List.of("perl", HANDLER.toAbsolutePath().toString(), name,
                "--runtime-dir", dir.resolve("s0-run").toString()));
        command.addAll(List.of(options));
        command.add("r0");
        return lab.exec(cluster.servers.get("s0"), command.toArray(String[]::new));
    }

    private NetnsLab.Result scrapeFromTheLan(ClusterLab cluster, String url) {
        return lab.exec(cluster.client, "curl", "-sS", "--max-time", "5", url);
    }

    /** The moves both agents have recorded, of either address. */
    private static int moves(ClusterLab cluster) {
        int moves = 0;
        for (String node : List.of("s0", "s1")) {
            for (String address : ClusterLab.BOTH) {
                moves += cluster.moves(node, address).size();
            }
        }
        return moves;
    }

    /** The flood's counts: connections, idle-closed, slow-closed, garbage-answered, garbage-closed, connect-failed. */
    private static int[] summary(LabProcess flood) {
        String line = flood.stdout().stream().filter(l -> l.startsWith("flooded ")).findFirst()
                .orElseThrow(() -> new AssertionError("the flood printed no summary: " + flood.stdout()));
        Matcher m = SUMMARY.matcher(line);
        assertTrue(m.matches(), line);
        int[] counts = new int[6];
        for (int i = 0; i < counts.length; i++) {
            counts[i] = Integer.parseInt(m.group(i + 1));
        }
        assertNotEquals(0, counts[0], line);
        return counts;
    }
}
