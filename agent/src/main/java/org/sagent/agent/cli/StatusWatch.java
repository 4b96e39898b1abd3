package org.sagent.agent.cli;

import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.Locale;

/**
 * {@code sagent status --watch}: the status again and again, as watch(1) shows a command, so an
 * administrator sees a failover happen. Unlike watch(1) it keeps going through an agent restart
 * (that frame says the agent cannot be asked) and, with {@code --json}, writes one JSON object per
 * line for a script to follow. Runs until interrupted; the frames and the pause are given, so a
 * test runs a few frames with no terminal and no waiting.
 */
final class StatusWatch {

    /** One look at the status: what to print and the exit status a single {@code sagent status} would give. */
    record Frame(String text, int exitCode) {
    }

    interface Frames {
        Frame next() throws Exception;
    }

    interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    /** Moves the cursor home and clears the screen (ECMA-48), as watch(1) does on a terminal. */
    static final String CLEAR = "\033[H\033[2J";

    private final Duration interval;
    private final boolean terminal;
    private final boolean json;
    private final Clock wallClock;

    StatusWatch(Duration interval, boolean terminal, boolean json, Clock wallClock) {
        this.interval = interval;
        this.terminal = terminal;
        this.json = json;
        this.wallClock = wallClock;
    }

    /** Shows {@code frames} {@code limit} times (Long.MAX_VALUE: until interrupted), {@code interval} apart. */
    void run(Frames frames, PrintWriter out, Pause pause, long limit) throws Exception {
        for (long shown = 0; shown < limit; shown++) {
            if (shown > 0) {
                pause.sleep(interval);
            }
            Frame frame = frames.next();
            if (json) {
                out.print(frame.text().strip() + "\n");
            } else {
                out.print((terminal ? CLEAR : shown > 0 ? "\n" : "") + header(frame) + "\n\n" + frame.text());
            }
            out.flush();
        }
    }

    private String header(Frame frame) {
        String verdict = frame.exitCode() == ExitCodes.OK ? "all OK"
                : frame.exitCode() == ExitCodes.UNREACHABLE ? "AGENT NOT REACHABLE" : "DEGRADED";
        LocalTime now = LocalTime.now(wallClock).truncatedTo(ChronoUnit.SECONDS);
        return String.format(Locale.ROOT, "Every %ss: sagent status    %s    %s", seconds(interval), now, verdict);
    }

    private static String seconds(Duration d) {
        return java.math.BigDecimal.valueOf(d.toMillis(), 3).stripTrailingZeros().toPlainString();
    }
}
