package org.sagent.agent.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.agent.ManualClock;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.NativeSocket;

/**
 * The watchdog pinger's rule, one timer tick at a time on a clock the test moves: a ping only
 * while the main loop said it was alive within the period, measured on the monotonic clock.
 */
class WatchdogPingerTest {

    private static final Duration PERIOD = Duration.ofSeconds(10);

    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-05T08:00:00Z"));

    @Test
    void aWallClockStepNeitherStopsThePingsOfALiveLoopNorProlongsThoseOfADeadOne(@TempDir Path dir) {
        String path = dir.resolve("notify").toString();
        try (NativeSocket socket = NativeSocket.open(LibCConstants.AF_UNIX, LibCConstants.SOCK_DGRAM, 0, "notify");
             WatchdogPinger pinger = new WatchdogPinger(SystemdNotifier.forSocket(path), PERIOD, clock)) {
            socket.bind(SystemdNotifier.sockaddrUn(path), path);
            clock.advance(Duration.ofSeconds(4));
            pinger.alive();
            clock.stepWallClock(Duration.ofHours(3));
            clock.advance(Duration.ofSeconds(5));
            assertTrue(pinger.ping(), "alive 5 s ago, though the wall clock says 3 hours: systemd is pinged");
            assertEquals(Optional.of("WATCHDOG=1"), receive(socket));

            clock.stepWallClock(Duration.ofHours(-6));
            clock.advance(Duration.ofSeconds(6));
            assertFalse(pinger.ping(), "silent for 11 s, though the wall clock went back: no ping for a dead loop");
            pinger.alive();
            assertTrue(pinger.ping(), "alive again");
        }
    }

    private static Optional<String> receive(NativeSocket socket) {
        byte[] buffer = new byte[256];
        return socket.receive(buffer, Duration.ofSeconds(2), null).map(n -> new String(buffer, 0, n,
                StandardCharsets.UTF_8));
    }
}
