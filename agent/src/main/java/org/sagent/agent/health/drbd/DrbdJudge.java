package org.sagent.agent.health.drbd;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Judges a DRBD resource (spec section 4): healthy when Primary and every local volume
 * UpToDate; a disconnected peer is healthy but degraded, StandAlone loudly so (after a split
 * brain it is the only sign); suspended I/O, Inconsistent, Outdated, Failed, Diskless,
 * SyncTarget, Secondary and unconfigured are unhealthy. Pure.
 */
public final class DrbdJudge {

    /** Connection states in which the peers do not talk. */
    static final Set<String> DISCONNECTED = Set.of("StandAlone", "Disconnecting", "Unconnected", "Timeout",
            "BrokenPipe", "NetworkFailure", "ProtocolError", "TearDown", "WFConnection", "WFReportParams", "Connecting");

    private DrbdJudge() {
    }

    public static DrbdVerdict judge(String resource, Optional<DrbdResourceStatus> found) {
        if (found.isEmpty()) {
            return new DrbdVerdict(false, false, "Unconfigured", "DRBD " + resource
                    + " is not configured on this node (drbdadm up " + resource + "?)");
        }
        DrbdResourceStatus status = found.get();
        if (status.suspended().isPresent()) {
            return new DrbdVerdict(false, false, "Suspended", "DRBD " + resource + " has its I/O suspended ("
                    + status.suspended().get() + "): nothing can be written");
        }
        if (status.volumes().isEmpty()) {
            return new DrbdVerdict(false, false, "Diskless", "DRBD " + resource + " has no local volume");
        }
        for (DrbdResourceStatus.Volume volume : status.volumes()) {
            if (!volume.disk().equals("UpToDate")) {
                Optional<DrbdResourceStatus.PeerVolume> syncing = status.peers().stream()
                        .flatMap(p -> p.volumes().stream())
                        .filter(pv -> pv.volume() == volume.volume() && pv.replication().contains("SyncT"))
                        .findFirst();
                if (syncing.isPresent()) {
                    return new DrbdVerdict(false, false, "SyncTarget", "DRBD " + resource + " is " + syncing.get()
                            .replication() + volumeText(status, volume) + syncing.get().done()
                            .map(d -> ", " + percent(d) + " synced").orElse("") + ": not serving until UpToDate");
                }
                return new DrbdVerdict(false, false, volume.disk(), "DRBD " + resource + volumeText(status, volume)
                        + " disk is " + volume.disk() + ": not serving from a disk that is not UpToDate");
            }
        }
        if (!status.role().equals("Primary")) {
            return new DrbdVerdict(false, false, status.role(), "DRBD " + resource + " is " + status.role()
                    + ": not serving until it is Primary");
        }
        if (status.peers().isEmpty()) {
            return standAlone(resource);
        }
        for (DrbdResourceStatus.Peer peer : status.peers()) {
            if (peer.connection().equals("StandAlone")) {
                return standAlone(resource);
            }
            if (DISCONNECTED.contains(peer.connection())) {
                return new DrbdVerdict(true, true, peer.connection(), "DRBD " + resource + " is UpToDate but "
                        + peerName(peer) + " is disconnected (" + peer.connection() + "): writes are not replicated");
            }
            for (DrbdResourceStatus.PeerVolume pv : peer.volumes()) {
                if (!pv.replication().equals("Established") || !pv.peerDisk().equals("UpToDate")) {
                    return new DrbdVerdict(true, true, pv.replication(), "DRBD " + resource + " is UpToDate; "
                            + peerName(peer) + " is " + pv.peerDisk() + " (" + pv.replication()
                            + pv.done().map(d -> ", " + percent(d) + " synced").orElse("") + ")");
                }
            }
        }
        return new DrbdVerdict(true, false, "UpToDate", "DRBD " + resource + " is Primary and UpToDate, "
                + (status.peers().size() == 1 ? "peer connected" : "all " + status.peers().size() + " peers connected"));
    }

    /**
     * Whether the resource's I/O is frozen for fencing (DRBD lost its peer and waits for
     * fence-peer) and, that freeze apart, it would be healthy: Primary and UpToDate.
     */
    public static boolean fitButForFencingFreeze(String resource, Optional<DrbdResourceStatus> found) {
        if (found.isEmpty() || found.get().suspended().map(s -> !s.contains("fencing")).orElse(true)) {
            return false;
        }
        DrbdResourceStatus s = found.get();
        return judge(resource, Optional.of(new DrbdResourceStatus(s.name(), s.role(), Optional.empty(), s.volumes(),
                s.peers()))).healthy();
    }

    private static DrbdVerdict standAlone(String resource) {
        return new DrbdVerdict(true, true, "StandAlone", "DRBD " + resource + " is StandAlone: it does not even try "
                + "to reach its peer; after a split brain this is the only sign; check drbdadm status on both nodes");
    }

    private static String volumeText(DrbdResourceStatus status, DrbdResourceStatus.Volume volume) {
        return status.volumes().size() > 1 ? " volume " + volume.volume() : "";
    }

    /** DRBD 8.4 tools call the single peer "peer"; DRBD 9 names it after the peer node. */
    private static String peerName(DrbdResourceStatus.Peer peer) {
        return peer.name().isEmpty() || peer.name().equals("peer") ? "the peer" : "peer " + peer.name();
    }

    static String percent(double value) {
        return String.format(Locale.ROOT, "%.1f%%", value);
    }
}
