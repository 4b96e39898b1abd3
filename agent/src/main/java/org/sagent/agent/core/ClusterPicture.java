package org.sagent.agent.core;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.sagent.agent.config.FailbackMode;

/**
 * Everything the allocation depends on (spec 2.3): the configured nodes and addresses, the
 * membership view, each member's latest published state, and the administrator's pins.
 * Every node builds the same picture from the same messages, so every node computes the
 * same allocation.
 *
 * @param nodes     configured nodes by name with their numbers (ties go to the lowest)
 * @param addresses configured public addresses (as printed, e.g. 198.51.100.120) with their homes, in order
 * @param view      the members of the current membership view
 * @param states    the latest state of each member (members without one yet count as STARTING)
 * @param pins      address to node, set by {@code sagent move-ip}
 * @param startupGrace how long a STARTING member's home addresses wait for it before another node takes them
 */
public record ClusterPicture(Map<String, Integer> nodes, List<Address> addresses, Set<String> view,
                             Map<String, NodeState> states, FailbackMode failback, Duration failbackDelay,
                             Duration startupGrace, Map<String, String> pins) {

    public ClusterPicture {
        nodes = Map.copyOf(nodes);
        addresses = List.copyOf(addresses);
        view = Set.copyOf(view);
        states = Map.copyOf(states);
        pins = Map.copyOf(pins);
    }

    /** A public address and its home node. */
    public record Address(String address, String home) {
    }

    /** A member's state; a member that has not published yet counts as just started (STARTING). */
    public Optional<NodeState> state(String node) {
        if (!view.contains(node)) {
            return Optional.empty();
        }
        NodeState state = states.get(node);
        return Optional.of(state != null ? state
                : new NodeState(node, 0, Readiness.STARTING, java.util.List.of("no state received yet"), false,
                java.util.Set.of(), java.util.Set.of(), 0, 0, java.util.Set.of()));
    }

    public boolean canTake(String node) {
        return state(node).map(NodeState::canTake).orElse(false);
    }

    public boolean canHold(String node) {
        return state(node).map(NodeState::canHold).orElse(false);
    }

    public int number(String node) {
        return nodes.getOrDefault(node, Integer.MAX_VALUE);
    }

    /** Members (in the view) whose published state says they hold {@code address}. */
    public List<String> holders(String address) {
        return view.stream().filter(n -> state(n).map(s -> s.held().contains(address)).orElse(false))
                .sorted((a, b) -> Integer.compare(number(a), number(b))).toList();
    }
}
