package org.sagent.agent.health.drbd;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * DRBD 8.4's {@code /proc/drbd}: one block per minor, {@code cs: ro: ds:}, protocol, the
 * six I/O flags (the first is {@code s} when I/O is suspended) and, during a resync, the
 * {@code sync'ed:} line. Minors carry no resource name: the caller names it.
 */
public final class ProcDrbdParser {

    private static final Pattern MINOR = Pattern.compile("^\\s*(\\d+): cs:(\\S+)(.*)$");
    private static final Pattern ROLES = Pattern.compile("ro:(\\S+)/(\\S+)");
    private static final Pattern DISKS = Pattern.compile("ds:(\\S+)/(\\S+)");
    private static final Pattern FLAGS = Pattern.compile("\\s([rs])([-a-z]{3,5})\\s*$");
    private static final Pattern SYNCED = Pattern.compile("sync'ed:\\s*([0-9.]+)%");
    /** Connection states in which the peers talk; all others mean disconnected. */
    static final Set<String> CONNECTED_STATES = Set.of("Connected", "StartingSyncS", "StartingSyncT", "WFBitMapS",
            "WFBitMapT", "WFSyncUUID", "SyncSource", "SyncTarget", "PausedSyncS", "PausedSyncT", "VerifyS", "VerifyT",
            "Ahead", "Behind");

    private ProcDrbdParser() {
    }

    /** One configured minor's state; {@code unconfigured} when {@code cs:Unconfigured}. */
    public record Minor(int minor, String connectionState, String role, String peerRole, String disk, String peerDisk,
                        boolean suspended, Optional<Double> synced, boolean unconfigured) {
    }

    /** Every minor in the file, by number; the version header is required. */
    public static Map<Integer, Minor> parse(String text) {
        List<String> lines = text.lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("version: 8.")) {
            throw new DrbdParseException("not DRBD 8 /proc/drbd: it starts with \"version: 8.\" (is the drbd module "
                    + "loaded? a DRBD 9 kernel shows its state with drbdsetup status instead)");
        }
        Map<Integer, Minor> minors = new LinkedHashMap<>();
        Minor current = null;
        for (String line : lines) {
            Matcher m = MINOR.matcher(line);
            if (m.matches()) {
                current = minor(Integer.parseInt(m.group(1)), m.group(2), m.group(3), line);
                minors.put(current.minor(), current);
                continue;
            }
            Matcher synced = SYNCED.matcher(line);
            if (current != null && synced.find()) {
                current = new Minor(current.minor(), current.connectionState(), current.role(), current.peerRole(),
                        current.disk(), current.peerDisk(), current.suspended(),
                        Optional.of(Double.parseDouble(synced.group(1))), false);
                minors.put(current.minor(), current);
            }
        }
        return minors;
    }

    private static Minor minor(int number, String cs, String rest, String line) {
        if (cs.equals("Unconfigured")) {
            return new Minor(number, cs, "", "", "", "", false, Optional.empty(), true);
        }
        Matcher roles = ROLES.matcher(rest);
        Matcher disks = DISKS.matcher(rest);
        Matcher flags = FLAGS.matcher(rest);
        if (!roles.find() || !disks.find()) {
            throw new DrbdParseException("cannot read minor " + number + " of /proc/drbd: " + line.strip());
        }
        boolean suspended = flags.find() && flags.group(1).equals("s");
        return new Minor(number, cs, roles.group(1), roles.group(2), disks.group(1), disks.group(2), suspended,
                Optional.empty(), false);
    }

    /** The minor as a resource status in DRBD 9 terms; empty when unconfigured. */
    public static Optional<DrbdResourceStatus> asResource(String resource, Minor minor) {
        if (minor.unconfigured()) {
            return Optional.empty();
        }
        boolean connected = CONNECTED_STATES.contains(minor.connectionState());
        String connection = connected ? "Connected" : minor.connectionState();
        String replication = !connected ? "Off" : minor.connectionState().equals("Connected") ? "Established"
                : minor.connectionState();
        DrbdResourceStatus.PeerVolume peerVolume = new DrbdResourceStatus.PeerVolume(0, replication, minor.peerDisk(),
                minor.synced());
        List<DrbdResourceStatus.Peer> peers = new ArrayList<>();
        peers.add(new DrbdResourceStatus.Peer("peer", connection, minor.peerRole(), List.of(peerVolume)));
        return Optional.of(new DrbdResourceStatus(resource, minor.role(),
                minor.suspended() ? Optional.of("flag s in /proc/drbd") : Optional.empty(),
                List.of(new DrbdResourceStatus.Volume(0, Optional.of(minor.minor()), minor.disk())), peers));
    }
}
