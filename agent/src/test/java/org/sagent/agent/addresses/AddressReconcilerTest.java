package org.sagent.agent.addresses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.eq;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.sagent.agent.ManualClock;
import org.sagent.agent.config.AnnounceSettings;
import org.sagent.agent.config.IpPrefix;
import org.sagent.agent.config.ProbeSettings;
import org.sagent.agent.config.PublicAddressSpec;
import org.sagent.agent.core.ReconcilePlan;
import org.sagent.agent.core.TakeProbe;
import org.sagent.netlink.MacAddress;
import org.sagent.netlink.packet.ProbeResult;
import org.sagent.netlink.route.AddResult;
import org.sagent.netlink.route.DeleteResult;
import org.sagent.netlink.route.InterfaceAddress;
import org.sagent.netlink.route.Link;
import org.sagent.netlink.route.OperState;
import org.sagent.netlink.route.RtNetlink;

/**
 * The reconciler's own rules, with the netlink socket mocked at its edge and the LAN's frames
 * faked: which addresses count as held, how long a release is advertised, the probe back-off
 * and the conflicts it reports. What the kernel does with the calls is proven in the namespace
 * tests (RtNetlinkIT, PacketIT, FailureMatrixIT).
 */
class AddressReconcilerTest {

    private static final String A20 = "198.51.100.120";
    private static final String B21 = "198.51.100.121";
    private static final Link ETH1 = new Link(2, "eth1", Optional.of(MacAddress.parse("02:00:00:00:00:10")),
            Link.IFF_UP | Link.IFF_RUNNING, OperState.UP, true, 1500);
    private static final Link ETH2 = new Link(3, "eth2", Optional.empty(), Link.IFF_UP, OperState.UP, true, 1500);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T08:00:00Z"));
    private final RtNetlink rtnetlink = mock(RtNetlink.class);
    private final FakeFrames frames = new FakeFrames();
    private final List<InterfaceAddress> kernel = new ArrayList<>();
    private final AddressReconciler reconciler;

    AddressReconcilerTest() throws Exception {
        when(rtnetlink.links()).thenReturn(List.of(ETH1, ETH2));
        when(rtnetlink.link("eth1")).thenReturn(Optional.of(ETH1));
        when(rtnetlink.requireLink("eth1")).thenReturn(ETH1);
        when(rtnetlink.addresses()).thenAnswer(call -> List.copyOf(kernel));
        when(rtnetlink.addAddress(eq(ETH1), any(), anyInt(), any())).thenAnswer(call -> {
            kernel.add(new InterfaceAddress(2, call.getArgument(1), call.getArgument(2), 0, 0, Optional.empty()));
            return new AddResult.Added();
        });
        when(rtnetlink.deleteAddress(eq(ETH1), any(), anyInt())).thenAnswer(call ->
                kernel.removeIf(a -> a.address().equals(call.getArgument(1))) ? new DeleteResult.Deleted()
                        : new DeleteResult.NotPresent());
        reconciler = new AddressReconciler(List.of(spec(A20), spec(B21)), new AnnounceSettings(3,
                Duration.ofMillis(100)), new ProbeSettings(3, Duration.ofMillis(20), Duration.ofMillis(60)), clock,
                rtnetlink, frames);
    }

    @AfterEach
    void close() {
        reconciler.close();
    }

    private static PublicAddressSpec spec(String address) {
        return new PublicAddressSpec(IpPrefix.parse(address + "/24").orElseThrow(), "eth1", "s0");
    }

    private void onInterface(int index, String address) throws Exception {
        kernel.add(new InterfaceAddress(index, InetAddress.getByName(address), 24, 0, 0, Optional.empty()));
    }

    @Test
    void onlyConfiguredAddressesOnTheirOwnInterfaceCountAsHeld() throws Exception {
        onInterface(2, A20);
        onInterface(3, B21); // configured for eth1, found on eth2: not ours to count
        onInterface(2, "198.51.100.20"); // the node's own LAN address
        assertEquals(Set.of(A20), reconciler.held());
    }

    @Test
    void aReleaseIsAdvertisedForTenSeconds() throws Exception {
        onInterface(2, A20);
        assertTrue(reconciler.release(A20));
        assertEquals(Set.of(), reconciler.held());
        clock.advance(Duration.ofSeconds(10));
        assertEquals(Set.of(A20), reconciler.recentlyReleased());
        clock.advance(Duration.ofMillis(1));
        assertEquals(Set.of(), reconciler.recentlyReleased());
        assertFalse(reconciler.release(A20), "not there any more");
    }

    @Test
    void anAnsweredProbeAddsNothingBacksOffASecondAndReportsTheMac() {
        frames.answer = "02:aa:bb:cc:dd:ee";
        ReconcilePlan.Take take = new ReconcilePlan.Take(A20, true);
        assertEquals(new TakeOutcome.InUse("02:aa:bb:cc:dd:ee"), reconciler.take(take));
        assertEquals(Map.of(A20, "02:aa:bb:cc:dd:ee"), reconciler.conflicts());
        clock.advance(Duration.ofMillis(400));
        assertEquals(new TakeOutcome.Deferred(Duration.ofMillis(600)), reconciler.take(take));
        assertEquals(1, frames.probes, "no second probe within the back-off");
        clock.advance(Duration.ofMillis(600));
        frames.answer = null;
        assertEquals(new TakeOutcome.Taken(true, 3), reconciler.take(take));
        assertEquals(2, frames.probes);
        assertEquals(Set.of(A20), reconciler.held());
        assertEquals(Map.of(), reconciler.conflicts(), "a clear probe ends the conflict");
    }

    @Test
    void theProbeBackOffIsASecondWhateverTheWallClockDoes() {
        frames.answer = "02:aa:bb:cc:dd:ee";
        ReconcilePlan.Take take = new ReconcilePlan.Take(A20, true);
        assertEquals(new TakeOutcome.InUse("02:aa:bb:cc:dd:ee"), reconciler.take(take));
        clock.stepWallClock(Duration.ofHours(3));
        assertEquals(new TakeOutcome.Deferred(Duration.ofSeconds(1)), reconciler.take(take),
                "the wall clock jumped forward, no time passed: the whole back-off is still ahead");
        clock.stepWallClock(Duration.ofHours(-6));
        clock.advance(Duration.ofSeconds(1));
        frames.answer = null;
        assertEquals(new TakeOutcome.Taken(true, 3), reconciler.take(take),
                "a second passed, though the wall clock went back: probed again and taken");
        assertEquals(2, frames.probes);
    }

    @Test
    void aTakeThePeerChecksRoundFoundClearAddsWithoutAProbeOfItsOwn() throws Exception {
        frames.answer = "02:aa:bb:cc:dd:ee"; // a probe now would find it: the take must not send one
        assertEquals(new TakeOutcome.Taken(true, 3), reconciler.take(new ReconcilePlan.Take(A20,
                new TakeProbe.ClearWithPeerCheck())));
        assertEquals(0, frames.probes, "the round was the probe");
        assertEquals(Set.of(A20), reconciler.held());
    }

    @Test
    void anAnswerInThePeerChecksRoundCountsAsAProbeAnswerBackOffAndAllThenAProbeOfItsOwn() {
        ReconcilePlan.Take answered = new ReconcilePlan.Take(A20, new TakeProbe.AnsweredInPeerCheck("02:aa:bb:cc:dd:ee"));
        assertEquals(new TakeOutcome.InUse("02:aa:bb:cc:dd:ee"), reconciler.take(answered));
        assertEquals(0, frames.probes, "the round's answer is this take's");
        assertEquals(Set.of(), reconciler.held(), "not taken");
        assertEquals(Map.of(A20, "02:aa:bb:cc:dd:ee"), reconciler.conflicts(), "reported as a probe's answer is");
        clock.advance(Duration.ofMillis(400));
        assertEquals(new TakeOutcome.Deferred(Duration.ofMillis(600)), reconciler.take(new ReconcilePlan.Take(A20, true)),
                "the same back-off as after a probe's answer");
        clock.advance(Duration.ofMillis(600));
        assertEquals(new TakeOutcome.Taken(true, 3), reconciler.take(new ReconcilePlan.Take(A20, true)));
        assertEquals(1, frames.probes, "probed again, later, by a probe of its own");
        assertEquals(Map.of(), reconciler.conflicts());
    }

    @Test
    void aReleaseIsAdvertisedForTenSecondsWhateverTheWallClockDoes() throws Exception {
        onInterface(2, A20);
        reconciler.release(A20);
        clock.stepWallClock(Duration.ofHours(3));
        assertEquals(Set.of(A20), reconciler.recentlyReleased(), "no time passed");
        clock.stepWallClock(Duration.ofHours(-6));
        clock.advance(Duration.ofSeconds(10).plusMillis(1));
        assertEquals(Set.of(), reconciler.recentlyReleased(), "ten seconds passed");
    }

    @Test
    void aTakeAfterAPublishedReleaseNeitherProbesNorStaysAdvertisedAsReleased() throws Exception {
        onInterface(2, A20);
        reconciler.release(A20);
        assertEquals(new TakeOutcome.Taken(false, 3), reconciler.take(new ReconcilePlan.Take(A20, false)));
        assertEquals(0, frames.probes);
        assertEquals(Set.of(), reconciler.recentlyReleased());
        verify(rtnetlink).addAddress(ETH1, InetAddress.getByName(A20), 24, Optional.empty());
    }

    @Test
    void asAHolderOnlyAHostUsingTheAddressCountsNotOneProbingForIt() {
        frames.answer = "02:00:00:00:00:11";
        assertEquals(Optional.of("02:00:00:00:00:11"), reconciler.answeredByAnother(A20));
        assertEquals(List.of(false), frames.othersProbingConflict);
        verify(rtnetlink, never()).addAddress(any(), any(), anyInt(), any());
    }

    @Test
    void aClaimSeenWhileHeldIsNewsOncePerMinutePerHost() {
        assertTrue(reconciler.claimedWhileHeld(A20, "02:aa:bb:cc:dd:ee"));
        assertFalse(reconciler.claimedWhileHeld(A20, "02:aa:bb:cc:dd:ee"));
        assertTrue(reconciler.claimedWhileHeld(A20, "02:aa:bb:cc:dd:ff"), "another host is news");
        assertEquals(Map.of(A20, "02:aa:bb:cc:dd:ff"), reconciler.conflicts());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(Map.of(), reconciler.conflicts(), "a claim seen once is shown for a minute");
        assertTrue(reconciler.claimedWhileHeld(A20, "02:aa:bb:cc:dd:ff"));
    }

    @Test
    void theInterfacesMacIsWhatThePeersSeeInArp() {
        assertEquals(Set.of("02:00:00:00:00:10"), reconciler.interfaceMacs());
    }

    /** The LAN's answers to probes, and a count of what was sent. */
    private static final class FakeFrames implements AddressReconciler.LanFrames {
        String answer;
        int probes;
        final List<Boolean> othersProbingConflict = new ArrayList<>();

        @Override
        public ProbeResult probe(Link link, InetAddress ip, boolean othersProbingConflict) {
            probes++;
            this.othersProbingConflict.add(othersProbingConflict);
            return answer == null ? new ProbeResult.Free() : new ProbeResult.InUse(MacAddress.parse(answer));
        }

        @Override
        public int announce(Link link, InetAddress ip) {
            return 6;
        }
    }
}
