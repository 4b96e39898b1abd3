package org.sagent.agent.cluster;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.sagent.netlink.lab.LabProcess;

/**
 * Something that keeps the two public addresses served on the benchmark's cluster: sagent, or
 * keepalived configured as closely to it as VRRP allows. The faults are the same for both; only
 * how the software is started and stopped differs.
 */
interface Contender {

    String name();

    ClusterLab cluster();

    /** Starts the software on {@code node} (its links are up). */
    void start(String node);

    /** SIGTERM, as `systemctl stop` sends it, and waits for the exit. */
    void gracefulStop(String node) throws Exception;

    /**
     * A power cut: every process of the software freezes (SIGSTOP) at once, then the node's links
     * go down, then the processes are killed. Frozen first, nothing can leave the node after the
     * instant of the cut, not even a goodbye from a process that sees a link fall or its parent die.
     */
    void powerLoss(String node) throws Exception;

    /** The processes that make up the software on {@code node}, for its footprint. */
    List<Long> pids(String node);

    /**
     * True when the software itself is back to normal, beyond the addresses being home: a round
     * that starts earlier measures the previous round's tail.
     */
    default boolean settled() {
        return true;
    }

    /** sagent itself, started through the packaged launcher (the .deb's JVM flags). */
    static Contender sagent(String name, ClusterLab cluster) {
        return new Contender() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public ClusterLab cluster() {
                return cluster;
            }

            @Override
            public void start(String node) {
                cluster.start(node);
            }

            @Override
            public void gracefulStop(String node) throws Exception {
                LabProcess agent = cluster.agents.get(node);
                cluster.stopped.add(agent);
                agent.signal("TERM");
                agent.awaitExit(Duration.ofSeconds(20));
            }

            @Override
            public void powerLoss(String node) throws Exception {
                LabProcess agent = cluster.agents.get(node);
                cluster.stopped.add(agent);
                agent.signal("STOP");
                cluster.linksDown(node);
                agent.kill();
            }

            @Override
            public List<Long> pids(String node) {
                return List.of(cluster.agents.get(node).pid());
            }

            /** Both agents in one view again (after a cut link, JGroups merges within seconds). */
            @Override
            public boolean settled() {
                return cluster.seesView("s0", "s0, s1") && cluster.seesView("s1", "s0, s1");
            }
        };
    }

    /**
     * keepalived (VRRP only, -P) in the node's namespace: one VRRP instance per public address,
     * advertised by unicast over the replication link, the address on eth1, eth1 tracked so a lost
     * LAN cable gives the address up, the home node MASTER with the higher priority (so it
     * preempts back, as sagent fails back). {@code dont_track_primary}: on a direct cable the
     * survivor of a power loss sees its own eth0 lose carrier, and without it keepalived goes to
     * FAULT and drops every address (measured: nobody served anything). {@code fast}: VRRPv3 with
     * 100 ms adverts instead of the default 1 s.
     */
    static Contender keepalived(String name, ClusterLab cluster, boolean fast) throws IOException {
        return new Keepalived(name, cluster, fast);
    }

    /** keepalived's processes on one node: the parent we started and the VRRP child it forks. */
    final class Keepalived implements Contender {
        private final String name;
        private final ClusterLab cluster;
        private final Map<String, LabProcess> parents = new LinkedHashMap<>();

        Keepalived(String name, ClusterLab cluster, boolean fast) throws IOException {
            this.name = name;
            this.cluster = cluster;
            List<String> nodes = new ArrayList<>(cluster.servers.keySet());
            for (int i = 0; i < nodes.size(); i++) {
                Files.writeString(config(nodes.get(i)), configuration(i, 1 - i, fast));
            }
        }

        private Path config(String node) {
            return cluster.dir.resolve(node + "-keepalived.conf");
        }

        static String configuration(int self, int peer, boolean fast) {
            StringBuilder conf = new StringBuilder("global_defs {\n  router_id s" + self + "\n");
            if (fast) {
                conf.append("  vrrp_version 3\n");
            }
            conf.append("}\n");
            String[] addresses = {ClusterLab.PUBLIC_0, ClusterLab.PUBLIC_1};
            for (int a = 0; a < addresses.length; a++) {
                boolean home = a == self;
                conf.append("vrrp_instance public").append(a).append(" {\n")
                        .append("  state ").append(home ? "MASTER" : "BACKUP").append('\n')
                        .append("  interface eth0\n")
                        .append("  virtual_router_id ").append(51 + a).append('\n')
                        .append("  priority ").append(home ? 150 : 100).append('\n')
                        .append("  advert_int ").append(fast ? "0.1" : "1").append('\n')
                        .append("  unicast_src_ip 192.0.2.").append(10 + self).append('\n')
                        .append("  unicast_peer { 192.0.2.").append(10 + peer).append(" }\n")
                        .append("  dont_track_primary\n")
                        .append("  track_interface { eth1 }\n")
                        .append("  virtual_ipaddress { ").append(addresses[a]).append("/24 dev eth1 }\n")
                        .append("}\n");
            }
            return conf.toString();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public ClusterLab cluster() {
            return cluster;
        }

        @Override
        public void start(String node) {
            // -n no fork, -l -G log to the console only, -R no respawn (a killed child stays dead),
            // own pid files: the defaults under /run would collide between the two nodes. A killed
            // run's pid files are removed first, as a reboot empties /run: keepalived refuses to
            // start while the pid a file names exists, and a killed child can linger as a zombie.
            Path pid = cluster.dir.resolve(node + "-keepalived.pid");
            Path vrrpPid = cluster.dir.resolve(node + "-keepalived-vrrp.pid");
            try {
                Files.deleteIfExists(pid);
                Files.deleteIfExists(vrrpPid);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            parents.put(node, cluster.lab.start(cluster.servers.get(node), "keepalived", "-n", "-l", "-D", "-G", "-R",
                    "-P", "-f", config(node).toString(), "-p", pid.toString(), "-r", vrrpPid.toString()));
        }

        @Override
        public void gracefulStop(String node) throws Exception {
            LabProcess parent = parents.get(node);
            parent.signal("TERM");
            parent.awaitExit(Duration.ofSeconds(20));
        }

        @Override
        public void powerLoss(String node) throws Exception {
            List<Long> all = pids(node);
            signal("STOP", all);
            cluster.linksDown(node);
            signal("KILL", all);
            parents.get(node).kill();
        }

        @Override
        public List<Long> pids(String node) {
            List<Long> pids = new ArrayList<>(List.of(parents.get(node).pid()));
            pids.addAll(children(parents.get(node).pid()));
            return pids;
        }

        /** Only the processes this benchmark started (the parent) and their children, by pid. */
        private static void signal(String name, List<Long> pids) throws IOException, InterruptedException {
            List<String> command = new ArrayList<>(List.of("kill", "-" + name));
            pids.forEach(p -> command.add(Long.toString(p)));
            new ProcessBuilder(command).start().waitFor();
        }

        /** Log lines of keepalived on {@code node} (stdout: -l logs to the console). */
        List<String> log(String node) {
            return parents.containsKey(node) ? parents.get(node).stdout() : List.of();
        }

        private static List<Long> children(long pid) {
            try {
                String text = Files.readString(Path.of("/proc/" + pid + "/task/" + pid + "/children")).strip();
                return text.isEmpty() ? List.of() : java.util.Arrays.stream(text.split("\\s+")).map(Long::parseLong)
                        .toList();
            } catch (IOException e) {
                return List.of();
            }
        }
    }
}
