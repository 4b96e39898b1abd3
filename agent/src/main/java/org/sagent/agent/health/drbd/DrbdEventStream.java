package org.sagent.agent.health.drbd;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Supervises {@code drbdsetup events2 --timestamps --statistics all} as a child process and
 * keeps every resource's state from its lines, so a disk or connection change reaches the
 * agent at once instead of at the next poll. If the child dies it is restarted with back-off
 * (1 s doubling to 30 s); while it is not running the state is unknown, which the DRBD check
 * reports as unhealthy. Works with DRBD 9 and with Debian 12's DRBD 8.4 (drbd-utils 9).
 */
public final class DrbdEventStream implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(DrbdEventStream.class);
    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final List<String> command;
    private final Consumer<String> onChange;
    private final ScheduledExecutorService restarts = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "drbd-events2-restart");
        thread.setDaemon(true);
        return thread;
    });
    private final Object lock = new Object();
    private DrbdEvents2State state;
    private String down = "not started yet";
    private Process process;
    private Duration backoff = FIRST_BACKOFF;
    private volatile boolean closed;

    /**
     * @param drbdsetup the drbdsetup program (normally "drbdsetup", found on PATH)
     * @param onChange  called with the resource name whenever a line changed it, and with "" when
     *                  the stream starts or stops (every resource's state changed then)
     */
    public DrbdEventStream(String drbdsetup, Consumer<String> onChange) {
        this.command = List.of(drbdsetup, "events2", "--timestamps", "--statistics", "all");
        this.onChange = onChange;
    }

    public void start() {
        restarts.execute(this::launch);
    }

    /** The resource's state, or why it is not known (stream down, initial dump not complete). */
    public sealed interface Reading {
        record Known(Optional<DrbdResourceStatus> status) implements Reading {
        }

        record Unknown(String why) implements Reading {
        }
    }

    public Reading read(String resource) {
        synchronized (lock) {
            if (state == null) {
                return new Reading.Unknown(down);
            }
            if (!state.initialDumpComplete()) {
                return new Reading.Unknown("drbdsetup events2 has not finished listing the current state");
            }
            return new Reading.Known(state.resource(resource));
        }
    }

    private void launch() {
        if (closed) {
            return;
        }
        Process started;
        try {
            started = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            stopped("cannot run " + String.join(" ", command) + ": " + e.getMessage());
            return;
        }
        synchronized (lock) {
            process = started;
            state = new DrbdEvents2State();
        }
        Thread reader = new Thread(() -> read(started), "drbd-events2");
        reader.setDaemon(true);
        reader.start();
    }

    private void read(Process child) {
        StringBuilder lastLines = new StringBuilder();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                Optional<String> changed;
                boolean dumpJustCompleted;
                synchronized (lock) {
                    boolean before = state.initialDumpComplete();
                    changed = state.apply(line);
                    dumpJustCompleted = !before && state.initialDumpComplete();
                }
                if (dumpJustCompleted) {
                    backoff = FIRST_BACKOFF;
                    log.info("drbdsetup events2 running (pid {}); DRBD state is known", child.pid());
                    onChange.accept("");
                } else {
                    changed.ifPresent(onChange);
                }
                if (!line.contains(" name:") && !line.contains(" -")) { // an error message, not an event
                    lastLines.setLength(0);
                    lastLines.append(line.strip());
                }
            }
        } catch (IOException e) {
            // the child ended or was killed: handled below
        }
        int exit;
        try {
            exit = child.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        stopped("drbdsetup events2 exited with status " + exit + (lastLines.length() == 0 ? "" : " (" + lastLines + ")"));
    }

    private void stopped(String why) {
        if (closed) {
            return;
        }
        Duration wait = backoff;
        backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        synchronized (lock) {
            state = null;
            process = null;
            down = why + "; restarting in " + wait.toSeconds() + " s";
        }
        log.warn("{}; restarting it in {} s", why, wait.toSeconds());
        onChange.accept("");
        restarts.schedule(this::launch, wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Ends the child we started (by its pid) and stops restarting it. */
    @Override
    public void close() {
        closed = true;
        restarts.shutdownNow();
        Process child;
        synchronized (lock) {
            child = process;
        }
        if (child != null) {
            child.destroy();
            try {
                if (!child.waitFor(2, TimeUnit.SECONDS)) {
                    child.destroyForcibly();
                }
            } catch (InterruptedException e) {
                child.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }
}
