package org.sagent.agent.health.ocfs2;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether the o2cb cluster is online on this node, read from configfs: o2cb registers the
 * cluster as {@code /sys/kernel/config/cluster/NAME} with a {@code node/} entry per member,
 * this node marked {@code local = 1}; a mounted volume adds a heartbeat region.
 */
public final class O2cbClusterCheck {

    /** The outcome, with this node's o2cb name when found. */
    public record State(boolean online, int heartbeatRegions, String reason) {
    }

    private O2cbClusterCheck() {
    }

    public static State read(Path configfsRoot, String cluster) {
        Path dir = configfsRoot.resolve(cluster);
        if (!Files.isDirectory(dir)) {
            return new State(false, 0, "o2cb cluster " + cluster + " is offline (no " + dir
                    + "); start it: systemctl start o2cb");
        }
        Path nodes = dir.resolve("node");
        String local = null;
        try (var entries = Files.list(nodes)) {
            for (Path node : entries.toList()) {
                Path flag = node.resolve("local");
                if (Files.isRegularFile(flag) && Files.readString(flag).strip().equals("1")) {
                    local = node.getFileName().toString();
                }
            }
        } catch (java.io.IOException e) {
            return new State(false, 0, "o2cb cluster " + cluster + " has no readable node list (" + nodes + ")");
        }
        if (local == null) {
            return new State(false, 0, "o2cb cluster " + cluster + " is registered but no node is marked local: "
                    + "check /etc/ocfs2/cluster.conf names this host");
        }
        int regions = 0;
        try (var entries = Files.list(dir.resolve("heartbeat"))) {
            regions = (int) entries.filter(Files::isDirectory).count();
        } catch (java.io.IOException e) {
            // no heartbeat directory: nothing mounted yet
        }
        return new State(true, regions, "o2cb cluster " + cluster + " is online as node " + local + " ("
                + regions + " heartbeat region" + (regions == 1 ? "" : "s") + ")");
    }
}
