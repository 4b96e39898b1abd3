package org.sagent.agent.health.drbd;

import java.util.List;
import java.util.Optional;

/**
 * One DRBD resource as any of DRBD's tools reports it, in DRBD 9 vocabulary: a resource has
 * local volumes (devices) and peers (connections), each peer has per-volume replication
 * states. DRBD 8.4's /proc/drbd is mapped onto the same shape.
 *
 * @param suspended why I/O is suspended (e.g. "fencing", "user"), or empty when it flows
 */
public record DrbdResourceStatus(String name, String role, Optional<String> suspended, List<Volume> volumes,
                                 List<Peer> peers) {

    public DrbdResourceStatus {
        volumes = List.copyOf(volumes);
        peers = List.copyOf(peers);
    }

    /** A local volume (device): its disk state. */
    public record Volume(int volume, Optional<Integer> minor, String disk) {
    }

    /** A peer node: the connection to it and its role. */
    public record Peer(String name, String connection, String role, List<PeerVolume> volumes) {
        public Peer {
            volumes = List.copyOf(volumes);
        }
    }

    /** The replication of one volume with one peer; {@code done} is the resync progress in percent. */
    public record PeerVolume(int volume, String replication, String peerDisk, Optional<Double> done) {
    }
}
