package org.sagent.agent.health.ocfs2;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small readers for the o2cb and ocfs2-tools outputs that support engineers collect and that
 * status reports use: {@code o2cluster -r}, {@code o2cb cluster-status}, {@code mounted.ocfs2
 * -d/-f}, the o2net/o2hb debugfs node lists.
 */
public final class O2cbOutputs {

    /** "Cluster 'x' is online" (o2cb cluster-status), "Checking O2CB cluster "x": Online" (init script 1.8), unquoted in 1.6. */
    private static final Pattern CLUSTER_STATUS = Pattern.compile(
            "(?m)^(?:Cluster '([^']+)' is (online|offline)|Checking O2CB cluster \"?([^\":]+)\"?: (Online|Offline))");
    private static final Pattern CONNECTED = Pattern.compile("(?m)^o2net connected:(.*)$");
    private static final Pattern LIVE = Pattern.compile("(?m)^o2hb livenodes:(.*)$");
    private static final Pattern DEBUGFS_CONNECTED = Pattern.compile("(?m)^== /sys/kernel/debug/o2net/connected_nodes\\R(.*)$");
    private static final Pattern DEBUGFS_LIVE = Pattern.compile("(?m)^== /sys/kernel/debug/o2hb/livenodes\\R(.*)$");

    private O2cbOutputs() {
    }

    /** {@code o2cluster -r}: "stack,cluster,heartbeat-mode". */
    public record RunningCluster(String stack, String cluster, String heartbeatMode) {
    }

    public static Optional<RunningCluster> o2clusterRunning(String text) {
        for (String line : text.lines().toList()) {
            String[] parts = line.strip().split(",");
            if (parts.length == 3 && !parts[0].isEmpty()) {
                return Optional.of(new RunningCluster(parts[0], parts[1], parts[2]));
            }
        }
        return Optional.empty();
    }

    /** {@code o2cb cluster-status [NAME]}: whether the named cluster is online. */
    public static Optional<Boolean> clusterOnline(String text, String cluster) {
        Matcher m = CLUSTER_STATUS.matcher(text);
        while (m.find()) {
            String name = m.group(1) != null ? m.group(1) : m.group(3);
            String state = m.group(2) != null ? m.group(2) : m.group(4);
            if (name.equals(cluster)) {
                return Optional.of(state.equalsIgnoreCase("online"));
            }
        }
        return Optional.empty();
    }

    /** {@code mounted.ocfs2 -f}: device to the node names that have it mounted; {@code -d}: device to UUID. */
    public static Map<String, List<String>> mountedNodes(String text) {
        Map<String, List<String>> result = new LinkedHashMap<>();
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("Device")) {
            return result;
        }
        int column = lines.get(0).indexOf("Nodes");
        int uuidColumn = lines.get(0).indexOf("UUID");
        for (String line : lines.subList(1, lines.size())) {
            if (line.isBlank()) {
                continue;
            }
            String device = line.split("\\s+")[0];
            if (column >= 0) {
                List<String> nodes = new ArrayList<>();
                String listed = line.length() > column ? line.substring(column).strip() : "";
                for (String n : listed.split(",")) {
                    if (!n.isBlank() && !listed.equals("Not mounted")) {
                        nodes.add(n.strip());
                    }
                }
                result.put(device, nodes);
            } else if (uuidColumn >= 0 && line.length() > uuidColumn) {
                result.put(device, List.of(line.substring(uuidColumn).strip().split("\\s+")[0]));
            } else {
                result.put(device, List.of());
            }
        }
        return result;
    }

    /** o2net's connected nodes and o2hb's live nodes (debugfs), as numbers. */
    public record NodeLists(List<Integer> o2netConnected, List<Integer> o2hbLive) {
    }

    /**
     * From lines "o2net connected: 1 " and "o2hb livenodes: 0 1 ", or from a listing of the
     * debugfs files themselves ("== /sys/kernel/debug/o2net/connected_nodes" then its content).
     */
    public static Optional<NodeLists> nodeLists(String text) {
        Matcher connected = CONNECTED.matcher(text);
        Matcher live = LIVE.matcher(text);
        if (!connected.find() || !live.find()) {
            connected = DEBUGFS_CONNECTED.matcher(text);
            live = DEBUGFS_LIVE.matcher(text);
            if (!connected.find() || !live.find()) {
                return Optional.empty();
            }
        }
        return Optional.of(new NodeLists(numbers(connected.group(1)), numbers(live.group(1))));
    }

    private static List<Integer> numbers(String text) {
        List<Integer> numbers = new ArrayList<>();
        for (String n : text.strip().split("\\s+")) {
            if (n.matches("\\d+")) {
                numbers.add(Integer.parseInt(n));
            }
        }
        return numbers;
    }
}
