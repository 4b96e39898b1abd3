package org.sagent.agent.core;

import java.util.Collection;
import java.util.List;

/**
 * Where an address this node just took came from: a peer that released it, holders that left
 * the view, or nobody. Decides the log line, the move history and the failover metric's reason.
 */
public sealed interface TakeOrigin {

    /** A member released it (a planned move: no probe was needed). */
    record Released(String by) implements TakeOrigin {
    }

    /** Its holders vanished from the view (a failover). */
    record HolderLost(List<String> holders) implements TakeOrigin {
        public HolderLost {
            holders = List.copyOf(holders);
        }
    }

    /** Nobody held it. */
    record Unheld() implements TakeOrigin {
    }

    /** The node(s) it came from, or "nobody". */
    default String from() {
        if (this instanceof Released r) {
            return r.by();
        }
        return this instanceof HolderLost l ? String.join(", ", l.holders()) : "nobody";
    }

    /** Why it moved, in the words of the move history. */
    default String why() {
        return this instanceof Released ? "released it" : this instanceof HolderLost ? "left the view" : "unheld";
    }

    /** Every {@link #metricReason()}: the metric's series exist for each from the start. */
    List<String> METRIC_REASONS = List.of("released", "holder_lost", "unheld");

    /** The {@code reason} label of the failover metric, one of {@link #METRIC_REASONS}. */
    default String metricReason() {
        return this instanceof Released ? "released" : this instanceof HolderLost ? "holder_lost" : "unheld";
    }

    /** As the journal says it: {@code s0 (released it)}. */
    default String describe() {
        return from() + " (" + why() + ")";
    }

    /**
     * @param peerStates the states of the current members other than this node, as received
     * @param picture    the picture the take was planned from (it keeps vanished nodes' last states)
     */
    static TakeOrigin of(String address, Collection<NodeState> peerStates, ClusterPicture picture) {
        for (NodeState peer : peerStates) {
            if (peer.released().contains(address)) {
                return new Released(peer.node());
            }
        }
        List<String> vanished = picture.states().values().stream()
                .filter(s -> s.held().contains(address) && !picture.view().contains(s.node()))
                .map(NodeState::node).sorted().toList();
        return vanished.isEmpty() ? new Unheld() : new HolderLost(vanished);
    }
}
