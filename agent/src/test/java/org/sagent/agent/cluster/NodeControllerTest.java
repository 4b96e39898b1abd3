package org.sagent.agent.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.sagent.agent.cluster.ControllerHarness.A20;
import static org.sagent.agent.cluster.ControllerHarness.B21;
import static org.sagent.agent.cluster.ControllerHarness.mac;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.FailbackMode;
import org.sagent.agent.control.StatusReport;
import org.sagent.agent.core.Readiness;
import org.sagent.agent.core.PeerCheckRound;
import org.sagent.agent.core.ReconcilePlan;
import org.sagent.agent.core.TakeProbe;

/**
 * The failure matrix (docs/spec.md, section 3 and 7) at the controller level: one controller,
 * its LAN faked, its peer played by the test. The namespace tests (FailureMatrixIT,
 * IsolationIT) prove the same rows with two real agents on a real kernel.
 */
class NodeControllerTest {

    private static final Duration TURN = Duration.ofMillis(200);

    private static StatusReport.Move lastMove(ControllerHarness h) {
        List<StatusReport.Move> moves = h.controller.report(null, "eth0", true).failovers();
        return moves.get(moves.size() - 1);
    }

    @Nested
    @DisplayName("section 3: the failure matrix")
    class FailureMatrix {

        @Test
        @DisplayName("F1: the peer's agent is killed but its kernel still answers: nothing is taken, no conflict")
        void f1PeerAgentKilledItsKernelStillAnswers() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.kernel.answers(A20, mac("s0"));
            b.view("s1").after(TURN).after(Duration.ofSeconds(5));
            assertEquals(Set.of(B21), b.kernel.held(), "s0's kernel answers for .120: s1 must not add it");
            assertTrue(b.kernel.takes.stream().allMatch(ReconcilePlan.Take::probe), "every attempt probed first");
            verify(b.events, never()).conflict(anyString()); // a cluster node's MAC is no foreign host
            verify(b.events, never()).tookOver(anyString(), anyString(), any());
        }

        @Test
        @DisplayName("F1: a restarted agent adopts what its kernel holds, without removing or re-adding it")
        void f1RestartedAgentAdoptsItsAddress() {
            ControllerHarness a = ControllerHarness.as("s0");
            a.kernel.holding(A20);
            a.start().health(true).view("s0", "s1").peerHolds(B21).after(TURN);
            assertEquals(Set.of(A20), a.kernel.held());
            assertEquals(List.of(), a.kernel.releases, "adopted, not removed");
            assertEquals(List.of(), a.kernel.takes, "adopted, not re-added");
        }

        @Test
        @DisplayName("F2: the peer's agent stopped and continued: nothing moves either way")
        void f2PeerAgentStoppedAndContinued() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.kernel.answers(A20, mac("s0"));
            b.view("s1").after(Duration.ofSeconds(3));
            b.merged("s0", "s1").peerHolds(A20).after(Duration.ofSeconds(3));
            assertEquals(Set.of(B21), b.kernel.held());
            assertEquals(List.of(), b.kernel.releases, "s1 keeps its own address throughout");
        }

        @Test
        @DisplayName("F3: power loss of the peer: its address is taken after a clear probe, outage reported")
        void f3PowerLossOfThePeer() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.clock.advance(Duration.ofMillis(900)); // the heartbeat timeout
            b.view("s1");
            assertEquals(Set.of(A20, B21), b.kernel.held());
            assertTrue(b.kernel.takes.get(0).probe(), "a vanished holder may still answer: probe first");
            verify(b.events).tookOver(eq(A20), eq("holder_lost"), eq(Optional.of(Duration.ZERO)));
            StatusReport.Move move = lastMove(b);
            assertEquals(List.of(A20, "s0", "s1", "left the view"),
                    List.of(move.address(), move.from(), move.to(), move.reason()));
        }

        @Test
        @DisplayName("F3: carrier lost and the peer silent on the LAN: taken before the view says so")
        void f3SilentPeerTakenBeforeTheView() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.controller.peerLiveness("s0", false, "no ARP answer within 200 ms");
            assertEquals(Set.of(A20, B21), b.kernel.held(), "the replication view still has s0; the LAN says it is dead");
            assertEquals("DISCONNECTED", b.controller.report(null, "eth0", false).nodes().get(0).state());
        }

        @Test
        @DisplayName("F3: carrier lost, the peer silent and its address clear in the same ARP round: no second probe")
        void f3OneArpRoundForThePeerCheckAndTheProbe() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.kernel.answers(A20, mac("s0")); // a probe now would find it: the take must not send one
            b.controller.peerLiveness("s0", false, "no ARP answer", new PeerCheckRound(true, Set.of(A20), Map.of(),
                    b.clock.now()));
            assertEquals(Set.of(A20, B21), b.kernel.held());
            assertEquals(List.of(new ReconcilePlan.Take(A20, new TakeProbe.ClearWithPeerCheck())), b.kernel.takes);
        }

        @Test
        @DisplayName("F3: a round more than a second old is no probe: the take probes again")
        void f3AStaleRoundIsNoProbe() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            PeerCheckRound round = new PeerCheckRound(true, Set.of(A20), Map.of(), b.clock.now());
            b.clock.advance(PeerCheckRound.RECENT.plusMillis(1)); // the loop was held up that long
            b.controller.peerLiveness("s0", false, "no ARP answer", round);
            assertEquals(List.of(new ReconcilePlan.Take(A20, true)), b.kernel.takes);
            assertEquals(Set.of(A20, B21), b.kernel.held());
        }

        @Test
        @DisplayName("F6: the peer's LAN answer lost, its address answered in the round: not taken, as a probe's answer")
        void f6AnAnswerForThePeersAddressInTheRoundStopsTheTake() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.kernel.answers(A20, mac("s0"));
            b.controller.peerLiveness("s0", false, "no ARP answer", new PeerCheckRound(true, Set.of(),
                    Map.of(A20, mac("s0")), b.clock.now()));
            assertEquals(Set.of(B21), b.kernel.held(), "s0 still answers for .120: s1 must not add it");
            assertEquals(List.of(new ReconcilePlan.Take(A20, new TakeProbe.AnsweredInPeerCheck(mac("s0")))),
                    b.kernel.takes);
            b.after(Duration.ofSeconds(3)); // its own probes later, still answered
            assertEquals(Set.of(B21), b.kernel.held());
            assertTrue(b.kernel.takes.subList(1, b.kernel.takes.size()).stream().allMatch(ReconcilePlan.Take::probe),
                    "after the round, each attempt probes on its own: " + b.kernel.takes);
            verify(b.events, never()).conflict(anyString()); // a cluster node's MAC is no foreign host
            verify(b.events, never()).tookOver(anyString(), anyString(), any());
        }

        @Test
        @DisplayName("F6: a round about a peer whose cable came back is no probe any more")
        void aRoundIsForgottenWhenTheCarrierComesBack() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.health(false); // s1 takes nothing while the round is fresh
            b.controller.peerLiveness("s0", false, "no ARP answer", new PeerCheckRound(true, Set.of(A20), Map.of(),
                    b.clock.now()));
            b.controller.replicationCarrierBack();
            b.health(true);
            assertTrue(b.kernel.takes.contains(new ReconcilePlan.Take(A20, true)), "probed on its own: " + b.kernel.takes);
            assertFalse(b.kernel.takes.stream().anyMatch(t -> t.probing() instanceof TakeProbe.ClearWithPeerCheck));
        }

        @Test
        @DisplayName("F4: a frozen node thaws holding a duplicate: it lets go, and does not fail back early")
        void f4FrozenNodeThawsAndReleasesTheDuplicate() {
            ControllerHarness a = ControllerHarness.twoNodesHome("s0");
            a.clock.advance(Duration.ofSeconds(5));
            a.kernel.answers(A20, mac("s1")); // s1 took it while s0 stood still
            a.view("s0").merged("s0", "s1").peerHolds(A20, B21);
            a.controller.thawed(Duration.ofSeconds(5));
            assertEquals(Set.of(), a.kernel.held(), "the duplicate is resolved at once");
            a.kernel.silent(A20);
            a.after(Duration.ofSeconds(10));
            assertEquals(Set.of(), a.kernel.held(), "no move back before failback-delay");
            assertTrue(a.lastPublished().eligibleForMillis() < 30_000, "eligibility counts from the thaw");
        }

        @Test
        @DisplayName("F4: a duplicate the first check after the thaw missed is found by the next ones, for a while")
        void f4ADuplicateMissedByTheFirstCheckIsFoundByTheNext() {
            ControllerHarness a = ControllerHarness.twoNodesHome("s0");
            a.clock.advance(Duration.ofSeconds(5));
            a.kernel.silent(A20); // the first ARP round after the thaw misses s1's answer
            a.controller.thawed(Duration.ofSeconds(5));
            assertEquals(Set.of(A20), a.kernel.held(), "no answer, no duplicate yet");
            a.kernel.answers(A20, mac("s1"));
            a.after(Duration.ofMillis(400));
            assertEquals(Set.of(), a.kernel.held(), "found by a later check, the views not merged yet");
        }

        @Test
        @DisplayName("F5/F7: an unhealthy node releases its address; the peer takes it without a probe")
        void f5f7UnhealthyNodeReleasesAndThePeerTakesIt() {
            ControllerHarness a = ControllerHarness.twoNodesHome("s0");
            a.health(false);
            assertEquals(Set.of(), a.kernel.held());
            assertTrue(lastMove(a).reason().startsWith("this node is unhealthy (drbd:"), lastMove(a).reason());
            assertEquals(Set.of(A20), a.lastPublished().released(), "the release is published at once");

            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.peerSays(Readiness.UNHEALTHY, Set.of(), Set.of(A20), Duration.ZERO);
            assertEquals(Set.of(A20, B21), b.kernel.held());
            assertFalse(b.kernel.takes.get(0).probe(), "its holder said it let go: no probe");
            verify(b.events).tookOver(eq(A20), eq("released"), any());
        }

        @Test
        @DisplayName("F6: replication link down, both alive: nothing moves, no duplicate, nothing on the merge")
        void f6ReplicationDownBothAlive() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.controller.peerLiveness("s0", true, "it answered ARP in 1 ms");
            b.kernel.answers(A20, mac("s0"));
            b.view("s1").after(Duration.ofSeconds(5));
            b.merged("s0", "s1").peerHolds(A20).after(Duration.ofSeconds(5));
            assertEquals(Set.of(B21), b.kernel.held());
            assertEquals(List.of(), b.kernel.releases);
            verify(b.events, never()).conflict(anyString());
        }

        @Test
        @DisplayName("F7: both nodes unhealthy: nothing moves (degraded service beats none)")
        void f7BothUnhealthyNothingMoves() {
            ControllerHarness a = ControllerHarness.twoNodesHome("s0");
            a.peerSays(Readiness.UNHEALTHY, Set.of(B21), Set.of(), Duration.ZERO);
            a.health(false).after(Duration.ofSeconds(10));
            assertEquals(Set.of(A20), a.kernel.held());
            assertEquals(List.of(), a.kernel.releases);
        }

        @Test
        @DisplayName("F8: graceful stop: hands over, waits for the peer, then nothing is left behind")
        void f8GracefulStop() {
            ControllerHarness a = ControllerHarness.twoNodesHome("s0");
            a.kernel.connected(A20, "198.51.100.50 40000 445");
            a.controller.startDraining();
            assertEquals(Set.of(), a.kernel.held());
            assertEquals("this node is stopping (handing it over)", lastMove(a).reason());
            assertTrue(a.lastPublished().disabled(), "published as withdrawn: nothing comes back to it");
            assertEquals(List.of("198.51.100.50 40000 445"), a.lastPublished().clients().get(A20),
                    "the connections it reset are left for the taker to tickle");
            verify(a.events).connectionsKilled(A20, 1);
            assertFalse(a.controller.handedOver(), "s1 does not hold it yet");
            a.peerHolds(A20, B21);
            assertTrue(a.controller.handedOver());
        }

        @Test
        @DisplayName("F8: sagent disable drains the node; enable lets it serve again after failback-delay")
        void f8DisableAndEnable() {
            ControllerHarness a = ControllerHarness.twoNodesHome("s0");
            a.controller.setDisabled(true);
            assertEquals(Set.of(), a.kernel.held());
            a.controller.setDisabled(false);
            a.peerHolds(A20, B21).after(Duration.ofSeconds(10));
            assertTrue(a.lastPublished().eligibleForMillis() < 30_000 && !a.lastPublished().disabled());
        }

        @Test
        @DisplayName("F9: failback auto: the holder releases the home's address once the home was eligible long enough")
        void f9FailbackAuto() {
            ControllerHarness b = ControllerHarness.as("s1");
            b.kernel.holding(A20, B21);
            b.start().health(true).view("s0", "s1");
            b.peerSays(Readiness.OK, Set.of(), Set.of(), Duration.ofSeconds(10)).after(TURN);
            assertEquals(Set.of(A20, B21), b.kernel.held(), "s0 eligible for 10 s only: not yet");
            b.after(Duration.ofSeconds(21));
            assertEquals(Set.of(B21), b.kernel.held());
            assertEquals("its home s0 is back and healthy", lastMove(b).reason());
        }

        @Test
        @DisplayName("F9: failback manual: nothing moves until sagent move-ip")
        void f9FailbackManual() {
            ControllerHarness b = ControllerHarness.as("s1", FailbackMode.MANUAL);
            b.kernel.holding(A20, B21);
            b.start().health(true).view("s0", "s1");
            b.peerSays(Readiness.OK, Set.of(), Set.of(), Duration.ofMinutes(5)).after(Duration.ofMinutes(1));
            assertEquals(Set.of(A20, B21), b.kernel.held());
            assertEquals(Optional.empty(), b.moveIp(A20 + "/24", "s0"));
            assertEquals(Set.of(B21), b.kernel.held());
            assertEquals("moved to s0 by sagent move-ip", lastMove(b).reason());
            assertEquals(Optional.of("no node named s2; nodes: s0, s1"), b.moveIp(A20, "s2"));
        }

        @Test
        @DisplayName("F10: both start together: nothing before the view, nothing before the peer spoke, then each its own")
        void f10BothStartTogether() {
            ControllerHarness a = ControllerHarness.as("s0").start().health(true);
            a.after(TURN);
            assertEquals(List.of(), a.kernel.takes, "nothing taken before the first view");
            assertEquals(List.of(), a.published, "nothing published before the first view");
            a.view("s0", "s1").after(TURN);
            assertEquals(List.of(), a.kernel.takes, "s1 has not said what it holds yet");
            a.peerUptime = Duration.ofMillis(400);
            a.peerSays(Readiness.STARTING, Set.of(), Set.of(), Duration.ZERO).after(TURN);
            assertEquals(Set.of(A20), a.kernel.held(), "its own home only: s1's waits for s1");
        }

        @Test
        @DisplayName("F11: only one node starts: after the start-up grace it holds both addresses")
        void f11OneNodeAloneTakesBoth() {
            ControllerHarness a = ControllerHarness.as("s0").start().health(true).view("s0");
            a.after(TURN);
            assertEquals(Set.of(A20), a.kernel.held(), "within the grace s1 may still be starting");
            a.after(Duration.ofSeconds(8));
            assertEquals(Set.of(A20, B21), a.kernel.held());
            assertTrue(a.kernel.takes.stream().allMatch(ReconcilePlan.Take::probe));
        }

        @Test
        @DisplayName("F12: an address removed by hand is restored at the next turn")
        void f12RemovedByHandIsRestored() {
            ControllerHarness a = ControllerHarness.twoNodesHome("s0");
            a.kernel.removedByHand(A20);
            a.controller.turn(); // the netlink event's turn
            assertEquals(Set.of(A20), a.kernel.held());
        }

        @Test
        @DisplayName("F13: a foreign host claims the address: reported once, never fought")
        void f13ForeignHostIsReportedNotFought() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.kernel.answers(A20, "02:aa:bb:cc:dd:ee");
            b.view("s1").after(Duration.ofSeconds(1)).after(Duration.ofSeconds(1)).after(Duration.ofSeconds(1));
            assertEquals(Set.of(B21), b.kernel.held());
            verify(b.events, times(1)).conflict(A20);
            assertEquals("02:aa:bb:cc:dd:ee", b.controller.report(null, "eth0", true).addresses().get(0)
                    .conflict());
        }
    }

    @Nested
    @DisplayName("section 7: isolation")
    class Isolation {

        @Test
        @DisplayName("F14: the loser stands down: releases everything, takes nothing, whatever its checks say")
        void f14LoserStandsDown() {
            ControllerHarness a = ControllerHarness.twoNodesHome("s0");
            a.controller.fence("stood down for s1 (s1 reached the witness)", false);
            assertEquals(Set.of(), a.kernel.held());
            assertTrue(lastMove(a).reason().startsWith("this node stands down (stood down for s1"));
            a.view("s0").health(true).after(Duration.ofMinutes(1));
            assertEquals(Set.of(), a.kernel.held(), "a stand-down lasts until the agent restarts");
            assertFalse(a.controller.ok());
        }

        @Test
        @DisplayName("F14: the winner takes what the loser released")
        void f14WinnerTakesTheLosersAddress() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.peerSays(Readiness.STARTING, Set.of(), Set.of(A20), Duration.ZERO);
            assertEquals(Set.of(A20, B21), b.kernel.held());
        }

        @Test
        @DisplayName("F15: a returning node with a fence record holds nothing until resynced, then serves")
        void f15FencedAtStartUntilResynced() {
            AtomicInteger cleared = new AtomicInteger();
            ControllerHarness a = ControllerHarness.as("s0");
            a.kernel.holding(A20);
            a.start();
            a.controller.onFenceCleared(cleared::incrementAndGet);
            a.controller.fence("this node stood down for s1 at 10:00:00", true);
            assertEquals(Set.of(), a.kernel.held(), "released even before the first view");
            a.view("s0", "s1").peerHolds(A20, B21).degraded().after(Duration.ofMinutes(1));
            assertEquals(0, cleared.get(), "DRBD not connected yet: still fenced");
            assertEquals("STARTING", a.lastPublished().readiness().name());
            a.health(true);
            assertEquals(1, cleared.get(), "resynced and healthy: the record may go");
            assertTrue(a.controller.ok());
        }

        @Test
        @DisplayName("F16: a node cut from both networks keeps what nobody else can hold, until the stand-down fences it")
        void f16CutFromBothNetworks() {
            ControllerHarness a = ControllerHarness.twoNodesHome("s0");
            a.controller.peerLiveness("s1", false, "no ARP answer"); // its own LAN is down: s1 looks dead
            a.health(false); // its LAN carrier check fails
            assertEquals(Set.of(A20, B21), a.kernel.held(), "no eligible node in its view: addresses stay (2.3)");
            a.controller.fence("stood down for s1 (no witness reachable)", false);
            assertEquals(Set.of(), a.kernel.held(), "never wins: the stand-down releases everything");
        }

        @Test
        @DisplayName("F17: the cable is back within a second: nobody moves")
        void f17CableBackWithinASecond() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.controller.peerLiveness("s0", true, "it answered ARP in 1 ms");
            b.controller.replicationCarrierBack();
            b.after(Duration.ofSeconds(2));
            assertEquals(Set.of(B21), b.kernel.held());
            assertEquals(List.of(), b.kernel.takes);
            assertEquals(List.of(), b.kernel.releases);
        }

        @Test
        @DisplayName("F18: the survivor's own OCFS2 hangs: it follows F7, and serves both once healthy again")
        void f18SurvivorFollowsF7() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.peerSays(Readiness.UNHEALTHY, Set.of(A20), Set.of(), Duration.ZERO); // OCFS2 hangs on both
            b.health(false).after(Duration.ofSeconds(10));
            assertEquals(Set.of(B21), b.kernel.held(), "both unhealthy: nothing moves (F7)");
            b.view("s1").after(Duration.ofSeconds(10)); // o2cb resets s0
            assertEquals(Set.of(B21), b.kernel.held(), "unhealthy: it takes nothing");
            b.health(true).after(TURN);
            assertEquals(Set.of(A20, B21), b.kernel.held(), "healthy again: it takes the lost node's address");
        }
    }

    /**
     * Every interval the controller measures runs on the monotonic clock: NTP or an
     * administrator's {@code date -s} may step the wall clock by hours, and no takeover, failback
     * or suspicion may come early or late for it.
     */
    @Nested
    @DisplayName("a wall-clock step (NTP, date -s) moves no interval")
    class WallClockSteps {

        private static final Duration HOURS = Duration.ofHours(3);

        @Test
        @DisplayName("failback waits for failback-delay of the home's eligibility, neither less nor more")
        void failbackWaitsForTheDelayWhateverTheWallClockDoes() {
            ControllerHarness b = ControllerHarness.as("s1");
            b.kernel.holding(A20, B21);
            b.start().health(true).view("s0", "s1");
            b.peerSays(Readiness.OK, Set.of(), Set.of(), Duration.ofSeconds(10));
            b.clock.stepWallClock(HOURS);
            b.after(TURN);
            assertEquals(Set.of(A20, B21), b.kernel.held(), "s0 eligible for 10.2 s, not 3 hours: no failback yet");
            b.clock.stepWallClock(HOURS.multipliedBy(-2));
            b.after(Duration.ofSeconds(19));
            assertEquals(Set.of(A20, B21), b.kernel.held(), "29.2 s: not yet");
            b.after(Duration.ofSeconds(1));
            assertEquals(Set.of(B21), b.kernel.held(), "30.2 s: failback, not hours later");
        }

        @Test
        @DisplayName("this node's eligibility and uptime count the time that passed")
        void ownEligibilityAndUptimeCountOnlyTheTimeThatPassed() {
            ControllerHarness a = ControllerHarness.as("s0").start().health(true).view("s0", "s1").peerHolds(B21);
            a.clock.stepWallClock(HOURS);
            a.after(Duration.ofSeconds(1));
            assertEquals(List.of(1_000L, 1_000L), List.of(a.lastPublished().eligibleForMillis(),
                    a.lastPublished().upForMillis()));
            a.clock.stepWallClock(HOURS.multipliedBy(-2));
            a.after(Duration.ofSeconds(1));
            assertEquals(List.of(2_000L, 2_000L), List.of(a.lastPublished().eligibleForMillis(),
                    a.lastPublished().upForMillis()));
        }

        @Test
        @DisplayName("F11: a node alone takes its peer's address after the start-up grace, neither before nor hours after")
        void theStartUpGraceLastsItsEightSeconds() {
            ControllerHarness a = ControllerHarness.as("s0").start().health(true).view("s0");
            a.clock.stepWallClock(HOURS);
            a.after(TURN);
            assertEquals(Set.of(A20), a.kernel.held(), "within the grace s1 may still be starting");
            a.clock.stepWallClock(HOURS.multipliedBy(-2));
            a.after(Duration.ofSeconds(8));
            assertEquals(Set.of(A20, B21), a.kernel.held(), "the grace is over");
        }

        @Test
        @DisplayName("F10: a member that never speaks holds back takes for three publish intervals, not hours")
        void aSilentMemberHoldsBackTakesForThreePublishIntervals() {
            ControllerHarness a = ControllerHarness.as("s0").start().health(true).view("s0", "s1");
            a.clock.stepWallClock(HOURS);
            a.after(TURN);
            assertEquals(List.of(), a.kernel.takes, "s1 has not said what it holds yet");
            a.clock.stepWallClock(HOURS.multipliedBy(-2));
            a.after(Duration.ofSeconds(3));
            assertTrue(a.kernel.held().contains(A20), "three publish intervals passed: s0 takes its home");
        }

        @Test
        @DisplayName("a suspected peer that speaks again is no longer suspected, though the wall clock went back")
        void aSuspicionEndsWhenThePeerSpeaksAfterIt() {
            ControllerHarness b = ControllerHarness.twoNodesHome("s1");
            b.controller.peerLiveness("s0", false, "no ARP answer within 200 ms");
            assertEquals("DISCONNECTED", b.controller.report(null, "eth0", false).nodes().get(0).state());
            b.clock.stepWallClock(HOURS.negated());
            b.clock.advance(TURN);
            b.peerHolds();
            assertEquals("OK", b.controller.report(null, "eth0", true).nodes().get(0).state(),
                    "s0 spoke after it was suspected");
        }
    }
}
