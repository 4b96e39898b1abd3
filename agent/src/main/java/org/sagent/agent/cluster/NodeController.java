package org.sagent.agent.cluster;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.sagent.agent.addresses.AddressPort;
import org.sagent.agent.addresses.AddressReconciler;
import org.sagent.agent.config.IpLiterals;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.control.StatusReport;
import org.sagent.agent.core.Allocation;
import org.sagent.agent.core.ClusterPicture;
import org.sagent.agent.core.IsolationClaim;
import org.sagent.agent.core.MoveIp;
import org.sagent.agent.core.NodeState;
import org.sagent.agent.core.PeerCheckRound;
import org.sagent.agent.core.Pin;
import org.sagent.agent.core.PinEnd;
import org.sagent.agent.core.Pins;
import org.sagent.agent.core.PlanOverrides;
import org.sagent.agent.core.Readiness;
import org.sagent.agent.core.ReconcilePlan;
import org.sagent.agent.core.ReleaseReason;
import org.sagent.agent.core.TimedChange;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.logging.Notice;
import org.sagent.agent.membership.MembershipEvent;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part in the cluster: gathers the inputs (health, view, peers' states, the
 * kernel's addresses), asks the pure core what should be where, has the address port make it
 * so, and publishes the result. Level-triggered: every turn starts again from what the kernel
 * reports, so a missed event or a restart heals itself. Every interval it measures (eligibility,
 * uptime, suspicion, the view's age, when to publish again) is on the monotonic clock; the wall
 * clock only dates what is written down (the incarnation, a pin, the move history). Runs on the
 * agent's loop thread only.
 */
public final class NodeController {

    private static final Logger log = LoggerFactory.getLogger(NodeController.class);
    static final Duration PUBLISH_EVERY = Duration.ofSeconds(1);
    /**
     * How soon the next turn comes while something is in motion (a release, a take, a wait for
     * a holder, a take held back, a duplicate check): the cadence every turn had before turns
     * were driven by events.
     */
    public static final Duration IN_MOTION = Duration.ofMillis(200);

    private final ControllerSettings settings;
    private final String self;
    private final Clock wallClock;
    private final MonotonicClock clock;
    private final AddressPort addresses;
    private final Consumer<NodeState> publisher;
    private final FailoverEvents events;
    private final PeerStates peers;
    private final ClientHandover clients;
    private final MoveHistory moves;
    private final StatusAssembler status;
    private final long incarnation;
    private final MonotonicInstant startedAt;
    private final Set<String> ownMacs;
    private final LocalNode local;
    private final PlanExecutor executor;
    private Set<String> handingOver = Set.of();
    private boolean announceHeld;
    private NodeState lastPublished;
    /** Empty: publish at the next turn, whether or not anything changed. */
    private Optional<MonotonicInstant> lastPublishedAt = Optional.empty();
    private final Set<String> aliveOnLanLogged = new LinkedHashSet<>();
    /** The last peer check's ARP round that found a peer dead: recent, it is a take's probe. */
    private PeerCheckRound peerCheck = PeerCheckRound.none();
    private boolean checkDuplicates;
    /**
     * After a thaw the held addresses are checked again on every turn until then: one ARP round
     * can miss the other holder's answer (this node's LAN link coming back, a loaded machine), and
     * the duplicate would then last until the views merge (3-4 s seen in CI, against spec F4's 1 s).
     */
    private Optional<MonotonicInstant> checkDuplicatesUntil = Optional.empty();
    static final Duration DUPLICATE_CHECK_WINDOW = Duration.ofSeconds(2);
    /** The move-ip commands given to this node that still stand, published with its state. */
    private final Map<String, Pin> pins = new HashMap<>();
    private ClusterPicture lastPicture;
    /** What the last turn left to do: something in motion, or when time alone changes a decision. */
    private boolean inMotion = true;
    private Optional<Duration> timedChange = Optional.empty();
    private MonotonicInstant lastTurnAt;
    /** The MAC addresses of every node this node has heard of: their ARP is no foreign conflict. */
    private volatile Set<String> clusterMacs;
    /** This node's side of an arbitration, published with its state (spec 7). */
    private Supplier<IsolationClaim> isolationClaim = () -> null;

    /**
     * Adopts what a previous agent left on the interfaces, unless another host serves it now.
     *
     * @param wallClock dates the incarnation, pins and the move history
     * @param clock     measures every interval
     * @param publisher sends this node's state to its peers (must not block: called on the loop)
     */
    public NodeController(ControllerSettings settings, String self, Clock wallClock, MonotonicClock clock,
                          AddressPort addresses, Consumer<NodeState> publisher, FailoverEvents events) {
        this.settings = settings;
        this.self = self;
        this.wallClock = wallClock;
        this.clock = clock;
        this.addresses = addresses;
        this.publisher = publisher;
        this.events = events;
        this.startedAt = clock.now();
        // The wall clock: a restarted agent's states must supersede its earlier ones, across processes.
        this.incarnation = wallClock.millis();
        this.peers = new PeerStates(self, settings, startedAt);
        this.clients = new ClientHandover(self, settings.connections(), addresses, events);
        this.moves = new MoveHistory(wallClock);
        this.status = new StatusAssembler(settings, self);
        this.local = new LocalNode(clock);
        this.executor = new PlanExecutor(self, clock, settings, addresses, clients, moves, events);
        this.ownMacs = addresses.interfaceMacs();
        this.clusterMacs = ownMacs;
        Set<String> adopted = new LinkedHashSet<>(addresses.held());
        // An address left on our interface may meanwhile be served by another node (we were
        // frozen, or cut off): ask the LAN before adopting it.
        for (String address : Set.copyOf(adopted)) {
            Optional<String> other = addresses.answeredByAnother(address);
            if (other.isPresent()) {
                addresses.release(address);
                adopted.remove(address);
                log.info(Notice.NOTICE, "released {}: left over from before, but {} serves it now", settings.where(address), other.get());
            }
        }
        if (!adopted.isEmpty()) {
            log.info("adopting {} already on this node's interfaces (left by a previous agent): kept, not re-added",
                    adopted.stream().map(settings::where).collect(Collectors.joining(", ")));
        }
    }

    /** The checks' latest verdict: a turn when it changes this node's fitness (most results repeat the last). */
    public void onHealth(HealthView health) {
        Readiness readiness = local.readiness();
        List<String> reasons = local.reasons();
        Optional<String> fenced = local.fenced();
        local.health(health);
        if (local.readiness() != readiness || !local.reasons().equals(reasons) || !local.fenced().equals(fenced)) {
            turn();
        }
    }

    /**
     * A view or a member's state, on either path.
     *
     * @param receivedAt when the agent received it (on the monotonic clock): a state's durations age from then
     */
    public void onMembership(MembershipEvent event, MonotonicInstant receivedAt) {
        if (event instanceof MembershipEvent.ViewChanged lan && lan.path() == MembershipEvent.Path.LAN) {
            if (peers.lanView(lan.members())) {
                log.info("LAN path: {}", String.join(", ", peers.lanView().stream().sorted().toList()));
            }
            return;
        }
        if (event instanceof MembershipEvent.ViewChanged changed) {
            PeerStates.ViewChange change = peers.replicationView(changed, clock.now());
            if (changed.merge() && local.readiness() == Readiness.OK) {
                local.eligibleFromNow(); // back from a partition: failback counts our eligibility from now
            }
            log.info("membership: {}{}{}{}", String.join(", ", peers.view().stream().sorted().toList()),
                    change.joined().isEmpty() ? "" : "; joined " + String.join(", ", change.joined()),
                    change.left().isEmpty() ? "" : "; left " + String.join(", ", change.left()),
                    changed.merge() ? " (partitions merged)" : "");
            // Spec 2.7: whatever we keep after a membership change is announced again.
            announceHeld = true;
            lastPublishedAt = Optional.empty(); // newcomers need our state now
        } else if (event instanceof MembershipEvent.StateReceived received && peers.member(received.state().node())) {
            NodeState state = received.state();
            Optional<PeerStates.Received> previous = peers.keep(state, receivedAt);
            boolean talkingAgain = peers.talking(state.node(), receivedAt);
            if (talkingAgain) {
                log.info("{} is talking again: no longer suspected", state.node());
            }
            if (!talkingAgain && previous.filter(p -> sameForTheDecisions(p.state(), state)).isPresent()) {
                return; // a peer's periodic state with nothing new: its ageing is the timed turn's
            }
            if (previous.isEmpty()) {
                // What a member holds is unknown until this line: worth seeing how long after it joined.
                // Both from this loop's point of view: the view and the state may each have queued behind other work.
                MonotonicInstant learnt = clock.now();
                long queued = learnt.since(receivedAt).toMillis();
                log.info("first state from {} since it joined ({} path, {} ms after the view{}): holds {}",
                        state.node(), received.path().name().toLowerCase(),
                        learnt.since(peers.viewChangedAt()).toMillis(),
                        queued >= 100 ? "; it waited " + queued + " ms for the event loop" : "",
                        state.held().isEmpty() ? "nothing" : String.join(", ", state.held()));
            }
        }
        turn();
    }

    /**
     * A member's new state changes no decision of the core against its last one: the same run of
     * its agent, the same news, the same nodes seen, still (in)eligible. Its durations only aged,
     * which {@link TimedChange} accounts for.
     */
    private static boolean sameForTheDecisions(NodeState before, NodeState now) {
        return before.incarnation() == now.incarnation() && before.sameNews(now) && before.seen().equals(now.seen())
                && (before.eligibleForMillis() > 0) == (now.eligibleForMillis() > 0);
    }

    /** A public address changed in the kernel (perhaps removed by hand: F12), or just time passed. */
    public void turn() {
        if (!peers.joined() && local.fenced().isEmpty()) {
            return; // nothing is taken or published before the first view; a fenced node releases anyway
        }
        MonotonicInstant now = clock.now();
        inMotion = true; // until this turn has run to its end
        lastTurnAt = now;
        Set<String> held = addresses.held();
        checkDuplicatesUntil = checkDuplicatesUntil.filter(now::isBefore);
        boolean checkedDuplicates = checkDuplicates || checkDuplicatesUntil.isPresent();
        if (checkedDuplicates) {
            checkDuplicates = false;
            held = releaseDuplicates(held);
        }
        ClusterPicture picture = currentPicture(held, now);
        lastPicture = picture;
        Set<String> macs = new java.util.HashSet<>(ownMacs);
        picture.states().values().forEach(s -> macs.addAll(s.macs()));
        clusterMacs = Set.copyOf(macs);
        executor.observe(picture, clusterMacs, now);
        Map<String, Optional<String>> allocation = Allocation.compute(picture);
        ReconcilePlan planned = ReconcilePlan.of(self, allocation, held, picture, peerCheck.findings(now));
        ReconcilePlan plan = PlanOverrides.apply(planned, held, local.fenced().isPresent(),
                peers.heardFromEveryMember(now, PUBLISH_EVERY));
        if (executor.execute(plan, picture, allocation, address -> releaseReason(address, picture),
                this::publishReleases, peers.memberStates())) {
            held = addresses.held();
        }
        if (announceHeld) {
            announceHeld = false;
            held.forEach(addresses::announceInBackground);
        }
        publishIfDue(ownState(held, now), now);
        timedChange = TimedChange.next(picture);
        inMotion = !planned.isEmpty() || !planned.waiting().isEmpty() || !plan.isEmpty() || checkedDuplicates
                || local.draining();
    }

    /**
     * How soon this node needs its next turn if no input comes first: {@link #IN_MOTION} while
     * the last turn left something in motion; otherwise when time alone changes a decision
     * ({@link TimedChange}) or this node's state is due to be published again, whichever is
     * first. The publishing is also the safety net: at least once every {@link #PUBLISH_EVERY}
     * a turn compares the kernel's addresses with the plan, so one removed behind the agent's
     * back with its event lost is put back within that.
     */
    public Duration nextTurnWithin() {
        if (inMotion || lastTurnAt == null) {
            return lastTurnAt == null ? PUBLISH_EVERY : IN_MOTION;
        }
        MonotonicInstant now = clock.now();
        Duration sinceTurn = now.since(lastTurnAt);
        Duration untilPublish = lastPublishedAt.map(at -> PUBLISH_EVERY.minus(now.since(at))).orElse(Duration.ZERO);
        Duration next = timedChange.map(change -> change.minus(sinceTurn)).filter(d -> d.compareTo(untilPublish) < 0)
                .orElse(untilPublish);
        return next.isNegative() ? Duration.ZERO : next;
    }

    /** The cluster as this node sees it now, once the pins that no longer stand are dropped. */
    private ClusterPicture currentPicture(Set<String> held, MonotonicInstant now) {
        ClusterPicture picture = peers.picture(ownState(held, now), now);
        return dropEndedPins(picture) ? peers.picture(ownState(held, now), now) : picture;
    }

    private ReleaseReason releaseReason(String address, ClusterPicture picture) {
        return ReleaseReason.of(address, self, settings.publicAddress(address).home(), local.fenced(),
                local.draining(), local.readiness(), local.reasons(), picture);
    }

    /** After a freeze: lets go of every held address another host answers for (spec 2.1, F4). */
    private Set<String> releaseDuplicates(Set<String> held) {
        for (String address : held) {
            Optional<String> other = addresses.answeredByAnother(address);
            if (other.isPresent()) {
                addresses.release(address);
                log.info(Notice.NOTICE, "released {}: duplicate, {} holds it too (it took over while this node was frozen)",
                        settings.where(address), other.get());
            }
        }
        return addresses.held();
    }

    private void publishReleases() {
        lastPublishedAt = Optional.empty();
        MonotonicInstant now = clock.now();
        publishIfDue(ownState(addresses.held(), now), now);
    }

    private NodeState ownState(Set<String> held, MonotonicInstant now) {
        Set<String> released = addresses.recentlyReleased();
        return new NodeState(self, incarnation, local.readiness(), local.reasons(), local.withdrawn(), held, released,
                local.eligibleForMillis(now),
                now.since(startedAt).toMillis(), peers.seen(), pins, clients.published(held, released),
                ownMacs, isolationClaim.get());
    }

    private void publishIfDue(NodeState own, MonotonicInstant now) {
        boolean different = lastPublished == null || !lastPublished.sameNews(own);
        if (different || lastPublishedAt.map(at -> now.since(at).compareTo(PUBLISH_EVERY) >= 0).orElse(true)) {
            publisher.accept(own);
            lastPublished = own;
            lastPublishedAt = Optional.of(now);
        }
    }

    /**
     * The replication cable lost carrier and {@code peer} was asked over the LAN whether it is
     * alive: silent means dead (act now, before the heartbeat timeout); alive means only the
     * cable is down (F6), and nothing moves.
     */
    public void peerLiveness(String peer, boolean alive, String detail) {
        peerLiveness(peer, alive, detail, PeerCheckRound.none());
    }

    /**
     * As {@link #peerLiveness(String, boolean, String)}, with what the same ARP round found for
     * the public addresses it probed: a take right after it needs no probe of its own for an
     * address it found clear, and one it found answered is not taken (spec 2.4).
     */
    public void peerLiveness(String peer, boolean alive, String detail, PeerCheckRound round) {
        if (!peers.member(peer)) {
            return;
        }
        if (alive) {
            if (aliveOnLanLogged.add(peer)) {
                log.warn("replication link down; {} alive on LAN ({}): nothing moves", peer, detail);
            }
            return;
        }
        aliveOnLanLogged.remove(peer);
        peerCheck = round;
        if (peers.suspect(peer, clock.now())) {
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
        local.eligibleFromNow();
        checkDuplicates = true;
        checkDuplicatesUntil = Optional.of(clock.now().plus(DUPLICATE_CHECK_WINDOW));
        turn();
    }

    /** The replication cable has carrier again. */
    public void replicationCarrierBack() {
        peerCheck = PeerCheckRound.none(); // what it found was about a peer that may be back now
        if (!aliveOnLanLogged.isEmpty()) {
            log.info("replication link up again");
        }
        aliveOnLanLogged.clear();
    }

    /**
     * {@code sagent move-ip}: puts {@code address} on {@code node} and keeps it there until that
     * node can no longer serve it. Returns why it is refused, or empty when accepted.
     */
    public Optional<String> moveIp(String address, String node) {
        Optional<String> key = IpLiterals.parse(address.contains("/") ? address.substring(0, address.indexOf('/'))
                : address).map(AddressReconciler::key);
        Map<String, String> printed = new LinkedHashMap<>();
        settings.publicAddresses().forEach(a -> printed.put(AddressReconciler.key(a.address().address()),
                a.address().toString()));
        MonotonicInstant now = clock.now();
        MoveIp.Decision decision = MoveIp.decide(address, key, printed,
                settings.nodes().stream().map(NodeSpec::name).toList(), node,
                peers.picture(ownState(addresses.held(), now), now), wallClock.millis());
        if (decision instanceof MoveIp.Refused refused) {
            return Optional.of(refused.why());
        }
        MoveIp.Accepted accepted = (MoveIp.Accepted) decision;
        pins.put(accepted.address(), accepted.pin());
        log.info("move-ip: {} goes to {} by an administrator's request; it stays there while {} can serve it",
                printed.get(accepted.address()), node, node);
        lastPublishedAt = Optional.empty();
        turn();
        return Optional.empty();
    }

    /** MAC addresses of the cluster's own nodes (any thread). */
    public Set<String> clusterMacs() {
        return clusterMacs;
    }

    /** The client connections now on the public addresses (from the agent's periodic listing). */
    public void setClients(Map<String, List<String>> current) {
        clients.listed(current);
    }

    /** Forgets this node's pins that no longer stand; true if any went. */
    private boolean dropEndedPins(ClusterPicture picture) {
        List<PinEnd> ended = Pins.ended(pins, picture);
        for (PinEnd end : ended) {
            if (end instanceof PinEnd.CannotServe gone) {
                log.info("move-ip of {} to {} ends: {} can no longer serve it; the usual rules place it now",
                        gone.address(), gone.node(), gone.node());
            }
            pins.remove(end.address());
        }
        return !ended.isEmpty();
    }

    /** Where this node's arbitration claim comes from (published with its state). */
    public void isolationClaims(Supplier<IsolationClaim> claim) {
        this.isolationClaim = claim;
    }

    /** Called (on the loop) once a fence is cleared, to remove its record. */
    public void onFenceCleared(Runnable cleared) {
        local.onFenceCleared(cleared);
    }

    /**
     * Fences this node (spec 7.3 and 7.5): it releases every address now, takes none, and stays
     * STARTING. A fence found at start ({@code endsWhenResynced}) ends once its checks pass with
     * DRBD connected and UpToDate again; a stand-down in this run lasts until the agent restarts
     * (after the reboot, or an operator's restart), whatever the checks say meanwhile.
     */
    public void fence(String why, boolean endsWhenResynced) {
        if (local.fence(why, endsWhenResynced)) {
            lastPublishedAt = Optional.empty();
            turn();
        }
    }

    /** OK and serving-fit now: healthy, not disabled, not stopping, not fenced. */
    public boolean ok() {
        return local.ok();
    }

    /** OK as an arbitration counts it at the cut: DRBD's I/O freeze for fencing set aside. */
    public boolean okAtCut() {
        return local.okAtCut();
    }

    /** Publishes this node's state now (its arbitration claim changed). */
    public void publishNow() {
        lastPublishedAt = Optional.empty();
        turn();
    }

    /** Drains this node for maintenance (or ends that); the agent persists the choice. */
    public void setDisabled(boolean disabled) {
        if (local.disable(disabled)) {
            log.info(disabled ? "disabled by an administrator: handing this node's addresses to the others"
                    : "enabled by an administrator: this node may hold addresses again");
            lastPublishedAt = Optional.empty();
            turn();
        }
    }

    /** What {@code sagent status} shows, at this moment. */
    public StatusReport report(HealthView health, String replicationInterface, boolean replicationUp) {
        StatusAssembler.Own own = new StatusAssembler.Own(local.stateName(), local.reasons(), addresses.held(),
                lastPicture == null ? Map.of() : lastPicture.pins(), addresses.conflicts(), clients::count,
                moves.moves());
        return status.assemble(own, peers, health,
                new StatusAssembler.Replication(replicationInterface, replicationUp), clock.now());
    }

    /** Begins a graceful stop: this node gives up its addresses to the others (F8). */
    public void startDraining() {
        handingOver = Set.copyOf(addresses.held());
        local.drain();
        log.info("draining: handing this node's addresses to the other nodes");
        turn();
    }

    /** The addresses this node still holds. */
    public Set<String> held() {
        return addresses.held();
    }

    /** True once every address this node held when draining began is held by another member. */
    public boolean handedOver() {
        return peers.allHeldByMembers(handingOver);
    }

    /** Removes whatever is left (nobody could take it): a stopped agent leaves no address behind. */
    public void releaseRemaining() {
        for (String address : addresses.held()) {
            List<String> reset = clients.resetBeforeRelease(address);
            addresses.release(address);
            clients.leaveBehind(address, reset); // for a node that takes it within the released window
            log.info(Notice.NOTICE, "released {}: stopping and no other node could take it{}", settings.where(address),
                    reset.isEmpty() ? "" : "; reset " + reset.size() + " client connections");
        }
        lastPublishedAt = Optional.empty();
        MonotonicInstant now = clock.now();
        publishIfDue(ownState(Set.of(), now), now);
    }
}
