package org.sagent.agent;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.sagent.agent.health.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Disconnects and connects this node's DRBD resources for the isolation coordinator, with
 * {@code drbdadm}, one command after the other on a thread of its own (the loop must not wait
 * for a process). The resources are those the health checks watch ({@code health.drbd}).
 */
final class DrbdConnections {

    private static final Logger log = LoggerFactory.getLogger(Agent.class);
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(10);

    private final List<String> resources;
    private final CommandRunner runner;
    private final ExecutorService commands = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "drbd-connections");
        thread.setDaemon(true);
        return thread;
    });

    DrbdConnections(List<String> resources, CommandRunner runner) {
        this.resources = List.copyOf(resources);
        this.runner = runner;
    }

    /** {@code drbdadm disconnect --force}: DRBD drops the peer now, freezes I/O and calls fence-peer. */
    void disconnect(String why) {
        if (resources.isEmpty()) {
            log.warn("isolation: {}, but no DRBD resource is configured (health.drbd.resources): DRBD finds out on "
                    + "its own timers", why);
            return;
        }
        resources.forEach(resource -> commands.execute(() -> run(List.of("drbdadm", "disconnect", "--force", resource),
                "disconnected DRBD " + resource + " from its peer", "if this agent stops before it connects " + resource
                        + " again, run drbdadm connect " + resource + " once the peer is known to be back or stood down")));
    }

    /** {@code drbdadm connect}: DRBD waits for its peer again (WFConnection). */
    void connect(String why) {
        resources.forEach(resource -> commands.execute(() -> run(List.of("drbdadm", "connect", resource),
                "connected DRBD " + resource + " again (" + why + ")", "run drbdadm connect " + resource + " by hand")));
    }

    private void run(List<String> command, String done, String otherwise) {
        long started = System.nanoTime();
        CommandRunner.Result result = runner.run(command, COMMAND_TIMEOUT);
        long millis = (System.nanoTime() - started) / 1_000_000;
        if (result.exitCode() == 0) {
            log.info("isolation: {} ({}, {} ms)", done, String.join(" ", command), millis);
        } else {
            log.error("isolation: {} failed ({}{}): {}; {}", String.join(" ", command),
                    result.timedOut() ? "no end within " + COMMAND_TIMEOUT.toSeconds() + " s" : "exit " + result.exitCode(),
                    ", " + millis + " ms", result.lastLine().isEmpty() ? "no output" : result.lastLine(), otherwise);
        }
    }
}
