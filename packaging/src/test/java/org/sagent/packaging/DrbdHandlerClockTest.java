package org.sagent.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The fence-peer handler's deadline runs on a monotonic clock: with the wall clock stepped by
 * hours at every read (NTP or {@code date -s} while DRBD keeps I/O frozen), it asks the agent
 * until the deadline the agent gave and then gives up, neither at once nor hours later. The
 * agent is faked on the control socket; logger(1) is replaced, so nothing reaches the journal.
 */
class DrbdHandlerClockTest {

    private static final long DEADLINE_MS = 1500;

    /** Loaded before the handler is compiled: each time() reads WALL_STEP seconds further than the last. */
    private static final String STEPPED_WALL_CLOCK = """
            package SteppedWallClock;
            my $reads = 0;
            BEGIN { *CORE::GLOBAL::time = sub () { return CORE::time() + $ENV{WALL_STEP} * $reads++; }; }
            1;
            """;

    @ParameterizedTest(name = "wall clock stepped by {0} s at every read")
    @ValueSource(longs = {7200, -7200})
    void theHandlerKeepsTheAgentsDeadlineWhateverTheWallClockDoes(long step, @TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("SteppedWallClock.pm"), STEPPED_WALL_CLOCK);
        AtomicInteger questions = new AtomicInteger();
        AtomicBoolean gaveUp = new AtomicBoolean();
        // Answers every fence-peer question as the agent does while it is still deciding.
        FakeControlSocket agent = new FakeControlSocket(dir.resolve("sagent.sock"), 0, request -> {
            if (request.contains("\"gave-up\":true")) {
                gaveUp.set(true);
            } else if (request.contains("\"command\":\"fence-peer\"")) {
                questions.incrementAndGet();
            }
            return "{\"ok\":true,\"outcome\":\"waiting\",\"exit\":1,\"message\":\"no witness answered yet\","
                    + "\"deadline-ms\":" + DEADLINE_MS + "}";
        });
        try (agent) {
            FakeControlSocket.Run run = FakeControlSocket.runHandler(dir, List.of("-I" + dir, "-MSteppedWallClock"),
                    Map.of("WALL_STEP", Long.toString(step)), "fence-peer");
            String said = run.said();
            assertTrue(run.ended(), "still waiting 20 s after a " + DEADLINE_MS + " ms deadline: the deadline followed "
                    + "the wall clock back; " + said);
            assertEquals(1, run.exit(), said);
            assertTrue(questions.get() >= 2, "asked " + questions.get() + " times before giving up: the "
                    + "deadline followed the wall clock forward; " + said);
            assertTrue(gaveUp.get(), "the agent was not told that the handler gave up; " + said);
            assertTrue(said.matches("(?s).*no decision within [12] s \\(waiting: .*"), said);
        }
    }
}
