package org.sagent.agent.health.drbd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The indented text of {@code drbdadm status} and {@code drbdsetup status [--verbose
 * --statistics]} (DRBD 8.4 utilities and DRBD 9 alike):
 * <pre>
 * sstorage role:Primary suspended:no
 *     write-ordering:flush                 (continuation of the resource)
 *   volume:0 minor:0 disk:UpToDate         (a local volume; "disk:" alone with one volume)
 *   peer connection:Connected role:Primary (a peer: a bare name first)
 *     volume:0 replication:SyncTarget peer-disk:UpToDate done:2.15
 * </pre>
 * Deeper lines continue the element above them.
 */
public final class DrbdStatusTextParser {

    /** Lines at the left margin that are messages, not resources. */
    private static final java.util.regex.Pattern NOT_A_RESOURCE = java.util.regex.Pattern.compile(
            "\\S+: No such resource|Command '.*' terminated with exit code \\d+|\\S+ exec: .*");

    private DrbdStatusTextParser() {
    }

    private static final class Element {
        final Map<String, String> values = new LinkedHashMap<>();
        String name = "";
    }

    private static final class Resource {
        final Element self = new Element();
        final List<Element> volumes = new ArrayList<>();
        final List<Element> peers = new ArrayList<>();
        final Map<Element, List<Element>> peerVolumes = new LinkedHashMap<>();
    }

    /** Every resource in the output, in order. */
    public static List<DrbdResourceStatus> parse(String text) {
        List<Resource> resources = new ArrayList<>();
        Resource resource = null;
        Element current = null;
        Element peer = null;
        int lineNumber = 0;
        for (String line : text.lines().toList()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            int indent = line.length() - line.stripLeading().length();
            String[] tokens = line.strip().split("\\s+");
            boolean bare = !tokens[0].contains(":");
            if (indent == 0) {
                if (NOT_A_RESOURCE.matcher(line).matches()) {
                    // "sstorage: No such resource" (the resource is down), drbdadm's own exit report,
                    // or anything else wrapped around the output: none of them is a resource.
                    resource = null;
                    continue;
                }
                if (!bare) {
                    throw new DrbdParseException("line " + lineNumber + " should start with a resource name: " + line);
                }
                resource = new Resource();
                resources.add(resource);
                current = resource.self;
                current.name = tokens[0];
                peer = null;
                put(current, tokens, 1, lineNumber);
                continue;
            }
            if (resource == null) {
                throw new DrbdParseException("line " + lineNumber + " is indented but follows no resource: " + line);
            }
            if (indent == 2 && bare) {
                peer = new Element();
                peer.name = tokens[0];
                resource.peers.add(peer);
                resource.peerVolumes.put(peer, new ArrayList<>());
                current = peer;
                put(current, tokens, 1, lineNumber);
            } else if (indent == 2) {
                peer = null;
                current = new Element();
                resource.volumes.add(current);
                put(current, tokens, 0, lineNumber);
            } else if (indent == 4 && peer != null && (tokens[0].startsWith("volume:") || line.contains("replication:")
                    || line.contains("peer-disk:"))) {
                current = new Element();
                resource.peerVolumes.get(peer).add(current);
                put(current, tokens, 0, lineNumber);
            } else {
                put(current, tokens, 0, lineNumber);
            }
        }
        return resources.stream().map(DrbdStatusTextParser::toStatus).toList();
    }

    private static void put(Element element, String[] tokens, int from, int lineNumber) {
        for (int i = from; i < tokens.length; i++) {
            int colon = tokens[i].indexOf(':');
            if (colon <= 0) {
                throw new DrbdParseException("line " + lineNumber + ": expected key:value, found '" + tokens[i] + "'");
            }
            element.values.put(tokens[i].substring(0, colon), tokens[i].substring(colon + 1));
        }
    }

    private static DrbdResourceStatus toStatus(Resource r) {
        List<DrbdResourceStatus.Volume> volumes = new ArrayList<>();
        for (Element v : r.volumes) {
            volumes.add(new DrbdResourceStatus.Volume(intOf(v, "volume", 0),
                    Optional.ofNullable(v.values.get("minor")).map(Integer::parseInt),
                    v.values.getOrDefault("disk", "DUnknown")));
        }
        List<DrbdResourceStatus.Peer> peers = new ArrayList<>();
        for (Element p : r.peers) {
            // drbdadm leaves out what is normal: "connection:" while Connected, "replication:" while
            // Established; a peer that is not connected shows only "NAME connection:Connecting".
            String connection = p.values.getOrDefault("connection", "Connected");
            String normalReplication = connection.equals("Connected") ? "Established" : "Off";
            List<DrbdResourceStatus.PeerVolume> peerVolumes = new ArrayList<>();
            for (Element pv : r.peerVolumes.get(p)) {
                peerVolumes.add(new DrbdResourceStatus.PeerVolume(intOf(pv, "volume", 0),
                        pv.values.getOrDefault("replication", normalReplication),
                        pv.values.getOrDefault("peer-disk", "DUnknown"),
                        Optional.ofNullable(pv.values.get("done")).map(Double::parseDouble)));
            }
            peers.add(new DrbdResourceStatus.Peer(p.name, connection, p.values.getOrDefault("role", "Unknown"),
                    peerVolumes));
        }
        String suspended = r.self.values.getOrDefault("suspended", "no");
        return new DrbdResourceStatus(r.self.name, r.self.values.getOrDefault("role", "Unknown"),
                suspended.equals("no") ? Optional.empty() : Optional.of(suspended), volumes, peers);
    }

    private static int intOf(Element element, String key, int defaultValue) {
        String value = element.values.get(key);
        return value == null ? defaultValue : Integer.parseInt(value);
    }
}
