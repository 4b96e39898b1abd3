package org.sagent.agent.health.drbd;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

/**
 * DRBD 9's {@code drbdsetup status --json}. JSON is read with the YAML 1.2 loader the
 * configuration already uses (JSON is a subset of YAML 1.2): no second parser to ship.
 */
public final class DrbdJsonStatusParser {

    private DrbdJsonStatusParser() {
    }

    public static List<DrbdResourceStatus> parse(String text) {
        Object root;
        try {
            root = new Load(LoadSettings.builder().setLabel("drbdsetup status --json").build()).loadFromString(text);
        } catch (YamlEngineException e) {
            throw new DrbdParseException("not JSON from drbdsetup status --json: " + e.getMessage());
        }
        if (!(root instanceof List<?> list)) {
            throw new DrbdParseException("drbdsetup status --json should print a list of resources");
        }
        List<DrbdResourceStatus> resources = new ArrayList<>();
        for (Object item : list) {
            Map<?, ?> resource = map(item, "resource");
            List<DrbdResourceStatus.Volume> volumes = new ArrayList<>();
            for (Object d : list(resource.get("devices"))) {
                Map<?, ?> device = map(d, "device");
                volumes.add(new DrbdResourceStatus.Volume(integer(device.get("volume")),
                        Optional.ofNullable(device.get("minor")).map(DrbdJsonStatusParser::integer),
                        text(device.get("disk-state"), "DUnknown")));
            }
            List<DrbdResourceStatus.Peer> peers = new ArrayList<>();
            for (Object c : list(resource.get("connections"))) {
                Map<?, ?> connection = map(c, "connection");
                List<DrbdResourceStatus.PeerVolume> peerVolumes = new ArrayList<>();
                for (Object pd : list(connection.get("peer_devices"))) {
                    Map<?, ?> peerDevice = map(pd, "peer device");
                    String replication = text(peerDevice.get("replication-state"), "Off");
                    // During a resync "percent-resync-done" is the progress; older versions only have
                    // "percent-in-sync". Either may be a bare nan in real output: not a number, no progress.
                    Object progress = peerDevice.containsKey("percent-resync-done") ? peerDevice.get("percent-resync-done")
                            : peerDevice.get("percent-in-sync");
                    Optional<Double> done = (replication.startsWith("Sync") || replication.startsWith("PausedSync"))
                            && progress instanceof Number number ? Optional.of(number.doubleValue()) : Optional.empty();
                    peerVolumes.add(new DrbdResourceStatus.PeerVolume(integer(peerDevice.get("volume")), replication,
                            text(peerDevice.get("peer-disk-state"), "DUnknown"), done));
                }
                peers.add(new DrbdResourceStatus.Peer(text(connection.get("name"), "peer"),
                        text(connection.get("connection-state"), "Unknown"), text(connection.get("peer-role"), "Unknown"),
                        peerVolumes));
            }
            Object suspended = resource.get("suspended");
            boolean isSuspended = suspended instanceof Boolean b ? b : suspended != null && !"no".equals(suspended.toString());
            resources.add(new DrbdResourceStatus(text(resource.get("name"), "?"), text(resource.get("role"), "Unknown"),
                    isSuspended ? Optional.of(suspended.toString()) : Optional.empty(), volumes, peers));
        }
        return resources;
    }

    private static Map<?, ?> map(Object value, String what) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new DrbdParseException("drbdsetup status --json: a " + what + " is not an object");
        }
        return map;
    }

    private static List<?> list(Object value) {
        return value instanceof List<?> list ? list : List.of();
    }

    private static String text(Object value, String defaultValue) {
        return value == null ? defaultValue : value.toString();
    }

    private static int integer(Object value) {
        if (value instanceof Number number) {
            return number.intValue();
        }
        throw new DrbdParseException("drbdsetup status --json: expected a number, found " + value);
    }
}
