package org.sagent.agent.isolation;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.sagent.agent.config.IsolationSettings;
import org.sagent.agent.health.CommandRunner;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The loser's stand-down (spec 7.3), in order, one log line per step: release the public
 * addresses (the winner takes and announces them), record the fence on local storage outside
 * DRBD, tell the winner over the LAN, stop Samba so no client keeps writing to a frozen share,
 * wait briefly for the winner's acknowledgement, then the configured action. Samba is stopped
 * after the winner is told: the winner's I/O stays frozen until it is, and stopping smbd on a
 * frozen share takes seconds (systemctl, processes blocked on the share) while nothing on the
 * winner depends on it; the loser's own I/O is frozen either way. Runs on a thread of its own:
 * it waits, and the agent loop must not.
 */
public final class StandDown {

    private static final Logger log = LoggerFactory.getLogger(StandDown.class);
    static final Duration RELEASE_WAIT = Duration.ofSeconds(3);
    static final Duration SAMBA_WAIT = Duration.ofSeconds(1);
    static final Duration ACK_WAIT = Duration.ofSeconds(3);

    /** What the sequence needs from the agent: the edges, so the order can be tested without a kernel. */
    public interface Steps {
        /** Fences the node in the controller (it releases every address); returns once asked. */
        void fence(String reason);

        /** How many public addresses this node still holds. */
        int held();

        /** Publishes the stand-down (the winner's signal to resume). */
        void stoodDown(String reason);

        /** The winner has acknowledged the stand-down. */
        boolean acknowledged();

        CommandRunner.Result run(List<String> command, Duration timeout);

        /**
         * Resets the machine at once, as o2hb's own fence does: a frozen OCFS2 mount can be neither
         * unmounted nor synced, so no orderly shutdown (which would hang on it).
         */
        void reboot() throws java.io.IOException;

        void sleep(Duration duration) throws InterruptedException;
    }

    private final Steps steps;
    private final IsolationSettings.Action action;
    private final Optional<String> sambaUnit;
    private final java.nio.file.Path record;

    public StandDown(Steps steps, IsolationSettings.Action action, Optional<String> sambaUnit, java.nio.file.Path record) {
        this.steps = steps;
        this.action = action;
        this.sambaUnit = sambaUnit;
        this.record = record;
    }

    /**
     * Runs the whole sequence; returns only with stay-frozen, when the fence record could not be
     * written (then nothing is claimed), or when the reboot failed.
     */
    public void run(String winner, String reason, String resource) throws InterruptedException {
        long start = System.nanoTime();
        log.warn("isolation: standing down (1/5): {}", reason);
        steps.fence("stood down for " + winner + " (" + reason + ")");
        long deadline = System.nanoTime() + RELEASE_WAIT.toNanos();
        while (steps.held() > 0 && System.nanoTime() < deadline) {
            steps.sleep(Duration.ofMillis(20));
        }
        int left = steps.held();
        if (left == 0) {
            log.warn("isolation: standing down (2/5): public addresses released in {} ms; {} takes them",
                    millis(start), winner);
        } else {
            log.error("isolation: standing down (2/5): {} public addresses still on this node after {} ms; going on",
                    left, millis(start));
        }
        try {
            new FenceRecord(Instant.now().toString(), winner, reason, resource).write(record);
            log.warn("isolation: standing down (3/5): fence recorded in {}: this node will not serve until resynced",
                    record);
        } catch (java.io.IOException e) {
            // Without the record this node could come back after a reboot, find its disk looking fine
            // and win a later cut alone on stale data. So it claims nothing and stays frozen: the
            // winner keeps waiting for the stand-down (its I/O frozen too), which is safe, not split.
            log.error("isolation: standing down (3/5): could not write the fence record {}: {}; this node does NOT "
                    + "tell {} it stood down and does not reboot: it stays frozen with its addresses released. Fix "
                    + "the state directory (disk full, read-only?), then reboot this node: {} resumes once it is "
                    + "gone from the LAN", record, e.getMessage(), winner, winner);
            stopSamba();
            return;
        }
        steps.stoodDown(reason);
        long asked = System.nanoTime();
        stopSamba();
        long ackDeadline = asked + ACK_WAIT.toNanos();
        while (!steps.acknowledged() && System.nanoTime() < ackDeadline) {
            steps.sleep(Duration.ofMillis(50));
        }
        if (steps.acknowledged()) {
            log.warn("isolation: standing down (5/5): {} acknowledged in {} ms; {} ms since the stand-down began",
                    winner, millis(asked), millis(start));
        } else {
            log.warn("isolation: standing down (5/5): no acknowledgement from {} within {} s; it resumes when it "
                    + "sees this node gone from the LAN", winner, ACK_WAIT.toSeconds());
        }
        if (action == IsolationSettings.Action.REBOOT) {
            log.warn("isolation: rebooting now (isolation.action: reboot): DRBD resyncs from {} when the link is back",
                    winner);
            try {
                steps.reboot();
            } catch (java.io.IOException e) {
                log.error("isolation: the reboot did not happen ({}); this node stays frozen; reboot it by hand "
                        + "(o2hb resets it within about 60 s of the freeze anyway)", e.getMessage());
            }
        } else {
            log.warn("isolation: staying frozen (isolation.action: stay-frozen): reboot this node when convenient; "
                    + "it then resyncs from {} and serves again once healthy", winner);
        }
    }

    private void stopSamba() {
        if (sambaUnit.isEmpty()) {
            log.warn("isolation: standing down (4/5): no Samba unit configured (health.samba.unit): nothing to stop");
            return;
        }
        String unit = sambaUnit.get();
        long start = System.nanoTime();
        // --no-block and a short wait: smbd processes stuck on the frozen share may never end, the
        // addresses are gone already, and the reboot (or the frozen stay) follows.
        CommandRunner.Result stop = steps.run(List.of("systemctl", "stop", "--no-block", unit), Duration.ofSeconds(3));
        long deadline = System.nanoTime() + SAMBA_WAIT.toNanos();
        boolean inactive = false;
        while (stop.exitCode() == 0 && System.nanoTime() < deadline) {
            CommandRunner.Result state = steps.run(List.of("systemctl", "is-active", unit), Duration.ofSeconds(2));
            inactive = !state.output().strip().equals("active") && !state.output().strip().equals("deactivating");
            if (inactive) {
                break;
            }
            try {
                steps.sleep(Duration.ofMillis(100));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (inactive) {
            log.warn("isolation: standing down (4/5): {} stopped in {} ms", unit, millis(start));
        } else if (stop.exitCode() != 0) {
            log.error("isolation: standing down (4/5): systemctl stop {} failed ({}): {}; going on", unit,
                    stop.exitCode(), stop.lastLine());
        } else {
            log.warn("isolation: standing down (4/5): {} is still stopping after {} ms (processes blocked on the "
                    + "frozen share); going on", unit, millis(start));
        }
    }

    private static long millis(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}
