package org.sagent.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.sagent.agent.config.FailoverSettings;
import org.sagent.agent.config.ProbeSettings;

/** How long the peer check's ARP round lasts, from the probe's settings and the peer check's timeout. */
class PeerCheckTimingTest {

    private static PeerCheck.Timing timing(int count, long intervalMillis, long waitMillis, long peerCheckMillis) {
        return PeerCheck.Timing.of(new ProbeSettings(count, Duration.ofMillis(intervalMillis),
                Duration.ofMillis(waitMillis)), Duration.ofMillis(peerCheckMillis));
    }

    @Test
    void theDefaultsAskThreeTimes20MsApartAndConcludeSilence40MsAfterTheLast() {
        PeerCheck.Timing defaults = PeerCheck.Timing.of(new ProbeSettings(ProbeSettings.DEFAULT_COUNT,
                ProbeSettings.DEFAULT_INTERVAL, ProbeSettings.DEFAULT_WAIT), FailoverSettings.DEFAULT_PEER_CHECK_TIMEOUT);
        assertEquals(new PeerCheck.Timing(3, Duration.ofMillis(20), Duration.ofMillis(40)), defaults);
        assertEquals(Duration.ofMillis(80), defaults.length());
    }

    @Test
    void aSingleProbeStillAsksThePeerTwice() {
        // The README's fast profile: one lost frame must not make a living peer dead.
        PeerCheck.Timing fast = timing(1, 10, 30, 30);
        assertEquals(new PeerCheck.Timing(2, Duration.ofMillis(10), Duration.ofMillis(30)), fast);
        assertEquals(Duration.ofMillis(40), fast.length());
    }

    @Test
    void theRoundWaitsTheLongerOfTheProbesWaitAndThePeerChecksTimeout() {
        assertEquals(Duration.ofMillis(100), timing(3, 20, 60, 100).silence(), "an earlier release's peer check");
        assertEquals(Duration.ofSeconds(1), timing(3, 100, 1000, 40).silence(),
                "a probe for slow guests is never shortened by the round");
    }
}
