package org.sagent.agent.isolation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.LongSupplier;
import org.sagent.agent.config.DurationText;
import org.sagent.agent.config.IsolationSettings;
import org.sagent.agent.config.NodeSpec;
import org.sagent.agent.control.StatusReport;
import org.sagent.agent.core.Arbitration;
import org.sagent.agent.core.IsolationClaim;
import org.sagent.agent.core.Readiness;
import org.sagent.agent.membership.MembershipEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of spec section 7, on the agent loop only: gathers the arbitration's inputs
 * (its own health when the replication link went, the witness, the peer's claim over the LAN
 * path), asks {@link Arbitration} for the decision and acts on it: answers the DRBD fence-peer
 * handler, starts the stand-down of a loser, acknowledges a peer's stand-down.
 *
 * <p>An arbitration (an "episode") begins the moment the replication link is seen lost (carrier,
 * membership) or DRBD calls the handler, whichever is first, so the decision is ready before
 * DRBD's own detection ends. Nothing irreversible happens until DRBD on one side has declared
 * the peer lost: a cable that returns within a second fences nobody (F17).
 *
 * <p>DRBD is told at once (docs/budget.md): its ping timer finds a dead peer 9–19 s after the
 * fault, and every second of it is a second of frozen writes and of the share's stall. When the
 * peer is taken for dead on the carrier path (carrier gone, no ARP answer) or the carrier stays
 * lost for {@code isolation.drbd-disconnect-after}, the coordinator disconnects DRBD itself,
 * which freezes I/O and calls fence-peer exactly as DRBD's own detection would; the arbitration
 * then answers as always. It reconnects DRBD (back to waiting for the peer, the state DRBD's own
 * detection leaves) once this node won or the link is back before anyone stood down; a loser
 * stays disconnected and frozen.
 */
public final class IsolationCoordinator {

    private static final Logger log = LoggerFactory.getLogger(IsolationCoordinator.class);
    /**
     * A claim older than this belongs to an earlier arbitration. Younger ones all count: a busy
     * peer's messages come late, and no decision rests on a claim being recent (a loss needs the
     * peer's word, a win its acknowledgement or its silence).
     */
    static final Duration CLAIM_FRESH = Duration.ofSeconds(30);
    /**
     * After the handler was told it won: time for it to exit 7 and for DRBD to resume I/O before
     * the connection is configured again (a reconnect resumes I/O too, but only the handler's
     * answer may; this keeps the two apart).
     */
    static final Duration RECONNECT_AFTER_WIN = Duration.ofSeconds(1);
    /** Unanswered ARP rounds in a row before a peer gone from the replication view counts as hung. */
    static final int HUNG_ARP_MISSES = 2;

    /** What the handler is told. */
    public enum Outcome { WON, WAITING, LOST, NOT_CONFIGURED }

    /** @param exitCode what the fence-peer handler exits with (DRBD 8.4: 7 = peer stonithed; 1 = I/O stays frozen) */
    public record Answer(Outcome outcome, int exitCode, String message) {
    }

    /** @param atNanos System.nanoTime() when it arrived */
    private record Claim(IsolationClaim claim, long atNanos) {
    }

    /**
     * What the coordinator asks of the rest of the agent. Called on the loop; none may block.
     */
    public interface NodeActions {
        /**
         * This node is OK now as far as the cut is concerned: its checks pass (DRBD's I/O freeze
         * for fencing set aside: the cut caused it, on both nodes alike), it is not disabled,
         * stopping or fenced.
         */
        boolean okAtCut();

        /** Starts the stand-down sequence (off the loop) in favour of {@code winner}. */
        void standDown(String winner, String reason);

        /** Publishes this node's state (with its claim) now. */
        void publishNow();

        /** Turns the witness watch's fast rounds (and peer ARP) on or off. */
        void urgentRounds(boolean on);

        /**
         * Disconnects every DRBD resource of this node from its peer ({@code drbdadm disconnect
         * --force}), off the loop: DRBD freezes I/O and calls fence-peer at once.
         */
        void disconnectDrbd(String why);

        /** Configures the DRBD connections again ({@code drbdadm connect}), off the loop. */
        void reconnectDrbd(String why);
    }

    private final IsolationSettings settings;
    private final List<NodeSpec> nodes;
    private final NodeSpec self;
    private final String configFile;
    private final Clock clock;
    private final LongSupplier nanos;
    private final NodeActions node;
    private final IsolationEvents events;
    private final Path stateDirectory;
    private final Map<String, Claim> claims = new HashMap<>();
    private Set<String> lanView = Set.of();
    private Set<String> replicationView = Set.of();
    /** When (System.nanoTime) each peer last showed it is alive on the LAN: an ARP answer, or a state over the LAN path. */
    private final Map<String, Long> peerLastHeard = new HashMap<>();
    private boolean replicationCarrier = true;
    /** System.nanoTime() when the replication carrier was last lost. */
    private long carrierLostNanos;
    /** Peers the carrier path took for dead (carrier gone, no ARP answer), and when. */
    private final Map<String, Long> takenForDead = new HashMap<>();
    /** When (System.nanoTime) the peer left the replication view while the carrier stayed up; null while in it. */
    private Long peerGoneNanos;
    /** Witness rounds in a row that asked a peer by ARP and got no answer. */
    private final Map<String, Integer> arpMisses = new HashMap<>();
    /** This agent disconnected DRBD and has not connected it again. */
    private boolean drbdDisconnected;
    /** When (System.nanoTime) to connect DRBD again; null when nothing is due. */
    private Long reconnectAtNanos;
    private String reconnectWhy = "";
    private boolean witnessReachable;
    private boolean witnessKnown;
    /** When the witnesses behind {@link #witnessReachable} were asked (the agent's monotonic clock). */
    private long witnessAskedNanos = Long.MIN_VALUE;
    private Episode episode;
    private Optional<FenceRecord> ownRecord;
    /** DRBD asked while the replication link was up (see fencePeer): said once, counted once, until the link drops. */
    private boolean askedWithLinkUp;
    private boolean askedWithLinkUpGaveUp;
    private boolean resumedOverFencedPeer;
    /** Each peer's readiness as its last state said. */
    private final Map<String, Readiness> peerReadiness = new HashMap<>();

    /**
     * @param nodes          every configured node (isolation works with exactly two)
     * @param configFile     the configuration file, named in what the handler is told
     * @param clock          the wall clock, for times shown and recorded
     * @param nanos          a monotonic clock (System::nanoTime), for every duration it measures
     * @param stateDirectory where the fence records live
     */
    public IsolationCoordinator(IsolationSettings settings, List<NodeSpec> nodes, NodeSpec self, String configFile,
                                Clock clock, LongSupplier nanos, Path stateDirectory, NodeActions node,
                                IsolationEvents events) {
        this.settings = settings;
        this.nodes = List.copyOf(nodes);
        this.self = self;
        this.configFile = configFile;
        this.clock = clock;
        this.nanos = nanos;
        this.stateDirectory = stateDirectory;
        this.node = node;
        this.events = events;
        this.ownRecord = FenceRecord.read(stateDirectory.resolve(FenceRecord.OWN));
    }

    /** The fence record this node found at start (it stood down before its reboot), if any. */
    public Optional<FenceRecord> ownRecord() {
        return ownRecord;
    }

    /** The fence was cleared (resynced and healthy): removes the record. */
    public void fenceCleared() {
        try {
            Files.deleteIfExists(stateDirectory.resolve(FenceRecord.OWN));
            ownRecord = Optional.empty();
            log.info("isolation: fence record {} removed", stateDirectory.resolve(FenceRecord.OWN));
            if (episode != null && episode.wonAt == null) {
                end("this node is resynced and healthy again");
            }
        } catch (IOException e) {
            log.warn("isolation: could not remove the fence record {}: {}; remove it by hand",
                    stateDirectory.resolve(FenceRecord.OWN), e.getMessage());
        }
    }

    /**
     * Time alone may change what this coordinator does: an arbitration is on (silences, the
     * disconnect delay, the handler's deadline), a peer is gone from the replication view (its
     * silence on both paths), or DRBD is to be connected again.
     */
    public boolean countingTime() {
        return episode != null || peerGoneNanos != null || reconnectAtNanos != null;
    }

    /** This node's claim for its published state; null outside an arbitration. */
    public IsolationClaim claim() {
        Episode e = episode;
        if (e == null) {
            return null;
        }
        String answers = peer().map(p -> claims.get(p.name())).map(c -> c.claim().episode()).orElse(null);
        return new IsolationClaim(e.healthyAtCut, witnessReachable, e.drbdLostAt != null, e.stoodDownAt,
                e.standDownReason, e.acknowledged, e.id, answers);
    }

    public void onMembership(MembershipEvent event) {
        if (event instanceof MembershipEvent.ViewChanged view) {
            // A peer leaving the replication view begins nothing by itself: a graceful stop does that
            // too. The carrier, DRBD's handler call and the peer's silence on both paths are the signals.
            if (view.path() == MembershipEvent.Path.LAN) {
                lanView = view.members();
            } else {
                peerLeftOrCame(view.members());
                replicationView = view.members();
            }
        } else if (event instanceof MembershipEvent.StateReceived received
                && received.path() == MembershipEvent.Path.LAN) {
            peerLastHeard.put(received.state().node(), received.receivedNanos());
        }
        if (event instanceof MembershipEvent.StateReceived received) {
            peerReadiness.put(received.state().node(), received.state().readiness());
        }
        if (event instanceof MembershipEvent.StateReceived received && received.state().isolation() != null) {
            IsolationClaim claim = received.state().isolation();
            Claim before = claims.put(received.state().node(), new Claim(claim, received.receivedNanos()));
            if (episode != null && (before == null || !java.util.Objects.equals(before.claim().episode(),
                    claim.episode()))) {
                node.publishNow(); // our claim now answers the peer's arbitration: say so at once
            }
        } else if (event instanceof MembershipEvent.StateReceived received) {
            claims.remove(received.state().node());
        }
        turn();
    }

    /**
     * A peer gone from the replication view while the carrier stays up is hung, cut off or merely
     * stopping its agent: the peer's ARP answers tell (a stopping agent's kernel answers), so the
     * witness watch asks it until it is back.
     */
    private void peerLeftOrCame(Set<String> members) {
        Optional<NodeSpec> peer = peer();
        if (peer.isEmpty()) {
            return;
        }
        boolean wasIn = replicationView.contains(peer.get().name());
        boolean isIn = members.contains(peer.get().name());
        // Only with the carrier up: a peer that left with its carrier (a power loss) is the carrier
        // path's, and one still booting after it is back is no hung peer.
        if (wasIn && !isIn && replicationCarrier) {
            peerGoneNanos = nanos.getAsLong();
            if (episode == null && settings.enabled()) {
                node.urgentRounds(true);
            }
        } else if (isIn && peerGoneNanos != null) {
            peerGoneNanos = null;
            if (episode == null) {
                node.urgentRounds(false);
            }
        }
    }

    /** The replication interface's carrier, as the agent's sysfs watch reads it. */
    public void replicationCarrier(boolean up) {
        if (!up) {
            askedWithLinkUp = false;
            askedWithLinkUpGaveUp = false;
            resumedOverFencedPeer = false;
        }
        if (replicationCarrier && !up) {
            carrierLostNanos = nanos.getAsLong();
            peerGoneNanos = null;
            begin("replication carrier lost");
        }
        if (up) {
            takenForDead.clear();
        }
        replicationCarrier = up;
        turn();
    }

    /**
     * After the replication carrier went, the node controller asked {@code peer} by ARP on the LAN:
     * a silent peer (its kernel does not answer: no power) counts as silent on the LAN at once,
     * until anything is heard from it again; the same evidence moves its addresses.
     */
    public void peerLiveness(String peer, boolean alive) {
        long now = nanos.getAsLong();
        if (alive) {
            takenForDead.remove(peer);
            peerLastHeard.put(peer, now);
        } else if (!replicationCarrier && takenForDead.putIfAbsent(peer, now) == null && episode != null) {
            node.urgentRounds(true); // a witness asked from now on is what the silence needs (peerOnLan)
        }
        turn();
    }

    /** One witness round: reachability, and (during an arbitration) which peers answer ARP. */
    public void witnessRound(WitnessWatch.Round round) {
        boolean changed = !witnessKnown || round.witnessReachable() != witnessReachable;
        witnessKnown = true;
        witnessReachable = round.witnessReachable();
        witnessAskedNanos = round.askedAtNanos().orElse(nanos.getAsLong());
        round.peersAlive().forEach((peer, alive) -> {
            if (alive) {
                peerLastHeard.put(peer, nanos.getAsLong());
                arpMisses.remove(peer);
            } else {
                arpMisses.merge(peer, 1, Integer::sum);
            }
        });
        if (changed && episode != null) {
            node.publishNow();
        }
        turn();
    }

    /**
     * DRBD called the fence-peer handler for {@code resource}: its I/O is frozen and it waits
     * for the answer. Asked again by the handler until it gets WON or gives up.
     */
    public Answer fencePeer(String resource, boolean gaveUp) {
        if (!settings.enabled()) {
            return new Answer(Outcome.NOT_CONFIGURED, 1, "isolation is not configured (no isolation: section in "
                    + configFile + "): this node's I/O stays frozen; add the section (see README, Isolation) or "
                    + "resume by hand with drbdadm resume-io " + resource);
        }
        if (ownRecord.isPresent()) {
            // Back from a stand-down and not resynced (DRBD asks when it promotes a Consistent disk,
            // or the link dropped again during the resync): never resume, no second stand-down (a
            // reboot loop while the cable is out), and say so to the peer, which may resume at once.
            beginAlreadyFenced("DRBD declared the peer lost (fence-peer " + resource + ")");
            return new Answer(Outcome.LOST, 1, "this node " + ownRecord.get().describe() + " and is not resynced "
                    + "yet: it does not resume");
        }
        Optional<NodeSpec> peer = peer();
        if (episode == null && peer.isPresent() && replicationCarrier && replicationView.contains(peer.get().name())) {
            return askedWithLinkUp(resource, peer.get().name(), gaveUp);
        }
        begin("DRBD declared the peer lost (fence-peer " + resource + ")");
        Episode e = episode;
        if (e.drbdLostAt == null) {
            e.drbdLostAt = clock.instant();
            e.drbdLostNanos = nanos.getAsLong();
            e.resource = resource;
            log.info("isolation: DRBD {} lost its peer and froze I/O on this node; fence-peer asks who keeps writing",
                    resource);
            node.publishNow();
        }
        turn();
        Answer answer = answer(e);
        if (answer.outcome() == Outcome.WON) {
            reconnectLater(RECONNECT_AFTER_WIN, "this node won and its I/O resumes");
        }
        if (gaveUp && answer.outcome() != Outcome.WON && !e.undecidedCounted) {
            e.undecidedCounted = true;
            events.fenceDecision("undecided");
            log.warn("isolation: the fence-peer handler for {} gave up after {}: I/O stays frozen on this node ({}); "
                    + "o2hb resets the node if it stays frozen, or resume by hand once the other node is known to "
                    + "be stopped: drbdadm resume-io {}", resource, settings.handlerDeadline(), answer.message(),
                    resource);
        }
        return answer;
    }

    /**
     * DRBD lost its connection while the replication link is up and the peer is in its view: no
     * cut to arbitrate (an arbitration begun at a cut ended when the link came back). Both frozen
     * nodes reconnect and resume by themselves; a node DRBD leaves StandAlone (one that was hung
     * while the other took over: "I shall become SyncTarget, but I am primary!") stays frozen
     * until o2hb resets it, and never writes before it has resynced. The handler asks again and
     * again: each ask used to begin an arbitration that the up link ended at once, a loop that
     * filled the journal (seen on the VMs after a hung node thawed); now it is said once.
     */
    private Answer askedWithLinkUp(String resource, String peerName, boolean gaveUp) {
        Optional<FenceRecord> peerFenced = FenceRecord.read(stateDirectory.resolve(FenceRecord.PEER));
        if (peerFenced.isPresent() && peerFenced.get().peer().equals(peerName)
                && peerReadiness.getOrDefault(peerName, Readiness.STARTING) != Readiness.OK) {
            return resumeOverFencedPeer(resource, peerName, peerFenced.get());
        }
        if (!askedWithLinkUp) {
            askedWithLinkUp = true;
            log.warn("isolation: DRBD {} lost its connection while the replication link is up and {} is in the view: "
                    + "no cut to arbitrate; I/O stays frozen here until DRBD reconnects (or, StandAlone, until o2hb "
                    + "resets this node)", resource, peerName);
        }
        Answer answer = new Answer(Outcome.WAITING, 1, "the replication link is up and " + peerName + " is in the view: "
                + "DRBD reconnects and resumes by itself, or stays frozen (StandAlone) until o2hb resets this node");
        if (gaveUp && !askedWithLinkUpGaveUp) {
            askedWithLinkUpGaveUp = true;
            events.fenceDecision("undecided");
            log.warn("isolation: the fence-peer handler for {} gave up after {}: I/O stays frozen on this node ({})",
                    resource, settings.handlerDeadline(), answer.message());
        }
        return answer;
    }

    /**
     * The peer this node fenced (it won, and the peer has not resynced since) is back on the link
     * and DRBD lost the connection again: a thawed hung node whose DRBD tried to reconnect as a
     * Primary and gave up ("SyncTarget, but I am primary"). Seen on the VMs: the serving node's
     * I/O froze again, 29 s, until the handler gave up and o2hb reset the thawed node. That peer
     * cannot write: its I/O has been frozen since the cut, and it never resumes before it has
     * resynced (its own handler gets no win). A peer that says it is serving is not taken for
     * fenced on the record alone: then this is a new cut, and the usual rules answer.
     */
    private Answer resumeOverFencedPeer(String resource, String peerName, FenceRecord record) {
        if (!resumedOverFencedPeer) {
            resumedOverFencedPeer = true;
            events.fenceDecision("won");
            log.warn("isolation: DRBD {} lost its connection again while {} is back on the link, still fenced since "
                    + "this node won at {} and not resynced (it is not serving): I/O resumes here", resource, peerName,
                    record.at());
        }
        return new Answer(Outcome.WON, 7, peerName + " is still fenced since this node won at " + record.at()
                + " and not resynced; its reconnection failed");
    }

    /** The unfence-peer or after-resync-target handler ran: the peer is resynced. */
    public void unfence(String handler, String resource) {
        boolean had = Files.exists(stateDirectory.resolve(FenceRecord.PEER));
        try {
            Files.deleteIfExists(stateDirectory.resolve(FenceRecord.PEER));
        } catch (IOException e) {
            log.warn("isolation: could not remove {}: {}", stateDirectory.resolve(FenceRecord.PEER), e.getMessage());
        }
        log.info("isolation: DRBD ran {} for {}: resynchronisation done{}", handler, resource,
                had ? "; the peer's fence is over" : "");
        if (episode != null && episode.wonAt != null) {
            end("the peer is resynced (" + handler + ")");
        }
    }

    private Answer answer(Episode e) {
        if (e.wonAt != null) {
            return new Answer(Outcome.WON, 7, "this node won at " + ArbitrationText.time(e.wonAt) + " (" + e.wonHow + ")");
        }
        if (e.standingDown || e.decision == Arbitration.Decision.LOSE) {
            return new Answer(Outcome.LOST, 1, "this node lost (" + e.decisionWhy + "): it stands down; I/O stays frozen");
        }
        return new Answer(Outcome.WAITING, 1, e.decisionWhy.isEmpty() ? "deciding" : e.decisionWhy);
    }

    private void begin(String why) {
        if (ownRecord.isPresent()) {
            beginAlreadyFenced(why);
            return;
        }
        if (!settings.enabled() || episode != null) {
            return;
        }
        askedWithLinkUp = false;
        askedWithLinkUpGaveUp = false;
        // Not node health as it is now: a node that learns of the cut from DRBD's fence-peer (its
        // carrier stayed up) has a DRBD check failing on the freeze already (seen on the VMs in
        // F16: the healthy survivor counted as not healthy, lost to the isolated node's claim from
        // before its LAN went, and both stood down).
        boolean healthy = node.okAtCut();
        episode = new Episode(clock.instant(), nanos.getAsLong(), healthy, why);
        node.urgentRounds(true);
        log.warn("isolation: {}: arbitration begins (this node {} at the cut; witness {})", why,
                healthy ? "healthy" : "not healthy", witnessReachable ? "reachable" : "not reachable");
        node.publishNow();
    }

    /**
     * A node still fenced from before cannot win: it tells its peer it has stood down already,
     * which is the peer's acknowledgement to resume (without it the peer would wait for a claim
     * that never comes, frozen until o2hb resets it: seen on the VMs when the link dropped during
     * the resync after a fence).
     */
    private void beginAlreadyFenced(String why) {
        if (!settings.enabled() || episode != null) {
            return;
        }
        episode = new Episode(clock.instant(), nanos.getAsLong(), false, why);
        episode.standingDown = true;
        episode.stoodDownAt = clock.instant().toString();
        episode.standDownReason = "still fenced from " + ownRecord.get().at() + ", not resynced";
        node.urgentRounds(true);
        log.warn("isolation: {}: this node is still fenced ({}): it cannot win; telling the peer it stood down",
                why, ownRecord.get().describe());
        node.publishNow();
    }

    private void end(String why) {
        log.info("isolation: arbitration over: {}", why);
        Episode e = episode;
        if (e != null && e.wonAt == null && !e.standingDown) {
            // Link back before a decision: the connection resumes the frozen I/O on both nodes, as
            // it does when DRBD's own detection dropped it.
            reconnectLater(Duration.ZERO, why);
        }
        episode = null;
        node.urgentRounds(peerGoneNanos != null); // a peer still gone is still asked
        node.publishNow();
    }

    /** Re-decides from what is known now; on the loop after every input. */
    public void turn() {
        reconnectIfDue();
        Optional<NodeSpec> peer = peer();
        if (peer.isEmpty()) {
            return;
        }
        String peerName = peer.get().name();
        if (episode == null) {
            beginIfPeerSilentOnBothPaths(peerName);
        }
        Episode e = episode;
        if (e == null) {
            return;
        }
        disconnectDrbdIfDue(e, peerName);
        boolean replicationBack = replicationCarrier && replicationView.contains(peerName);
        if (replicationBack && e.wonAt == null && !e.standingDown) {
            end("the replication link is back before anyone stood down"
                    + (e.drbdLostAt == null ? "" : "; DRBD reconnects and resumes by itself"));
            return;
        }
        if (replicationBack && e.wonAt != null && claims.get(peerName) == null) {
            end(peerName + " is back on the replication link");
            return;
        }
        if (drbdDisconnected && e.drbdDisconnectAsked && e.drbdLostAt == null && !e.standingDown
                && nanos.getAsLong() - e.drbdDisconnectNanos >= settings.handlerDeadline().toNanos()) {
            // DRBD froze nothing (the peer had left it cleanly): left StandAlone it would never let
            // the returning peer connect, and that peer's boot waits for the connection.
            reconnectLater(Duration.ZERO, "DRBD asked nothing within isolation.handler-deadline of the disconnect: "
                    + "its I/O never froze");
        }
        if (e.wonAt != null || e.standingDown) {
            acknowledge(e, peerName);
            return;
        }
        Claim peerClaim = claims.get(peerName);
        long now = nanos.getAsLong();
        boolean peerClaimFresh = peerClaim != null && now - peerClaim.atNanos() <= CLAIM_FRESH.toNanos();
        // Silent means silent for a while: out of the LAN view, no ARP answer, no state message. A
        // peer that is only slow (a loaded machine) must never look dead: it may be about to win.
        boolean peerOnLan = peerOnLan(peerName, now);
        Arbitration.Decision decision;
        String why;
        if (peerOnLan && !peerClaimFresh) {
            decision = Arbitration.Decision.WAIT;
            why = peerName + " is alive on the LAN but has not said its side yet";
        } else {
            Arbitration.View view = new Arbitration.View(self.name(), self.number(), e.healthyAtCut, witnessReachable,
                    peerName, peer.get().number(), false, peerOnLan, peerOnLan && peerClaim.claim().healthyAtCut(),
                    peerOnLan && peerClaim.claim().reachesWitness(), tieBreak());
            decision = Arbitration.decide(view);
            why = ArbitrationText.explain(decision, view);
            if (decision == Arbitration.Decision.LOSE && !lanView.contains(peerName)
                    && peerClaim.atNanos() - e.startedNanos < 0) {
                // Standing down cannot be undone. A claim the peer sent before this arbitration,
                // from a peer JGroups no longer sees on the LAN, may be from before its own LAN
                // went (F16 as the VMs showed it: both stood down); a living peer says its side
                // again within a second, a gone one falls silent and is won over.
                decision = Arbitration.Decision.WAIT;
                why = peerName + " has left the LAN view and its claim came before this arbitration: waiting "
                        + "to hear it again, or for its silence";
            }
        }
        if (decision != e.decision) {
            e.decision = decision;
            e.decisionWhy = why;
            log.info("isolation: decision {}: {}", decision.name().toLowerCase().replace('_', ' '), why);
        }
        boolean drbdLost = e.drbdLostAt != null || (peerClaimFresh && peerClaim.claim().drbdLostPeer());
        switch (decision) {
            case WIN_NOW -> {
                if (e.drbdLostAt != null) {
                    win(e, peerName, why);
                }
            }
            case WIN_AFTER_PEER_STANDS_DOWN -> {
                if (e.drbdLostAt != null && peerClaimFresh && stoodDownInThisArbitration(peerClaim.claim(), e)) {
                    win(e, peerName, peerName + " stood down at " + peerClaim.claim().stoodDownAt() + " ("
                            + peerClaim.claim().standDownReason() + ")");
                }
            }
            case LOSE -> {
                if (drbdLost) {
                    e.standingDown = true;
                    events.fenceDecision("lost");
                    node.standDown(peerName, peerName + " keeps writing: " + why);
                }
            }
            default -> {
            }
        }
    }

    private boolean peerOnLan(String peerName, long now) {
        Long heard = peerLastHeard.get(peerName);
        Long deadAt = takenForDead.get(peerName);
        // Its kernel did not answer ARP after its carrier went: no power. A peer that is only slow
        // still answers (the kernel does), so this is not the busy peer peer-silence waits out.
        // Only once a witness asked since then has answered or not: the silence may be this node's
        // own LAN going (a node losing both links, one after the other, F16), and a witness
        // reached before it went says nothing about that (seen on the VMs: the isolated node won).
        boolean silentSinceCarrierLoss = deadAt != null && (heard == null || heard < deadAt)
                && witnessAskedNanos >= deadAt;
        return !silentSinceCarrierLoss && (lanView.contains(peerName) || (heard != null
                && now - heard < settings.peerSilence().toNanos()));
    }

    /**
     * A hung peer (its carriers up, the whole machine standing still) is found by its silence on
     * both paths: out of the replication view, and on the LAN out of the view, no ARP answer and
     * no message for {@code peer-silence}. DRBD's ping timer would find it 9-19 s after the fault;
     * this begins the arbitration (which such a peer has lost already: it is silent) and tells
     * DRBD. A peer whose agent only stopped still answers ARP and never gets here. Silence is
     * evidence only where the peer was asked: two witness rounds in a row asked it by ARP and got
     * no answer (seen on the VMs without that: a peer rebooting after a power loss, its kernel
     * up but its agent not yet, looked silent because nobody asked it, and its healthy DRBD was
     * disconnected).
     */
    private void beginIfPeerSilentOnBothPaths(String peerName) {
        if (!settings.enabled() || settings.drbdDisconnectAfter().isEmpty() || !replicationCarrier
                || peerGoneNanos == null || ownRecord.isPresent()) {
            return;
        }
        long now = nanos.getAsLong();
        if (arpMisses.getOrDefault(peerName, 0) < HUNG_ARP_MISSES || peerOnLan(peerName, now)
                || now - peerGoneNanos < settings.peerSilence().toNanos()) {
            return;
        }
        peerGoneNanos = null; // once per absence
        begin(peerName + " silent on both paths (out of both views, no ARP answer, no message for "
                + DurationText.format(settings.peerSilence()) + ")");
        if (episode != null) {
            episode.peerSilentOnBothPaths = true;
        }
    }

    /**
     * DRBD is told the peer is gone when the carrier path took it for dead, or when the carrier
     * has stayed lost for {@code drbd-disconnect-after} (a cable back sooner fences nobody, F17).
     * Once per arbitration, and never on a node already fenced or standing down.
     */
    private void disconnectDrbdIfDue(Episode e, String peerName) {
        if (settings.drbdDisconnectAfter().isEmpty() || e.drbdDisconnectAsked || e.drbdLostAt != null
                || e.standingDown || e.wonAt != null) {
            return;
        }
        long lostFor = nanos.getAsLong() - carrierLostNanos;
        String why;
        if (e.peerSilentOnBothPaths) {
            why = e.why;
        } else if (replicationCarrier) {
            return;
        } else if (takenForDead.containsKey(peerName)) {
            why = peerName + " taken for dead (replication carrier lost, no ARP answer)";
        } else if (lostFor >= settings.drbdDisconnectAfter().get().toNanos()) {
            why = "replication carrier lost for " + Duration.ofNanos(lostFor).toMillis() + " ms";
        } else {
            return;
        }
        e.drbdDisconnectAsked = true;
        e.drbdDisconnectNanos = nanos.getAsLong();
        drbdDisconnected = true;
        reconnectAtNanos = null;
        log.warn("isolation: {}: disconnecting DRBD now, so that it freezes I/O and asks fence-peer at once instead "
                + "of after its ping timeout (isolation.drbd-disconnect-after)", why);
        node.disconnectDrbd(why);
    }

    private void reconnectLater(Duration delay, String why) {
        if (drbdDisconnected && reconnectAtNanos == null) {
            reconnectAtNanos = nanos.getAsLong() + delay.toNanos();
            reconnectWhy = why;
        }
        reconnectIfDue();
    }

    private void reconnectIfDue() {
        if (reconnectAtNanos != null && nanos.getAsLong() - reconnectAtNanos >= 0) {
            reconnectAtNanos = null;
            drbdDisconnected = false;
            log.info("isolation: connecting DRBD again ({}): it waits for the peer as after its own detection",
                    reconnectWhy);
            node.reconnectDrbd(reconnectWhy);
        }
    }

    /**
     * The peer stood down in answer to this arbitration: a stand-down it claimed in an earlier one
     * (replayed, or still in its state) must not let this node resume.
     */
    private static boolean stoodDownInThisArbitration(IsolationClaim claim, Episode e) {
        return claim.stoodDown() && claim.answers(e.id);
    }

    private void acknowledge(Episode e, String peerName) {
        Claim peerClaim = claims.get(peerName);
        if (peerClaim != null && stoodDownInThisArbitration(peerClaim.claim(), e) && e.acknowledged.add(peerName)) {
            log.info("isolation: {} stood down at {} ({}): acknowledged", peerName, peerClaim.claim().stoodDownAt(),
                    peerClaim.claim().standDownReason());
            node.publishNow();
        }
    }

    private void win(Episode e, String peerName, String how) {
        e.wonAt = clock.instant();
        e.wonNanos = nanos.getAsLong();
        e.wonHow = how;
        // Writes stall from the loss of the link (protocol C waits for the peer), not only from
        // DRBD's freeze: the freeze clients see runs from the start of the arbitration.
        Duration frozen = Duration.ofNanos(e.wonNanos - e.startedNanos);
        events.fenceDecision("won");
        events.ioFrozen(frozen);
        log.warn("isolation: this node won: {}; DRBD {} resumes I/O here, {} ms after the replication link was "
                + "lost ({} ms after DRBD asked)", how, e.resource, frozen.toMillis(),
                Duration.ofNanos(e.wonNanos - e.drbdLostNanos).toMillis());
        try {
            new FenceRecord(e.wonAt.toString(), peerName, how, e.resource).write(stateDirectory.resolve(FenceRecord.PEER));
        } catch (IOException ex) {
            log.warn("isolation: could not record the peer's fence in {}: {}", stateDirectory, ex.getMessage());
        }
        acknowledge(e, peerName);
        node.publishNow();
    }

    /** The stand-down sequence finished its record: publish it, the winner's acknowledgement to resume. */
    public void stoodDown(String reason) {
        Episode e = episode;
        if (e == null) {
            return;
        }
        e.stoodDownAt = clock.instant().toString();
        e.standDownReason = reason;
        node.publishNow();
    }

    /** The DRBD resource whose handler asked in this arbitration ("" when none has yet). */
    public String resource() {
        return episode == null ? "" : episode.resource;
    }

    /** The winner's acknowledgement of this node's stand-down, in this arbitration, has arrived. */
    public boolean acknowledgedByPeer() {
        Episode e = episode;
        return e != null && peer().map(p -> claims.get(p.name())).map(c -> c.claim().acknowledged()
                .contains(self.name()) && c.claim().answers(e.id)).orElse(false);
    }

    private Arbitration.TieBreak tieBreak() {
        return settings.preferredNode().<Arbitration.TieBreak>map(Arbitration.TieBreak.Prefer::new)
                .orElseGet(Arbitration.TieBreak.LowestNumber::new);
    }

    /** The DRBD peer: the only other node (DRBD 8.4 dual-primary has exactly one). */
    private Optional<NodeSpec> peer() {
        var others = nodes.stream().filter(n -> !n.equals(self)).toList();
        return others.size() == 1 ? Optional.of(others.get(0)) : Optional.empty();
    }

    /** For status; on the loop. */
    public StatusReport.Isolation report() {
        Map<String, IsolationClaim> peerClaims = new HashMap<>();
        claims.forEach((node, claim) -> peerClaims.put(node, claim.claim()));
        return ArbitrationText.report(episode, ownRecord, FenceRecord.read(stateDirectory.resolve(FenceRecord.PEER)),
                peer().map(NodeSpec::name).orElse("the peer"), lanView, peerClaims, replicationCarrier,
                witnessReachable);
    }
}
