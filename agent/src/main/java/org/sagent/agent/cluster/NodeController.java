package org.sagent.agent.cluster;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.config.SagentConfig;
import org.sagent.agent.core.Allocation;
import org.sagent.agent.core.ClusterPicture;
import org.sagent.agent.core.NodeState;
import org.sagent.agent.core.Readiness;
import org.sagent.agent.core.ReconcilePlan;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.membership.MembershipEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the cluster: gathers the inputs (health, view, peers' states, the
 * kernel's addresses), asks the pure core what should be where, has the reconciler make it so,
 * and publishes the result. Level-triggered: every turn starts again from what the kernel
 * reports, so a missed event or a restart heals itself. Runs on the agent's loop thread only.
 */
public final class NodeController {

    private static final Logger log = LoggerFactory.getLogger(NodeController.class);
    static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);
    /** Long enough for two nodes starting together to find each other (join timeout plus a merge round). */
    static final Duration STARTUP_GRACE = Duration.ofSeconds(8);

    private record Received(NodeState state, Instant at) {
    }

    private final SagentConfig config;
    private final NodeSpec self;
    private final Clock clock;
    private final AddressReconciler addresses;
    private final Consumer<NodeState> publisher;
    private final long incarnation;
    private final Instant startedAt;
    private final Map<String, Received> peers = new HashMap<>();
    /** Last states of every node ever seen, members or not: they say what a vanished node held. */
    private final Map<String, Received> lastKnown = new HashMap<>();
    private Set<String> view;
    private Set<String> lanView = Set.of();
    private Instant viewChangedAt = Instant.EPOCH;
    private Readiness readiness = Readiness.STARTING;
    private List<String> reasons = List.of("start-up gate not passed yet");
    private Optional<Instant> eligibleSince = Optional.empty();
    private boolean draining;
    private boolean disabledByAdmin;
    /** The last moves this node made, for status. */
    private final java.util.ArrayDeque<org.sagent.agent.control.StatusReport.Move> moves = new java.util.ArrayDeque<>();
    private static final int MOVES_KEPT = 20;
    private Set<String> handingOver = Set.of();
    private boolean announceHeld;
    private NodeState lastPublished;
    private Instant lastPublishedAt = Instant.EPOCH;
    private final Set<String> waitingLogged = new LinkedHashSet<>();
    /** Peers taken for dead before JGroups says so (replication carrier lost, silent on the LAN). */
    private final Map<String, Instant> suspected = new HashMap<>();
    private final Set<String> aliveOnLanLogged = new LinkedHashSet<>();
    private boolean checkDuplicates;
    /** Nothing is taken or published before the first view: the others may hold what we would take. */
    private boolean joined;
    private final Set<String> seen = new java.util.TreeSet<>();
    /** The move-ip commands given to this node that still stand, published with its state. */
    private final Map<String, org.sagent.agent.core.Pin> pins = new HashMap<>();
    /** When this node first saw each address held by nobody: the start of the outage it reports. */
    private final Map<String, Instant> unservedSince = new HashMap<>();
    private final org.sagent.agent.metrics.AgentMetrics metrics;
    private ClusterPicture lastPicture;
    /** The client connections on the public addresses, from the last sock_diag listing. */
    private Map<String, List<String>> clients = Map.of();
    /** Per address just released: the connections it had there, for its taker to tickle (ClientsLeftBehind). */
    private final Map<String, List<String>> leftBehind = new HashMap<>();
    private final Set<String> ownMacs;
    /** The MAC addresses of every node this node has heard of: their ARP is no foreign conflict. */
    private volatile Set<String> clusterMacs = Set.of();
    /** This node's side of an arbitration, published with its state (spec 7). */
    private java.util.function.Supplier<org.sagent.agent.core.IsolationClaim> isolationClaim = () -> null;
    /** Why this node is fenced (spec 7.3, 7.5): it holds nothing until the record is cleared. */
    private Optional<String> fenced = Optional.empty();
    /** Called when a fence record may be removed: resynced, healthy, connected. */
    private Runnable fenceCleared = () -> { };
    /** A fence found at start ends once resynced; one taken in this run lasts until the node restarts. */
    private boolean fenceEndsWhenResynced;

    public NodeController(SagentConfig config, NodeSpec self, Clock clock, AddressReconciler addresses,
                          Consumer<NodeState> publisher, org.sagent.agent.metrics.AgentMetrics metrics) {
        this.metrics = metrics;
        this.ownMacs = addresses.interfaceMacs();
        this.clusterMacs = ownMacs;
        this.config = config;
        this.self = self;
        this.clock = clock;
        this.addresses = addresses;
        this.publisher = publisher;
        this.startedAt = clock.instant();
        this.incarnation = startedAt.toEpochMilli();
        this.view = Set.of(self.name());
        Set<String> adopted = new LinkedHashSet<>(addresses.held());
        // An address left on our interface may meanwhile be served by another node (we were
        // frozen, or cut off): ask the LAN before adopting it.
        for (String address : Set.copyOf(adopted)) {
            Optional<String> other = addresses.answeredByAnother(address);
            if (other.isPresent()) {
                addresses.release(address);
                adopted.remove(address);
                log.info("released {} on {}: left over from before, but {} serves it now",
                        addresses.spec(address).address(), addresses.spec(address).interfaceName(), other.get());
            }
        }
        if (!adopted.isEmpty()) {
            log.info("adopting {} already on this node's interfaces (left by a previous agent): kept, not re-added",
                    adopted.stream().map(a -> addresses.spec(a).address() + " on " + addresses.spec(a).interfaceName())
                            .collect(Collectors.joining(", ")));
        }
    }

    public void onHealth(HealthView health) {
        Readiness next = switch (health.nodeHealth()) {
            case STARTING -> Readiness.STARTING;
            case OK -> Readiness.OK;
            case UNHEALTHY -> Readiness.UNHEALTHY;
        };
        reasons = health.checks().stream().filter(c -> !c.healthy()).map(c -> c.name() + ": " + health.whyUnhealthy(c))
                .toList();
        if (fenced.isPresent() && fenceEndsWhenResynced && next == Readiness.OK
                && health.checks().stream().noneMatch(c -> c.degraded())) {
            log.info("fence cleared: every check passed and DRBD is connected and UpToDate again (resynced); "
                    + "this node may serve again (it was: {})", fenced.get());
            fenced = Optional.empty();
            fenceCleared.run();
        }
        if (fenced.isPresent()) {
            List<String> why = new java.util.ArrayList<>();
            why.add(fenced.get() + "; held back until resynced, healthy and connected");
            why.addAll(reasons);
            reasons = List.copyOf(why);
            if (next == Readiness.OK) {
                next = Readiness.STARTING;
            }
        }
        if (next != readiness) {
            readiness = next;
            eligibleSince = next == Readiness.OK ? Optional.of(clock.instant()) : Optional.empty();
        }
        turn();
    }

    public void onMembership(MembershipEvent event) {
        if (event instanceof MembershipEvent.ViewChanged lan && lan.path() == MembershipEvent.Path.LAN) {
            Set<String> before = lanView;
            lanView = Set.copyOf(lan.members());
            if (!before.equals(lanView)) {
                log.info("LAN path: {}", String.join(", ", lanView.stream().sorted().toList()));
            }
            return;
        }
        if (event instanceof MembershipEvent.ViewChanged changed) {
            joined = true;
            viewChangedAt = clock.instant();
            seen.addAll(changed.members());
            Set<String> before = view;
            view = Set.copyOf(changed.members());
            peers.keySet().retainAll(view);
            suspected.keySet().retainAll(view);
            if (changed.merge() && readiness == Readiness.OK) {
                // Back from a partition: failback counts our eligibility from now, not from before.
                eligibleSince = Optional.of(clock.instant());
            }
            Set<String> left = new LinkedHashSet<>(before);
            left.removeAll(view);
            Set<String> joined = new LinkedHashSet<>(view);
            joined.removeAll(before);
            log.info("membership: {}{}{}{}", String.join(", ", view.stream().sorted().toList()),
                    joined.isEmpty() ? "" : "; joined " + String.join(", ", joined),
                    left.isEmpty() ? "" : "; left " + String.join(", ", left),
                    changed.merge() ? " (partitions merged)" : "");
            // Spec 2.7: whatever we keep after a membership change is announced again.
            announceHeld = true;
            lastPublishedAt = Instant.EPOCH; // newcomers need our state now
        } else if (event instanceof MembershipEvent.StateReceived received && view.contains(received.state().node())) {
            Received previous = peers.get(received.state().node());
            if (previous == null) {
                // What a member holds is unknown until this line: worth seeing how long after it joined.
                // Both from this loop's point of view: the view and the state may each have queued behind other work.
                Instant learnt = clock.instant();
                long queued = Duration.between(received.receivedAt(), learnt).toMillis();
                log.info("first state from {} since it joined ({} path, {} ms after the view{}): holds {}",
                        received.state().node(), received.path().name().toLowerCase(),
                        Duration.between(viewChangedAt, learnt).toMillis(),
                        queued >= 100 ? "; it waited " + queued + " ms for the event loop" : "",
                        received.state().held().isEmpty() ? "nothing" : String.join(", ", received.state().held()));
            }
            // The same state may come by both paths: keep the newest (a later publish has a longer uptime).
            if (previous == null || newer(received.state(), previous.state())) {
                peers.put(received.state().node(), new Received(received.state(), received.receivedAt()));
            }
            Instant since = suspected.get(received.state().node());
            if (since != null && received.receivedAt().isAfter(since)) {
                suspected.remove(received.state().node());
                log.info("{} is talking again: no longer suspected", received.state().node());
            }
        }
        turn();
    }

    /** Every other member of the view has published a state, or it has had time enough to. */
    private boolean heardFromEveryMember(Instant now) {
        boolean all = view.stream().filter(n -> !n.equals(self.name()) && !suspected.containsKey(n))
                .allMatch(peers::containsKey);
        return all || Duration.between(viewChangedAt, now).compareTo(PUBLISH_EVERY.multipliedBy(3)) > 0;
    }

    private static boolean newer(NodeState candidate, NodeState current) {
        return candidate.incarnation() > current.incarnation()
                || candidate.incarnation() == current.incarnation() && candidate.upForMillis() >= current.upForMillis();
    }

    /** The members of the LAN path's view (the peers reachable over the LAN). */
    public Set<String> lanView() {
        return lanView;
    }

    /** A public address changed in the kernel (perhaps removed by hand: F12), or just time passed. */
    public void turn() {
        if (!joined && fenced.isEmpty()) {
            return; // a fenced node releases even before it has seen a view
        }
        Instant now = clock.instant();
        Set<String> held = addresses.held();
        if (checkDuplicates) {
            checkDuplicates = false;
            for (String address : held) {
                Optional<String> other = addresses.answeredByAnother(address);
                if (other.isPresent()) {
                    addresses.release(address);
                    log.info("released {} on {}: duplicate, {} holds it too (it took over while this node was frozen)",
                            addresses.spec(address).address(), addresses.spec(address).interfaceName(), other.get());
                }
            }
            held = addresses.held();
        }
        NodeState own = ownState(held, now);
        ClusterPicture picture = picture(own, now);
        if (dropStalePins(picture)) {
            own = ownState(held, now);
            picture = picture(own, now);
        }
        lastPicture = picture;
        Set<String> macs = new java.util.HashSet<>(ownMacs);
        picture.states().values().forEach(s -> macs.addAll(s.macs()));
        clusterMacs = Set.copyOf(macs);
        for (ClusterPicture.Address address : picture.addresses()) {
            if (picture.holders(address.address()).isEmpty()) {
                unservedSince.putIfAbsent(address.address(), now);
            } else {
                unservedSince.remove(address.address());
                addresses.clearTakeConflict(address.address()); // a member answered our probe: no conflict
            }
        }
        Map<String, Optional<String>> allocation = Allocation.compute(picture);
        ReconcilePlan plan = ReconcilePlan.of(self.name(), allocation, held, picture);
        if (fenced.isPresent()) {
            // Standing down (spec 7.3): everything goes, whether or not another node can take it.
            plan = new ReconcilePlan(List.copyOf(held), List.of(), List.of());
        }
        if (!plan.take().isEmpty() && !heardFromEveryMember(now)) {
            // Until every member has told us what it holds, an address may look free that is not.
            plan = new ReconcilePlan(plan.release(), List.of(), plan.waiting());
        }
        boolean changed = execute(plan, picture, allocation);
        if (changed) {
            held = addresses.held();
            own = ownState(held, now);
        }
        if (announceHeld) {
            announceHeld = false;
            held.forEach(addresses::announceInBackground);
        }
        publishIfDue(own, now);
    }

    private boolean execute(ReconcilePlan plan, ClusterPicture picture, Map<String, Optional<String>> allocation) {
        boolean changed = false;
        for (String address : plan.release()) {
            long start = System.nanoTime();
            List<String> reset = killConnections(address);
            addresses.release(address);
            List<String> stranded = leaveBehind(address, reset);
            changed = true;
            PublicAddressSpec spec = addresses.spec(address);
            String why = releaseReason(address, picture);
            log.info("released {} on {}: {}, {} ms{}{}", spec.address(), spec.interfaceName(), why,
                    (System.nanoTime() - start) / 1_000_000,
                    reset.isEmpty() ? "" : "; reset " + reset.size() + " client connections so they reconnect to the "
                            + "new holder",
                    stranded.isEmpty() ? "" : "; " + stranded.size() + " more connected while it was being released");
            remember(address, self.name(), allocation.get(address).orElse("nobody"), why, null);
        }
        if (changed) {
            // Release before acquire: tell the others now, so the new holder need not wait a turn.
            lastPublishedAt = Instant.EPOCH;
            publishIfDue(ownState(addresses.held(), clock.instant()), clock.instant());
        }
        for (String address : plan.waiting()) {
            if (waitingLogged.add(address)) {
                log.info("{} is ours now; waiting for {} to release it first", address,
                        String.join(", ", picture.holders(address)));
            }
        }
        waitingLogged.retainAll(plan.waiting());
        for (ReconcilePlan.Take take : plan.take()) {
            long start = System.nanoTime();
            String conflictBefore = addresses.conflicts().get(take.address());
            AddressReconciler.TakeOutcome outcome = addresses.take(take);
            if (outcome instanceof AddressReconciler.TakeOutcome.Taken taken) {
                changed = true;
                PublicAddressSpec spec = addresses.spec(take.address());
                String origin = takeOrigin(take.address(), picture);
                Optional<Duration> outage = Optional.ofNullable(unservedSince.remove(take.address()))
                        .map(since -> Duration.between(since, clock.instant()));
                log.info("took {} on {} from {}: {}, {} announcements, {} ms{}", spec.address(), spec.interfaceName(),
                        origin, taken.probed() ? "probe clear" : "released, no probe",
                        taken.announcements() * 2, (System.nanoTime() - start) / 1_000_000,
                        outage.map(d -> "; unserved for " + d.toMillis() + " ms").orElse(""));
                String reason = origin.contains("(released it)") ? "released"
                        : origin.contains("(left the view)") ? "holder_lost" : "unheld";
                metrics.tookOver(take.address(), reason, outage);
                leftBehind.remove(take.address());
                tickleClientsLeftBehind(take.address(), picture);
                remember(take.address(), origin.split(" ")[0], self.name(), origin.contains("(")
                        ? origin.substring(origin.indexOf('(') + 1, origin.length() - 1) : origin,
                        outage.map(Duration::toMillis).orElse(null));
            } else if (outcome instanceof AddressReconciler.TakeOutcome.InUse inUse) {
                // Something answers for it, so clients are served: a later takeover's outage counts
                // from here, not from when this node first saw no holder (a peer whose state has
                // not reached us yet, a foreign host).
                unservedSince.put(take.address(), clock.instant());
                if (clusterMacs.contains(inUse.mac())) {
                    // A node of this cluster still answers (its agent died or froze): not a foreign host.
                    addresses.clearTakeConflict(take.address());
                } else if (!inUse.mac().equals(conflictBefore)) {
                    metrics.conflict(take.address());
                }
            }
        }
        return changed;
    }

    private String releaseReason(String address, ClusterPicture picture) {
        if (fenced.isPresent()) {
            return "this node stands down (" + fenced.get() + ")";
        }
        if (draining) {
            return "this node is stopping (handing it over)";
        }
        if (readiness == Readiness.UNHEALTHY) {
            return "this node is unhealthy (" + String.join("; ", reasons) + ")";
        }
        String home = addresses.spec(address).home();
        String pinned = picture.pins().get(address);
        if (pinned != null && !pinned.equals(self.name())) {
            return "moved to " + pinned + " by sagent move-ip";
        }
        if (picture.holders(address).size() > 1) {
            return "duplicate: " + String.join(" and ", picture.holders(address)) + " both held it; it belongs to the other";
        }
        return home.equals(self.name()) ? "moved by the allocation" : "its home " + home + " is back and healthy";
    }

    private String takeOrigin(String address, ClusterPicture picture) {
        for (Map.Entry<String, Received> peer : peers.entrySet()) {
            if (peer.getValue().state().released().contains(address)) {
                return peer.getKey() + " (released it)";
            }
        }
        List<String> vanished = picture.states().values().stream()
                .filter(s -> s.held().contains(address) && !picture.view().contains(s.node()))
                .map(NodeState::node).toList();
        return vanished.isEmpty() ? "nobody (unheld)" : String.join(", ", vanished) + " (left the view)";
    }

    private NodeState ownState(Set<String> held, Instant now) {
        boolean disabled = draining || disabledByAdmin;
        long eligibleFor = eligibleSince.filter(s -> !disabled).map(s -> Duration.between(s, now).toMillis()).orElse(0L);
        Set<String> released = addresses.recentlyReleased();
        // what a release left behind is published while the address is advertised as released
        leftBehind.keySet().retainAll(released);
        return new NodeState(self.name(), incarnation, readiness, reasons, disabled, held, released,
                eligibleFor, Duration.between(startedAt, now).toMillis(), seen, pins,
                org.sagent.agent.core.ClientsLeftBehind.published(clients, held, leftBehind), ownMacs,
                isolationClaim.get());
    }

    private ClusterPicture picture(NodeState own, Instant now) {
        Map<String, NodeState> states = new LinkedHashMap<>();
        // The states of nodes that left the view are kept: they say what a vanished node held.
        for (Map.Entry<String, Received> entry : lastKnown.entrySet()) {
            // Only for nodes outside the view: a member that rejoined has not said what it holds
            // yet, and its state from before it left would make us see a duplicate that is not.
            if (!view.contains(entry.getKey())) {
                states.put(entry.getKey(), entry.getValue().state());
            }
        }
        for (Map.Entry<String, Received> entry : peers.entrySet()) {
            NodeState s = entry.getValue().state();
            long age = Duration.between(entry.getValue().at(), now).toMillis();
            // Durations age while we wait for the next message.
            states.put(entry.getKey(), new NodeState(s.node(), s.incarnation(), s.readiness(), s.reasons(), s.disabled(),
                    s.held(), s.released(), s.eligibleForMillis() > 0 ? s.eligibleForMillis() + age : 0,
                    s.upForMillis() + age, s.seen(), s.pins(), s.clients(), s.macs()));
            lastKnown.put(entry.getKey(), entry.getValue());
        }
        states.put(self.name(), own);
        Map<String, Integer> numbers = new LinkedHashMap<>();
        config.nodes().forEach(n -> numbers.put(n.name(), n.number()));
        List<ClusterPicture.Address> list = config.publicAddresses().stream()
                .map(a -> new ClusterPicture.Address(AddressReconciler.key(a.address().address()), a.home())).toList();
        Set<String> members = new LinkedHashSet<>(view);
        members.removeAll(suspected.keySet());
        members.add(self.name());
        // Only members' pins count: a node that left takes its pins with it.
        Map<String, String> agreedPins = org.sagent.agent.core.Pins.agreed(states.values().stream()
                .filter(st -> members.contains(st.node())).toList());
        return new ClusterPicture(numbers, list, members, states, config.failover().failback(),
                config.failover().failbackDelay(), STARTUP_GRACE, agreedPins);
    }

    private void publishIfDue(NodeState own, Instant now) {
        boolean different = lastPublished == null || !sameContent(lastPublished, own);
        if (different || Duration.between(lastPublishedAt, now).compareTo(PUBLISH_EVERY) >= 0) {
            publisher.accept(own);
            lastPublished = own;
            lastPublishedAt = now;
        }
    }

    private static boolean sameContent(NodeState a, NodeState b) {
        return a.readiness() == b.readiness() && a.disabled() == b.disabled() && a.held().equals(b.held())
                && a.released().equals(b.released()) && a.reasons().equals(b.reasons()) && a.pins().equals(b.pins())
                && java.util.Objects.equals(a.isolation(), b.isolation());
    }

    /**
     * The replication cable lost carrier and {@code peer} was asked over the LAN whether it is
     * alive: silent means dead (act now, before the heartbeat timeout); alive means only the
     * cable is down (F6), and nothing moves.
     */
    public void peerLiveness(String peer, boolean alive, String detail) {
        if (!view.contains(peer)) {
            return;
        }
        if (alive) {
            if (aliveOnLanLogged.add(peer)) {
                log.warn("replication link down; {} alive on LAN ({}): nothing moves", peer, detail);
            }
            return;
        }
        aliveOnLanLogged.remove(peer);
        if (suspected.putIfAbsent(peer, clock.instant()) == null) {
            log.warn("{} taken for dead: replication carrier lost and {}", peer, detail);
        }
        turn();
    }

    /**
     * The whole process stood still for {@code frozen} (SIGSTOP, a paused machine): the others
     * may have taken our addresses meanwhile. Eligibility counts from now (no early failback),
     * and every held address is checked for a duplicate before anything else (spec 2.1, F4).
     */
    public void thawed(Duration frozen) {
        log.warn("this agent was frozen for {} ms (SIGSTOP or a paused machine): the others may have taken over; "
                + "checking this node's addresses for duplicates", frozen.toMillis());
        eligibleSince = readiness == Readiness.OK ? Optional.of(clock.instant()) : Optional.empty();
        checkDuplicates = true;
        turn();
    }

    /** The replication cable has carrier again. */
    public void replicationCarrierBack() {
        if (!aliveOnLanLogged.isEmpty()) {
            log.info("replication link up again");
        }
        aliveOnLanLogged.clear();
    }

    private void remember(String address, String from, String to, String reason, Long outageMillis) {
        moves.addLast(new org.sagent.agent.control.StatusReport.Move(clock.instant().toString(), address, from, to,
                reason, outageMillis));
        while (moves.size() > MOVES_KEPT) {
            moves.removeFirst();
        }
    }

    /**
     * {@code sagent move-ip}: puts {@code address} on {@code node} and keeps it there until that
     * node can no longer serve it. Returns why it is refused, or empty when accepted.
     */
    public Optional<String> moveIp(String address, String node) {
        Optional<java.net.InetAddress> wanted = org.sagent.agent.config.IpLiterals.parse(
                address.contains("/") ? address.substring(0, address.indexOf('/')) : address);
        Optional<PublicAddressSpec> spec = config.publicAddresses().stream()
                .filter(a -> wanted.isPresent() && a.address().address().equals(wanted.get()))
                .findFirst();
        if (spec.isEmpty()) {
            return Optional.of(address + " is not a public address of this cluster; configured: "
                    + config.publicAddresses().stream().map(a -> a.address().address().getHostAddress())
                    .collect(Collectors.joining(", ")));
        }
        if (config.node(node).isEmpty()) {
            return Optional.of("no node named " + node + "; nodes: "
                    + config.nodes().stream().map(NodeSpec::name).collect(Collectors.joining(", ")));
        }
        Instant now = clock.instant();
        ClusterPicture picture = picture(ownState(addresses.held(), now), now);
        if (!picture.view().contains(node)) {
            return Optional.of(node + " is not in this node's cluster view (DISCONNECTED): it cannot take "
                    + spec.get().address());
        }
        NodeState target = picture.state(node).orElseThrow();
        if (!target.canTake()) {
            String state = target.disabled() ? "DISABLED" : target.readiness().name();
            return Optional.of(node + " is " + state + (target.reasons().isEmpty() ? "" : " ("
                    + String.join("; ", target.reasons()) + ")") + ": it may not take " + spec.get().address());
        }
        String key = AddressReconciler.key(spec.get().address().address());
        // Newer than any pin this node knows of for the address, even if another node's clock runs ahead.
        long stamp = picture.states().values().stream().map(s -> s.pins().get(key))
                .filter(java.util.Objects::nonNull).mapToLong(p -> p.atMillis() + 1)
                .reduce(now.toEpochMilli(), Math::max);
        pins.put(key, new org.sagent.agent.core.Pin(node, stamp));
        log.info("move-ip: {} goes to {} by an administrator's request; it stays there while {} can serve it",
                spec.get().address(), node, node);
        lastPublishedAt = Instant.EPOCH;
        turn();
        return Optional.empty();
    }

    /** Before a release: resets the address's client connections (connections.kill-on-release). */
    private List<String> killConnections(String address) {
        if (!config.connections().killOnRelease()) {
            return List.of();
        }
        List<String> killed = addresses.killConnections(address);
        if (!killed.isEmpty()) {
            metrics.connectionsKilled(address, killed.size());
        }
        return killed;
    }

    /**
     * After taking an address: tickle ACKs to the clients its previous holder left on it (a
     * vanished holder's, or what a releasing one reset or could not reset there).
     */
    private void tickleClientsLeftBehind(String address, ClusterPicture picture) {
        if (!config.connections().tickle()) {
            return;
        }
        List<String> known = org.sagent.agent.core.ClientsLeftBehind.toTickle(address, self.name(), picture);
        if (!known.isEmpty()) {
            addresses.tickleInBackground(address, known, sent -> metrics.tickles(address, sent));
        }
    }

    /**
     * After a release (with connections.kill-on-release): what the taker should tickle, published
     * with the release: the connections just reset (a reset does not reach a client when this
     * node's LAN is down) and those that connected while the address was being released (their
     * reset can no longer leave). Returns the latter.
     */
    private List<String> leaveBehind(String address, List<String> reset) {
        if (!config.connections().killOnRelease()) {
            return List.of();
        }
        int max = config.connections().maxPerAddress();
        List<String> stranded = addresses.strandedClients(address, max);
        List<String> all = java.util.stream.Stream.concat(reset.stream(), stranded.stream()).distinct().limit(max).toList();
        if (!all.isEmpty()) {
            leftBehind.put(address, all);
        }
        return stranded;
    }

    /** MAC addresses of the cluster's own nodes (any thread). */
    public Set<String> clusterMacs() {
        return clusterMacs;
    }

    /** The client connections now on the public addresses (from the agent's periodic listing). */
    public void setClients(Map<String, List<String>> current) {
        clients = Map.copyOf(current);
    }

    /** Forgets this node's pins whose node can no longer take the address, or that a newer pin replaced. */
    private boolean dropStalePins(ClusterPicture picture) {
        boolean dropped = false;
        for (var it = pins.entrySet().iterator(); it.hasNext(); ) {
            var entry = it.next();
            String agreed = picture.pins().get(entry.getKey());
            if (!picture.canTake(entry.getValue().node())) {
                log.info("move-ip of {} to {} ends: {} can no longer serve it; the usual rules place it now",
                        entry.getKey(), entry.getValue().node(), entry.getValue().node());
                it.remove();
                dropped = true;
            } else if (agreed != null && !agreed.equals(entry.getValue().node())) {
                it.remove();
                dropped = true;
            }
        }
        return dropped;
    }

    /** Where this node's arbitration claim comes from (published with its state). */
    public void isolationClaims(java.util.function.Supplier<org.sagent.agent.core.IsolationClaim> claim) {
        this.isolationClaim = claim;
    }

    /** Called (on the loop) once a fence is cleared, to remove its record. */
    public void onFenceCleared(Runnable cleared) {
        this.fenceCleared = cleared;
    }

    /**
     * Fences this node (spec 7.3 and 7.5): it releases every address now, takes none, and stays
     * STARTING. A fence found at start ({@code endsWhenResynced}) ends once its checks pass with
     * DRBD connected and UpToDate again; a stand-down in this run lasts until the agent restarts
     * (after the reboot, or an operator's restart), whatever the checks say meanwhile.
     */
    public void fence(String why, boolean endsWhenResynced) {
        if (fenced.isEmpty()) {
            fenced = Optional.of(why);
            fenceEndsWhenResynced = endsWhenResynced;
            reasons = java.util.stream.Stream.concat(java.util.stream.Stream.of(why + "; held back until resynced, "
                    + "healthy and connected"), reasons.stream()).toList();
            if (readiness == Readiness.OK) {
                readiness = Readiness.STARTING;
                eligibleSince = Optional.empty();
            }
            lastPublishedAt = Instant.EPOCH;
            turn();
        }
    }

    /** OK and serving-fit now: healthy, not disabled, not stopping, not fenced. */
    public boolean ok() {
        return readiness == Readiness.OK && !disabledByAdmin && !draining && fenced.isEmpty();
    }

    /** Publishes this node's state now (its arbitration claim changed). */
    public void publishNow() {
        lastPublishedAt = Instant.EPOCH;
        turn();
    }

    /** Drains this node for maintenance (or ends that); the agent persists the choice. */
    public void setDisabled(boolean disabled) {
        if (disabled != disabledByAdmin) {
            disabledByAdmin = disabled;
            log.info(disabled ? "disabled by an administrator: handing this node's addresses to the others"
                    : "enabled by an administrator: this node may hold addresses again");
            if (!disabled && readiness == Readiness.OK) {
                eligibleSince = Optional.of(clock.instant());
            }
            lastPublishedAt = Instant.EPOCH;
            turn();
        }
    }

    public boolean disabled() {
        return disabledByAdmin;
    }

    /** What {@code sagent status} shows, at this moment. */
    public org.sagent.agent.control.StatusReport report(HealthView health, String replicationInterface,
                                                        boolean replicationUp, boolean lanPathOn) {
        Instant now = clock.instant();
        Set<String> held = addresses.held();
        List<org.sagent.agent.control.StatusReport.Node> nodes = new java.util.ArrayList<>();
        for (NodeSpec node : config.nodes().stream().sorted(java.util.Comparator.comparingInt(NodeSpec::number)).toList()) {
            String state;
            List<String> why;
            if (node.name().equals(self.name())) {
                state = disabledByAdmin ? "DISABLED" : draining ? "STOPPING" : readiness.name();
                why = reasons;
            } else if (!view.contains(node.name()) || suspected.containsKey(node.name())) {
                state = "DISCONNECTED";
                why = List.of(lanView.contains(node.name()) ? "not in the replication view; alive on the LAN"
                        : "not in the replication view");
            } else {
                Received r = peers.get(node.name());
                state = r == null ? "STARTING" : r.state().disabled() ? "DISABLED" : r.state().readiness().name();
                why = r == null ? List.of("no state received yet") : r.state().reasons();
            }
            nodes.add(new org.sagent.agent.control.StatusReport.Node(node.number(), node.name(),
                    node.replicationAddress().getHostAddress(), node.name().equals(self.name()), state, why,
                    lanPathOn ? lanView.contains(node.name()) : null));
        }
        List<org.sagent.agent.control.StatusReport.Address> list = new java.util.ArrayList<>();
        for (PublicAddressSpec spec : config.publicAddresses()) {
            String key = AddressReconciler.key(spec.address().address());
            List<String> holders = new java.util.ArrayList<>();
            if (held.contains(key)) {
                holders.add(self.name());
            }
            peers.forEach((name, r) -> {
                if (view.contains(name) && r.state().held().contains(key)) {
                    holders.add(name);
                }
            });
            String pinnedTo = lastPicture == null ? null : lastPicture.pins().get(key);
            int connections = holders.contains(self.name()) ? clients.getOrDefault(key, List.of()).size()
                    : peers.values().stream().filter(r -> r.state().held().contains(key))
                    .mapToInt(r -> r.state().clients().getOrDefault(key, List.of()).size()).sum();
            list.add(new org.sagent.agent.control.StatusReport.Address(spec.address().toString(), spec.interfaceName(),
                    spec.home(), holders, pinnedTo != null && !pinnedTo.equals(spec.home()) ? pinnedTo : null,
                    addresses.conflicts().get(key), connections));
        }
        List<org.sagent.agent.control.StatusReport.Check> checks = health == null ? List.of()
                : health.checks().stream().map(c -> new org.sagent.agent.control.StatusReport.Check(c.name(),
                c.healthy(), c.degraded(), c.lastReason(),
                c.last().map(r -> Duration.between(r.at(), now).toMillis()).orElse(-1L),
                c.last().map(r -> r.took().toMillis()).orElse(-1L))).toList();
        List<String> peersInView = view.stream().filter(n -> !n.equals(self.name())).sorted().toList();
        String note = replicationUp ? "up" : config.nodes().stream().filter(n -> !n.equals(self))
                .map(n -> lanView.contains(n.name()) ? n.name() + " alive on LAN" : n.name() + " not seen on LAN")
                .collect(Collectors.joining(", ", "replication link down; ", ""));
        return new org.sagent.agent.control.StatusReport(self.name(), config.cluster().name(), nodes, list, checks,
                new org.sagent.agent.control.StatusReport.Link(replicationInterface == null ? "?" : replicationInterface,
                        replicationUp, peersInView, note), List.copyOf(moves));
    }

    /** Begins a graceful stop: this node gives up its addresses to the others (F8). */
    public void startDraining() {
        handingOver = Set.copyOf(addresses.held());
        draining = true;
        log.info("draining: handing this node's addresses to the other nodes");
        turn();
    }

    /** The addresses this node still holds. */
    public Set<String> held() {
        return addresses.held();
    }

    /** True once every address this node held when draining began is held by another member. */
    public boolean handedOver() {
        return handingOver.stream().allMatch(a -> peers.values().stream().anyMatch(p -> p.state().held().contains(a)));
    }

    /** Removes whatever is left (nobody could take it): a stopped agent leaves no address behind. */
    public void releaseRemaining() {
        for (String address : addresses.held()) {
            List<String> reset = killConnections(address);
            addresses.release(address);
            leaveBehind(address, reset); // for a node that takes it within the released window
            log.info("released {} on {}: stopping and no other node could take it{}",
                    addresses.spec(address).address(), addresses.spec(address).interfaceName(),
                    reset.isEmpty() ? "" : "; reset " + reset.size() + " client connections");
        }
        lastPublishedAt = Instant.EPOCH;
        publishIfDue(ownState(Set.of(), clock.instant()), clock.instant());
    }
}
