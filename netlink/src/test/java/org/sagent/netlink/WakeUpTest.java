package org.sagent.netlink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A receive with no packet coming ends when woken, not at its timeout (real sockets, no privileges needed). */
class WakeUpTest {

    private static final int NETLINK_ROUTE = 0;

    @Test
    void aSignalEndsAReceiveThatWaitsOnAnotherThreadAndKeepsEndingTheNextOnes() throws Exception {
        try (NativeSocket socket = NativeSocket.open(LibC.AF_NETLINK, LibC.SOCK_RAW, NETLINK_ROUTE, "a quiet socket");
             WakeUp wake = WakeUp.open()) {
            byte[] buffer = new byte[256];
            CompletableFuture<Optional<Integer>> waiting = CompletableFuture.supplyAsync(
                    () -> socket.receive(buffer, Duration.ofMinutes(5), null, wake));
            wake.signal();
            // Bounded: a receive that only its five-minute timeout ended would fail here.
            assertEquals(Optional.empty(), waiting.get(30, TimeUnit.SECONDS), "woken, nothing received");
            assertEquals(Optional.empty(), socket.receive(buffer, Duration.ofMinutes(5), null, wake),
                    "a signalled wake-up stays signalled: a stopping listener's next wait ends too");
        }
    }

    @Test
    void withoutASignalTheReceiveWaitsItsTimeout() {
        try (NativeSocket socket = NativeSocket.open(LibC.AF_NETLINK, LibC.SOCK_RAW, NETLINK_ROUTE, "a quiet socket");
             WakeUp wake = WakeUp.open()) {
            long start = System.nanoTime();
            assertEquals(Optional.empty(), socket.receive(new byte[256], Duration.ofMillis(100), null, wake));
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(90).toNanos(), "not woken early");
        }
    }
}
