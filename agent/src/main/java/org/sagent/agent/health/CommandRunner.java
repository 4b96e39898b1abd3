package org.sagent.agent.health;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.apache.commons.exec.CommandLine;
import org.apache.commons.exec.DefaultExecutor;
import org.apache.commons.exec.ExecuteException;
import org.apache.commons.exec.ExecuteWatchdog;
import org.apache.commons.exec.PumpStreamHandler;

/**
 * Runs an external command to its end with Apache Commons Exec: a watchdog kills it at its
 * timeout, and only the last few KiB of its output are kept (a chatty script cannot fill memory).
 */
public final class CommandRunner {

    static final int KEEP_BYTES = 8192;

    /** Exit status (-1 when it could not start), the tail of stdout+stderr, whether the watchdog fired. */
    public record Result(int exitCode, String output, boolean timedOut) {

        /** The last non-blank line of output, or empty. */
        public String lastLine() {
            List<String> lines = output.lines().filter(l -> !l.isBlank()).toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1).strip();
        }
    }

    public Result run(List<String> command, Duration timeout) {
        CommandLine line = new CommandLine(command.get(0));
        for (String argument : command.subList(1, command.size())) {
            line.addArgument(argument, false);
        }
        TailBuffer output = new TailBuffer(KEEP_BYTES);
        TreeKillingWatchdog watchdog = new TreeKillingWatchdog(timeout);
        DefaultExecutor executor = DefaultExecutor.builder().get();
        PumpStreamHandler pumps = new PumpStreamHandler(output, output);
        // A grandchild that inherited the output pipe must not keep us waiting after the kill.
        pumps.setStopTimeout(Duration.ofSeconds(1));
        executor.setStreamHandler(pumps);
        executor.setWatchdog(watchdog);
        executor.setExitValues(null); // every status is a result, not an exception
        try {
            int exit = executor.execute(line);
            return new Result(exit, output.text(), watchdog.timedOut());
        } catch (ExecuteException e) {
            return new Result(e.getExitValue(), output.text(), watchdog.timedOut());
        } catch (IOException e) {
            return new Result(-1, "cannot run " + command.get(0) + ": " + e.getMessage(), false);
        }
    }

    /**
     * Commons Exec's watchdog kills only the process it started; a script's children (a
     * {@code sleep} in a shell script) would live on. This one ends the whole tree.
     */
    static final class TreeKillingWatchdog extends ExecuteWatchdog {
        private Process process;
        private volatile boolean fired;

        @SuppressWarnings("deprecation")
        TreeKillingWatchdog(Duration timeout) {
            super(timeout.toMillis());
        }

        @Override
        public synchronized void start(Process started) {
            this.process = started;
            super.start(started);
        }

        @Override
        public synchronized void timeoutOccured(org.apache.commons.exec.Watchdog watchdog) {
            // Set before anything dies: a shell whose child is killed first may exit on its own
            // before the base class records that it killed the process.
            fired = true;
            if (process != null) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
            }
            super.timeoutOccured(watchdog);
        }

        boolean timedOut() {
            return fired;
        }
    }

    /** Keeps the last {@code capacity} bytes written to it. */
    static final class TailBuffer extends OutputStream {
        private final byte[] ring;
        private long written;

        TailBuffer(int capacity) {
            ring = new byte[capacity];
        }

        @Override
        public synchronized void write(int b) {
            ring[(int) (written++ % ring.length)] = (byte) b;
        }

        synchronized String text() {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (written <= ring.length) {
                out.write(ring, 0, (int) written);
            } else {
                int start = (int) (written % ring.length);
                out.write(ring, start, ring.length - start);
                out.write(ring, 0, start);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }
}
