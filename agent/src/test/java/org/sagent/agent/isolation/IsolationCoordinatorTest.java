package org.sagent.agent.isolation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.ManualClock;
import org.sagent.agent.config.SagentConfig;
import org.sagent.agent.core.IsolationClaim;
import org.sagent.agent.core.NodeState;
import org.sagent.agent.core.Readiness;
import org.sagent.agent.membership.MembershipEvent;

/** The coordinator's use of the arbitration: when it answers the handler, when it stands down. */
class IsolationCoordinatorTest {

    private static final Instant T0 = Instant.parse("2026-11-25T12:00:00Z");

    @TempDir
    Path dir;

    private final List<String> standDowns = new ArrayList<>();
    private final List<String> outcomes = new ArrayList<>();
    private final List<Duration> freezes = new ArrayList<>();
    private final List<String> drbdCommands = new ArrayList<>();
    /** Each time the coordinator asked for urgent witness rounds (a fresh one at once). */
    private int urgentRoundsAsked;

    private IsolationCoordinator coordinator(String self, String section) throws Exception {
        SagentConfig config = IsolationFixtures.config(section);
        return coordinator(config, self, Clock.fixed(T0, ZoneOffset.UTC));
    }

    /** A healthy node whose stand-downs, decisions and freezes the test records. */
    private IsolationCoordinator coordinator(SagentConfig config, String self, Clock clock) {
        IsolationCoordinator.NodeActions node = new IsolationCoordinator.NodeActions() {
            @Override
            public boolean okAtCut() {
                return true;
            }

            @Override
            public void standDown(String winner, String reason) {
                standDowns.add(winner + ": " + reason);
            }

            @Override
            public void publishNow() {
            }

            @Override
            public void urgentRounds(boolean on) {
                if (on) {
                    urgentRoundsAsked++;
                }
            }

            @Override
            public void disconnectDrbd(String why) {
                drbdCommands.add("disconnect: " + why);
            }

            @Override
            public void reconnectDrbd(String why) {
                drbdCommands.add("connect: " + why);
            }
        };
        IsolationEvents events = new IsolationEvents() {
            @Override
            public void fenceDecision(String outcome) {
                outcomes.add(outcome);
            }

            @Override
            public void ioFrozen(Duration frozen) {
                freezes.add(frozen);
            }
        };
        return new IsolationCoordinator(config.isolation(), config.nodes(), config.node(self).orElseThrow(),
                config.file(), clock, clock instanceof ManualClock manual ? manual::nanos : System::nanoTime, dir, node,
                events);
    }

    private static final String SECTION = "isolation:\n  witnesses: [198.51.100.1]\n";

    private static MembershipEvent claimOf(String node, IsolationClaim claim) {
        return claimOf(node, claim, System.nanoTime());
    }

    /** {@link #claimOf(String, IsolationClaim)} received at {@code clock}'s now. */
    private static MembershipEvent claimOf(String node, IsolationClaim claim, ManualClock clock) {
        return claimOf(node, claim, clock.nanos());
    }

    private static MembershipEvent claimOf(String node, IsolationClaim claim, long receivedNanos) {
        return new MembershipEvent.StateReceived(MembershipEvent.Path.LAN, new NodeState(node, 1, Readiness.OK,
                List.of(), false, Set.of(), Set.of(), 0, 0, Set.of(), Map.of(), Map.of(), Set.of(), claim), T0,
                receivedNanos);
    }

    private static void cutWithPeerOnLan(IsolationCoordinator c) {
        c.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.LAN, Set.of("s0", "s1"), false));
        c.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.REPLICATION, Set.of("s0", "s1"), false));
        c.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of()));
        c.replicationCarrier(false);
    }

    @Test
    void theLoserStandsDownOnlyOnceDrbdHasDeclaredThePeerLost() throws Exception {
        IsolationCoordinator s1 = coordinator("s1", SECTION);
        cutWithPeerOnLan(s1);
        s1.onMembership(claimOf("s0", new IsolationClaim(true, true, false, null, null, Set.of())));
        assertEquals(List.of(), standDowns, "a cable blip fences nobody");
        IsolationCoordinator.Answer answer = s1.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.LOST, answer.outcome());
        assertEquals(1, answer.exitCode());
        assertEquals(1, standDowns.size());
        assertTrue(standDowns.get(0).startsWith("s0: ") && standDowns.get(0).contains("lower node number wins (s0"),
                standDowns.toString());
        assertEquals(List.of("lost"), outcomes);
        s1.fencePeer("sstorage", false);
        assertEquals(1, standDowns.size(), "once");
    }

    @Test
    void theWinnerResumesOnlyAfterThePeerHasStoodDownAndRecordsIt() throws Exception {
        IsolationCoordinator s0 = coordinator("s0", SECTION);
        cutWithPeerOnLan(s0);
        s0.onMembership(claimOf("s1", new IsolationClaim(true, true, false, null, null, Set.of())));
        assertEquals(IsolationCoordinator.Outcome.WAITING, s0.fencePeer("sstorage", false).outcome());
        assertTrue(s0.claim().drbdLostPeer());
        s0.onMembership(claimOf("s1", new IsolationClaim(true, true, true, T0.toString(), "s0 keeps writing",
                Set.of(), "s1-episode", s0.claim().episode())));
        IsolationCoordinator.Answer answer = s0.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.WON, answer.outcome());
        assertEquals(7, answer.exitCode());
        assertEquals(List.of("won"), outcomes);
        assertEquals(1, freezes.size());
        assertEquals(Set.of("s1"), s0.claim().acknowledged());
        assertTrue(Files.readString(dir.resolve(FenceRecord.PEER)).contains("\"peer\":\"s1\""));
        assertTrue(s0.report().note().contains("s1 stood down at"), s0.report().note());
        s0.unfence("unfence-peer", "sstorage");
        assertNull(s0.claim(), "the arbitration is over once the peer is resynced");
    }

    @Test
    void aPeerSilentOnTheLanWithAWitnessHereIsAWinAtOnce() throws Exception {
        IsolationCoordinator s1 = coordinator("s1", SECTION);
        s1.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.LAN, Set.of("s1"), false));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", false)));
        assertEquals(IsolationCoordinator.Outcome.WON, s1.fencePeer("sstorage", false).outcome());
    }

    @Test
    void aPeerThatStillAnswersArpIsNeverTakenForDead() throws Exception {
        IsolationCoordinator s1 = coordinator("s1", SECTION);
        s1.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.LAN, Set.of("s1"), false));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", true)));
        IsolationCoordinator.Answer answer = s1.fencePeer("sstorage", true);
        assertEquals(IsolationCoordinator.Outcome.WAITING, answer.outcome());
        assertTrue(answer.message().contains("has not said its side"), answer.message());
        assertEquals(List.of("undecided"), outcomes);
    }

    @Test
    void withoutAWitnessNobodyWinsAndWithoutTheSectionTheHandlerFails() throws Exception {
        IsolationCoordinator s0 = coordinator("s0", SECTION);
        s0.witnessRound(new WitnessWatch.Round(false, null, Map.of("s1", false)));
        assertEquals(IsolationCoordinator.Outcome.WAITING, s0.fencePeer("sstorage", false).outcome());
        IsolationCoordinator off = coordinator("s0", "");
        IsolationCoordinator.Answer answer = off.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.NOT_CONFIGURED, answer.outcome());
        assertEquals(1, answer.exitCode());
        assertTrue(answer.message().contains("drbdadm resume-io sstorage"), answer.message());
    }

    @Test
    void aCableBackBeforeAnyoneStoodDownEndsTheArbitration() throws Exception {
        IsolationCoordinator s0 = coordinator("s0", SECTION);
        cutWithPeerOnLan(s0);
        assertNotNull(s0.claim());
        s0.replicationCarrier(true);
        assertNull(s0.claim());
        assertEquals(List.of(), standDowns);
    }

    @Test
    void drbdLosingItsPeerWhileTheLinkIsUpIsNoArbitrationAndIsSaidOnce() throws Exception {
        // A hung node thawed after the other took over: its DRBD goes StandAlone and asks, again
        // and again, while carrier and view are back. Each ask used to begin an arbitration that
        // the up link ended at once.
        IsolationCoordinator s0 = coordinator("s0", SECTION);
        s0.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.LAN, Set.of("s0", "s1"), false));
        s0.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.REPLICATION, Set.of("s0", "s1"), false));
        s0.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of()));
        for (int ask = 0; ask < 5; ask++) {
            IsolationCoordinator.Answer answer = s0.fencePeer("sstorage", false);
            assertEquals(IsolationCoordinator.Outcome.WAITING, answer.outcome());
            assertEquals(1, answer.exitCode(), "never resumes: it may be the node the other fenced");
            assertTrue(answer.message().contains("the replication link is up"), answer.message());
            assertNull(s0.claim(), "no arbitration begun");
        }
        s0.fencePeer("sstorage", true);
        s0.fencePeer("sstorage", true);
        assertEquals(List.of("undecided"), outcomes, "a handler that gave up is counted once");
        assertEquals(List.of(), standDowns);
        // A real cut afterwards is arbitrated as ever.
        s0.replicationCarrier(false);
        assertNotNull(s0.claim());
        assertEquals(IsolationCoordinator.Outcome.WAITING, s0.fencePeer("sstorage", false).outcome());
        assertTrue(s0.claim().drbdLostPeer());
    }

    @Test
    void aNodeBackFromAStandDownNeverResumesNorStandsDownAgain() throws Exception {
        new FenceRecord(T0.toString(), "s0", "s0 keeps writing", "sstorage").write(dir.resolve(FenceRecord.OWN));
        IsolationCoordinator s1 = coordinator("s1", SECTION);
        cutWithPeerOnLan(s1);
        s1.onMembership(claimOf("s0", new IsolationClaim(true, true, true, null, null, Set.of())));
        IsolationCoordinator.Answer answer = s1.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.LOST, answer.outcome());
        assertTrue(answer.message().contains("not resynced yet"), answer.message());
        assertEquals(List.of(), standDowns, "no reboot loop while the cable is still out");
        IsolationClaim claim = s1.claim();
        assertTrue(claim.stoodDown() && !claim.healthyAtCut(), "the peer may resume at once: " + claim);
        assertTrue(s1.report().fenced());
    }

    @Test
    void aPeerStillFencedFromBeforeLetsTheWinnerResumeAtOnce() throws Exception {
        IsolationCoordinator s0 = coordinator("s0", SECTION);
        cutWithPeerOnLan(s0);
        s0.onMembership(claimOf("s1", new IsolationClaim(false, true, true, T0.toString(),
                "still fenced from 2026-11-25T11:00:00Z, not resynced", Set.of(), "s1-episode", s0.claim().episode())));
        assertEquals(IsolationCoordinator.Outcome.WON, s0.fencePeer("sstorage", false).outcome());
    }

    @Test
    void aStandDownFromAnotherArbitrationNeverLetsTheWinnerResume() throws Exception {
        IsolationCoordinator s0 = coordinator("s0", SECTION);
        cutWithPeerOnLan(s0);
        s0.onMembership(claimOf("s1", new IsolationClaim(true, true, false, null, null, Set.of(), "s1-now", null)));
        assertEquals(IsolationCoordinator.Outcome.WAITING, s0.fencePeer("sstorage", false).outcome());
        // A stand-down recorded in an earlier cut (replayed, or a claim that answers no arbitration).
        s0.onMembership(claimOf("s1", new IsolationClaim(true, true, true, T0.toString(), "s0 keeps writing",
                Set.of(), "s1-before", "an-earlier-episode-of-s0")));
        assertEquals(IsolationCoordinator.Outcome.WAITING, s0.fencePeer("sstorage", false).outcome());
        s0.onMembership(claimOf("s1", new IsolationClaim(true, true, true, T0.toString(), "s0 keeps writing",
                Set.of(), "s1-before", null)));
        assertEquals(IsolationCoordinator.Outcome.WAITING, s0.fencePeer("sstorage", false).outcome());
        assertEquals(Set.of(), s0.claim().acknowledged(), "nothing acknowledged");
        assertEquals("s1-before", s0.claim().answers(), "its claim names the peer's arbitration it answers");

        s0.onMembership(claimOf("s1", new IsolationClaim(true, true, true, T0.toString(), "s0 keeps writing",
                Set.of(), "s1-now", s0.claim().episode())));
        assertEquals(IsolationCoordinator.Outcome.WON, s0.fencePeer("sstorage", false).outcome());
    }

    @Test
    void theLoserCountsOnlyAnAcknowledgementOfItsOwnArbitration() throws Exception {
        IsolationCoordinator s1 = coordinator("s1", SECTION);
        cutWithPeerOnLan(s1);
        s1.onMembership(claimOf("s0", new IsolationClaim(true, true, true, null, null, Set.of("s1"), "s0-now",
                "an-earlier-episode-of-s1")));
        assertEquals(IsolationCoordinator.Outcome.LOST, s1.fencePeer("sstorage", false).outcome());
        assertFalse(s1.acknowledgedByPeer(), "an acknowledgement of an earlier stand-down");
        s1.onMembership(claimOf("s0", new IsolationClaim(true, true, true, null, null, Set.of("s1"), "s0-now",
                s1.claim().episode())));
        assertTrue(s1.acknowledgedByPeer());
    }

    @Test
    void aWallClockStepChangesNoInterval() throws Exception {
        SagentConfig config = IsolationFixtures.config(SECTION);
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = coordinator(config, "s1", clock);
        s1.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.LAN, Set.of("s1"), false));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", true)));
        clock.stepWallClock(Duration.ofHours(2));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", false)));
        assertEquals(IsolationCoordinator.Outcome.WAITING, s1.fencePeer("sstorage", false).outcome(),
                "two hours on the wall clock are no silence");
        clock.stepWallClock(Duration.ofHours(-5));
        clock.advance(Duration.ofMillis(3100));
        assertEquals(IsolationCoordinator.Outcome.WON, s1.fencePeer("sstorage", false).outcome());
        assertEquals(1, freezes.size());
        assertTrue(freezes.get(0).compareTo(Duration.ofSeconds(4)) < 0, "frozen " + freezes.get(0));
    }

    /** A clock the test moves. */
    @Test
    void aPeerIsTakenForSilentOnlyAfterPeerSilenceWithoutAnyAnswer() throws Exception {
        SagentConfig config = IsolationFixtures.config(SECTION);
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = coordinator(config, "s1", clock);
        s1.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.LAN, Set.of("s1"), false));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", true)));
        clock.advance(Duration.ofMillis(2500));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", false)));
        assertEquals(IsolationCoordinator.Outcome.WAITING, s1.fencePeer("sstorage", false).outcome(),
                "one unanswered round is a busy peer, not a dead one");
        clock.advance(Duration.ofMillis(600));
        assertEquals(IsolationCoordinator.Outcome.WON, s1.fencePeer("sstorage", false).outcome());
        assertEquals(List.of(Duration.ofMillis(600)), freezes);
    }

    /** s1 after its peer s0 lost power: LAN and replication views still hold s0, a witness answers. */
    private IsolationCoordinator survivorAt(ManualClock clock, String section) throws Exception {
        IsolationCoordinator s1 = withPeerInBothViews(clock, section);
        s1.replicationCarrier(false);
        return s1;
    }

    @Test
    void aPeerTakenForDeadOnTheCarrierPathHasDrbdDisconnectedAndTheHandlerAnsweredAtOnce() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = survivorAt(clock, SECTION);
        clock.advance(Duration.ofMillis(300));
        s1.turn();
        assertEquals(List.of(), drbdCommands, "300 ms of lost carrier with no verdict on the peer: DRBD is not told");
        int roundsBefore = urgentRoundsAsked;
        s1.peerLiveness("s0", false);
        assertEquals(List.of("disconnect: s0 taken for dead (replication carrier lost, no ARP answer)"), drbdCommands);
        assertEquals(roundsBefore + 1, urgentRoundsAsked, "a witness round asked at once");
        clock.advance(Duration.ofMillis(100));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of(), OptionalLong.of(clock.nanos())));
        clock.advance(Duration.ofMillis(100));
        IsolationCoordinator.Answer answer = s1.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.WON, answer.outcome(),
                "silent since its carrier went, though still in the LAN view: " + answer.message());
        assertTrue(answer.message().contains("s0 is silent on the LAN and a witness answers"), answer.message());
        assertEquals(1, drbdCommands.size(), "not connected again before the handler could exit");
        clock.advance(IsolationCoordinator.RECONNECT_AFTER_WIN);
        s1.turn();
        assertEquals(2, drbdCommands.size(), drbdCommands.toString());
        assertTrue(drbdCommands.get(1).startsWith("connect: this node won"), drbdCommands.toString());
        s1.turn();
        s1.fencePeer("sstorage", false);
        clock.advance(Duration.ofSeconds(5));
        s1.turn();
        assertEquals(2, drbdCommands.size(), "once: " + drbdCommands);
    }

    /**
     * F16 as the VMs showed it: the replication cable goes, then this node's own LAN a second
     * later, between the peer check's questions. The last question goes unanswered because this
     * node's LAN is gone, not the peer; the witness answered before that. Only a witness asked
     * after the silence counts: reached, the peer is dead; not reached, this node never wins.
     */
    @Test
    void aPeerSilentOnlyBecauseThisNodesLanWentIsNoWinOnAWitnessReachedBefore() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = survivorAt(clock, SECTION);
        long askedBeforeTheSilence = clock.nanos();
        clock.advance(Duration.ofMillis(900));
        s1.peerLiveness("s0", false);
        clock.advance(Duration.ofMillis(100));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of(), OptionalLong.of(askedBeforeTheSilence)));
        IsolationCoordinator.Answer answer = s1.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.WAITING, answer.outcome(),
                "a witness reached before the peer fell silent: " + answer.message());

        clock.advance(Duration.ofMillis(500));
        s1.witnessRound(new WitnessWatch.Round(false, null, Map.of(), OptionalLong.of(clock.nanos())));
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMillis(200));
            answer = s1.fencePeer("sstorage", false);
            assertNotEquals(IsolationCoordinator.Outcome.WON, answer.outcome(),
                    "this node reaches no witness since the peer fell silent: " + answer.message());
        }
    }

    /**
     * F16 as the VMs showed it from the survivor, whose carrier stayed up: the isolated peer said
     * its side (healthy, a witness reached) before its LAN went; this node hears of the cut from
     * DRBD later, the peer gone from the LAN view. That claim says nothing about now: it is no
     * loss (the peer, lower-numbered, would win a tie), and the silent peer is won over. Before,
     * this node stood down and so did the isolated one: nobody served.
     */
    @Test
    void aClaimFromBeforeThisArbitrationOfAPeerGoneFromTheLanViewIsNoLoss() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = withPeerInBothViews(clock, SECTION);
        s1.onMembership(claimOf("s0", new IsolationClaim(true, true, false, null, null, Set.of()), clock));
        clock.advance(Duration.ofMillis(1000));
        peerLeavesBothViews(s1);
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of(), OptionalLong.of(clock.nanos())));
        clock.advance(Duration.ofMillis(1000));
        IsolationCoordinator.Answer answer = s1.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.WAITING, answer.outcome(), answer.message());
        assertTrue(answer.message().contains("its claim came before this arbitration"), answer.message());
        assertEquals(List.of(), standDowns);

        clock.advance(Duration.ofMillis(1100));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", false),
                OptionalLong.of(clock.nanos())));
        answer = s1.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.WON, answer.outcome(), "silent for peer-silence: " + answer.message());
        assertEquals(List.of(), standDowns);
    }

    /** The same claim from a peer still in the LAN view, or said again since, is a loss as before. */
    @Test
    void aClaimOfAPeerStillOnTheLanIsALossAsBefore() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = withPeerInBothViews(clock, SECTION);
        s1.onMembership(claimOf("s0", new IsolationClaim(true, true, false, null, null, Set.of()), clock));
        clock.advance(Duration.ofMillis(1000));
        s1.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.REPLICATION, Set.of("s1"), false));
        clock.advance(Duration.ofMillis(1000));
        assertEquals(IsolationCoordinator.Outcome.LOST, s1.fencePeer("sstorage", false).outcome(),
                "in the LAN view: its claim stands");

        ManualClock later = new ManualClock(T0);
        IsolationCoordinator again = withPeerInBothViews(later, SECTION);
        again.onMembership(claimOf("s0", new IsolationClaim(true, true, false, null, null, Set.of()), later));
        later.advance(Duration.ofMillis(1000));
        peerLeavesBothViews(again);
        later.advance(Duration.ofMillis(1000));
        assertEquals(IsolationCoordinator.Outcome.WAITING, again.fencePeer("sstorage", false).outcome());
        later.advance(Duration.ofMillis(200));
        again.onMembership(claimOf("s0", new IsolationClaim(true, true, false, null, null, Set.of()), later));
        assertEquals(IsolationCoordinator.Outcome.LOST, again.fencePeer("sstorage", false).outcome(),
                "said again during this arbitration: it stands");
    }

    @Test
    void aPeerSilentOnTheCarrierPathWithAWitnessAskedSinceIsAWin() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = survivorAt(clock, SECTION);
        s1.peerLiveness("s0", false);
        clock.advance(Duration.ofMillis(20));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of(), OptionalLong.of(clock.nanos())));
        IsolationCoordinator.Answer answer = s1.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.WON, answer.outcome(), answer.message());
    }

    @Test
    void aPeerHeardAfterItWasTakenForDeadIsOnTheLanAgain() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = survivorAt(clock, SECTION);
        s1.peerLiveness("s0", false);
        clock.advance(Duration.ofMillis(100));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", true)));
        IsolationCoordinator.Answer answer = s1.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.WAITING, answer.outcome(), answer.message());
        assertTrue(answer.message().contains("alive on the LAN"), answer.message());
    }

    @Test
    void aCutCableHasDrbdDisconnectedAfterDrbdDisconnectAfterOnBothNodesAndOnlyTheWinnerConnectsAgain()
            throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = survivorAt(clock, SECTION);
        s1.onMembership(claimOf("s0", new IsolationClaim(true, true, false, null, null, Set.of())));
        clock.advance(Duration.ofMillis(900));
        s1.turn();
        assertEquals(List.of(), drbdCommands, "a cable back within a second fences nobody (F17)");
        clock.advance(Duration.ofMillis(100));
        s1.turn();
        assertEquals(List.of("disconnect: replication carrier lost for 1000 ms"), drbdCommands);
        assertEquals(IsolationCoordinator.Outcome.LOST, s1.fencePeer("sstorage", false).outcome());
        assertEquals(1, standDowns.size());
        clock.advance(Duration.ofSeconds(10));
        s1.replicationCarrier(true);
        s1.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.REPLICATION, Set.of("s0", "s1"), false));
        s1.turn();
        assertEquals(1, drbdCommands.size(), "a loser stays disconnected and frozen: " + drbdCommands);
    }

    @Test
    void aCableBackAfterTheDisconnectButBeforeAnyDecisionConnectsDrbdAgainAtOnce() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s0 = coordinator(IsolationFixtures.config(SECTION), "s0", clock);
        cutWithPeerOnLan(s0);
        clock.advance(Duration.ofMillis(1200));
        s0.turn();
        assertEquals(1, drbdCommands.size(), drbdCommands.toString());
        s0.replicationCarrier(true);
        assertNull(s0.claim(), "the arbitration is over");
        assertEquals(2, drbdCommands.size(), drbdCommands.toString());
        assertTrue(drbdCommands.get(1).startsWith("connect: the replication link is back"), drbdCommands.toString());
    }

    @Test
    void drbdIsLeftToItsOwnTimersWhenTheSettingIsOff() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = survivorAt(clock, SECTION + "  drbd-disconnect-after: off\n");
        s1.peerLiveness("s0", false);
        clock.advance(Duration.ofSeconds(30));
        s1.turn();
        assertEquals(List.of(), drbdCommands);
        assertEquals(IsolationCoordinator.Outcome.WON, s1.fencePeer("sstorage", false).outcome(),
                "the carrier path's verdict still answers the handler at once");
    }

    /** s1 with both views holding s0 and a witness answering; carriers up. */
    private IsolationCoordinator withPeerInBothViews(ManualClock clock) throws Exception {
        return withPeerInBothViews(clock, SECTION);
    }

    private IsolationCoordinator withPeerInBothViews(ManualClock clock, String section) throws Exception {
        IsolationCoordinator s1 = coordinator(IsolationFixtures.config(section), "s1", clock);
        s1.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.LAN, Set.of("s0", "s1"), false));
        s1.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.REPLICATION, Set.of("s0", "s1"), false));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of()));
        return s1;
    }

    private static void peerLeavesBothViews(IsolationCoordinator c) {
        c.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.REPLICATION, Set.of("s1"), false));
        c.onMembership(new MembershipEvent.ViewChanged(MembershipEvent.Path.LAN, Set.of("s1"), false));
    }

    @Test
    void aHungPeerSilentOnBothPathsHasDrbdDisconnectedAndIsWonOver() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = withPeerInBothViews(clock);
        peerLeavesBothViews(s1);
        clock.advance(Duration.ofMillis(2900));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", false)));
        assertEquals(List.of(), drbdCommands, "silent for less than peer-silence");
        assertNull(s1.claim(), "no arbitration yet");
        clock.advance(Duration.ofMillis(200));
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", false)));
        assertEquals(1, drbdCommands.size(), drbdCommands.toString());
        assertTrue(drbdCommands.get(0).startsWith("disconnect: s0 silent on both paths"), drbdCommands.toString());
        assertEquals(IsolationCoordinator.Outcome.WON, s1.fencePeer("sstorage", false).outcome());
        clock.advance(IsolationCoordinator.RECONNECT_AFTER_WIN);
        s1.turn();
        assertTrue(drbdCommands.get(1).startsWith("connect: this node won"), drbdCommands.toString());
    }

    @Test
    void aPeerWhoseAgentStopsButWhoseKernelAnswersArpHasNothingToldToDrbd() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = withPeerInBothViews(clock);
        peerLeavesBothViews(s1);
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMillis(500));
            s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", true)));
        }
        assertEquals(List.of(), drbdCommands);
        assertNull(s1.claim(), "a graceful stop begins no arbitration");
    }

    @Test
    void aDisconnectDrbdNeverFrozeOnIsUndoneAfterTheHandlerDeadline() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = survivorAt(clock, SECTION);
        clock.advance(Duration.ofSeconds(1));
        s1.turn();
        assertEquals(1, drbdCommands.size(), drbdCommands.toString());
        clock.advance(Duration.ofSeconds(29));
        s1.turn();
        assertEquals(1, drbdCommands.size(), "the handler may still be starting: " + drbdCommands);
        clock.advance(Duration.ofSeconds(1));
        s1.turn();
        assertEquals(2, drbdCommands.size(), drbdCommands.toString());
        assertTrue(drbdCommands.get(1).startsWith("connect: DRBD asked nothing within isolation.handler-deadline"),
                drbdCommands.toString());
    }

    private static MembershipEvent stateOf(String node, Readiness readiness) {
        return new MembershipEvent.StateReceived(MembershipEvent.Path.REPLICATION, new NodeState(node, 1, readiness,
                List.of(), false, Set.of(), Set.of(), 0, 0, Set.of()), T0);
    }

    @Test
    void aFencedPeerBackOnTheLinkWhoseReconnectionFailedLetsThisNodeResumeAtOnce() throws Exception {
        new FenceRecord(T0.toString(), "s0", "s0 is silent on the LAN", "sstorage").write(dir.resolve(FenceRecord.PEER));
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = withPeerInBothViews(clock);
        s1.onMembership(stateOf("s0", Readiness.UNHEALTHY));
        IsolationCoordinator.Answer answer = s1.fencePeer("sstorage", false);
        assertEquals(IsolationCoordinator.Outcome.WON, answer.outcome(), answer.message());
        assertTrue(answer.message().contains("s0 is still fenced since this node won at"), answer.message());
        assertEquals(List.of("won"), outcomes);
        s1.fencePeer("sstorage", false);
        assertEquals(List.of("won"), outcomes, "counted once");
    }

    @Test
    void aPeerServingAgainIsNotTakenForFencedOnAnOldRecord() throws Exception {
        new FenceRecord(T0.toString(), "s0", "s0 is silent on the LAN", "sstorage").write(dir.resolve(FenceRecord.PEER));
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = withPeerInBothViews(clock);
        s1.onMembership(stateOf("s0", Readiness.OK));
        assertEquals(IsolationCoordinator.Outcome.WAITING, s1.fencePeer("sstorage", false).outcome());
        Files.delete(dir.resolve(FenceRecord.PEER));
        s1.onMembership(stateOf("s0", Readiness.UNHEALTHY));
        assertEquals(IsolationCoordinator.Outcome.WAITING, s1.fencePeer("sstorage", false).outcome(),
                "no record: nothing says the peer cannot write");
    }

    @Test
    void aPeerRebootingAfterAPowerLossIsNoHungPeerThoughItsAgentIsNotBackYet() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = survivorAt(clock, SECTION);
        s1.peerLiveness("s0", false);
        peerLeavesBothViews(s1);
        s1.fencePeer("sstorage", false);
        clock.advance(IsolationCoordinator.RECONNECT_AFTER_WIN);
        s1.turn();
        assertEquals(2, drbdCommands.size(), drbdCommands.toString());
        // s0 powers on: carrier back, DRBD resyncs (unfence-peer), its agent still starting
        s1.replicationCarrier(true);
        s1.unfence("unfence-peer", "sstorage");
        assertNull(s1.claim());
        for (int i = 0; i < 20; i++) {
            clock.advance(Duration.ofMillis(500));
            s1.turn();
        }
        assertEquals(2, drbdCommands.size(), "nothing told to a resynced DRBD: " + drbdCommands);
        assertNull(s1.claim(), "no arbitration");
    }

    @Test
    void aPeerGoneWithTheCarrierUpIsSilentOnlyOnceAskedByArpWithoutAnAnswer() throws Exception {
        ManualClock clock = new ManualClock(T0);
        IsolationCoordinator s1 = withPeerInBothViews(clock);
        peerLeavesBothViews(s1);
        clock.advance(Duration.ofSeconds(10));
        s1.turn();
        assertEquals(List.of(), drbdCommands, "not asked is not silent");
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", false)));
        assertEquals(List.of(), drbdCommands, "one unanswered round");
        s1.witnessRound(new WitnessWatch.Round(true, "198.51.100.1", Map.of("s0", false)));
        assertEquals(1, drbdCommands.size(), drbdCommands.toString());
    }
}
