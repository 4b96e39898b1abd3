package org.sagent.agent.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.junit.jupiter.api.Test;

class StatusWatchTest {

    private static final Clock NOON = Clock.fixed(Instant.parse("2026-12-07T12:00:05.250Z"), ZoneOffset.UTC);

    private final List<Duration> pauses = new ArrayList<>();
    private final StringWriter out = new StringWriter();

    private void run(StatusWatch watch, List<StatusWatch.Frame> frames) throws Exception {
        Iterator<StatusWatch.Frame> next = frames.iterator();
        watch.run(next::next, new PrintWriter(out), pauses::add, frames.size());
    }

    @Test
    void onATerminalEachFrameClearsTheScreenAndSaysWhenAndHowTheClusterIs() throws Exception {
        run(new StatusWatch(Duration.ofMillis(1500), true, false, NOON), List.of(
                new StatusWatch.Frame("Cluster c1, 2 nodes\n", ExitCodes.OK),
                new StatusWatch.Frame("sagent status: the agent is not running\n", ExitCodes.UNREACHABLE),
                new StatusWatch.Frame("Cluster c1, 2 nodes\n", ExitCodes.FAILED)));
        String[] frames = out.toString().split(java.util.regex.Pattern.quote(StatusWatch.CLEAR), -1);
        assertEquals(4, frames.length, out.toString());
        assertEquals("", frames[0], "the first frame clears too");
        assertEquals("Every 1.5s: sagent status    12:00:05    all OK\n\nCluster c1, 2 nodes\n", frames[1]);
        assertTrue(frames[2].startsWith("Every 1.5s: sagent status    12:00:05    AGENT NOT REACHABLE\n\n"
                + "sagent status: the agent is not running"), frames[2]);
        assertTrue(frames[3].contains("DEGRADED"), frames[3]);
        assertEquals(List.of(Duration.ofMillis(1500), Duration.ofMillis(1500)), pauses, "a pause between frames, none before");
    }

    @Test
    void withoutATerminalFramesFollowEachOtherWithoutControlCharacters() throws Exception {
        run(new StatusWatch(Duration.ofSeconds(1), false, false, NOON), List.of(
                new StatusWatch.Frame("A\n", ExitCodes.OK), new StatusWatch.Frame("B\n", ExitCodes.OK)));
        assertEquals("Every 1s: sagent status    12:00:05    all OK\n\nA\n\nEvery 1s: sagent status    12:00:05    all OK\n\nB\n",
                out.toString());
        assertFalse(out.toString().contains("\033"), out.toString());
    }

    @Test
    void withJsonEachFrameIsOneObjectOnOneLine() throws Exception {
        run(new StatusWatch(Duration.ofMillis(100), true, true, NOON), List.of(
                new StatusWatch.Frame("{\"node\":\"s0\"}\n", ExitCodes.OK),
                new StatusWatch.Frame("{\"ok\":false,\"error\":\"the agent is not running\"}\n", ExitCodes.UNREACHABLE)));
        String[] lines = out.toString().split("\n");
        assertEquals(2, lines.length, out.toString());
        for (String line : lines) {
            new ObjectMapper().readTree(line);
        }
        assertFalse(out.toString().contains("\033"), "no screen clearing in JSON: " + out);
    }

    @Test
    void aWatchIntervalOutsideItsRangeIsWrongUsage() {
        CheckConfigCommandTest.Run run = CheckConfigCommandTest.sagent("status", "--watch", "0.01");
        assertEquals(ExitCodes.USAGE, run.status(), run.err());
        assertTrue(run.err().contains("--watch wants an interval from 0.1 to 3600 seconds"), run.err());
    }
}
