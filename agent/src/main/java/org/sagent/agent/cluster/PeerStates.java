package org.sagent.agent.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.core.ClusterPicture;
import org.sagent.agent.core.NodeState;
import org.sagent.agent.core.PlanOverrides;
import org.sagent.agent.core.Pins;
import org.sagent.agent.membership.MembershipEvent;
import org.sagent.agent.time.MonotonicInstant;

/**
 * What this node knows of the others: the views on both paths, the states the members
 * published, the last states of nodes that left, and the peers taken for dead before the
 * view says so. Builds the {@link ClusterPicture} the core decides on. Every time here is on
 * the monotonic clock: a state ages, and a suspicion ends, however the wall clock is set.
 * Loop thread only.
 */
final class PeerStates {

    /** Long enough for two nodes starting together to find each other (join timeout plus a merge round). */
    static final Duration STARTUP_GRACE = Duration.ofSeconds(8);

    /** A state and when it arrived (its durations age from then). */
    record Received(NodeState state, MonotonicInstant at) {
    }

    /** What a new replication view changed. */
    record ViewChange(Set<String> joined, Set<String> left) {
    }

    private final String self;
    private final ControllerSettings settings;
    private final Map<String, Received> members = new HashMap<>();
    /** Last states of every node ever seen, members or not: they say what a vanished node held. */
    private final Map<String, Received> lastKnown = new HashMap<>();
    private final Map<String, MonotonicInstant> suspected = new HashMap<>();
    private final Set<String> seen = new TreeSet<>();
    private Set<String> view;
    private Set<String> lanView = Set.of();
    private MonotonicInstant viewChangedAt;
    private boolean joined;

    /** @param startedAt when the agent started: the view's age counts from there until the first view */
    PeerStates(String self, ControllerSettings settings, MonotonicInstant startedAt) {
        this.self = self;
        this.settings = settings;
        this.view = Set.of(self);
        this.viewChangedAt = startedAt;
    }

    /** A replication view arrived; returns who joined and who left. */
    ViewChange replicationView(MembershipEvent.ViewChanged changed, MonotonicInstant now) {
        joined = true;
        viewChangedAt = now;
        seen.addAll(changed.members());
        Set<String> before = view;
        view = Set.copyOf(changed.members());
        members.keySet().retainAll(view);
        suspected.keySet().retainAll(view);
        Set<String> left = new LinkedHashSet<>(before);
        left.removeAll(view);
        Set<String> came = new LinkedHashSet<>(view);
        came.removeAll(before);
        return new ViewChange(came, left);
    }

    /** A LAN view arrived; true when it differs from the last one. */
    boolean lanView(Set<String> members) {
        Set<String> before = lanView;
        lanView = Set.copyOf(members);
        return !before.equals(lanView);
    }

    /**
     * Keeps a member's state (the same state may come by both paths: the newest wins). Returns
     * the state it had before, empty for the first since it joined.
     */
    Optional<Received> keep(NodeState state, MonotonicInstant receivedAt) {
        Received previous = members.get(state.node());
        if (previous == null || newer(state, previous.state())) {
            members.put(state.node(), new Received(state, receivedAt));
        }
        return Optional.ofNullable(previous);
    }

    private static boolean newer(NodeState candidate, NodeState current) {
        return candidate.incarnation() > current.incarnation()
                || candidate.incarnation() == current.incarnation() && candidate.upForMillis() >= current.upForMillis();
    }

    /** Takes {@code peer} for dead now; true if it was not suspected already. */
    boolean suspect(String peer, MonotonicInstant now) {
        return suspected.putIfAbsent(peer, now) == null;
    }

    /** A suspected peer spoke after it was suspected: true if that ends the suspicion. */
    boolean talking(String peer, MonotonicInstant spokeAt) {
        MonotonicInstant since = suspected.get(peer);
        if (since != null && spokeAt.isAfter(since)) {
            suspected.remove(peer);
            return true;
        }
        return false;
    }

    boolean joined() {
        return joined;
    }

    boolean member(String node) {
        return view.contains(node);
    }

    Set<String> view() {
        return view;
    }

    Set<String> lanView() {
        return lanView;
    }

    Set<String> seen() {
        return seen;
    }

    /** Not in the replication view, or taken for dead. */
    boolean disconnected(String node) {
        return !view.contains(node) || suspected.containsKey(node);
    }

    MonotonicInstant viewChangedAt() {
        return viewChangedAt;
    }

    Optional<Received> received(String node) {
        return Optional.ofNullable(members.get(node));
    }

    /** The states the current members published (suspected ones included). */
    Collection<NodeState> memberStates() {
        return members.values().stream().map(Received::state).toList();
    }

    /** Every address in {@code addresses} is held by a member. */
    boolean allHeldByMembers(Set<String> addresses) {
        return addresses.stream().allMatch(a -> members.values().stream().anyMatch(p -> p.state().held().contains(a)));
    }

    /** See {@link PlanOverrides#heardFromEveryMember}. */
    boolean heardFromEveryMember(MonotonicInstant now, Duration publishEvery) {
        return PlanOverrides.heardFromEveryMember(self, view, suspected.keySet(), members.keySet(),
                now.since(viewChangedAt), publishEvery);
    }

    /** The cluster as this node sees it now, its own state included. */
    ClusterPicture picture(NodeState own, MonotonicInstant now) {
        Map<String, NodeState> states = new LinkedHashMap<>();
        // The states of nodes that left the view are kept: they say what a vanished node held.
        for (Map.Entry<String, Received> entry : lastKnown.entrySet()) {
            // Only for nodes outside the view: a member that rejoined has not said what it holds
            // yet, and its state from before it left would make us see a duplicate that is not.
            if (!view.contains(entry.getKey())) {
                states.put(entry.getKey(), entry.getValue().state());
            }
        }
        for (Map.Entry<String, Received> entry : members.entrySet()) {
            NodeState s = entry.getValue().state();
            long age = now.since(entry.getValue().at()).toMillis();
            // Durations age while we wait for the next message.
            states.put(entry.getKey(), new NodeState(s.node(), s.incarnation(), s.readiness(), s.reasons(),
                    s.disabled(), s.held(), s.released(), s.eligibleForMillis() > 0 ? s.eligibleForMillis() + age : 0,
                    s.upForMillis() + age, s.seen(), s.pins(), s.clients(), s.macs()));
            lastKnown.put(entry.getKey(), entry.getValue());
        }
        states.put(self, own);
        Map<String, Integer> numbers = new LinkedHashMap<>();
        settings.nodes().forEach(n -> numbers.put(n.name(), n.number()));
        List<ClusterPicture.Address> list = settings.publicAddresses().stream()
                .map(a -> new ClusterPicture.Address(AddressReconciler.key(a.address().address()), a.home())).toList();
        Set<String> inPicture = new LinkedHashSet<>(view);
        inPicture.removeAll(suspected.keySet());
        inPicture.add(self);
        // Only members' pins count: a node that left takes its pins with it.
        Map<String, String> agreedPins = Pins.agreed(states.values().stream()
                .filter(st -> inPicture.contains(st.node())).toList());
        return new ClusterPicture(numbers, list, inPicture, states, settings.failback(), settings.failbackDelay(),
                STARTUP_GRACE, agreedPins);
    }
}
