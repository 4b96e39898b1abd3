package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Isolated;
import org.sagent.netlink.lab.LabProcess;
import org.sagent.netlink.lab.NetnsLab;

/**
 * Client connections at a move, with Debian's real smbd on each server and smbclient on the
 * client keeping one session open and writing every 100 ms (reconnecting after an error, as
 * SMB clients do). A drain (F8) and a failback reset the sessions on the released address so
 * the client reconnects at once, and the new holder tickles them too (a reset may not reach the
 * client); after a power loss (F3) the new holder tickles the dead server's clients. Prints the time from each fault to the client's next successful write,
 * with and without tickle ACKs.
 */
@Isolated // alone, not beside another cluster test: it measures how soon clients recover
class ClientConnectionsIT {

    private static final Duration START = ClusterLab.START;
    private static final Map<String, Long> RECOVERY = new ConcurrentHashMap<>();
    private static final String TICKLES = "sagent_tickle_acks_total{address=\"198.51.100.120\"}";
    private static final String RESETS = "sagent_connections_reset_total{address=\"198.51.100.120\"}";

    @RegisterExtension
    final NetnsLab lab = new NetnsLab();

    @TempDir
    Path dir;

    @BeforeAll
    static void requireSamba() {
        for (String tool : List.of("/usr/sbin/smbd", "/usr/bin/smbclient")) {
            if (!Files.isExecutable(Path.of(tool))) {
                String why = tool + " is missing: apt-get install samba smbclient (.ci/run does)";
                if (System.getenv("CI") != null) {
                    throw new AssertionError(why);
                }
                Assumptions.abort(why);
            }
        }
    }

    @AfterAll
    static void printFigures() {
        System.out.println("SMB client: fault to next successful write, ms: " + new java.util.TreeMap<>(RECOVERY));
    }

    private LabProcess smbd(ClusterLab cluster, String node) throws Exception {
        Path home = dir.resolve(node + "-samba");
        for (String sub : List.of("lock", "state", "cache", "private", "run", "share", "log")) {
            Files.createDirectories(home.resolve(sub));
        }
        Path conf = home.resolve("smb.conf");
        Files.writeString(conf, """
                [global]
                  server role = standalone server
                  map to guest = Bad User
                  lock directory = %1$s/lock
                  state directory = %1$s/state
                  cache directory = %1$s/cache
                  private dir = %1$s/private
                  pid directory = %1$s/run
                  ncalrpc dir = %1$s/run/ncalrpc
                  log file = %1$s/log/smbd.log
                  smb ports = 445
                  disable netbios = yes
                  load printers = no
                  printcap name = /dev/null
                  disable spoolss = yes
                  kernel oplocks = no
                [share]
                  path = %1$s/share
                  guest ok = yes
                  read only = no
                  force user = root
                """.formatted(home));
        NetnsLab.Netns ns = cluster.servers.get(node);
        // Its own process group (no --no-process-group): smbd signals its whole group when it stops.
        LabProcess smbd = lab.start(ns, "smbd", "--foreground", "--configfile=" + conf);
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!lab.exec(ns, "ss", "-ltn").stdout().contains(":445 ")) {
            assertTrue(System.nanoTime() < deadline && smbd.isAlive(), "smbd listening on 445 in " + node
                    + ": " + smbd.stderr());
            Thread.sleep(100);
        }
        return smbd;
    }

    private ClusterLab cluster(String connections) throws Exception {
        ClusterLab cluster = new ClusterLab(lab, dir, 2, "auto");
        for (String node : List.of("s0", "s1")) {
            Path config = cluster.configOf(node);
            Files.writeString(config, Files.readString(config) + "connections: " + connections + "\n");
            smbd(cluster, node);
        }
        return cluster.twoNodesHome();
    }

    private LabProcess client(ClusterLab cluster, int seconds) throws Exception {
        Path file = dir.resolve("payload.txt");
        Files.writeString(file, "a small document\n".repeat(64));
        LabProcess client = lab.startJava(cluster.client, SmbClientLoop.class, "//" + ClusterLab.PUBLIC_0 + "/share",
                file.toString(), String.valueOf(seconds));
        awaitWritesAfter(client, System.currentTimeMillis(), 5, Duration.ofSeconds(30));
        return client;
    }

    /** The time of the {@code count}-th successful write after {@code since} (epoch ms). */
    private static long awaitWritesAfter(LabProcess client, long since, int count, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            List<Long> writes = client.stdout().stream().filter(l -> l.startsWith("S "))
                    .map(l -> Long.parseLong(l.substring(2))).filter(t -> t > since).toList();
            if (writes.size() >= count) {
                return writes.get(count - 1);
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the SMB client wrote nothing " + timeout.toSeconds() + " s after " + since
                + "; it said: " + client.stdout());
    }

    private static long recovery(LabProcess client, long faultAt, String what) throws InterruptedException {
        long first = awaitWritesAfter(client, faultAt, 1, Duration.ofSeconds(60));
        long ms = first - faultAt;
        RECOVERY.put(what, ms);
        System.out.printf("%s: the client wrote again %d ms after the fault; around it (ms from the fault): %s%n", what,
                ms, client.stdout().stream().filter(l -> !l.startsWith("S ") || Math.abs(Long.parseLong(l.split(" ")[1])
                        - faultAt) < 1000).map(l -> {
                            String[] w = l.split(" ", 3);
                            long t = Long.parseLong(w[1]) - faultAt;
                            return w[0] + " " + t + (w.length > 2 ? " " + w[2] : "");
                        }).filter(l -> Math.abs(Long.parseLong(l.split(" ")[1])) < 20_000).toList());
        return ms;
    }

    @Test
    void drainAndFailbackResetTheSessionsAndAfterAPowerLossTheClientsAreTickled() throws Exception {
        ClusterLab cluster = cluster("{ interval: 1s }");
        LabProcess client = client(cluster, 90);

        // F8: a graceful stop resets the sessions on the address before releasing it.
        long drain = System.currentTimeMillis();
        LabProcess stopping = cluster.terminate("s0");
        recovery(client, drain, "F8 drain (sessions reset)");
        stopping.awaitExit(Duration.ofSeconds(20));
        // s0 has exited, its counters with it: only its journal says it reset the session.
        assertFalse(cluster.logLines("s0", "client connections so they reconnect to the new holder").isEmpty(),
                "s0 reset the client's session when it released its address: " + cluster.logLines("s0", "released"));
        // and s1 tickles what the release left behind, in case the reset did not reach the client
        cluster.await(() -> cluster.metric("s1", TICKLES) > 0, Duration.ofSeconds(10),
                "s1 tickling the session s0 reset at its release");

        // Failback: s1 releases the address (resetting the session) and s0 takes it again.
        cluster.start("s0");
        cluster.await(() -> cluster.held("s0").equals(Set.of(ClusterLab.PUBLIC_0)), START, "failback to s0");
        long back = System.currentTimeMillis();
        awaitWritesAfter(client, back, 3, Duration.ofSeconds(30));
        assertTrue(cluster.metric("s1", RESETS) > 0, "s1 reset the session at failback; client: " + client.stdout());
        // s0 lists its client connections every second and publishes them: s1 must know them to tickle.
        cluster.await(() -> cluster.statusOf("s1", ClusterLab.PUBLIC_0)
                        .map(a -> a.holders().equals(List.of("s0")) && a.clientConnections() > 0).orElse(false),
                Duration.ofSeconds(10), "s1 knowing the client connections s0 has on .120");

        // F3: s0 loses power with the session open; s1 takes the address and tickles the client.
        double ticklesBefore = cluster.metric("s1", TICKLES);
        cluster.powerLoss("s0");
        // from the cut: a write s0 acknowledged while its agent was being killed is no recovery
        recovery(client, System.currentTimeMillis(), "F3 power loss, tickle ACKs on");
        cluster.await(() -> cluster.metric("s1", TICKLES) > ticklesBefore, Duration.ofSeconds(10),
                "s1 tickling the client of the lost node");
        String metrics = cluster.scrape("s1");
        assertTrue(metrics.matches("(?s).*sagent_tickle_acks_total\\{address=\"198\\.51\\.100\\.120\"} [3-9].*"), metrics);
        assertTrue(metrics.matches("(?s).*sagent_connections_reset_total\\{address=\"198\\.51\\.100\\.120\"} [1-9].*"),
                metrics);
    }

    @Test
    void withoutTickleAcksTheClientOfALostNodeWaitsForItsOwnRetransmission() throws Exception {
        ClusterLab cluster = cluster("{ interval: 1s, tickle: false }");
        LabProcess client = client(cluster, 60);
        long power = System.currentTimeMillis();
        cluster.powerLoss("s0");
        // A write s0 acknowledged while its agent was being killed can end after `power`: only one
        // that ends after both links are down went through the new holder.
        long cut = System.currentTimeMillis();
        recovery(client, cut, "F3 power loss, tickle ACKs off");
        assertEquals(0.0, cluster.metric("s1", TICKLES), "no tickles when they are off");
        // The client's own retransmission reached the new holder, whose kernel reset the session.
        assertTrue(client.stdout().stream().anyMatch(l -> l.startsWith("F ") && Long.parseLong(l.split(" ")[1]) > power
                && l.contains("TCP connection was reset")), client.stdout().toString());
    }
}
