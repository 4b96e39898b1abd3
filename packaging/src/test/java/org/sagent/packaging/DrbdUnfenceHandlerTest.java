package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unfence-peer handler asks again when its connection is dropped before the agent read it,
 * as the agent drops the oldest of a burst of connections still sending: one dropped connection
 * must not cost the agent the news that the resync is done. It still ends within its bound when
 * the agent never answers. The agent is faked on the control socket; logger(1) is replaced.
 */
class DrbdUnfenceHandlerTest {

    @TempDir
    Path dir;

    private final AtomicInteger answered = new AtomicInteger();
    /** The agent's answer to an unfence; nothing to anything else. */
    private final UnaryOperator<String> agent = request -> {
        if (!request.contains("\"command\":\"unfence\"")) {
            return null;
        }
        answered.incrementAndGet();
        return "{\"ok\":true}";
    };

    @Test
    void connectionsDroppedUnreadAreAskedAgain() throws Exception {
        try (FakeControlSocket socket = new FakeControlSocket(dir.resolve("sagent.sock"), 2, agent)) {
            FakeControlSocket.Run run = unfence();
            assertEquals(0, run.exit(), run.said());
            assertTrue(run.said().contains("unfence-peer r0: told the agent"), run.said());
            assertEquals(3, socket.connections.get(), "two dropped, the third answered: " + run.said());
            assertEquals(1, answered.get(), run.said());
        }
    }

    @Test
    void anAgentThatDropsEveryConnectionIsGivenUpOnWithinTheBound() throws Exception {
        try (FakeControlSocket socket = new FakeControlSocket(dir.resolve("sagent.sock"), Integer.MAX_VALUE, agent)) {
            long start = System.nanoTime();
            FakeControlSocket.Run run = unfence();
            long tookMillis = (System.nanoTime() - start) / 1_000_000;
            assertEquals(0, run.exit(), "DRBD does not act on this handler's status: " + run.said());
            assertTrue(run.said().contains("the agent cannot be asked (the agent closed the connection)"), run.said());
            assertEquals(5, socket.connections.get(), "five tries, no more: " + run.said());
            assertTrue(tookMillis < 8000, "ended " + tookMillis + " ms after it started: " + run.said());
        }
    }

    private FakeControlSocket.Run unfence() throws Exception {
        FakeControlSocket.Run run = FakeControlSocket.runHandler(dir, List.of(), Map.of(), "unfence-peer");
        assertTrue(run.ended(), "still running after 20 s: " + run.said());
        return run;
    }
}
