package org.sagent.netlink.lab;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** A process a {@link NetnsLab} started; its output is collected line by line as it comes. */
public final class LabProcess {

    private final Process process;
    private final String description;
    private final List<String> stdout = new ArrayList<>();
    private final List<String> stderr = new ArrayList<>();

    LabProcess(Process process, String description) {
        this.process = process;
        this.description = description;
        collect(process.getInputStream(), stdout, "out");
        collect(process.getErrorStream(), stderr, "err");
    }

    private void collect(java.io.InputStream stream, List<String> into, String which) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    synchronized (into) {
                        into.add(line);
                        into.notifyAll();
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "lab-" + which + "-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public OutputStream stdin() {
        return process.getOutputStream();
    }

    public List<String> stdout() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }

    public List<String> stderr() {
        synchronized (stderr) {
            return List.copyOf(stderr);
        }
    }

    /** Waits, at most {@code timeout}, for a line of standard output that matches; fails saying what never came. */
    public String awaitLine(Predicate<String> wanted, String what, Duration timeout) throws InterruptedException {
        return await(stdout, wanted, what, timeout);
    }

    /** As {@link #awaitLine} for standard error (tcpdump says "listening on" there). */
    public String awaitErrorLine(Predicate<String> wanted, String what, Duration timeout) throws InterruptedException {
        return await(stderr, wanted, what, timeout);
    }

    private String await(List<String> lines, Predicate<String> wanted, String what, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lines) {
            while (true) {
                for (String line : lines) {
                    if (wanted.test(line)) {
                        return line;
                    }
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new AssertionError(description + ": no " + what + " within " + timeout.toMillis()
                            + " ms; stdout " + stdout() + ", stderr " + stderr());
                }
                lines.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
            }
        }
    }

    /** Waits, at most {@code timeout}, for the process to end; returns its exit status. */
    public int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new AssertionError(description + " still running after " + timeout.toMillis() + " ms; stderr "
                    + stderr());
        }
        return process.exitValue();
    }

    /** SIGKILL now: a crash or a power loss, not a stop. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
    }

    /** Sends a signal by name (STOP, CONT, TERM...) to this process only, by its pid. */
    public void signal(String name) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start();
        if (!kill.waitFor(5, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -" + name + " " + process.pid() + " failed");
        }
    }

    /** SIGTERM, then SIGKILL after {@code grace}: only this process, by its pid. */
    public void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return description + " (pid " + process.pid() + ")";
    }
}
