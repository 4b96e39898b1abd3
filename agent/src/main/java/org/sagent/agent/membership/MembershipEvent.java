package org.sagent.agent.membership;

import java.time.Instant;
import java.util.Set;
import org.sagent.agent.core.NodeState;

/** What the membership layer tells the agent, and over which path it learnt it. */
public sealed interface MembershipEvent {

    /** The two paths between agents: the replication cable, and the LAN. */
    enum Path { REPLICATION, LAN }

    Path path();

    /** A new view: the node names that are members now (this node included). */
    record ViewChanged(Path path, Set<String> members, boolean merge) implements MembershipEvent {
        public ViewChanged {
            members = Set.copyOf(members);
        }
    }

    /**
     * A member published its state, authentic and fresh. {@code receivedAt} (wall clock) and
     * {@code receivedNanos} (System.nanoTime) let the receiver age its durations.
     */
    record StateReceived(Path path, NodeState state, Instant receivedAt, long receivedNanos)
            implements MembershipEvent {

        /** Received now. */
        public StateReceived(Path path, NodeState state, Instant receivedAt) {
            this(path, state, receivedAt, System.nanoTime());
        }
    }
}
