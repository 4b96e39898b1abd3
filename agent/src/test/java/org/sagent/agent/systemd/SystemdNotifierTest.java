package org.sagent.agent.systemd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sagent.netlink.LibCConstants;
import org.sagent.netlink.NativeSocket;
import org.sagent.agent.time.MonotonicClock;

/** sd_notify against a real Unix datagram socket, as systemd listens for it. */
class SystemdNotifierTest {

    private static NativeSocket listener(String path) {
        NativeSocket socket = NativeSocket.open(LibCConstants.AF_UNIX, LibCConstants.SOCK_DGRAM, 0, "test notify socket");
        socket.bind(SystemdNotifier.sockaddrUn(path), path);
        return socket;
    }

    private static Optional<String> receive(NativeSocket socket, Duration timeout) {
        byte[] buffer = new byte[4096];
        return socket.receive(buffer, timeout, null).map(n -> new String(buffer, 0, n, StandardCharsets.UTF_8));
    }

    @Test
    void sendsReadyStatusAndStoppingToAPathSocket(@TempDir Path dir) {
        String path = dir.resolve("notify").toString();
        try (NativeSocket socket = listener(path)) {
            SystemdNotifier notifier = SystemdNotifier.forSocket(path);
            assertTrue(notifier.ready("STARTING: waiting for ocfs2"));
            assertEquals(Optional.of("READY=1\nSTATUS=STARTING: waiting for ocfs2"), receive(socket, Duration.ofSeconds(2)));
            assertTrue(notifier.status("two\nlines"));
            assertEquals(Optional.of("STATUS=two lines"), receive(socket, Duration.ofSeconds(2)));
            assertTrue(notifier.stopping("stopping: SIGTERM"));
            assertEquals(Optional.of("STOPPING=1\nSTATUS=stopping: SIGTERM"), receive(socket, Duration.ofSeconds(2)));
        }
    }

    @Test
    void reachesAnAbstractSocket() {
        String name = "@sagent-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (NativeSocket socket = listener(name)) {
            assertTrue(SystemdNotifier.forSocket(name).watchdog());
            assertEquals(Optional.of("WATCHDOG=1"), receive(socket, Duration.ofSeconds(2)));
        }
    }

    @Test
    void withoutASocketNothingIsSentAndNothingFails(@TempDir Path dir) {
        assertFalse(SystemdNotifier.forSocket(null).ready("x"));
        assertFalse(SystemdNotifier.forSocket(dir.resolve("nobody-listens").toString()).ready("x"));
    }

    @Test
    void theWatchdogPingsOnlyWhileTheMainLoopIsAlive(@TempDir Path dir) throws Exception {
        String path = dir.resolve("notify").toString();
        try (NativeSocket socket = listener(path);
             WatchdogPinger pinger = WatchdogPinger.start(SystemdNotifier.forSocket(path), Duration.ofMillis(100),
                     MonotonicClock.system())) {
            List<String> pings = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofMillis(600).toNanos();
            while (System.nanoTime() < deadline) {
                pinger.alive();
                receive(socket, Duration.ofMillis(50)).ifPresent(pings::add);
            }
            assertTrue(pings.size() >= 3, "pings while alive: " + pings);
            // The main loop stops: after one period, no more pings.
            while (receive(socket, Duration.ofMillis(250)).isPresent()) {
                // drain what was sent while the last alive() was fresh
            }
            assertEquals(Optional.empty(), receive(socket, Duration.ofMillis(400)), "pinged for a dead loop");
        }
    }
}
