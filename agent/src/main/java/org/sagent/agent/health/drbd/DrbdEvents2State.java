package org.sagent.agent.health.drbd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The state of every DRBD resource, kept up to date from {@code drbdsetup events2} lines
 * ({@code exists|create|change|destroy OBJECT key:value...}, optionally behind a timestamp).
 * {@code exists -} ends the initial dump. Not thread-safe: one reader feeds it.
 */
public final class DrbdEvents2State {

    private final Map<String, Map<String, String>> resources = new LinkedHashMap<>();
    private final Map<String, Map<Integer, Map<String, String>>> devices = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<String, String>>> connections = new LinkedHashMap<>();
    private final Map<String, Map<String, Map<Integer, Map<String, String>>>> peerDevices = new LinkedHashMap<>();
    private boolean initialDumpComplete;

    /** Parses a whole {@code events2 --now} capture. */
    public static DrbdEvents2State of(String text) {
        DrbdEvents2State state = new DrbdEvents2State();
        text.lines().forEach(state::apply);
        return state;
    }

    /** Applies one line; returns the resource it changed, if any. Unknown objects are ignored. */
    public Optional<String> apply(String line) {
        String[] tokens = line.strip().split("\\s+");
        int i = 0;
        if (tokens.length > 0 && tokens[0].matches("\\d{4}-\\d\\d-\\d\\dT.*")) {
            i = 1; // --timestamps
        }
        if (tokens.length - i < 2) {
            return Optional.empty();
        }
        String action = tokens[i];
        String object = tokens[i + 1];
        if (object.equals("-")) {
            initialDumpComplete = true;
            return Optional.empty();
        }
        Map<String, String> values = new LinkedHashMap<>();
        for (int t = i + 2; t < tokens.length; t++) {
            int colon = tokens[t].indexOf(':');
            if (colon > 0) {
                values.put(tokens[t].substring(0, colon), tokens[t].substring(colon + 1));
            }
        }
        String name = values.get("name");
        if (name == null || !List.of("exists", "create", "change", "destroy").contains(action)) {
            return Optional.empty();
        }
        boolean destroy = action.equals("destroy");
        switch (object) {
            case "resource" -> {
                if (destroy) {
                    resources.remove(name);
                    devices.remove(name);
                    connections.remove(name);
                    peerDevices.remove(name);
                } else {
                    resources.computeIfAbsent(name, n -> new LinkedHashMap<>()).putAll(values);
                }
            }
            case "device" -> update(devices.computeIfAbsent(name, n -> new TreeMap<>()),
                    Integer.parseInt(values.getOrDefault("volume", "0")), values, destroy);
            case "connection" -> update(connections.computeIfAbsent(name, n -> new LinkedHashMap<>()),
                    values.getOrDefault("peer-node-id", "0"), values, destroy);
            case "peer-device" -> update(peerDevices.computeIfAbsent(name, n -> new LinkedHashMap<>())
                            .computeIfAbsent(values.getOrDefault("peer-node-id", "0"), p -> new TreeMap<>()),
                    Integer.parseInt(values.getOrDefault("volume", "0")), values, destroy);
            default -> {
                return Optional.empty();
            }
        }
        return Optional.of(name);
    }

    private static <K> void update(Map<K, Map<String, String>> map, K key, Map<String, String> values, boolean destroy) {
        if (destroy) {
            map.remove(key);
        } else {
            map.computeIfAbsent(key, k -> new LinkedHashMap<>()).putAll(values);
        }
    }

    public boolean initialDumpComplete() {
        return initialDumpComplete;
    }

    /** The resource as last reported, or empty when DRBD does not know it (not up, or destroyed). */
    public Optional<DrbdResourceStatus> resource(String name) {
        Map<String, String> resource = resources.get(name);
        if (resource == null) {
            return Optional.empty();
        }
        List<DrbdResourceStatus.Volume> volumes = new ArrayList<>();
        devices.getOrDefault(name, Map.of()).forEach((volume, v) -> volumes.add(new DrbdResourceStatus.Volume(volume,
                Optional.ofNullable(v.get("minor")).map(Integer::parseInt), v.getOrDefault("disk", "DUnknown"))));
        List<DrbdResourceStatus.Peer> peers = new ArrayList<>();
        connections.getOrDefault(name, Map.of()).forEach((peerId, c) -> {
            List<DrbdResourceStatus.PeerVolume> peerVolumes = new ArrayList<>();
            peerDevices.getOrDefault(name, Map.of()).getOrDefault(peerId, Map.of()).forEach((volume, pd) ->
                    peerVolumes.add(new DrbdResourceStatus.PeerVolume(volume, pd.getOrDefault("replication", "Off"),
                            pd.getOrDefault("peer-disk", "DUnknown"),
                            Optional.ofNullable(pd.get("done")).map(Double::parseDouble))));
            peers.add(new DrbdResourceStatus.Peer(c.getOrDefault("conn-name", "peer-" + peerId),
                    c.getOrDefault("connection", "Unknown"), c.getOrDefault("role", "Unknown"), peerVolumes));
        });
        String suspended = resource.getOrDefault("suspended", "no");
        return Optional.of(new DrbdResourceStatus(name, resource.getOrDefault("role", "Unknown"),
                suspended.equals("no") ? Optional.empty() : Optional.of(suspended), volumes, peers));
    }

    public List<String> resourceNames() {
        return List.copyOf(resources.keySet());
    }
}
