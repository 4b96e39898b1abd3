package org.sagent.agent.membership;

import java.time.Instant;
import java.util.Set;
import org.sagent.agent.core.NodeState;

/** What the membership layer tells the agent. */
public sealed interface MembershipEvent {

    /** A new view: the node names that are members now (this node included). */
    record ViewChanged(Set<String> members, boolean merge) implements MembershipEvent {
        public ViewChanged {
            members = Set.copyOf(members);
        }
    }

    /** A member published its state; {@code receivedAt} lets the receiver age its durations. */
    record StateReceived(NodeState state, Instant receivedAt) implements MembershipEvent {
    }
}
