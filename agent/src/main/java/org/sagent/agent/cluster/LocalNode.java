package org.sagent.agent.cluster;

import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.sagent.agent.core.Readiness;
import org.sagent.agent.health.HealthView;
import org.sagent.agent.time.MonotonicClock;
import org.sagent.agent.time.MonotonicInstant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's own fitness to serve: its health, an administrator's disable, a stop in
 * progress and a fence (spec 7.3, 7.5), and since when it has been eligible (failback counts
 * from there, on the monotonic clock: a wall-clock step neither hastens nor delays it). Loop
 * thread only.
 */
final class LocalNode {

    private static final Logger log = LoggerFactory.getLogger(NodeController.class);

    private final MonotonicClock clock;
    private Readiness readiness = Readiness.STARTING;
    /** The checks pass but for DRBD's freeze for fencing (which a cut causes on both nodes). */
    private boolean healthyButForFencingFreeze;
    private List<String> reasons = List.of("start-up gate not passed yet");
    private Optional<MonotonicInstant> eligibleSince = Optional.empty();
    private boolean draining;
    private boolean disabledByAdmin;
    /** Why this node is fenced: it holds nothing until the record is cleared. */
    private Optional<String> fenced = Optional.empty();
    /** A fence found at start ends once resynced; one taken in this run lasts until the node restarts. */
    private boolean fenceEndsWhenResynced;
    /** Called when a fence record may be removed: resynced, healthy, connected. */
    private Runnable fenceCleared = () -> { };

    LocalNode(MonotonicClock clock) {
        this.clock = clock;
    }

    /** The checks' latest verdict; a fence from before this start ends here once DRBD is resynced. */
    void health(HealthView health) {
        Readiness next = switch (health.nodeHealth()) {
            case STARTING -> Readiness.STARTING;
            case OK -> Readiness.OK;
            case UNHEALTHY -> Readiness.UNHEALTHY;
        };
        reasons = health.checks().stream().filter(c -> !c.healthy()).map(c -> c.name() + ": " + health.whyUnhealthy(c))
                .toList();
        healthyButForFencingFreeze = health.healthyButForFencingFreeze();
        if (fenced.isPresent() && fenceEndsWhenResynced && next == Readiness.OK
                && health.checks().stream().noneMatch(c -> c.degraded())) {
            log.info("fence cleared: every check passed and DRBD is connected and UpToDate again (resynced); "
                    + "this node may serve again (it was: {})", fenced.get());
            fenced = Optional.empty();
            fenceCleared.run();
        }
        if (fenced.isPresent()) {
            reasons = Stream.concat(Stream.of(fenceReason()), reasons.stream()).toList();
            if (next == Readiness.OK) {
                next = Readiness.STARTING;
            }
        }
        if (next != readiness) {
            readiness = next;
            eligibleSince = next == Readiness.OK ? Optional.of(clock.now()) : Optional.empty();
        }
    }

    private String fenceReason() {
        return fenced.orElseThrow() + "; held back until resynced, healthy and connected";
    }

    /** Fences this node; false if it was fenced already (the first reason stands). */
    boolean fence(String why, boolean endsWhenResynced) {
        if (fenced.isPresent()) {
            return false;
        }
        fenced = Optional.of(why);
        fenceEndsWhenResynced = endsWhenResynced;
        reasons = Stream.concat(Stream.of(fenceReason()), reasons.stream()).toList();
        if (readiness == Readiness.OK) {
            readiness = Readiness.STARTING;
            eligibleSince = Optional.empty();
        }
        return true;
    }

    void onFenceCleared(Runnable cleared) {
        this.fenceCleared = cleared;
    }

    /** Eligibility counts from now (a merged partition, a thaw): no early failback. */
    void eligibleFromNow() {
        eligibleSince = readiness == Readiness.OK ? Optional.of(clock.now()) : Optional.empty();
    }

    /** An administrator's disable or enable; false when nothing changes. */
    boolean disable(boolean disabled) {
        if (disabled == disabledByAdmin) {
            return false;
        }
        disabledByAdmin = disabled;
        if (!disabled && readiness == Readiness.OK) {
            eligibleSince = Optional.of(clock.now());
        }
        return true;
    }

    void drain() {
        draining = true;
    }

    /** OK and serving-fit now: healthy, not disabled, not stopping, not fenced. */
    boolean ok() {
        return readiness == Readiness.OK && !disabledByAdmin && !draining && fenced.isEmpty();
    }

    /**
     * OK as an arbitration counts it at the cut: {@link #ok()}, except that DRBD's I/O freeze for
     * fencing does not count (the cut caused it; DRBD can freeze and fail its check before the
     * arbitration begins, when this node learns of the cut from DRBD itself).
     */
    boolean okAtCut() {
        return (readiness == Readiness.OK || healthyButForFencingFreeze) && !disabledByAdmin && !draining
                && fenced.isEmpty();
    }

    /** Disabled by an administrator or stopping: published as disabled, so nothing comes to it. */
    boolean withdrawn() {
        return draining || disabledByAdmin;
    }

    boolean disabledByAdmin() {
        return disabledByAdmin;
    }

    boolean draining() {
        return draining;
    }

    Optional<String> fenced() {
        return fenced;
    }

    Readiness readiness() {
        return readiness;
    }

    List<String> reasons() {
        return reasons;
    }

    /** How long it has been eligible without a break, 0 if it is not. */
    long eligibleForMillis(MonotonicInstant now) {
        return eligibleSince.filter(s -> !withdrawn()).map(s -> now.since(s).toMillis()).orElse(0L);
    }

    /** As status shows it: DISABLED, STOPPING, or its readiness. */
    String stateName() {
        return disabledByAdmin ? "DISABLED" : draining ? "STOPPING" : readiness.name();
    }
}
