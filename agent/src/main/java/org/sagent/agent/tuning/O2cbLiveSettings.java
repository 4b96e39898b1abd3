package org.sagent.agent.tuning;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;

/**
 * The o2cb cluster settings the kernel runs with, as configfs shows them under
 * {@code /sys/kernel/config/cluster/NAME/}: the disk heartbeat's dead threshold, o2net's timeouts and
 * each node's o2net address. What {@code /etc/default/o2cb} and {@code /etc/ocfs2/cluster.conf} say
 * only matters once o2cb has loaded it, so the check reads the live values. Every attribute is
 * optional: a value configfs does not show is empty, and the check says so.
 *
 * @param deadThreshold    heartbeat/dead_threshold: 2 s heartbeats missed before a node is dead
 * @param idleTimeoutMs    idle_timeout_ms: o2net's silence before it drops a connection
 * @param keepaliveDelayMs keepalive_delay_ms: o2net's keepalive after this much silence
 * @param nodeAddresses    o2cb node name to its o2net address (node/NAME/ipv4_address)
 */
public record O2cbLiveSettings(OptionalInt deadThreshold, OptionalInt idleTimeoutMs, OptionalInt keepaliveDelayMs,
                               Map<String, String> nodeAddresses) {

    public O2cbLiveSettings {
        nodeAddresses = Map.copyOf(nodeAddresses);
    }

    /** From the files of one cluster's configfs directory: relative path ("heartbeat/dead_threshold") to content. */
    public static O2cbLiveSettings fromFiles(Map<String, String> files) {
        Map<String, String> addresses = new LinkedHashMap<>();
        files.forEach((path, value) -> {
            String[] parts = path.split("/");
            if (parts.length == 3 && parts[0].equals("node") && parts[2].equals("ipv4_address")) {
                addresses.put(parts[1], value.trim());
            }
        });
        return new O2cbLiveSettings(number(files.get("heartbeat/dead_threshold")), number(files.get("idle_timeout_ms")),
                number(files.get("keepalive_delay_ms")), addresses);
    }

    /**
     * Reads CLUSTER_DIR (e.g. /sys/kernel/config/cluster/scluster); empty when it does not exist (o2cb not
     * started, or another cluster name).
     */
    public static Optional<O2cbLiveSettings> read(Path clusterDir) throws IOException {
        if (!Files.isDirectory(clusterDir)) {
            return Optional.empty();
        }
        Map<String, String> files = new LinkedHashMap<>();
        // configfs attributes are small files; the heartbeat region's own directory is not needed
        try (Stream<Path> walk = Files.walk(clusterDir, 3)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String relative = clusterDir.relativize(p).toString();
                if (relative.equals("heartbeat/dead_threshold") || relative.endsWith("_ms")
                        || relative.endsWith("/ipv4_address")) {
                    files.put(relative, Files.readString(p));
                }
            }
        }
        return Optional.of(fromFiles(files));
    }

    private static OptionalInt number(String text) {
        if (text == null) {
            return OptionalInt.empty();
        }
        try {
            return OptionalInt.of(Integer.parseInt(text.trim()));
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
