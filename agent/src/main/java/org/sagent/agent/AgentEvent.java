package org.sagent.agent;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.sagent.agent.core.PeerCheckRound;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.isolation.WitnessWatch;
import org.sagent.agent.membership.MembershipEvent;
import org.sagent.agent.time.MonotonicInstant;

/** What the agent's watchers tell its loop; {@link EventRouter} hands each to the part that decides on it. */
sealed interface AgentEvent {

    /** A view or a peer's state, on either path, and when the agent received it (on the monotonic clock). */
    record Membership(MembershipEvent event, MonotonicInstant receivedAt) implements AgentEvent {
    }

    /** The health checks' latest verdict. */
    record Health(HealthView view) implements AgentEvent {
    }

    /** A public address appeared or vanished in the kernel (perhaps by hand: F12), or netlink resynchronised. */
    record AddressesChanged() implements AgentEvent {
    }

    /** The replication cable's carrier changed. */
    record ReplicationCarrier(boolean up) implements AgentEvent {
    }

    /**
     * After the replication carrier went: {@code peer} answered ARP on the LAN, or stayed silent;
     * {@code round} is what the same ARP round found for the public addresses it probed.
     */
    record PeerLiveness(String peer, boolean alive, String detail, PeerCheckRound round) implements AgentEvent {
    }

    /** The whole process stood still this long (SIGSTOP, a paused machine). */
    record Thawed(Duration frozen) implements AgentEvent {
    }

    /** The established client connections on the public addresses, by address. */
    record ClientsListed(Map<String, List<String>> byAddress) implements AgentEvent {
        public ClientsListed {
            byAddress = Map.copyOf(byAddress);
        }
    }

    /** A round of ARP questions to the witnesses (and peers) ended. */
    record WitnessRound(WitnessWatch.Round round) implements AgentEvent {
    }

    /** The stand-down fences this node: it releases everything now. */
    record Fence(String why) implements AgentEvent {
    }

    /** The stand-down's fence record is written and the node's addresses are gone. */
    record StoodDown(String why) implements AgentEvent {
    }
}
