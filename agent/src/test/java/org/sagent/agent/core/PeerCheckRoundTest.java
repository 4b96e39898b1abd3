package org.sagent.agent.core;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.sagent.agent.time.MonotonicInstant;

/** When the peer check's ARP round stands in for a take's own probe, and for how long. */
class PeerCheckRoundTest {

    private static final String A = "198.51.100.120";
    private static final String B = "198.51.100.121";
    private static final String C = "198.51.100.122";
    private static final MonotonicInstant END = new MonotonicInstant(5_000_000_000L);

    private static PeerCheckRound round(boolean peerTakenForDead) {
        return new PeerCheckRound(peerTakenForDead, Set.of(A, C), Map.of(B, "02:00:00:00:00:10"), END);
    }

    @Test
    void aRoundThatFoundThePeerDeadClearsWhatNobodyAnsweredAndReportsWhatSomebodyDid() {
        assertEquals(Map.of(A, new TakeProbe.ClearWithPeerCheck(), C, new TakeProbe.ClearWithPeerCheck(),
                B, new TakeProbe.AnsweredInPeerCheck("02:00:00:00:00:10")), round(true).findings(END.plus(Duration.ofMillis(3))));
    }

    @Test
    void itStandsForASecondAndNotAfter() {
        assertEquals(3, round(true).findings(END.plus(PeerCheckRound.RECENT)).size(), "a second after: still recent");
        assertEquals(Map.of(), round(true).findings(END.plus(PeerCheckRound.RECENT).plus(Duration.ofNanos(1))),
                "later, a holder that came since would go unseen: a probe of its own");
    }

    @Test
    void aRoundThatFoundEveryPeerAliveStandsForNothing() {
        assertEquals(Map.of(), round(false).findings(END.plus(Duration.ofMillis(3))));
    }

    @Test
    void aRoundFromTheFutureStandsForNothing() {
        assertEquals(Map.of(), round(true).findings(END.plus(Duration.ofMillis(-1))));
    }

    @Test
    void noRoundYetFindsNothing() {
        assertEquals(Map.of(), PeerCheckRound.none().findings(END));
    }
}
